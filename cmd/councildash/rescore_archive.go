package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// Re-scoring a run from its archive: every page a site's completed crawl
// stored is read back from the WARC files, parsed again and given to the
// same scoring pipeline a crawl feeds, with the stored facts (status,
// timings, depth, redirects, the site report and its link checks), so every
// check of the method runs, new ones included, exactly as on a fresh crawl
// of the same answers. The result is stored as a new attempt of the site in
// the same run, which replaces the crawl's (findings, statistics, page
// titles) on the dashboard; the crawl's own rows stay.

// errNotArchived: a site's crawl cannot be re-read from the archive.
var errNotArchived = errors.New("not all of its pages are in the archive")

// errDemoFiller: a demo run stores only the council's saved pages; the
// generated pages its site-level checks saw (the demo web's filler, see
// scoringSink) are in its WARC files but not among the stored pages, so
// re-reading the stored pages alone would score those checks differently.
var errDemoFiller = errors.New("a demo run's generated pages, which its site-level checks saw, are not among its stored pages")

// archiveRescore is the outcome of re-scoring a run from its archive.
type archiveRescore struct {
	fromArchive []string         // councils re-scored from their archived pages
	fallback    map[string]error // councils re-scored from statistics, and why
	pages       int64            // pages re-read
}

// rescoreFromArchive re-scores councils of an archived run under e's method.
func rescoreFromArchive(ctx context.Context, env *Env, store *data.Store, run data.Run, e *scoring.Engine, councils []string, attempts map[string]string) (archiveRescore, error) {
	out := archiveRescore{fallback: map[string]error{}}
	lim := archive.Limits{MaxBodyBytes: runMaxBody(run) + 1}
	w := store.NewWriter(data.WriterOptions{Logger: env.Logger})
	rs := data.NewRunSink(w, run.ID, e.Method().Version)

	jobs := make(chan string)
	var mu sync.Mutex
	var pages atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(councils), 1)) {
		wg.Go(func() {
			for c := range jobs {
				n, err := rescoreSiteFromArchive(ctx, store, rs, run, e, c, attempts[c], lim)
				pages.Add(int64(n))
				mu.Lock()
				if err != nil {
					out.fallback[c] = err
				} else {
					out.fromArchive = append(out.fromArchive, c)
				}
				mu.Unlock()
			}
		})
	}
	for _, c := range councils {
		select {
		case jobs <- c:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	out.pages = pages.Load()
	sort.Strings(out.fromArchive)
	if err := w.Close(context.WithoutCancel(ctx)); err != nil {
		return out, fmt.Errorf("storing the re-score: %w", err)
	}
	return out, ctx.Err()
}

// runMaxBody is the page body cap the run was crawled with.
func runMaxBody(run data.Run) int64 {
	var s struct {
		MaxBody int64 `json:"max_body"`
	}
	if json.Unmarshal([]byte(run.Settings), &s) == nil && s.MaxBody > 0 {
		return max(s.MaxBody, 5<<20)
	}
	return crawler.DefaultConfig().MaxBody
}

// rescoreSiteFromArchive re-scores one site's completed crawl from the
// archive and returns the pages it re-read. Nothing is stored for the site
// when a page cannot be read back (the error says which).
func rescoreSiteFromArchive(ctx context.Context, store *data.Store, rs *data.RunSink, run data.Run, e *scoring.Engine, council, attempt string, lim archive.Limits) (int, error) {
	if run.Demo {
		return 0, errDemoFiller
	}
	att, err := store.LoadAttempt(ctx, run.ID, council, attempt)
	if err != nil {
		return 0, err
	}
	// Read every body first: a site is re-scored whole or not at all.
	bodies := make([][]byte, len(att.Pages))
	for i, p := range att.Pages {
		if !p.IsHTML {
			continue
		}
		if p.Archive.IsZero() {
			return 0, fmt.Errorf("%w: %s has no record", errNotArchived, p.URL)
		}
		rec, err := archive.ReadRecordUnder(run.ArchiveDir, p.Archive, lim)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", p.URL, err)
		}
		body, ok := crawler.PageBody(rec.Body, p.ContentType, 0)
		if !ok {
			return 0, fmt.Errorf("%s: the archived body is no longer read as HTML", p.URL)
		}
		bodies[i] = body
	}
	report := att.Report
	if !report.NotFoundArchive.IsZero() {
		if rec, err := archive.ReadRecordUnder(run.ArchiveDir, report.NotFoundArchive, lim); err == nil {
			report.NotFoundBody, _ = crawler.PageBody(rec.Body, rec.Header.Get("Content-Type"), crawler.DefaultConfig().MaxNotFoundBody)
		} else {
			return 0, fmt.Errorf("the 404 probe %s: %w", report.NotFoundURL, err)
		}
	}
	// The crawl's own time, not today's: checks judging dates (a statement
	// reviewed within the year) judge them as of the crawl.
	crawled := report.Finished
	sink := newScoringSink(e, rs, []crawler.Site{{Council: council, HomeURL: report.HomeURL}}, func() time.Time { return crawled })
	for i := range att.Pages {
		p := att.Pages[i]
		p.Body = bodies[i]
		if err := sink.Page(ctx, &p); err != nil {
			return i, err
		}
	}
	if len(att.Links) > 0 {
		if err := sink.Links(ctx, att.Links); err != nil {
			return len(att.Pages), err
		}
	}
	// The new attempt must win over the crawl's (the latest finished_at),
	// while keeping its date: one second later.
	report.Finished = report.Finished.Add(time.Second)
	report.Interrupted = false
	return len(att.Pages), sink.SiteDone(ctx, &report)
}
