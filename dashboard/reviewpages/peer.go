package reviewpages

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/reviews"
)

// SignInPage is the page a peer sign-in link opens: a button that signs
// in. Only its post uses the link, so a link scanner or preview that
// fetches the link changes nothing, and a form on another site cannot sign
// a visitor in (its token is bound to this browser's form cookie).
type SignInPage struct {
	Token     string // the sign-in link's token
	FormToken string
	Error     string
	Errors    []ErrorLink
}

const peerSignInBinding = "peer-signin|"

// PeerSignInPage serves GET /peer/signin?token=...: the sign-in button.
// It does not look at the token.
func (h *Handlers) PeerSignInPage(c *gin.Context) {
	now := h.now()
	c.Header("Referrer-Policy", "no-referrer") // the link holds a secret
	tok := c.Query("token")
	if tok == "" || len(tok) > 200 {
		h.message(c, http.StatusNotFound, "This sign-in link is not complete",
			[]string{"Check you copied all of the link from your email, or ask your admin for a new one."},
			Link{Href: "/", Text: "Go to the league table"})
		return
	}
	h.r.Render(c, http.StatusOK, "review_signin", "Sign in as a peer reviewer",
		SignInPage{Token: tok, FormToken: h.svc.FormToken(peerSignInBinding+h.formCookie(c, now), now)})
}

