package dashboard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/invopop/jsonschema"
)

// The OpenAPI 3.1 document of the API, the exports, the feeds and the
// badges, built from the operations below: their parameters are the ones
// the handlers check (params.go), their answers' schemas are reflected from
// the wire types (api*.go), every field described by fieldDocs. It is
// served at /api/v1/openapi.json, rendered at /api, and docs/API.md and
// docs/DATA.md are generated from it (TestDocsFromOpenAPI).

// operation is one documented route.
type operation struct {
	id, path, tag, summary, doc string
	params                      []param
	answer                      any // the JSON answer's wire type (a zero value), or nil
	example                     any // an example answer, a value of the wire type
	media                       []media
	notFound                    bool // can answer 404
	dataRead                    bool // reads the database: can answer 503
	cors                        bool
	cache                       string // Cache-Control of the answer, documented
}

// media is an answer that is not (only) the JSON of a wire type.
type media struct {
	typ, doc string
	schema   map[string]any
}

var (
	opCouncils = &operation{id: "listCouncils", path: "/api/v1/councils", tag: "councils", summary: "Every council of the register, with its latest league row",
		doc: "Every council of the register, in name order, with `latest`, its line of the league table (`null` before it is scored). " +
			"`run_id` is the newest run with scores.\n\n```sh\ncurl -s localhost:8080/api/v1/councils | jq '.items[0]'\n```",
		params: []param{pLimit(1000), pOffset}, answer: apiCouncilList{}, dataRead: true, cors: true}
	opCouncil = &operation{id: "getCouncil", path: "/api/v1/councils/{code}", tag: "councils", summary: "One council: league row, peers, trend and checks",
		doc: "One council: `latest` (its league row, or `null`), `peer_group` (councils of the same type and nation: their number and, per category, quartiles; the overall score first), " +
			"`trend` (per run, oldest first, each with the method of its scores), `checks` (per check of its latest run with scores: its figures, whether it is advisory and, when it has no score, why), " +
			"`not_scored_pages` (pages not scored for content and readability, and why), its `badge` and its Atom `feed_url`.\n\n" +
			"`interval` is how sure the score is (the middle 90 percent of the scores of the site's pages redrawn, see METHOD.md) and `rank_band` the positions it may hold given the other councils' intervals " +
			"(`joint` when it shares them; `label` \"too few pages to tell\" and no positions when the site had too few pages). Both are left out when no interval is stored (a run crawled before method 2026.2). " +
			"A row's `method_version` differs from the answer's when the council's latest scores used an older method: they are not comparable with scores under the current one.\n\n" +
			"```sh\ncurl -s localhost:8080/api/v1/councils/E07000223 | jq '.trend[] | {started_at, score, position}'\n```",
		params: []param{pCode}, answer: apiCouncilDetail{}, notFound: true, dataRead: true, cors: true}
	opCouncilReviews = &operation{id: "getCouncilReviews", path: "/api/v1/councils/{code}/reviews", tag: "councils", summary: "One council's reviews and responses",
		doc: "The council's review score, per-task review figures, approved comments and the council's responses (right of reply). " +
			"404 when reviews are not enabled on the server.",
		params: []param{pCode}, answer: apiCouncilReviewsAnswer{}, notFound: true, dataRead: true, cors: true}
	opCouncilNames = &operation{id: "listCouncilNames", path: "/councils.json", tag: "councils", summary: "Councils' names and places, for search fields",
		doc: "The councils of the register a search (`q`) finds, scored or not, in name order, with what else each is found by (its region or nation and parent county): what the dashboard's council search offers as you type (it asks for `limit=20`). " +
			"Without `q`, every council, a page at a time. Small and cacheable (five minutes); for the league rows, use `/api/v1/councils`.\n\n```sh\ncurl -s 'localhost:8080/councils.json?q=leeds&limit=5' | jq '.items[] | .name'\n```",
		params: []param{pSearch, pLimit(1000), pOffset}, answer: apiCouncilNames{}, dataRead: true, cache: "public, max-age=300"}
	opRuns = &operation{id: "listRuns", path: "/api/v1/runs", tag: "runs", summary: "Every crawl run, newest first",
		doc: "Every crawl run, newest first; running runs also say how many pages they have stored so far.\n\n" +
			"```sh\ncurl -s localhost:8080/api/v1/runs | jq '.items[] | select(.status==\"running\") | {sites_done, sites_total, pages}'\n```",
		params: []param{pLimit(1000), pOffset}, answer: apiRunList{}, dataRead: true, cors: true}
	opScores = &operation{id: "listScores", path: "/api/v1/scores", tag: "scores", summary: "Category and overall scores of a run",
		doc: "Category and overall scores of one run (by default the newest run with scores): one item per council and category (`overall` first), with the score's `interval` when one is stored. " +
			"Check scores are in the scores export.\n\n```sh\ncurl -s 'localhost:8080/api/v1/scores?council=E07000223' | jq '.items[] | [.category, .score]'\n```",
		params: []param{pRun, pCouncil, pLimit(1000), pOffset}, answer: apiScoreList{}, notFound: true, dataRead: true, cors: true}
	opChecks = &operation{id: "listChecks", path: "/api/v1/checks", tag: "checks", summary: "The checks catalogue",
		doc:    "Every check we run, with the rule it comes from and whether it is advisory (no weight in any score). The catalogue is the method's, not crawl data: its items carry no `demo` flag.",
		params: []param{pLimit(1000), pOffset}, answer: apiCheckList{}, cors: true}
	opFindings = &operation{id: "listFindings", path: "/api/v1/findings", tag: "findings", summary: "One page of a run's findings, with evidence",
		doc: "One page of the findings of a run (by default the newest run with scores), ordered by council, check and URL. " +
			"`total` counts them all; `next` is the address of the next page. For every finding at once, use the findings export, which streams to you as it reads.\n\n" +
			"```sh\ncurl -s 'localhost:8080/api/v1/findings?council=E07000223&check=a11y-image-alt&limit=5' | jq '.items[] | {url, selector, snippet}'\n```",
		params: []param{pRun, pCouncil, pCheck, pLimit(100), pOffset}, answer: apiFindingList{}, notFound: true, dataRead: true, cors: true}
	opTasks = &operation{id: "listTasks", path: "/api/v1/tasks", tag: "tasks", summary: "The top tasks, with findability and review indexes",
		doc:    "The top tasks residents come to council sites for: the words they type, the findability index (the share of the four findability checks councils pass for the task, averaged over the councils checked) and the review index.",
		params: []param{pLimit(1000), pOffset}, answer: apiTaskList{}, dataRead: true, cors: true}
	opOpenAPI = &operation{id: "getOpenAPI", path: "/api/v1/openapi.json", tag: "documentation", summary: "This document",
		doc:   "The OpenAPI 3.1 document of the API, the exports, the feeds and the badges. `/api` shows it as a page.",
		media: []media{{typ: "application/json", doc: "The OpenAPI document.", schema: map[string]any{"type": "object"}}}, cors: true}
	opExport = &operation{id: "export", path: "/export/{file}", tag: "exports", summary: "Download scores, findings or reviews (streamed)",
		doc: "Scores, findings and reviews as CSV, JSON or Parquet (scores and findings), streamed row by row (Parquet a row group at a time): a full export starts at once " +
			"and never sits in the server's memory. At most a few exports (four) stream at a time; others wait their turn. The export streams in chunks: your client must take each chunk within 5 seconds, " +
			"or the export is cut short (a client that stops reading gives its turn up). Every row names its council, run, run date and scoring method " +
			"and says whether it is demo data; the columns are described in DATA.md and by the row schemas below.\n\n" +
			"The file name (`Content-Disposition`) says what it holds: `councildash-scores-2026-11-23-RUN_ID.csv` for one run, `councildash-scores-all-runs.csv` for every run, " +
			"with the council and check filters after. JSON is `{\"meta\": {...}, \"rows\": [...]}` where `meta` holds the export, the method version, the columns, the filter, " +
			"the licence and how to cite it; Parquet files hold the same in their key-value metadata; CSV answers link to the licence in a `Link` header. " +
			"Cells that a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`) are prefixed with `'` in CSV.\n\n" +
			"```sh\ncurl -sOJ 'localhost:8080/export/findings.csv?run=latest&check=lgd-ampersand'\ncurl -s 'localhost:8080/export/scores.json?council=E07000223' | jq '.meta'\n" +
			"duckdb -c \"SELECT council_name, score FROM 'councildash-scores-2026-11-23-RUN_ID.parquet' WHERE category = 'overall' ORDER BY score DESC LIMIT 10\"\n```\n\n" +
			"`councildash export --what findings --format parquet --run latest --out findings.parquet` writes exactly the same bytes from the command line.",
		params: exportParams, notFound: true, dataRead: true, cors: true, cache: "no-store"}
	opCouncilFeed = &operation{id: "councilFeed", path: "/councils/{code}/feed.atom", tag: "feeds", summary: "A council's Atom feed",
		doc: "An Atom feed (Request for Comments (RFC) 4287) of one council's results, newest first: each crawl run's site score with the category scores and the checks whose score changed since the run before, " +
			"each approved review comment and each response of the council. The council's page links it with `<link rel=\"alternate\">`, so your web team can subscribe to your council's results.",
		params: []param{pCode}, notFound: true, dataRead: true, cors: true, cache: "public, max-age=300",
		media: []media{{typ: "application/atom+xml", doc: "An Atom feed document.", schema: map[string]any{"type": "string"}}}}
	opLeagueFeed = &operation{id: "leagueFeed", path: "/feed.atom", tag: "feeds", summary: "The league's Atom feed",
		doc:      "An Atom feed of the league, newest first: each crawl run that finished scoring councils, with how many, the median site score and the biggest movers since the run before.",
		dataRead: true, cors: true, cache: "public, max-age=300",
		media: []media{{typ: "application/atom+xml", doc: "An Atom feed document.", schema: map[string]any{"type": "string"}}}}
	opBadge = &operation{id: "badge", path: "/badge/{file}", tag: "badges", summary: "A council's badge (SVG)",
		doc: "A small SVG badge with the council's site score, the scoring method's version and the date of its latest crawl, for the council's own site: " +
			"it has a title and a text alternative, and every text on it has a contrast of at least 4.5:1. A council not scored yet gets a \"not scored yet\" badge; " +
			"an unknown code is a 404. The badge is cacheable (an hour, with an `ETag`). `GET /api/v1/councils/{code}` gives the HTML to embed it, which links back to the council's page:\n\n" +
			"```html\n" + badgeHTML("https://councildash.example", "E07000223", "Adur District Council") + "\n```",
		params:   []param{{name: "file", in: "path", typ: "string", required: true, maxLen: maxParamLen, example: "E07000223.svg", doc: "The council's code from the register, then `.svg`"}},
		notFound: true, dataRead: true, cors: true, cache: "public, max-age=3600",
		media: []media{{typ: "image/svg+xml", doc: "An SVG image.", schema: map[string]any{"type": "string"}}}}
	opHealth = &operation{id: "health", path: "/healthz", tag: "operations", summary: "Whether the server and its database answer",
		doc:    "`{\"status\":\"ok\",\"clickhouse\":\"up\",\"method_version\":\"…\"}`, or 503 with `\"clickhouse\":\"down\"`.",
		answer: healthAnswer{}, dataRead: true}
	opMetrics = &operation{id: "metrics", path: "/metrics", tag: "operations", summary: "Prometheus metrics",
		doc: "Prometheus metrics: `councildash_http_requests_total` and `councildash_http_request_duration_seconds` by route, `councildash_export_bytes_total`, " +
			"`councildash_exports_cut_short_total`, Go and process metrics. Not public: served on a listener of its own (`serve --metrics-addr`), or on the dashboard's " +
			"with `Authorization: Bearer TOKEN` (`serve --metrics-token`); with neither, it is not served. See SECURITY.md.",
		media: []media{{typ: "text/plain", doc: "Prometheus text format.", schema: map[string]any{"type": "string"}}}}
)

