package data_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// Every migration file applies in cluster mode: each node records every
// migration once, each table of the migrations is a MergeTree-family local
// table and a Distributed table with the same columns on every node, and
// migrating again does nothing.
func TestClusterMigrationsApply(t *testing.T) {
	cfg := datatest.ClusterConfig(t)
	s := datatest.Migrated(t, cfg)
	ctx := context.Background()
	ms, err := data.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := s.ClusterSchema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, nodes := s.Cluster()
	if len(schema) != len(nodes) || len(nodes) < 2 {
		t.Fatalf("schema of %d nodes, cluster of %v", len(schema), nodes)
	}
	tables := data.ShardedTables()
	for _, must := range []string{"councils", "crawl_runs", "pages", "findings", "site_reports", "scores", "reviews", "crawl_run_shards"} {
		if _, ok := tables[must]; !ok {
			t.Errorf("table %s is not sharded", must)
		}
	}
	for i, n := range schema {
		if len(n.Versions) != len(ms) {
			t.Errorf("node %d recorded migrations %v, want all %d once", i+1, n.Versions, len(ms))
		}
		for table, key := range tables {
			local, dist := n.Tables[table+"_local"], n.Tables[table]
			if !strings.HasSuffix(local.Engine, "MergeTree") {
				t.Errorf("node %d: %s_local engine %q, want a MergeTree", i+1, table, local.Engine)
			}
			wantKey := "rand()"
			if key != "" {
				wantKey = "cityHash64(" + key + ")"
			}
			if dist.Engine != "Distributed" || !strings.Contains(dist.EngineFull, table+"_local, "+wantKey+")") {
				t.Errorf("node %d: %s is %s %s, want Distributed over %s_local by %s", i+1, table, dist.Engine, dist.EngineFull, table, wantKey)
			}
			if len(local.Columns) == 0 || !reflect.DeepEqual(local.Columns, dist.Columns) {
				t.Errorf("node %d: %s columns %v, local table's %v", i+1, table, dist.Columns, local.Columns)
			}
		}
	}
	// The key of every table that has council_code is council_code.
	if tables["findings"] != "council_code" || tables["councils"] != "code" || tables["crawl_runs"] != "run_id" {
		t.Errorf("shard keys %v", tables)
	}
	again, err := s.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second migrate applied %v (%v), want nothing", again, err)
	}
}

