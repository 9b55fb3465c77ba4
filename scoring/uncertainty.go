package scoring

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
)

// How sure a site's score is. A site is scored from a sample of its pages;
// another sample would give another score. The bootstrap estimates how
// much: it redraws the site's pages with replacement many times, scores
// each redraw, and takes the middle 90% (or 95%) of those scores as the
// interval. Site-level checks (HTTPS, the statement, top tasks) are judged
// once for the site and are not redrawn. Ranks then say how sure they are
// (RankBands). Everything here is pure and seeded: the same input gives the
// same interval.

// Bootstrap sets up SiteScoreInterval. Zero values take the defaults.
type Bootstrap struct {
	Samples  int     // redraws (default 1000)
	Level    float64 // share of the redrawn scores inside the interval: 0.9 (default) or 0.95
	Seed     uint64  // seed of the redraws (the same seed gives the same interval)
	MinPages int     // a site with fewer pages is too few to tell (default 5)
}

func (b Bootstrap) withDefaults() Bootstrap {
	if b.Samples <= 0 {
		b.Samples = 1000
	}
	if b.Level <= 0 || b.Level >= 1 {
		b.Level = 0.9
	}
	if b.MinPages <= 0 {
		b.MinPages = 5
	}
	return b
}

// ScoreInterval is a site score (overall, or one category) with its
// bootstrap interval.
type ScoreInterval struct {
	Category    string  // CategoryOverall or a category
	Score       float64 // from all the site's pages
	Low, High   float64 // the interval (Level of the redrawn scores)
	Level       float64
	Pages       int
	TooFew      bool // fewer pages than Bootstrap.MinPages: too few to tell
	Unavailable bool // no redraw gave this category a score
}

// SiteScoreInterval scores a site from the statistics of its pages (one
// []CheckStat per page, as Engine.PageStats gives them for each page's
// PageResult.Summary) and of its site-level checks (judged once for the
// site; SiteResult.Stats may be passed whole: its page-level totals are
// left out, the pages give them), and bootstraps over the pages: the
// overall score and each category's, each with its interval. Categories are
// in Categories() order, then the overall score.
func (m Method) SiteScoreInterval(pages [][]CheckStat, site []CheckStat, b Bootstrap) []ScoreInterval {
	b = b.withDefaults()
	cats := append(Categories(), CategoryOverall)
	pageLevel := map[string]bool{}
	for _, c := range Catalog() {
		if c.Level == LevelPage {
			pageLevel[c.ID] = true
		}
	}
	var siteOnly []CheckStat
	for _, st := range site {
		if !pageLevel[st.CheckID] {
			siteOnly = append(siteOnly, st) // page-level totals come from the pages
		}
	}
	site = siteOnly
	sums := newStatSums(pages, site)
	point := m.Score(sums.aggregate(pages, nil, site))
	draws := make(map[string][]float64, len(cats))
	if len(pages) > 0 {
		rng := rand.New(rand.NewPCG(b.Seed, 0x9e3779b97f4a7c15))
		idx := make([]int, len(pages))
		for s := 0; s < b.Samples; s++ {
			for i := range idx {
				idx[i] = rng.IntN(len(pages))
			}
			for _, sc := range m.Score(sums.aggregate(pages, idx, site)) {
				if sc.CheckID == "" {
					draws[sc.Category] = append(draws[sc.Category], sc.Score)
				}
			}
		}
	}
	var out []ScoreInterval
	for _, c := range cats {
		v, ok := scoreIn(point, c)
		if !ok {
			continue
		}
		iv := ScoreInterval{Category: c, Score: v, Low: v, High: v, Level: b.Level, Pages: len(pages), TooFew: len(pages) < b.MinPages}
		if d := draws[c]; len(d) > 0 {
			sort.Float64s(d)
			tail := (1 - b.Level) / 2
			iv.Low, iv.High = quantile(d, tail), quantile(d, 1-tail)
		} else if len(pages) > 0 {
			iv.Unavailable = true
		}
		out = append(out, iv)
	}
	return out
}

// statSums sums statistics by check, the way a map keyed by check id would
// (each check once, in the order checks first appear, with the category
// first seen), but into slots assigned once: the bootstrap sums a site's
// pages a thousand times, and slots make each redraw several times faster
// than hashing every check id of every page.
type statSums struct {
	pageSlots [][]int // per page, the slot of each of its statistics
	siteSlots []int
	sum       []CheckStat
	stamp     []int // the redraw that last touched each slot
	gen       int
	order     []int // slots in the order their checks first appear in this redraw
}

