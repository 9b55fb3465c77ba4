package data

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// table is one destination of batched rows. Flush order follows the order of
// tables in the writer: site_reports, the marker that a site's attempt is
// complete, is flushed last so it never lands before the rows it vouches for.
type table struct {
	name   string
	insert string
	rows   [][]any
}

// WriterOptions tune the batching writer.
type WriterOptions struct {
	FlushRows     int           // flush when this many rows are buffered in all (default 5000)
	FlushInterval time.Duration // and at least this often (default 1s)
	MaxBuffered   int           // Add blocks (back-pressure) above this many rows (default 200000)
	RetryMax      time.Duration // give up retrying a failed flush after this long (default 15 min)
	Logger        *slog.Logger
}

// Writer batches inserts into ClickHouse. When ClickHouse is unreachable it
// keeps the rows, retries with exponential backoff and, once MaxBuffered rows
// are waiting, blocks Add so producers (the crawler) pause instead of losing
// data. Flush and Close take a context: when it ends they give up waiting,
// and the rows not written stay buffered (Flush) or are reported (Close).
// Safe for concurrent use.
type Writer struct {
	s      *Store
	opts   WriterOptions
	mu     sync.Mutex
	cond   *sync.Cond
	tables []*table
	byName map[string]*table
	n      int // rows buffered
	err    error
	kick   chan struct{}
	done   chan struct{}
	closed bool
	// loopCtx bounds the background flushes; stopLoop ends them when Close
	// gives up.
	loopCtx  context.Context
	stopLoop context.CancelFunc

	flushing chan struct{} // one flush at a time keeps the table order
	statsMu  sync.Mutex
	written  map[string]int64
	failures int64
}

// Tables, in flush order.
const (
	tPages       = "pages"
	tLinks       = "links"
	tFindings    = "findings"
	tCheckStats  = "check_stats"
	tIntervals   = "score_intervals"
	tScores      = "scores"
	tSiteReports = "site_reports"
)

const (
	sqlInsertPages    = `INSERT INTO pages (run_id, council_code, attempt, url, final_url, redirect_chain, depth, status, content_type, bytes, ttfb_ms, total_ms, error_class, title, is_html, fetched_at, unscored, words, check_ids, check_findings, warc_file, warc_offset, warc_length, warc_record_id, payload_digest)`
	sqlInsertLinks    = `INSERT INTO links (run_id, council_code, attempt, from_url, to_url, internal, method, status, error_class, total_ms, checked_at, warc_file, warc_offset, warc_length, warc_record_id, link_text, selector, final_url)`
	sqlInsertFindings = `INSERT INTO findings (run_id, council_code, attempt, url, check_id, category, severity, selector, snippet, matched, message, task, method_version, created_at)`
	sqlInsertStats    = `INSERT INTO check_stats (run_id, council_code, attempt, check_id, category, pages_total, pages_affected, findings, created_at, words)`
	sqlInsertScores   = `INSERT INTO scores (run_id, council_code, method_version, category, check_id, score, scored_at)`
	sqlInsertSites    = `INSERT INTO site_reports (run_id, council_code, attempt, home_url, final_home_url, home_status, home_error_class, https, http_redirects_https, robots_status, robots_bytes, robots_parsed, robots_disallow_all, crawl_delay_ms, sitemaps, sitemap_urls, sitemap_parsed, not_found_url, not_found_status, search_form_action, pages_fetched, pages_errored, pdfs, links_checked, links_broken, started_at, finished_at, http_probe_unknown, search_results, not_found_warc_file, not_found_warc_offset, not_found_warc_length, not_found_warc_record_id)`
)

// sqlInsertIntervals stores score intervals (migration 0003).
const sqlInsertIntervals = `INSERT INTO score_intervals (run_id, council_code, method_version, category, score, low, high, level, pages, too_few, unavailable, computed_at)`

