// Package reviewpages serves the review pages: the review form, peer
// sign-in and home, councils' responses and moderation. It is the UI of
// the reviews package (which holds the rules and never imports this): the
// dashboard's way table calls these handlers, and the pages render
// through the dashboard's renderer (the Renderer interface) with the
// templates in Templates.
//
// Every page is a plain HTML form that works without JavaScript. A post is
// answered 303 only after the review is stored; a rejected post re-renders
// the form with a clear message and what the person typed; when the
// database is down the form comes back with status 503 and the input kept.
package reviewpages

import (
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
)

// Templates holds the review page templates (templates/review_*.html) for
// the dashboard's renderer.
//
//go:embed templates/review_*.html
var Templates embed.FS

// Renderer renders a page template into the response (the dashboard's
// *Renderer satisfies it).
type Renderer interface {
	Render(c *gin.Context, status int, page, title string, data any)
}

// Config shapes the handlers.
type Config struct {
	// SecureCookies marks cookies Secure (serve over HTTPS). cmd sets it
	// whenever the base URL is https.
	SecureCookies bool
	// MaxBodyBytes bounds a posted form (default 128 KiB).
	MaxBodyBytes int64
}

// Deps is what the handlers need.
type Deps struct {
	Service  *reviews.Service
	Renderer Renderer
	Councils []data.Council
	Logger   *slog.Logger
	Config   Config
	// Clock is the time source (default time.Now); tests move it on
	// instead of sleeping through the minimum time on the form.
	Clock func() time.Time
	// OnChange, when set, is told after a review, a moderation decision
	// or a response is stored (the dashboard refreshes its reviews).
	OnChange func()
}

// Handlers are the review pages' gin handlers.
type Handlers struct {
	svc      *reviews.Service
	r        Renderer
	councils []data.Council
	byCode   map[string]data.Council
	log      *slog.Logger
	cfg      Config
	now      func() time.Time
	changed  func()
}

// Cookie names. The peer and admin cookies hold a session's random value
// (sessions are kept in the database); the form cookie is a random value
// the forms' tokens are bound to, so a token works only in the browser it
// was served to.
const (
	PeerCookie  = "councildash_peer"
	AdminCookie = "councildash_admin"
	FormCookie  = "councildash_form"
)

// DefaultMaxBody is the default bound of a posted form.
const DefaultMaxBody = 128 << 10

// New returns the handlers.
func New(d Deps) (*Handlers, error) {
	if d.Service == nil || d.Renderer == nil {
		return nil, errors.New("reviewpages: Service and Renderer are required")
	}
	h := &Handlers{svc: d.Service, r: d.Renderer, log: d.Logger, cfg: d.Config, now: d.Clock, changed: d.OnChange,
		byCode: map[string]data.Council{}}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.changed == nil {
		h.changed = func() {}
	}
	if h.cfg.MaxBodyBytes <= 0 {
		h.cfg.MaxBodyBytes = DefaultMaxBody
	}
	for _, c := range d.Councils {
		if c.Code == "" {
			continue
		}
		if _, dup := h.byCode[c.Code]; !dup {
			h.councils = append(h.councils, c)
		}
		h.byCode[c.Code] = c
	}
	sort.Slice(h.councils, func(i, j int) bool { return h.councils[i].Name < h.councils[j].Name })
	return h, nil
}

// ---- shared page pieces ----

// ErrorLink is one line of a GOV.UK error summary.
type ErrorLink struct {
	Href string
	Text string
}

// Choice is a radio or select option.
type Choice struct {
	ID      string
	Value   string
	Label   string
	Checked bool
}

// Link is a link on a message page.
type Link struct {
	Href string
	Text string
}

// MessagePage is a page with a heading, some paragraphs and links (not
// found, refused, too large, sign-in problems).
type MessagePage struct {
	Heading string
	Paras   []string
	Links   []Link
}

func (h *Handlers) message(c *gin.Context, status int, heading string, paras []string, links ...Link) {
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "60")
	}
	h.r.Render(c, status, "review_message", heading, MessagePage{Heading: heading, Paras: paras, Links: links})
}

func (h *Handlers) unavailable(c *gin.Context, err error) {
	h.log.Warn("reviews: database unavailable", "path", c.Request.URL.Path, "err", err)
	h.message(c, http.StatusServiceUnavailable, "Sorry, the service is unavailable",
		[]string{"We could not reach our database. Nothing has been lost. Please try again in a few minutes."},
		Link{Href: c.Request.URL.RequestURI(), Text: "Try again"})
}

