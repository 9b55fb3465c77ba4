-- 0006: web team (issue 12). A link check keeps the evidence a web team
-- needs to fix a broken link: the link's text and a CSS selector of its
-- element on the page it is on, and the address it led to after
-- redirects. Rows stored before have them empty. Works on ClickHouse 18.16
-- and current releases (the migrator skips a column that exists).
ALTER TABLE links ADD COLUMN link_text String DEFAULT '';
ALTER TABLE links ADD COLUMN selector String DEFAULT '';
ALTER TABLE links ADD COLUMN final_url String DEFAULT '';
