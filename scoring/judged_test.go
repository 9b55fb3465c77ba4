package scoring

// The judged evaluation set (issue 10, section 1): a seeded, stable sample
// of the findings the engine makes on the shared real council pages, each
// judged by a reader; the tests here measure the engine against it. See
// the constants in evaluation.go and the section of docs/METHOD.md it
// renders for the rule in plain words.

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

var judgedAppend = flag.Bool("judged.append", false, "append every drawn finding of the judged evaluation set that has no label to testdata/judged/labels/<check>.tsv, as a ? row to judge")

// judgedAppendCommand appends unlabelled drawn findings for judging.
const judgedAppendCommand = "go test ./scoring -run TestJudged -judged.append"

// judgedUpdateCommand regenerates precision_gen.go, then (second run)
// docs/METHOD.md from it.
const judgedUpdateCommand = "go test ./scoring -run 'TestJudged|TestMethodDoc' -update"

var (
	judgedDir       = filepath.Join("testdata", "judged")
	judgedLabelsDir = filepath.Join(judgedDir, "labels")
	judgedMisses    = filepath.Join(judgedDir, "misses.tsv")
	judgedRanking   = filepath.Join(judgedDir, "ranking.tsv")
)

// judgedPage is one shared page scored on its own, with every finding.
type judgedPage struct {
	rel      string // path relative to the shared pages folder, with "/"
	file     string
	findings []Finding
	counts   map[string]int
	words    int
	scores   []Score // as ScoreSinglePage gives them
}

// judgedEngine scores like CurrentMethod but keeps every finding as
// evidence (the cap on evidence changes no count and no score).
func judgedEngine() *Engine {
	m := CurrentMethod()
	m.Thresholds.MaxFindingsPerCheck = 1 << 30
	return NewEngine(m)
}

