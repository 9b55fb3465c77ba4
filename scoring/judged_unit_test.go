package scoring

// Tests of the judged evaluation harness itself, on made-up data: they do
// not need the shared pages.

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func item(check, page, sel, snip string) judgedItem {
	k := judgedKey{Page: page, Selector: sel, Snippet: snip}
	return judgedItem{Check: check, judgedKey: k, rank: judgedRank(check, k)}
}

func keysOf(items []judgedItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Page+"|"+it.Selector+"|"+it.Snippet)
	}
	return out
}

func TestJudgedRankIsTheDocumentedHash(t *testing.T) {
	k := judgedKey{Page: "york/a.html", Selector: "#main > p:nth-child(2)", Snippet: "Click here"}
	h := sha256.Sum256([]byte(judgedSeed + "\nyork/a.html\nlgd-click-here\n#main > p:nth-child(2)\nClick here"))
	if got, want := judgedRank("lgd-click-here", k), binary.BigEndian.Uint64(h[:8]); got != want {
		t.Fatalf("rank %x, want %x (the rule METHOD.md states)", got, want)
	}
	if judgedRank("lgd-click-here", k) == judgedRank("lgd-ampersand", k) {
		t.Error("the check is not part of the rank")
	}
}

func TestDrawJudged(t *testing.T) {
	// 12 pages with 3 findings each: 10 drawn, one from each of 10 pages,
	// each page's lowest-ranked, the 10 lowest of those.
	var items []judgedItem
	for p := 0; p < 12; p++ {
		for f := 0; f < 3; f++ {
			items = append(items, item("c", fmt.Sprintf("p%02d.html", p), "", fmt.Sprintf("f%d", f)))
		}
	}
	drawn := drawJudged(items, 10)
	if len(drawn) != 10 {
		t.Fatalf("drew %d, want 10", len(drawn))
	}
	pages := map[string]bool{}
	lowest := map[string]uint64{}
	for _, it := range items {
		if r, ok := lowest[it.Page]; !ok || it.rank < r {
			lowest[it.Page] = it.rank
		}
	}
	var maxDrawn uint64
	for _, it := range drawn {
		if pages[it.Page] {
			t.Errorf("page %s drawn twice while other pages had findings", it.Page)
		}
		pages[it.Page] = true
		if it.rank != lowest[it.Page] {
			t.Errorf("%s: drew a finding that is not the page's lowest-ranked", it.Page)
		}
		maxDrawn = max(maxDrawn, it.rank)
	}
	for p, r := range lowest {
		if !pages[p] && r < maxDrawn {
			t.Errorf("page %s left out though its lowest rank is below a drawn one", p)
		}
	}
	// Order of the input does not matter.
	rev := make([]judgedItem, len(items))
	for i := range items {
		rev[len(items)-1-i] = items[i]
	}
	if a, b := strings.Join(keysOf(drawn), ","), strings.Join(keysOf(drawJudged(rev, 10)), ","); a != b {
		t.Errorf("draw depends on input order:\n%s\n%s", a, b)
	}
	// Stability: removing findings that were not drawn, or adding findings
	// that rank above every drawn one, changes nothing.
	drawnKey := map[string]bool{}
	for _, k := range keysOf(drawn) {
		drawnKey[k] = true
	}
	var kept []judgedItem
	for _, it := range items {
		if drawnKey[keysOf([]judgedItem{it})[0]] || it.Page == "p00.html" {
			kept = append(kept, it)
		}
	}
	if a, b := strings.Join(keysOf(drawn), ","), strings.Join(keysOf(drawJudged(kept, 10)), ","); a != b {
		t.Errorf("removing undrawn findings changed the draw:\n%s\n%s", a, b)
	}
	more := append([]judgedItem(nil), items...)
	for i := 0; len(more) < len(items)+20; i++ {
		it := item("c", fmt.Sprintf("new%03d.html", i), "", "x")
		if it.rank > maxDrawn {
			more = append(more, it)
		}
	}
	if a, b := strings.Join(keysOf(drawn), ","), strings.Join(keysOf(drawJudged(more, 10)), ","); a != b {
		t.Errorf("adding higher-ranked findings changed the draw:\n%s\n%s", a, b)
	}

	// 3 pages only: all their lowest first, then the second-lowest, ...
	few := []judgedItem{}
	for p := 0; p < 3; p++ {
		for f := 0; f < 5; f++ {
			few = append(few, item("c", fmt.Sprintf("q%d.html", p), "", fmt.Sprintf("f%d", f)))
		}
	}
	d := drawJudged(few, 10)
	if len(d) != 10 {
		t.Fatalf("drew %d of 15, want 10", len(d))
	}
	perPage := map[string]int{}
	for i, it := range d {
		perPage[it.Page]++
		round := i / 3
		if perPage[it.Page] != round+1 {
			t.Errorf("draw %d (%s) is its page's finding number %d, want %d: pages must take turns", i, it.Page, perPage[it.Page], round+1)
		}
	}
	if len(drawJudged(few[:4], 10)) != 4 || len(drawJudged(nil, 10)) != 0 {
		t.Error("fewer findings than the cap: all of them should be drawn")
	}
}

