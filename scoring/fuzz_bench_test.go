package scoring

import (
	"bytes"
	"html"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

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
				// the head of a real page: whole pages (100s of KB) make the
				// fuzzer spend its time minimising rather than fuzzing
				if len(b) > 24<<10 {
					b = b[:24<<10]
				}
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

// FuzzTextChecks feeds arbitrary prose to the text rules (the regexps and
// their exceptions): no panic, and every finding's evidence is well formed:
// valid UTF-8, a trimmed snippet, matched words taken from the text.
func FuzzTextChecks(f *testing.F) {
	for _, s := range []string{
		"Council X are launching £75.00 at 1730hrs, 10-11am, 2012-13, 200-400, £0.7million and 4p.",
		"the Council have 3 B.B.C. e.g. Form 21B eBilling E-mail the North PLEASE DO NOT PARK Tel: 01234",
		"We will leverage key issues going forward; bins will be collected on 2nd January 2012/3.",
		"£ 1 - 2 :: 12:30:45 1.2.3 e- E-x key stage 2 …‘’ “” \u00a0 \x00",
	} {
		f.Add(s)
	}
	e := NewEngine(CurrentMethod())
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return // pages are decoded to UTF-8 before scoring
		}
		body := `<html lang="en"><head><title>` + html.EscapeString(text) + `</title></head><body><main><p>` + html.EscapeString(text) + `</p><p><b>` + html.EscapeString(text) + `</b></p></main></body></html>`
		r := e.ScorePage(PageInput{URL: "https://x.gov.uk/", Status: 200, IsHTML: true, Body: []byte(body)})
		for _, fd := range r.Findings {
			if !utf8.ValidString(fd.Snippet) || utf8.RuneCountInString(fd.Snippet) > 170 || fd.Snippet != strings.TrimSpace(fd.Snippet) {
				t.Fatalf("bad snippet %q", fd.Snippet)
			}
			if fd.Category == CatContent || fd.Category == CatReadability {
				for _, m := range fd.Matched {
					if !utf8.ValidString(m) {
						t.Fatalf("%s: matched %q is not valid UTF-8", fd.CheckID, m)
					}
				}
			}
		}
	})
}

// FuzzStatementDates feeds arbitrary text to the accessibility statement
// reader (compliance, contact, enforcement, review dates).
func FuzzStatementDates(f *testing.F) {
	for _, s := range []string{
		"This statement was prepared on 23 September 2019. It was last reviewed on 1st March 2024.",
		"Last updated: 12/31/2023, reviewed 2023-02-30 and 31/04/2022. Partially compliant. EHRC. 01234 567890.",
		"reviewed January 2099 prepared 0 Foo 0000 29 February 2023",
	} {
		f.Add(s)
	}
	e := NewEngine(CurrentMethod())
	lo, hi := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		for _, d := range e.datesIn(text) {
			if d.Before(lo) || !d.Before(hi) {
				t.Fatalf("date %v out of range from %q", d, text)
			}
		}
		body := `<html lang="en"><head><title>Accessibility statement</title></head><body><main><h1>Accessibility statement</h1><p>` + html.EscapeString(text) + `</p></main></body></html>`
		r := e.ScorePage(PageInput{URL: "https://x.gov.uk/accessibility", Status: 200, IsHTML: true, Body: []byte(body)})
		if !r.Summary.IsStatement {
			t.Fatal("statement page not recognised")
		}
		acc := e.NewSite("x", "https://x.gov.uk/")
		acc.Add(r)
		acc.Finish(SiteFacts{HomeURL: "https://x.gov.uk/", Now: testNow})
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
