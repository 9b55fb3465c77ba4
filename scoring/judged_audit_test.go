package scoring

// The audit of the judged set (see evaluation_audit.go): parsing the
// auditor's file and the batches file, and measuring the agreement and the
// precision with the auditor's labels. Nothing here asserts a value of the
// figures: they are published as measured.

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

var (
	judgedAudit   = filepath.Join(judgedDir, "audit.tsv")
	judgedBatches = filepath.Join(judgedDir, "batches.tsv")
)

const (
	auditHeader   = "page\tcheck\tselector\tsnippet\tlabel\treason"
	batchesHeader = "check\tpage\tselector\tsnippet\tbatch"
)

// auditRow is one row of the auditor's file.
type auditRow struct {
	Check string
	judgedKey
	Label, Reason string
	Line          int
}

// parseAudit reads the auditor's file: every row labelled true, false or
// debatable with a reason, each key once.
func parseAudit(data string) ([]auditRow, error) {
	lines, nums := tsvLines(data)
	if len(lines) == 0 || lines[0] != auditHeader {
		return nil, fmt.Errorf("want the header %q", auditHeader)
	}
	var out []auditRow
	seen := map[string]int{}
	for i, l := range lines[1:] {
		n := nums[i+1]
		f := strings.Split(l, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("line %d: %d tab-separated fields, want 6 (%s)", n, len(f), auditHeader)
		}
		r := auditRow{Check: strings.TrimSpace(f[1]), judgedKey: judgedKey{Page: normField(f[0]), Selector: normField(f[2]), Snippet: normField(f[3])},
			Label: strings.TrimSpace(f[4]), Reason: strings.TrimSpace(f[5]), Line: n}
		switch {
		case r.Page == "" || r.Check == "":
			return nil, fmt.Errorf("line %d: no page or check", n)
		case r.Label != "true" && r.Label != "false" && r.Label != "debatable":
			return nil, fmt.Errorf("line %d: label %q is not true, false or debatable", n, r.Label)
		case r.Reason == "":
			return nil, fmt.Errorf("line %d: label without a reason", n)
		}
		k := r.Check + "\n" + r.Page + "\n" + r.Selector + "\n" + r.Snippet
		if prev, dup := seen[k]; dup {
			return nil, fmt.Errorf("line %d: same check, page, selector and snippet as line %d", n, prev)
		}
		seen[k] = n
		out = append(out, r)
	}
	return out, nil
}

// parseBatches reads which labelling each label row comes from, by check
// and key.
func parseBatches(data string) (map[string]map[judgedKey]string, error) {
	lines, nums := tsvLines(data)
	if len(lines) == 0 || lines[0] != batchesHeader {
		return nil, fmt.Errorf("want the header %q", batchesHeader)
	}
	out := map[string]map[judgedKey]string{}
	for i, l := range lines[1:] {
		n := nums[i+1]
		f := strings.Split(l, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: %d tab-separated fields, want 5 (%s)", n, len(f), batchesHeader)
		}
		check, b := strings.TrimSpace(f[0]), strings.TrimSpace(f[4])
		if b != batchReaders && b != batchMethod {
			return nil, fmt.Errorf("line %d: batch %q is not %s or %s", n, b, batchReaders, batchMethod)
		}
		k := judgedKey{Page: normField(f[1]), Selector: normField(f[2]), Snippet: normField(f[3])}
		if out[check] == nil {
			out[check] = map[judgedKey]string{}
		}
		if _, dup := out[check][k]; dup {
			return nil, fmt.Errorf("line %d: %s row listed twice", n, check)
		}
		out[check][k] = b
	}
	return out, nil
}

func labelIndexOf(l string) int {
	for i, v := range auditLabels {
		if v == l {
			return i
		}
	}
	return -1
}

