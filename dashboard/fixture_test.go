package dashboard_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// The fixture is real data: a loopback web of council sites crawled, scored
// and stored in ClickHouse by the real crawler, scoring engine and data
// sink, twice (the first run back-dated), so trends and changes show.

const (
	fixtureSites = 6
	fixturePages = 14
)

// scoringSink mirrors cmd/councildash's pipeline: score each page as it
// arrives and each site when it finishes.
type scoringSink struct {
	engine *scoring.Engine
	out    *data.RunSink
	homes  map[string]string

	mu    sync.Mutex
	sites map[string]*scoring.SiteAccumulator
}

func (k *scoringSink) acc(council string) *scoring.SiteAccumulator {
	a, ok := k.sites[council]
	if !ok {
		a = k.engine.NewSite(council, k.homes[council])
		k.sites[council] = a
	}
	return a
}

func (k *scoringSink) Page(ctx context.Context, p *crawler.Page) error {
	res := k.engine.ScorePage(scoring.PageInput{Council: p.Council, URL: p.URL, FinalURL: p.FinalURL, Depth: p.Depth,
		Status: p.Status, ContentType: p.ContentType, IsHTML: p.IsHTML, Body: p.Body, Bytes: p.Bytes,
		RedirectHops: len(p.RedirectChain), TTFB: p.TTFB, Total: p.Total, ErrorClass: p.ErrorClass})
	k.mu.Lock()
	k.acc(p.Council).Add(res)
	k.mu.Unlock()
	return k.out.ScoredPage(ctx, p, res.Title, res.Findings)
}

func (k *scoringSink) Links(ctx context.Context, checks []crawler.LinkCheck) error {
	return k.out.Links(ctx, checks)
}

func (k *scoringSink) SiteDone(ctx context.Context, r *crawler.SiteReport) error {
	k.mu.Lock()
	a := k.acc(r.Council)
	delete(k.sites, r.Council)
	k.mu.Unlock()
	res := a.Finish(scoring.SiteFacts{HomeURL: r.HomeURL, FinalHomeURL: r.FinalHomeURL, HTTPS: r.HTTPS,
		HTTPRedirectsToHTTPS: r.HTTPRedirectsToHTTPS, RobotsStatus: r.RobotsStatus, RobotsParsed: r.RobotsParsed,
		Sitemaps: r.Sitemaps, SitemapParsed: r.SitemapParsed, NotFoundStatus: r.NotFoundStatus,
		NotFoundBody: r.NotFoundBody, SearchResults: r.SearchResults, LinksChecked: r.LinksChecked,
		LinksBroken: r.LinksBroken, Now: time.Now()})
	if err := k.out.SiteResult(ctx, r.Council, res.Findings, res.Stats, res.Scores); err != nil {
		return err
	}
	return k.out.SiteDone(ctx, r)
}

func searchQueries() []string {
	var qs []string
	for _, t := range scoring.Tasks() {
		qs = append(qs, t.Words[0])
	}
	return qs
}