// operations lists the documented routes in the document's order.
func operations() []*operation {
	return []*operation{opCouncils, opCouncil, opCouncilReviews, opCouncilNames, opRuns, opScores, opChecks, opFindings, opTasks,
		opExport, opCouncilFeed, opLeagueFeed, opBadge, opOpenAPI, opHealth, opMetrics}
}

// healthAnswer is /healthz's answer.
type healthAnswer struct {
	Status        string `json:"status"`
	ClickHouse    string `json:"clickhouse"`
	MethodVersion string `json:"method_version,omitempty"`
}

// tags name the document's sections, in order.
var tags = []struct{ name, doc string }{
	{"councils", "The councils of the register and everything we say of each."},
	{"runs", "A run is one crawl of the councils' websites. Each site crawled in a run is an attempt; only attempts that finished count (a site crawled again after an interruption counts once)."},
	{"scores", "Scores run from 0 (worst) to 100 (best), per check, per category and per site, under a versioned method (see `/method`)."},
	{"checks", "The checks catalogue of the scoring method."},
	{"findings", "Every problem we found, with its evidence."},
	{"tasks", "The top tasks residents come to council sites for."},
	{"exports", "Streamed downloads for your research. You may use the data under the Creative Commons Attribution 4.0 licence (see DATA.md for how to cite it)."},
	{"feeds", "Atom feeds you can follow as crawls finish and reviews come in."},
	{"badges", "Badges you can put on your council's website."},
	{"documentation", "This document."},
	{"operations", "For you if you run the server."},
}