// NewWriter starts a batching writer. Close it to flush.
func (s *Store) NewWriter(opts WriterOptions) *Writer {
	if opts.FlushRows <= 0 {
		opts.FlushRows = 5000
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = time.Second
	}
	if opts.MaxBuffered <= 0 {
		opts.MaxBuffered = 200000
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = 15 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	w := &Writer{s: s, opts: opts, byName: map[string]*table{}, kick: make(chan struct{}, 1),
		done: make(chan struct{}), written: map[string]int64{}, flushing: make(chan struct{}, 1)}
	w.loopCtx, w.stopLoop = context.WithCancel(context.Background())
	w.cond = sync.NewCond(&w.mu)
	for _, t := range []struct{ name, sql string }{
		{tPages, sqlInsertPages}, {tLinks, sqlInsertLinks}, {tFindings, sqlInsertFindings},
		{tCheckStats, sqlInsertStats}, {tIntervals, sqlInsertIntervals}, {tScores, sqlInsertScores}, {tSiteReports, sqlInsertSites},
	} {
		tb := &table{name: t.name, insert: t.sql}
		w.tables = append(w.tables, tb)
		w.byName[t.name] = tb
	}
	go w.loop()
	return w
}

// ErrWriterClosed is returned by Add after Close.
var ErrWriterClosed = errors.New("writer closed")

// add buffers rows for one table, blocking while the buffer is full.
func (w *Writer) add(ctx context.Context, name string, rows ...[]any) error {
	w.mu.Lock()
	for w.n >= w.opts.MaxBuffered && !w.closed && w.err == nil && ctx.Err() == nil {
		w.cond.Wait()
	}
	switch {
	case w.err != nil:
		err := w.err
		w.mu.Unlock()
		return err
	case w.closed:
		w.mu.Unlock()
		return ErrWriterClosed
	}
	t := w.byName[name]
	t.rows = append(t.rows, rows...)
	w.n += len(rows)
	full := w.n >= w.opts.FlushRows
	w.mu.Unlock()
	if full {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

func (w *Writer) loop() {
	defer close(w.done)
	tick := time.NewTicker(w.opts.FlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-w.kick:
		}
		w.mu.Lock()
		closed := w.closed
		w.mu.Unlock()
		_ = w.flushAll(w.loopCtx) // a failure is kept in w.err; a give-up leaves the rows buffered
		if closed || w.loopCtx.Err() != nil {
			return
		}
	}
}

// errGiveUp marks a flush stopped by its context (the rows stay buffered).
var errGiveUp = errors.New("gave up waiting for ClickHouse")

// flushAll sends every buffered table, retrying with backoff while
// ClickHouse is away, until ctx ends: then the rows not sent go back to
// their tables, in order, and the error wraps ctx's.
func (w *Writer) flushAll(ctx context.Context) error {
	select {
	case w.flushing <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", errGiveUp, ctx.Err())
	}
	defer func() { <-w.flushing }()
	w.mu.Lock()
	if w.err != nil {
		err := w.err
		w.mu.Unlock()
		return err
	}
	// Take the current rows; new ones accumulate meanwhile.
	batches := make([][][]any, len(w.tables))
	for i, t := range w.tables {
		batches[i], t.rows = t.rows, nil
	}
	w.mu.Unlock()

	sent := 0
	var err error
	for i, rows := range batches {
		if len(rows) == 0 {
			continue
		}
		var left [][]any
		if left, err = w.sendWithRetry(ctx, w.tables[i], rows); err != nil {
			w.mu.Lock()
			if errors.Is(err, errGiveUp) {
				// Put back what was not sent, before any row added since.
				sent += len(rows) - len(left)
				batches[i] = left
				for j := i; j < len(batches); j++ {
					w.tables[j].rows = append(batches[j], w.tables[j].rows...)
				}
			} else {
				w.err = err
			}
			w.n -= sent
			w.cond.Broadcast()
			w.mu.Unlock()
			return err
		}
		sent += len(rows)
	}
	w.mu.Lock()
	w.n -= sent
	w.cond.Broadcast()
	w.mu.Unlock()
	return nil
}

// sendWithRetry sends rows until they are all written, or until ctx ends
// or RetryMax passes: it then returns the rows not written. In cluster mode
// a retry resends only the rows of the shards that failed.
func (w *Writer) sendWithRetry(ctx context.Context, t *table, rows [][]any) ([][]any, error) {
	start := time.Now()
	backoff := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		left, err := w.send(t, rows)
		if err == nil {
			if attempt > 1 {
				w.opts.Logger.Info("clickhouse is back; buffered rows written", "rows", len(rows), "attempts", attempt)
			}
			return nil, nil
		}
		rows = left
		w.statsMu.Lock()
		w.failures++
		w.statsMu.Unlock()
		if time.Since(start) > w.opts.RetryMax {
			return rows, fmt.Errorf("%w: gave up after %s: %v", ErrUnavailable, time.Since(start).Round(time.Second), err)
		}
		w.opts.Logger.Warn("clickhouse write failed; will retry", "table", t.name, "rows", len(rows), "backoff", backoff, "err", err)
		timer := time.NewTimer(backoff)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return rows, fmt.Errorf("%w: %w: %d %s rows not written (%v)", errGiveUp, ctx.Err(), len(rows), t.name, err)
		}
		if backoff < 10*time.Second {
			backoff *= 2
		}
	}
}

// send writes rows and returns those not written.
func (w *Writer) send(t *table, rows [][]any) ([][]any, error) {
	left, err := w.s.insertPart(context.Background(), t.insert, rows)
	w.statsMu.Lock()
	w.written[t.name] += int64(len(rows) - len(left))
	w.statsMu.Unlock()
	return left, err
}

// Flush writes everything buffered so far and waits for it, or until ctx
// ends: the rows not written then stay buffered for a later flush, and the
// error wraps ctx's.
func (w *Writer) Flush(ctx context.Context) error {
	if err := w.flushAll(ctx); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Written returns the rows written per table so far.
func (w *Writer) Written() map[string]int64 {
	w.statsMu.Lock()
	defer w.statsMu.Unlock()
	out := make(map[string]int64, len(w.written))
	for k, v := range w.written {
		out[k] = v
	}
	return out
}

// Failures counts failed write attempts (each retried).
func (w *Writer) Failures() int64 {
	w.statsMu.Lock()
	defer w.statsMu.Unlock()
	return w.failures
}

// Close flushes what is buffered and stops the writer. When ctx ends
// first it gives up: the error wraps ctx's and counts the rows not written.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.done
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.err
	}
	w.closed = true
	w.cond.Broadcast()
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
	select {
	case <-w.done:
	case <-ctx.Done():
		w.stopLoop() // the loop's flush gives up and puts its rows back
		<-w.done
	}
	w.stopLoop()
	err := w.flushAll(ctx) // rows added between the last flush and close, or put back
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil && errors.Is(err, errGiveUp) {
		return fmt.Errorf("%w: %d rows not written", err, w.n)
	}
	if err != nil {
		return err
	}
	return w.err
}