func (h *Handlers) notFound(c *gin.Context, what string) {
	h.message(c, http.StatusNotFound, "Page not found", []string{what},
		Link{Href: "/", Text: "See every council in the league table"})
}

// NoStore marks every review page "Cache-Control: no-store": they show
// who is signed in, or carry form tokens bound to this browser, so no
// cache may keep them. The route table puts it before each review route.
func NoStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}

// formCookie returns the browser's form cookie, setting a new one when it
// has none (or one that is not ours). It is set again on every form so
// it lives as long as the tokens bound to it.
func (h *Handlers) formCookie(c *gin.Context, now time.Time) string {
	v, err := c.Cookie(FormCookie)
	if err != nil || !validFormCookie(v) {
		if v, err = reviews.RandomToken(18); err != nil {
			return ""
		}
	}
	h.setCookie(c, FormCookie, v, now.Add(h.svc.Config().FormTokenTTL+time.Hour))
	return v
}

// postedFormCookie is the form cookie a post came with ("" when none).
func postedFormCookie(c *gin.Context) string {
	v, err := c.Cookie(FormCookie)
	if err != nil || !validFormCookie(v) {
		return ""
	}
	return v
}

func validFormCookie(v string) bool {
	if len(v) != 24 {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (h *Handlers) setCookie(c *gin.Context, name, value string, expires time.Time) {
	ck := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: h.cfg.SecureCookies, SameSite: http.SameSiteLaxMode}
	if value == "" {
		ck.MaxAge = -1
	} else {
		ck.Expires = expires
	}
	http.SetCookie(c.Writer, ck)
}

// peer returns the signed-in peer, nil for the public. A session that has
// ended is cleared (notice says why); ErrUnavailable is returned as is.
func (h *Handlers) peer(c *gin.Context, now time.Time) (*reviews.Peer, string, error) {
	v, err := c.Cookie(PeerCookie)
	if err != nil || v == "" {
		return nil, "", nil
	}
	p, err := h.svc.PeerFromSession(c.Request.Context(), v, now)
	switch {
	case err == nil:
		return &p, "", nil
	case errors.Is(err, reviews.ErrUnavailable):
		return nil, "", err
	case errors.Is(err, reviews.ErrTokenRevoked):
		h.setCookie(c, PeerCookie, "", time.Time{})
		return nil, "Your peer sign-in link has been withdrawn, so you are no longer signed in as council staff.", nil
	default:
		h.setCookie(c, PeerCookie, "", time.Time{})
		return nil, "Your peer sign-in has ended. Ask your admin for a new link to review as council staff.", nil
	}
}

// parseForm reads a posted form within the size limit. It reports false
// (having answered) when the body is too large or unreadable.
func (h *Handlers) parseForm(c *gin.Context, back string) bool {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, h.cfg.MaxBodyBytes)
	if err := c.Request.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.message(c, http.StatusRequestEntityTooLarge, "What you sent is too large",
				[]string{fmt.Sprintf("A form can be up to %d KB. Comments can be up to %s characters: please shorten yours and send it again.", h.cfg.MaxBodyBytes>>10, reviews.Thousands(reviews.MaxComment))},
				Link{Href: back, Text: "Go back to the form"})
			return false
		}
		h.message(c, http.StatusBadRequest, "Sorry, we could not read the form", []string{"Please go back and send it again."},
			Link{Href: back, Text: "Go back to the form"})
		return false
	}
	return true
}

func (h *Handlers) council(c *gin.Context) (data.Council, bool) {
	co, ok := h.byCode[c.Param("code")]
	if !ok {
		h.notFound(c, fmt.Sprintf("There is no council with the code %q in the register.", c.Param("code")))
	}
	return co, ok
}

func (h *Handlers) taskName(id string) string {
	if t, ok := h.svc.Task(id); ok {
		return t.Name
	}
	return id
}

func (h *Handlers) councilName(code string) string {
	if c, ok := h.byCode[code]; ok {
		return c.Name
	}
	return code
}

func reviewPath(code string) string { return "/councils/" + url.PathEscape(code) + "/review" }

// ---- the review form ----

// WayQuestion is one way's radios.
type WayQuestion struct {
	Name    string
	Legend  string
	Hint    string // the way in plain words
	Choices []Choice
	Error   string
}