func TestJudgedCandidatesMergeSameKey(t *testing.T) {
	pages := []judgedPage{{rel: "a/p.html", findings: []Finding{
		{CheckID: "lgd-meta-description", Snippet: "Long.\n  text", Message: "Meta description is 170 characters"},
		{CheckID: "lgd-meta-description", Snippet: "Long. text", Matched: []string{"."}, Message: "Meta description has full stops"},
		{CheckID: "lgd-ampersand", Selector: "#m  >  p", Snippet: "A & B", Matched: []string{"&"}, Message: "m"},
	}}}
	c := judgedCandidates(pages)
	md := c["lgd-meta-description"]
	if len(md) != 1 || md[0].Snippet != "Long. text" || len(md[0].messages) != 2 || len(md[0].matched) != 1 {
		t.Fatalf("same page, check, selector and snippet should be one item with both messages: %+v", md)
	}
	if a := c["lgd-ampersand"]; len(a) != 1 || a[0].Selector != "#m > p" {
		t.Errorf("selector not collapsed: %+v", a)
	}
}

func TestSpearman(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if r := spearman([]float64{1, 2, 3, 4, 5}, []float64{10, 20, 30, 40, 50}); !near(r, 1) {
		t.Errorf("monotone: %v", r)
	}
	if r := spearman([]float64{1, 2, 3, 4, 5}, []float64{5, 4, 3, 2, 1}); !near(r, -1) {
		t.Errorf("reversed: %v", r)
	}
	// ties share average ranks: y ranks 1, 2, 3.5, 5, 3.5 -> 8 / sqrt(10 * 9.5)
	if r := spearman([]float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7}); !near(r, 8/math.Sqrt(95)) {
		t.Errorf("ties: %v, want %v", r, 8/math.Sqrt(95))
	}
	if got := averageRanks([]float64{3, 1, 3, 2}); fmt.Sprint(got) != "[3.5 1 3.5 2]" {
		t.Errorf("average ranks %v", got)
	}
	for _, c := range [][2][]float64{{{1, 2}, {1, 2}}, {{1, 1, 1}, {1, 2, 3}}, {{1, 2, 3}, {1, 2}}} {
		if r := spearman(c[0], c[1]); !math.IsNaN(r) {
			t.Errorf("spearman%v = %v, want NaN", c, r)
		}
	}
}