// apiIntro is the document's description: what holds for every route.
const apiIntro = `We publish everything councildash measures for you to build on: a read-only JSON API under ` + "`/api/v1/`" + `, streamed downloads under ` + "`/export/`" + `, Atom feeds and SVG badges. You need no key: everything is public.

### Naming

Every field is snake_case. You can rely on field names within ` + "`/api/v1`" + `: we may add fields, but we never rename or remove one. Every answer carries ` + "`method_version`" + `, the version of the scoring method in force (see ` + "`/method`" + `); rows carry the ` + "`run_id`" + ` of the crawl they come from and the method that scored them.

### Demo data

Every object holding crawl or review data has ` + "`demo`" + `: true when it comes (wholly or in part) from a run of the offline demo, which crawls a local web of council sites, or from the bundled demo reviews. Demo data is not a measure of any council's real website, so leave it out of your research.

### Runs

Wherever you ask for a run (` + "`run=`" + `), you can give its ` + "`run_id`" + `, ` + "`latest`" + ` (the newest run with scores) or ` + "`previous`" + ` (the one before it).

### Paging

Lists answer ` + "`{\"items\": [...], \"total\", \"count\", \"limit\", \"offset\", \"next\"}`" + `: ` + "`total`" + ` counts every item that matches, ` + "`count`" + ` the items of this page, and ` + "`next`" + ` is the address (a path on this server) of the next page, or ` + "`null`" + ` on the last page. You set the size of a page with ` + "`limit`" + ` (a thousand items at most) and skip items with ` + "`offset`" + `.

### Errors

If you ask for something wrong, you get a 400 naming the parameter, what is wrong and what it takes: ` + "`{\"error\": {\"param\": \"limit\", \"message\": \"limit must be a whole number from 1 to 1000\", \"allowed\": {\"minimum\": 1, \"maximum\": 1000}}, \"status\": 400}`" + `. We never ignore a parameter the route does not take, one given twice, an empty value, a value it cannot take, or parameters separated by ` + "`;`" + `: each is an error. An unknown council, check, run or file is a 404 in the same shape, naming it; a 503 means we cannot reach the database (try again later). The dashboard's pages say the same in words.

### Browsers

GET answers of the API, the exports, the feeds and the badges carry ` + "`Access-Control-Allow-Origin: *`" + `, so you can read them from a notebook or a web page elsewhere (the review, peer and moderation pages never allow it). We gzip answers for clients that accept it. Pages are ` + "`Cache-Control: no-cache`" + ` (they change as crawls finish), the review pages (forms, peer and moderation pages) ` + "`no-store`" + `, static assets are cached for an hour (` + "`/static/vendor/`" + `: a week), exports are ` + "`no-store`" + `. Every answer carries the Content-Security-Policy of [SECURITY.md](SECURITY.md).

### Freshness

The API (except ` + "`/api/v1/findings`" + ` and the exports, which read the database on every request) answers from the server's read model, which we rebuild when data changes: the server looks for changes every few seconds (` + "`serve --refresh`" + `, default 5s); while a crawl runs, you see finished sites at most every 30 seconds. When the database goes away, the API keeps answering from the last read model; ` + "`/healthz`" + `, the findings API and the exports answer 503 until it is back.`

