package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/councildash/councildash/crawler/archive"
)

// ErrRunning is returned when Run is called while another Run is active.
var ErrRunning = errors.New("crawler: already running")

// Crawler crawls many council sites concurrently. Create with New.
type Crawler struct {
	cfg   Config
	sink  Sink
	base  *http.Transport
	gates *hostGates
	// extLinks remembers external link checks for the run: councils link
	// to the same outside pages (GOV.UK, social media), checked once.
	extLinks *linkCache
	// stop ends the current run early, with a cause (the archive failed).
	stop context.CancelCauseFunc
	// spools are buffers for bodies on their way to the Recorder.
	spools sync.Pool

	running          atomic.Bool
	started          atomic.Int64 // unix nanos
	sitesTotal       atomic.Int64
	sitesSkipped     atomic.Int64
	sitesDone        atomic.Int64
	sitesInterrupted atomic.Int64
	pages            atomic.Int64
	pageErrors       atomic.Int64
	bytes            atomic.Int64
	linksChecked     atomic.Int64
	linksBroken      atomic.Int64
	sinkErrors       atomic.Int64
	finished         atomic.Int64 // unix nanos, 0 while running
}

// New validates cfg and returns a Crawler that delivers to sink.
func New(cfg Config, sink Sink) (*Crawler, error) {
	if sink == nil {
		return nil, fmt.Errorf("%w: nil sink", ErrConfig)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.Resolve = maps.Clone(cfg.Resolve)
	cfg.Skip = maps.Clone(cfg.Skip)
	cfg.SearchQueries = append([]string(nil), cfg.SearchQueries...)
	if _, nop := cfg.Recorder.(archive.Nop); nop {
		cfg.Recorder = nil
	}
	if cfg.Source != nil && cfg.Recorder != nil {
		return nil, fmt.Errorf("%w: a crawl of an archive (Source) is not archived again (Recorder)", ErrConfig)
	}
	d := &dialer{d: net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}, resolve: cfg.Resolve}
	base := &http.Transport{
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           cfg.Parallel * 2,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		ExpectContinueTimeout:  time.Second,
		DisableCompression:     true, // siteTransport decompresses with caps
		MaxResponseHeaderBytes: 256 << 10,
	}
	if cfg.TLSClientConfig != nil {
		base.TLSClientConfig = cfg.TLSClientConfig.Clone()
	}
	return &Crawler{cfg: cfg, sink: sink, base: base, gates: newHostGates(), extLinks: newLinkCache(50000)}, nil
}

// Progress returns the live counters; safe for concurrent use.
func (c *Crawler) Progress() Stats {
	s := Stats{
		SitesTotal:       int(c.sitesTotal.Load()),
		SitesSkipped:     int(c.sitesSkipped.Load()),
		SitesDone:        int(c.sitesDone.Load()),
		SitesInterrupted: int(c.sitesInterrupted.Load()),
		Pages:            c.pages.Load(),
		PageErrors:       c.pageErrors.Load(),
		Bytes:            c.bytes.Load(),
		LinksChecked:     c.linksChecked.Load(),
		LinksBroken:      c.linksBroken.Load(),
		SinkErrors:       c.sinkErrors.Load(),
	}
	if st := c.started.Load(); st != 0 {
		s.Started = time.Unix(0, st)
		end := time.Now()
		if f := c.finished.Load(); f != 0 {
			end = time.Unix(0, f)
		}
		s.Elapsed = end.Sub(s.Started)
	}
	return s
}

