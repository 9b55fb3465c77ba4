package scoring

// What a reader knows that the labels do not: breaches the engine misses
// (misses.tsv) and a ranking of pages by content quality (ranking.tsv).

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const (
	missesHeader  = "page\tcheck\ttext\trule\tnote"
	rankingHeader = "page\trank\tnote"
)

// judgedMiss is a breach a reader found that check should find on page.
type judgedMiss struct {
	Page, Check, Text, Rule, Note string
	Line                          int
}

// parseMisses reads misses.tsv. pages, when not nil, are the pages a miss
// may name.
func parseMisses(data string, pages map[string]bool) ([]judgedMiss, error) {
	lines, nums := tsvLines(data)
	if len(lines) == 0 || lines[0] != missesHeader {
		return nil, fmt.Errorf("line 1: want the header %q", missesHeader)
	}
	var out []judgedMiss
	for i, l := range lines[1:] {
		n := nums[i+1]
		f := strings.Split(l, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: %d tab-separated fields, want 5 (%s)", n, len(f), missesHeader)
		}
		ms := judgedMiss{Page: strings.TrimSpace(f[0]), Check: strings.TrimSpace(f[1]), Text: normField(f[2]), Rule: strings.TrimSpace(f[3]), Note: strings.TrimSpace(f[4]), Line: n}
		switch {
		case ms.Page == "" || ms.Check == "" || ms.Text == "":
			return nil, fmt.Errorf("line %d: page, check and text are required", n)
		case pages != nil && !pages[ms.Page]:
			return nil, fmt.Errorf("line %d: page %q is not a shared page (a path under data/pages, such as york/some-page.html)", n, ms.Page)
		}
		out = append(out, ms)
	}
	return out, nil
}

// missFound reports whether one of the findings is of the miss's check and
// has the miss's text in its snippet or matched words (case and white
// space aside).
func missFound(ms judgedMiss, findings []Finding) bool {
	want := strings.ToLower(normField(ms.Text))
	for _, f := range findings {
		if f.CheckID != ms.Check {
			continue
		}
		if strings.Contains(strings.ToLower(normField(f.Snippet)), want) {
			return true
		}
		for _, m := range f.Matched {
			if strings.Contains(strings.ToLower(normField(m)), want) {
				return true
			}
		}
	}
	return false
}

// judgedRanked is a reader's rank of one page (1 = best content).
type judgedRanked struct {
	Page string
	Rank int
	Note string
	Line int
}

func parseRanking(data string, pages map[string]bool) ([]judgedRanked, error) {
	lines, nums := tsvLines(data)
	if len(lines) == 0 || lines[0] != rankingHeader {
		return nil, fmt.Errorf("line 1: want the header %q", rankingHeader)
	}
	var out []judgedRanked
	seen := map[string]int{}
	for i, l := range lines[1:] {
		n := nums[i+1]
		f := strings.Split(l, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: %d tab-separated fields, want 3 (%s)", n, len(f), rankingHeader)
		}
		r := judgedRanked{Page: strings.TrimSpace(f[0]), Note: strings.TrimSpace(f[2]), Line: n}
		rank, err := strconv.Atoi(strings.TrimSpace(f[1]))
		switch {
		case err != nil || rank < 1:
			return nil, fmt.Errorf("line %d: rank %q is not a whole number from 1 (best)", n, f[1])
		case pages != nil && !pages[r.Page]:
			return nil, fmt.Errorf("line %d: page %q is not a shared page", n, r.Page)
		}
		if prev, dup := seen[r.Page]; dup {
			return nil, fmt.Errorf("line %d: page %s already ranked on line %d", n, r.Page, prev)
		}
		seen[r.Page] = n
		r.Rank = rank
		out = append(out, r)
	}
	return out, nil
}

// averageRanks ranks xs from 1 (smallest); tied values share the mean of
// their ranks.
func averageRanks(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	out := make([]float64, len(xs))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && xs[idx[j+1]] == xs[idx[i]] {
			j++
		}
		r := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			out[idx[k]] = r
		}
		i = j + 1
	}
	return out
}