// judgedRun scores every shared page once for all the judged tests.
var judgedRun = sync.OnceValues(func() ([]judgedPage, error) {
	files, err := globPages()
	if err != nil {
		return nil, err
	}
	e := judgedEngine()
	out := make([]judgedPage, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Go(func() {
			for i := range next {
				in, err := sharedPageInput(files[i])
				if err != nil {
					errs[i] = err
					continue
				}
				r, scores := e.ScoreSinglePage(in)
				rel, _ := filepath.Rel(sharedPagesDir, files[i])
				out[i] = judgedPage{rel: filepath.ToSlash(rel), file: files[i], findings: r.Findings, counts: r.Summary.Counts, words: r.Summary.Words, scores: scores}
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out, errors.Join(errs...)
})

// judgedPages returns the scored shared pages, skipping the test (failing
// under CI=true) when they are absent.
func judgedPages(tb testing.TB) []judgedPage {
	tb.Helper()
	sharedPages(tb)
	pages, err := judgedRun()
	if err != nil {
		tb.Fatal(err)
	}
	return pages
}

// judgedKey names a finding of one check in the labels: page, selector
// and snippet, white space collapsed.
type judgedKey struct {
	Page, Selector, Snippet string
}

// judgedItem is one candidate for the sample: the findings of a check that
// share a key (usually one).
type judgedItem struct {
	Check string
	judgedKey
	rank     uint64
	messages []string
	matched  []string
}

// normField collapses white space (tabs, newlines, runs of spaces) to
// single spaces and trims the ends.
func normField(s string) string { return strings.Join(strings.Fields(s), " ") }

// judgedRank is the rank of a finding: the first 8 bytes of
// SHA-256(seed, page, check, selector, snippet), fields joined by newlines
// (normalised fields hold none).
func judgedRank(check string, k judgedKey) uint64 {
	h := sha256.Sum256([]byte(judgedSeed + "\n" + k.Page + "\n" + check + "\n" + k.Selector + "\n" + k.Snippet))
	return binary.BigEndian.Uint64(h[:8])
}

func (a judgedItem) less(b judgedItem) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.Page != b.Page {
		return a.Page < b.Page
	}
	if a.Selector != b.Selector {
		return a.Selector < b.Selector
	}
	return a.Snippet < b.Snippet
}

// judgedCandidates groups every finding of every page by check and key.
func judgedCandidates(pages []judgedPage) map[string][]judgedItem {
	out := map[string][]judgedItem{}
	for _, pg := range pages {
		idx := map[string]map[judgedKey]int{}
		for _, f := range pg.findings {
			k := judgedKey{Page: pg.rel, Selector: normField(f.Selector), Snippet: normField(f.Snippet)}
			if idx[f.CheckID] == nil {
				idx[f.CheckID] = map[judgedKey]int{}
			}
			i, ok := idx[f.CheckID][k]
			if !ok {
				i = len(out[f.CheckID])
				idx[f.CheckID][k] = i
				out[f.CheckID] = append(out[f.CheckID], judgedItem{Check: f.CheckID, judgedKey: k, rank: judgedRank(f.CheckID, k)})
			}
			it := &out[f.CheckID][i]
			it.messages = appendNew(it.messages, normField(f.Message))
			for _, m := range f.Matched {
				it.matched = appendNew(it.matched, normField(m))
			}
		}
	}
	return out
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// drawJudged draws up to limit items of one check: each page's
// lowest-ranked item first, lowest first; then, while fewer than limit are
// drawn, each page's second-lowest, and so on.
func drawJudged(items []judgedItem, limit int) []judgedItem {
	byPage := map[string][]judgedItem{}
	for _, it := range items {
		byPage[it.Page] = append(byPage[it.Page], it)
	}
	for _, list := range byPage {
		sort.Slice(list, func(i, j int) bool { return list[i].less(list[j]) })
	}
	var out []judgedItem
	for round := 0; len(out) < limit; round++ {
		var tier []judgedItem
		for _, list := range byPage {
			if round < len(list) {
				tier = append(tier, list[round])
			}
		}
		if len(tier) == 0 {
			break
		}
		sort.Slice(tier, func(i, j int) bool { return tier[i].less(tier[j]) })
		out = append(out, tier[:min(len(tier), limit-len(out))]...)
	}
	return out
}

// judgedSample is the drawn set, by check.
func judgedSample(pages []judgedPage) map[string][]judgedItem {
	out := map[string][]judgedItem{}
	for id, items := range judgedCandidates(pages) {
		out[id] = drawJudged(items, judgedCap)
	}
	return out
}

// judgedChecks are the ids of page-level checks, in catalogue order.
func judgedChecks() []string {
	var ids []string
	for _, c := range Catalog() {
		if c.Level == LevelPage {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// Labels.

const labelsHeader = "page\tselector\tsnippet\tlabel\treason\tcontext"

var labelValues = map[string]bool{"true": true, "false": true, "debatable": true, "?": true}

type judgedLabel struct {
	judgedKey
	Label, Reason, Context string
	Line                   int
}

// tsvLines splits a TSV file into lines (header first), dropping a final
// newline, carriage returns before newlines, blank lines and the comment
// lines (starting with #) before the header; the line numbers are 1-based.
// A # line after the header is a row like any other (and fails as one).
func tsvLines(data string) (lines []string, numbers []int) {
	for i, l := range strings.Split(data, "\n") {
		l = strings.TrimSuffix(l, "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(lines) == 0 && strings.HasPrefix(l, "#") {
			continue // comment lines before the header say what the file holds
		}
		lines = append(lines, l)
		numbers = append(numbers, i+1)
	}
	return lines, numbers
}

// parseLabels reads one check's label file.
func parseLabels(data string) ([]judgedLabel, error) {
	lines, nums := tsvLines(data)
	if len(lines) == 0 || lines[0] != labelsHeader {
		return nil, fmt.Errorf("line 1: want the header %q", labelsHeader)
	}
	var out []judgedLabel
	seen := map[judgedKey]int{}
	for i, l := range lines[1:] {
		n := nums[i+1]
		f := strings.Split(l, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("line %d: %d tab-separated fields, want 6 (%s)", n, len(f), labelsHeader)
		}
		lb := judgedLabel{judgedKey: judgedKey{Page: normField(f[0]), Selector: normField(f[1]), Snippet: normField(f[2])},
			Label: strings.TrimSpace(f[3]), Reason: strings.TrimSpace(f[4]), Context: f[5], Line: n}
		switch {
		case lb.Page == "":
			return nil, fmt.Errorf("line %d: no page", n)
		case !labelValues[lb.Label]:
			return nil, fmt.Errorf("line %d: label %q is not true, false, debatable or ?", n, lb.Label)
		case lb.Label != "?" && lb.Reason == "":
			return nil, fmt.Errorf("line %d: label %s without a reason quoting the rule", n, lb.Label)
		}
		if prev, dup := seen[lb.judgedKey]; dup {
			return nil, fmt.Errorf("line %d: same page, selector and snippet as line %d", n, prev)
		}
		seen[lb.judgedKey] = n
		out = append(out, lb)
	}
	return out, nil
}

// formatLabel is a label as a line of its file (without the newline).
func formatLabel(l judgedLabel) string {
	clean := func(s string) string { return normField(s) }
	return strings.Join([]string{clean(l.Page), clean(l.Selector), clean(l.Snippet), clean(l.Label), clean(l.Reason), clean(l.Context)}, "\t")
}

// loadLabels reads every label file of dir, by check id (a missing folder
// is no labels).
func loadLabels(dir string) (map[string][]judgedLabel, error) {
	out := map[string][]judgedLabel{}
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ls, err := parseLabels(string(b))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, err))
			continue
		}
		out[strings.TrimSuffix(filepath.Base(f), ".tsv")] = ls
	}
	return out, errors.Join(errs...)
}

func labelIndex(ls []judgedLabel) map[judgedKey]judgedLabel {
	out := make(map[judgedKey]judgedLabel, len(ls))
	for _, l := range ls {
		out[l.judgedKey] = l
	}
	return out
}

// appendLabels appends each drawn item without a label in dir as a "?"
// row to its check's file (created with its header when missing), rows
// sorted by page, selector and snippet; existing rows are left as they
// are. context gives each new row its context column.
func appendLabels(dir string, sample map[string][]judgedItem, context func(judgedItem) string) (added map[string]int, err error) {
	labels, err := loadLabels(dir)
	if err != nil {
		return nil, err
	}
	added = map[string]int{}
	for _, id := range sortedKeys(sample) {
		have := labelIndex(labels[id])
		var rows []judgedItem
		for _, it := range sample[id] {
			if _, ok := have[it.judgedKey]; !ok {
				rows = append(rows, it)
			}
		}
		if len(rows) == 0 {
			continue
		}
		sort.Slice(rows, func(i, j int) bool {
			a, b := rows[i], rows[j]
			if a.Page != b.Page {
				return a.Page < b.Page
			}
			if a.Selector != b.Selector {
				return a.Selector < b.Selector
			}
			return a.Snippet < b.Snippet
		})
		path := filepath.Join(dir, id+".tsv")
		old, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			old = []byte(labelsHeader + "\n")
		case err != nil:
			return added, err
		case len(old) > 0 && old[len(old)-1] != '\n':
			old = append(old, '\n')
		}
		var b strings.Builder
		b.Write(old)
		for _, it := range rows {
			b.WriteString(formatLabel(judgedLabel{judgedKey: it.judgedKey, Label: "?", Context: context(it)}))
			b.WriteString("\n")
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return added, err
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return added, err
		}
		added[id] = len(rows)
	}
	return added, nil
}

// judgedContext helps the judge: the finding's messages and matched words,
// and about 300 characters of the page's visible text around the snippet
// (the snippet, or the element's place, marked [[...]]).
func judgedContext(p *page, dt domText, it judgedItem) string {
	var b strings.Builder
	b.WriteString(strings.Join(it.messages, " / "))
	if len(it.matched) > 0 {
		b.WriteString(" | matched: " + strings.Join(it.matched, "; "))
	}
	b.WriteString(" | text: " + dt.around(p, it))
	return normField(b.String())
}

// domText is a page's visible text in document order (white space
// collapsed; head, scripts, styles and elements marked hidden left out),
// with the span of every element in it.
type domText struct {
	text  string
	spans map[*html.Node][2]int
}

func newDOMText(root *html.Node) domText {
	var b strings.Builder
	spans := map[*html.Node][2]int{}
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		start := b.Len()
		switch n.Type {
		case html.TextNode:
			if t := normField(n.Data); t != "" {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(t)
			}
			return
		case html.ElementNode:
			style := strings.ToLower(strings.ReplaceAll(attrv(n, "style"), " ", ""))
			_, hidden := attr(n, "hidden")
			switch {
			case n.Data == "head" || n.Data == "script" || n.Data == "style" || n.Data == "noscript" || n.Data == "template",
				hidden, strings.Contains(style, "display:none"), strings.Contains(style, "visibility:hidden"):
				spans[n] = [2]int{start, start}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
		if n.Type == html.ElementNode {
			if start < b.Len() && b.String()[start] == ' ' {
				start++
			}
			spans[n] = [2]int{start, b.Len()}
		}
	}
	walk(root, 0)
	return domText{text: b.String(), spans: spans}
}

// around finds the finding in the visible text, and returns it with about
// 150 characters either side: inside the element its selector names when
// there is one (the snippet, its start or a matched word there, else the
// element's own place), else anywhere in the page (the snippet or a
// matched word). Page-level findings get the title and the start of the
// main content.
func (dt domText) around(p *page, it judgedItem) string {
	snip := strings.Trim(it.Snippet, "… ")
	tries := append([]string{snip, firstRunes(snip, 60)}, it.matched...)
	if it.Selector != "" && p.doc != nil {
		if sel := p.doc.Find(it.Selector); sel.Length() > 0 {
			if sp, ok := dt.spans[sel.Nodes[0]]; ok {
				in := dt.text[sp[0]:sp[1]]
				for _, s := range tries {
					if s = strings.TrimSpace(s); s == "" {
						continue
					}
					if i := strings.Index(in, s); i >= 0 {
						return window(dt.text, sp[0]+i, sp[0]+i+len(s), 150)
					}
				}
				end := sp[0] + len(firstRunes(in, 300))
				return window(dt.text, sp[0], end, 150)
			}
		}
	}
	for _, s := range tries {
		if len(strings.TrimSpace(s)) < 3 {
			continue
		}
		if i := strings.Index(dt.text, s); i >= 0 {
			return window(dt.text, i, i+len(s), 150)
		}
	}
	return "(page title: " + normField(p.title) + ") (start of the main content:) " + firstRunes(normField(p.mainText), 300) + "…"
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// window is s[i:j], marked [[like this]], with up to n characters either
// side, marked "…" where it is cut.
func window(s string, i, j, n int) string {
	lo, hi := i, j
	for k := 0; k < n && lo > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:lo])
		lo -= size
	}
	for k := 0; k < n && hi < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[hi:])
		hi += size
	}
	out := s[lo:i] + "[[" + s[i:j] + "]]" + s[j:hi]
	if lo > 0 {
		out = "…" + out
	}
	if hi < len(s) {
		out += "…"
	}
	return out
}