func TestParseLabels(t *testing.T) {
	good := labelsHeader + "\r\n" +
		"york/a.html\t#m > p\tClick  here\ttrue\t\"avoid click here\" (LGD 1.4)\tctx\n\n" +
		"york/b.html\t\t\t?\t\t\n"
	ls, err := parseLabels(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls[0].Snippet != "Click here" || ls[0].Label != "true" || ls[0].Line != 2 || ls[1].Line != 4 || ls[1].Label != "?" {
		t.Fatalf("parsed %+v", ls)
	}
	// a row formatted and parsed again is the same
	again, err := parseLabels(labelsHeader + "\n" + formatLabel(ls[0]) + "\n")
	if err != nil || again[0].judgedKey != ls[0].judgedKey || again[0].Reason != ls[0].Reason {
		t.Errorf("round trip: %+v %v", again, err)
	}
	for _, bad := range []struct{ data, want string }{
		{"", "header"},
		{"page\tselector\tsnippet\tlabel\treason\n", "header"},
		{labelsHeader + "\nyork/a.html\tx\ty\ttrue\tr\n", "line 2: 5 tab-separated fields"},
		{labelsHeader + "\nyork/a.html\tx\ty\tyes\tr\tc\n", "label \"yes\""},
		{labelsHeader + "\nyork/a.html\tx\ty\tfalse\t \tc\n", "without a reason"},
		{labelsHeader + "\n\tx\ty\t?\t\tc\n", "no page"},
		{labelsHeader + "\nyork/a.html\tx\ty\t?\t\tc\nyork/a.html\tx\t y \ttrue\tr\tc\n", "line 3: same page, selector and snippet as line 2"},
	} {
		if _, err := parseLabels(bad.data); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("parseLabels(%q) error %v, want %q", bad.data, err, bad.want)
		}
	}
}

func FuzzParseLabels(f *testing.F) {
	f.Add(labelsHeader + "\nyork/a.html\t#m\tsnip\ttrue\treason\tctx\n")
	f.Add(labelsHeader + "\na\tb\tc\t?\t\t\r\n\n")
	f.Add("page\tselector")
	f.Fuzz(func(t *testing.T, data string) {
		ls, err := parseLabels(data)
		if err != nil {
			return
		}
		var b strings.Builder
		b.WriteString(labelsHeader + "\n")
		for _, l := range ls {
			b.WriteString(formatLabel(l) + "\n")
		}
		again, err := parseLabels(b.String())
		if err != nil {
			t.Fatalf("formatted labels do not parse: %v\n%q", err, b.String())
		}
		if len(again) != len(ls) {
			t.Fatalf("%d labels, %d after a round trip", len(ls), len(again))
		}
		for i := range ls {
			if again[i].judgedKey != ls[i].judgedKey || again[i].Label != ls[i].Label {
				t.Fatalf("row %d changed: %+v -> %+v", i, ls[i], again[i])
			}
		}
	})
}

func TestAppendLabels(t *testing.T) {
	dir := t.TempDir()
	existing := labelsHeader + "\nz/p.html\t#a\tkept\tfalse\t\"rule\" says no\tmy own context" // no final newline
	if err := os.WriteFile(filepath.Join(dir, "lgd-ampersand.tsv"), []byte(existing), 0o644); err != nil {
		t.Fatal(err)
	}
	sample := map[string][]judgedItem{
		"lgd-ampersand":  {item("lgd-ampersand", "z/p.html", "#a", "kept"), item("lgd-ampersand", "b/p.html", "#x", "A & B"), item("lgd-ampersand", "a/p.html", "#y", "C & D")},
		"lgd-click-here": {item("lgd-click-here", "c/p.html", "", "here")},
	}
	ctx := func(it judgedItem) string { return "ctx\tof " + it.Snippet + "\nend" }
	added, err := appendLabels(dir, sample, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if added["lgd-ampersand"] != 2 || added["lgd-click-here"] != 1 {
		t.Fatalf("added %v", added)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "lgd-ampersand.tsv"))
	want := existing + "\na/p.html\t#y\tC & D\t?\t\tctx of C & D end\nb/p.html\t#x\tA & B\t?\t\tctx of A & B end\n"
	if string(b) != want {
		t.Errorf("file:\n%s\nwant:\n%s", b, want)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "lgd-click-here.tsv"))
	if string(b) != labelsHeader+"\nc/p.html\t\there\t?\t\tctx of here end\n" {
		t.Errorf("new file:\n%q", b)
	}
	// a second run adds nothing
	if added, err := appendLabels(dir, sample, ctx); err != nil || len(added) != 0 {
		t.Errorf("second append added %v (%v)", added, err)
	}
	// a broken file stops the append, and is left as it is
	broken := labelsHeader + "\nonly\tthree\tfields\n"
	os.WriteFile(filepath.Join(dir, "lgd-click-here.tsv"), []byte(broken), 0o644)
	if _, err := appendLabels(dir, sample, ctx); err == nil || !strings.Contains(err.Error(), "lgd-click-here.tsv") {
		t.Errorf("append over a broken file: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "lgd-click-here.tsv")); string(b) != broken {
		t.Error("a broken file was changed")
	}
}