// fieldDocs describe the fields of the answers, by JSON name, or by
// schema name and JSON name where a name means something else there. A
// field without one fails TestOpenAPIDocument.
var fieldDocs = map[string]string{
	"method_version":        "Version of the scoring method (on a list: the method in force; on a row: the method that scored it)",
	"run_id":                "Identifier of the crawl run",
	"total":                 "How many items match, on every page",
	"count":                 "How many items this page holds",
	"limit":                 "The page size asked for",
	"offset":                "How many items this page skipped",
	"next":                  "The address of the next page (a path on this server), or null on the last page",
	"next_offset":           "The offset of the next page, when there is one",
	"items":                 "This page's items",
	"code":                  "Council code from the register (the Government Statistical Service code where there is one)",
	"name":                  "The council's name",
	"type":                  "The council's type (such as Non-metropolitan district or Unitary authority)",
	"tier":                  "The council's tier: county, district, unitary, metropolitan district, London borough…",
	"nation":                "England, Scotland, Wales or Northern Ireland",
	"region":                "The council's region (English councils)",
	"homepage_url":          "The council's home page",
	"latest":                "The council's line of the league table, from its latest run with scores; null before it is scored",
	"demo":                  "true when this comes (wholly or in part) from a run of the offline demo or from demo reviews",
	"simulated":             "true for a run of the offline demo kept only to show how a trend looks: its differences from the run before are made up, not a change of the councils' sites (such a run is also demo)",
	"rank":                  "Position in the league table (ties share a rank)",
	"council":               "The council",
	"run":                   "The crawl run its scores come from",
	"score":                 "Score from 0 (worst) to 100 (best)",
	"has_score":             "Whether there is a score (false when no check of it applied)",
	"categories":            "Scores per category",
	"category":              "Scoring category: content, accessibility, readability, technical, statement, findability (or overall)",
	"change":                "Change of the site score since the council's previous run with scores",
	"has_change":            "Whether there is a previous score to compare with",
	"previous_run_id":       "The run the change is measured from",
	"review":                "The council's review score",
	"has_review":            "Whether the council has reviews",
	"n":                     "How many reviews (or scores) it rests on",
	"ranked":                "Whether there are enough reviews to rank it",
	"demo_reviews":          "How many of them are demo reviews",
	"status":                "The run's status: running, finished, interrupted or failed",
	"label":                 "The run's label",
	"started_at":            "When the run started (UTC)",
	"finished_at":           "When the run ended (UTC; the zero time while it runs)",
	"sites_total":           "Councils the run set out to crawl",
	"sites_done":            "Councils whose crawl finished",
	"pages":                 "Pages stored so far (running runs)",
	"page_errors":           "Pages that failed so far (running runs)",
	"Run.shards":            "Each crawler shard's latest report, for a run crawled in shards (crawl --run RUN_ID --shard i/n); absent for a run of one process. The run is finished when every shard has reported finished",
	"RunShard.shard":        "The shard, from 0",
	"RunShard.shards":       "How many shards the run is crawled in",
	"RunShard.sites":        "Councils this shard crawls",
	"RunShard.updated_at":   "When the shard last reported (UTC)",
	"position":              "League position in that run",
	"of":                    "Councils ranked in that run",
	"council_code":          "Council code from the register",
	"check_id":              "The check (see /api/v1/checks)",
	"pages_total":           "Pages the check applied to",
	"pages_affected":        "Pages with at least one finding of the check",
	"findings":              "Findings of the check",
	"peer_group":            "The council's peers (same type and nation) and their quartiles; null before it is scored",
	"councils":              "Councils in the group",
	"quartiles":             "Per category (the overall score first): the group's quartiles",
	"q1":                    "Lower quartile",
	"median":                "Median",
	"q3":                    "Upper quartile",
	"trend":                 "The council's scores per run, oldest first",
	"checks":                "Per check of the latest run with scores: its figures and score",
	"badge":                 "The council's badge and the HTML to embed it",
	"svg_url":               "The badge's address",
	"html":                  "HTML that embeds the badge, linking to the council's page",
	"feed_url":              "The council's Atom feed",
	"reviews":               "Reviews",
	"tasks":                 "Per task",
	"task":                  "Top task id (see /api/v1/tasks)",
	"review_index":          "Review index of the task, 0 to 100 (null without reviews)",
	"public_n":              "Reviews by residents",
	"peer_n":                "Reviews by council staff of other councils",
	"found_rate":            "Share of reviewers who completed the task, 0 to 1",
	"comments":              "Approved comments",
	"kind":                  "public or peer",
	"text":                  "The text",
	"created_at":            "When it was stored (UTC)",
	"responses":             "The council's responses (right of reply)",
	"id":                    "Identifier",
	"level":                 "page or site: where the check looks",
	"description":           "What the check looks for",
	"rule_ref":              "The rule it comes from",
	"rule_url":              "Where the rule is written",
	"severity":              "info, warning or error",
	"url":                   "The page the finding is on (the home page for site-wide checks)",
	"selector":              "Selector (as in a style sheet) of the element, when there is one",
	"snippet":               "The text or HTML found, trimmed (text quoted from the council's page)",
	"matched":               "The words or characters matched",
	"message":               "What is wrong, in one line",
	"words":                 "What residents type when they look for it",
	"findability_index":     "Findability index, 0 to 100: the share of the four findability checks councils pass for the task, averaged (null when no council was checked)",
	"councils_checked":      "Councils the findability index covers",
	"clickhouse":            "up or down",
	"error":                 "What was wrong",
	"param":                 "The parameter at fault (or the path parameter), when one is",
	"allowed":               "What the parameter takes: a range, a list of values or a length",
	"Error.status":          "The HTTP status",
	"Task.id":               "Top task id",
	"Task.name":             "The task, in words",
	"Task.reviews":          "Reviews of the task",
	"Check.id":              "Check id",
	"Check.category":        "The check's category",
	"Quartiles.category":    "Scoring category, or overall",
	"Quartiles.n":           "Councils with a score",
	"TrendPoint.score":      "Site score in that run (null when no check applied)",
	"TrendPoint.started_at": "When the run started (UTC)",
	"PeerGroup.type":        "The councils' type",
	"PeerGroup.nation":      "The councils' nation",
	"PeerGroup.label":       "The group, in words",
	"ReviewScore.score":     "Review score, 0 to 100",
	"TaskReview.n":          "Reviews of the task",
	"Health.status":         "ok or unavailable",
	"CouncilNames.items":    "Every council of the register, in the register's order",
	"CouncilName.place":     "What else the council is found by: its region (or nation), and its parent county when it has one",
	"CouncilName.scored":    "Whether the council has scores yet (its page exists either way)",
	// How sure the scores are (method 2026.2; METHOD.md).
	"interval":            "How sure the score is: the middle share of the scores of the site's pages redrawn (a bootstrap); left out when no interval is stored (runs crawled before method 2026.2)",
	"rank_band":           "The league positions the score may hold given the other councils' intervals; left out when no interval is stored",
	"ScoreRange.low":      "Low end of the interval",
	"ScoreRange.high":     "High end of the interval",
	"ScoreRange.level":    "Share of the redrawn scores inside the interval (0.9: the middle 90 percent)",
	"ScoreRange.pages":    "Pages the interval rests on",
	"too_few_pages":       "true when the site had too few pages to tell: it is not ranked",
	"RankBand.best":       "The best position it may hold: one more than the councils whose interval lies wholly above its own",
	"RankBand.worst":      "The worst position it may hold: one more than the councils whose interval reaches its own or above",
	"RankBand.joint":      "true when the position is shared with councils whose intervals overlap",
	"RankBand.label":      "The position in words (\"12th to 19th\"), or \"too few pages to tell\"",
	"CheckResult.words":   "Words read on the pages the check applied to",
	"advisory":            "true for a check with no weight in any score",
	"advisory_reason":     "Why the check is advisory",
	"unscorable":          "Why the check has statistics but no score: a check counted per 100 words, stored without the words read",
	"not_scored_pages":    "Pages of the council's latest run not scored for content and readability (error pages, soft 404s, pages with too little text)",
	"Unscored.total":      "Pages not scored",
	"reasons":             "How many pages were not scored, per reason",
	"reason":              "Why the page was not scored",
	"UnscoredCount.pages": "Pages not scored for this reason",
	"Unscored.pages":      "Some of the pages not scored (up to 20)",
	"UnscoredPage.status": "The status code the web server gave the page",
}

