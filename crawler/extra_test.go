package crawler_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
)

func htmlHandler(pages map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(body, "%PDF") {
			w.Header().Set("Content-Type", "application/pdf")
		} else if r.URL.Path == "/robots.txt" {
			w.Header().Set("Content-Type", "text/plain")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		_, _ = fmt.Fprint(w, body)
	}
}

func TestHTTPSAndTLSErrors(t *testing.T) {
	site := htmlHandler(map[string]string{
		"/":           `<html><body><a href="/about">About</a></body></html>`,
		"/about":      `<html><body>About</body></html>`,
		"/robots.txt": "User-agent: *\nAllow: /\n",
	})
	tlsSrv := httptest.NewTLSServer(site)
	defer tlsSrv.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://example.com"+r.URL.RequestURI(), http.StatusMovedPermanently)
	}))
	defer plain.Close()
	resolve := map[string]string{
		"example.com:443": tlsSrv.Listener.Addr().String(),
		"example.com:80":  plain.Listener.Addr().String(),
	}
	cfg := crawler.DefaultConfig()
	cfg.Delay, cfg.Timeout, cfg.Resolve = 0, 5*time.Second, resolve
	sites := []crawler.Site{{Council: "S", HomeURL: "https://example.com/"}, {Council: "P", HomeURL: "http://example.com/"}}

	// Untrusted certificate: tls class.
	sink, _ := run(t, cfg, sites)
	if r := sink.reports["S"]; r.HomeErrorClass != crawler.ErrTLS || r.RobotsErrorClass != crawler.ErrTLS {
		t.Errorf("untrusted cert: home %q robots %q", r.HomeErrorClass, r.RobotsErrorClass)
	}

	cfg.TLSClientConfig = &tls.Config{RootCAs: tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	sink, _ = run(t, cfg, sites)
	for _, c := range []string{"S", "P"} {
		r := sink.reports[c]
		if r.HomeStatus != 200 || !r.HTTPS || !r.HTTPRedirectsToHTTPS || r.FinalHomeURL != "https://example.com/" {
			t.Errorf("%s: status %d https %v redirects %v final %q class %q", c, r.HomeStatus, r.HTTPS, r.HTTPRedirectsToHTTPS, r.FinalHomeURL, r.HomeErrorClass)
		}
		if r.PagesFetched != 2 {
			t.Errorf("%s: %d pages", c, r.PagesFetched)
		}
	}
	if p := sink.pagesOf("P"); len(p) == 0 || len(p[0].RedirectChain) != 1 || p[0].RedirectChain[0] != "http://example.com/" {
		t.Errorf("redirect chain of http home: %+v", p)
	}
}

func TestRobotsRulesCrawlDelayAndNonHTML(t *testing.T) {
	var pdfBodyRequests atomic.Int64
	w, err := crawltest.NewWeb(crawltest.Options{Handlers: map[string]http.Handler{
		"www.rules.gov.uk": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/robots.txt":
				fmt.Fprint(w, "User-agent: *\nDisallow: /private\nCrawl-delay: 2\n\nUser-agent: councildash\nDisallow: /nocd\nCrawl-delay: 3\n")
			case "/":
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, `<html><body><a href="/private/x">p</a><a href="/nocd/y">n</a><a href="/download">d</a>`+
					`<a href="http://news.rules.gov.uk/item">news</a><a href="/ok">ok</a></body></html>`)
			case "/ok", "/private/x":
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, `<html><body>ok</body></html>`)
			case "/download":
				pdfBodyRequests.Add(1)
				w.Header().Set("Content-Type", "application/pdf")
				w.Header().Set("Content-Length", "10000000")
				_, _ = w.Write(make([]byte, 10000000))
			default:
				http.NotFound(w, r)
			}
		}),
		"news.rules.gov.uk": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><body>news</body></html>`)
		}),
		"www.robots5xx.gov.uk": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, "<html>home</html>")
		}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cfg := testConfig(w)
	cfg.MaxCrawlDelay = time.Millisecond // keep the test fast; the report keeps the real value
	sites := []crawler.Site{{Council: "R", HomeURL: "http://www.rules.gov.uk/"}, {Council: "F", HomeURL: "http://www.robots5xx.gov.uk/"}}
	for _, sub := range []bool{false, true} {
		cfg.AllowSubdomains = sub
		sink, _ := run(t, cfg, sites)
		r := sink.reports["R"]
		if r.CrawlDelay != 3*time.Second {
			t.Errorf("crawl delay %v, want the councildash group's 3s", r.CrawlDelay)
		}
		got := map[string]crawler.Page{}
		for _, p := range sink.pagesOf("R") {
			got[p.URL] = p
		}
		if _, ok := got["http://www.rules.gov.uk/nocd/y"]; ok || r.PagesDisallowed != 1 {
			t.Errorf("robots group for councildash ignored: disallowed %d", r.PagesDisallowed)
		}
		if _, ok := got["http://www.rules.gov.uk/private/x"]; !ok {
			t.Error("the * group must not apply when a councildash group exists")
		}
		d := got["http://www.rules.gov.uk/download"]
		if d.IsHTML || d.Status != 200 || d.ContentType != "application/pdf" || d.Bytes > 1<<20 || d.Body != nil {
			t.Errorf("non-HTML page: %+v", d)
		}
		_, news := got["http://news.rules.gov.uk/item"]
		if news != sub {
			t.Errorf("AllowSubdomains=%v but subdomain page fetched=%v", sub, news)
		}
		if f := sink.reports["F"]; !f.RobotsDisallowAll || f.RobotsStatus != 503 || f.HomeErrorClass != crawler.ErrRobotsDisallowed {
			t.Errorf("robots 5xx must disallow all (RFC 9309): %+v", f)
		}
	}
}

type failingSink struct {
	*recSink
	fails atomic.Int64
}

func (f *failingSink) Page(ctx context.Context, p *crawler.Page) error {
	_ = f.recSink.Page(ctx, p)
	f.fails.Add(1)
	return errors.New("disk full")
}

func TestSinkErrorsCountedAndCrawlContinues(t *testing.T) {
	w, err := crawltest.NewWeb(crawltest.Options{Sites: 2, PagesPerSite: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	sink := &failingSink{recSink: newRecSink()}
	c, err := crawler.New(testConfig(w), sink)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Run(context.Background(), w.Sites)
	if err != nil {
		t.Fatal(err)
	}
	if st.SinkErrors != sink.fails.Load() || st.SinkErrors < 20 || st.SitesDone != 2 {
		t.Errorf("sink errors %d (fails %d), sites done %d", st.SinkErrors, sink.fails.Load(), st.SitesDone)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := crawler.New(crawler.DefaultConfig(), nil); !errors.Is(err, crawler.ErrConfig) {
		t.Errorf("nil sink: %v", err)
	}
	for _, mut := range []func(*crawler.Config){
		func(c *crawler.Config) { c.Parallel = 0 },
		func(c *crawler.Config) { c.MaxPages = 0 },
		func(c *crawler.Config) { c.Timeout = 0 },
		func(c *crawler.Config) { c.MaxBody = 0 },
		func(c *crawler.Config) { c.Delay = -1 },
	} {
		cfg := crawler.DefaultConfig()
		mut(&cfg)
		if _, err := crawler.New(cfg, newRecSink()); !errors.Is(err, crawler.ErrConfig) {
			t.Errorf("bad config accepted: %v", err)
		}
	}
}