func TestMeasurePrecision(t *testing.T) {
	a := item("lgd-ampersand", "a/p.html", "#x", "A & B")
	b := item("lgd-ampersand", "b/p.html", "#y", "C & D")
	c := item("lgd-ampersand", "c/p.html", "#z", "E & F")
	d := item("lgd-click-here", "c/p.html", "", "here")
	pages := []judgedPage{{rel: "a/p.html", counts: map[string]int{"lgd-ampersand": 3}}, {rel: "b/p.html", counts: map[string]int{"lgd-ampersand": 1, "lgd-click-here": 0}}}
	labels := map[string][]judgedLabel{"lgd-ampersand": {
		{judgedKey: a.judgedKey, Label: "true"}, {judgedKey: b.judgedKey, Label: "debatable"},
		{judgedKey: judgedKey{Page: "gone.html"}, Label: "false"},
	}, "lgd-click-here": {{judgedKey: d.judgedKey, Label: "?"}}}
	res := measurePrecision(pages, map[string][]judgedItem{"lgd-ampersand": {a, b, c}, "lgd-click-here": {d}}, labels)
	if len(res.checks) != 2 {
		t.Fatalf("checks %+v", res.checks)
	}
	amp := res.checks[1] // catalogue order: lgd-click-here first
	if amp.CheckID != "lgd-ampersand" || amp.Findings != 4 || amp.PagesAffected != 2 || amp.Drawn != 3 || amp.True != 1 || amp.Debatable != 1 || amp.False != 0 {
		t.Errorf("ampersand %+v", amp)
	}
	if len(res.unlabelled["lgd-ampersand"]) != 1 || len(res.unjudged["lgd-click-here"]) != 1 || res.stale != 1 || res.drawn != 4 {
		t.Errorf("unlabelled %v unjudged %v stale %d drawn %d", res.unlabelled, res.unjudged, res.stale, res.drawn)
	}
	if v, ok := amp.precision(); !ok || v != 1 {
		t.Errorf("precision %v %v", v, ok)
	}
}

func TestJudgedContext(t *testing.T) {
	body := `<html><head><title>Bins | Council</title><script>var x = "no";</script></head><body>
	<nav>Home Menu</nav><main><h1>Bin collections</h1>
	<p id="p1">Put your bin out by 7am. For more information <a href="/x">click here</a> please.</p>
	<p hidden>secret</p><img src="a.png"><p>After the image.</p></main></body></html>`
	p := parsePage(PageInput{URL: "https://x.gov.uk/bins", Body: []byte(body), IsHTML: true, Status: 200})
	dt := newDOMText(p.doc.Nodes[0])
	if strings.Contains(dt.text, "secret") || strings.Contains(dt.text, "var x") || strings.Contains(dt.text, "Council") {
		t.Errorf("hidden, script or head text in the visible text: %q", dt.text)
	}
	link := judgedItem{judgedKey: judgedKey{Selector: p.selector(p.links[0].node), Snippet: "click here"}, messages: []string{"Link text says nothing"}, matched: []string{"click here"}}
	got := judgedContext(p, dt, link)
	if !strings.Contains(got, "Link text says nothing | matched: click here | text: ") || !strings.Contains(got, "For more information [[click here]] please.") {
		t.Errorf("context %q", got)
	}
	img := judgedItem{judgedKey: judgedKey{Selector: p.selector(p.imgs[0].node), Snippet: "a.png"}, messages: []string{"no alt"}}
	if got := judgedContext(p, dt, img); !strings.Contains(got, "please.[[]] After the image.") {
		t.Errorf("image context %q", got)
	}
	title := judgedItem{judgedKey: judgedKey{Snippet: "Bins | Council"}, messages: []string{"title"}}
	if got := judgedContext(p, dt, title); !strings.Contains(got, "(page title: Bins | Council)") || !strings.Contains(got, "Bin collections") {
		t.Errorf("page-level context %q", got)
	}
	long := strings.Repeat("word ", 200)
	if w := window(long, 500, 510, 150); len([]rune(w)) > 150*2+10+6 || !strings.HasPrefix(w, "…") || !strings.HasSuffix(w, "…") {
		t.Errorf("window %q", w)
	}
	if w := window("aé€b", 1, 3, 1); w != "a[[é]]€…" {
		t.Errorf("window by characters: %q", w)
	}
}