// measureAudit compares the audit with the labels, split by batch, and
// measures the precision of the judged set (sample, as drawn now) with
// the auditor's label where it differs. Every audited row must have a
// label that is judged, and a batch.
func measureAudit(m Method, pages []judgedPage, sample map[string][]judgedItem, labels map[string][]judgedLabel, audit []auditRow, batches map[string]map[judgedKey]string) (auditFigures, error) {
	var a auditFigures
	groups := map[string]*auditGroup{batchReaders: {Batch: batchReaders}, batchMethod: {Batch: batchMethod}}
	all := &auditGroup{}
	audited := map[string]map[judgedKey]string{} // check -> key -> the auditor's label
	for _, r := range audit {
		l, ok := labelIndex(labels[r.Check])[r.judgedKey]
		if !ok {
			return a, fmt.Errorf("%s line %d: %s %s has no label row", judgedAudit, r.Line, r.Check, r.Page)
		}
		i, j := labelIndexOf(l.Label), labelIndexOf(r.Label)
		if i < 0 {
			return a, fmt.Errorf("%s line %d: its label row is %q, not judged", judgedAudit, r.Line, l.Label)
		}
		b, ok := batches[r.Check][r.judgedKey]
		if !ok {
			return a, fmt.Errorf("%s line %d: %s %s is not in %s: say which labelling its label row comes from", judgedAudit, r.Line, r.Check, r.Page, judgedBatches)
		}
		for _, g := range []*auditGroup{groups[b], all} {
			g.Rows++
			g.Confusion[i][j]++
			if i == j {
				g.Agree++
			}
		}
		if audited[r.Check] == nil {
			audited[r.Check] = map[judgedKey]string{}
		}
		audited[r.Check][r.judgedKey] = r.Label
	}
	for _, g := range []*auditGroup{groups[batchReaders], groups[batchMethod], all} {
		g.Kappa = cohenKappa(g.Confusion)
		a.Groups = append(a.Groups, *g)
	}
	// The labels with the auditor's in place where they differ.
	relabelled := map[string][]judgedLabel{}
	for id, ls := range labels {
		out := make([]judgedLabel, len(ls))
		for i, l := range ls {
			if v, ok := audited[id][l.judgedKey]; ok {
				l.Label = v
			}
			out[i] = l
		}
		relabelled[id] = out
	}
	for id, items := range sample {
		for _, it := range items {
			if _, ok := audited[id][it.judgedKey]; ok {
				a.InSample++
			}
		}
	}
	before := measurePrecision(pages, sample, labels)
	after := measurePrecision(pages, sample, relabelled)
	ev := evaluation{Checks: after.checks}
	a.Precision, _ = ev.overallPrecision(m)
	for i, c := range after.checks {
		b := before.checks[i]
		if b.True != c.True || b.False != c.False || b.Debatable != c.Debatable {
			a.Changed = append(a.Changed, auditChange{CheckID: c.CheckID, Before: b, After: c})
		}
	}
	return a, nil
}

// measureAuditFiles reads the audit and batches files and measures the
// audit (no figures when there is no audit file).
func measureAuditFiles(m Method, pages []judgedPage, sample map[string][]judgedItem, labels map[string][]judgedLabel) (auditFigures, error) {
	data, ok, err := readTSV(judgedAudit)
	if err != nil || !ok {
		return auditFigures{}, err
	}
	audit, err := parseAudit(data)
	if err != nil {
		return auditFigures{}, fmt.Errorf("%s: %w", judgedAudit, err)
	}
	bdata, ok, err := readTSV(judgedBatches)
	if err != nil {
		return auditFigures{}, err
	}
	if !ok {
		return auditFigures{}, fmt.Errorf("%s is missing: the audit is split by which labelling each row comes from", judgedBatches)
	}
	batches, err := parseBatches(bdata)
	if err != nil {
		return auditFigures{}, fmt.Errorf("%s: %w", judgedBatches, err)
	}
	return measureAudit(m, pages, sample, labels, audit, batches)
}

// auditSource writes a as Go source for precision_gen.go.
func auditSource(a auditFigures) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	prec := func(c checkPrecision) string {
		return fmt.Sprintf("checkPrecision{CheckID: %q, Findings: %d, PagesAffected: %d, Drawn: %d, True: %d, False: %d, Debatable: %d}",
			c.CheckID, c.Findings, c.PagesAffected, c.Drawn, c.True, c.False, c.Debatable)
	}
	p("Audit: auditFigures{\nGroups: []auditGroup{\n")
	for _, g := range a.Groups {
		p("{Batch: %q, Rows: %d, Agree: %d, Kappa: %s, Confusion: [3][3]int{", g.Batch, g.Rows, g.Agree, goFloat(g.Kappa))
		for i, row := range g.Confusion {
			if i > 0 {
				p(", ")
			}
			p("{%d, %d, %d}", row[0], row[1], row[2])
		}
		p("}},\n")
	}
	p("},\nInSample: %d,\nPrecision: %s,\n", a.InSample, prec(a.Precision))
	if len(a.Changed) > 0 {
		p("Changed: []auditChange{\n")
		for _, c := range a.Changed {
			p("{CheckID: %q, Before: %s, After: %s},\n", c.CheckID, prec(c.Before), prec(c.After))
		}
		p("},\n")
	}
	p("},\n")
	return b.String()
}

// TestCohenKappa: the textbook cases.
func TestCohenKappa(t *testing.T) {
	for _, c := range []struct {
		name string
		m    [3][3]int
		want float64
	}{
		{"full agreement", [3][3]int{{5, 0, 0}, {0, 3, 0}, {0, 0, 2}}, 1},
		// Two raters, yes/no, 50 items: 20 both yes, 15 both no, 5 and 10
		// apart: po 0.7, pe 0.5, kappa 0.4 (Wikipedia's worked example).
		{"two labels", [3][3]int{{20, 5, 0}, {10, 15, 0}, {0, 0, 0}}, 0.4},
		{"agreement no better than chance", [3][3]int{{1, 1, 0}, {1, 1, 0}, {0, 0, 0}}, 0},
	} {
		if got := cohenKappa(c.m); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: kappa %v, want %v", c.name, got, c.want)
		}
	}
	if k := cohenKappa([3][3]int{{4, 0, 0}}); !math.IsNaN(k) {
		t.Errorf("one label used by both: kappa %v, want NaN (undefined)", k)
	}
	if k := cohenKappa([3][3]int{}); !math.IsNaN(k) {
		t.Errorf("no rows: kappa %v, want NaN", k)
	}
}