// typeDocs describe the schemas.
var typeDocs = map[string]string{
	"CouncilList":          "A page of councils",
	"CouncilItem":          "A council of the register with its latest league row",
	"CouncilNames":         "Every council of the register, for search fields",
	"CouncilName":          "A council's name and what else it is found by",
	"Council":              "A council of the register",
	"LeagueRow":            "A council's line of the league table",
	"Run":                  "A crawl run",
	"RunShard":             "One crawler shard's latest report of a sharded run",
	"CatScore":             "A category score",
	"ReviewScore":          "A council's review score",
	"CouncilDetail":        "Everything about one council",
	"PeerGroup":            "A council's peer group",
	"Quartiles":            "Quartiles of a group's scores",
	"TrendPoint":           "A council's scores in one run",
	"CheckResult":          "One check's figures for a council in a run",
	"Badge":                "A badge and how to embed it",
	"CouncilReviewsAnswer": "A council's reviews",
	"CouncilReviews":       "A council's reviews, tasks, comments and responses",
	"TaskReview":           "The reviews of one task on one council's site",
	"Comment":              "An approved review comment",
	"Response":             "A council's response",
	"RunList":              "A page of crawl runs",
	"ScoreList":            "A page of scores",
	"Score":                "A category or overall score of a council in a run",
	"CheckList":            "A page of checks",
	"Check":                "A check of the catalogue",
	"FindingList":          "A page of findings",
	"Finding":              "A finding with its evidence",
	"TaskList":             "A page of top tasks",
	"Task":                 "A top task",
	"Health":               "Whether the server and its database answer",
	"Error":                "An error answer",
	"ScoreRange":           "How sure a score is: its bootstrap interval",
	"RankBand":             "The league positions a score may hold, given the intervals",
	"Unscored":             "A council's pages not scored for content and readability",
	"UnscoredCount":        "Pages not scored for one reason",
	"UnscoredPage":         "A page not scored, and why",
	"ErrorDetail":          "What was wrong",
}