// PeerSignIn serves POST /peer/signin: the one-time link signs a member of
// council staff in and sends them to /peer.
func (h *Handlers) PeerSignIn(c *gin.Context) {
	c.Header("Referrer-Policy", "no-referrer")
	if !h.parseForm(c, "/peer") {
		return
	}
	now := h.now()
	f := c.Request.PostForm
	tok := f.Get("token")
	if _, err := h.svc.CheckFormToken(f.Get(FieldToken), peerSignInBinding+postedFormCookie(c), now); err != nil {
		msg := "The sign-in page had expired or did not come from this site, so you are not signed in. Press the button again. (Signing in needs cookies to be allowed for this site.)"
		h.r.Render(c, http.StatusForbidden, "review_signin", "Error: Sign in as a peer reviewer",
			SignInPage{Token: tok, FormToken: h.svc.FormToken(peerSignInBinding+h.formCookie(c, now), now), Error: msg,
				Errors: []ErrorLink{{Href: "#signin", Text: msg}}})
		return
	}
	cookie, p, err := h.svc.PeerSignIn(c.Request.Context(), tok, c.ClientIP(), now)
	if err != nil {
		if errors.Is(err, reviews.ErrUnavailable) {
			h.unavailable(c, err)
			return
		}
		var rl *reviews.RateLimitError
		if errors.As(err, &rl) {
			c.Header("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds())+1))
			h.message(c, http.StatusTooManyRequests, "Too many sign-in attempts",
				[]string{fmt.Sprintf("There have been too many sign-in attempts with links that do not work. Try again in %s.", waitText(rl.RetryAfter))},
				Link{Href: "/", Text: "Go to the league table"})
			return
		}
		var msg string
		switch {
		case errors.Is(err, reviews.ErrTokenUsed):
			msg = "This sign-in link has already been used. Each link works once: ask your admin for a new one."
		case errors.Is(err, reviews.ErrTokenRevoked):
			msg = "This sign-in link has been withdrawn. Ask your admin if you think this is a mistake."
		case errors.Is(err, reviews.ErrTokenExpired):
			msg = "This sign-in link has expired. Ask your admin for a new one."
		default:
			msg = "This sign-in link is not recognised. Check you copied all of it, or ask your admin for a new one."
		}
		h.message(c, http.StatusForbidden, "You could not be signed in", []string{msg}, Link{Href: "/", Text: "Go to the league table"})
		return
	}
	h.setCookie(c, PeerCookie, cookie, p.Expires)
	c.Redirect(http.StatusSeeOther, "/peer")
}

// PeerPage is the signed-in peer's home.
type PeerPage struct {
	SignedIn      bool
	Notice        string
	Peer          reviews.Peer
	CouncilName   string
	Expires       string
	Councils      []Choice // other councils to review
	Tasks         []Choice
	ResponseTasks []Choice
	ResponseToken string
	ResponseText  string
	ResponseError string
	Errors        []ErrorLink
	Responded     bool
	SignOutToken  string
	ReviewError   string
}

func peerBinding(p reviews.Peer, what string) string { return "peer|" + what + "|" + p.SID }

func (h *Handlers) peerPage(p reviews.Peer, now time.Time) PeerPage {
	pp := PeerPage{SignedIn: true, Peer: p, CouncilName: h.councilName(p.Council), Expires: p.Expires.UTC().Format("2 January 2006"),
		ResponseToken: h.svc.FormToken(peerBinding(p, "respond"), now), SignOutToken: h.svc.FormToken(peerBinding(p, "signout"), now)}
	for _, co := range h.councils {
		if co.Code != p.Council {
			pp.Councils = append(pp.Councils, Choice{Value: co.Code, Label: co.Name})
		}
	}
	pp.ResponseTasks = []Choice{{Value: "", Label: "No particular task"}}
	for _, t := range h.svc.Tasks() {
		pp.Tasks = append(pp.Tasks, Choice{Value: t.ID, Label: t.Name})
		pp.ResponseTasks = append(pp.ResponseTasks, Choice{Value: t.ID, Label: t.Name})
	}
	return pp
}

// PeerHome serves GET /peer. With ?council=CODE (and &task=ID) it sends a
// peer to that council's review form: a form that works without scripts.
func (h *Handlers) PeerHome(c *gin.Context) {
	now := h.now()
	p, notice, err := h.peer(c, now)
	if err != nil {
		h.unavailable(c, err)
		return
	}
	if p == nil {
		if notice == "" {
			notice = "Council staff sign in with the one-time link their admin gives them. Anyone can review a council without signing in."
		}
		h.r.Render(c, http.StatusUnauthorized, "review_peer", "Peer reviewers", PeerPage{Notice: notice})
		return
	}
	pp := h.peerPage(*p, now)
	if code := c.Query("council"); code != "" {
		if _, ok := h.byCode[code]; ok && code != p.Council {
			target := reviewPath(code)
			if t, ok := h.svc.Task(c.Query("task")); ok {
				target += "?task=" + url.QueryEscape(t.ID)
			}
			c.Redirect(http.StatusSeeOther, target)
			return
		}
		pp.ReviewError = "Choose another council from the list: peers review other councils' sites"
		pp.Errors = []ErrorLink{{Href: "#council", Text: pp.ReviewError}}
		h.r.Render(c, http.StatusBadRequest, "review_peer", "Error: Peer reviewers", pp)
		return
	}
	pp.Responded = c.Query("responded") == "1"
	h.r.Render(c, http.StatusOK, "review_peer", "Peer reviewers", pp)
}

// PeerSignOut serves POST /peer/signout: the session ends on the server
// (its cookie no longer signs anything in, wherever it was copied to).
func (h *Handlers) PeerSignOut(c *gin.Context) {
	if !h.parseForm(c, "/peer") {
		return
	}
	now := h.now()
	v, _ := c.Cookie(PeerCookie)
	p, err := h.svc.PeerFromSession(c.Request.Context(), v, now)
	if errors.Is(err, reviews.ErrUnavailable) {
		h.unavailable(c, err)
		return
	}
	if err == nil {
		if _, terr := h.svc.CheckFormToken(c.Request.PostForm.Get(FieldToken), peerBinding(p, "signout"), now); terr != nil {
			h.message(c, http.StatusForbidden, "You are still signed in", []string{"The sign-out form had expired. Go back and try again."}, Link{Href: "/peer", Text: "Go back"})
			return
		}
		if err := h.svc.PeerSignOut(c.Request.Context(), v, now); err != nil {
			h.unavailable(c, err)
			return
		}
	}
	h.setCookie(c, PeerCookie, "", time.Time{})
	c.Redirect(http.StatusSeeOther, "/")
}

// Respond serves POST /councils/:code/responses: a council's own staff post
// a public response (right of reply), shown beside its reviews.
func (h *Handlers) Respond(c *gin.Context) {
	co, ok := h.council(c)
	if !ok {
		return
	}
	if !h.parseForm(c, "/peer") {
		return
	}
	now := h.now()
	p, _, err := h.peer(c, now)
	if err != nil {
		h.unavailable(c, err)
		return
	}
	if p == nil {
		h.message(c, http.StatusForbidden, "Sign in to respond",
			[]string{"Only a council's own staff, signed in with their peer link, can post a response about its site."},
			Link{Href: "/peer", Text: "Peer reviewers"})
		return
	}
	if p.Council != co.Code {
		h.message(c, http.StatusForbidden, "You can only respond for your own council",
			[]string{"You are signed in as staff of " + h.councilName(p.Council) + ". Responses about " + co.Name + " come from its own staff."},
			Link{Href: "/peer", Text: "Go back"})
		return
	}
	f := c.Request.PostForm
	text, task := f.Get("response"), f.Get("response_task")
	pp := h.peerPage(*p, now)
	pp.ResponseText = text
	for i := range pp.ResponseTasks {
		pp.ResponseTasks[i].Checked = pp.ResponseTasks[i].Value == task
	}
	if _, err := h.svc.CheckFormToken(f.Get(FieldToken), peerBinding(*p, "respond"), now); err != nil {
		pp.ResponseError = "Your form had expired, so your response was not posted. Check it and send it again."
		pp.Errors = []ErrorLink{{Href: "#response", Text: pp.ResponseError}}
		h.r.Render(c, http.StatusForbidden, "review_peer", "Error: Peer reviewers", pp)
		return
	}
	_, err = h.svc.Respond(c.Request.Context(), *p, co.Code, task, text, now)
	var verr *reviews.ValidationError
	switch {
	case err == nil:
		h.changed()
		c.Redirect(http.StatusSeeOther, "/peer?responded=1")
	case errors.As(err, &verr):
		for _, fe := range verr.Fields {
			if fe.Field == "response" {
				pp.ResponseError = fe.Message
			}
			pp.Errors = append(pp.Errors, ErrorLink{Href: "#" + fe.Field, Text: fe.Message})
		}
		h.r.Render(c, http.StatusBadRequest, "review_peer", "Error: Peer reviewers", pp)
	default:
		h.log.Warn("reviews: response not stored", "council", co.Code, "err", err)
		pp.ResponseError = "Sorry, we could not post your response just now because our database is unavailable. It is below: please send it again in a few minutes."
		pp.Errors = []ErrorLink{{Href: "#response", Text: pp.ResponseError}}
		c.Header("Retry-After", "60")
		h.r.Render(c, http.StatusServiceUnavailable, "review_peer", "Error: Peer reviewers", pp)
	}
}
