// Package demoweb is a loopback web of council sites: one listener serving
// many virtual council sites by Host header (generated on the fly from
// templates, home pages taken from the real shared pages when present), plus
// hostile sites that misbehave in the ways real servers do. The offline demo
// and the benchmarks crawl it; the crawler's tests use it through
// crawler/crawltest. It is product code: it uses no test packages.
package demoweb

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/councildash/councildash/crawler"
)

// Options shape a test web.
type Options struct {
	Sites        int   // number of generated council sites
	PagesPerSite int   // distinct HTML pages per site (home and fixed pages included); min 8
	Seed         int64 // makes content deterministic
	// SharedDir holds real council pages used as home pages; "" means
	// synthetic home pages only. Use SharedPagesDir() to find them.
	SharedDir string
	// Hostile lists hostile site kinds to add (see HostileKinds).
	Hostile []string
	// Listen is the address to listen on (e.g. "127.0.0.1:8081" for a demo);
	// "" picks a free loopback port.
	Listen string
	// Handlers adds extra virtual hosts (host -> handler), e.g. for one-off
	// test sites; they are reachable through Resolve["*"].
	Handlers map[string]http.Handler
	// Latency delays every answer (simulated network and server time).
	Latency time.Duration
	// Real, with SharedDir, rebuilds these councils' sites from their saved
	// pages (see realsite.go) instead of generating Sites sites: each
	// council with saved pages, at its register address.
	Real []RealCouncil
	// Tasks are the top tasks a real site's generated pages cover, so the
	// site-level findability checks find them (the demo passes the
	// scoring catalogue's); Vary makes some sites differ from run to run
	// (a simulated trend).
	Tasks []TaskPage
	Vary  bool
}

// Web is a running loopback web. Close it when done.
type Web struct {
	// Addr is the listener's address (host:port); Resolve["*"] is Addr.
	Addr    string
	Sites   []crawler.Site // generated sites, then hostile ones
	Resolve map[string]string
	// HostileSites maps a hostile kind to its site.
	HostileSites map[string]crawler.Site

	hosts     map[string]http.Handler
	realSites map[string]*genSite // real sites by home host (realsite.go)
	requests  sync.Map            // host -> *atomic.Int64 (requests other than robots.txt)
	all       sync.Map            // host -> *atomic.Int64 (every request)
	latency   time.Duration
	closers   []func()

	handler  http.Handler   // route, counting handlers in flight
	inflight sync.WaitGroup // handlers running
	mu       sync.Mutex     // guards servers and closed, and orders inflight.Add before Close's Wait
	servers  []*http.Server // the plain listener and any TLS ones
	closed   bool           // Close has begun: no handler starts any more
}

// NewWeb starts a web with the given options.
func NewWeb(opts Options) (*Web, error) {
	if opts.PagesPerSite < minPages {
		opts.PagesPerSite = minPages
	}
	w := &Web{hosts: map[string]http.Handler{}, HostileSites: map[string]crawler.Site{}, latency: opts.Latency}
	var shared []SharedPage
	if opts.SharedDir != "" {
		var err error
		if shared, err = LoadSharedPages(opts.SharedDir); err != nil {
			return nil, fmt.Errorf("demoweb: loading shared pages: %w", err)
		}
	}
	gz := newGzipPool()
	if len(opts.Real) > 0 && opts.SharedDir != "" {
		if err := w.addRealSites(opts, gz); err != nil {
			return nil, err
		}
		opts.Sites = 0
	}
	for i := 0; i < opts.Sites; i++ {
		gs := &genSite{idx: i, pages: opts.PagesPerSite, seed: opts.Seed, gz: gz}
		if len(shared) > 0 {
			sp := shared[i%len(shared)]
			gs.slug, gs.council, gs.name, gs.homeFile = sp.Slug, sp.Council, sp.Name, sp.File
			if i >= len(shared) {
				gs.slug = fmt.Sprintf("%s-%d", sp.Slug, i/len(shared))
				gs.council = fmt.Sprintf("%s-%d", sp.Council, i/len(shared))
			}
		} else {
			gs.slug = fmt.Sprintf("council-%03d", i)
			gs.council = fmt.Sprintf("T%08d", i)
			gs.name = fmt.Sprintf("Testshire %03d Council", i)
		}
		gs.host = "www." + gs.slug + ".gov.uk"
		w.hosts[gs.host] = gs
		w.hosts[gs.slug+".gov.uk"] = http.RedirectHandler("http://"+gs.host+"/", http.StatusMovedPermanently)
		w.Sites = append(w.Sites, crawler.Site{Council: gs.council, Name: gs.name, HomeURL: "http://" + gs.host + "/"})
	}
	for host, h := range opts.Handlers {
		w.hosts[strings.ToLower(host)] = h
	}
	w.Resolve = map[string]string{}
	var hostile []hostileSite
	for _, kind := range opts.Hostile {
		h, err := newHostile(kind)
		if err != nil {
			return nil, err
		}
		hostile = append(hostile, h)
	}
	w.handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		// A handler is counted only while the web is open, under the lock
		// Close takes before it waits: an Add racing Close's Wait (a
		// request arriving as the web closes) would be a WaitGroup misuse.
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			http.Error(rw, "the web is closing", http.StatusServiceUnavailable)
			return
		}
		w.inflight.Add(1)
		w.mu.Unlock()
		defer w.inflight.Done()
		w.route(rw, r)
	})
	listen := opts.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("demoweb: listen: %w", err)
	}
	w.serve(ln)
	w.Addr = ln.Addr().String()
	w.Resolve["*"] = w.Addr
	for _, h := range hostile {
		site := crawler.Site{Council: "H-" + h.kind, Name: "Hostile " + h.kind, HomeURL: "http://" + h.host + "/"}
		switch h.kind {
		case KindRefused:
			addr, err := closedPort()
			if err != nil {
				w.Close()
				return nil, err
			}
			w.Resolve[h.host] = addr
		case KindNXDomain:
			w.Resolve[h.host] = "nxdomain"
		}
		if h.handler != nil {
			w.hosts[h.host] = h.handler
		}
		if h.close != nil {
			w.closers = append(w.closers, h.close)
		}
		w.Sites = append(w.Sites, site)
		w.HostileSites[h.kind] = site
	}
	return w, nil
}

