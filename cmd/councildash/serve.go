package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/dashboard/reviewpages"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
)

// Background crawl modes of `serve --crawl`.
const (
	crawlNone = "none"
	crawlAuto = "auto" // live when council hostnames resolve, else demo
	crawlLive = "live"
	crawlDemo = "demo"
)

func cmdServe(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var cf crawlFlags
	var rf reviewFlags
	var sf securityFlags
	var addr, mode, methodFile, proxies string
	var refresh time.Duration
	fs := newFlags(env, "serve", "serve [--addr :8080] [--crawl none|auto|live|demo] [--admin-token TOKEN] [crawl flags]")
	db.bind(fs, env)
	cf.bind(fs, env)
	rf.bind(fs, env)
	sf.bind(fs, env)
	fs.StringVar(&addr, "addr", envOr(env, "COUNCILDASH_ADDR", ":8080"), "address to serve on (env COUNCILDASH_ADDR)")
	fs.StringVar(&mode, "crawl", envOr(env, "COUNCILDASH_CRAWL", crawlNone), "background crawl while serving: none, live (every council), demo (local demo web), or auto (live when online, else demo)")
	fs.StringVar(&methodFile, "method", "docs/METHOD.md", "Markdown shown on /method (the scoring method's own text when the file is missing)")
	fs.StringVar(&proxies, "trusted-proxies", env.Getenv("COUNCILDASH_TRUSTED_PROXIES"), "comma-separated proxy addresses (IPs or CIDR ranges) whose X-Forwarded-For is believed (env COUNCILDASH_TRUSTED_PROXIES)")
	fs.DurationVar(&refresh, "refresh", 5*time.Second, "how often the dashboard looks for new crawl data and reviews")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch mode {
	case crawlNone, crawlAuto, crawlLive, crawlDemo:
	default:
		return fmt.Errorf("--crawl %q: choose none, auto, live or demo", mode)
	}
	if err := sf.check(); err != nil {
		return err
	}
	if _, err := rf.config(); err != nil { // before any connection: a short admin token stops serve here
		return err
	}
	res, err := cf.resolveMap()
	if err != nil {
		return err
	}
	cf.cfg.Resolve = res

	store, reg, err := db.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()

	dash, svc, err := buildDashboard(env, store, reg, rf, sf, splitList(proxies), readMethod(methodFile), refresh)
	if err != nil {
		return err
	}
	loadReadModel(ctx, env, dash)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// Timeouts per kind of route, exports per chunk (dashboard.Timeouts).
	srv := dash.HTTPServer(dash.Handler())
	if sf.metricsAddr != "" {
		_, stop, err := serveMetrics(ctx, env, sf.metricsAddr, dash)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	}
	env.Logger.Info("dashboard serving", "url", "http://"+displayAddr(ln.Addr()), "database", store.Database(), "crawl", mode)
	fmt.Fprintf(env.Stdout, "councildash dashboard on http://%s (Ctrl-C to stop)\n", displayAddr(ln.Addr()))

	// The background crawl stops with the server; it flushes what it
	// fetched and marks its run interrupted (resumable).
	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		guardUpkeep(bg, env, store, svc)
	}()
	go func() {
		defer wg.Done()
		backgroundCrawl(bg, env, store, reg, cf, mode)
		// The crawl (or the demo) is over: show it now, not at the next check.
		if err := dash.Refresh(bg); err != nil && bg.Err() == nil {
			env.Logger.Warn("dashboard not refreshed after the crawl", "err", err)
		}
	}()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err = <-serveErr:
	case <-ctx.Done():
		env.Logger.Info("shutting down")
		shCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		err = srv.Shutdown(shCtx)
		cancel()
	}
	stopBG()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// buildDashboard wires the dashboard and the reviews (with the review
// pages) over the store: what serve serves, and what the benchmarks load.
func buildDashboard(env *Env, store *data.Store, reg []data.Council, rf reviewFlags, sf securityFlags, trustedProxies []string, methodMD string, refresh time.Duration) (*dashboard.Server, *reviews.Service, error) {
	svc, err := newReviewService(store, rf)
	if err != nil {
		return nil, nil, fmt.Errorf("reviews: %w", err)
	}
	if rf.secret == "" {
		env.Logger.Warn("COUNCILDASH_REVIEW_SECRET is not set: open review forms stop working and per-address limits start afresh when the server restarts, and instances behind one load balancer do not accept each other's forms")
	}
	if rf.adminToken == "" {
		env.Logger.Info("COUNCILDASH_ADMIN_TOKEN is not set: moderation sign-in is off (comments stay pending)")
	}
	if sf.metricsAddr == "" && sf.metricsToken == "" {
		env.Logger.Info("metrics are off: set COUNCILDASH_METRICS_ADDR (a listener of their own) or COUNCILDASH_METRICS_TOKEN (/metrics behind a token)")
	}
	// Cookies are Secure whenever the public address is https.
	dash, err := dashboard.New(dashboard.Deps{Store: store, Councils: reg, Reviews: svc,
		ReviewPages: reviewpages.Config{SecureCookies: rf.secureCookies || sf.https()}, TrustedProxies: trustedProxies,
		Logger: env.Logger, MethodMarkdown: methodMD, Refresh: refresh, BaseURL: sf.baseURL, // feeds' links, badges' HTML, same-origin posts
		MetricsToken: sf.metricsToken})
	return dash, svc, err
}