func newStatSums(pages [][]CheckStat, site []CheckStat) *statSums {
	s := &statSums{pageSlots: make([][]int, len(pages))}
	ids := map[string]int{}
	slot := func(id string) int {
		k, ok := ids[id]
		if !ok {
			k = len(s.sum)
			ids[id] = k
			s.sum = append(s.sum, CheckStat{})
		}
		return k
	}
	for i, p := range pages {
		s.pageSlots[i] = make([]int, len(p))
		for j, st := range p {
			s.pageSlots[i][j] = slot(st.CheckID)
		}
	}
	s.siteSlots = make([]int, len(site))
	for j, st := range site {
		s.siteSlots[j] = slot(st.CheckID)
	}
	s.stamp = make([]int, len(s.sum))
	return s
}

// aggregate sums the pages idx picks (all pages when idx is nil) and the
// site-level statistics; pages and site must be those s was made for.
func (s *statSums) aggregate(pages [][]CheckStat, idx []int, site []CheckStat) []CheckStat {
	s.gen++
	s.order = s.order[:0]
	add := func(slots []int, stats []CheckStat) {
		for j := range stats {
			st, k := &stats[j], slots[j]
			c := &s.sum[k]
			if s.stamp[k] != s.gen {
				s.stamp[k] = s.gen
				*c = CheckStat{CheckID: st.CheckID, Category: st.Category}
				s.order = append(s.order, k)
			}
			c.PagesTotal += st.PagesTotal
			c.PagesAffected += st.PagesAffected
			c.Findings += st.Findings
			c.Words += st.Words
		}
	}
	if idx == nil {
		for i := range pages {
			add(s.pageSlots[i], pages[i])
		}
	} else {
		for _, i := range idx {
			add(s.pageSlots[i], pages[i])
		}
	}
	add(s.siteSlots, site)
	out := make([]CheckStat, len(s.order))
	for i, k := range s.order {
		out[i] = s.sum[k]
	}
	return out
}

func scoreIn(ss []Score, cat string) (float64, bool) {
	for _, s := range ss {
		if s.Category == cat && s.CheckID == "" {
			return s.Score, true
		}
	}
	return 0, false
}

// quantile of sorted xs (linear between the nearest ranks), rounded to one
// decimal place like every score.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 1 {
		return xs[0]
	}
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	v := xs[lo] + (pos-float64(lo))*(xs[hi]-xs[lo])
	return math.Round(v*10) / 10
}

// Ranked is one site (or page) to rank: its score and interval.
type Ranked struct {
	ID        string
	Score     float64
	Low, High float64
	TooFew    bool // too few pages to tell: not ranked
}

// RankBand is where a site ranks, as sure as its interval allows.
type RankBand struct {
	ID     string
	Score  float64
	Best   int    // the best rank it may hold: 1 + the sites certainly ahead (their interval wholly above its interval)
	Worst  int    // the worst: 1 + the sites that may be ahead (their interval reaches its interval or above)
	Joint  bool   // Best < Worst: its interval overlaps others', so the rank is shared
	Label  string // "3rd", "12th to 19th", or "too few pages to tell"
	TooFew bool
}

// RankBands ranks sites by score with the uncertainty of their intervals:
// a site whose interval overlaps others' holds a band of ranks ("12th to
// 19th"), a site clear of all others a single rank. Sites with too few
// pages are listed last, unranked. The result is in order of score, best
// first (ties by ID).
func RankBands(items []Ranked) []RankBand {
	sorted := append([]Ranked(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.TooFew != b.TooFew {
			return !a.TooFew
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.ID < b.ID
	})
	out := make([]RankBand, 0, len(sorted))
	for i, it := range sorted {
		rb := RankBand{ID: it.ID, Score: it.Score, TooFew: it.TooFew}
		if it.TooFew {
			rb.Label = "too few pages to tell"
			out = append(out, rb)
			continue
		}
		ahead, mayBeAhead := 0, 0
		for j, o := range sorted {
			if j == i || o.TooFew {
				continue
			}
			if o.Low > it.High {
				ahead++
			}
			if o.High >= it.Low {
				mayBeAhead++
			}
		}
		rb.Best, rb.Worst = ahead+1, mayBeAhead+1
		rb.Joint = rb.Best < rb.Worst
		rb.Label = Ordinal(rb.Best)
		if rb.Joint {
			rb.Label += " to " + Ordinal(rb.Worst)
		}
		out = append(out, rb)
	}
	return out
}

// Ordinal writes n as an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st.
func Ordinal(n int) string {
	suffix := "th"
	switch n % 100 {
	case 11, 12, 13:
	default:
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
