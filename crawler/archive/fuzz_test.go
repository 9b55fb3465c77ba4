package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
	"golang.org/x/net/html"
)

// fuzzLimits are small, so that the fuzzer reaches every limit.
var fuzzLimits = Limits{MaxHeaderBytes: 2048, MaxRecordBytes: 256 << 10, MaxBodyBytes: 64 << 10, MaxMemBytes: 256 << 10}

// seedWARC writes a small crawl with our Writer and returns the file's
// bytes (gzip per record).
func seedWARC(t testing.TB) []byte {
	t.Helper()
	pages := testPages()
	pages[2].body = pages[2].body[:6000] // keep seeds small
	pages[5].body = pages[5].body[:3000]
	srv := newTestSite(t, pages)
	dir := t.TempDir()
	w, err := NewWriter(Options{Dir: dir, RunID: "seed"})
	if err != nil {
		t.Fatal(err)
	}
	crawlSite(t, w, srv, pages, false)
	if _, err := w.RecordMetadata(context.Background(), LinkCheckMetadata(srv.URL+"/x", srv.URL+"/", "HEAD", 404, "http-4xx", time.Time{})); err != nil {
		t.Fatal(err)
	}
	fail := Failure{Method: "GET", ErrorClass: "refused", Error: "connection refused"}
	if _, err := w.RecordMetadata(context.Background(), FailureMetadata(srv.URL+"/down", PurposePage, fail, time.Time{})); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, w.Files()[0]))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gunzipAll returns the concatenated records of a gzip-per-record file.
func gunzipAll(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// scanSeeds are real files and the damage the issue names: truncated gzip
// members, lying Content-Length, huge headers, random bytes.
func scanSeeds(t testing.TB) [][]byte {
	ours := seedWARC(t)
	plain := gunzipAll(t, ours)
	seeds := [][]byte{ours, plain, gzipBytes(plain)}
	seeds = append(seeds, ours[:len(ours)/2], ours[:len(ours)-7], plain[:len(plain)/3])
	lying := bytes.Replace(plain, []byte("Content-Length: 2"), []byte("Content-Length: 9"), 2)
	seeds = append(seeds, lying, bytes.Replace(plain, []byte("Content-Length: "), []byte("Content-Length: -"), 1))
	huge := append([]byte("WARC/1.1\r\nWARC-Type: response\r\nX-Big: "), bytes.Repeat([]byte("a"), 5000)...)
	seeds = append(seeds, append(huge, "\r\n\r\n"...), []byte("GIF89a not a warc at all"), []byte{0x1f, 0x8b, 0x08, 0, 0, 0})
	corrupt := bytes.Clone(ours)
	corrupt[len(corrupt)/2] ^= 0x55
	seeds = append(seeds, corrupt)
	if p, err := exec.LookPath("wget"); err == nil && p != "" {
		srv := newTestSite(t, testPages()[:2])
		if b, err := os.ReadFile(wgetWARC(t, srv.URL, testPages()[:2], false)); err == nil {
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// FuzzScan: whatever the bytes, the scanner ends, never panics (a panic in
// gowarc would show as a "parser panic" record error, which fails here),
// returns only records within the limits and *RecordErrors, and allocates
// a bounded amount.
func FuzzScan(f *testing.F) {
	for _, s := range scanSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang is a failure too (the fuzzer would wait for ever).
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				panic(fmt.Sprintf("scan of %d bytes did not end in 20s: %q", len(data), data))
			}
		}()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sc := NewScanner(bytes.NewReader(data), "fuzz", fuzzLimits)
		sc.IncludeFailures()
		calls, good, bad := 0, 0, 0
		for {
			calls++
			if calls > 2*len(data)+10 {
				t.Fatalf("no progress after %d calls on %d bytes", calls, len(data))
			}
			rec, err := sc.Next()
			if err == io.EOF {
				break
			}
			var re *RecordError
			if err != nil {
				if !errors.As(err, &re) {
					t.Fatalf("fatal error from a bytes.Reader: %v", err)
				}
				if strings.Contains(re.Detail, "panic") {
					t.Fatalf("parser panicked: %v", err)
				}
				bad++
				continue
			}
			good++
			if int64(len(rec.Body)) > fuzzLimits.MaxBodyBytes || len(rec.Header) > fuzzLimits.MaxHeaderBytes {
				t.Fatalf("record over the limits: body %d, %d headers", len(rec.Body), len(rec.Header))
			}
			if !rec.Location.IsZero() && (rec.Offset < 0 || rec.Offset+rec.Length > int64(len(data))) {
				t.Fatalf("location %+v outside %d bytes", rec.Location, len(data))
			}
		}
		st := sc.Stats()
		if st.Responses+st.Failures != good || st.Bad != bad {
			t.Fatalf("stats %+v, saw %d good and %d bad", st, good, bad)
		}
		runtime.ReadMemStats(&after)
		// Bounded: a few buffers of the limits, plus what the input's size
		// explains; never the size of what a gzip member inflates to.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48<<20+64*uint64(len(data)) {
			t.Fatalf("allocated %d bytes for %d bytes of input", alloc, len(data))
		}
	})
}