// schemaName names a wire type in the document: api types without their
// prefix, a few by their role.
func schemaName(t reflect.Type) string {
	n := t.Name()
	switch n {
	case "errorBody":
		return "Error"
	case "errorDetail":
		return "ErrorDetail"
	case "healthAnswer":
		return "Health"
	case "apiCheckResult":
		return "CheckResult"
	case "apiPeerGroup":
		return "PeerGroup"
	case "apiUnscored":
		return "Unscored"
	case "apiFinding":
		return "Finding"
	}
	n = strings.TrimPrefix(n, "api")
	if n == "" {
		return ""
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

// newReflector reflects wire types into JSON Schema (2020-12, OpenAPI
// 3.1's dialect): fields without omitempty are required, no other
// properties are allowed, descriptions come from fieldDocs and typeDocs.
func newReflector() *jsonschema.Reflector {
	r := &jsonschema.Reflector{Anonymous: true, Namer: schemaName}
	r.LookupComment = func(t reflect.Type, field string) string {
		name := schemaName(t)
		if field == "" {
			return typeDocs[name]
		}
		f, ok := t.FieldByName(field)
		if !ok {
			return ""
		}
		js, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if d, ok := fieldDocs[name+"."+js]; ok {
			return d
		}
		return fieldDocs[js]
	}
	return r
}

// OpenAPIDocument returns the OpenAPI document, JSON, for a server whose
// public address is baseURL.
func OpenAPIDocument(baseURL string) ([]byte, error) {
	doc, err := openAPI(baseURL)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// openAPI builds the document as plain JSON values (maps marshal with
// sorted keys: the same document every time).
func openAPI(baseURL string) (map[string]any, error) {
	r := newReflector()
	schemas := map[string]any{}
	addDefs := func(s *jsonschema.Schema) error {
		b, err := json.Marshal(s.Definitions)
		if err != nil {
			return err
		}
		b = bytes.ReplaceAll(b, []byte(`"#/$defs/`), []byte(`"#/components/schemas/`))
		var defs map[string]any
		if err := json.Unmarshal(b, &defs); err != nil {
			return err
		}
		for k, v := range defs {
			schemas[k] = v
		}
		return nil
	}
	ref := func(v any) (map[string]any, error) {
		t := reflect.TypeOf(v)
		if err := addDefs(r.Reflect(v)); err != nil {
			return nil, err
		}
		return map[string]any{"$ref": "#/components/schemas/" + schemaName(t)}, nil
	}
	errRef, err := ref(errorBody{})
	if err != nil {
		return nil, err
	}
	// The exports' rows and document.
	rowSchemas := map[string]any{}
	for _, k := range ExportKinds {
		name := strings.ToUpper(k[:1]) + k[1:] + "ExportRow"
		schemas[name] = rowSchema(k)
		rowSchemas[k] = map[string]any{"$ref": "#/components/schemas/" + name}
	}
	schemas["ExportMeta"] = exportMetaSchema()
	schemas["ExportDocument"] = map[string]any{"type": "object", "description": "A JSON export: its metadata and its rows",
		"required": []string{"meta", "rows"}, "additionalProperties": false,
		"properties": map[string]any{
			"meta": map[string]any{"$ref": "#/components/schemas/ExportMeta", "description": "What the export holds, its licence and how to cite it"},
			"rows": map[string]any{"type": "array", "description": "The rows, one object per row, keys in column order",
				"items": map[string]any{"oneOf": []any{rowSchemas["scores"], rowSchemas["findings"], rowSchemas["reviews"]}}},
		}}

	paths := map[string]any{}
	for _, op := range operations() {
		o := map[string]any{"operationId": op.id, "tags": []string{op.tag}, "summary": op.summary, "description": op.doc}
		var ps []any
		for _, p := range op.params {
			ps = append(ps, paramObject(p))
		}
		if op.id == "badge" || op.id == "export" { // a path parameter of a fixed list or shape
			for _, p := range ps {
				pm := p.(map[string]any)
				if pm["name"] == "file" {
					if op.id == "export" {
						pm["schema"] = map[string]any{"type": "string", "enum": exportFiles()}
					} else {
						pm["schema"] = map[string]any{"type": "string", "pattern": `^[A-Za-z0-9]{1,64}\.svg$`}
					}
				}
			}
		}
		if len(ps) > 0 {
			o["parameters"] = ps
		}
		ok := map[string]any{"description": op.summary}
		content := map[string]any{}
		if op.answer != nil {
			sch, err := ref(op.answer)
			if err != nil {
				return nil, err
			}
			mt := map[string]any{"schema": sch}
			if op.example != nil {
				mt["example"] = op.example
			} else if ex := exampleFor(op.id); ex != nil {
				mt["example"] = ex
			}
			content["application/json"] = mt
		}
		if op.id == "export" {
			content["text/csv"] = map[string]any{"schema": map[string]any{"type": "string"}}
			content["application/json"] = map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ExportDocument"}}
			content[parquetMediaType] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": parquetMediaType}}
		}
		for _, m := range op.media {
			content[m.typ] = map[string]any{"schema": m.schema}
		}
		ok["content"] = content
		headers := map[string]any{}
		if op.cors {
			headers["Access-Control-Allow-Origin"] = map[string]any{"description": "`*`: any web page may read the answer", "schema": map[string]any{"type": "string", "const": "*"}}
		}
		if op.cache != "" {
			headers["Cache-Control"] = map[string]any{"description": "`" + op.cache + "`", "schema": map[string]any{"type": "string"}}
		}
		if op.id == "export" {
			headers["Content-Disposition"] = map[string]any{"description": "`attachment` with the file name: what, the run's date and id, the filters", "schema": map[string]any{"type": "string"}}
			headers["Link"] = map[string]any{"description": "The licence: `<" + LicenceURL + ">; rel=\"license\"`", "schema": map[string]any{"type": "string"}}
		}
		if op.id == "badge" {
			headers["ETag"] = map[string]any{"description": "The badge's version: send it back in If-None-Match to get a 304 while it has not changed", "schema": map[string]any{"type": "string"}}
		}
		if len(headers) > 0 {
			ok["headers"] = headers
		}
		responses := map[string]any{"200": ok}
		if op.id == "metrics" {
			o["security"] = []any{map[string]any{"metricsToken": []any{}}}
			responses["401"] = map[string]any{"description": "Without the metrics token: `Authorization: Bearer TOKEN`"}
		}
		if op.id == "badge" {
			responses["304"] = map[string]any{"description": "The badge has not changed since the ETag sent in If-None-Match"}
		}
		if len(op.params) > 0 {
			responses["400"] = errResponse("A parameter the route does not take, or a value a parameter cannot take", errRef)
		}
		if op.notFound {
			responses["404"] = errResponse("No such council, check, run or file", errRef)
		}
		if op.dataRead {
			responses["503"] = errResponse("The database cannot be reached: try again later", errRef)
		}
		if op.id == "health" {
			responses["503"] = map[string]any{"description": "The database cannot be reached", "content": map[string]any{"application/json": map[string]any{"schema": ok["content"].(map[string]any)["application/json"].(map[string]any)["schema"]}}}
		}
		o["responses"] = responses
		paths[op.path] = map[string]any{"get": o}
	}
	var tagList []any
	for _, t := range tags {
		tagList = append(tagList, map[string]any{"name": t.name, "description": t.doc})
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "councildash API",
			"version":     "1",
			"summary":     "How UK council websites measure up: scores, findings with evidence, reviews, feeds and badges.",
			"description": apiIntro,
			"license":     map[string]any{"name": LicenceName + " (the data)", "identifier": "CC-BY-4.0"},
		},
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"servers":           []any{map[string]any{"url": strings.TrimRight(baseURL, "/"), "description": "This dashboard"}},
		"tags":              tagList,
		"paths":             paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{
			"metricsToken": map[string]any{"type": "http", "scheme": "bearer", "description": "The metrics token (`serve --metrics-token`): for `/metrics` only; everything else is public"}}},
	}, nil
}

func errResponse(doc string, errRef map[string]any) map[string]any {
	return map[string]any{"description": doc, "content": map[string]any{"application/json": map[string]any{"schema": errRef}}}
}

// paramObject is a parameter's OpenAPI object.
func paramObject(p param) map[string]any {
	sch := map[string]any{"type": p.typ}
	switch {
	case p.typ == "integer":
		sch["minimum"], sch["maximum"] = p.min, p.max
		if d, err := strconv.Atoi(p.def); err == nil {
			sch["default"] = d
		}
	case len(p.enum) > 0:
		sch["enum"] = p.enum
	default:
		sch["minLength"] = 1
		if p.maxLen > 0 {
			sch["maxLength"] = p.maxLen
		}
	}
	o := map[string]any{"name": p.name, "in": p.in, "description": p.doc, "schema": sch, "required": p.required || p.in == "path"}
	if p.example != "" {
		if p.typ == "integer" {
			n, _ := strconv.Atoi(p.example)
			o["example"] = n
		} else {
			o["example"] = p.example
		}
	}
	return o
}

// kindSchema is the JSON Schema of an export column's values.
func kindSchema(k colKind) map[string]any {
	switch k {
	case colFloat:
		return map[string]any{"type": "number"}
	case colInt:
		return map[string]any{"type": "integer"}
	case colBool:
		return map[string]any{"type": "boolean"}
	case colTime:
		return map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	case colList:
		return map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
	}
	return map[string]any{"type": "string"}
}

// kindName says an export column's type in words (DATA.md, /data).
func kindName(k colKind) string {
	return [...]string{"text", "number", "whole number", "true or false", "date and time (UTC)", "list of text"}[k]
}

// rowSchema is the schema of one row of an export, with x-columns keeping
// the columns' order (JSON objects have none).
func rowSchema(kind string) map[string]any {
	cols := columnsOf(kind)
	props := map[string]any{}
	var order []any
	for _, c := range cols {
		s := kindSchema(c.kind)
		s["description"] = c.doc
		s["x-type"] = kindName(c.kind)
		if c.null {
			if t, ok := s["type"].(string); ok {
				s["type"] = []string{t, "null"}
			}
			s["x-type"] = kindName(c.kind) + ", or empty"
		}
		props[c.name] = s
		order = append(order, c.name)
	}
	return map[string]any{"type": "object", "description": fmt.Sprintf("One row of the %s export (a CSV line, a JSON object, a Parquet row)", kind),
		"properties": props, "required": names(cols), "additionalProperties": false, "x-columns": order}
}

func exportMetaSchema() map[string]any {
	str := func(doc string) map[string]any { return map[string]any{"type": "string", "description": doc} }
	return map[string]any{"type": "object", "description": "What a JSON export says of itself (Parquet: the same keys in the file's key-value metadata)",
		"required": []string{"export", "method_version", "columns", "filter", "licence", "licence_url", "citation"}, "additionalProperties": false,
		"properties": map[string]any{
			"export":         str("scores, findings or reviews"),
			"method_version": str("The scoring method in force when exporting (rows carry their own)"),
			"columns":        map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "The columns, in order"},
			"filter": map[string]any{"type": "object", "description": "The filters asked for (the run resolved to its id)", "additionalProperties": false,
				"required":   []string{"run", "council", "check"},
				"properties": map[string]any{"run": str("Run id, or empty for every run"), "council": str("Council code, or empty"), "check": str("Check id, or empty")}},
			"licence":     str("The data's licence: " + LicenceName),
			"licence_url": str("The licence's text"),
			"citation":    str("How to cite the export"),
		}}
}

// openAPIJSON serves the document.
func (s *Server) openAPIJSON(c *gin.Context) {
	if _, ok := s.queryFor(c, opOpenAPI); !ok {
		return
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(200, "application/json; charset=utf-8", s.openapi)
}