func TestParseMissesAndRanking(t *testing.T) {
	pages := map[string]bool{"york/a.html": true, "york/b.html": true}
	ms, err := parseMisses(missesHeader+"\nyork/a.html\tlgd-click-here\t Download  here\tLGD 1.4 \"links\"\tnote\n", pages)
	if err != nil || len(ms) != 1 || ms[0].Text != "Download here" || ms[0].Line != 2 {
		t.Fatalf("misses %+v %v", ms, err)
	}
	for _, bad := range []struct{ data, want string }{
		{"page\tcheck\ttext\n", "header"},
		{missesHeader + "\nyork/a.html\tc\tt\tr\n", "4 tab-separated fields"},
		{missesHeader + "\nyork/zz.html\tc\tt\tr\tn\n", "not a shared page"},
		{missesHeader + "\nyork/a.html\tc\t \tr\tn\n", "required"},
	} {
		if _, err := parseMisses(bad.data, pages); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("parseMisses(%q): %v, want %q", bad.data, err, bad.want)
		}
	}
	// comment lines before the header are skipped; line numbers still count them
	ms, err = parseMisses("# what this file is\n#\tand how it was made\n\n"+missesHeader+"\nyork/a.html\tc\tt\tr\tn\n", pages)
	if err != nil || len(ms) != 1 || ms[0].Line != 5 {
		t.Fatalf("misses after comments %+v %v", ms, err)
	}
	if _, err := parseMisses(missesHeader+"\n# a comment after the header is a row\n", pages); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a # line after the header: %v, want an error on line 2", err)
	}
	rk, err := parseRanking("# a ranking\n"+rankingHeader+"\nyork/a.html\t1\tbest\nyork/b.html\t1\ttied\n", pages)
	if err != nil || len(rk) != 2 || rk[1].Rank != 1 || rk[0].Line != 3 {
		t.Fatalf("ranking %+v %v", rk, err)
	}
	for _, bad := range []struct{ data, want string }{
		{"page\trank\n", "header"},
		{rankingHeader + "\nyork/a.html\t0\tn\n", "not a whole number"},
		{rankingHeader + "\nyork/a.html\tfirst\tn\n", "not a whole number"},
		{rankingHeader + "\nyork/a.html\t1\tn\nyork/a.html\t2\tn\n", "already ranked on line 2"},
		{rankingHeader + "\nyork/c.html\t1\tn\n", "not a shared page"},
	} {
		if _, err := parseRanking(bad.data, pages); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("parseRanking(%q): %v, want %q", bad.data, err, bad.want)
		}
	}
}

func TestMissFoundAndMeasure(t *testing.T) {
	fs := []Finding{
		{CheckID: "lgd-click-here", Snippet: "To apply, Click\n  HERE now", Matched: []string{"Click HERE"}},
		{CheckID: "lgd-small-numbers", Snippet: "…", Matched: []string{"3 bins"}},
	}
	pages := []judgedPage{{rel: "a.html", findings: fs}}
	misses := []judgedMiss{
		{Page: "a.html", Check: "lgd-click-here", Text: "click here now"}, // snippet, case and spaces aside
		{Page: "a.html", Check: "lgd-small-numbers", Text: "3 BINS"},      // matched words
		{Page: "a.html", Check: "lgd-ampersand", Text: "click here"},      // other check: not found
		{Page: "b.html", Check: "lgd-click-here", Text: "click here"},     // other page
		{Page: "a.html", Check: "lgd-proposed-check", Text: "and"},        // not in the catalogue
	}
	fig, notFound := measureMisses(pages, misses)
	if fig != (missFigures{Listed: 5, Found: 2, Proposed: 1}) || len(notFound) != 3 {
		t.Errorf("figures %+v, not found %d", fig, len(notFound))
	}
}