// FormPage is the review form's data.
type FormPage struct {
	Council     data.Council
	Action      string
	Token       string
	Peer        *reviews.Peer
	PeerCouncil string
	Notice      string // a note above the form (a session that ended)
	Problem     string // why the post was refused, above the fields
	Unavailable bool   // the database is down: try again, input kept
	Errors      []ErrorLink
	Tasks       []Choice
	TaskError   string
	Ways        []WayQuestion
	Importance  []Choice
	ImpError    string
	EndURL      string
	EndURLError string
	Comment     string
	CommentErr  string
	Kinds       []Choice
	KindError   string
	MaxComment  string
}

func (h *Handlers) formPage(co data.Council, in reviews.Input, peer *reviews.Peer, token string, verr *reviews.ValidationError) FormPage {
	p := FormPage{Council: co, Action: reviewPath(co.Code), Token: token, Peer: peer, MaxComment: reviews.Thousands(reviews.MaxComment),
		EndURL: in.EndURL, Comment: in.Comment}
	if peer != nil {
		p.PeerCouncil = h.councilName(peer.Council)
	}
	for _, t := range h.svc.Tasks() {
		p.Tasks = append(p.Tasks, Choice{ID: "task-" + t.ID, Value: t.ID, Label: t.Name, Checked: t.ID == in.Task})
	}
	for _, rt := range reviews.Ways() {
		q := WayQuestion{Name: reviews.WayField(rt), Legend: rt.Label(), Hint: wayHints[rt], Error: verr.Message(reviews.WayField(rt))}
		chosen := in.Ratings[rt]
		if r, ok := reviews.ParseRating(chosen); ok {
			chosen = r.FormValue()
		}
		for i, ch := range reviews.RatingChoices() {
			id := q.Name
			if i > 0 {
				id += "-" + ch.Value
			}
			q.Choices = append(q.Choices, Choice{ID: id, Value: ch.Value, Label: ch.Label, Checked: chosen == ch.Value})
		}
		p.Ways = append(p.Ways, q)
	}
	for i := reviews.MinImportance; i <= reviews.MaxImportance; i++ {
		id := reviews.FieldImportance
		if i > reviews.MinImportance {
			id += "-" + strconv.Itoa(i)
		}
		// Words, not digits: the form follows the Content Standard it checks.
		label := importanceLabel(i)
		p.Importance = append(p.Importance, Choice{ID: id, Value: strconv.Itoa(i), Label: label, Checked: strings.TrimSpace(in.Importance) == strconv.Itoa(i)})
	}
	kinds := []Choice{{Value: reviews.KindResident, Label: "I live in this council's area"}, {Value: "staff", Label: "I work for a council"}, {Value: reviews.KindOther, Label: "Other"}}
	for i := range kinds {
		kinds[i].ID = reviews.FieldKind
		if i > 0 {
			kinds[i].ID += "-" + kinds[i].Value
		}
		kinds[i].Checked = in.Kind == kinds[i].Value
	}
	p.Kinds = kinds
	if verr != nil {
		p.TaskError = verr.Message(reviews.FieldTask)
		p.ImpError = verr.Message(reviews.FieldImportance)
		p.EndURLError = verr.Message(reviews.FieldEndURL)
		p.CommentErr = verr.Message(reviews.FieldComment)
		p.KindError = verr.Message(reviews.FieldKind)
		for _, f := range verr.Fields {
			href := "#" + f.Field
			if f.Field == reviews.FieldTask {
				href = "#task"
			}
			p.Errors = append(p.Errors, ErrorLink{Href: href, Text: f.Message})
		}
	}
	return p
}

func formTitle(co data.Council) string { return "Review " + co.Name }

// importanceLabel names an importance rating (1 to 5).
func importanceLabel(i int) string {
	switch {
	case i <= reviews.MinImportance:
		return "Not important"
	case i == 2:
		return "A little important"
	case i == 3:
		return "Fairly important"
	case i < reviews.MaxImportance:
		return "Important"
	}
	return "Very important"
}

// Form serves GET /councils/:code/review (?task=ID preselects a task).
func (h *Handlers) Form(c *gin.Context) {
	co, ok := h.council(c)
	if !ok {
		return
	}
	now := h.now()
	peer, notice, err := h.peer(c, now)
	if err != nil {
		h.unavailable(c, err)
		return
	}
	if peer != nil && peer.Council == co.Code {
		h.ownCouncil(c, co)
		return
	}
	in := reviews.Input{}
	if t := c.Query("task"); t != "" {
		if _, ok := h.svc.Task(t); ok {
			in.Task = t
		}
	}
	p := h.formPage(co, in, peer, h.svc.FormToken(reviews.FormBinding(co.Code, peer, h.formCookie(c, now)), now), nil)
	p.Notice = notice
	h.r.Render(c, http.StatusOK, "review_form", formTitle(co), p)
}

