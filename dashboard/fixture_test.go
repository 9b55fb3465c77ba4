package dashboard_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/reviews"
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

	mu     sync.Mutex
	sites  map[string]*scoring.SiteAccumulator
	pages  map[string]map[string][]scoring.CheckStat // council -> url -> the page's statistics
	broken map[string][]scoring.BrokenLink
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
	if k.pages[p.Council] == nil {
		k.pages[p.Council] = map[string][]scoring.CheckStat{}
	}
	k.pages[p.Council][p.URL] = k.engine.PageStats(res.Summary)
	k.mu.Unlock()
	return k.out.PageResult(ctx, p, res)
}

func (k *scoringSink) Links(ctx context.Context, checks []crawler.LinkCheck) error {
	k.mu.Lock()
	for _, c := range checks {
		if c.Status >= 400 || c.ErrorClass != "" && c.ErrorClass != crawler.ErrRobotsDisallowed {
			k.broken[c.Council] = append(k.broken[c.Council], scoring.BrokenLink{From: c.FromURL, To: c.ToURL, Text: c.Text,
				Selector: c.Selector, Status: c.Status, ErrorClass: c.ErrorClass, Final: c.FinalURL})
		}
	}
	k.mu.Unlock()
	return k.out.Links(ctx, checks)
}

func (k *scoringSink) SiteDone(ctx context.Context, r *crawler.SiteReport) error {
	k.mu.Lock()
	a := k.acc(r.Council)
	delete(k.sites, r.Council)
	byURL := k.pages[r.Council]
	delete(k.pages, r.Council)
	broken := k.broken[r.Council]
	k.mu.Unlock()
	res := a.Finish(scoring.SiteFacts{HomeURL: r.HomeURL, FinalHomeURL: r.FinalHomeURL, HTTPS: r.HTTPS,
		HTTPRedirectsToHTTPS: r.HTTPRedirectsToHTTPS, RobotsStatus: r.RobotsStatus, RobotsParsed: r.RobotsParsed,
		Sitemaps: r.Sitemaps, SitemapParsed: r.SitemapParsed, NotFoundStatus: r.NotFoundStatus,
		NotFoundBody: r.NotFoundBody, SearchResults: r.SearchResults, LinksChecked: r.LinksChecked,
		LinksBroken: r.LinksBroken, Broken: broken, Now: time.Now()})
	urls := make([]string, 0, len(byURL))
	for u := range byURL {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	pages := make([][]scoring.CheckStat, len(urls))
	for i, u := range urls {
		pages[i] = byURL[u]
	}
	m := k.engine.Method()
	if err := k.out.SiteIntervals(ctx, r.Council, m.Version, m.SiteScoreInterval(pages, res.Stats, scoring.Bootstrap{Seed: 1})); err != nil {
		return err
	}
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
	return crawlRunAs(t, store, web, startedAt, label, false, "{}")
}

// crawlRunAs is crawlRun for a run stored as a demo run (demo) or not,
// with the given settings (a simulated demo run's say so).
func crawlRunAs(t testing.TB, store *data.Store, web *crawltest.Web, startedAt time.Time, label string, demo bool, settings string) data.Run {
	t.Helper()
	ctx := context.Background()
	method := scoring.CurrentMethod()
	create := store.CreateRun
	if demo {
		create = store.CreateDemoRun
	}
	run, err := create(ctx, method.Version, settings, label, len(web.Sites), startedAt)
	if err != nil {
		t.Fatal(err)
	}
	w := store.NewWriter(data.WriterOptions{})
	homes := map[string]string{}
	for _, s := range web.Sites {
		homes[s.Council] = s.HomeURL
	}
	sink := &scoringSink{engine: scoring.NewEngine(method), out: data.NewRunSink(w, run.ID, method.Version),
		homes: homes, sites: map[string]*scoring.SiteAccumulator{}, pages: map[string]map[string][]scoring.CheckStat{},
		broken: map[string][]scoring.BrokenLink{}}
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
	if err := w.Close(ctx); err != nil {
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
	councils []data.Council
	runs     []data.Run // oldest first
	reviews  int        // reviews seeded (seedReviews)
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
				f.councils = append(f.councils, data.Council{Code: s.Council, Name: s.Name, Type: types[i%len(types)],
					Tier: "unitary", Nation: nations[i%len(nations)], Region: regions[i%len(regions)], HomepageURL: s.HomeURL})
			}
		}
		web.Close()
	}
	f.councils = append(f.councils, data.Council{Code: "N99999999", Name: "Nevercrawled District Council",
		Type: "District", Tier: "district", Nation: "England", Region: "East", HomepageURL: "https://www.nevercrawled.gov.uk/"})
	f.seedReviews(t)
	return f
}

