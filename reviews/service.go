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
	"sync/atomic"
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
	// Secret keys the form tokens and the address hashes. Empty means a
	// random secret for this process (forms then expire on restart, and
	// address hashes change). Instances behind one load balancer need the
	// same secret.
	Secret []byte
	// AdminToken signs moderators in; empty disables moderation sign-in.
	// It must be at least MinAdminToken characters.
	AdminToken string
	// MinFormTime is the least time between a form being issued and sent.
	MinFormTime time.Duration
	// FormTokenTTL is how long a form token is valid.
	FormTokenTTL time.Duration
	// RatePerIP limits posts per address (an IPv6 address by its /64), or
	// per signed-in peer: more are refused. RatePerCouncil is per council
	// across everyone: more are accepted but held for moderation (their
	// ratings count once a moderator includes them), so residents are
	// never turned away. Both count the reviews every instance stored.
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
	// SignInPerAddress and SignInGlobal bound failed sign-ins (peer links
	// and the admin token, each apart) from one address and from everyone.
	SignInPerAddress, SignInGlobal Rate
	// SessionCacheTTL is how long a session lookup is kept in this
	// process (default 5s; negative: not kept). A sign-out or revocation
	// made on another instance takes effect here within this time.
	SessionCacheTTL time.Duration
	// Instance names this process in the form nonce rows (default random).
	Instance string
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
		SignInPerAddress: Rate{N: 10, Per: 15 * time.Minute},
		SignInGlobal:     Rate{N: 300, Per: time.Minute},
		SessionCacheTTL:  5 * time.Second,
	}
}

// MaxRateWindow is the longest window of a rate limit or throttle.
const MaxRateWindow = 31 * 24 * time.Hour

// ErrAdminTokenShort is returned by New for an admin token shorter than
// MinAdminToken characters.
var ErrAdminTokenShort = fmt.Errorf("the admin token must be at least %d characters: make one with `openssl rand -hex 32`", MinAdminToken)

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
	if c.SignInPerAddress == (Rate{}) {
		c.SignInPerAddress = d.SignInPerAddress
	}
	if c.SignInGlobal == (Rate{}) {
		c.SignInGlobal = d.SignInGlobal
	}
	if c.SessionCacheTTL == 0 {
		c.SessionCacheTTL = d.SessionCacheTTL
	}
	if c.Instance == "" {
		c.Instance = randomHex(8)
	}
	for _, r := range []Rate{c.RatePerIP, c.RatePerCouncil, c.SignInPerAddress, c.SignInGlobal} {
		if r.N > 0 && r.Per > MaxRateWindow {
			return fmt.Errorf("a rate limit's window of %s is longer than %s (the events it counts are kept 32 days)", r.Per, MaxRateWindow)
		}
	}
	if c.AdminToken != "" && len(c.AdminToken) < MinAdminToken {
		return fmt.Errorf("%w (this one has %d)", ErrAdminTokenShort, len(c.AdminToken))
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
	signInLim *limiter // attempts per address, before any query
	dups      *dedup
	sessions  *sessionCache
	instance  string
	// adminBinding is AdminBinding(cfg.AdminToken); announced is set once
	// it is recorded as the token in force.
	adminBinding string
	announced    atomic.Bool
	uuidMaker    func() string
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
		signInLim: newLimiter(Rate{N: 2 * max(cfg.SignInPerAddress.N, 10), Per: max(cfg.SignInPerAddress.Per, 15*time.Minute)}),
		dups:      newDedup(cfg.DuplicateWindow), sessions: newSessionCache(cfg.SessionCacheTTL),
		instance: cfg.Instance, uuidMaker: newUUID}
	if cfg.AdminToken != "" {
		s.adminBinding = AdminBinding(cfg.AdminToken)
	}
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
	// FormCookie is the value of the first-party cookie the form's token
	// was bound to when the form was served.
	FormCookie string
	Honeypot   string
	IP         string
	Peer       *Peer // nil for the public
	Now        time.Time
}

// FormBinding is what a review form's token is bound to: the council, the
// signed-in peer's session (if any) and the browser's form cookie.
func FormBinding(council string, peer *Peer, formCookie string) string {
	sid := ""
	if peer != nil {
		sid = peer.SID
	}
	return "review|" + council + "|" + sid + "|" + formCookie
}

// Result of an accepted submission.
type Result struct {
	ReviewID  string
	Duplicate bool // the same review was already stored: not stored again
	// Held: the council had reached its limit, so the review is stored
	// with its ratings excluded until a moderator includes them.
	Held bool
}

// HoldModerator is the moderator name of the exclusions that hold reviews
// past a council's limit (HeldReviews lists them).
const HoldModerator = "councildash (council review limit)"