// TestScanSeeds runs the fuzz seeds as a plain test (so `go test` covers
// them) and checks that the damaged ones are reported with the right
// reasons.
func TestScanSeeds(t *testing.T) {
	ours := seedWARC(t)
	plain := gunzipAll(t, ours)
	count := func(b []byte) (good int, reasons []error) {
		sc := NewScanner(bytes.NewReader(b), "seed", fuzzLimits)
		for rec, err := range sc.Records() {
			if err != nil {
				var re *RecordError
				if !errors.As(err, &re) {
					t.Fatalf("fatal: %v", err)
				}
				reasons = append(reasons, re.Kind)
				continue
			}
			_ = rec
			good++
		}
		return good, reasons
	}
	n, r := count(ours)
	if n != 7 || len(r) != 0 {
		t.Fatalf("clean file: %d good, %v", n, r)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
		min  int // good records still found
	}{
		{"truncated gzip member", ours[:len(ours)-7], ErrTruncated, 6},
		{"truncated uncompressed", plain[:len(plain)-300], ErrTruncated, 6},
		{"lying Content-Length", bytes.Replace(plain, []byte("Content-Length: 2"), []byte("Content-Length: 9"), 1), ErrBadLength, 6},
		{"lying Content-Length in a member", lieInMember(t, ours, 3), ErrBadLength, 6},
		{"huge headers", append(append([]byte("WARC/1.1\r\nX-Big: "), bytes.Repeat([]byte("a"), 5000)...), plain...), ErrHeaderTooLarge, 7},
		{"non-WARC data", append([]byte("<html>not a warc</html>\n"), plain...), ErrNotWARC, 7},
		{"corrupt member", flipInMember(t, ours, 2), ErrCorrupt, 6},
		{"bad digest", bytes.Replace(plain, []byte("<h1>Welcome</h1>"), []byte("<h1>WELCOME</h1>"), 1), ErrBadDigest, 6},
		{"record too large", bigRecord(t, plain), ErrRecordTooLarge, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, reasons := count(tc.data)
			found := false
			for _, r := range reasons {
				found = found || errors.Is(r, tc.want)
			}
			if !found || n < tc.min {
				t.Fatalf("%d good records (want >= %d), reasons %v (want %v)", n, tc.min, reasons, tc.want)
			}
		})
	}
	for i, s := range scanSeeds(t) {
		sc := NewScanner(bytes.NewReader(s), "seed", fuzzLimits)
		for _, err := range sc.Records() {
			var re *RecordError
			if err != nil && !errors.As(err, &re) {
				t.Fatalf("seed %d: %v", i, err)
			}
		}
	}
}

// members splits a gzip-per-record file into its members (using our
// writer's Locations would be circular; gzip's own framing is used).
func members(t testing.TB, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	r := bytes.NewReader(b)
	for r.Len() > 0 {
		start := len(b) - r.Len()
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, zr); err != nil {
			t.Fatal(err)
		}
		out = append(out, b[start:len(b)-r.Len()])
	}
	return out
}

// lieInMember re-compresses member i with its Content-Length made larger.
func lieInMember(t testing.TB, b []byte, i int) []byte {
	ms := members(t, b)
	rec := gunzipAll(t, ms[i])
	head, rest, _ := bytes.Cut(rec, []byte("Content-Length: "))
	num, tail, _ := bytes.Cut(rest, []byte("\r\n"))
	lie := append(append(append(bytes.Clone(head), "Content-Length: "...), append(num, '9')...), "\r\n"...)
	ms[i] = gzipBytes(append(lie, tail...))
	return bytes.Join(ms, nil)
}

