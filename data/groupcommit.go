package data

import (
	"context"
	"sync"
)

// groupCommit writes the rows of one INSERT statement that concurrent
// callers add, together: each call returns only once the batch holding its
// row is stored (with that batch's error), so a burst makes a few
// ClickHouse parts rather than one per row (one part per insert throttles
// MergeTree inserts). A row is visible to queries on the same server once
// its call returns.
type groupCommit struct {
	s      *Store
	insert string
	what   string // names the rows in errors

	mu       sync.Mutex
	pending  []pendingRow
	flushers int
}

type pendingRow struct {
	rows [][]any // written in the same batch
	done chan error
}

// maxGroupBatch bounds one batch; maxGroupFlushers is how many batches of
// one statement may be in flight at once (an insert's latency is mostly
// waiting on the server, so a few overlap).
const (
	maxGroupBatch    = 5000
	maxGroupFlushers = 4
)

func newGroupCommit(s *Store, insert, what string) *groupCommit {
	return &groupCommit{s: s, insert: insert, what: what}
}

// add queues rows for the next batch (all in the same one) and waits until
// that batch is stored (or failed). It waits even if ctx is cancelled, so
// a row is never stored without its caller knowing.
func (g *groupCommit) add(ctx context.Context, rows ...[]any) error {
	done := make(chan error, 1)
	g.mu.Lock()
	g.pending = append(g.pending, pendingRow{rows: rows, done: done})
	if g.flushers < maxGroupFlushers {
		g.flushers++
		go g.flushLoop(context.WithoutCancel(ctx))
	}
	g.mu.Unlock()
	return <-done
}

// flushLoop writes the queued rows batch after batch until none is left.
func (g *groupCommit) flushLoop(ctx context.Context) {
	for {
		g.mu.Lock()
		if len(g.pending) == 0 {
			g.flushers--
			g.mu.Unlock()
			return
		}
		n := min(len(g.pending), maxGroupBatch)
		batch := g.pending[:n:n]
		g.pending = append([]pendingRow(nil), g.pending[n:]...)
		g.mu.Unlock()
		var rows [][]any
		for _, p := range batch {
			rows = append(rows, p.rows...)
		}
		err := g.s.insertRows(ctx, g.insert, rows...)
		if err != nil {
			err = reviewErr("insert "+g.what, err)
		}
		for _, p := range batch {
			p.done <- err
		}
	}
}