func TestMeasureRanking(t *testing.T) {
	mk := func(rel string, content, read float64, words int) judgedPage {
		var ss []Score
		if content >= 0 {
			ss = append(ss, Score{Category: CatContent, Score: content})
		}
		ss = append(ss, Score{Category: CatReadability, Score: read})
		return judgedPage{rel: rel, scores: ss, words: words}
	}
	pages := []judgedPage{mk("a", 90, 10, 100), mk("b", 80, 20, 200), mk("c", 70, 30, 300), mk("d", 60, 40, 400), mk("e", -1, 50, 500)}
	ranked := []judgedRanked{{Page: "a", Rank: 1}, {Page: "b", Rank: 2}, {Page: "c", Rank: 3}, {Page: "d", Rank: 4}, {Page: "e", Rank: 5}}
	fig := measureRanking(pages, ranked)
	if fig.ReaderPages != 4 || fig.ReaderLeftOut != 1 || fig.ReaderRho != 1 {
		t.Errorf("reader: %+v (best ranked page has the best score: +1)", fig)
	}
	if fig.WordsPages != 4 || fig.WordsLeftOut != 1 || fig.ContentWordsRho != -1 || fig.ReadabilityPages != 5 || fig.ReadabilityWordsRho != 1 {
		t.Errorf("words: %+v", fig)
	}
}

func TestEvaluationSourceAndMarkdown(t *testing.T) {
	ev := evaluation{Pages: 3, Drawn: 12, Checks: []checkPrecision{
		{CheckID: "lgd-ampersand", Findings: 20, PagesAffected: 2, Drawn: 10, True: 8, False: 1, Debatable: 1},
		{CheckID: "lgd-click-here", Findings: 2, PagesAffected: 1, Drawn: 2},
	}, Misses: missFigures{Listed: 4, Found: 3}, Ranking: rankingFigures{ReaderRho: math.NaN(), ContentWordsRho: -0.1234, ReadabilityWordsRho: 0.5}}
	src, err := evaluationSource(ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"// Code generated by go test ./scoring -run TestJudged -update; DO NOT EDIT.", `import "math"`, "ReaderRho: math.NaN()", "ContentWordsRho: -0.123,",
		`{CheckID: "lgd-ampersand", Findings: 20, PagesAffected: 2, Drawn: 10, True: 8, False: 1, Debatable: 1},`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("generated source lacks %q:\n%s", want, src)
		}
	}
	ev.Ranking.ReaderRho = 0.7
	if src, _ := evaluationSource(ev); strings.Contains(string(src), "import") {
		t.Error("math imported though no NaN")
	}
	m := CurrentMethod()
	m.Advisory = map[string]string{"lgd-click-here": "precision below the floor"}
	md := evaluationMarkdown(m, ev)
	for _, want := range []string{"| lgd-ampersand | 20 | 2 | 10 | 8 | 1 | 1 | 88.9% | scored |", "| lgd-click-here | 2 | 1 | 2 | 0 | 0 | 0 | not judged yet | advisory |",
		"| **all scored checks** | 20 |  | 10 | 8 | 1 | 1 | 88.9% |", "- **lgd-click-here**: precision below the floor", "Found: 3 of 4 (75%)", strconv.Quote(judgedSeed),
		"| content score and words read | 0 (0 left out) | -0.12 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	var click Check
	for _, c := range Catalog() {
		if c.ID == "lgd-click-here" {
			click = c
		}
	}
	if !strings.Contains(MethodMarkdown(m), "| lgd-click-here | content | page | "+strings.ReplaceAll(click.Description, "|", "\\|")+" | "+MeasurePerWords+" | 0 (advisory) |") {
		t.Error("the checks table does not show the advisory check's weight as 0 (advisory)")
	}
	part := checkPrecision{Drawn: 10, True: 3, False: 1}
	if got := precisionText(part); got != "75% (4 of 10 judged)" {
		t.Errorf("partly judged: %q", got)
	}
}

