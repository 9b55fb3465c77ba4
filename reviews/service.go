package reviews

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/councildash/councildash/scoring"
)

// Task is a task reviewers can try: the 16 top tasks, plus any configured.
type Task struct {
	ID   string
	Name string
}

// Config shapes the service. Zero values take the defaults in
// DefaultConfig.
type Config struct {
	// Secret keys the form tokens, session cookies and the IP hash salt.
	// Empty means a random secret for this process (sessions and rate
	// limits then reset on restart).
	Secret []byte
	// AdminToken signs moderators in; empty disables moderation sign-in.
	AdminToken string
	// MinFormTime is the least time between a form being issued and sent.
	MinFormTime time.Duration
	// FormTokenTTL is how long a form token is valid.
	FormTokenTTL time.Duration
	// RatePerIP limits posts per address (or per signed-in peer);
	// RatePerCouncil per council across everyone.
	RatePerIP, RatePerCouncil Rate
	// DuplicateWindow is how long an identical post from the same address
	// counts as a duplicate (not stored twice).
	DuplicateWindow time.Duration
	// MinTaskSample and MinCouncilSample are the reviews needed before a
	// task mean or a council's review score is ranked.
	MinTaskSample, MinCouncilSample int
	// PublicWeight and PeerWeight weigh public and peer reviews in the
	// combined scores (defaults 1 and 1; the split is always shown).
	PublicWeight, PeerWeight float64
	// AdminSessionTTL is how long a moderator stays signed in.
	AdminSessionTTL time.Duration
	// MaxPeerSession caps a peer session (the token's expiry caps it too).
	MaxPeerSession time.Duration
	// ExtraTasks are tasks added to the 16 top tasks.
	ExtraTasks []Task
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		MinFormTime:      3 * time.Second,
		FormTokenTTL:     4 * time.Hour,
		RatePerIP:        Rate{N: 10, Per: time.Hour},
		RatePerCouncil:   Rate{N: 300, Per: time.Hour},
		DuplicateWindow:  time.Hour,
		MinTaskSample:    3,
		MinCouncilSample: 5,
		PublicWeight:     1,
		PeerWeight:       1,
		AdminSessionTTL:  12 * time.Hour,
		MaxPeerSession:   30 * 24 * time.Hour,
	}
}

func (c *Config) defaults() error {
	d := DefaultConfig()
	if len(c.Secret) == 0 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		c.Secret = b
	}
	if c.MinFormTime == 0 {
		c.MinFormTime = d.MinFormTime
	}
	if c.MinFormTime < 0 {
		c.MinFormTime = 0
	}
	if c.FormTokenTTL <= 0 {
		c.FormTokenTTL = d.FormTokenTTL
	}
	if c.RatePerIP == (Rate{}) {
		c.RatePerIP = d.RatePerIP
	}
	if c.RatePerCouncil == (Rate{}) {
		c.RatePerCouncil = d.RatePerCouncil
	}
	if c.DuplicateWindow == 0 {
		c.DuplicateWindow = d.DuplicateWindow
	}
	if c.MinTaskSample <= 0 {
		c.MinTaskSample = d.MinTaskSample
	}
	if c.MinCouncilSample <= 0 {
		c.MinCouncilSample = d.MinCouncilSample
	}
	if c.PublicWeight == 0 && c.PeerWeight == 0 {
		c.PublicWeight, c.PeerWeight = d.PublicWeight, d.PeerWeight
	}
	if c.PublicWeight < 0 || c.PeerWeight < 0 {
		return errors.New("review weights must not be negative")
	}
	if c.AdminSessionTTL <= 0 {
		c.AdminSessionTTL = d.AdminSessionTTL
	}
	if c.MaxPeerSession <= 0 {
		c.MaxPeerSession = d.MaxPeerSession
	}
	return nil
}

