package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler/crawltest"
	"github.com/councildash/councildash/dashboard/reviewpages/formclient"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// soakDuration is COUNCILDASH_SOAK (`make soak` sets 10m); `make test` runs a
// short soak so the test itself is exercised on every run.
func soakDuration(t *testing.T) time.Duration {
	if v := os.Getenv("COUNCILDASH_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("COUNCILDASH_SOAK=%q: %v", v, err)
		}
		return d
	}
	return 8 * time.Second
}

// rssMB reads the resident set size of this process from /proc.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
}

func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse) / (1 << 20)
}

// TestSoak crawls the hostile web (plus ordinary sites) again and again,
// scoring and storing every run while clients post reviews, and checks that goroutines and the live
// heap do not grow between the first round and the last.
func TestSoak(t *testing.T) {
	store := datatest.Store(t)
	soak := soakDuration(t)
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 6, PagesPerSite: 20, Seed: 9, Hostile: crawltest.HostileKinds()})
	if err != nil {
		t.Fatal(err)
	}
	defer web.Close()
	cfg := testCrawlConfig(web, 20)
	cfg.Delay = 5 * time.Millisecond
	cfg.Timeout = 2 * time.Second
	cfg.Parallel = 8
	job := crawlJob{sites: web.Sites, cfg: cfg, label: "soak"}
	env := testEnv(t)

	round := func() {
		t.Helper()
		if _, _, err := runCrawl(context.Background(), env, store, job); err != nil {
			t.Fatalf("soak crawl: %v", err)
		}
	}
	// Review load beside the crawls: four clients posting through the real
	// handlers for the whole soak.
	reg := data.EmbeddedRegister()[:30]
	rsrv := reviewServer(t, store, reg)
	defer rsrv.Close()
	before, _, err := store.ReviewCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tasks := scoring.Tasks()
	var accepted, seq atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	reviewLoad := func() {
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				jar, _ := cookiejar.New(nil)
				tr := &http.Transport{}
				defer tr.CloseIdleConnections()
				c := formclient.NoRedirects(&http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second})
				for {
					select {
					case <-stop:
						return
					default:
					}
					i := seq.Add(1)
					resp, err := postReview(c, rsrv.URL, reg[int(i)%len(reg)].Code, tasks[int(i)%len(tasks)].ID, fmt.Sprintf("soak review %d", i))
					if err != nil || resp.Status != http.StatusSeeOther {
						t.Errorf("soak review post: %v (status %d)", err, resp.Status)
						return
					}
					accepted.Add(1)
					time.Sleep(20 * time.Millisecond)
				}
			}()
		}
	}

	round() // warm-up: pools, caches and connections reach their steady size
	time.Sleep(200 * time.Millisecond)
	g0, h0, r0 := runtime.NumGoroutine(), heapMB(), rssMB()
	reviewLoad()
	rounds := 0
	for deadline := time.Now().Add(soak); time.Now().Before(deadline) || rounds < 2; rounds++ {
		round()
	}
	close(stop)
	wg.Wait()
	after, _, err := store.ReviewCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if accepted.Load() == 0 || after-before != uint64(accepted.Load()) {
		t.Fatalf("review posts accepted %d, stored %d", accepted.Load(), after-before)
	}
	rsrv.CloseClientConnections()
	// Idle keep-alive connections and timers wind down.
	var g1 int
	for i := 0; i < 50; i++ {
		if g1 = runtime.NumGoroutine(); g1 <= g0+5 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	h1, r1 := heapMB(), rssMB()
	t.Logf("soak %s: %d rounds of %d sites, %d review posts (all stored); goroutines %d -> %d; live heap %.1f -> %.1f MB; RSS %.1f -> %.1f MB",
		soak, rounds, len(web.Sites), accepted.Load(), g0, g1, h0, h1, r0, r1)
	if g1 > g0+5 {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutines grew from %d to %d:\n%s", g0, g1, buf[:runtime.Stack(buf, true)])
	}
	if h1 > 2*h0+64 {
		t.Fatalf("live heap grew from %.1f MB to %.1f MB over %d rounds", h0, h1, rounds)
	}
}
