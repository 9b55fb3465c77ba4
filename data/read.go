package data

import "time"

// The read side's row types, grouped by entity. The dashboard builds its
// pages from them and the exports stream them; their JSON names are the
// API's (docs/API.md). Run is in runs.go, Council in register.go.

// RecentRuns is how many of the newest runs the dashboard's scores cover
// (trends, league positions over time) and among which "latest" looks for
// the newest run with scores.
const RecentRuns = 24

// ---- scores ----

// ScoreRow is one category (or overall) score of a council in a run.
type ScoreRow struct {
	RunID         string
	Council       string
	Category      string // a scoring category or "overall"
	Score         float64
	MethodVersion string
}

// ScoreFilter selects score rows for the export.
type ScoreFilter struct {
	RunID   string
	Council string
}

// ScoreExport is one stored score row (per check, per category or overall).
type ScoreExport struct {
	RunID         string    `json:"run_id"`
	MethodVersion string    `json:"method_version"`
	Council       string    `json:"council_code"`
	Category      string    `json:"category"`
	CheckID       string    `json:"check_id"`
	Score         float64   `json:"score"`
	ScoredAt      time.Time `json:"scored_at"`
}

// ---- checks ----

// CheckResult is one check's statistics for one council in one run, with
// the check's score when it applied.
type CheckResult struct {
	Council       string  `json:"council_code"`
	CheckID       string  `json:"check_id"`
	Category      string  `json:"category"`
	PagesTotal    int     `json:"pages_total"`
	PagesAffected int     `json:"pages_affected"`
	Findings      int     `json:"findings"`
	Score         float64 `json:"score"`
	HasScore      bool    `json:"has_score"`
	// Words are the words of main content read on the pages the check
	// applied to (0 when stored before method 2026.2 kept them).
	Words int `json:"words"`
}

// TaskCheck counts the findings of one per-task findability check for one
// council and task in a run.
type TaskCheck struct {
	Council string
	Task    string
	CheckID string
	N       int
}

// ---- findings ----

// Finding is one stored finding with its evidence.
type Finding struct {
	RunID         string    `json:"run_id"`
	MethodVersion string    `json:"method_version"`
	Council       string    `json:"council_code"`
	CheckID       string    `json:"check_id"`
	Category      string    `json:"category"`
	Severity      string    `json:"severity"`
	URL           string    `json:"url"`
	Selector      string    `json:"selector"`
	Snippet       string    `json:"snippet"`
	Matched       []string  `json:"matched"`
	Message       string    `json:"message"`
	Task          string    `json:"task"`
	CreatedAt     time.Time `json:"created_at"`
}

// PageCount is how many findings of one check one page has.
type PageCount struct {
	Council string `json:"council_code"`
	CheckID string `json:"check_id"`
	URL     string `json:"url"`
	N       int    `json:"findings"`
}

// FindingFilter selects findings. RunID is required for page queries; the
// export accepts it empty (all runs).
type FindingFilter struct {
	RunID   string
	Council string
	CheckID string
	Limit   int // page queries only
	Offset  int
}

// ---- changes ----

// ChangeMark counts the rows of the append-only tables the dashboard reads:
// when a mark differs from the last one, something was stored since (a run
// started or ended, a site finished, a run was re-scored, a review,
// moderation or response was posted). Reading it is cheap.
type ChangeMark struct {
	Runs, SiteReports, Scores          uint64
	Reviews, Moderation, ReviewReplies uint64
}

// Crawl reports whether the crawl tables differ between m and o.
func (m ChangeMark) Crawl(o ChangeMark) bool {
	return m.Runs != o.Runs || m.SiteReports != o.SiteReports || m.Scores != o.Scores
}

// ReviewsChanged reports whether the review tables differ between m and o.
func (m ChangeMark) ReviewsChanged(o ChangeMark) bool {
	return m.Reviews != o.Reviews || m.Moderation != o.Moderation || m.ReviewReplies != o.ReviewReplies
}