// ParseRate reads "N/duration" ("10/1h"); "0" means no limit.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return Rate{N: -1, Per: time.Hour}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, fmt.Errorf("want N/duration like 10/1h, got %q", s)
	}
	k, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || k < 1 {
		return Rate{}, fmt.Errorf("want a count of at least 1 in %q", s)
	}
	d, err := time.ParseDuration(strings.TrimSpace(per))
	if err != nil || d <= 0 {
		return Rate{}, fmt.Errorf("want a positive duration in %q", s)
	}
	return Rate{N: k, Per: d}, nil
}

// Service applies the review rules over a Store. It is safe for concurrent use.
type Service struct {
	store     Store
	cfg       Config
	keys      keys
	agg       Aggregator
	tasks     []Task
	taskByID  map[string]Task
	ipLimit   *limiter
	cLimit    *limiter
	adminLim  *limiter
	dups      *dedup
	signInMu  sync.Mutex // one-time links: one sign-in at a time
	uuidMaker func() string
}

// New returns a service.
func New(store Store, cfg Config) (*Service, error) {
	if store == nil {
		return nil, errors.New("reviews: no store")
	}
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	s := &Service{store: store, cfg: cfg, keys: deriveKeys(cfg.Secret),
		agg: Aggregator{MinTaskSample: cfg.MinTaskSample, MinCouncilSample: cfg.MinCouncilSample,
			PublicWeight: cfg.PublicWeight, PeerWeight: cfg.PeerWeight},
		taskByID: map[string]Task{},
		ipLimit:  newLimiter(cfg.RatePerIP), cLimit: newLimiter(cfg.RatePerCouncil),
		adminLim: newLimiter(Rate{N: 10, Per: 15 * time.Minute}),
		dups:     newDedup(cfg.DuplicateWindow), uuidMaker: newUUID}
	for _, t := range scoring.Tasks() {
		s.addTask(Task{ID: t.ID, Name: t.Name})
	}
	for _, t := range cfg.ExtraTasks {
		if t.ID == "" || t.Name == "" {
			return nil, errors.New("reviews: an extra task needs an id and a name")
		}
		s.addTask(t)
	}
	return s, nil
}

func (s *Service) addTask(t Task) {
	if _, dup := s.taskByID[t.ID]; dup {
		return
	}
	s.tasks = append(s.tasks, t)
	s.taskByID[t.ID] = t
}

// Config returns the configuration in use (defaults filled in).
func (s *Service) Config() Config { return s.cfg }

// Tasks lists the tasks reviewers can try.
func (s *Service) Tasks() []Task { return append([]Task(nil), s.tasks...) }

// Task finds a task by id.
func (s *Service) Task(id string) (Task, bool) { t, ok := s.taskByID[id]; return t, ok }

// Submission is one post of the review form.
type Submission struct {
	Council   string
	Input     Input
	FormToken string
	Honeypot  string
	IP        string
	Peer      *Peer // nil for the public
	Now       time.Time
}

// FormBinding is what a review form's token is bound to.
func FormBinding(council string, peer *Peer) string {
	sid := ""
	if peer != nil {
		sid = peer.SID
	}
	return "review|" + council + "|" + sid
}

// Result of an accepted submission.
type Result struct {
	ReviewID  string
	Duplicate bool // the same review was already stored: not stored again
}

// RateLimitError says how long to wait.
type RateLimitError struct {
	RetryAfter time.Duration
	PerCouncil bool
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v (try again in %s)", ErrRateLimited, e.RetryAfter.Round(time.Second))
}

