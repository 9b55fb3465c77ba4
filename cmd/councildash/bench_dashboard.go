package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

const (
	benchDashRuns     = 12
	benchDashFindings = 12 // findings per council and run: modest
)

// benchDashboard seeds every council of the register with benchDashRuns
// runs of scores (check statistics scored by the real method, a few
// findings), serves the dashboard on loopback and loads the league table, a
// council page and an export with wrk (or a Go load generator).
func benchDashboard(ctx context.Context, env *Env, db dbFlags, bf benchFlags) ([]benchResult, error) {
	store, reg, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	seedStart := time.Now()
	latest, err := seedDashboard(ctx, store, reg)
	if err != nil {
		return nil, fmt.Errorf("seeding: %w", err)
	}
	seeded := time.Since(seedStart)

	srv, err := dashboard.New(dashboard.Deps{Store: store, Councils: reg, Logger: env.Logger})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	council := reg[len(reg)/2].Code
	targets := []struct{ subject, path string }{
		{"league table (/)", "/"},
		{"council page (/councils/" + council + ")", "/councils/" + council},
		{"export (/export/scores.csv of the latest run)", "/export/scores.csv?run=" + latest},
	}
	dur := bf.loadFor
	if dur <= 0 {
		dur = 30 * time.Second
	}
	conns := bf.conns
	if conns <= 0 {
		conns = 200
	}
	wrk, _ := exec.LookPath("wrk")
	var out []benchResult
	for _, tg := range targets {
		// Warm up (and check the page answers) before measuring.
		if err := warm(ctx, base+tg.path); err != nil {
			return nil, fmt.Errorf("%s: %w", tg.subject, err)
		}
		var m map[string]float64
		tool := "Go load generator"
		if wrk != "" {
			tool = "wrk"
			m, err = runWrk(ctx, wrk, base+tg.path, conns, dur)
		} else {
			m, err = goLoad(ctx, base+tg.path, conns, dur)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tg.subject, err)
		}
		out = append(out, benchResult{Phase: "dashboard", Subject: tg.subject, Metrics: m,
			Note: fmt.Sprintf("%s, %d connections, %s; %d councils x %d runs seeded in %s", tool, conns, dur, len(reg), benchDashRuns, seeded.Round(time.Second))})
	}
	return out, nil
}

// seedDashboard writes benchDashRuns finished runs for every council, the
// newest now and the others a week apart before it, and returns the newest
// run's id. Scores come from synthetic page statistics (benchSiteStats,
// words read included) through the real scoring method, and the latest
// run's intervals from the real bootstrap, so every number is consistent.
func seedDashboard(ctx context.Context, store *data.Store, reg []data.Council) (string, error) {
	method := scoring.CurrentMethod()
	checks := scoring.Catalog()
	tasks := scoring.Tasks()
	rng := rand.New(rand.NewPCG(7, 11))
	// Each council has a quality level that drifts a little from run to run.
	quality := make([]float64, len(reg))
	words := make([]int, len(reg)) // words of main content per page
	for i := range quality {
		quality[i] = 0.15 + 0.7*rng.Float64()
		words[i] = 150 + rng.IntN(650)
	}
	w := store.NewWriter(data.WriterOptions{FlushRows: 50000})
	var latest string
	for r := 0; r < benchDashRuns; r++ {
		started := time.Now().Add(-time.Duration(benchDashRuns-1-r) * 7 * 24 * time.Hour)
		run, err := store.CreateRun(ctx, method.Version, "{}", fmt.Sprintf("bench run %d", r+1), len(reg), started)
		if err != nil {
			return "", err
		}
		sink := data.NewRunSink(w, run.ID, method.Version)
		for i, c := range reg {
			q := min(max(quality[i]+0.05*(rng.Float64()-0.5), 0), 1)
			pages, stats := benchSiteStats(rng, checks, len(tasks), q, words[i])
			if r == benchDashRuns-1 { // the league shows the latest run: its scores have intervals, as a crawl's do
				if err := sink.SiteIntervals(ctx, c.Code, method.Version, siteIntervals(method, c.Code, pages, stats)); err != nil {
					return "", err
				}
			}
			home := c.HomepageURL
			findings := make([]scoring.Finding, 0, benchDashFindings)
			for k := range benchDashFindings {
				ch := checks[rng.IntN(len(checks))]
				f := scoring.Finding{CheckID: ch.ID, Category: ch.Category, Severity: scoring.SevWarning,
					URL: fmt.Sprintf("%spage/%d", home, k%5), Selector: "main > p:nth-of-type(2)",
					Snippet: "Pay your council tax & business rates online", Message: "Example finding for the benchmark"}
				if ch.Category == scoring.CatFindability {
					f.Task = tasks[rng.IntN(len(tasks))].ID
				}
				findings = append(findings, f)
			}
			if err := sink.SiteResult(ctx, c.Code, findings, stats, method.Score(stats)); err != nil {
				return "", err
			}
			now := started.Add(time.Duration(i) * time.Second)
			if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: c.Code, HomeURL: home, FinalHomeURL: home,
				HomeStatus: 200, HTTPS: true, PagesFetched: benchPages, Started: now, Finished: now.Add(time.Second)}); err != nil {
				return "", err
			}
		}
		if err := w.Flush(ctx); err != nil {
			return "", err
		}
		if err := store.SetRunStatus(ctx, run.ID, data.RunFinished, started.Add(time.Hour)); err != nil {
			return "", err
		}
		latest = run.ID
	}
	return latest, w.Close(ctx)
}

