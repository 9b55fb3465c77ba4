package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/dashboard/reviewpages/formclient"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// benchReviews measures review posts through the real handlers: a gin
// engine with the review routes on a loopback server, the store on the
// bench's ClickHouse database, and 32 clients that each fetch the form (for
// its token) and post it, for up to 15 seconds. Rate limits and the minimum
// time on the form are off for the bench. Every accepted post (303) must be
// stored exactly once.
func benchReviews(ctx context.Context, env *Env, db dbFlags, bf benchFlags) ([]benchResult, error) {
	store, reg, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	before, _, err := store.ReviewCounts(ctx)
	if err != nil {
		return nil, err
	}
	srv, err := reviewLoadServer(store, reg, env.Logger, []string{"127.0.0.1"})
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	const clients = 32
	dur := 15 * time.Second
	if bf.loadFor > 0 && bf.loadFor < dur {
		dur = bf.loadFor
	}
	tasks := scoring.Tasks()
	var accepted, refused, seq atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	transport := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	start := time.Now()
	deadline := start.Add(dur)
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jar, _ := cookiejar.New(nil)
			c := formclient.NoRedirects(&http.Client{Jar: jar, Transport: transport, Timeout: 60 * time.Second})
			ip := fmt.Sprintf("10.9.%d.%d", w/250, w%250+1)
			var mine []time.Duration
			defer func() {
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := seq.Add(1)
				code := reg[int(i)%len(reg)].Code
				form, err := formclient.Do(c, "GET", srv.URL+"/councils/"+code+"/review", nil, ip)
				if err == nil && form.Status != http.StatusOK {
					err = fmt.Errorf("form: status %d", form.Status)
				}
				var tok string
				if err == nil {
					tok, err = formclient.FormToken(form.Body)
				}
				if err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
				t0 := time.Now()
				resp, err := formclient.Do(c, "POST", srv.URL+"/councils/"+code+"/review",
					formclient.ReviewForm(tok, tasks[int(i)%len(tasks)].ID, fmt.Sprintf("bench review %d", i)), ip)
				if err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
				if resp.Status == http.StatusSeeOther {
					accepted.Add(1)
				} else {
					refused.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start).Seconds()
	if firstErr != nil {
		return nil, firstErr
	}
	after, _, err := store.ReviewCounts(ctx)
	if err != nil {
		return nil, err
	}
	stored := int64(after - before)
	counts, err := store.ReviewIDCounts(ctx)
	if err != nil {
		return nil, err
	}
	var dups int
	for _, n := range counts {
		if n > 1 {
			dups++
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	res := benchResult{Phase: "reviews", Subject: fmt.Sprintf("review posts through the real handlers on loopback, %d clients x %s (GET form + POST each; latency of the POST, 303 after ClickHouse has the row)", clients, dur),
		Metrics: map[string]float64{"posts": float64(accepted.Load() + refused.Load()), "posts_per_s": float64(accepted.Load()+refused.Load()) / el,
			"p50_ms": pct(0.50), "p99_ms": pct(0.99), "accepted": float64(accepted.Load()), "refused": float64(refused.Load()),
			"stored": float64(stored), "duplicates": float64(dups), "clients": clients, "seconds": el}}
	if stored != accepted.Load() || dups > 0 {
		return []benchResult{res}, fmt.Errorf("reviews accepted %d but stored %d (%d stored more than once)", accepted.Load(), stored, dups)
	}
	return []benchResult{res}, nil
}

// loadServer is the dashboard served on loopback for load tests.
type loadServer struct {
	URL string
	srv *http.Server
}

// Close stops the server.
func (l *loadServer) Close() { _ = l.srv.Close() }

// reviewLoadServer serves the dashboard, review pages included, over store
// on loopback for load tests (the bench, the reliability and soak tests):
// rate limits and the minimum time on the form are off. trusted are the
// proxies whose X-Forwarded-For is believed (the bench spreads clients
// over addresses that way).
func reviewLoadServer(store *data.Store, reg []data.Council, log *slog.Logger, trusted []string) (*loadServer, error) {
	cfg := reviews.DefaultConfig()
	cfg.MinFormTime = -1
	cfg.RatePerIP = reviews.Rate{N: -1, Per: time.Hour}
	cfg.RatePerCouncil = reviews.Rate{N: -1, Per: time.Hour}
	svc, err := reviews.New(data.NewReviewStore(store), cfg)
	if err != nil {
		return nil, err
	}
	dash, err := dashboard.New(dashboard.Deps{Store: store, Councils: reg, Reviews: svc, Logger: log, TrustedProxies: trusted})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: dash.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &loadServer{URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

// CloseClientConnections closes the idle keep-alive connections (the soak
// test then counts goroutines winding down).
func (l *loadServer) CloseClientConnections() { l.srv.SetKeepAlivesEnabled(false) }
