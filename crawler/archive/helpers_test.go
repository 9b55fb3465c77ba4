package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sitePage is one page of the loopback test web.
type sitePage struct {
	path, contentType string
	status            int
	body              []byte
	gzip              bool // send Content-Encoding: gzip when asked for
	chunked           bool // no Content-Length: chunked transfer encoding
}

// testPages is a small web: HTML, a big chunked page, a gzipped page, a
// 404, robots.txt and some binary.
func testPages() []sitePage {
	big := bytes.Repeat([]byte("<p>Council tax bands and how to pay. </p>\n"), 8000) // ~340 KB
	bin := make([]byte, 70000)
	for i := range bin {
		bin[i] = byte(i * 7 % 251)
	}
	return []sitePage{
		{path: "/", contentType: "text/html; charset=utf-8", status: 200, body: []byte(`<!doctype html><html><head><title>Example Council</title></head><body><h1>Welcome</h1><a href="/bins">Bins</a> <a href="/council-tax">Council tax</a></body></html>`)},
		{path: "/bins", contentType: "text/html; charset=utf-8", status: 200, body: []byte(`<html><body><h1>Bin collections</h1><p>Check your bin day.</p></body></html>`), gzip: true},
		{path: "/council-tax", contentType: "text/html; charset=utf-8", status: 200, body: big, chunked: true},
		{path: "/robots.txt", contentType: "text/plain", status: 200, body: []byte("User-agent: *\nDisallow: /private\n")},
		{path: "/missing", contentType: "text/html", status: 404, body: []byte("<h1>Page not found</h1>")},
		{path: "/logo.bin", contentType: "application/octet-stream", status: 200, body: bin},
		{path: "/empty", contentType: "text/html", status: 204},
	}
}

func newTestSite(t testing.TB, pages []sitePage) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for _, p := range pages {
		mux.HandleFunc(p.path, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != p.path {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", p.contentType)
			body := p.body
			if p.gzip && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				_, _ = zw.Write(body)
				_ = zw.Close()
				body = b.Bytes()
				w.Header().Set("Content-Encoding", "gzip")
			}
			if !p.chunked && p.status != http.StatusNoContent {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			}
			w.WriteHeader(p.status)
			if p.chunked {
				for len(body) > 0 {
					n := min(len(body), 4096)
					_, _ = w.Write(body[:n])
					w.(http.Flusher).Flush()
					body = body[n:]
				}
				return
			}
			_, _ = w.Write(body)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// fetched is what the test crawl saw of one URL.
type fetched struct {
	url       string
	status    int
	body      []byte // as received (still gzip-encoded when the server encoded it)
	decoded   []byte // content-decoded
	asDecoded bool   // recorded with Fetch.Decoded
	loc       Location
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// crawlSite fetches every page like a crawler would (Accept-Encoding gzip,
// transport decompression off so the body is as received) and records each
// fetch. decodeFirst records the decoded body instead (Fetch.Decoded).
func crawlSite(t testing.TB, rec Recorder, srv *httptest.Server, pages []sitePage, decodeFirst bool) []fetched {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)
	var out []fetched
	for _, p := range pages {
		req, err := http.NewRequest(http.MethodGet, srv.URL+p.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", "councildash/test (+https://github.com/councildash/councildash)")
		req.Header.Set("Accept-Encoding", "gzip")
		started := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		decoded := body
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if decoded, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		f := Fetch{Request: req, RemoteIP: srv.Listener.Addr().String(), Date: started,
			Proto: resp.Proto, StatusCode: resp.StatusCode, Header: resp.Header, Body: bytes.NewReader(body)}
		if decodeFirst {
			f.Body, f.Decoded = bytes.NewReader(decoded), true
		}
		loc, err := rec.RecordFetch(context.Background(), f)
		if err != nil {
			t.Fatalf("RecordFetch %s: %v", p.path, err)
		}
		out = append(out, fetched{url: req.URL.String(), status: resp.StatusCode, body: body, decoded: decoded, asDecoded: decodeFirst, loc: loc})
	}
	return out
}

// scanAll reads every response of the files in dir.
func scanAll(t testing.TB, dir string, files []string) ([]*Record, []error, ScanStats) {
	t.Helper()
	var recs []*Record
	var bad []error
	var total ScanStats
	for _, name := range files {
		sc, err := OpenScanner(filepath.Join(dir, name), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for rec, err := range sc.Records() {
			if err != nil {
				bad = append(bad, err)
				continue
			}
			recs = append(recs, rec)
		}
		st := sc.Stats()
		total.Records += st.Records
		total.Responses += st.Responses
		total.Skipped += st.Skipped
		total.Bad += st.Bad
		_ = sc.Close()
	}
	return recs, bad, total
}

func loopbackIP(srv *httptest.Server) string {
	host, _, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return host
}
