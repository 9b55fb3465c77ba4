package data

import (
	"strings"
	"testing"
)

// The cluster rule has an answer for every statement of every migration
// file (a new kind of statement fails here first), and its answers are
// what docs/SCALING.md says.
func TestClusterRuleCoversMigrations(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	tables, err := clusterTables()
	if err != nil {
		t.Fatal(err)
	}
	creates := 0
	for _, m := range ms {
		for i, stmt := range m.Statements {
			steps, err := clusterStatements(stmt, tables, "c1", "db1")
			if err != nil {
				t.Errorf("migration %04d_%s statement %d: %v", m.Version, m.Name, i+1, err)
				continue
			}
			if len(steps) == 0 {
				t.Errorf("migration %04d_%s statement %d: no steps", m.Version, m.Name, i+1)
			}
			if p, ok, _ := parseCreate(stmt); ok && isMergeTree(p.engine) {
				creates++
				if len(steps) != 2 || !strings.HasPrefix(steps[0].sql, "CREATE TABLE IF NOT EXISTS "+p.table+"_local (") ||
					!strings.Contains(steps[1].sql, "Distributed(c1, db1, "+p.table+"_local, ") {
					t.Errorf("%s: %+v", p.table, steps)
				}
			}
		}
	}
	if creates != len(tables) || creates < 14 {
		t.Errorf("%d MergeTree tables created in the migrations, %d sharded tables", creates, len(tables))
	}
}

func TestClusterRule(t *testing.T) {
	tables := map[string]clusterTable{"pages": {key: "council_code", routed: true}, "events": {key: "n"}}
	cases := []struct {
		stmt string
		want []string // statements, "" for an error
	}{
		{"CREATE TABLE IF NOT EXISTS pages (\n council_code String, url String DEFAULT concat('a,(b', 'c')\n) ENGINE = MergeTree PARTITION BY toYYYYMM(t) ORDER BY (council_code, url)",
			[]string{"CREATE TABLE IF NOT EXISTS pages_local (\n council_code String, url String DEFAULT concat('a,(b', 'c')\n) ENGINE = MergeTree PARTITION BY toYYYYMM(t) ORDER BY (council_code, url)",
				"CREATE TABLE IF NOT EXISTS pages AS pages_local ENGINE = Distributed(c, d, pages_local, cityHash64(council_code))"}},
		{"CREATE TABLE events (n UInt64, v String) ENGINE = ReplacingMergeTree(n) ORDER BY n",
			[]string{"CREATE TABLE IF NOT EXISTS events_local (n UInt64, v String) ENGINE = ReplacingMergeTree(n) ORDER BY n",
				"CREATE TABLE IF NOT EXISTS events AS events_local ENGINE = Distributed(c, d, events_local, rand())"}},
		{"CREATE TABLE lock (owner String) ENGINE = Log", []string{"CREATE TABLE lock (owner String) ENGINE = Log"}},
		{"ALTER TABLE pages ADD COLUMN title String DEFAULT ''",
			[]string{"ALTER TABLE pages_local ADD COLUMN title String DEFAULT ''", "ALTER TABLE pages ADD COLUMN title String DEFAULT ''"}},
		{"ALTER TABLE pages MODIFY COLUMN url LowCardinality(String)",
			[]string{"ALTER TABLE pages_local MODIFY COLUMN url LowCardinality(String)", "ALTER TABLE pages MODIFY COLUMN url LowCardinality(String)"}},
		{"ALTER TABLE pages DROP PARTITION 202601", []string{"ALTER TABLE pages_local DROP PARTITION 202601"}},
		{"ALTER TABLE pages DELETE WHERE url = ''", []string{"ALTER TABLE pages_local DELETE WHERE url = ''"}},
		{"DROP TABLE IF EXISTS pages", []string{"DROP TABLE IF EXISTS pages", "DROP TABLE IF EXISTS pages_local"}},
		{"ALTER TABLE other ADD COLUMN x UInt8", []string{"ALTER TABLE other ADD COLUMN x UInt8"}},
		{"CREATE TABLE r (a String) ENGINE = ReplicatedMergeTree('/zk', '1') ORDER BY a", []string{""}},
		{"INSERT INTO pages (council_code) SELECT 'x'", []string{""}},
		{"CREATE MATERIALIZED VIEW v TO pages AS SELECT 1", []string{""}},
		// A view from a sharded table to a sharded one: local to local, on
		// every node (ARRAY JOIN is a row's own, not another table's).
		{"CREATE MATERIALIZED VIEW IF NOT EXISTS v TO events AS\nSELECT n, url AS v FROM pages ARRAY JOIN [1, 2] AS n",
			[]string{"CREATE MATERIALIZED VIEW IF NOT EXISTS v TO events_local AS SELECT n, url AS v FROM pages_local ARRAY JOIN [1, 2] AS n"}},
		{"CREATE MATERIALIZED VIEW v TO events AS SELECT n FROM lock",
			[]string{"CREATE MATERIALIZED VIEW IF NOT EXISTS v TO events_local AS SELECT n FROM lock"}},
		{"CREATE MATERIALIZED VIEW v TO lock AS SELECT url AS owner FROM pages", []string{""}},
		{"CREATE MATERIALIZED VIEW v ENGINE = MergeTree ORDER BY n AS SELECT n FROM events", []string{""}},
		{"CREATE MATERIALIZED VIEW v TO events AS SELECT n FROM events e JOIN pages p ON e.v = p.url", []string{""}},
		{"CREATE MATERIALIZED VIEW v TO events AS SELECT n FROM events WHERE v IN (SELECT url FROM pages)", []string{""}},
	}
	for _, c := range cases {
		steps, err := clusterStatements(c.stmt, tables, "c", "d")
		if c.want[0] == "" {
			if err == nil {
				t.Errorf("%q: no error, want one (%+v)", c.stmt, steps)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.stmt, err)
			continue
		}
		var got []string
		for _, s := range steps {
			got = append(got, s.sql)
		}
		if strings.Join(got, "\n--\n") != strings.Join(c.want, "\n--\n") {
			t.Errorf("%q:\ngot  %q\nwant %q", c.stmt, got, c.want)
		}
	}
	steps, _ := clusterStatements("ALTER TABLE pages ADD COLUMN title String", tables, "c", "d")
	if steps[0].table != "pages_local" || steps[1].table != "pages" || steps[0].column != "title" {
		t.Errorf("ADD COLUMN steps %+v: each checks its own table for the column", steps)
	}
}