// TestAuditMeasured: the audit is measured from the rows as given: split
// by batch, with the counts of true turned false and false turned true,
// and the precision recomputed with the auditor's labels.
func TestAuditMeasured(t *testing.T) {
	k := func(s string) judgedKey { return judgedKey{Page: "p/" + s + ".html", Snippet: s} }
	labels := map[string][]judgedLabel{
		"lgd-click-here": {{judgedKey: k("a"), Label: "true"}, {judgedKey: k("b"), Label: "true"}, {judgedKey: k("c"), Label: "false"}, {judgedKey: k("d"), Label: "debatable"}},
	}
	batches := map[string]map[judgedKey]string{"lgd-click-here": {k("a"): batchReaders, k("b"): batchMethod, k("c"): batchMethod, k("d"): batchMethod}}
	audit := []auditRow{
		{Check: "lgd-click-here", judgedKey: k("a"), Label: "true"},
		{Check: "lgd-click-here", judgedKey: k("b"), Label: "false"},
		{Check: "lgd-click-here", judgedKey: k("c"), Label: "true"},
		{Check: "lgd-click-here", judgedKey: k("d"), Label: "debatable"},
	}
	sample := map[string][]judgedItem{"lgd-click-here": {{Check: "lgd-click-here", judgedKey: k("a")}, {Check: "lgd-click-here", judgedKey: k("b")}, {Check: "lgd-click-here", judgedKey: k("c")}}}
	a, err := measureAudit(CurrentMethod(), nil, sample, labels, audit, batches)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Groups) != 3 {
		t.Fatalf("groups %+v", a.Groups)
	}
	r, mth, all := a.Groups[0], a.Groups[1], a.Groups[2]
	if r.Batch != batchReaders || r.Rows != 1 || r.Agree != 1 || mth.Rows != 3 || mth.Agree != 1 || mth.TrueFalse() != 1 || mth.FalseTrue() != 1 ||
		all.Rows != 4 || all.Agree != 2 || all.TrueFalse() != 1 || all.FalseTrue() != 1 {
		t.Errorf("groups %+v", a.Groups)
	}
	// Drawn a, b, c: labels 2 true 1 false; auditor 2 true (a, c) 1 false (b).
	if a.InSample != 3 || a.Precision.True != 2 || a.Precision.False != 1 || len(a.Changed) != 0 {
		t.Errorf("in sample %d, precision %+v, changed %+v", a.InSample, a.Precision, a.Changed)
	}
	audit[2].Label = "debatable" // c: false -> debatable
	if a, err = measureAudit(CurrentMethod(), nil, sample, labels, audit, batches); err != nil {
		t.Fatal(err)
	}
	// a true, b false and c debatable (the auditor's), against 2 true and 1 false
	if a.Precision.True != 1 || a.Precision.False != 1 || a.Precision.Debatable != 1 {
		t.Errorf("precision with the auditor's labels %+v, want 1 true, 1 false, 1 debatable", a.Precision)
	}
	if len(a.Changed) != 1 || a.Changed[0].Before.True != 2 || a.Changed[0].Before.False != 1 || a.Changed[0].After.Debatable != 1 {
		t.Errorf("changed %+v", a.Changed)
	}
	delete(batches["lgd-click-here"], k("d"))
	if _, err := measureAudit(CurrentMethod(), nil, sample, labels, audit, batches); err == nil || !strings.Contains(err.Error(), "batches.tsv") {
		t.Errorf("an audited row with no batch: %v, want an error naming batches.tsv", err)
	}
}

// TestAuditFilesParse: the committed audit and batches files parse, and
// every audited row has a judged label and a batch (the published figures are
// computed from them by TestJudgedFigures, which needs the shared pages).
func TestAuditFilesParse(t *testing.T) {
	data, ok, err := readTSV(judgedAudit)
	if err != nil || !ok {
		t.Fatalf("%s: %v (present %v)", judgedAudit, err, ok)
	}
	audit, err := parseAudit(data)
	if err != nil {
		t.Fatal(err)
	}
	bdata, ok, err := readTSV(judgedBatches)
	if err != nil || !ok {
		t.Fatalf("%s: %v (present %v)", judgedBatches, err, ok)
	}
	batches, err := parseBatches(bdata)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := loadLabels(judgedLabelsDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := measureAudit(CurrentMethod(), nil, nil, labels, audit, batches); err != nil {
		t.Error(err)
	}
}