// Is matches ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Submit applies every rule to a post and stores the review. It returns
// only once the row is stored (or the duplicate it repeats was stored).
// Errors: ErrBadToken, ErrHoneypot, ErrTooFast, *ValidationError,
// ErrOwnCouncil, *RateLimitError, or one wrapping ErrUnavailable.
func (s *Service) Submit(ctx context.Context, sub Submission) (Result, error) {
	issued, err := s.CheckFormToken(sub.FormToken, FormBinding(sub.Council, sub.Peer), sub.Now)
	if err != nil {
		return Result{}, err
	}
	if strings.TrimSpace(sub.Honeypot) != "" {
		return Result{}, ErrHoneypot
	}
	if sub.Now.Sub(issued) < s.cfg.MinFormTime {
		return Result{}, ErrTooFast
	}
	r, err := Validate(sub.Input, func(id string) bool { _, ok := s.taskByID[id]; return ok }, sub.Peer != nil)
	if err != nil {
		return Result{}, err
	}
	if sub.Peer != nil && sub.Peer.Council == sub.Council {
		return Result{}, ErrOwnCouncil
	}
	r.Council = sub.Council
	r.IPHash = s.IPHash(sub.IP)
	if sub.Peer != nil {
		r.PeerID = sub.Peer.TokenID
	}
	r.CreatedAt = sub.Now.UTC()

	who := "ip:" + r.IPHash
	if sub.Peer != nil {
		who = "peer:" + sub.Peer.TokenID
	}
	dupKey := dupKeyOf(who, r)
	entry, dupID := s.dups.begin(dupKey, sub.Now)
	if entry == nil {
		return Result{ReviewID: dupID, Duplicate: true}, nil
	}
	stored := false
	defer func() {
		if !stored {
			s.dups.finish(dupKey, entry, false, "")
		}
	}()
	if ok, wait := s.ipLimit.take(who, sub.Now); !ok {
		return Result{}, &RateLimitError{RetryAfter: wait}
	}
	if ok, wait := s.cLimit.take(r.Council, sub.Now); !ok {
		s.ipLimit.give(who)
		return Result{}, &RateLimitError{RetryAfter: wait, PerCouncil: true}
	}
	r.ID = s.uuidMaker()
	if err := s.store.InsertReview(ctx, r); err != nil {
		s.ipLimit.give(who)
		s.cLimit.give(r.Council)
		return Result{}, fmt.Errorf("store review: %w", wrapUnavailable(err))
	}
	stored = true
	s.dups.finish(dupKey, entry, true, r.ID)
	return Result{ReviewID: r.ID}, nil
}

func dupKeyOf(who string, r Review) string {
	h := sha256.New()
	for _, p := range []string{who, r.Council, r.Task, fmt.Sprint(r.Ratings), strconv.Itoa(r.Importance), r.Kind, r.Comment, r.EndURL} {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// wrapUnavailable makes sure a store error matches ErrUnavailable unless it
// is a not-found.
func wrapUnavailable(err error) error {
	if errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNotFound) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrUnavailable, err)
}

// ---- aggregates ----

// CouncilSummary is everything public about one council's reviews.
type CouncilSummary struct {
	Score     CouncilScore
	Tasks     []TaskAggregate
	Comments  []ReviewState // approved only
	Responses []Response
}

// Limits of the public lists.
const (
	MaxCommentsShown  = 100
	MaxResponsesShown = 50
)

// Scores returns every council's review score.
func (s *Service) Scores(ctx context.Context) (map[string]CouncilScore, error) {
	ts, err := s.store.ReviewTaskStats(ctx, "")
	if err != nil {
		return nil, wrapUnavailable(err)
	}
	return s.agg.Councils(ts), nil
}

// TaskAggregates returns every council's per-task aggregates.
func (s *Service) TaskAggregates(ctx context.Context) ([]TaskAggregate, error) {
	ts, err := s.store.ReviewTaskStats(ctx, "")
	if err != nil {
		return nil, wrapUnavailable(err)
	}
	return s.agg.Tasks(ts), nil
}

// Council returns one council's summary.
func (s *Service) Council(ctx context.Context, code string) (CouncilSummary, error) {
	ts, err := s.store.ReviewTaskStats(ctx, code)
	if err != nil {
		return CouncilSummary{}, wrapUnavailable(err)
	}
	out := CouncilSummary{Tasks: s.agg.Tasks(ts), Score: s.agg.Councils(ts)[code]}
	out.Score.Council = code
	if out.Comments, err = s.store.ReviewComments(ctx, CommentQuery{Council: code, Status: CommentApproved, Limit: MaxCommentsShown}); err != nil {
		return CouncilSummary{}, wrapUnavailable(err)
	}
	if out.Responses, err = s.store.ReviewResponses(ctx, code, MaxResponsesShown); err != nil {
		return CouncilSummary{}, wrapUnavailable(err)
	}
	return out, nil
}