// loadReadModel builds the dashboard's read model at start and reads the
// councils' evidence ahead, so the first visitors do not wait for either
// (at most a minute: then the server starts anyway). When the database
// cannot answer yet, the first request tries again.
func loadReadModel(ctx context.Context, env *Env, dash *dashboard.Server) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := dash.Refresh(ctx); err != nil {
		env.Logger.Warn("dashboard data not loaded at start; the first request loads it", "err", err)
		return
	}
	env.Logger.Info("dashboard data loaded", "elapsed", time.Since(start).Round(time.Millisecond))
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// readMethod returns docs/METHOD.md, or "" (the dashboard then renders the
// scoring method's own text) when it is not there: a binary run outside
// the repository still has a method page.
func readMethod(path string) string {
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return ""
	}
	return string(b)
}

func displayAddr(a net.Addr) string {
	s := a.String()
	if strings.HasPrefix(s, "[::]:") {
		return "localhost:" + strings.TrimPrefix(s, "[::]:")
	}
	if strings.HasPrefix(s, "0.0.0.0:") {
		return "localhost:" + strings.TrimPrefix(s, "0.0.0.0:")
	}
	return s
}

// backgroundCrawl fills the dashboard while it serves.
func backgroundCrawl(ctx context.Context, env *Env, store *data.Store, reg []data.Council, cf crawlFlags, mode string) {
	log := env.Logger
	if mode == crawlAuto {
		hosts := probeHosts(reg, 3)
		if ok, why := online(ctx, hosts, 3*time.Second); ok {
			log.Info("crawl mode auto: online, starting a live crawl of every council", "why", why)
			mode = crawlLive
		} else {
			log.Info("crawl mode auto: offline, loading the local demo web instead", "why", why)
			mode = crawlDemo
		}
	}
	switch mode {
	case crawlDemo:
		present, err := demoPresent(ctx, store)
		if err != nil {
			log.Error("cannot check for demo data", "err", err)
			return
		}
		if present {
			log.Info("demo data already loaded: not crawling the demo web again")
			return
		}
		dir, err := cf.archive.folder()
		if err != nil {
			log.Error("demo: archive folder", "err", err)
			return
		}
		if err := loadDemo(ctx, env, store, reg, defaultDemoOptions(), dir, nil); err != nil && ctx.Err() == nil {
			log.Error("demo load failed", "err", err)
		}
	case crawlLive:
		sites, err := cf.selectSites(reg)
		if err != nil {
			log.Error("live crawl: no sites", "err", err)
			return
		}
		label := cf.label
		if label == "" {
			label = "live crawl (serve)"
		}
		dir, err := cf.archive.folder()
		if err != nil {
			log.Error("live crawl: archive folder", "err", err)
			return
		}
		run, stats, err := runCrawl(ctx, env, store, crawlJob{sites: sites, cfg: cf.cfg, resume: cf.resume, label: label, archiveDir: dir, archiveShard: cf.shard})
		switch {
		case ctx.Err() != nil:
			log.Info("live crawl interrupted; continue it with `councildash crawl --resume`", "run", run.ID, "sites_done", stats.SitesDone)
		case err != nil:
			log.Error("live crawl failed", "run", run.ID, "err", err)
		}
	}
}

// demoPresent reports whether a demo run has already been stored.
func demoPresent(ctx context.Context, store *data.Store) (bool, error) {
	runs, err := store.Runs(ctx)
	if err != nil {
		return false, err
	}
	for _, r := range runs {
		if r.Demo && r.Status == data.RunFinished {
			return true, nil
		}
	}
	return false, nil
}

// probeHosts picks a few council hostnames to look up.
func probeHosts(reg []data.Council, n int) []string {
	var out []string
	for _, c := range reg {
		u, err := url.Parse(c.HomepageURL)
		if err != nil || u.Hostname() == "" {
			continue
		}
		out = append(out, u.Hostname())
		if len(out) == n {
			break
		}
	}
	return out
}

// online reports whether any of hosts resolves within timeout.
func online(ctx context.Context, hosts []string, timeout time.Duration) (bool, string) {
	if len(hosts) == 0 {
		return false, "no council hostnames to look up"
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type answer struct {
		host string
		err  error
	}
	ch := make(chan answer, len(hosts))
	for _, h := range hosts {
		go func() {
			_, err := net.DefaultResolver.LookupHost(ctx, h)
			ch <- answer{h, err}
		}()
	}
	var errs []string
	for range hosts {
		a := <-ch
		if a.err == nil {
			return true, "DNS lookup of " + a.host + " succeeded"
		}
		errs = append(errs, a.host+": "+a.err.Error())
	}
	return false, "DNS lookups failed (" + strings.Join(errs, "; ") + ")"
}
