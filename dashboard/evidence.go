package dashboard

import (
	"context"
	"sync"
	"time"

	"github.com/councildash/councildash/data"
)

// Evidence: what a council page shows of its run's findings, examples and
// the pages with most findings per check. It is not in the read model: it
// is read with bounded queries when a council's page needs it first, or
// ahead, in the background after each crawl model is built, for the
// councils most likely asked for (warmEvidence), and kept (findings of a
// finished site never change) until no page shows that run or, past the
// cache's bounds (evidenceCacheMax councils, Deps.EvidenceCacheBytes), until
// it is the least recently used: evidence dropped is read again when asked
// for. Requests for many councils at once are coalesced: while a query
// runs, the councils asked for meanwhile wait and go together in the next
// one.

// evidence is one council's evidence in one run.
type evidence struct {
	findings []data.Finding
	worst    []data.PageCount
	archived map[string]string // page URL -> its record's key, when the run kept the page (page_archive.go)
}

// evidencePerCheck is how many examples and worst pages a council page
// shows per check.
const evidencePerCheck = 3

// maxBatch bounds the councils of one evidence query.
const maxBatch = 128

const (
	// warmMax bounds the councils whose evidence is read ahead: every
	// council of the UK's 382 principal councils' register, and at parish
	// scale (10,000 and more) the principal councils and the parishes at
	// the top of the league. The others' evidence is read when their page
	// is first asked for.
	warmMax = 1000
	// warmChunk councils are read ahead at a time: two batches, one for
	// each of the batcher's slots.
	warmChunk = 2 * maxBatch
	// evidenceCacheMax bounds the councils' evidence kept, whatever its
	// size; evidenceCacheBytes is Deps.EvidenceCacheBytes' default.
	evidenceCacheMax   = 4096
	evidenceCacheBytes = 128 << 20
)

// warmEvidence reads, in the background, the evidence of the councils of a
// new crawl model most likely asked for (warmOrder) and not read yet, in
// chunks of warmChunk, coalesced into a few queries: their pages then
// rarely wait for it, even when a crowd meets a fresh server. It stops at
// s.warmMax councils, or once the evidence kept fills half the cache (of
// its bytes or its count): the other half is for the pages visitors ask
// for. It is the same cached, bounded evidence a page would read; only the
// timing differs.
func (s *Server) warmEvidence(cm *crawlModel) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	shown := make(map[string]bool, len(cm.league))
	for _, row := range cm.league {
		shown[evidenceKey(row.RunID, row.MethodVersion, row.Council.Code)] = true
	}
	// Evidence of runs no council page shows any more goes.
	s.evidenceCache.retain(func(key string) bool { return shown[key] })
	rows := warmOrder(cm.league, s.warmMax)
	for len(rows) > 0 && !s.evidenceCache.halfFull() {
		chunk := rows[:min(max(1, s.warmChunk), len(rows))]
		rows = rows[len(chunk):]
		var wg sync.WaitGroup
		for _, row := range chunk {
			if s.evidenceCache.has(evidenceKey(row.RunID, row.MethodVersion, row.Council.Code)) {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = s.evidence(ctx, row.RunID, row.MethodVersion, row.Council.Code) // a failure is read again by the page
			}()
		}
		wg.Wait()
	}
}

// warmOrder is the first n rows of the league whose evidence is read ahead:
// the principal councils (not parish or town: their pages are the ones the
// compare picker lists and most visitors ask for), then the others, each
// in the league's order.
func warmOrder(league []LeagueRow, n int) []LeagueRow {
	out := make([]LeagueRow, 0, min(n, len(league)))
	for _, principal := range []bool{true, false} {
		for _, row := range league {
			if len(out) == n {
				return out
			}
			if isPrincipal(row.Council) == principal {
				out = append(out, row)
			}
		}
	}
	return out
}

// isPrincipal: a principal council, not a parish or town council.
func isPrincipal(c data.Council) bool { return c.Tier != "parish" && c.Tier != "town" }

