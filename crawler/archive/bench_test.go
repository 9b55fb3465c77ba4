package archive_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/crawler/crawltest"
)

// realPages loads the shared council pages (skipped without them, failed
// under CI=true).
func realPages(b *testing.B) [][]byte {
	b.Helper()
	dir := crawltest.SharedPagesDir()
	if dir == "" {
		if os.Getenv("CI") == "true" {
			b.Fatal("../shared/data/pages not found (CI=true: this is a failure)")
		}
		b.Skip("../shared/data/pages not found: the archive benchmark uses real council pages")
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	var pages [][]byte
	for _, f := range files {
		if body, err := os.ReadFile(f); err == nil {
			pages = append(pages, body)
		}
	}
	if len(pages) == 0 {
		b.Skip("no pages")
	}
	return pages
}

func fetchOf(i int, body []byte) archive.Fetch {
	req, _ := http.NewRequest(http.MethodGet, "https://www.council"+string(rune('a'+i%26))+".gov.uk/page/"+strings.Repeat("x", i%7), nil)
	req.Header.Set("User-Agent", "councildash/bench (+https://github.com/councildash/councildash)")
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	req.Header.Set("Accept-Language", "en-GB,en;q=0.8")
	h := http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Server": {"nginx"}, "Date": {time.Now().UTC().Format(http.TimeFormat)},
		"Cache-Control": {"max-age=300"}, "Strict-Transport-Security": {"max-age=31536000"}, "X-Frame-Options": {"SAMEORIGIN"}}
	return archive.Fetch{Request: req, RemoteIP: "192.0.2.10", StatusCode: 200, Header: h, Body: bytes.NewReader(body), Decoded: true}
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	ents, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range ents {
		if info, err := e.Info(); err == nil {
			n += info.Size()
		}
	}
	return n
}

// BenchmarkRecordFetch archives real council pages (a response and a
// request record each, gzip per record) and reports MB/s of page bodies,
// archive bytes per page and the archive/body size ratio, at the default
// gzip level and at the fastest.
func BenchmarkRecordFetch(b *testing.B) {
	pages := realPages(b)
	var total int64
	for _, p := range pages {
		total += int64(len(p))
	}
	for _, level := range []int{1, 6} {
		name := "gzip=" + string(rune('0'+level))
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			w, err := archive.NewWriter(archive.Options{Dir: dir, RunID: "bench", GzipLevel: level})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(total / int64(len(pages)))
			b.ReportAllocs()
			var body int64
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				p := pages[i%len(pages)]
				body += int64(len(p))
				if _, err := w.RecordFetch(context.Background(), fetchOf(i, p)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			n := int64(b.N)
			size := dirSize(b, dir)
			b.ReportMetric(float64(size)/float64(n), "archive-B/page")
			b.ReportMetric(float64(size)/float64(body), "archive/body")
		})
	}
}

// BenchmarkRecordFetchParallel is the same with all CPUs recording at once,
// as the crawler's site goroutines do.
func BenchmarkRecordFetchParallel(b *testing.B) {
	pages := realPages(b)
	var total int64
	for _, p := range pages {
		total += int64(len(p))
	}
	dir := b.TempDir()
	w, err := archive.NewWriter(archive.Options{Dir: dir, RunID: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total / int64(len(pages)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if _, err := w.RecordFetch(context.Background(), fetchOf(i, pages[i%len(pages)])); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkScan reads the archived pages back (import speed): pages/s and
// MB/s of bodies.
func BenchmarkScan(b *testing.B) {
	pages := realPages(b)
	dir := b.TempDir()
	w, err := archive.NewWriter(archive.Options{Dir: dir, RunID: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for i, p := range pages {
		total += int64(len(p))
		if _, err := w.RecordFetch(context.Background(), fetchOf(i, p)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, w.Files()[0])
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sc, err := archive.OpenScanner(file, archive.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := sc.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		_ = sc.Close()
		if n != len(pages) {
			b.Fatalf("%d of %d pages", n, len(pages))
		}
	}
	b.ReportMetric(float64(len(pages))*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkReplay makes archived pages safe to show.
func BenchmarkReplay(b *testing.B) {
	pages := realPages(b)
	var total int64
	for _, p := range pages {
		total += int64(len(p))
	}
	b.SetBytes(total / int64(len(pages)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := archive.Replay(pages[i%len(pages)], archive.ReplayOptions{URL: "https://www.example.gov.uk/page", ContentType: "text/html"}); err != nil {
			b.Fatal(err)
		}
	}
}
