package demoweb

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Hostile site kinds.
const (
	KindRedirectLoop  = "redirect-loop"     // / -> /a -> /b -> /a ...
	KindRedirectChain = "redirect-chain"    // / -> /r/1 -> /r/2 -> ... forever
	KindHugeBody      = "huge-body"         // 2 GB page, streamed
	KindGzipBomb      = "gzip-bomb"         // 64 MB of spaces gzipped to ~64 KB
	KindSlowDrip      = "slow-drip"         // 1 byte per second
	KindNoAnswer      = "no-answer"         // accepts and never answers
	KindServerError   = "server-error"      // every page is a 500
	KindRobotsDeny    = "robots-disallow"   // robots.txt disallows everything
	KindRobotsHuge    = "robots-huge"       // 10 MB garbage robots.txt
	KindSitemapHuge   = "sitemap-huge"      // sitemap with 1M URLs, streamed
	KindCalendar      = "calendar"          // ?month= links forever
	KindCharset       = "charset"           // Windows-1252 and invalid UTF-8 pages
	KindMetaRefresh   = "meta-refresh-loop" // meta refresh a -> b -> a
	KindBinaryHTML    = "binary-html"       // binary body labelled text/html
	KindRefused       = "refused"           // connection refused
	KindNXDomain      = "nxdomain"          // DNS failure
)

// HostileKinds lists every hostile kind.
func HostileKinds() []string {
	return []string{KindRedirectLoop, KindRedirectChain, KindHugeBody, KindGzipBomb, KindSlowDrip, KindNoAnswer,
		KindServerError, KindRobotsDeny, KindRobotsHuge, KindSitemapHuge, KindCalendar, KindCharset,
		KindMetaRefresh, KindBinaryHTML, KindRefused, KindNXDomain}
}

// HostileHost is the host name of a hostile kind's site.
func HostileHost(kind string) string { return "www.hostile-" + kind + ".gov.uk" }

type hostileSite struct {
	kind, host string
	handler    http.Handler
	close      func()
}

const okPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s</title></head><body><main><h1>%s</h1><p>Ordinary page.</p></main></body></html>`

func newHostile(kind string) (hostileSite, error) {
	h := hostileSite{kind: kind, host: HostileHost(kind)}
	robots := "User-agent: *\nAllow: /\n"
	var pages http.HandlerFunc
	switch kind {
	case KindRefused, KindNXDomain:
		return h, nil // never reached
	case KindRedirectLoop:
		pages = func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/", "/b":
				http.Redirect(w, r, "/a", http.StatusFound)
			default:
				http.Redirect(w, r, "/b", http.StatusFound)
			}
		}
	case KindRedirectChain:
		pages = func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
			http.Redirect(w, r, fmt.Sprintf("/r/%d", n+1), http.StatusFound)
		}
	case KindHugeBody:
		pages = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.FormatInt(2<<30, 10))
			chunk := bytes.Repeat([]byte("<p>lorem ipsum</p>\n"), 3449) // ~64 KB
			var sent int64
			for sent < 2<<30 {
				part := chunk
				if rest := 2<<30 - sent; rest < int64(len(part)) {
					part = part[:rest]
				}
				n, err := w.Write(part)
				sent += int64(n)
				if err != nil {
					return
				}
			}
		}
	case KindGzipBomb:
		var once sync.Once
		var bomb []byte
		pages = func(w http.ResponseWriter, r *http.Request) {
			once.Do(func() { bomb = gzipBomb(64 << 20) })
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(bomb)
		}
	case KindSlowDrip, KindNoAnswer:
		done := make(chan struct{})
		h.close = sync.OnceFunc(func() { close(done) })
		if kind == KindSlowDrip {
			pages = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusOK)
				t := time.NewTicker(time.Second)
				defer t.Stop()
				page := []byte(fmt.Sprintf(okPage, "Slow", "Slow"))
				for i := 0; ; i++ {
					_, _ = w.Write(page[i%len(page) : i%len(page)+1])
					if f, ok := w.(http.Flusher); ok {
						f.Flush()
					}
					select {
					case <-t.C:
					case <-r.Context().Done():
						return
					case <-done:
						return
					}
				}
			}
		} else {
			hang := func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-done:
				}
			}
			h.handler = http.HandlerFunc(hang)
			return h, nil
		}
	case KindServerError:
		robots = ""
		pages = func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		}
	case KindRobotsDeny:
		robots = "User-agent: *\nDisallow: /\n"
	case KindRobotsHuge:
		robots = ""
	case KindSitemapHuge:
		pages = func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/sitemap.xml" {
				writeOK(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/xml")
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+"\n")
			var b bytes.Buffer
			for i := 0; i < 1_000_000; i++ {
				fmt.Fprintf(&b, "<url><loc>http://%s/p/%d</loc></url>\n", r.Host, i)
				if b.Len() > 32<<10 {
					if _, err := w.Write(b.Bytes()); err != nil {
						return
					}
					b.Reset()
				}
			}
			b.WriteString("</urlset>\n")
			_, _ = w.Write(b.Bytes())
		}
	case KindCalendar:
		pages = func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = io.WriteString(w, `<!DOCTYPE html><html><head><title>Events</title></head><body><a href="/events?month=0">Events</a></body></html>`)
				return
			}
			if r.URL.Path != "/events" {
				http.NotFound(w, r)
				return
			}
			m, _ := strconv.Atoi(r.URL.Query().Get("month"))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Events month %d</title></head><body>`+
				`<a href="/events?month=%d">Previous</a> <a href="/events?month=%d">Next</a></body></html>`, m, m-1, m+1)
		}
	case KindCharset:
		pages = func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/":
				w.Header().Set("Content-Type", "text/html; charset=windows-1252")
				// "£5 café – fees" in Windows-1252, plus a link to the invalid page.
				body := []byte("<!DOCTYPE html><html><head><title>Fees</title></head><body><p>Parking \xa35 at the caf\xe9 \x96 fees</p>" +
					"<a href=\"/bad-utf8\">bad</a><a href=\"/no-charset\">none</a></body></html>")
				_, _ = w.Write(body)
			case "/bad-utf8":
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>Bad \xff\xfe bytes</title></head><body><p>Broken \xc3\x28 and \xed\xa0\x80 sequences</p></body></html>"))
			case "/no-charset":
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte("<!DOCTYPE html><html><head><meta charset=\"iso-8859-1\"><title>Latin</title></head><body><p>Na\xefve r\xe9sum\xe9</p></body></html>"))
			default:
				http.NotFound(w, r)
			}
		}
	case KindMetaRefresh:
		pages = func(w http.ResponseWriter, r *http.Request) {
			next := map[string]string{"/": "/loop-a", "/loop-a": "/loop-b", "/loop-b": "/loop-a"}[r.URL.Path]
			if next == "" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0; url=%s"><title>Moving</title></head><body>Moving</body></html>`, next)
		}
	case KindBinaryHTML:
		pages = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			rng := rand.New(rand.NewPCG(1, 2))
			b := make([]byte, 64<<10)
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
			_, _ = w.Write(b)
		}
	default:
		return h, fmt.Errorf("crawltest: unknown hostile kind %q", kind)
	}
	if pages == nil {
		pages = writeOK
	}
	robotsBody := robots
	h.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			switch kind {
			case KindServerError:
				http.NotFound(w, r)
			case KindRobotsHuge:
				w.Header().Set("Content-Type", "text/plain")
				streamGarbage(w, 10<<20)
			default:
				w.Header().Set("Content-Type", "text/plain")
				_, _ = io.WriteString(w, robotsBody)
			}
			return
		}
		pages(w, r)
	})
	return h, nil
}

func writeOK(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, okPage, "Home", "Home")
}

// streamGarbage writes n deterministic pseudo-random bytes (robots-like
// noise: printable text with newlines and binary bytes).
func streamGarbage(w io.Writer, n int) {
	rng := rand.New(rand.NewPCG(7, 9))
	buf := make([]byte, 32<<10)
	for n > 0 {
		for i := range buf {
			switch rng.IntN(10) {
			case 0:
				buf[i] = '\n'
			case 1:
				buf[i] = byte(rng.UintN(256))
			default:
				buf[i] = byte('!' + rng.IntN(94))
			}
		}
		k := min(n, len(buf))
		if _, err := w.Write(buf[:k]); err != nil {
			return
		}
		n -= k
	}
}

// gzipBomb returns a gzip stream that inflates to n spaces: one member of
// 1 MiB repeated (concatenated gzip members are one valid stream), so it is
// cheap to build.
func gzipBomb(n int) []byte {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	_, _ = zw.Write(bytes.Repeat([]byte(" "), 1<<20))
	_ = zw.Close()
	return bytes.Repeat(member.Bytes(), max(n>>20, 1))
}
