package dashboard

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// What a web team works from, computed from the read model's rows (pure):
// the points each check costs a council's site score, the checks to fix
// first, the peers that do best on a check, what changed between two runs,
// the demo marks, and the search of the register.

// checkCost is what one check costs a council's site score.
type checkCost struct {
	Points float64 // points of the site score (out of 100) lost to the check
	Share  float64 // its share of all the points the site loses (0 to 1)
}

// checkCosts shares out the points a site score loses among the checks.
// The overall score is the weighted mean of the category scores (category
// weights from the method); a category's lost points (100 minus its stored
// score, weighted) are shared among its scored checks by weight times
// points lost (check weights from the method; a check that weighs 0, such
// as an advisory one, costs nothing). The costs add up to 100 minus the
// site score whatever the method does within a category (a floor, a
// different mean), because they start from the stored category scores.
func checkCosts(m scoring.Method, cats []CatScore, results []data.CheckResult) map[string]checkCost {
	out := map[string]checkCost{}
	var cwSum float64
	catScore := map[string]float64{}
	for _, c := range cats {
		if c.Has {
			cwSum += m.CategoryWeight(c.Category)
			catScore[c.Category] = c.Score
		}
	}
	if cwSum <= 0 {
		return out
	}
	lossIn := map[string]float64{} // category -> sum of weight x points lost
	for _, r := range results {
		if _, ok := catScore[r.Category]; ok && r.HasScore && r.PagesTotal > 0 {
			lossIn[r.Category] += m.CheckWeight(r.CheckID) * math.Max(0, 100-r.Score)
		}
	}
	var total float64
	for _, r := range results {
		cs, ok := catScore[r.Category]
		if !ok || !r.HasScore || r.PagesTotal <= 0 || lossIn[r.Category] <= 0 {
			continue
		}
		w := m.CheckWeight(r.CheckID) * math.Max(0, 100-r.Score)
		if w <= 0 {
			continue
		}
		catLoss := m.CategoryWeight(r.Category) / cwSum * math.Max(0, 100-cs)
		pts := catLoss * w / lossIn[r.Category]
		out[r.CheckID] = checkCost{Points: pts}
		total += pts
	}
	if total > 0 {
		for id, c := range out {
			c.Share = c.Points / total
			out[id] = c
		}
	}
	return out
}

// fixFirstMax is how many checks the fix-first list shows.
const fixFirstMax = 5

// fixFirstIDs ranks the checks that cost the most points, most first,
// leaving out those that cost less than a twentieth of a point.
func fixFirstIDs(costs map[string]checkCost) []string {
	var ids []string
	for id, c := range costs {
		if c.Points >= 0.05 {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := costs[ids[i]], costs[ids[j]]
		if a.Points != b.Points {
			return a.Points > b.Points
		}
		return ids[i] < ids[j]
	})
	if len(ids) > fixFirstMax {
		ids = ids[:fixFirstMax]
	}
	return ids
}

// peerBest is a council that does well on a check, with its result.
type peerBest struct {
	Council data.Council
	Result  data.CheckResult
}

// peersPerType is how many best peers of each type a check keeps.
const peersPerType = 3

func typeKey(c data.Council) string { return strings.ToLower(c.Type) }

// bestPeers picks, for each check and type of council, the councils that do
// best on it in a run: those it applied to, highest check score first, then
// fewest findings, then most pages checked.
func bestPeers(results []data.CheckResult, names map[string]data.Council) map[string]map[string][]peerBest {
	byCheck := map[string]map[string][]peerBest{}
	for _, r := range results {
		co, ok := names[r.Council]
		if !ok || !r.HasScore || r.PagesTotal <= 0 {
			continue
		}
		if byCheck[r.CheckID] == nil {
			byCheck[r.CheckID] = map[string][]peerBest{}
		}
		k := typeKey(co)
		byCheck[r.CheckID][k] = append(byCheck[r.CheckID][k], peerBest{Council: co, Result: r})
	}
	for _, byType := range byCheck {
		for k, ps := range byType {
			sort.SliceStable(ps, func(i, j int) bool {
				a, b := ps[i].Result, ps[j].Result
				if a.Score != b.Score {
					return a.Score > b.Score
				}
				if a.Findings != b.Findings {
					return a.Findings < b.Findings
				}
				if a.PagesTotal != b.PagesTotal {
					return a.PagesTotal > b.PagesTotal
				}
				return ps[i].Council.Name < ps[j].Council.Name
			})
			// Keep one more than shown: a council's own entry is skipped.
			if len(ps) > peersPerType+1 {
				ps = ps[:peersPerType+1]
			}
			byType[k] = ps
		}
	}
	return byCheck
}

// peersFor returns up to peersPerType best councils of co's type on a
// check that score better on it than co does (own), co itself left out:
// a peer doing no better has nothing to teach.
func (cm *crawlModel) peersFor(checkID string, co data.Council, own float64) []peerBest {
	var out []peerBest
	for _, p := range cm.peerBest[checkID][typeKey(co)] {
		if p.Council.Code != co.Code && p.Result.Score > own && len(out) < peersPerType {
			out = append(out, p)
		}
	}
	return out
}

// checkChange is how one check of a council changed between two runs.
type checkChange struct {
	Check          scoring.Check
	Before, After  float64
	Change         float64
	FindingsBefore int
	FindingsAfter  int
}