// judgedAppendRun appends the unlabelled drawn items of sample, parsing
// each page they are on once for the context.
func judgedAppendRun(pages []judgedPage, sample map[string][]judgedItem) (map[string]int, error) {
	files := map[string]string{}
	for _, pg := range pages {
		files[pg.rel] = pg.file
	}
	type parsed struct {
		p  *page
		dt domText
	}
	cache := map[string]parsed{}
	return appendLabels(judgedLabelsDir, sample, func(it judgedItem) string {
		pp, ok := cache[it.Page]
		if !ok {
			in, err := sharedPageInput(files[it.Page])
			if err != nil {
				return normField(strings.Join(it.messages, " / "))
			}
			p := parsePage(in)
			pp = parsed{p: p, dt: newDOMText(p.doc.Nodes[0])}
			cache[it.Page] = pp
		}
		return judgedContext(pp.p, pp.dt, it)
	})
}

// Measuring precision.

// judgedPrecisionResult is each check measured against the labels: the
// figures, and the drawn items without a label or still "?".
type judgedPrecisionResult struct {
	checks     []checkPrecision
	unlabelled map[string][]judgedItem // no row at all
	unjudged   map[string][]judgedItem // row labelled "?"
	stale      int                     // label rows no longer drawn
	drawn      int
}