// crawlRun crawls the web once into a new run and marks it finished.
func crawlRun(t testing.TB, store *data.Store, web *crawltest.Web, startedAt time.Time, label string) data.Run {
	t.Helper()
	ctx := context.Background()
	method := scoring.CurrentMethod()
	run, err := store.CreateRun(ctx, method.Version, "{}", label, len(web.Sites), startedAt)
	if err != nil {
		t.Fatal(err)
	}
	w := store.NewWriter(data.WriterOptions{})
	homes := map[string]string{}
	for _, s := range web.Sites {
		homes[s.Council] = s.HomeURL
	}
	sink := &scoringSink{engine: scoring.NewEngine(method), out: data.NewRunSink(w, run.ID, method.Version),
		homes: homes, sites: map[string]*scoring.SiteAccumulator{}}
	cfg := crawler.DefaultConfig()
	cfg.Resolve = web.Resolve
	cfg.Delay = 0
	cfg.Parallel = 8
	cfg.MaxPages = fixturePages
	cfg.Timeout = 10 * time.Second
	cfg.SearchQueries = searchQueries()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := crawler.New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(ctx, web.Sites); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := store.SetRunStatus(ctx, run.ID, data.RunFinished, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return run
}

// fixture is a store with two crawl runs of a small web, and the register
// of its councils (plus one council never crawled).
type fixture struct {
	store    *data.Store
	councils []dashboard.Council
	runs     []data.Run // oldest first
}

var (
	nations = []string{"England", "England", "Wales", "England", "Scotland", "England"}
	types   = []string{"District", "Unitary", "Unitary", "District", "Unitary", "London borough"}
	regions = []string{"South East", "North West", "", "South East", "", "London"}
)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	store := datatest.Store(t)
	f := &fixture{store: store}
	for r := 0; r < 2; r++ {
		web, err := crawltest.NewWeb(crawltest.Options{Sites: fixtureSites, PagesPerSite: fixturePages, Seed: int64(r + 1)})
		if err != nil {
			t.Fatal(err)
		}
		started := time.Time{}
		if r == 0 {
			started = time.Now().Add(-28 * 24 * time.Hour)
		}
		f.runs = append(f.runs, crawlRun(t, store, web, started, fmt.Sprintf("test run %d", r+1)))
		if r == 0 {
			for i, s := range web.Sites {
				f.councils = append(f.councils, dashboard.Council{Code: s.Council, Name: s.Name, Type: types[i%len(types)],
					Tier: "unitary", Nation: nations[i%len(nations)], Region: regions[i%len(regions)], HomepageURL: s.HomeURL})
			}
		}
		web.Close()
	}
	f.councils = append(f.councils, dashboard.Council{Code: "N99999999", Name: "Nevercrawled District Council",
		Type: "District", Tier: "district", Nation: "England", Region: "East", HomepageURL: "https://www.nevercrawled.gov.uk/"})
	return f
}

// staticReviews is an in-memory dashboard.Reviews: the review service is
// its own package with its own tests; here it only feeds the pages.
type staticReviews struct {
	scores map[string]dashboard.ReviewScore
	byC    map[string]dashboard.CouncilReviews
	rows   [][]any
}

func newStaticReviews(codes []string) *staticReviews {
	r := &staticReviews{scores: map[string]dashboard.ReviewScore{}, byC: map[string]dashboard.CouncilReviews{}}
	now := time.Now().UTC().Truncate(time.Second)
	for i, code := range codes {
		sc := dashboard.ReviewScore{Score: float64(40 + 7*i), N: 3 + i, Ranked: i > 0, Demo: 1}
		r.scores[code] = sc
		cr := dashboard.CouncilReviews{Score: sc,
			Tasks: []dashboard.TaskReview{{Council: code, Task: "pay-council-tax", Index: 75, N: 2, PublicN: 2, FoundRate: 1},
				{Council: code, Task: "bin-collection-day", Index: 40, N: 1, PeerN: 1, FoundRate: 0}},
			Comments:  []dashboard.Comment{{Task: "pay-council-tax", Kind: "public", Text: "Easy to find <b>from</b> the home page", Demo: true, CreatedAt: now}},
			Responses: []dashboard.Response{{Text: "Thank you, we are fixing the bins page", CreatedAt: now}}}
		r.byC[code] = cr
		r.rows = append(r.rows, []any{code, "pay-council-tax", "public", 75.0, true, now})
	}
	return r
}

func (r *staticReviews) ReviewScores(context.Context) (map[string]dashboard.ReviewScore, error) {
	return r.scores, nil
}

func (r *staticReviews) CouncilReviews(_ context.Context, code string) (dashboard.CouncilReviews, error) {
	return r.byC[code], nil
}

func (r *staticReviews) TaskReviews(context.Context) ([]dashboard.TaskReview, error) {
	var out []dashboard.TaskReview
	for _, c := range r.byC {
		out = append(out, c.Tasks...)
	}
	return out, nil
}

func (r *staticReviews) ExportColumns() []string {
	return []string{"council_code", "task", "kind", "score", "demo", "created_at"}
}

func (r *staticReviews) ExportReviews(_ context.Context, fn func(row []any) error) error {
	for _, row := range r.rows {
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

// serve starts the dashboard over the fixture.
func (f *fixture) serve(t testing.TB, reviews dashboard.Reviews) (*dashboard.Server, *httptest.Server) {
	t.Helper()
	d := dashboard.Deps{Source: f.store, Councils: f.councils, NotFound: []error{data.ErrNotFound},
		Unavailable: []error{data.ErrUnavailable}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if reviews != nil {
		d.Reviews = reviews
	}
	s, err := dashboard.New(d)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return s, hs
}

func (f *fixture) codes() []string {
	var out []string
	for _, c := range f.councils[:fixtureSites] {
		out = append(out, c.Code)
	}
	return out
}