// checkChanges compares a council's check scores in two runs (checks scored
// in both), biggest change first; better and worse apart.
func checkChanges(cat catalogue, before, after []data.CheckResult) (better, worse []checkChange) {
	prev := map[string]data.CheckResult{}
	for _, r := range before {
		if r.HasScore && r.PagesTotal > 0 {
			prev[r.CheckID] = r
		}
	}
	for _, r := range after {
		p, ok := prev[r.CheckID]
		if !ok || !r.HasScore || r.PagesTotal <= 0 {
			continue
		}
		d := round1(r.Score - p.Score)
		if math.Abs(d) < 0.05 {
			continue
		}
		ch := checkChange{Check: cat.checkBy[r.CheckID], Before: p.Score, After: r.Score, Change: d,
			FindingsBefore: p.Findings, FindingsAfter: r.Findings}
		if ch.Check.ID == "" {
			ch.Check = scoring.Check{ID: r.CheckID, Category: r.Category}
		}
		if d > 0 {
			better = append(better, ch)
		} else {
			worse = append(worse, ch)
		}
	}
	sort.SliceStable(better, func(i, j int) bool { return better[i].Change > better[j].Change })
	sort.SliceStable(worse, func(i, j int) bool { return worse[i].Change < worse[j].Change })
	return better, worse
}

// previousSameMethod returns the newest run before run (in runs, newest
// first) in which the council was scored under the same method.
func previousSameMethod(runs []data.Run, scores map[string]map[string]map[string]float64, mv map[string]map[string]string, runID, code string) (data.Run, bool) {
	method := mv[runID][code]
	seen := false
	for _, r := range runs {
		if r.ID == runID {
			seen = true
			continue
		}
		if !seen {
			continue
		}
		if _, ok := scores[r.ID][code][scoring.CategoryOverall]; ok && mv[r.ID][code] == method {
			return r, true
		}
	}
	return data.Run{}, false
}

// demoMarks says what demo data a set of runs holds.
type demoMarks struct {
	Crawl     bool // a run shown is a demo run
	Simulated bool // a run shown is kept only to simulate a trend
}

// runsDemo marks the runs a model shows: the recent runs with scores and
// any run in progress.
func runsDemo(shown, all []data.Run) demoMarks {
	var d demoMarks
	for _, r := range shown {
		d.Crawl = d.Crawl || r.Demo
		d.Simulated = d.Simulated || r.IsSimulated()
	}
	for _, r := range all {
		if r.Running() && r.Demo {
			d.Crawl = true
		}
	}
	return d
}

// simulatedTrend reports whether a trend shows a simulated run, or more
// than one demo run (the same saved pages crawled again: never a real
// change over time).
func simulatedTrend(pts []TrendPoint) bool {
	demo := 0
	for _, p := range pts {
		if p.Run.IsSimulated() {
			return true
		}
		if p.Run.Demo {
			demo++
		}
	}
	return demo > 1
}

// ---- finding any council ----

// genericWords are the words of council names a search may leave out:
// "Leeds" finds "Leeds City Council".
var genericWords = map[string]bool{"council": true, "city": true, "borough": true, "district": true, "county": true,
	"metropolitan": true, "of": true, "the": true, "and": true, "royal": true, "cyngor": true, "comhairle": true}

// searchTokens folds a text into lower-case words of letters and digits
// ("&" is "and", accents kept as they are).
func searchTokens(s string) []string {
	s = strings.ReplaceAll(strings.ToLower(s), "&", " and ")
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// councilHaystack is every word a council can be found by: its name, code,
// register code, region, nation, parent county and website address.
func councilHaystack(c data.Council) []string {
	var out []string
	for _, s := range []string{c.Name, c.Code, c.Region, c.Nation, c.ParentCounty, c.HomepageURL, c.Type} {
		out = append(out, searchTokens(s)...)
	}
	return out
}

// matchCouncil reports whether a search matches a council: every word of
// the search (generic words of council names aside, unless the search has
// nothing else) starts a word the council is found by. A code matches
// whole, in any case.
func matchCouncil(q string, c data.Council) bool {
	return newCouncilSearch(q).matches(c.Code, councilHaystack(c))
}

// councilSearch is a search folded once, to match many councils with
// (registerIndex.matches reads their words from the register's index).
type councilSearch struct {
	text  string   // as typed, trimmed: a council's code matches it whole
	words []string // the words every one of which must start a council's word
}

func newCouncilSearch(q string) councilSearch {
	s := councilSearch{text: strings.TrimSpace(q)}
	words := searchTokens(s.text)
	for _, w := range words {
		if !genericWords[w] {
			s.words = append(s.words, w)
		}
	}
	if len(s.words) == 0 {
		s.words = words
	}
	return s
}

// empty: nothing was searched for.
func (s councilSearch) empty() bool { return s.text == "" }

// matches reports whether the search matches the council of code, found
// by the words hay (councilHaystack).
func (s councilSearch) matches(code string, hay []string) bool {
	if s.text != "" && strings.EqualFold(s.text, code) {
		return true
	}
	if len(s.words) == 0 {
		return false
	}
	for _, w := range s.words {
		found := false
		for _, h := range hay {
			if strings.HasPrefix(h, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