// seedReviews stores reviews of the crawled councils through the store the
// reviews service reads: per council, public demo reviews of paying council
// tax (one with an approved comment holding markup), a peer review of bin
// collection days, and a response from the council.
func (f *fixture) seedReviews(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	var rs []reviews.Review
	var mods []reviews.ModerationEvent
	n := 0
	add := func(code, task, kind string, ratings [reviews.NumWays]reviews.Rating, comment string, demo bool) reviews.Review {
		n++
		r := reviews.Review{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), Council: code, Task: task, Ratings: ratings,
			Importance: 4, Comment: comment, Kind: kind, IPHash: "test", Demo: demo, CreatedAt: now.Add(-time.Duration(n) * time.Minute)}
		rs = append(rs, r)
		return r
	}
	for i, code := range f.codes() {
		c := add(code, "pay-council-tax", reviews.KindResident, [reviews.NumWays]reviews.Rating{reviews.VeryEasy, reviews.Easy, 0, 0},
			"Easy to find <b>from</b> the home page", true)
		mods = append(mods, reviews.ModerationEvent{ReviewID: c.ID, Action: reviews.ActionApprove, Moderator: "test", At: now})
		for k := range i + 2 { // more reviews the further down the list: some councils are ranked
			add(code, "pay-council-tax", reviews.KindOther, [reviews.NumWays]reviews.Rating{[]reviews.Rating{reviews.Easy, reviews.Difficult}[k%2], 0, 0, 0}, "", false)
		}
		add(code, "bin-collection-day", reviews.KindPeer, [reviews.NumWays]reviews.Rating{reviews.GaveUp, 0, 0, 0}, "", false)
		if err := f.store.InsertResponse(ctx, reviews.Response{ID: fmt.Sprintf("response-%d", i), Council: code,
			Text: "Thank you, we are fixing the bins page", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.store.InsertReviews(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if err := f.store.InsertModerations(ctx, mods); err != nil {
		t.Fatal(err)
	}
	f.reviews = len(rs)
}

// reviewService is the reviews service over the fixture's store.
func (f *fixture) reviewService(t testing.TB) *reviews.Service {
	t.Helper()
	cfg := reviews.DefaultConfig()
	cfg.Secret = []byte("dashboard-test-secret-0123456789abcdef")
	svc, err := reviews.New(data.NewReviewStore(f.store), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// serve starts the dashboard over the fixture, with reviews on or off.
func (f *fixture) serve(t testing.TB, withReviews bool) (*dashboard.Server, *httptest.Server) {
	t.Helper()
	d := dashboard.Deps{Store: f.store, Councils: f.councils, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MetricsToken: fixtureMetricsToken}
	if withReviews {
		d.Reviews = f.reviewService(t)
	}
	s, err := dashboard.New(d)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return s, hs
}

// fixtureMetricsToken serves /metrics on the fixture's dashboard.
const fixtureMetricsToken = "metrics-token-0123456789abcdef0123456789"

func (f *fixture) codes() []string {
	var out []string
	for _, c := range f.councils[:fixtureSites] {
		out = append(out, c.Code)
	}
	return out
}
