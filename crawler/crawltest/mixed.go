package crawltest

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// MixedSite is a site of n pages served over plain HTTP whose pages also
// link to https:// addresses of their own host (the loopback web does not
// speak TLS there, so those fetches get no answer: "server gave HTTP
// response to HTTPS client") and to /drop, whose connection is closed
// before any answer. Each page links to three more, so a site of more
// pages than a crawl's budget has more links than the crawl follows.
// Serve it under a host of Options.Handlers.
func MixedSite(n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/drop" {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
				}
			}
			return
		}
		i := 0
		if r.URL.Path != "/" {
			rest, ok := strings.CutPrefix(r.URL.Path, "/p/")
			var err error
			if i, err = strconv.Atoi(rest); !ok || err != nil || i < 1 || i >= n {
				http.NotFound(w, r)
				return
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "<!DOCTYPE html><html lang=\"en\"><head><title>Page %d</title></head><body><main><h1>Page %d</h1>"+
			"<p>Bins, council tax and parking: page %d of the mixed site.</p><img src=\"/logo.png\"><ul>", i, i, i)
		fmt.Fprintf(&b, "<li><a href=\"https://%s/s/%d\">Secure page %d</a></li>", r.Host, i, i)
		for j := 3*i + 1; j <= 3*i+3 && j < n; j++ {
			fmt.Fprintf(&b, "<li><a href=\"/p/%d\">Page %d</a></li>", j, j)
		}
		b.WriteString("<li><a href=\"/drop\">Dropped</a></li></ul></main></body></html>")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, b.String())
	})
}