// Overview is everything public about every council's reviews: what
// Council returns for each council, from three queries.
type Overview struct {
	Scores   map[string]CouncilScore   // by council code
	Tasks    []TaskAggregate           // by council, then task
	Councils map[string]CouncilSummary // by council code, for councils with reviews or responses
}

// Overview returns every council's summary at once.
func (s *Service) Overview(ctx context.Context) (Overview, error) {
	ts, err := s.store.ReviewTaskStats(ctx, "")
	if err != nil {
		return Overview{}, wrapUnavailable(err)
	}
	out := Overview{Scores: s.agg.Councils(ts), Tasks: s.agg.Tasks(ts), Councils: map[string]CouncilSummary{}}
	summary := func(code string) CouncilSummary {
		cs, ok := out.Councils[code]
		if !ok {
			cs.Score = out.Scores[code]
			cs.Score.Council = code
		}
		return cs
	}
	for _, t := range out.Tasks {
		cs := summary(t.Council)
		cs.Tasks = append(cs.Tasks, t)
		out.Councils[t.Council] = cs
	}
	comments, err := s.store.ReviewComments(ctx, CommentQuery{Status: CommentApproved, PerCouncil: MaxCommentsShown})
	if err != nil {
		return Overview{}, wrapUnavailable(err)
	}
	for _, c := range comments {
		cs := summary(c.Council)
		cs.Comments = append(cs.Comments, c)
		out.Councils[c.Council] = cs
	}
	responses, err := s.store.ReviewResponses(ctx, "", MaxResponsesShown)
	if err != nil {
		return Overview{}, wrapUnavailable(err)
	}
	for _, r := range responses {
		cs := summary(r.Council)
		cs.Responses = append(cs.Responses, r)
		out.Councils[r.Council] = cs
	}
	return out, nil
}

// TaskAggregate returns one task's aggregate on one council (N == 0 when
// there are no reviews).
func (s *Service) TaskAggregate(ctx context.Context, council, task string) (TaskAggregate, error) {
	ts, err := s.store.ReviewTaskStats(ctx, council)
	if err != nil {
		return TaskAggregate{}, wrapUnavailable(err)
	}
	for _, t := range ts {
		if t.Task == task {
			return s.agg.Task(t), nil
		}
	}
	return TaskAggregate{Council: council, Task: task}, nil
}

// ---- moderation ----

// ModerationQueue is what a moderator sees.
type ModerationQueue struct {
	Pending []ReviewState
	Recent  []ReviewState
}

// Queue returns pending comments (oldest first) and the newest reviews.
func (s *Service) Queue(ctx context.Context) (ModerationQueue, error) {
	var q ModerationQueue
	var err error
	if q.Pending, err = s.store.ReviewComments(ctx, CommentQuery{Status: CommentPending, Limit: 200}); err != nil {
		return q, wrapUnavailable(err)
	}
	if q.Recent, err = s.store.RecentReviews(ctx, 50); err != nil {
		return q, wrapUnavailable(err)
	}
	return q, nil
}

// Moderate appends a moderation event after checking it: a known review, a
// known action, a reason for rejections and exclusions.
func (s *Service) Moderate(ctx context.Context, a Admin, reviewID, action, reason string, now time.Time) error {
	var errs []FieldError
	if _, err := uuid.Parse(reviewID); err != nil {
		return fmt.Errorf("review %q: %w", reviewID, ErrNotFound)
	}
	switch action {
	case ActionApprove, ActionReject, ActionExclude, ActionInclude:
	default:
		errs = append(errs, FieldError{"action", "Choose approve, reject, exclude or include"})
	}
	min := 0
	if action == ActionReject || action == ActionExclude {
		min = 1
	}
	reason, fe := ValidateText("reason", "a reason", reason, min, MaxReason)
	if fe != nil {
		if min > 0 && fe.Message == "Enter a reason" {
			fe.Message = "Enter a reason: it is kept with the decision"
		}
		errs = append(errs, *fe)
	}
	if len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	if _, err := s.store.GetReview(ctx, reviewID); err != nil {
		return wrapUnavailable(err)
	}
	if err := s.store.InsertModeration(ctx, ModerationEvent{ReviewID: reviewID, Action: action, Reason: reason,
		Moderator: a.Name, At: now.UTC()}); err != nil {
		return fmt.Errorf("store moderation: %w", wrapUnavailable(err))
	}
	return nil
}

