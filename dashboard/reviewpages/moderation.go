package reviewpages

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/reviews"
)

// ModItem is one review as a moderator sees it.
type ModItem struct {
	ID          string
	Council     string
	CouncilName string
	TaskName    string
	Kind        string
	Ratings     string
	Index       int
	Comment     string
	EndURL      string
	Created     string
	Status      string
	Excluded    bool
	Reason      string
	Demo        bool
}

// ModerationPage is the moderation page, or its sign-in form.
type ModerationPage struct {
	Enabled     bool
	SignedIn    bool
	Moderator   string
	Token       string // CSRF token of the decision forms (or of the sign-in form)
	Name        string // typed name on the sign-in form
	SignInError string
	NameError   string
	Errors      []ErrorLink
	Pending     []ModItem
	Held        []ModItem // held past a council's limit: ratings not counted yet
	Recent      []ModItem
	Done        string
	ItemError   map[string]string
	Reasons     map[string]string
}

// adminSignInBinding binds the sign-in form's token, with the browser's
// form cookie (no login CSRF).
const adminSignInBinding = "admin-signin|"

func adminBinding(a reviews.Admin) string { return "moderate|" + a.SID }

// admin returns the signed-in moderator, or nil (a session that ended is
// cleared). A database error is returned (the caller answers 503).
func (h *Handlers) admin(c *gin.Context, now time.Time) (*reviews.Admin, error) {
	v, err := c.Cookie(AdminCookie)
	if err != nil || v == "" {
		return nil, nil
	}
	a, err := h.svc.AdminFromSession(c.Request.Context(), v, now)
	if errors.Is(err, reviews.ErrUnavailable) {
		return nil, err
	}
	if err != nil {
		h.setCookie(c, AdminCookie, "", time.Time{})
		return nil, nil
	}
	return &a, nil
}

func (h *Handlers) modItem(r reviews.ReviewState) ModItem {
	var parts []string
	for _, rt := range reviews.Ways() {
		x := r.Ratings[rt]
		label := "not tried"
		for _, ch := range reviews.RatingChoices() {
			if ch.R == x && x != reviews.NotTried {
				label = strings.ToLower(ch.Label)
			}
		}
		parts = append(parts, rt.Label()+": "+label)
	}
	kind := r.Kind
	if r.Kind == reviews.KindPeer {
		kind = "peer (council staff)"
	}
	return ModItem{ID: r.ID, Council: r.Council, CouncilName: h.councilName(r.Council), TaskName: h.taskName(r.Task), Kind: kind,
		Ratings: strings.Join(parts, "; "), Index: r.Index(), Comment: r.Comment, EndURL: r.EndURL,
		Created: r.CreatedAt.UTC().Format("2 Jan 2006 15:04"), Status: r.CommentStatus, Excluded: r.Excluded, Reason: r.Reason, Demo: r.Demo}
}

func (h *Handlers) renderModeration(c *gin.Context, status int, a reviews.Admin, now time.Time, p ModerationPage) {
	q, err := h.svc.Queue(c.Request.Context())
	if err != nil {
		h.unavailable(c, err)
		return
	}
	p.Enabled, p.SignedIn, p.Moderator = true, true, a.Name
	p.Token = h.svc.FormToken(adminBinding(a), now)
	for _, r := range q.Pending {
		p.Pending = append(p.Pending, h.modItem(r))
	}
	for _, r := range q.Held {
		p.Held = append(p.Held, h.modItem(r))
	}
	for _, r := range q.Recent {
		p.Recent = append(p.Recent, h.modItem(r))
	}
	title := "Moderation"
	if len(p.Errors) > 0 {
		title = "Error: " + title
	}
	h.r.Render(c, status, "review_moderation", title, p)
}

func (h *Handlers) renderSignIn(c *gin.Context, status int, p ModerationPage, now time.Time) {
	p.Enabled = h.svc.AdminEnabled()
	p.Token = h.svc.FormToken(adminSignInBinding+h.formCookie(c, now), now)
	title := "Sign in to moderate"
	if len(p.Errors) > 0 {
		title = "Error: " + title
	}
	h.r.Render(c, status, "review_moderation", title, p)
}

// Moderation serves GET /moderation: pending comments and recent reviews,
// or the sign-in form.
func (h *Handlers) Moderation(c *gin.Context) {
	now := h.now()
	a, err := h.admin(c, now)
	if err != nil {
		h.unavailable(c, err)
		return
	}
	if a == nil {
		h.renderSignIn(c, http.StatusOK, ModerationPage{}, now)
		return
	}
	p := ModerationPage{}
	if d := c.Query("done"); d != "" {
		p.Done = "Decision recorded for review " + d + "."
	}
	h.renderModeration(c, http.StatusOK, *a, now, p)
}