// evidenceBytes is about what a council's evidence takes in memory: its
// strings, and the fixed part of each finding (eleven strings, a slice and a
// time), page count and map entry.
func evidenceBytes(ev evidence) int {
	const finding, pageCount, mapEntry, entry = 11*16 + 24 + 24, 3*16 + 8, 2*16 + 16, 128
	n := entry
	for _, f := range ev.findings {
		n += finding + len(f.RunID) + len(f.MethodVersion) + len(f.Council) + len(f.CheckID) + len(f.Category) +
			len(f.Severity) + len(f.URL) + len(f.Selector) + len(f.Snippet) + len(f.Message) + len(f.Task)
		for _, m := range f.Matched {
			n += 16 + len(m)
		}
	}
	for _, w := range ev.worst {
		n += pageCount + len(w.Council) + len(w.CheckID) + len(w.URL)
	}
	for u, k := range ev.archived {
		n += mapEntry + len(u) + len(k)
	}
	return n
}

// evidenceKey names a council's evidence in a run as scored under a
// method: a re-score from the archive stores new findings for the run.
func evidenceKey(runID, method, code string) string { return runID + "\x00" + method + "\x00" + code }

// evidence returns a council's evidence in a run scored under method.
func (s *Server) evidence(ctx context.Context, runID, method, code string) (evidence, error) {
	return s.evidenceCache.get(ctx, evidenceKey(runID, method, code), func(ctx context.Context) (evidence, error) {
		return s.batcher.load(ctx, runID, code)
	})
}

// batcher coalesces evidence loads by run. At most slots queries run at
// once; requests arriving meanwhile queue and go together.
type batcher struct {
	query func(ctx context.Context, runID string, councils []string) (map[string]evidence, error)
	slots chan struct{}

	mu      sync.Mutex
	queue   map[string][]*evidenceWait // by run
	running bool                       // the dispatcher is running
}

type evidenceWait struct {
	code string
	done chan struct{}
	ev   evidence
	err  error
}

func newBatcher(slots int, query func(ctx context.Context, runID string, councils []string) (map[string]evidence, error)) *batcher {
	return &batcher{query: query, slots: make(chan struct{}, slots), queue: map[string][]*evidenceWait{}}
}

// load queues a council and waits for its batch. The wait is not cut
// short by ctx: others may be waiting for the same batch (the cache calls
// load detached from the request).
func (b *batcher) load(ctx context.Context, runID, code string) (evidence, error) {
	w := &evidenceWait{code: code, done: make(chan struct{})}
	b.mu.Lock()
	b.queue[runID] = append(b.queue[runID], w)
	if !b.running {
		b.running = true
		go b.dispatch(context.WithoutCancel(ctx))
	}
	b.mu.Unlock()
	<-w.done
	return w.ev, w.err
}

// dispatch sends queued councils in batches until the queue is empty.
func (b *batcher) dispatch(ctx context.Context) {
	for {
		b.slots <- struct{}{} // wait for a free slot: meanwhile the queue fills
		b.mu.Lock()
		var runID string
		for r := range b.queue {
			runID = r
			break
		}
		if runID == "" {
			b.running = false
			b.mu.Unlock()
			<-b.slots
			return
		}
		ws := b.queue[runID]
		if len(ws) > maxBatch {
			b.queue[runID] = ws[maxBatch:]
			ws = ws[:maxBatch]
		} else {
			delete(b.queue, runID)
		}
		b.mu.Unlock()
		go func() {
			defer func() { <-b.slots }()
			codes := make([]string, 0, len(ws))
			seen := map[string]bool{}
			for _, w := range ws {
				if !seen[w.code] {
					seen[w.code] = true
					codes = append(codes, w.code)
				}
			}
			evs, err := b.query(ctx, runID, codes)
			for _, w := range ws {
				w.ev, w.err = evs[w.code], err
				close(w.done)
			}
		}()
	}
}

// queryEvidence reads the evidence of councils in a run: two queries for
// all of them.
func (s *Server) queryEvidence(ctx context.Context, runID string, councils []string) (map[string]evidence, error) {
	findings, err := s.store.Evidence(ctx, runID, councils, evidencePerCheck)
	if err != nil {
		return nil, err
	}
	worst, err := s.store.WorstPages(ctx, runID, councils, evidencePerCheck)
	if err != nil {
		return nil, err
	}
	out := make(map[string]evidence, len(councils))
	for _, f := range findings {
		ev := out[f.Council]
		ev.findings = append(ev.findings, f)
		out[f.Council] = ev
	}
	for _, w := range worst {
		ev := out[w.Council]
		ev.worst = append(ev.worst, w)
		out[w.Council] = ev
	}
	archived, err := s.archivedPages(ctx, runID, councils)
	if err != nil {
		return nil, err
	}
	for c, m := range archived {
		ev := out[c]
		ev.archived = m
		out[c] = ev
	}
	return out, nil
}