func (h *Handlers) ownCouncil(c *gin.Context, co data.Council) {
	h.message(c, http.StatusForbidden, "You cannot review your own council",
		[]string{fmt.Sprintf("You are signed in as staff of %s. Peers review other councils' sites, so that reviews stay independent.", co.Name),
			"You can post a public response to your council's reviews instead."},
		Link{Href: "/peer", Text: "Post a response or review another council"})
}

func inputFrom(c *gin.Context) reviews.Input {
	f := c.Request.PostForm
	in := reviews.Input{Task: f.Get(reviews.FieldTask), Importance: f.Get(reviews.FieldImportance),
		Comment: f.Get(reviews.FieldComment), EndURL: f.Get(reviews.FieldEndURL), Kind: f.Get(reviews.FieldKind)}
	for _, rt := range reviews.Ways() {
		in.Ratings[rt] = f.Get(reviews.WayField(rt))
	}
	return in
}

// Honeypot and token field names.
const (
	FieldToken    = "form_token"
	FieldHoneypot = "website"
)

// Submit serves POST /councils/:code/review.
func (h *Handlers) Submit(c *gin.Context) {
	co, ok := h.council(c)
	if !ok {
		return
	}
	if !h.parseForm(c, reviewPath(co.Code)) {
		return
	}
	now := h.now()
	in := inputFrom(c)
	tok := c.Request.PostForm.Get(FieldToken)
	posted := postedFormCookie(c)
	peer, notice, err := h.peer(c, now)
	if err != nil {
		h.renderUnavailable(c, co, in, nil, h.svc.FormToken(reviews.FormBinding(co.Code, nil, h.formCookie(c, now)), now))
		return
	}
	if peer != nil && peer.Council == co.Code {
		h.ownCouncil(c, co)
		return
	}
	res, err := h.svc.Submit(c.Request.Context(), reviews.Submission{Council: co.Code, Input: in, FormToken: tok, FormCookie: posted,
		Honeypot: c.Request.PostForm.Get(FieldHoneypot), IP: c.ClientIP(), Peer: peer, Now: now})
	if err == nil {
		if !res.Duplicate {
			h.changed()
		}
		h.markSent(c, co.Code)
		q := url.Values{}
		if t, ok := h.svc.Task(strings.TrimSpace(in.Task)); ok {
			q.Set("task", t.ID)
		}
		if res.Duplicate {
			q.Set("duplicate", "1")
		}
		if res.Held {
			q.Set("held", "1")
		}
		target := reviewPath(co.Code) + "/thanks"
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		c.Redirect(http.StatusSeeOther, target)
		return
	}
	// The form comes back with the same token when the post did not use
	// it, else with a fresh one (bound to the form cookie, set anew when
	// the post came without one).
	retok := h.svc.NextFormToken(tok, reviews.FormBinding(co.Code, peer, posted), now, err)
	if posted == "" {
		retok = h.svc.FormToken(reviews.FormBinding(co.Code, peer, h.formCookie(c, now)), now)
	}
	var verr *reviews.ValidationError
	var rl *reviews.RateLimitError
	status, problem := http.StatusBadRequest, ""
	switch {
	case errors.As(err, &verr):
		p := h.formPage(co, in, peer, retok, verr)
		p.Notice = notice
		h.r.Render(c, http.StatusBadRequest, "review_form", "Error: "+formTitle(co), p)
		return
	case errors.Is(err, reviews.ErrUnavailable):
		h.renderUnavailable(c, co, in, peer, retok)
		return
	case errors.Is(err, reviews.ErrBadToken):
		status, problem = http.StatusForbidden, "Your form had expired or did not come from this site, so your review was not saved. Check your answers below and send them again. (This form needs cookies to be allowed for this site.)"
	case errors.Is(err, reviews.ErrFormUsed):
		status, problem = http.StatusConflict, "This form has already been used to send a review, so this one was not saved. If you meant to send another review, check your answers below and send them again."
	case errors.Is(err, reviews.ErrHoneypot):
		problem = "Your review was not saved because the field marked \"leave this empty\" was filled in. Empty it and send your review again."
	case errors.Is(err, reviews.ErrTooFast):
		problem = "Your review was sent very quickly, so we could not tell it came from a person. Check your answers below and send them again."
	case errors.As(err, &rl):
		status = http.StatusTooManyRequests
		c.Header("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds())+1))
		if rl.PerCouncil {
			problem = fmt.Sprintf("This council has had a lot of reviews in the last hour, so we are not taking more for now. Your answers are below: please send them again in %s.", waitText(rl.RetryAfter))
		} else {
			problem = fmt.Sprintf("You have sent a lot of reviews in the last hour. Your answers are below: please send them again in %s.", waitText(rl.RetryAfter))
		}
	case errors.Is(err, reviews.ErrOwnCouncil):
		h.ownCouncil(c, co)
		return
	default:
		h.log.Error("reviews: submit failed", "council", co.Code, "err", err)
		h.renderUnavailable(c, co, in, peer, retok)
		return
	}
	p := h.formPage(co, in, peer, retok, nil)
	p.Notice = notice
	p.Problem = problem
	p.Errors = []ErrorLink{{Href: "#submit", Text: problem}}
	h.r.Render(c, status, "review_form", "Error: "+formTitle(co), p)
}

func waitText(d time.Duration) string {
	m := int(d.Minutes() + 0.999)
	if m <= 1 {
		return "a minute"
	}
	return fmt.Sprintf("%d minutes", m)
}

func (h *Handlers) renderUnavailable(c *gin.Context, co data.Council, in reviews.Input, peer *reviews.Peer, tok string) {
	h.log.Warn("reviews: review not stored: database unavailable", "council", co.Code)
	p := h.formPage(co, in, peer, tok, nil)
	p.Unavailable = true
	p.Problem = "Sorry, we could not save your review just now because our database is unavailable. Your answers are below: please send them again in a few minutes."
	p.Errors = []ErrorLink{{Href: "#submit", Text: p.Problem}}
	c.Header("Retry-After", "60")
	h.r.Render(c, http.StatusServiceUnavailable, "review_form", "Error: "+formTitle(co), p)
}

// ThanksPage is the page after a stored review.
type ThanksPage struct {
	Council    data.Council
	Task       string
	TaskName   string
	Duplicate  bool
	Held       bool // stored, but held past the council's limit: not counted yet
	HasSummary bool
	Summary    reviews.TaskAggregate
	Score      string
	Index      string
	FoundRate  string
	Importance string
	Ranked     bool
	MinSample  int
	Again      string
}

// Thanks serves GET /councils/:code/review/thanks.
func (h *Handlers) Thanks(c *gin.Context) {
	co, ok := h.council(c)
	if !ok {
		return
	}
	if !wasSent(c, co.Code) {
		// No review was sent from here: nothing to thank anyone for.
		c.Redirect(http.StatusSeeOther, reviewPath(co.Code))
		return
	}
	p := ThanksPage{Council: co, Duplicate: c.Query("duplicate") == "1", Held: c.Query("held") == "1", MinSample: h.svc.Config().MinTaskSample, Again: reviewPath(co.Code)}
	if t, ok := h.svc.Task(c.Query("task")); ok {
		p.Task, p.TaskName = t.ID, t.Name
		if agg, err := h.svc.TaskAggregate(c.Request.Context(), co.Code, t.ID); err == nil && agg.N > 0 {
			p.HasSummary, p.Summary, p.Ranked = true, agg, agg.Ranked
			p.Score = fmt.Sprintf("%.0f", agg.Score)
			p.Index = fmt.Sprintf("%.1f", agg.Index)
			p.FoundRate = fmt.Sprintf("%.0f%%", agg.FoundRate*100)
			p.Importance = fmt.Sprintf("%.1f", agg.Importance)
		}
	}
	h.r.Render(c, http.StatusOK, "review_thanks", "Thank you for your review", p)
}

// Random serves GET /review/random: a random council (not a peer's own)
// and a random task.
func (h *Handlers) Random(c *gin.Context) {
	if len(h.councils) == 0 {
		h.notFound(c, "There are no councils in the register.")
		return
	}
	own := ""
	if p, _, err := h.peer(c, h.now()); err == nil && p != nil {
		own = p.Council
	}
	var co data.Council
	for range 20 {
		co = h.councils[rand.IntN(len(h.councils))]
		if co.Code != own {
			break
		}
	}
	tasks := h.svc.Tasks()
	t := tasks[rand.IntN(len(tasks))]
	c.Redirect(http.StatusFound, reviewPath(co.Code)+"?task="+url.QueryEscape(t.ID))
}