// AdminSignIn serves POST /moderation/signin.
func (h *Handlers) AdminSignIn(c *gin.Context) {
	if !h.parseForm(c, "/moderation") {
		return
	}
	now := h.now()
	f := c.Request.PostForm
	p := ModerationPage{Name: f.Get("name")}
	if _, err := h.svc.CheckFormToken(f.Get(FieldToken), adminSignInBinding+postedFormCookie(c), now); err != nil {
		p.SignInError = "The sign-in form had expired. Enter the admin token again."
		p.Errors = []ErrorLink{{Href: "#admin_token", Text: p.SignInError}}
		h.renderSignIn(c, http.StatusForbidden, p, now)
		return
	}
	name, fe := reviews.ValidateText("name", "your name (it is kept with each decision)", f.Get("name"), 1, 100)
	if fe != nil {
		p.NameError = fe.Message
		p.Errors = append(p.Errors, ErrorLink{Href: "#name", Text: fe.Message})
	}
	if strings.TrimSpace(f.Get("admin_token")) == "" {
		p.SignInError = "Enter the admin token"
		p.Errors = append(p.Errors, ErrorLink{Href: "#admin_token", Text: p.SignInError})
	}
	if len(p.Errors) > 0 {
		h.renderSignIn(c, http.StatusBadRequest, p, now)
		return
	}
	cookie, a, err := h.svc.AdminSignIn(c.Request.Context(), f.Get("admin_token"), name, c.ClientIP(), now)
	if err != nil {
		status := http.StatusUnauthorized
		var rl *reviews.RateLimitError
		switch {
		case errors.Is(err, reviews.ErrUnavailable):
			h.unavailable(c, err)
			return
		case errors.As(err, &rl):
			status = http.StatusTooManyRequests
			c.Header("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds())+1))
			p.SignInError = fmt.Sprintf("Too many sign-in attempts. Try again in %s.", waitText(rl.RetryAfter))
		case !h.svc.AdminEnabled():
			status = http.StatusServiceUnavailable
			p.SignInError = "Moderation is not set up: the server has no admin token (COUNCILDASH_ADMIN_TOKEN)."
		default:
			p.SignInError = "The admin token is not right. Check it and try again."
		}
		p.Errors = []ErrorLink{{Href: "#admin_token", Text: p.SignInError}}
		h.renderSignIn(c, status, p, now)
		return
	}
	h.setCookie(c, AdminCookie, cookie, a.Expires)
	c.Redirect(http.StatusSeeOther, "/moderation")
}

// Moderate serves POST /moderation/:id: approve or reject a comment (with a
// reason), or exclude or include a review's ratings. Every decision is an
// appended event.
func (h *Handlers) Moderate(c *gin.Context) {
	if !h.parseForm(c, "/moderation") {
		return
	}
	now := h.now()
	a, err := h.admin(c, now)
	if err != nil {
		h.unavailable(c, err)
		return
	}
	if a == nil {
		h.renderSignIn(c, http.StatusUnauthorized, ModerationPage{SignInError: "Sign in to moderate", Errors: []ErrorLink{{Href: "#admin_token", Text: "Your moderator sign-in has ended: sign in again"}}}, now)
		return
	}
	id := c.Param("id")
	f := c.Request.PostForm
	p := ModerationPage{ItemError: map[string]string{}, Reasons: map[string]string{id: f.Get("reason")}}
	if _, err := h.svc.CheckFormToken(f.Get(FieldToken), adminBinding(*a), now); err != nil {
		msg := "The moderation form had expired, so nothing was recorded. Make your decision again."
		p.ItemError[id] = msg
		p.Errors = []ErrorLink{{Href: "#item-" + id, Text: msg}}
		h.renderModeration(c, http.StatusForbidden, *a, now, p)
		return
	}
	err = h.svc.Moderate(c.Request.Context(), *a, id, f.Get("action"), f.Get("reason"), now)
	var verr *reviews.ValidationError
	switch {
	case err == nil:
		h.changed()
		c.Redirect(http.StatusSeeOther, "/moderation?done="+url.QueryEscape(id))
	case errors.As(err, &verr):
		for _, fe := range verr.Fields {
			p.ItemError[id] = fe.Message
			p.Errors = append(p.Errors, ErrorLink{Href: "#item-" + id, Text: fe.Message})
		}
		h.renderModeration(c, http.StatusBadRequest, *a, now, p)
	case errors.Is(err, reviews.ErrNotFound):
		h.notFound(c, "There is no review with that id.")
	default:
		h.unavailable(c, err)
	}
}

// AdminSignOut serves POST /moderation/signout: the moderator's session
// ends on the server.
func (h *Handlers) AdminSignOut(c *gin.Context) {
	if !h.parseForm(c, "/moderation") {
		return
	}
	now := h.now()
	a, err := h.admin(c, now)
	if err != nil {
		h.unavailable(c, err)
		return
	}
	if a != nil {
		if _, err := h.svc.CheckFormToken(c.Request.PostForm.Get(FieldToken), adminBinding(*a), now); err != nil {
			h.message(c, http.StatusForbidden, "You are still signed in", []string{"The sign-out form had expired. Go back and try again."},
				Link{Href: "/moderation", Text: "Go back"})
			return
		}
		v, _ := c.Cookie(AdminCookie)
		if err := h.svc.AdminSignOut(c.Request.Context(), v, now); err != nil {
			h.unavailable(c, err)
			return
		}
	}
	h.setCookie(c, AdminCookie, "", time.Time{})
	c.Redirect(http.StatusSeeOther, "/moderation")
}