// benchPages is the pages a benchmark site is scored from.
const benchPages = 30

// benchSiteStats makes a benchmark site's statistics as a crawl would: each
// of benchPages pages of about words words has each page-level check fail
// with probability 1-q (one to three findings), the site statistics are
// their sums (words read included, so text checks are scored per 100
// words as in a crawl), and site-level checks are judged once (per task
// for findability).
func benchSiteStats(rng *rand.Rand, checks []scoring.Check, tasks int, q float64, words int) ([]pageStats, []scoring.CheckStat) {
	pages := make([]pageStats, benchPages)
	sums := make([]scoring.CheckStat, len(checks))
	for k, ch := range checks {
		sums[k] = scoring.CheckStat{CheckID: ch.ID, Category: ch.Category}
	}
	for p := range pages {
		w := max(words/2+rng.IntN(words+1), 60)
		pages[p].url = "page/" + strconv.Itoa(p)
		for k, ch := range checks {
			if ch.Level == scoring.LevelSite {
				continue
			}
			st := scoring.CheckStat{CheckID: ch.ID, Category: ch.Category, PagesTotal: 1, Words: w}
			if rng.Float64() > q {
				st.PagesAffected, st.Findings = 1, 1+rng.IntN(3)
			}
			pages[p].stats = append(pages[p].stats, st)
			s := &sums[k]
			s.PagesTotal++
			s.PagesAffected += st.PagesAffected
			s.Findings += st.Findings
			s.Words += st.Words
		}
	}
	for k, ch := range checks {
		if ch.Level != scoring.LevelSite {
			continue
		}
		total := 1
		if ch.Category == scoring.CatFindability {
			total = tasks
		}
		s := &sums[k]
		s.PagesTotal = total
		for range total {
			if rng.Float64() > q {
				s.PagesAffected++
			}
		}
		s.Findings = s.PagesAffected * (1 + rng.IntN(3))
	}
	return pages, sums
}

func warm(ctx context.Context, url string) error {
	for range 3 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", url, res.StatusCode)
		}
	}
	return nil
}

var (
	wrkReqs    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+(50|75|90|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkTotal   = regexp.MustCompile(`(\d+) requests in`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkErrors  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// runWrk runs wrk and reads req/s and latency percentiles from its report.
func runWrk(ctx context.Context, wrk, url string, conns int, dur time.Duration) (map[string]float64, error) {
	threads := min(conns, 4)
	cmd := exec.CommandContext(ctx, wrk, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", int(dur.Seconds())), "--timeout", "10s", "--latency", url)
	b, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("wrk: %v: %s", err, b)
	}
	return parseWrk(string(b), conns)
}

// parseWrk reads wrk's report: requests/s, requests, p50 and p99 latency,
// non-2xx answers, socket errors and, among them, time-outs.
func parseWrk(s string, conns int) (map[string]float64, error) {
	m := map[string]float64{"connections": float64(conns)}
	if v := wrkReqs.FindStringSubmatch(s); v != nil {
		m["req_per_s"], _ = strconv.ParseFloat(v[1], 64)
	}
	if v := wrkTotal.FindStringSubmatch(s); v != nil {
		m["requests"], _ = strconv.ParseFloat(v[1], 64)
	}
	for _, v := range wrkLatency.FindAllStringSubmatch(s, -1) {
		x, _ := strconv.ParseFloat(v[2], 64)
		switch v[3] {
		case "us":
			x /= 1000
		case "s":
			x *= 1000
		}
		if v[1] == "50" || v[1] == "99" {
			m["p"+v[1]+"_ms"] = x
		}
	}
	if v := wrkNon2xx.FindStringSubmatch(s); v != nil {
		m["non_2xx"], _ = strconv.ParseFloat(v[1], 64)
	}
	m["timeouts"] = 0
	if v := wrkErrors.FindStringSubmatch(s); v != nil {
		n := 0.0
		for _, x := range v[1:] {
			f, _ := strconv.ParseFloat(x, 64)
			n += f
		}
		m["socket_errors"] = n
		m["timeouts"], _ = strconv.ParseFloat(v[4], 64)
	}
	if _, ok := m["p99_ms"]; !ok {
		return nil, fmt.Errorf("cannot read wrk's report:\n%s", s)
	}
	return m, nil
}

// goLoad is the fallback load generator: conns workers, each with its own
// keep-alive connection, requesting url in a loop for dur.
func goLoad(ctx context.Context, url string, conns int, dur time.Duration) (map[string]float64, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var failures int
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			bad := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				res, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						bad++
					}
					continue
				}
				_, _ = io.Copy(io.Discard, bufio.NewReader(res.Body))
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					bad++
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			failures += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start).Seconds()
	if len(all) == 0 {
		return nil, fmt.Errorf("no request completed")
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(int(p*float64(len(all))), len(all)-1)]) / float64(time.Millisecond)
	}
	return map[string]float64{"connections": float64(conns), "requests": float64(len(all)), "req_per_s": float64(len(all)) / el,
		"p50_ms": pct(0.50), "p99_ms": pct(0.99), "non_2xx": float64(failures)}, nil
}