// RateLimitError says how long to wait.
type RateLimitError struct {
	RetryAfter time.Duration
	PerCouncil bool
	Global     bool // sign-ins: everyone's failures, not this address's
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v (try again in %s)", ErrRateLimited, e.RetryAfter.Round(time.Second))
}

// Is matches ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Submit applies every rule to a post and stores the review. It returns
// only once the row is stored (or the duplicate it repeats was stored).
// The order: the form token's signature and age, the honeypot, the least
// time on the form, the answers, the council; then the token is claimed
// (claimNonce) and one query reads its uses with the recent reviews: a
// duplicate already stored by any instance is answered as such; a token
// used by another post is refused (onlyUse); then the sender's limit
// (refused past it) and the council's (held past it).
// Errors: ErrBadToken, ErrHoneypot, ErrTooFast, *ValidationError,
// ErrOwnCouncil, ErrFormUsed, *RateLimitError, or one wrapping
// ErrUnavailable.
func (s *Service) Submit(ctx context.Context, sub Submission) (Result, error) {
	ft, err := s.parseFormToken(sub.FormToken, FormBinding(sub.Council, sub.Peer, sub.FormCookie), sub.Now)
	if err != nil {
		return Result{}, err
	}
	if strings.TrimSpace(sub.Honeypot) != "" {
		return Result{}, ErrHoneypot
	}
	if sub.Now.Sub(ft.issued) < s.cfg.MinFormTime {
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
	q := RateQuery{Peer: sub.Peer != nil, Who: r.IPHash, WhoSince: sub.Now.Add(-s.cfg.RatePerIP.Per),
		Council: r.Council, CouncilSince: sub.Now.Add(-s.cfg.RatePerCouncil.Per), Duplicate: r}
	if sub.Peer != nil {
		q.Who = r.PeerID
	}
	if s.cfg.DuplicateWindow > 0 {
		q.DupSince = sub.Now.Add(-s.cfg.DuplicateWindow)
	}
	use, err := s.claimNonce(ctx, ft.nonce, sub.Now)
	if err != nil {
		return Result{}, err
	}
	q.Nonce, q.NonceSince = ft.nonce, ft.issued.Add(-time.Minute)
	counts, err := s.store.RateCounts(ctx, q)
	if err != nil {
		return Result{}, fmt.Errorf("count recent reviews: %w", wrapUnavailable(err))
	}
	if counts.DuplicateOf != "" {
		stored = true
		s.dups.finish(dupKey, entry, true, counts.DuplicateOf)
		return Result{ReviewID: counts.DuplicateOf, Duplicate: true}, nil
	}
	if !onlyUse(counts.NonceUses, use) {
		return Result{}, ErrFormUsed
	}
	if ok, wait := s.ipLimit.take(who, sub.Now); !ok {
		return Result{}, &RateLimitError{RetryAfter: wait}
	}
	if n := s.cfg.RatePerIP; n.N > 0 && counts.Who >= n.N {
		s.ipLimit.give(who)
		return Result{}, &RateLimitError{RetryAfter: retryAfter(counts.WhoOldest, n.Per, sub.Now)}
	}
	held := false
	if ok, _ := s.cLimit.take(r.Council, sub.Now); !ok {
		held = true
	}
	if n := s.cfg.RatePerCouncil; n.N > 0 && counts.Council >= n.N {
		held = true
	}
	r.ID = s.uuidMaker()
	if held {
		// The hold first: a review is never counted before its hold is
		// stored. A hold whose review then fails to store names no review.
		if err := s.store.InsertModeration(ctx, ModerationEvent{ReviewID: r.ID, Action: ActionExclude,
			Reason: "held: the council reached its review limit; include the ratings to count them", Moderator: HoldModerator, At: sub.Now.UTC()}); err != nil {
			s.ipLimit.give(who)
			return Result{}, fmt.Errorf("store hold: %w", wrapUnavailable(err))
		}
	}
	if err := s.store.InsertReview(ctx, r); err != nil {
		s.ipLimit.give(who)
		s.cLimit.give(r.Council)
		return Result{}, fmt.Errorf("store review: %w", wrapUnavailable(err))
	}
	stored = true
	s.dups.finish(dupKey, entry, true, r.ID)
	return Result{ReviewID: r.ID, Held: held}, nil
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
	Held    []ReviewState // held past a council's limit: ratings not counted yet
	Recent  []ReviewState
}

// Queue returns pending comments and held reviews (oldest first) and the
// newest reviews.
func (s *Service) Queue(ctx context.Context) (ModerationQueue, error) {
	var q ModerationQueue
	var err error
	if q.Pending, err = s.store.ReviewComments(ctx, CommentQuery{Status: CommentPending, Limit: 200}); err != nil {
		return q, wrapUnavailable(err)
	}
	if q.Held, err = s.store.HeldReviews(ctx, HoldModerator, 200); err != nil {
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