// A materialized view in a migration (as issue 14's guard_reviews_mv on
// reviews) is created on every node over the source's local table, writing
// to the target's local table: rows inserted through the Distributed source
// reach the target on the same shard, and the Distributed target sees them
// all.
func TestClusterMaterializedView(t *testing.T) {
	s := datatest.Migrated(t, datatest.ClusterConfig(t))
	ctx := context.Background()
	err := s.ApplyClusterStatements(ctx, []string{
		"CREATE TABLE IF NOT EXISTS mv_src (council_code String, n UInt32) ENGINE = MergeTree ORDER BY council_code",
		"CREATE TABLE IF NOT EXISTS mv_dst (key String, value String) ENGINE = MergeTree ORDER BY key",
		"CREATE MATERIALIZED VIEW IF NOT EXISTS mv_v TO mv_dst AS\nSELECT key, council_code AS value FROM mv_src\nARRAY JOIN [concat('c:', council_code), concat('n:', toString(n))] AS key",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ExecSQL(ctx, "INSERT INTO mv_src (council_code, n) SELECT concat('E', toString(number)), toUInt32(number) FROM system.numbers LIMIT 300"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountSQL(ctx, "SELECT count() FROM mv_dst"); err != nil || n != 600 {
		t.Fatalf("the view wrote %d rows (%v), want 600 (two per row)", n, err)
	}
	src, err := s.RowsByShard(ctx, "mv_src", "council_code")
	if err != nil {
		t.Fatal(err)
	}
	dst, err := s.RowsByShard(ctx, "mv_dst", "value")
	if err != nil {
		t.Fatal(err)
	}
	perShard := map[int]int{}
	for code, shard := range src {
		perShard[shard]++
		if dst[code] != shard {
			t.Errorf("%s: source on shard %d, the view's rows on shard %d", code, shard, dst[code])
		}
	}
	if len(src) != 300 || len(perShard) != 2 {
		t.Errorf("%d source keys on shards %v: want 300 on both shards", len(src), perShard)
	}
}

// The client writes each row straight to the shard the Distributed table
// would have chosen: ShardOf (cityHash64 computed in Go) agrees with the
// server's cityHash64 and with where the store's writes land.
func TestClusterShardOfMatchesServer(t *testing.T) {
	cfg := datatest.ClusterConfig(t)
	s := datatest.Migrated(t, cfg)
	ctx := context.Background()
	reg := data.EmbeddedRegister()
	if err := s.LoadCouncils(ctx, reg); err != nil {
		t.Fatal(err)
	}
	where, err := s.RowsByShard(ctx, "councils", "code")
	if err != nil {
		t.Fatal(err)
	}
	perShard := map[int]int{}
	for _, c := range reg {
		if got, want := where[c.Code], s.ShardOf(c.Code); got != want {
			t.Errorf("%s stored on shard %d, ShardOf says %d", c.Code, got, want)
		}
		perShard[where[c.Code]]++
	}
	if len(perShard) != 2 || perShard[1] < 100 || perShard[2] < 100 {
		t.Errorf("councils per shard %v: want both shards used", perShard)
	}
	// Keys of every length CityHash treats differently (0 to 200 bytes).
	var keys []string
	for n := 0; n <= 200; n += 7 {
		keys = append(keys, strings.Repeat("Ab9-", 60)[:n])
	}
	server, err := s.ServerShards(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if server[i] != s.ShardOf(k) {
			t.Errorf("key of %d bytes: the server's cityHash64 picks shard %d, ShardOf %d", len(k), server[i], s.ShardOf(k))
		}
	}
}

// Every read query of the data package gives the same answer on the
// cluster as on one server, over the same rows.
func TestClusterAnswersLikeSingleNode(t *testing.T) {
	cluster := datatest.Migrated(t, datatest.ClusterConfig(t))
	single := datatest.Migrated(t, datatest.SingleConfig(t))
	ctx := context.Background()
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	var runs []string
	for _, s := range []*data.Store{single, cluster} {
		runs = fillFixture(t, s, t0)
	}
	run := runs[0]
	councils := []string{"C00", "C01", "C02", "C03", "C04", "C05", "C06", "C07"}
	type query struct {
		name string
		f    func(s *data.Store) (any, error)
	}
	stream := func(s *data.Store, f data.FindingFilter) ([]data.Finding, error) {
		var out []data.Finding
		err := s.StreamFindings(ctx, f, func(x data.Finding) error { out = append(out, x); return nil })
		return out, err
	}
	queries := []query{
		{"Runs", func(s *data.Store) (any, error) { return s.Runs(ctx) }},
		{"RunsWithProgress", func(s *data.Store) (any, error) { return s.RunsWithProgress(ctx) }},
		{"FinishedSites", func(s *data.Store) (any, error) { return s.FinishedSites(ctx, run) }},
		{"FindingCounts", func(s *data.Store) (any, error) { return s.FindingCounts(ctx, run) }},
		{"CountRun", func(s *data.Store) (any, error) { return s.CountRun(ctx, run) }},
		{"CountScoreRows", func(s *data.Store) (any, error) { return s.CountScoreRows(ctx, "") }},
		{"CategoryScores", func(s *data.Store) (any, error) { return sorted(s.CategoryScores(ctx, runs)) }},
		{"CheckResults", func(s *data.Store) (any, error) { return s.CheckResults(ctx, run, "", "") }},
		{"CheckResults/council", func(s *data.Store) (any, error) { return s.CheckResults(ctx, run, "C03", "") }},
		{"CheckResults/check", func(s *data.Store) (any, error) { return s.CheckResults(ctx, run, "", "lgd-ampersand") }},
		{"Evidence", func(s *data.Store) (any, error) { return s.Evidence(ctx, run, councils, 2) }},
		{"WorstPages", func(s *data.Store) (any, error) { return s.WorstPages(ctx, run, councils, 2) }},
		{"TaskChecks", func(s *data.Store) (any, error) { return s.TaskChecks(ctx, run) }},
		{"FindingsPage", func(s *data.Store) (any, error) {
			return s.FindingsPage(ctx, data.FindingFilter{RunID: run, Limit: 7, Offset: 5})
		}},
		{"FindingsPage/council", func(s *data.Store) (any, error) {
			return s.FindingsPage(ctx, data.FindingFilter{RunID: run, Council: "C05", Limit: 100})
		}},
		{"StreamFindings", func(s *data.Store) (any, error) { return stream(s, data.FindingFilter{}) }},
		{"StreamFindings/run", func(s *data.Store) (any, error) {
			return stream(s, data.FindingFilter{RunID: run, CheckID: "lgd-ampersand"})
		}},
		{"StreamScores", func(s *data.Store) (any, error) {
			var out []data.ScoreExport
			err := s.StreamScores(ctx, data.ScoreFilter{}, func(x data.ScoreExport) error { out = append(out, x); return nil })
			return out, err
		}},
		{"LatestScoredRun", func(s *data.Store) (any, error) { r, _, err := s.LatestScoredRun(ctx); return r, err }},
		{"ChangeMark", func(s *data.Store) (any, error) { return s.ChangeMark(ctx) }},
		{"Councils", func(s *data.Store) (any, error) { return s.Councils(ctx, data.CouncilFilter{}) }},
		{"RunCheckStats", func(s *data.Store) (any, error) { return s.RunCheckStats(ctx, run) }},
		{"ScoredCouncils", func(s *data.Store) (any, error) { return s.ScoredCouncils(ctx, run, "m1") }},
		{"RunShards", func(s *data.Store) (any, error) { return s.RunShards(ctx, runs) }},
		{"ReviewTaskStats", func(s *data.Store) (any, error) { return s.ReviewTaskStats(ctx, "") }},
		{"ReviewTaskStats/council", func(s *data.Store) (any, error) { return s.ReviewTaskStats(ctx, "C01") }},
		{"ReviewCounts", func(s *data.Store) (any, error) {
			a, b, err := s.ReviewCounts(ctx)
			return [2]uint64{a, b}, err
		}},
		{"RecentReviews", func(s *data.Store) (any, error) { return s.RecentReviews(ctx, 100) }},
		{"GetReview", func(s *data.Store) (any, error) { return s.GetReview(ctx, "rev-02") }},
		{"ReviewComments/pending", func(s *data.Store) (any, error) {
			return s.ReviewComments(ctx, reviews.CommentQuery{Status: reviews.CommentPending, Limit: 100})
		}},
		{"ReviewComments/approved", func(s *data.Store) (any, error) {
			return s.ReviewComments(ctx, reviews.CommentQuery{Status: reviews.CommentApproved, PerCouncil: 2})
		}},
		{"StreamReviews", func(s *data.Store) (any, error) {
			var out []reviews.ReviewState
			err := s.StreamReviews(ctx, func(r reviews.ReviewState) error { out = append(out, r); return nil })
			return out, err
		}},
		{"ReviewResponses", func(s *data.Store) (any, error) { return s.ReviewResponses(ctx, "C01", 10) }},
		{"PeerTokens", func(s *data.Store) (any, error) { return s.PeerTokens(ctx, 100) }},
		{"PeerTokenByHash", func(s *data.Store) (any, error) { return s.PeerTokenByHash(ctx, "h1") }},
		{"ReviewIDCounts", func(s *data.Store) (any, error) { return s.ReviewIDCounts(ctx) }},
	}
	for _, q := range queries {
		a, errA := q.f(single)
		b, errB := q.f(cluster)
		if errA != nil || errB != nil {
			t.Errorf("%s: one server: %v; cluster: %v", q.name, errA, errB)
			continue
		}
		if v := reflect.ValueOf(a); (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 {
			t.Errorf("%s: no rows: the fixture must give every query something to return", q.name)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs:\none server: %+v\ncluster:    %+v", q.name, a, b)
		}
	}
}

func sorted(rows []data.ScoreRow, err error) ([]data.ScoreRow, error) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		return a.RunID+a.Council+a.Category < b.RunID+b.Council+b.Category
	})
	return rows, err
}

// fillFixture stores the same rows in s every time: two runs of eight
// councils (a site re-crawled after an abandoned attempt, a site left
// unfinished), a sharded run, reviews with moderation, a peer token.
func fillFixture(t *testing.T, s *data.Store, t0 time.Time) []string {
	t.Helper()
	ctx := context.Background()
	var reg []data.Council
	for i := range 8 {
		reg = append(reg, data.Council{Code: fmt.Sprintf("C%02d", i), Name: fmt.Sprintf("Council %d", i), Type: "District council",
			Tier: "district", Nation: "England", HomepageURL: fmt.Sprintf("https://c%d.example/", i), Region: "South East"})
	}
	if err := s.LoadCouncils(ctx, reg); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for r := range 2 {
		id := fmt.Sprintf("run-%d", r)
		start := t0.Add(time.Duration(r) * 24 * time.Hour)
		if _, err := s.CreateRunWithID(ctx, id, "m1", "{}", fmt.Sprintf("run %d", r), len(reg), start); err != nil {
			t.Fatal(err)
		}
		w := s.NewWriter(data.WriterOptions{})
		sink := data.NewFixedRunSink(w, id, "m1", func(council string) string { return id + "-" + council }, start)
		abandoned := data.NewFixedRunSink(w, id, "m1", func(council string) string { return id + "-" + council + "-abandoned" }, start)
		for ci, c := range reg {
			if r == 1 && ci == 7 {
				// Unfinished: pages but no site report.
				if err := sink.ScoredPage(ctx, &crawler.Page{Council: c.Code, URL: c.HomepageURL, Status: 200, FetchedAt: start}, "Home", nil); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if ci == 2 {
				// An abandoned attempt first: its rows never count.
				if err := abandoned.ScoredPage(ctx, &crawler.Page{Council: c.Code, URL: c.HomepageURL + "old", Status: 200, FetchedAt: start},
					"Old", []scoring.Finding{{URL: c.HomepageURL + "old", CheckID: "lgd-ampersand", Category: scoring.CatContent, Severity: scoring.SevWarning}}); err != nil {
					t.Fatal(err)
				}
			}
			for p := range 3 + ci%3 {
				u := fmt.Sprintf("%spage/%d", c.HomepageURL, p)
				var fs []scoring.Finding
				for k := range (ci + p) % 4 {
					fs = append(fs, scoring.Finding{URL: u, CheckID: "lgd-ampersand", Category: scoring.CatContent, Severity: scoring.SevWarning,
						Selector: fmt.Sprintf("p:nth-of-type(%d)", k+1), Snippet: "A & B", Matched: []string{"&"}, Message: "ampersand"})
				}
				if p == 1 {
					fs = append(fs, scoring.Finding{URL: u, CheckID: "task-bins", Category: scoring.CatFindability, Severity: scoring.SevError, Task: "bins", Message: "not found"})
				}
				if err := sink.ScoredPage(ctx, &crawler.Page{Council: c.Code, URL: u, Status: 200 + 200*(p%2)*(ci%2), Depth: 1, FetchedAt: start}, fmt.Sprintf("Page %d", p), fs); err != nil {
					t.Fatal(err)
				}
			}
			stats := []scoring.CheckStat{
				{CheckID: "lgd-ampersand", Category: scoring.CatContent, PagesTotal: 3, PagesAffected: ci % 3, Findings: ci},
				{CheckID: "task-bins", Category: scoring.CatFindability, PagesTotal: 3, PagesAffected: 1, Findings: 1},
			}
			scores := []scoring.Score{
				{MethodVersion: "m1", Category: scoring.CatContent, CheckID: "lgd-ampersand", Score: float64(100 - 7*ci - r)},
				{MethodVersion: "m1", Category: scoring.CatContent, Score: float64(90 - 5*ci + r)},
				{MethodVersion: "m1", Category: scoring.CategoryOverall, Score: float64(80 - 3*ci + 2*r)},
			}
			if err := sink.SiteResult(ctx, c.Code, nil, stats, scores); err != nil {
				t.Fatal(err)
			}
			if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: c.Code, HomeURL: c.HomepageURL, PagesFetched: 3, Started: start, Finished: start.Add(time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRunStatus(ctx, id, data.RunFinished, start.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	// A sharded run, one shard reported.
	if _, err := s.CreateRunWithID(ctx, "run-sharded", "m1", "{}", "sharded", 8, t0.Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.ReportShard(ctx, "run-sharded", data.RunShard{Shard: 1, Shards: 2, Status: data.RunFinished, Sites: 4, SitesDone: 4,
		Pages: 40, StartedAt: t0.Add(72 * time.Hour), UpdatedAt: t0.Add(73 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, "run-sharded")

	var revs []reviews.Review
	for i := range 12 {
		r := reviews.Review{ID: fmt.Sprintf("rev-%02d", i), Council: reg[i%4].Code, Task: "bins", Kind: "public",
			Importance: 1 + i%5, Comment: fmt.Sprintf("comment %d", i), CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
		r.Ratings[reviews.WayNav] = reviews.Rating(5 - 2*(i%3))
		r.Ratings[reviews.WaySiteSearch] = 3
		revs = append(revs, r)
	}
	if err := s.InsertReviews(ctx, revs); err != nil {
		t.Fatal(err)
	}
	for i, action := range []string{"approve", "reject", "exclude", "approve"} {
		if err := s.InsertModeration(ctx, reviews.ModerationEvent{ReviewID: fmt.Sprintf("rev-%02d", i*2), Action: action, Reason: "r", Moderator: "m",
			At: t0.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.InsertResponse(ctx, reviews.Response{ID: "resp-1", Council: "C01", Task: "bins", Text: "thanks", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertPeerToken(ctx, reviews.PeerToken{ID: "tok-1", Hash: "h1", Email: "a@b.example", Council: "C01", CreatedBy: "admin",
		CreatedAt: t0, ExpiresAt: t0.Add(720 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertPeerTokenEvent(ctx, reviews.TokenEvent{TokenID: "tok-1", Event: "used", At: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return ids
}

// A sharded run's status comes from its shards' reports: running until
// every shard has reported finished.
func TestShardedRunStatus(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	t0 := time.Now().UTC().Truncate(time.Second)
	if _, err := s.CreateRunWithID(ctx, "sharded-1", "m1", "{}", "", 10, t0); err != nil {
		t.Fatal(err)
	}
	status := func() data.Run {
		t.Helper()
		r, err := s.GetRun(ctx, "sharded-1")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	report := func(shard int, st string, done int) {
		t.Helper()
		if err := s.ReportShard(ctx, "sharded-1", data.RunShard{Shard: shard, Shards: 3, Status: st, Sites: 4, SitesDone: done,
			StartedAt: t0, UpdatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
	}
	report(0, data.RunRunning, 1)
	report(0, data.RunFinished, 4)
	report(2, data.RunFinished, 4)
	if r := status(); r.Status != data.RunRunning || len(r.Shards) != 2 {
		t.Fatalf("two of three shards finished: %+v, want running with 2 shard reports", r)
	}
	report(1, data.RunInterrupted, 2)
	if r := status(); r.Status != data.RunInterrupted {
		t.Fatalf("one shard interrupted, none running: %q, want interrupted", r.Status)
	}
	if ok, err := s.ShardsFinished(ctx, "sharded-1"); err != nil || ok {
		t.Fatalf("ShardsFinished %v %v, want false", ok, err)
	}
	report(1, data.RunRunning, 2) // resumed
	if r := status(); r.Status != data.RunRunning || r.Shards[1].SitesDone != 2 {
		t.Fatalf("shard resumed: %+v", r)
	}
	report(1, data.RunFinished, 4)
	r := status()
	if r.Status != data.RunFinished || len(r.Shards) != 3 || r.FinishedAt.IsZero() {
		t.Fatalf("every shard finished: %+v, want finished", r)
	}
	if ok, err := s.ShardsFinished(ctx, "sharded-1"); err != nil || !ok {
		t.Fatalf("ShardsFinished %v %v, want true", ok, err)
	}
	if err := s.ReportShard(ctx, "sharded-1", data.RunShard{Shard: 3, Shards: 3, Status: data.RunFinished}); err == nil {
		t.Fatal("shard 3 of 3 accepted")
	}
	if _, err := s.CreateRunWithID(ctx, "bad id;", "m1", "{}", "", 1, t0); err == nil {
		t.Fatal("a run id with a space and ';' accepted")
	}
}
