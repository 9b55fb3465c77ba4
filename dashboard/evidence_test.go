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

// TestCachedLeastRecentlyUsed: past its count or its bytes the cache drops
// the values least recently used, never the one just asked for; a value
// larger than the bytes alone is returned, not kept; retain and eviction
// keep the bytes added up right.
func TestCachedLeastRecentlyUsed(t *testing.T) {
	ctx := context.Background()
	size := func(s string) int { return len(s) } // plus the key's byte
	c := newSizedCached(0, 3, 30, size)
	var loads []string
	get := func(key, val string) string {
		t.Helper()
		v, err := c.get(ctx, key, func(context.Context) (string, error) {
			loads = append(loads, key)
			return val, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	held := func(want ...string) {
		t.Helper()
		var got []string
		bytes := 0
		for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
			if c.has(k) {
				got = append(got, k)
			}
		}
		for _, k := range want {
			bytes += 1 + len(c.m[k].val)
		}
		n, b := c.held()
		if strings.Join(got, "") != strings.Join(want, "") || n != len(want) || b != bytes {
			t.Fatalf("holds %v (%d values, %d bytes), want %v (%d bytes)", got, n, b, want, bytes)
		}
	}
	get("a", "1234")
	get("b", "1234")
	get("c", "1234")
	held("a", "b", "c")
	if v := get("a", "x"); v != "1234" { // a is used: b is now the least recently used
		t.Errorf("a kept, got %q", v)
	}
	get("d", "1234")
	held("a", "c", "d")
	if !c.halfFull() {
		t.Error("three values of at most three: not half full")
	}
	get("e", strings.Repeat("x", 24)) // 25 bytes: c, then a go; d fits beside it
	held("d", "e")
	if v := get("a", "new"); v != "new" { // d goes
		t.Errorf("a evicted, got %q", v)
	}
	held("a", "e")
	if v := get("f", strings.Repeat("x", 40)); len(v) != 40 {
		t.Errorf("a value too large to keep is still returned: %q", v)
	}
	held("a", "e")
	c.retain(func(k string) bool { return k != "e" })
	held("a")
	if c.halfFull() {
		t.Error("one value of four bytes: half full")
	}
	if strings.Join(loads, " ") != "a b c d e a f" {
		t.Errorf("loads %v", loads)
	}
}