// spearman is Spearman's rank correlation of xs and ys (Pearson's on
// average ranks); NaN when fewer than 3 pairs or either side is constant.
func spearman(xs, ys []float64) float64 {
	if len(xs) != len(ys) || len(xs) < 3 {
		return math.NaN()
	}
	rx, ry := averageRanks(xs), averageRanks(ys)
	n := float64(len(xs))
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// readTSV reads an optional data file: ok is false when it is absent.
func readTSV(path string) (data string, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	return string(b), err == nil, err
}

func pageSet(pages []judgedPage) map[string]bool {
	out := make(map[string]bool, len(pages))
	for _, p := range pages {
		out[p.rel] = true
	}
	return out
}

// measureMisses counts the listed misses the engine finds now.
func measureMisses(pages []judgedPage, misses []judgedMiss) (fig missFigures, notFound []judgedMiss) {
	byPage := map[string][]Finding{}
	for _, p := range pages {
		byPage[p.rel] = p.findings
	}
	known := map[string]bool{}
	for _, c := range Catalog() {
		known[c.ID] = true
	}
	fig.Listed = len(misses)
	for _, ms := range misses {
		switch {
		case !known[ms.Check]:
			fig.Proposed++
			notFound = append(notFound, ms)
		case missFound(ms, byPage[ms.Page]):
			fig.Found++
		default:
			notFound = append(notFound, ms)
		}
	}
	return fig, notFound
}

// TestJudgedMisses holds the engine to the breaches a reader listed as
// missed: at least missesFoundFloor of them found now.
func TestJudgedMisses(t *testing.T) {
	pages := judgedPages(t)
	data, ok, err := readTSV(judgedMisses)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("%s is missing: it lists breaches the engine misses, one a line, with the header %q (issue 10: at least %d, from at least 20 pages)", judgedMisses, missesHeader, minMissesListed)
	}
	misses, err := parseMisses(data, pageSet(pages))
	if err != nil {
		t.Fatalf("%s: %v", judgedMisses, err)
	}
	fig, notFound := measureMisses(pages, misses)
	var b strings.Builder
	for _, ms := range notFound {
		fmt.Fprintf(&b, "  not found (line %d): %s %s %q\n", ms.Line, ms.Page, ms.Check, ms.Text)
	}
	t.Logf("misses found: %d of %d; %d under check ids the catalogue does not have (counted as not found)\n%s", fig.Found, fig.Listed, fig.Proposed, b.String())
	if fig.Listed < minMissesListed {
		t.Errorf("%d misses listed, want at least %d", fig.Listed, minMissesListed)
	}
	if fig.Listed > 0 && float64(fig.Found) < missesFoundFloor*float64(fig.Listed) {
		t.Errorf("%d of %d listed misses found (%s), want at least %s", fig.Found, fig.Listed, pct(round3(float64(fig.Found)/float64(fig.Listed))), pct(missesFoundFloor))
	}
}

// measureRanking computes the correlations: content score against the
// reader's ranking (sign so that agreement is positive) and, over all
// shared pages, content and readability scores against words read.
func measureRanking(pages []judgedPage, ranked []judgedRanked) rankingFigures {
	byRel := map[string]judgedPage{}
	var fig rankingFigures
	var cs, cw, rs, rw []float64
	for _, p := range pages {
		byRel[p.rel] = p
		if v, ok := scoreOf(p.scores, CatContent, ""); ok {
			cs = append(cs, v)
			cw = append(cw, float64(p.words))
		} else {
			fig.WordsLeftOut++
		}
		if v, ok := scoreOf(p.scores, CatReadability, ""); ok {
			rs = append(rs, v)
			rw = append(rw, float64(p.words))
		}
	}
	fig.WordsPages, fig.ContentWordsRho = len(cs), spearman(cs, cw)
	fig.ContentQ1, fig.ContentMedian, fig.ContentQ3 = quartiles(cs)
	fig.ContentQ1, fig.ContentMedian, fig.ContentQ3 = round3(fig.ContentQ1), round3(fig.ContentMedian), round3(fig.ContentQ3)
	fig.ReadabilityPages, fig.ReadabilityWordsRho = len(rs), spearman(rs, rw)
	var score, reader []float64
	for _, r := range ranked {
		v, ok := scoreOf(byRel[r.Page].scores, CatContent, "")
		if !ok {
			fig.ReaderLeftOut++
			continue
		}
		score = append(score, v)
		reader = append(reader, -float64(r.Rank)) // rank 1 is best: higher is better
	}
	fig.ReaderPages, fig.ReaderRho = len(score), spearman(score, reader)
	return fig
}

