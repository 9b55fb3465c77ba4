package dashboard

import (
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// The API's view of how sure the scores are and what they left out
// (method 2026.2): each check of a council with whether it is advisory and
// whether its score can be computed from the stored statistics, and the
// pages not scored for content and readability.

// apiCheckResult is a council's check result as the API shows it: the
// stored figures, and what the method says of them.
type apiCheckResult struct {
	data.CheckResult
	// Advisory checks carry no weight in any score.
	Advisory bool `json:"advisory"`
	// Unscorable says why the check has statistics but no score: the
	// scores' method cannot compute it from what was stored.
	Unscorable string `json:"unscorable,omitempty"`
	Demo       bool   `json:"demo"` // from a run of the offline demo
}

func apiCheckResults(m scoring.Method, scoredUnder string, rs []data.CheckResult) []apiCheckResult {
	out := make([]apiCheckResult, 0, len(rs))
	for _, r := range rs {
		n := notesFor(m, scoredUnder, r.CheckID, r, true)
		out = append(out, apiCheckResult{CheckResult: r, Advisory: n.Advisory != "", Unscorable: n.Unscorable})
	}
	return out
}

// apiUnscored is a council's pages not scored for content and readability
// in its latest run: how many, by reason, and some of them.
type apiUnscored struct {
	Total   int                  `json:"total"`
	Reasons []data.UnscoredCount `json:"reasons"`
	Pages   []data.UnscoredPage  `json:"pages"`
}

func toAPIUnscored(v unscoredView) apiUnscored {
	out := apiUnscored{Total: v.Total, Reasons: v.Reasons, Pages: v.Pages}
	if out.Reasons == nil {
		out.Reasons = []data.UnscoredCount{}
	}
	if out.Pages == nil {
		out.Pages = []data.UnscoredPage{}
	}
	return out
}
