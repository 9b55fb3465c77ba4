package scoring

import (
	"fmt"
	"math"
	"strings"
)

// The audit of the judged set: an independent auditor re-judged a random
// sample of the labelled findings, blind to the labels
// (testdata/judged/audit.tsv). How often the auditor and the labels agree,
// and the precision with the auditor's labels where they differ, are
// published figures (precision_gen.go, rendered into docs/METHOD.md), not
// floors: nothing is asserted about them beyond that they are computed from
// the file.

// Audit batches: which labelling a label row comes from
// (testdata/judged/batches.tsv).
const (
	batchReaders = "readers-2026.1" // the four readers, on the 2026.1 engine, before any rule changed
	batchMethod  = "method-2026.2"  // labelled while method 2026.2 was written
)

// auditLabels are the labels in the order of the agreement tables.
var auditLabels = [3]string{"true", "false", "debatable"}

// auditFigures are what the audit measured.
type auditFigures struct {
	Groups []auditGroup // readers-2026.1, method-2026.2, then all rows
	// InSample counts the audited rows drawn in the judged set now (only
	// those count in the precision).
	InSample int
	// Precision is over the judged findings of the scored checks, with the
	// auditor's label for every audited row that is drawn.
	Precision checkPrecision
	// Changed are the checks whose true, false and debatable counts the
	// auditor's labels change: before (the labels) and after.
	Changed []auditChange
}

// auditGroup compares the auditor's labels with the labels over a set of
// rows.
type auditGroup struct {
	Batch string // batchReaders, batchMethod, or "" for all rows
	Rows  int
	Agree int
	Kappa float64 // Cohen's kappa over true, false and debatable; NaN when undefined
	// Confusion[i][j] counts rows labelled auditLabels[i] that the auditor
	// labels auditLabels[j].
	Confusion [3][3]int
}

// TrueFalse counts rows the label calls true and the auditor false;
// FalseTrue the reverse.
func (g auditGroup) TrueFalse() int { return g.Confusion[0][1] }
func (g auditGroup) FalseTrue() int { return g.Confusion[1][0] }

// auditChange is one check's judged counts with the labels and with the
// auditor's labels where they differ.
type auditChange struct {
	CheckID       string
	Before, After checkPrecision
}

// cohenKappa is Cohen's kappa of a square confusion matrix: the agreement
// beyond what the two raters' label frequencies give by chance,
// (po - pe) / (1 - pe). NaN when there are no rows, or when chance alone
// gives full agreement (both raters use one and the same label).
func cohenKappa(c [3][3]int) float64 {
	n := 0
	var rows, cols [3]int
	agree := 0
	for i := range c {
		for j := range c[i] {
			n += c[i][j]
			rows[i] += c[i][j]
			cols[j] += c[i][j]
		}
		agree += c[i][i]
	}
	if n == 0 {
		return math.NaN()
	}
	po := float64(agree) / float64(n)
	pe := 0.0
	for k := range rows {
		pe += float64(rows[k]) / float64(n) * float64(cols[k]) / float64(n)
	}
	if pe >= 1 {
		return math.NaN()
	}
	return (po - pe) / (1 - pe)
}

// auditMarkdown is the METHOD.md paragraph on the audit ("" when there is
// none).
func auditMarkdown(m Method, ev evaluation) string {
	a := ev.Audit
	if len(a.Groups) == 0 {
		return ""
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	all := a.Groups[len(a.Groups)-1]
	p("**Is the judging itself right? An audit.** An independent auditor re-judged %d labelled findings drawn at random from the set, without seeing the labels (`scoring/testdata/judged/audit.tsv`, same key as the label files). ", all.Rows)
	p("The rows are split by who labelled them (`scoring/testdata/judged/batches.tsv`): the four readers who judged the 2026.1 engine before any rule changed, and the labels written while method 2026.2 was written, by the people who were changing the rules. ")
	p("Agreement is the share of rows where the auditor gives the same label; Cohen's kappa is that agreement beyond what chance gives, over true, false and debatable (1 is full agreement, 0 no better than chance). ")
	p("These are published figures, not floors: no test holds them to a value.\n\n")
	p("| rows labelled by | rows | agree | agreement | Cohen's kappa | label true, auditor false | label false, auditor true |\n|---|---|---|---|---|---|---|\n")
	for _, g := range a.Groups {
		name := "all audited rows"
		switch g.Batch {
		case batchReaders:
			name = "the four readers (2026.1)"
		case batchMethod:
			name = "while 2026.2 was written"
		}
		p("| %s | %d | %d | %s | %s | %d | %d |\n", name, g.Rows, g.Agree, pctOf(g.Agree, g.Rows), kappaText(g.Kappa), g.TrueFalse(), g.FalseTrue())
	}
	before, _ := ev.overallPrecision(m)
	p("\nWith the auditor's label in place of the label wherever they differ (%d of the audited rows are drawn in the set now; the others no longer count), ", a.InSample)
	p("the precision over the judged findings of all scored checks is %s (%d true, %d false, %d debatable), against %s with the labels.",
		precisionText(a.Precision), a.Precision.True, a.Precision.False, a.Precision.Debatable, precisionText(before))
	if len(a.Changed) == 0 {
		p(" No check's counts change.\n\n")
		return b.String()
	}
	p(" The checks whose counts change:\n\n")
	p("| check | status | labels: true / false / debatable | precision | auditor's where they differ | precision |\n|---|---|---|---|---|---|\n")
	for _, c := range a.Changed {
		status := "scored"
		if _, adv := m.Advisory[c.CheckID]; adv {
			status = "advisory"
		}
		p("| %s | %s | %d / %d / %d | %s | %d / %d / %d | %s |\n", c.CheckID, status, c.Before.True, c.Before.False, c.Before.Debatable, precisionText(c.Before),
			c.After.True, c.After.False, c.After.Debatable, precisionText(c.After))
	}
	var below []string
	for _, c := range a.Changed {
		if _, adv := m.Advisory[c.CheckID]; adv {
			continue
		}
		if v, ok := c.After.precision(); ok && v < judgedFloorCheck {
			below = append(below, fmt.Sprintf("%s (%s)", c.CheckID, precisionText(c.After)))
		}
	}
	if len(below) > 0 {
		p("\nScored checks that would be below the floor of %s for a scored check with the auditor's labels: %s.\n", pct(judgedFloorCheck), strings.Join(below, ", "))
	}
	p("\n")
	return b.String()
}

func pctOf(k, n int) string {
	if n == 0 {
		return "none"
	}
	return pct(round3(float64(k) / float64(n)))
}

func kappaText(k float64) string {
	if math.IsNaN(k) {
		return "undefined"
	}
	return fmt.Sprintf("%.2f", k)
}