// flipInMember damages the deflate data of member i.
func flipInMember(t testing.TB, b []byte, i int) []byte {
	ms := members(t, b)
	m := bytes.Clone(ms[i])
	m[len(m)/2] ^= 0xff
	ms[i] = m
	return bytes.Join(ms, nil)
}

// bigRecord puts a record over the fuzz limit in front of the file.
func bigRecord(t testing.TB, plain []byte) []byte {
	body := bytes.Repeat([]byte("x"), int(fuzzLimits.MaxRecordBytes)+10)
	rec := "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Type: text/plain\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + string(body) + "\r\n\r\n"
	return append([]byte(rec), plain...)
}

// FuzzReplay: whatever the HTML, Replay does not panic, and when it gives a
// page, that page (parsed again, as a browser would) has no script, frame
// or plugin element, no handler, no script URL, and no URL that would load
// or lead anywhere but our archive, a fragment, mailto:/tel: or a data:
// image.
func FuzzReplay(f *testing.F) {
	f.Add([]byte(hostilePage), "text/html")
	f.Add([]byte(`<svg><style><img src=x onerror=alert(1)></style></svg><math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`), "text/html")
	f.Add([]byte(`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`), "text/html")
	f.Add([]byte(`<a href="java&#x0A;script:alert(1)">x</a><a href="\x01javascript:alert(1)">y</a><img srcset=",,,https://live.example/x.png 1x">`), "text/html; charset=utf-8")
	f.Add([]byte(`<div style="background:url(&quot;https://live.example/a&quot;);b:\75rl(https://live.example/b)">`), "text/html")
	f.Add([]byte("\xfe\xff\x00<\x00s\x00c\x00r\x00i\x00p\x00t\x00>"), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		p, err := Replay(body, ReplayOptions{URL: "https://live.example/page", ContentType: contentType, Rewrite: rewriteArchived})
		if err != nil {
			if !errors.Is(err, ErrNotHTML) && !errors.Is(err, ErrCannotReplay) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		checkReplayed(t, p.Body)
	})
}

func checkReplayed(t *testing.T, page []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return // deeper than the parser's limit: a browser still renders, but nothing new can appear
	}
	safeURL := func(v string) bool {
		s := strings.ToLower(strings.TrimSpace(v))
		return s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "/archive/run-1/") || strings.HasPrefix(s, "mailto:") ||
			strings.HasPrefix(s, "tel:") || strings.HasPrefix(s, "data:image/") || s == "about:invalid"
	}
	cssOK := func(src string) bool {
		l := css.NewLexer(parse.NewInputString(src))
		for {
			tt, data := l.Next()
			switch tt {
			case css.ErrorToken:
				return true
			case css.URLToken:
				if !safeURL(cssURLValue(data)) {
					return false
				}
			case css.AtKeywordToken:
				if strings.EqualFold(string(data), "@import") {
					return false
				}
			}
		}
	}
	stack := []*html.Node{doc}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Type == html.ElementNode {
			if droppedElements[strings.ToLower(n.Data)] {
				t.Fatalf("<%s> in replayed page:\n%s", n.Data, page)
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				if strings.HasPrefix(k, "on") || scriptURL(a.Val) {
					t.Fatalf("<%s %s=%q> in replayed page:\n%s", n.Data, a.Key, a.Val, page)
				}
				if _, isURL := urlAttrs[k]; (isURL || k == "action" || k == "formaction" || k == "ping") && !safeURL(a.Val) {
					t.Fatalf("<%s %s=%q> leads off the archive:\n%s", n.Data, a.Key, a.Val, page)
				}
				if k == "srcset" || k == "imagesrcset" {
					for _, c := range strings.Split(a.Val, ",") {
						if f := strings.Fields(c); len(f) > 0 && !safeURL(f[0]) {
							t.Fatalf("<%s %s=%q> leads off the archive", n.Data, a.Key, a.Val)
						}
					}
				}
				if k == "style" && !cssOK(a.Val) {
					t.Fatalf("<%s style=%q> loads from elsewhere", n.Data, a.Val)
				}
			}
			if strings.EqualFold(n.Data, "style") {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.TextNode && !cssOK(c.Data) {
						t.Fatalf("<style>%s</style> loads from elsewhere", c.Data)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			stack = append(stack, c)
		}
	}
}
