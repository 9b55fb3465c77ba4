// Package dashboard is councildash's web dashboard: a gin server rendering
// GOV.UK Frontend-styled pages (league table, council, compare, check, tasks,
// method), go-echarts charts with text alternatives, streamed CSV/JSON
// exports and a JSON API.
//
// It declares the narrow interfaces it reads from (Source for crawl results,
// Reviews for review aggregates, ReviewPages for the review forms) and never
// imports the data package: data implements Source on *data.Store.
package dashboard

import (
	"context"
	"errors"
	"time"
)

// Council is one council of the register, as the dashboard shows it.
type Council struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Tier        string `json:"tier"`
	Nation      string `json:"nation"`
	Region      string `json:"region"`
	HomepageURL string `json:"homepage_url"`
}

// Run is one crawl run.
type Run struct {
	ID            string    `json:"run_id"`
	Status        string    `json:"status"`
	Label         string    `json:"label"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	MethodVersion string    `json:"method_version"`
	SitesTotal    int       `json:"sites_total"`
	SitesDone     int       `json:"sites_done"`
	// Pages and PageErrors count the pages stored so far (filled for
	// running runs, whose progress the home page shows).
	Pages      int `json:"pages,omitempty"`
	PageErrors int `json:"page_errors,omitempty"`
}

// Running reports whether the run is still crawling.
func (r Run) Running() bool { return r.Status == "running" }

// ScoreRow is one category (or overall) score of a council in a run.
type ScoreRow struct {
	RunID         string
	Council       string
	Category      string // a scoring category or "overall"
	Score         float64
	MethodVersion string
}

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
}

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
	CheckID string `json:"check_id"`
	URL     string `json:"url"`
	N       int    `json:"findings"`
}

// TaskCheck counts the findings of one per-task findability check for one
// council and task in a run.
type TaskCheck struct {
	Council string
	Task    string
	CheckID string
	N       int
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

// Source is what the dashboard reads about crawls. *data.Store implements it.
// Every method is bounded (LIMIT and timeout) except the Stream methods,
// which stream row by row.
type Source interface {
	// DashboardRuns lists runs, newest first.
	DashboardRuns(ctx context.Context) ([]Run, error)
	// CategoryScores returns the category and overall scores of every
	// council in the given runs (check-level scores excluded).
	CategoryScores(ctx context.Context, runIDs []string) ([]ScoreRow, error)
	// CheckResults returns per-check statistics and scores of councils in a
	// run, from their completed attempt. council "" means every council;
	// checkID "" every check.
	CheckResults(ctx context.Context, runID, council, checkID string) ([]CheckResult, error)
	// Evidence returns up to perCheck findings of each check for a council.
	Evidence(ctx context.Context, runID, council string, perCheck int) ([]Finding, error)
	// WorstPages returns, per check, the perCheck pages with most findings.
	WorstPages(ctx context.Context, runID, council string, perCheck int) ([]PageCount, error)
	// TaskChecks counts per-task findability findings in a run.
	TaskChecks(ctx context.Context, runID string) ([]TaskCheck, error)
	// FindingsPage returns one bounded page of findings.
	FindingsPage(ctx context.Context, f FindingFilter) ([]Finding, error)
	// StreamFindings calls fn for each finding, streamed from the database.
	StreamFindings(ctx context.Context, f FindingFilter, fn func(Finding) error) error
	// StreamScores calls fn for each score row, streamed from the database.
	StreamScores(ctx context.Context, f ScoreFilter, fn func(ScoreExport) error) error
	// Ping checks the database answers.
	Ping(ctx context.Context) error
}

// ReviewScore is a council's review score (0 to 100) and how many reviews it
// rests on; Ranked is false below the minimum number of reviews.
type ReviewScore struct {
	Score  float64 `json:"score"`
	N      int     `json:"n"`
	Ranked bool    `json:"ranked"`
	// Demo counts the bundled demo reviews among N (shown as demo data).
	Demo int `json:"demo_reviews"`
}

// TaskReview aggregates the reviews of one task on one council's site.
type TaskReview struct {
	Council   string  `json:"council_code"`
	Task      string  `json:"task"`
	Index     float64 `json:"review_index"` // 0 to 100
	N         int     `json:"n"`
	PublicN   int     `json:"public_n"`
	PeerN     int     `json:"peer_n"`
	FoundRate float64 `json:"found_rate"` // share of reviewers who completed the task, 0 to 1
}

// Comment is an approved review comment.
type Comment struct {
	Task      string    `json:"task"`
	Kind      string    `json:"kind"` // public or peer
	Text      string    `json:"text"`
	Demo      bool      `json:"demo"`
	CreatedAt time.Time `json:"created_at"`
}

// Response is a council's right of reply.
type Response struct {
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// CouncilReviews is everything public about one council's reviews.
type CouncilReviews struct {
	Score     ReviewScore  `json:"score"`
	Tasks     []TaskReview `json:"tasks"`
	Comments  []Comment    `json:"comments"`
	Responses []Response   `json:"responses"`
}

// Reviews is what the dashboard reads from the reviews service. cmd adapts
// *reviews.Service to it. A nil Reviews in Deps means reviews are off.
type Reviews interface {
	ReviewScores(ctx context.Context) (map[string]ReviewScore, error)
	CouncilReviews(ctx context.Context, code string) (CouncilReviews, error)
	TaskReviews(ctx context.Context) ([]TaskReview, error)
	// ExportColumns names the columns of ExportReviews rows.
	ExportColumns() []string
	// ExportReviews streams public, moderated review rows (no IPs, emails or tokens).
	ExportReviews(ctx context.Context, fn func(row []any) error) error
}

// Errors a Source or Reviews may wrap; the dashboard maps them to statuses
// with errors.Is. Deps.NotFound and Deps.Unavailable add the data and
// reviews packages' own sentinels.
var (
	ErrNotFound    = errors.New("not found")
	ErrUnavailable = errors.New("unavailable")
	ErrBadRequest  = errors.New("bad request")
)