// ---- right of reply ----

// Respond stores a council staff member's public response about their own
// council.
func (s *Service) Respond(ctx context.Context, p Peer, council, task, text string, now time.Time) (Response, error) {
	if p.Council != council {
		return Response{}, fmt.Errorf("%w: staff of %s cannot respond for %s", ErrNotAllowed, p.Council, council)
	}
	var errs []FieldError
	text, fe := ValidateText("response", "your response", text, 1, MaxResponse)
	if fe != nil {
		errs = append(errs, *fe)
	}
	task = strings.TrimSpace(task)
	if task != "" {
		if _, ok := s.taskByID[task]; !ok {
			errs = append(errs, FieldError{"response_task", "Choose a task from the list, or none"})
		}
	}
	if len(errs) > 0 {
		return Response{}, &ValidationError{Fields: errs}
	}
	r := Response{ID: s.uuidMaker(), Council: council, Task: task, Text: text, PeerID: p.TokenID, CreatedAt: now.UTC()}
	if err := s.store.InsertResponse(ctx, r); err != nil {
		return Response{}, fmt.Errorf("store response: %w", wrapUnavailable(err))
	}
	return r, nil
}

// ---- export ----

// ExportColumns names the columns of ExportRow, for researchers: public,
// moderated fields only (no address hash, email or token). The comment and
// end URL are empty unless a moderator approved the comment.
func ExportColumns() []string {
	return []string{"review_id", "council_code", "task", "reviewer", "nav", "atoz", "search_engine", "site_search",
		"routes_tried", "usability_index", "review_score", "importance", "found", "comment", "end_url",
		"comment_status", "ratings_excluded", "demo", "created_at"}
}

// ExportRow is one review as ExportColumns names it.
func ExportRow(r ReviewState) []any {
	comment, end := "", ""
	if r.CommentStatus == CommentApproved {
		comment, end = r.Comment, r.EndURL
	}
	kind := "public"
	if r.Kind == KindPeer {
		kind = "peer"
	}
	return []any{r.ID, r.Council, r.Task, kind, int(r.Ratings[WayNav]), int(r.Ratings[WayAtoZ]),
		int(r.Ratings[WaySearchEngine]), int(r.Ratings[WaySiteSearch]), r.Tried(), r.Index(),
		round1(r.Score()), r.Importance, r.Found(), comment, end, r.CommentStatus, r.Excluded, r.Demo, r.CreatedAt.UTC()}
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// Export streams every review as an export row. An error of fn is
// returned as is.
func (s *Service) Export(ctx context.Context, fn func(row []any) error) error {
	err := s.store.StreamReviews(ctx, func(r ReviewState) error {
		if err := fn(ExportRow(r)); err != nil {
			return callerError{err}
		}
		return nil
	})
	var ce callerError
	if errors.As(err, &ce) {
		return ce.err
	}
	if err != nil && ctx.Err() == nil {
		return wrapUnavailable(err)
	}
	return err
}

// callerError marks an error returned by the export callback.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }
func (e callerError) Unwrap() error { return e.err }

// newUUID is a random (v4) UUID read straight from crypto/rand: not
// uuid.NewString, which reads a switch of github.com/google/uuid that the
// WARC library (gowarc) flips without a lock while a crawl archives.
func newUUID() string { return uuid.Must(uuid.NewRandomFromReader(rand.Reader)).String() }