func TestAdvisoryWeightless(t *testing.T) {
	m := CurrentMethod()
	m.Advisory = map[string]string{"lgd-ampersand": "test"}
	checkAdvisoryWeightless(t, m)
	// and a check that is not advisory does move the scores
	s1 := m.Score([]CheckStat{{CheckID: "lgd-click-here", Category: CatContent, PagesTotal: 10, Words: 3000}, {CheckID: "lgd-ampersand", Category: CatContent, PagesTotal: 10, Words: 3000}})
	s2 := m.Score([]CheckStat{{CheckID: "lgd-click-here", Category: CatContent, PagesTotal: 10, PagesAffected: 10, Findings: 99, Words: 3000}, {CheckID: "lgd-ampersand", Category: CatContent, PagesTotal: 10, Words: 3000}})
	a, _ := scoreOf(s1, CatContent, "")
	b, _ := scoreOf(s2, CatContent, "")
	if a == b {
		t.Error("a scored check does not move its category score")
	}
	if v, ok := scoreOf(m.Score([]CheckStat{{CheckID: "lgd-ampersand", Category: CatContent, PagesTotal: 10, PagesAffected: 5, Findings: 5, Words: 3000}}), CatContent, "lgd-ampersand"); !ok || v <= 0 {
		t.Error("an advisory check should still get its own check score, shown beside the findings")
	}
}

// TestJudgedTSVIndependentReader reads the committed judged data files with
// awk (Debian's mawk or gawk), not with our parser: every row of a label
// file has exactly the header's six tab-separated fields.
func TestJudgedTSVIndependentReader(t *testing.T) {
	awk, err := exec.LookPath("awk")
	if err != nil {
		t.Skip("awk not installed (Debian: mawk): cannot check the TSV files with an independent reader")
	}
	files, _ := filepath.Glob(filepath.Join(judgedLabelsDir, "*.tsv"))
	if len(files) == 0 {
		t.Fatalf("no label files in %s", judgedLabelsDir)
	}
	for _, f := range append(files, judgedMisses, judgedRanking) {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		want := map[string]int{judgedMisses: 5, judgedRanking: 3}[f]
		if want == 0 {
			want = 6
		}
		out, err := exec.Command(awk, "-F", "\t", `!head && /^#/ { next } NF > 0 { head = 1 } NF > 0 && NF != `+strconv.Itoa(want)+` { bad++ } NF > 0 { rows++ } END { print rows+0, bad+0 }`, f).Output()
		if err != nil {
			t.Fatalf("awk %s: %v", f, err)
		}
		var rows, bad int
		fmt.Sscan(string(out), &rows, &bad)
		data, _ := os.ReadFile(f)
		var parsed int
		switch f {
		case judgedMisses:
			ms, err := parseMisses(string(data), nil)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			parsed = len(ms)
		case judgedRanking:
			rk, err := parseRanking(string(data), nil)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			parsed = len(rk)
		default:
			ls, err := parseLabels(string(data))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			parsed = len(ls)
		}
		if bad != 0 || rows != parsed+1 {
			t.Errorf("%s: awk reads %d lines (%d without %d fields); our parser %d rows plus the header", f, rows, bad, want, parsed)
		}
	}
}

func TestQuartiles(t *testing.T) {
	q1, med, q3 := quartiles([]float64{40, 10, 30, 20, 50})
	if q1 != 20 || med != 30 || q3 != 40 {
		t.Errorf("quartiles of 10..50 = %v %v %v, want 20 30 40", q1, med, q3)
	}
	q1, med, q3 = quartiles([]float64{1, 2, 3, 4})
	if q1 != 1.75 || med != 2.5 || q3 != 3.25 {
		t.Errorf("quartiles of 1..4 = %v %v %v, want 1.75 2.5 3.25", q1, med, q3)
	}
	if q1, _, _ := quartiles(nil); !math.IsNaN(q1) {
		t.Errorf("quartiles of nothing = %v, want NaN", q1)
	}
}
