package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// benchComparePairs is how many compare pages the cold phase rotates over.
const benchComparePairs = 100

// benchDashboardCold measures the dashboard as real traffic meets it: a
// fresh server, started as `serve` starts it (reviews on; the read model
// built and the councils' evidence read at start; no page rendered), over
// every council of the register with benchDashRuns runs, and wrk spreading
// its connections over a rotating list of every council page, every check
// page and benchComparePairs compare pages, from the first request on (no
// warm-up requests).
func benchDashboardCold(ctx context.Context, env *Env, db dbFlags, bf benchFlags) ([]benchResult, error) {
	store, reg, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	seeded, err := benchSeeded(ctx, store)
	if err != nil {
		return nil, err
	}
	if !seeded { // run alone (--only dashboard-cold): seed as the dashboard phase does
		if _, err := seedDashboard(ctx, store, reg); err != nil {
			return nil, fmt.Errorf("seeding: %w", err)
		}
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return nil, fmt.Errorf("the cold dashboard phase needs wrk (apt install wrk): %w", err)
	}
	paths := coldPaths(reg)
	script, err := writeRotation(paths)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(filepath.Dir(script))

	handler, mem, err := coldServer(ctx, env, store, reg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()

	dur := bf.loadFor
	if dur <= 0 {
		dur = 30 * time.Second
	}
	conns := bf.conns
	if conns <= 0 {
		conns = 200
	}
	m, err := runWrkScript(ctx, wrk, "http://"+ln.Addr().String(), script, conns, dur)
	if err != nil {
		return nil, err
	}
	m["paths"] = float64(len(paths))
	m["councils"] = float64(len(reg))
	for k, v := range mem {
		m[k] = v
	}
	return []benchResult{{Phase: "dashboard-cold", Subject: fmt.Sprintf("fresh server, every council page, every check page and %d compare pages in rotation", benchComparePairs),
		Metrics: m, Note: fmt.Sprintf("wrk, %d connections, %s, 2s time-out, no warm-up; %d councils x %d runs", conns, dur, len(reg), benchDashRuns)}}, nil
}

// benchSeeded reports whether the bench database holds the dashboard
// phase's runs already.
func benchSeeded(ctx context.Context, store *data.Store) (bool, error) {
	runs, err := store.Runs(ctx)
	if err != nil {
		return false, err
	}
	n := 0
	for _, r := range runs {
		if strings.HasPrefix(r.Label, "bench run ") && r.Status == data.RunFinished {
			n++
		}
	}
	return n >= benchDashRuns, nil
}

// coldPaths lists every council page, every check page and
// benchComparePairs compare pages (pairs drawn with a fixed seed).
func coldPaths(reg []data.Council) []string {
	var out []string
	for _, c := range reg {
		out = append(out, "/councils/"+c.Code)
	}
	for _, ch := range scoring.Catalog() {
		out = append(out, "/checks/"+ch.ID)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for range benchComparePairs {
		a, b := rng.IntN(len(reg)), rng.IntN(len(reg)-1)
		if b >= a {
			b++
		}
		out = append(out, "/compare?c="+reg[a].Code+"&c="+reg[b].Code)
	}
	// Interleave the kinds, so every connection meets every kind of page.
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// writeRotation writes a wrk Lua script that requests paths in turn, each
// wrk thread starting at its own place in the list.
func writeRotation(paths []string) (string, error) {
	dir, err := os.MkdirTemp("", "councildash-bench-*")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("local paths = {\n")
	for _, p := range paths {
		b.WriteString("  " + strconv.Quote(p) + ",\n")
	}
	b.WriteString(`}
local threads = 0
function setup(thread)
  thread:set("start", threads * 97)
  threads = threads + 1
end
local i = 0
function init(args)
  i = (start or 0) % #paths
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
`)
	f := filepath.Join(dir, "rotate.lua")
	return f, os.WriteFile(f, []byte(b.String()), 0o600)
}

// runWrkScript runs wrk with a Lua script against base and reads p50, p99,
// requests/s, time-outs and non-2xx answers from its report.
func runWrkScript(ctx context.Context, wrk, base, script string, conns int, dur time.Duration) (map[string]float64, error) {
	threads := min(conns, 4)
	cmd := exec.CommandContext(ctx, wrk, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", int(dur.Seconds())), "--timeout", "2s", "--latency", "-s", script, base)
	b, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("wrk: %v: %s", err, b)
	}
	return parseWrk(string(b), conns)
}

// coldServer builds and starts the dashboard exactly as `serve` does. Before that it
// measures the read model on a server of its own: the heap it keeps (after
// a collection, before and after the build) and the time the build takes.
func coldServer(ctx context.Context, env *Env, store *data.Store, reg []data.Council) (http.Handler, map[string]float64, error) {
	build := func() (*dashboard.Server, error) {
		dash, _, err := buildDashboard(env, store, reg, reviewSettings(env), securityFlags{baseURL: "http://localhost:8080"}, nil, readMethod("docs/METHOD.md"), 5*time.Second)
		return dash, err
	}
	svc, err := newReviewService(store, reviewSettings(env))
	if err != nil {
		return nil, nil, err
	}
	probe, err := dashboard.New(dashboard.Deps{Store: store, Councils: reg, Reviews: svc, Logger: env.Logger,
		MethodMarkdown: readMethod("docs/METHOD.md"), NoEvidenceAhead: true})
	if err != nil {
		return nil, nil, err
	}
	heap := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc)
	}
	before := heap()
	start := time.Now()
	if err := probe.Refresh(ctx); err != nil {
		return nil, nil, err
	}
	took := time.Since(start)
	kept := heap() - before
	runtime.KeepAlive(probe)
	mem := map[string]float64{"readmodel_mb": kept / (1 << 20), "readmodel_build_ms": float64(took.Milliseconds())}
	dash, err := build()
	if err != nil {
		return nil, nil, err
	}
	loadReadModel(ctx, env, dash) // as serve does at start; no page is rendered yet
	return dash.Handler(), mem, nil
}
