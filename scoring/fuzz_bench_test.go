package scoring

import (
	"bytes"
	"os"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// FuzzScorePage feeds arbitrary bytes to the page scorer: no panic, no hang,
// and every finding names its check.
func FuzzScorePage(f *testing.F) {
	f.Add([]byte(`<html lang="cy"><body><main><p lang="en">Council X are 1730hrs &amp; £75.00</p></main></body></html>`))
	f.Add([]byte(`<table><tr><td><table><tr><th>x</table></table><a href="mailto:"></a><a href=":%zz">here</a>`))
	f.Add([]byte("<meta http-equiv=refresh content=\"-1e400;url=x\"><meta name=viewport content=\"maximum-scale=abc,,=\">"))
	if files, err := sharedPagesList(); err == nil {
		for i, file := range files {
			if i%40 != 0 {
				continue
			}
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	e := NewEngine(CurrentMethod())
	f.Fuzz(func(t *testing.T, body []byte) {
		r, _ := e.ScoreSinglePage(PageInput{URL: "https://x.gov.uk/a b?c#d", Status: 200, IsHTML: true, Body: body})
		for _, fd := range r.Findings {
			if fd.CheckID == "" || fd.Category == "" {
				t.Fatalf("finding without check: %+v", fd)
			}
		}
		acc := e.NewSite("x", "https://x.gov.uk/")
		acc.Add(r)
		acc.Finish(SiteFacts{NotFoundStatus: 200, NotFoundBody: body, Now: testNow})
	})
}

func sharedPagesList() ([]string, error) {
	return globPages()
}

// TestConcurrentScoring scores the same pages from several goroutines: with
// -race this proves the engine holds no shared mutable state, and the results
// must match the sequential ones.
func TestConcurrentScoring(t *testing.T) {
	files := sharedPages(t)
	if len(files) > 16 {
		files = files[:16]
	}
	e := NewEngine(CurrentMethod())
	var ins []PageInput
	var want []int
	for _, f := range files {
		in := readPage(t, f)
		ins = append(ins, in)
		want = append(want, len(e.ScorePage(in).Findings))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(ins))
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, in := range ins {
				if n := len(e.ScorePage(in).Findings); n != want[i] {
					errs <- files[i]
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for f := range errs {
		t.Errorf("%s: concurrent result differs", f)
	}
}

func benchPages(b *testing.B) [][]byte {
	files := sharedPages(b)
	var out [][]byte
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, body)
	}
	return out
}

func totalBytes(ps [][]byte) int64 {
	var n int64
	for _, p := range ps {
		n += int64(len(p))
	}
	return n
}

// BenchmarkScorePages scores every shared page (one op = all pages).
func BenchmarkScorePages(b *testing.B) {
	ps := benchPages(b)
	e := NewEngine(CurrentMethod())
	b.SetBytes(totalBytes(ps))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range ps {
			e.ScorePage(PageInput{URL: "https://x.gov.uk/page", Status: 200, IsHTML: true, Body: p})
		}
	}
	b.ReportMetric(float64(len(ps)*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkParseOnly is the floor: a bare goquery parse of the same pages.
func BenchmarkParseOnly(b *testing.B) {
	ps := benchPages(b)
	b.SetBytes(totalBytes(ps))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range ps {
			if _, err := goquery.NewDocumentFromReader(bytes.NewReader(p)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(ps)*b.N)/b.Elapsed().Seconds(), "pages/s")
}