func measurePrecision(pages []judgedPage, sample map[string][]judgedItem, labels map[string][]judgedLabel) judgedPrecisionResult {
	res := judgedPrecisionResult{unlabelled: map[string][]judgedItem{}, unjudged: map[string][]judgedItem{}}
	findings, affected := map[string]int{}, map[string]int{}
	for _, pg := range pages {
		for id, n := range pg.counts {
			findings[id] += n
			if n > 0 {
				affected[id]++
			}
		}
	}
	ids := judgedChecks()
	known := map[string]bool{}
	for _, id := range ids {
		known[id] = true
	}
	for id := range sample {
		if !known[id] { // cannot happen: findings come from page checks
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		drawn := sample[id]
		if len(drawn) == 0 {
			continue
		}
		c := checkPrecision{CheckID: id, Findings: findings[id], PagesAffected: affected[id], Drawn: len(drawn)}
		idx := labelIndex(labels[id])
		used := 0
		for _, it := range drawn {
			l, ok := idx[it.judgedKey]
			if ok {
				used++
			}
			switch {
			case !ok:
				res.unlabelled[id] = append(res.unlabelled[id], it)
			case l.Label == "true":
				c.True++
			case l.Label == "false":
				c.False++
			case l.Label == "debatable":
				c.Debatable++
			default:
				res.unjudged[id] = append(res.unjudged[id], it)
			}
		}
		res.stale += len(labels[id]) - used
		res.drawn += len(drawn)
		res.checks = append(res.checks, c)
	}
	for id, ls := range labels {
		if len(sample[id]) == 0 {
			res.stale += len(ls)
		}
	}
	return res
}

func countItems(m map[string][]judgedItem) int {
	n := 0
	for _, v := range m {
		n += len(v)
	}
	return n
}

// TestJudgedPrecision recomputes every check over the shared pages, draws
// the judged set, and holds it to the labels: every drawn finding judged,
// precision at the floors, checks under the floor advisory.
func TestJudgedPrecision(t *testing.T) {
	pages := judgedPages(t)
	sample := judgedSample(pages)
	if *judgedAppend {
		added, err := judgedAppendRun(pages, sample)
		if err != nil {
			t.Fatalf("appending labels: %v", err)
		}
		n := 0
		for _, id := range sortedKeys(added) {
			t.Logf("appended %d rows to %s", added[id], filepath.Join(judgedLabelsDir, id+".tsv"))
			n += added[id]
		}
		t.Logf("appended %d rows labelled ? in all: judge them (true, false or debatable, with a reason quoting the rule)", n)
	}
	labels, err := loadLabels(judgedLabelsDir)
	if err != nil {
		t.Fatalf("label files: %v", err)
	}
	m := CurrentMethod()
	res := measurePrecision(pages, sample, labels)
	var b strings.Builder
	fmt.Fprintf(&b, "%-26s %8s %6s %6s %5s %5s %9s %6s %9s  %s\n", "check", "findings", "pages", "drawn", "true", "false", "debatable", "to do", "precision", "status")
	for _, c := range res.checks {
		status := "scored"
		if _, adv := m.Advisory[c.CheckID]; adv {
			status = "advisory"
		}
		todo := len(res.unlabelled[c.CheckID]) + len(res.unjudged[c.CheckID])
		fmt.Fprintf(&b, "%-26s %8d %6d %6d %5d %5d %9d %6d %9s  %s\n", c.CheckID, c.Findings, c.PagesAffected, c.Drawn, c.True, c.False, c.Debatable, todo, precisionText(c), status)
	}
	all, _ := evaluation{Checks: res.checks}.overallPrecision(m)
	fmt.Fprintf(&b, "%-26s %8d %6s %6d %5d %5d %9d %6d %9s\n", "all scored checks", all.Findings, "", all.Drawn, all.True, all.False, all.Debatable,
		countItems(res.unlabelled)+countItems(res.unjudged), precisionText(all))
	fmt.Fprintf(&b, "%d shared pages; %d findings drawn (cap %d per check); %d label rows not drawn now (kept)\n", len(pages), res.drawn, judgedCap, res.stale)
	t.Log("\n" + b.String())

	if res.drawn < judgedMinDrawn {
		t.Errorf("only %d findings drawn, want at least %d: raise judgedCap (evaluation.go) and say so in METHOD.md", res.drawn, judgedMinDrawn)
	}
	if n := countItems(res.unlabelled); n > 0 {
		var ex []string
		for _, id := range sortedKeys(res.unlabelled) {
			ex = append(ex, fmt.Sprintf("%s: %d", id, len(res.unlabelled[id])))
		}
		t.Errorf("%d drawn findings have no label (%s).\nAppend them for labelling with:\n\t%s\nthen judge each ? row in %s/<check>.tsv",
			n, strings.Join(ex, ", "), judgedAppendCommand, judgedLabelsDir)
	}
	if n := countItems(res.unjudged); n > 0 {
		var ex []string
		for _, id := range sortedKeys(res.unjudged) {
			ex = append(ex, fmt.Sprintf("%s: %d", id, len(res.unjudged[id])))
		}
		t.Errorf("%d drawn findings are labelled ? (not yet judged: %s): edit each into true, false or debatable, with a reason quoting the rule, in %s/<check>.tsv",
			n, strings.Join(ex, ", "), judgedLabelsDir)
	}
	if v, ok := all.precision(); !ok {
		t.Errorf("overall precision of the scored checks cannot be computed: no drawn finding is judged true or false (floor %s)", pct(judgedFloorOverall))
	} else if v < judgedFloorOverall {
		t.Errorf("overall precision of the scored checks is %s (%d true, %d false), below the floor of %s", pct(round3(v)), all.True, all.False, pct(judgedFloorOverall))
	}
	var unknown, below []string
	for _, c := range res.checks {
		if _, adv := m.Advisory[c.CheckID]; adv {
			continue
		}
		v, ok := c.precision()
		switch {
		case !ok:
			unknown = append(unknown, c.CheckID)
		case v < judgedFloorCheck:
			below = append(below, fmt.Sprintf("%s %s", c.CheckID, pct(round3(v))))
		}
	}
	if len(unknown) > 0 {
		t.Errorf("%d scored checks have no drawn finding judged true or false, so no precision to hold to the floor of %s: %s", len(unknown), pct(judgedFloorCheck), strings.Join(unknown, ", "))
	}
	if len(below) > 0 {
		t.Errorf("scored checks below the floor of %s: %s; fix the rules or mark them advisory (Method.Advisory, with the reason)", pct(judgedFloorCheck), strings.Join(below, ", "))
	}
	checkAdvisoryWeightless(t, m)
}

// checkAdvisoryWeightless asserts that every advisory check of m weighs
// nothing: its statistics change no category or overall score.
func checkAdvisoryWeightless(t *testing.T, m Method) {
	t.Helper()
	cat := map[string]string{}
	for _, c := range Catalog() {
		cat[c.ID] = c.Category
	}
	for _, id := range sortedKeys(m.Advisory) {
		if cat[id] == "" {
			t.Errorf("advisory check %s is not in the catalogue", id)
			continue
		}
		if strings.TrimSpace(m.Advisory[id]) == "" {
			t.Errorf("advisory check %s has no reason", id)
		}
		if w := m.checkWeight(id); w != 0 {
			t.Errorf("advisory check %s weighs %v, want 0", id, w)
		}
		other := CheckStat{CheckID: "judged-other-check", Category: cat[id], PagesTotal: 10, PagesAffected: 5, Findings: 20, Words: 3000}
		best := m.Score([]CheckStat{other, {CheckID: id, Category: cat[id], PagesTotal: 10, Words: 3000}})
		worst := m.Score([]CheckStat{other, {CheckID: id, Category: cat[id], PagesTotal: 10, PagesAffected: 10, Findings: 500, Words: 3000}})
		for _, c := range []string{cat[id], CategoryOverall} {
			a, _ := scoreOf(best, c, "")
			z, _ := scoreOf(worst, c, "")
			if a != z {
				t.Errorf("advisory check %s moves the %s score (%v with no findings, %v with many)", id, c, a, z)
			}
		}
	}
}
