package reviews

import "sort"

// TaskStats are the raw sums the store computes over the counted reviews
// (ratings a moderator excluded are left out) of one task on one council's
// site. Scores are each review's 0 to 100 Score.
type TaskStats struct {
	Council, Task  string
	N              int
	PublicN, PeerN int
	DemoN          int
	FoundN         int // reviews that completed the task by some way
	IndexSum       float64
	PublicScoreSum float64
	PeerScoreSum   float64
	ImportanceSum  float64
	WayN           [NumWays]int     // reviews that tried each way
	WaySum         [NumWays]float64 // sum of each way's ratings
}

// WayMean is a way's mean rating with the number of reviews behind it.
type WayMean struct {
	Way  Way
	N    int
	Mean float64 // -3 to 5; meaningless when N == 0
}

// TaskAggregate is what is shown about one task on one council's site. The
// number of reviews is always shown beside any mean; Ranked is false below
// the minimum sample.
type TaskAggregate struct {
	Council, Task string
	N             int
	PublicN       int
	PeerN         int
	DemoN         int
	Index         float64 // mean usability index (sum over the ways tried)
	Score         float64 // 0 to 100 (public and peer weighted as configured)
	PublicScore   float64 // 0 to 100 over PublicN reviews
	PeerScore     float64 // 0 to 100 over PeerN reviews
	Importance    float64 // mean, 1 to 5
	FoundRate     float64 // 0 to 1
	Ways          [NumWays]WayMean
	Ranked        bool
}

// CouncilScore is a council's review score, shown beside (never mixed into)
// its crawl score.
type CouncilScore struct {
	Council     string
	Score       float64 // 0 to 100
	N           int
	PublicN     int
	PeerN       int
	DemoN       int
	PublicScore float64
	PeerScore   float64
	Ranked      bool
}

// Aggregator turns store sums into shown aggregates.
type Aggregator struct {
	// MinTaskSample is the number of reviews before a task's mean is ranked.
	MinTaskSample int
	// MinCouncilSample is the number before a council's review score is ranked.
	MinCouncilSample int
	// PublicWeight and PeerWeight weigh each public and each peer review in
	// the combined score (the split is always shown as well).
	PublicWeight, PeerWeight float64
}

func div(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (a Aggregator) combined(pubSum float64, pubN int, peerSum float64, peerN int) float64 {
	return div(a.PublicWeight*pubSum+a.PeerWeight*peerSum, a.PublicWeight*float64(pubN)+a.PeerWeight*float64(peerN))
}

// Task aggregates one task's sums.
func (a Aggregator) Task(s TaskStats) TaskAggregate {
	t := TaskAggregate{Council: s.Council, Task: s.Task, N: s.N, PublicN: s.PublicN, PeerN: s.PeerN, DemoN: s.DemoN}
	n := float64(s.N)
	t.Index = div(s.IndexSum, n)
	t.Score = a.combined(s.PublicScoreSum, s.PublicN, s.PeerScoreSum, s.PeerN)
	t.PublicScore = div(s.PublicScoreSum, float64(s.PublicN))
	t.PeerScore = div(s.PeerScoreSum, float64(s.PeerN))
	t.Importance = div(s.ImportanceSum, n)
	t.FoundRate = div(float64(s.FoundN), n)
	for _, r := range Ways() {
		t.Ways[r] = WayMean{Way: r, N: s.WayN[r], Mean: div(s.WaySum[r], float64(s.WayN[r]))}
	}
	t.Ranked = s.N >= a.MinTaskSample && s.N > 0
	return t
}

// Tasks aggregates many, in council then task order.
func (a Aggregator) Tasks(ss []TaskStats) []TaskAggregate {
	out := make([]TaskAggregate, 0, len(ss))
	for _, s := range ss {
		out = append(out, a.Task(s))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Council != out[j].Council {
			return out[i].Council < out[j].Council
		}
		return out[i].Task < out[j].Task
	})
	return out
}

// Councils sums task stats into each council's review score.
func (a Aggregator) Councils(ss []TaskStats) map[string]CouncilScore {
	type acc struct {
		pubSum, peerSum   float64
		n, pubN, peerN, d int
	}
	m := map[string]*acc{}
	for _, s := range ss {
		x := m[s.Council]
		if x == nil {
			x = &acc{}
			m[s.Council] = x
		}
		x.pubSum += s.PublicScoreSum
		x.peerSum += s.PeerScoreSum
		x.n += s.N
		x.pubN += s.PublicN
		x.peerN += s.PeerN
		x.d += s.DemoN
	}
	out := make(map[string]CouncilScore, len(m))
	for code, x := range m {
		out[code] = CouncilScore{Council: code, N: x.n, PublicN: x.pubN, PeerN: x.peerN, DemoN: x.d,
			Score:       a.combined(x.pubSum, x.pubN, x.peerSum, x.peerN),
			PublicScore: div(x.pubSum, float64(x.pubN)), PeerScore: div(x.peerSum, float64(x.peerN)),
			Ranked: x.n >= a.MinCouncilSample && x.n > 0}
	}
	return out
}

// StatsOf sums reviews the way the store does (for tests and the demo's
// expectations): reviews with Excluded set must be left out by the caller.
func StatsOf(rs []Review) []TaskStats {
	type key struct{ c, t string }
	m := map[key]*TaskStats{}
	var keys []key
	for _, r := range rs {
		k := key{r.Council, r.Task}
		s := m[k]
		if s == nil {
			s = &TaskStats{Council: r.Council, Task: r.Task}
			m[k] = s
			keys = append(keys, k)
		}
		sc := r.Score()
		s.N++
		if Public(r.Kind) {
			s.PublicN++
			s.PublicScoreSum += sc
		} else {
			s.PeerN++
			s.PeerScoreSum += sc
		}
		if r.Demo {
			s.DemoN++
		}
		if r.Found() {
			s.FoundN++
		}
		s.IndexSum += float64(r.Index())
		s.ImportanceSum += float64(r.Importance)
		for _, rt := range Ways() {
			if x := r.Ratings[rt]; x != NotTried {
				s.WayN[rt]++
				s.WaySum[rt] += float64(x)
			}
		}
	}
	out := make([]TaskStats, 0, len(keys))
	for _, k := range keys {
		out = append(out, *m[k])
	}
	return out
}