// serve serves the web on ln until Close.
func (w *Web) serve(ln net.Listener) *http.Server {
	srv := &http.Server{Handler: w.handler, ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)} // hostile sites and TLS probes make noise, not news
	w.mu.Lock()
	w.servers = append(w.servers, srv)
	w.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
	return srv
}

// ServeTLS serves the same web over TLS with cert on another loopback
// listener and returns its address (the demo maps the sites' https://
// hosts to it). Close stops it with the rest.
func (w *Web) ServeTLS(cert tls.Certificate) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("demoweb: listen: %w", err)
	}
	tln := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	w.serve(tln)
	return ln.Addr().String(), nil
}

// Handler is the web's handler: every virtual host by its Host header.
func (w *Web) Handler() http.Handler { return w.handler }

// Close stops the servers (hanging handlers are released first) and waits
// for the handlers still running to return.
func (w *Web) Close() {
	for _, c := range w.closers {
		c()
	}
	w.closers = nil
	w.mu.Lock()
	w.closed = true
	servers := w.servers
	w.servers = nil
	w.mu.Unlock()
	for _, srv := range servers {
		_ = srv.Close() // closes listeners and connections: requests' contexts end
	}
	w.inflight.Wait()
}

// Requests counts every request to host (robots.txt included).
func (w *Web) Requests(host string) int64 {
	if v, ok := w.all.Load(strings.ToLower(host)); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

// SiteRequests sums Requests over the hosts of w.Sites.
func (w *Web) SiteRequests() int64 {
	var n int64
	for _, s := range w.Sites {
		if u, err := url.Parse(s.HomeURL); err == nil {
			n += w.Requests(u.Hostname())
		}
	}
	return n
}

// NopSink is a crawler.Sink that discards everything (benchmarks).
type NopSink struct{}

func (NopSink) Page(context.Context, *crawler.Page) error           { return nil }
func (NopSink) Links(context.Context, []crawler.LinkCheck) error    { return nil }
func (NopSink) SiteDone(context.Context, *crawler.SiteReport) error { return nil }

// PageRequests counts requests to host other than /robots.txt.
func (w *Web) PageRequests(host string) int64 {
	if v, ok := w.requests.Load(strings.ToLower(host)); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

func (w *Web) route(rw http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if r.URL.Path != "/robots.txt" {
		v, _ := w.requests.LoadOrStore(host, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	v, _ := w.all.LoadOrStore(host, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
	if w.latency > 0 {
		t := time.NewTimer(w.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	h, ok := w.hosts[host]
	if !ok {
		// Any other host stands in for the wider web (external links).
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(rw, "<!doctype html><title>External site</title><p>External placeholder.</p>")
		return
	}
	h.ServeHTTP(rw, r)
}

// closedPort returns a loopback address nothing listens on.
func closedPort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}
