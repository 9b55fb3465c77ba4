package dashboard

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/data"
)

// TestBatcherCoalesces: while one evidence query runs, the councils asked
// for meanwhile wait and go together in the next one, each getting its
// own evidence; a run's councils never mix with another run's.
func TestBatcherCoalesces(t *testing.T) {
	started := make(chan []string, 10)
	release := make(chan struct{})
	b := newBatcher(1, func(_ context.Context, run string, codes []string) (map[string]evidence, error) {
		started <- append([]string{run}, codes...)
		<-release
		out := map[string]evidence{}
		for _, c := range codes {
			out[c] = evidence{worst: []data.PageCount{{Council: c, URL: run + "/" + c}}}
		}
		return out, nil
	})
	var wg sync.WaitGroup
	got := make(chan string, 20)
	ask := func(run, code string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev, err := b.load(context.Background(), run, code)
			if err != nil || len(ev.worst) != 1 {
				got <- fmt.Sprintf("%s/%s: %v %v", run, code, ev, err)
				return
			}
			got <- ev.worst[0].URL
		}()
	}
	ask("r1", "A")
	if first := <-started; strings.Join(first, " ") != "r1 A" {
		t.Fatalf("first query %v", first)
	}
	// While it runs, more councils of r1 (B twice) and one of r2 queue.
	for _, c := range []string{"B", "C", "B", "D"} {
		ask("r1", c)
	}
	ask("r2", "A")
	waitQueued(t, b, 5)
	close(release)
	var batches []string
	for range 2 {
		q := <-started
		sort.Strings(q[1:])
		batches = append(batches, strings.Join(q, " "))
	}
	sort.Strings(batches)
	if strings.Join(batches, "; ") != "r1 B C D; r2 A" {
		t.Errorf("batches %v, want r1's three councils in one query and r2's apart", batches)
	}
	wg.Wait()
	close(got)
	var answers []string
	for a := range got {
		answers = append(answers, a)
	}
	sort.Strings(answers)
	if strings.Join(answers, " ") != "r1/A r1/B r1/B r1/C r1/D r2/A" {
		t.Errorf("answers %v", answers)
	}
}

// waitQueued waits until n loads are queued (the goroutines asking have
// reached the queue).
func waitQueued(t *testing.T, b *batcher, n int) {
	t.Helper()
	for {
		b.mu.Lock()
		q := 0
		for _, ws := range b.queue {
			q += len(ws)
		}
		b.mu.Unlock()
		if q == n {
			return
		}
		if q > n {
			t.Fatalf("%d queued, want %d", q, n)
		}
		runtime.Gosched()
	}
}

// TestCached: one load per key however many ask at once; a failed load is
// not kept; values expire after the TTL; retain drops what it rejects and
// a full cache makes room.
func TestCached(t *testing.T) {
	c := newCached[int](time.Minute, 3)
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	var loads int
	release := make(chan struct{})
	load := func(v int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) {
			loads++
			<-release
			return v, nil
		}
	}
	var wg sync.WaitGroup
	results := make(chan int, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _ := c.get(context.Background(), "a", load(1))
			results <- v
		}()
	}
	for !c.has("a") {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	close(results)
	for v := range results {
		if v != 1 {
			t.Fatalf("got %d", v)
		}
	}
	if loads != 1 {
		t.Fatalf("%d loads for one key", loads)
	}
	if _, err := c.get(context.Background(), "bad", func(context.Context) (int, error) { return 0, errors.New("down") }); err == nil || c.has("bad") {
		t.Fatal("a failed load was kept")
	}
	if v, _ := c.get(context.Background(), "a", load(2)); v != 1 || loads != 1 {
		t.Fatal("a fresh value was loaded again")
	}
	now = now.Add(2 * time.Minute)
	if c.has("a") {
		t.Fatal("an expired value counts as held")
	}
	if v, _ := c.get(context.Background(), "a", load(3)); v != 3 {
		t.Fatalf("expired value not loaded again: %d", v)
	}
	c.get(context.Background(), "b", load(4))
	c.get(context.Background(), "c", load(5))
	c.retain(func(k string) bool { return k != "b" })
	if c.has("b") || !c.has("a") || !c.has("c") {
		t.Fatal("retain dropped the wrong keys")
	}
	c.get(context.Background(), "d", load(6))
	c.get(context.Background(), "e", load(7)) // full: room is made
	if !c.has("e") || len(c.m) > 3 {
		t.Fatalf("full cache holds %d", len(c.m))
	}
}