// Run crawls sites (minus Config.Skip) and returns when all are done or ctx
// is cancelled. Everything fetched has been delivered to the Sink when Run
// returns. The error is ctx.Err() when cancelled, and the Recorder's error
// (wrapping archive.ErrWrite) when the archive could not be written: the run
// then stops as if cancelled, and the sites not finished are reported
// Interrupted.
func (c *Crawler) Run(parent context.Context, sites []Site) (Stats, error) {
	if !c.running.CompareAndSwap(false, true) {
		return c.Progress(), ErrRunning
	}
	defer c.running.Store(false)
	ctx, stop := context.WithCancelCause(parent)
	defer stop(nil)
	c.stop = stop
	for _, a := range []*atomic.Int64{&c.sitesTotal, &c.sitesSkipped, &c.sitesDone, &c.sitesInterrupted, &c.pages, &c.pageErrors,
		&c.bytes, &c.linksChecked, &c.linksBroken, &c.sinkErrors, &c.finished} {
		a.Store(0)
	}
	c.started.Store(time.Now().UnixNano())
	c.extLinks.reset()

	todo := make([]Site, 0, len(sites))
	for _, s := range sites {
		if c.cfg.Skip[s.Council] {
			c.sitesSkipped.Add(1)
			continue
		}
		todo = append(todo, s)
	}
	c.sitesTotal.Store(int64(len(todo)))
	log := c.cfg.Logger
	log.Info("crawl started", "sites", len(todo), "skipped", c.sitesSkipped.Load(), "parallel", c.cfg.Parallel)

	stopProgress := c.startProgress()
	jobs := make(chan Site)
	var wg sync.WaitGroup
	for range min(c.cfg.Parallel, len(todo)) {
		wg.Go(func() {
			for s := range jobs {
				c.crawlSite(ctx, s)
			}
		})
	}
feed:
	for _, s := range todo {
		select {
		case jobs <- s:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	c.base.CloseIdleConnections()
	c.finished.Store(time.Now().UnixNano())
	stopProgress()
	st := c.Progress()
	log.Info("crawl finished", "sites_done", st.SitesDone, "pages", st.Pages, "errors", st.PageErrors,
		"bytes", st.Bytes, "links_checked", st.LinksChecked, "elapsed", st.Elapsed.Round(time.Millisecond))
	if cause := context.Cause(ctx); parent.Err() == nil && errors.Is(cause, archive.ErrWrite) {
		return st, cause
	}
	return st, parent.Err()
}

// archiveFailed is told when the Recorder fails. A write failure (disk
// full, folder gone) is final: the run stops, so that no page is stored
// that points at a record that was not written. Other failures (input the
// archive refuses) lose that one record.
func (c *Crawler) archiveFailed(log *slog.Logger, err error) {
	if errors.Is(err, archive.ErrWrite) {
		if c.stop != nil {
			c.stop(err)
		}
		return
	}
	log.Warn("not archived", "err", err)
}

// startProgress renders a live bar on a terminal, or plain periodic log
// lines on any other writer. The returned func stops it.
func (c *Crawler) startProgress() func() {
	w := c.cfg.Progress
	if w == nil {
		return func() {}
	}
	f, ok := w.(*os.File)
	return c.progressTo(w, ok && term.IsTerminal(int(f.Fd())), c.cfg.ProgressEvery)
}

// progressTo renders progress on w: a live bar when tty, else a plain line
// every period. The returned func stops it after a final update.
func (c *Crawler) progressTo(w io.Writer, tty bool, every time.Duration) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	if tty {
		bar := progressbar.NewOptions64(max(c.sitesTotal.Load(), 1),
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("sites"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetWidth(30),
		)
		update := func() {
			s := c.Progress()
			bar.Describe(fmt.Sprintf("sites: pages %d, errors %d, %.1f pages/s", s.Pages, s.PageErrors, s.PagesPerSecond()))
			_ = bar.Set64(int64(s.SitesDone))
		}
		wg.Go(func() {
			t := time.NewTicker(250 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					update()
				case <-done:
					// The bar throttles renders: end with a summary line
					// that always shows the final counts.
					update()
					s := c.Progress()
					if int64(s.SitesDone) >= c.sitesTotal.Load() {
						_ = bar.Finish()
					} else {
						_ = bar.Exit()
					}
					_, _ = fmt.Fprintf(w, "\ncrawl: sites %d/%d (%d interrupted), pages %d, errors %d, %.1f pages/s, %s\n",
						s.SitesDone, s.SitesTotal, s.SitesInterrupted, s.Pages, s.PageErrors, s.PagesPerSecond(), s.Elapsed.Round(time.Second))
					return
				}
			}
		})
	} else {
		log := slog.New(slog.NewTextHandler(w, nil))
		line := func(msg string) {
			s := c.Progress()
			eta := time.Duration(0)
			if s.SitesDone > 0 && s.SitesTotal > s.SitesDone {
				eta = time.Duration(float64(s.Elapsed) / float64(s.SitesDone) * float64(s.SitesTotal-s.SitesDone))
			}
			log.Info(msg, "sites_done", s.SitesDone, "sites_total", s.SitesTotal, "sites_interrupted", s.SitesInterrupted, "pages", s.Pages,
				"errors", s.PageErrors, "pages_per_s", fmt.Sprintf("%.1f", s.PagesPerSecond()),
				"eta", eta.Round(time.Second))
		}
		wg.Go(func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					line("crawl progress")
				case <-done:
					line("crawl progress final")
					return
				}
			}
		})
	}
	return func() {
		close(done)
		wg.Wait()
	}
}