// TestJudgedRanking compares page content scores with a reader's ranking
// of the pages, and with the words read.
func TestJudgedRanking(t *testing.T) {
	pages := judgedPages(t)
	var ranked []judgedRanked
	data, ok, err := readTSV(judgedRanking)
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		if ranked, err = parseRanking(data, pageSet(pages)); err != nil {
			t.Fatalf("%s: %v", judgedRanking, err)
		}
	}
	fig := measureRanking(pages, ranked)
	t.Logf("content score vs reader's ranking: rho %s over %d pages (%d ranked pages not scored for content, left out)", rho(fig.ReaderRho), fig.ReaderPages, fig.ReaderLeftOut)
	t.Logf("content score vs words read: rho %s over %d pages (%d not scored for content)", rho(fig.ContentWordsRho), fig.WordsPages, fig.WordsLeftOut)
	t.Logf("readability score vs words read: rho %s over %d pages (reported only)", rho(fig.ReadabilityWordsRho), fig.ReadabilityPages)
	t.Logf("content scores: quartiles %s, %s, %s (middle half spans %s points)", num(fig.ContentQ1), num(fig.ContentMedian), num(fig.ContentQ3), num(fig.ContentQ3-fig.ContentQ1))
	t.Run("reader", func(t *testing.T) {
		switch {
		case !ok:
			t.Fatalf("%s is missing: a reader's ranking of at least %d shared pages by content quality, made blind to their scores, with the header %q (rank 1 = best)", judgedRanking, minRankedPages, rankingHeader)
		case len(ranked) < minRankedPages:
			t.Errorf("%d pages ranked, want at least %d", len(ranked), minRankedPages)
		}
		if math.IsNaN(fig.ReaderRho) || fig.ReaderRho < readerRankingFloor {
			t.Errorf("Spearman correlation of content score with the reader's ranking is %s over %d pages, want at least %s", rho(fig.ReaderRho), fig.ReaderPages, num(readerRankingFloor))
		}
	})
	t.Run("spread", func(t *testing.T) {
		if iqr := fig.ContentQ3 - fig.ContentQ1; math.IsNaN(iqr) || iqr < contentSpreadFloor {
			t.Errorf("the middle half of the content scores spans %s points (%s to %s), want at least %s", num(iqr), num(fig.ContentQ1), num(fig.ContentQ3), num(contentSpreadFloor))
		}
	})
	t.Run("words", func(t *testing.T) {
		if math.IsNaN(fig.ContentWordsRho) || math.Abs(fig.ContentWordsRho) > wordsCorrelationMax {
			t.Errorf("Spearman correlation of content score with words read is %s over %d pages, want between -%s and %s", rho(fig.ContentWordsRho), fig.WordsPages, num(wordsCorrelationMax), num(wordsCorrelationMax))
		}
	})
}

// TestJudgedEngineScoresAsCouncildashScore checks that the judged tests'
// engine (every finding kept as evidence) scores a page as `councildash
// score FILE` does (current method, depth 0), on every fifth shared page.
func TestJudgedEngineScoresAsCouncildashScore(t *testing.T) {
	pages := judgedPages(t)
	e := NewEngine(CurrentMethod())
	for i := 0; i < len(pages); i += 5 {
		in, err := sharedPageInput(pages[i].file)
		if err != nil {
			t.Fatal(err)
		}
		in.Depth = 0
		_, want := e.ScoreSinglePage(in)
		if fmt.Sprint(want) != fmt.Sprint(pages[i].scores) {
			t.Errorf("%s: judged engine scores %v, councildash score gives %v", pages[i].rel, pages[i].scores, want)
		}
	}
}
