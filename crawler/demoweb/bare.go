package demoweb

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/councildash/councildash/crawler"
)

// BareCollyCrawl fetches the sites with one bare async colly collector (no
// robots, no politeness, no caps, no link checks): a baseline for the
// crawler's throughput. It follows a[href] links within each site's host up
// to depth 4 and returns pages fetched and body bytes received.
func BareCollyCrawl(ctx context.Context, sites []crawler.Site, resolve map[string]string, parallel int) (pages int, bytes int64, err error) {
	if parallel < 1 {
		parallel = 1
	}
	var hosts []string
	var homes []string
	for _, s := range sites {
		u, perr := url.Parse(s.HomeURL)
		if perr != nil || u.Host == "" {
			continue
		}
		hosts = append(hosts, u.Hostname())
		homes = append(homes, u.String())
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			if to, ok := resolve[strings.ToLower(host)]; ok {
				addr = to
			} else if to, ok := resolve["*"]; ok {
				addr = to
			}
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 2,
		MaxIdleConns:        parallel * 2,
	}
	defer tr.CloseIdleConnections()
	c := colly.NewCollector(
		colly.Async(true),
		colly.AllowedDomains(hosts...),
		colly.MaxDepth(4),
		colly.IgnoreRobotsTxt(),
		colly.StdlibContext(ctx),
		colly.UserAgent(crawler.DefaultUserAgent),
	)
	c.WithTransport(tr)
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: parallel}); err != nil {
		return 0, 0, err
	}
	var n, b atomic.Int64
	var mu sync.Mutex
	var firstErr error
	c.OnResponse(func(r *colly.Response) {
		n.Add(1)
		b.Add(int64(len(r.Body)))
	})
	c.OnError(func(r *colly.Response, e error) {
		if ctx.Err() != nil {
			mu.Lock()
			if firstErr == nil {
				firstErr = ctx.Err()
			}
			mu.Unlock()
		}
	})
	c.OnHTML("a[href]", func(e *colly.HTMLElement) {
		_ = e.Request.Visit(e.Attr("href"))
	})
	for _, h := range homes {
		_ = c.Visit(h)
	}
	c.Wait()
	return int(n.Load()), b.Load(), firstErr
}
