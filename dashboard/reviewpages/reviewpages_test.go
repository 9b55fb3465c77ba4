package reviewpages_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/dashboard/reviewpages/formclient"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/reviews"
)

// clock is a test clock moved on by hand (no sleeping for the minimum time
// on the form).
type clock struct{ off atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) Add(d time.Duration)     { c.off.Add(int64(d)) }
func (c *clock) Since(t time.Time) int64 { return int64(c.Now().Sub(t)) }

type env struct {
	t     *testing.T
	store *data.Store
	svc   *reviews.Service
	srv   *httptest.Server
	clock *clock
}

var testCouncils = []data.Council{
	{Code: "AAA", Name: "Aardvark Borough Council", HomepageURL: "https://www.aardvark.gov.uk/"},
	{Code: "BBB", Name: "Badger District Council", HomepageURL: "https://www.badger.gov.uk/"},
	{Code: "CCC", Name: "Coot County Council", HomepageURL: "https://www.coot.gov.uk/"},
}

// testAdminToken is an admin token of the required length (32 or more).
const testAdminToken = "admin-token-1-0123456789abcdef0123456789"

func baseConfig() reviews.Config {
	return reviews.Config{Secret: []byte("test secret"), AdminToken: testAdminToken, MinFormTime: 3 * time.Second,
		RatePerIP: reviews.Rate{N: 100, Per: time.Hour}, RatePerCouncil: reviews.Rate{N: 1000, Per: time.Hour}}
}

// newEnvStore serves the review pages as the dashboard serves them (its
// route table, renderer and trusted proxy) over store.
func newEnvStore(t *testing.T, store *data.Store, cfg reviews.Config) *env {
	t.Helper()
	svc, err := reviews.New(data.NewReviewStore(store), cfg)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ck := &clock{}
	dash, err := dashboard.New(dashboard.Deps{Store: store, Councils: testCouncils, Reviews: svc, Clock: ck.Now,
		TrustedProxies: []string{"127.0.0.1"}, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dash.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, store: store, svc: svc, srv: srv, clock: ck}
}

func newEnv(t *testing.T, cfg reviews.Config) *env {
	return newEnvStore(t, datatest.Store(t), cfg)
}

func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return formclient.NoRedirects(&http.Client{Jar: jar, Timeout: 30 * time.Second})
}

func (e *env) do(c *http.Client, method, path string, form url.Values, ip string) formclient.Response {
	e.t.Helper()
	r, err := formclient.Do(c, method, e.srv.URL+path, form, ip)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// form fetches a review form and returns its token.
func (e *env) form(c *http.Client, code, ip string) string {
	e.t.Helper()
	r := e.do(c, "GET", "/councils/"+code+"/review?task=pay-council-tax", nil, ip)
	if r.Status != http.StatusOK {
		e.t.Fatalf("form: %d %s", r.Status, r.Body)
	}
	tok, err := formclient.FormToken(r.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// signIn opens a peer sign-in link (a page with a button) and presses the
// button, as a person does.
func (e *env) signIn(c *http.Client, link string) formclient.Response {
	e.t.Helper()
	page, err := formclient.Do(c, "GET", link, nil, "")
	if err != nil || page.Status != http.StatusOK {
		e.t.Fatalf("sign-in page: %d %v", page.Status, err)
	}
	v, err := formclient.SignInForm(page.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(c, "POST", "/peer/signin", v, "")
}

func (e *env) count() int {
	e.t.Helper()
	m, err := e.store.ReviewIDCounts(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, k := range m {
		n += int(k)
	}
	return n
}

func TestSubmitStoresAndShowsAggregate(t *testing.T) {
	e := newEnv(t, baseConfig())
	c := e.client()
	r := e.do(c, "GET", "/councils/AAA/review?task=register-to-vote", nil, "")
	if r.Status != 200 || !strings.Contains(r.Body, "Aardvark Borough Council") || !strings.Contains(r.Body, `<option value="register-to-vote" selected>`) {
		t.Fatalf("form: %d\n%s", r.Status, r.Body)
	}
	if !strings.Contains(r.Body, `class="govuk-radios__input"`) || !strings.Contains(r.Body, `<legend class="govuk-fieldset__legend`) {
		t.Fatal("form does not use GOV.UK radios with legends")
	}
	tok, _ := formclient.FormToken(r.Body)
	e.clock.Add(5 * time.Second)
	resp := e.do(c, "POST", "/councils/AAA/review", formclient.ReviewForm(tok, "register-to-vote", "Took a while"), "")
	if resp.Status != http.StatusSeeOther || resp.Location != "/councils/AAA/review/thanks?task=register-to-vote" {
		t.Fatalf("submit: %d %q\n%s", resp.Status, resp.Location, resp.Body)
	}
	if n := e.count(); n != 1 {
		t.Fatalf("stored %d rows", n)
	}
	th := e.do(c, "GET", resp.Location, nil, "")
	if th.Status != 200 || !strings.Contains(th.Body, "Your review is saved") || !strings.Contains(th.Body, "1 (1 public, 0 peer)") {
		t.Fatalf("thanks: %d\n%s", th.Status, th.Body)
	}
	// 5 + 1 + 3 - 3 = 6 over 4 routes: (6+12)/32*100 = 56.25
	sum, err := e.svc.Council(context.Background(), "AAA")
	if err != nil || sum.Score.N != 1 || len(sum.Tasks) != 1 || sum.Tasks[0].Index != 6 || sum.Tasks[0].Score != 56.25 || sum.Score.Ranked {
		t.Fatalf("aggregate: %+v %v", sum, err)
	}
	if len(sum.Comments) != 0 {
		t.Fatal("comment shown before moderation")
	}
	// Unknown council.
	if r := e.do(c, "GET", "/councils/ZZZ/review", nil, ""); r.Status != 404 {
		t.Fatalf("unknown council: %d", r.Status)
	}
	// Random goes to a form.
	rr := e.do(c, "GET", "/review/random", nil, "")
	if rr.Status != http.StatusFound || !strings.HasPrefix(rr.Location, "/councils/") || !strings.Contains(rr.Location, "/review?task=") {
		t.Fatalf("random: %d %s", rr.Status, rr.Location)
	}
}

func TestValidationThroughHTTP(t *testing.T) {
	e := newEnv(t, baseConfig())
	c := e.client()
	tok := e.form(c, "AAA", "")
	e.clock.Add(5 * time.Second)
	big := strings.Repeat("a", 100<<10)
	cases := []struct {
		name    string
		mod     func(url.Values)
		status  int
		message string
		kept    string
	}{
		{"no task", func(v url.Values) { v.Del("task") }, 400, "Choose the task you tried", "Keep this comment"},
		{"bad task", func(v url.Values) { v.Set("task", "<b>x</b>") }, 400, "Choose a task from the list", "Keep this comment"},
		{"no routes", func(v url.Values) {
			for _, k := range []string{"route-nav", "route-atoz", "route-search-engine", "route-site-search"} {
				v.Set(k, "not-tried")
			}
		}, 400, "Rate at least one of the four ways", "Keep this comment"},
		{"bad route", func(v url.Values) { v.Set("route-atoz", "meh") }, 400, "Choose how easy the site&#39;s A to Z was", "Keep this comment"},
		{"importance 0", func(v url.Values) { v.Set("importance", "0") }, 400, "Importance must be a number from 1 to 5", "Keep this comment"},
		{"importance 6", func(v url.Values) { v.Set("importance", "6") }, 400, "Importance must be a number from 1 to 5", "Keep this comment"},
		{"no importance", func(v url.Values) { v.Del("importance") }, 400, "Choose how important", "Keep this comment"},
		{"bad end url", func(v url.Values) { v.Set("end_url", "javascript:alert(1)") }, 400, "Enter the web address where you ended in full", "javascript:alert(1)"},
		{"no kind", func(v url.Values) { v.Del("kind") }, 400, "Say whether you are a resident", "Keep this comment"},
		{"staff without link", func(v url.Values) { v.Set("kind", "staff") }, 400, "sign in with the link", "Keep this comment"},
		{"script kept escaped", func(v url.Values) {
			v.Del("importance")
			v.Set("comment", "<script>alert(1)</script> ünïcødé 🏠")
		}, 400, "Choose how important",
			"&lt;script&gt;alert(1)&lt;/script&gt; ünïcødé 🏠"},
		{"100 KB comment", func(v url.Values) { v.Set("comment", big) }, 400, "Your comment must be 2,000 characters or fewer (it has 102,400)", big[:5000]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := formclient.ReviewForm(tok, "pay-council-tax", "Keep this comment")
			tc.mod(v)
			r := e.do(c, "POST", "/councils/AAA/review", v, "")
			if r.Status != tc.status {
				t.Fatalf("status %d want %d\n%s", r.Status, tc.status, r.Body)
			}
			if !strings.Contains(r.Body, "govuk-error-summary") || !strings.Contains(r.Body, tc.message) {
				t.Fatalf("no error %q in\n%.3000s", tc.message, r.Body)
			}
			if !strings.Contains(r.Body, tc.kept) {
				t.Fatalf("input %.40q not kept", tc.kept)
			}
			if strings.Contains(r.Body, "<script>alert(1)") || strings.Contains(r.Body, "<b>x</b>") {
				t.Fatal("unescaped input in the page")
			}
			if !strings.Contains(r.Body, "<title>Error: Review ") {
				t.Fatal("title does not start with Error:")
			}
		})
	}
	// A body over the limit is refused cleanly.
	v := formclient.ReviewForm(tok, "pay-council-tax", strings.Repeat("b", 200<<10))
	r := e.do(c, "POST", "/councils/AAA/review", v, "")
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "What you sent is too large") {
		t.Fatalf("big body: %d %.500s", r.Status, r.Body)
	}
	if n := e.count(); n != 0 {
		t.Fatalf("%d invalid reviews stored", n)
	}
	// The kept input still posts (the re-issued token keeps its time).
	r = e.do(c, "POST", "/councils/AAA/review", formclient.ReviewForm(tok, "pay-council-tax", "<script>alert(1)</script>"), "")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("valid post: %d", r.Status)
	}
}

func TestCSRFHoneypotAndMinimumTime(t *testing.T) {
	e := newEnv(t, baseConfig())
	c := e.client()
	tok := e.form(c, "AAA", "")
	// Too fast: the clock has not moved.
	r := e.do(c, "POST", "/councils/AAA/review", formclient.ReviewForm(tok, "pay-council-tax", "quick"), "")
	if r.Status != 400 || !strings.Contains(r.Body, "sent very quickly") || !strings.Contains(r.Body, "quick") {
		t.Fatalf("too fast: %d %.400s", r.Status, r.Body)
	}
	e.clock.Add(5 * time.Second)
	bad := map[string]string{
		"missing":         "",
		"tampered":        tok[:len(tok)-2] + "xx",
		"garbage":         "not-a-token",
		"other council":   e.form(c, "BBB", ""),
		"from the future": "",
	}
	for name, tk := range bad {
		if name == "from the future" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			r := e.do(c, "POST", "/councils/AAA/review", formclient.ReviewForm(tk, "pay-council-tax", "csrf "+name), "")
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "did not come from this site") || !strings.Contains(r.Body, "csrf "+name) {
				t.Fatalf("%d %.400s", r.Status, r.Body)
			}
		})
	}
	// Honeypot.
	v := formclient.ReviewForm(tok, "pay-council-tax", "bot")
	v.Set("website", "http://spam.example")
	r = e.do(c, "POST", "/councils/AAA/review", v, "")
	if r.Status != 400 || !strings.Contains(r.Body, "leave this empty") {
		t.Fatalf("honeypot: %d %.400s", r.Status, r.Body)
	}
	// Expired token.
	e.clock.Add(5 * time.Hour)
	r = e.do(c, "POST", "/councils/AAA/review", formclient.ReviewForm(tok, "pay-council-tax", "late"), "")
	if r.Status != http.StatusForbidden {
		t.Fatalf("expired token: %d", r.Status)
	}
	if n := e.count(); n != 0 {
		t.Fatalf("%d refused reviews stored", n)
	}
	// The re-rendered form carries a fresh token that works.
	tok2, err := formclient.FormToken(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(5 * time.Second)
	if r := e.do(c, "POST", "/councils/AAA/review", formclient.ReviewForm(tok2, "pay-council-tax", "late"), ""); r.Status != http.StatusSeeOther {
		t.Fatalf("retry with fresh token: %d", r.Status)
	}
}

func TestRateLimitsAndDuplicates(t *testing.T) {
	cfg := baseConfig()
	cfg.RatePerIP = reviews.Rate{N: 2, Per: time.Hour}
	cfg.RatePerCouncil = reviews.Rate{N: 4, Per: time.Hour}
	e := newEnv(t, cfg)
	c := e.client()
	post := func(ip, code, comment string) formclient.Response {
		tok := e.form(c, code, ip)
		e.clock.Add(4 * time.Second)
		return e.do(c, "POST", "/councils/"+code+"/review", formclient.ReviewForm(tok, "pay-council-tax", comment), ip)
	}
	if r := post("10.0.0.1", "AAA", "one"); r.Status != 303 {
		t.Fatalf("1: %d", r.Status)
	}
	// The same review again: a duplicate, not stored twice, still 303.
	r := post("10.0.0.1", "AAA", "one")
	if r.Status != 303 || !strings.Contains(r.Location, "duplicate=1") {
		t.Fatalf("duplicate: %d %s", r.Status, r.Location)
	}
	if r := e.do(c, "GET", r.Location, nil, ""); !strings.Contains(r.Body, "We already have this review") {
		t.Fatal("duplicate thanks page")
	}
	if r := post("10.0.0.1", "AAA", "two"); r.Status != 303 {
		t.Fatalf("2: %d", r.Status)
	}
	r = post("10.0.0.1", "AAA", "three")
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "You have sent a lot of reviews") || !strings.Contains(r.Body, "three") {
		t.Fatalf("per-IP limit: %d %.400s", r.Status, r.Body)
	}
	// Another address may post, until the council's own limit.
	if r := post("10.0.0.2", "AAA", "four"); r.Status != 303 {
		t.Fatalf("other IP: %d", r.Status)
	}
	if r := post("10.0.0.3", "AAA", "five"); r.Status != 303 {
		t.Fatalf("other IP 2: %d", r.Status)
	}
	// Past the council's limit a review is accepted but held: stored, its
	// ratings not counted until a moderator includes them.
	r = post("10.0.0.4", "AAA", "six")
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "held=1") {
		t.Fatalf("per-council limit: %d %s %.400s", r.Status, r.Location, r.Body)
	}
	if r := e.do(c, "GET", r.Location, nil, ""); !strings.Contains(r.Body, "your ratings will count once a moderator has checked them") {
		t.Fatalf("held thanks page: %.2000s", r.Body)
	}
	sum, err := e.svc.Council(context.Background(), "AAA")
	if err != nil || sum.Score.N != 4 {
		t.Fatalf("held review counted: %+v %v", sum.Score, err)
	}
	// Another council is not limited.
	if r := post("10.0.0.4", "BBB", "six"); r.Status != 303 || strings.Contains(r.Location, "held") {
		t.Fatalf("other council: %d %s", r.Status, r.Location)
	}
	if n := e.count(); n != 6 {
		t.Fatalf("stored %d, want 6", n)
	}
}

func TestPeerFlow(t *testing.T) {
	e := newEnv(t, baseConfig())
	ctx := context.Background()
	valid := func(code string) bool { return code == "AAA" || code == "BBB" || code == "CCC" }
	issued, err := e.svc.IssuePeerToken(ctx, "Officer@Aardvark.gov.uk", "AAA", 720*time.Hour, "test", valid, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if issued.Record.Hash == issued.Token || issued.Record.Hash != reviews.HashToken(issued.Token) {
		t.Fatal("token not stored as a hash")
	}
	if _, err := e.svc.IssuePeerToken(ctx, "a@b.gov.uk", "NOPE", time.Hour, "test", valid, e.clock.Now()); err == nil {
		t.Fatal("unknown council accepted")
	}
	if _, err := e.svc.IssuePeerToken(ctx, "not an email", "AAA", time.Hour, "test", valid, e.clock.Now()); err == nil {
		t.Fatal("bad email accepted")
	}
	link := reviews.SignInURL(e.srv.URL, issued.Token)
	c := e.client()
	if r := e.signIn(c, link); r.Status != http.StatusSeeOther || r.Location != "/peer" {
		t.Fatalf("sign in: %d %.300s", r.Status, r.Body)
	}
	home := e.do(c, "GET", "/peer", nil, "")
	if home.Status != 200 || !strings.Contains(home.Body, "Signed in as staff of Aardvark Borough Council") || !strings.Contains(home.Body, "officer@aardvark.gov.uk") {
		t.Fatalf("peer home: %d %.1000s", home.Status, home.Body)
	}
	// The link works once.
	c2 := e.client()
	if r := e.signIn(c2, link); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "already been used") {
		t.Fatalf("second use: %d %.300s", r.Status, r.Body)
	}
	// Own council refused (form and post).
	if r := e.do(c, "GET", "/councils/AAA/review", nil, ""); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "You cannot review your own council") {
		t.Fatalf("own form: %d", r.Status)
	}
	pubTok := e.form(e.client(), "AAA", "")
	e.clock.Add(5 * time.Second)
	if r := e.do(c, "POST", "/councils/AAA/review", formclient.ReviewForm(pubTok, "pay-council-tax", "mine"), ""); r.Status != http.StatusForbidden {
		t.Fatalf("own post: %d", r.Status)
	}
	// Picking a council on /peer goes to its form.
	if r := e.do(c, "GET", "/peer?council=BBB&task=register-to-vote", nil, ""); r.Status != 303 || r.Location != "/councils/BBB/review?task=register-to-vote" {
		t.Fatalf("peer pick: %d %s", r.Status, r.Location)
	}
	// A public token does not work in a peer session (bound to the session).
	pubB := e.form(e.client(), "BBB", "")
	e.clock.Add(5 * time.Second)
	if r := e.do(c, "POST", "/councils/BBB/review", formclient.ReviewForm(pubB, "pay-council-tax", "x"), ""); r.Status != http.StatusForbidden {
		t.Fatalf("public token in peer session: %d", r.Status)
	}
	// Review another council as a peer.
	tok := e.form(c, "BBB", "")
	if !strings.Contains(e.do(c, "GET", "/councils/BBB/review", nil, "").Body, "You are reviewing as council staff") {
		t.Fatal("peer form does not say so")
	}
	e.clock.Add(5 * time.Second)
	v := formclient.ReviewForm(tok, "pay-council-tax", "peer view")
	v.Del("kind")
	if r := e.do(c, "POST", "/councils/BBB/review", v, ""); r.Status != http.StatusSeeOther {
		t.Fatalf("peer review: %d %.500s", r.Status, r.Body)
	}
	sum, err := e.svc.Council(ctx, "BBB")
	if err != nil || sum.Score.PeerN != 1 || sum.Score.PublicN != 0 {
		t.Fatalf("peer review not counted as peer: %+v %v", sum.Score, err)
	}
	// Right of reply: own council only.
	rtok, _ := formclient.FormToken(home.Body[strings.Index(home.Body, "/responses"):])
	resp := e.do(c, "POST", "/councils/AAA/responses", url.Values{"form_token": {rtok}, "response": {"We fixed <the> A to Z"}, "response_task": {"pay-council-tax"}}, "")
	if resp.Status != http.StatusSeeOther || resp.Location != "/peer?responded=1" {
		t.Fatalf("respond: %d %.500s", resp.Status, resp.Body)
	}
	if r := e.do(c, "POST", "/councils/BBB/responses", url.Values{"form_token": {rtok}, "response": {"not mine"}}, ""); r.Status != http.StatusForbidden {
		t.Fatalf("respond for another council: %d", r.Status)
	}
	if r := e.do(c, "POST", "/councils/AAA/responses", url.Values{"form_token": {rtok}, "response": {strings.Repeat("x", 3000)}}, ""); r.Status != 400 || !strings.Contains(r.Body, "2,000 characters or fewer") {
		t.Fatalf("long response: %d", r.Status)
	}
	if r := e.do(e.client(), "POST", "/councils/AAA/responses", url.Values{"form_token": {rtok}, "response": {"anon"}}, ""); r.Status != http.StatusForbidden {
		t.Fatalf("anonymous respond: %d", r.Status)
	}
	sumA, _ := e.svc.Council(ctx, "AAA")
	if len(sumA.Responses) != 1 || sumA.Responses[0].Text != "We fixed <the> A to Z" {
		t.Fatalf("responses: %+v", sumA.Responses)
	}
	// Revoked: the session ends and the link is refused.
	if _, err := e.svc.RevokePeerToken(ctx, issued.Record.ID, "left", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := e.do(c, "GET", "/peer", nil, ""); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "withdrawn") {
		t.Fatalf("revoked session: %d %.500s", r.Status, r.Body)
	}
	unused, _ := e.svc.IssuePeerToken(ctx, "b@badger.gov.uk", "BBB", time.Hour, "test", valid, e.clock.Now())
	if _, err := e.svc.RevokePeerToken(ctx, unused.Record.ID, "mistake", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := e.signIn(e.client(), reviews.SignInURL(e.srv.URL, unused.Token)); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "withdrawn") {
		t.Fatalf("revoked link: %d", r.Status)
	}
	// Expired.
	short, _ := e.svc.IssuePeerToken(ctx, "c@coot.gov.uk", "CCC", time.Hour, "test", valid, e.clock.Now())
	e.clock.Add(2 * time.Hour)
	if r := e.signIn(e.client(), reviews.SignInURL(e.srv.URL, short.Token)); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "expired") {
		t.Fatalf("expired link: %d", r.Status)
	}
	if r := e.signIn(e.client(), e.srv.URL+"/peer/signin?token=nonsense"); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "not recognised") {
		t.Fatalf("unknown link: %d", r.Status)
	}
	toks, err := e.svc.PeerTokens(ctx)
	if err != nil || len(toks) != 3 {
		t.Fatalf("tokens: %d %v", len(toks), err)
	}
}

func TestModerationFlowThroughHTTP(t *testing.T) {
	e := newEnv(t, baseConfig())
	ctx := context.Background()
	pub := e.client()
	tok := e.form(pub, "CCC", "")
	e.clock.Add(5 * time.Second)
	evil := `<img src=x onerror=alert(1)> Nice & "quick"`
	if r := e.do(pub, "POST", "/councils/CCC/review", formclient.ReviewForm(tok, "pay-council-tax", evil), ""); r.Status != 303 {
		t.Fatalf("post: %d", r.Status)
	}
	st, err := e.store.RecentReviews(ctx, 1)
	if err != nil || len(st) != 1 {
		t.Fatal(err)
	}
	id := st[0].ID

	mod := e.client()
	r := e.do(mod, "GET", "/moderation", nil, "")
	if r.Status != 200 || !strings.Contains(r.Body, "Sign in to moderate") || strings.Contains(r.Body, "onerror") {
		t.Fatalf("moderation signed out: %d", r.Status)
	}
	stok, _ := formclient.FormToken(r.Body)
	if r := e.do(mod, "POST", "/moderation/signin", url.Values{"form_token": {stok}, "name": {"Mo"}, "admin_token": {"wrong"}}, ""); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "not right") {
		t.Fatalf("wrong admin token: %d", r.Status)
	}
	if r := e.do(mod, "POST", "/moderation/signin", url.Values{"name": {"Mo"}, "admin_token": {testAdminToken}}, ""); r.Status != http.StatusForbidden {
		t.Fatalf("sign-in without CSRF token: %d", r.Status)
	}
	if r := e.do(mod, "POST", "/moderation/signin", url.Values{"form_token": {stok}, "name": {"Mo"}, "admin_token": {testAdminToken}}, ""); r.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %d %.300s", r.Status, r.Body)
	}
	page := e.do(mod, "GET", "/moderation", nil, "")
	if page.Status != 200 || !strings.Contains(page.Body, "Comments waiting (1)") {
		t.Fatalf("queue: %d %.2000s", page.Status, page.Body)
	}
	if strings.Contains(page.Body, "<img src=x") || !strings.Contains(page.Body, "&lt;img src=x onerror=alert(1)&gt; Nice &amp; &#34;quick&#34;") {
		t.Fatalf("comment not escaped in moderation page")
	}
	mtok, _ := formclient.FormToken(page.Body)
	// No CSRF token: refused; nothing recorded.
	if r := e.do(mod, "POST", "/moderation/"+id, url.Values{"action": {"approve"}}, ""); r.Status != http.StatusForbidden {
		t.Fatalf("moderate without token: %d", r.Status)
	}
	// Not signed in: refused.
	if r := e.do(pub, "POST", "/moderation/"+id, url.Values{"form_token": {mtok}, "action": {"approve"}}, ""); r.Status != http.StatusUnauthorized {
		t.Fatalf("moderate signed out: %d", r.Status)
	}
	// Reject needs a reason.
	r = e.do(mod, "POST", "/moderation/"+id, url.Values{"form_token": {mtok}, "action": {"reject"}}, "")
	if r.Status != 400 || !strings.Contains(r.Body, "Enter a reason") {
		t.Fatalf("reject without reason: %d %.500s", r.Status, r.Body)
	}
	if r := e.do(mod, "POST", "/moderation/not-a-uuid", url.Values{"form_token": {mtok}, "action": {"approve"}}, ""); r.Status != 404 {
		t.Fatalf("unknown review: %d", r.Status)
	}
	// Approve: the comment shows publicly.
	r = e.do(mod, "POST", "/moderation/"+id, url.Values{"form_token": {mtok}, "action": {"approve"}}, "")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d %.500s", r.Status, r.Body)
	}
	sum, err := e.svc.Council(ctx, "CCC")
	if err != nil || len(sum.Comments) != 1 || sum.Comments[0].Comment != evil || sum.Score.N != 1 {
		t.Fatalf("after approve: %+v %v", sum, err)
	}
	if page := e.do(mod, "GET", "/moderation", nil, ""); !strings.Contains(page.Body, "Comments waiting (0)") || !strings.Contains(page.Body, "approved") {
		t.Fatal("queue not emptied")
	}
	// Exclude the ratings, with a reason: the aggregate drops it.
	if r := e.do(mod, "POST", "/moderation/"+id, url.Values{"form_token": {mtok}, "action": {"exclude"}, "reason": {"test"}}, ""); r.Status != http.StatusSeeOther {
		t.Fatalf("exclude: %d", r.Status)
	}
	sum, _ = e.svc.Council(ctx, "CCC")
	if sum.Score.N != 0 {
		t.Fatalf("excluded ratings still count: %+v", sum.Score)
	}
	got, _ := e.store.GetReview(ctx, id)
	if !got.Excluded || got.CommentStatus != reviews.CommentApproved {
		t.Fatalf("state: %+v", got)
	}
	// Export: public fields only, the approved comment, a demo column.
	var rows [][]any
	if err := e.svc.Export(ctx, func(row []any) error { rows = append(rows, row); return nil }); err != nil {
		t.Fatal(err)
	}
	cols := reviews.ExportColumns()
	if len(rows) != 1 || len(rows[0]) != len(cols) {
		t.Fatalf("export: %v", rows)
	}
	for _, c := range cols {
		if strings.Contains(c, "ip") || strings.Contains(c, "email") || strings.Contains(c, "token") {
			t.Fatalf("export column %s", c)
		}
	}
	if cols[len(cols)-2] != "demo" || fmt.Sprint(rows[0][13]) != evil {
		t.Fatalf("export row: %v", rows[0])
	}
}

// proxy forwards TCP to ClickHouse until stopped: stopping it is
// ClickHouse going away under a running server.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); u.Close() }()
			go func() { _, _ = io.Copy(c, u); c.Close() }()
		}
	}()
	return p
}

func (p *proxy) stop() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

func TestClickHouseDownGives503WithInputKept(t *testing.T) {
	// A closed port: data.Open itself refuses it, clearly.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := data.Open(ctx, data.Config{Addr: "127.0.0.1:1", Database: "x"}); err == nil {
		t.Fatal("open on a closed port succeeded")
	}
	// A server whose ClickHouse goes away after start.
	p := startProxy(t, datatest.Addr())
	cfg := datatest.Config(t)
	cfg.Addr = p.ln.Addr().String()
	store := datatest.OpenConfig(t, cfg)
	t.Cleanup(func() {
		// The store reached the server through the proxy this test stops:
		// drop the database directly.
		direct := cfg
		direct.Addr = datatest.Addr()
		if s, err := data.Open(context.Background(), direct); err == nil {
			_ = s.DropDatabase(context.Background())
			_ = s.Close()
		}
	})
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := newEnvStore(t, store, baseConfig())
	c := e.client()
	tok := e.form(c, "AAA", "")
	e.clock.Add(5 * time.Second)
	p.stop()
	v := formclient.ReviewForm(tok, "pay-council-tax", "Please keep me ✓")
	r := e.do(c, "POST", "/councils/AAA/review", v, "")
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d\n%.500s", r.Status, r.Body)
	}
	for _, want := range []string{"could not save your review", "Please keep me ✓", `value="very-easy" checked`, `value="4" checked`, "https://www.example.gov.uk/council-tax"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("503 page lacks %q", want)
		}
	}
	// The form it shows carries a usable token: once ClickHouse is back
	// (a new proxy to the same database), the same answers go through.
	tok2, err := formclient.FormToken(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if tok2 == "" {
		t.Fatal("no token")
	}
}

func TestConcurrentPostsStoredExactlyOnce(t *testing.T) {
	cfg := baseConfig()
	cfg.MinFormTime = -1
	cfg.RatePerIP = reviews.Rate{N: -1, Per: time.Hour}
	cfg.RatePerCouncil = reviews.Rate{N: -1, Per: time.Hour}
	e := newEnv(t, cfg)
	const workers, total = 50, 2000
	var accepted, refused atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.client()
			ip := fmt.Sprintf("10.1.%d.%d", w/200, w%200)
			// A form per post: each form token is used once.
			for {
				i := next.Add(1)
				if i > total {
					return
				}
				code := testCouncils[i%3].Code
				f, err := formclient.Do(c, "GET", e.srv.URL+"/councils/"+code+"/review", nil, ip)
				var tok string
				if err == nil {
					tok, err = formclient.FormToken(f.Body)
				}
				if err != nil {
					errs <- err
					return
				}
				r, err := formclient.Do(c, "POST", e.srv.URL+"/councils/"+code+"/review", formclient.ReviewForm(tok, "pay-council-tax", fmt.Sprintf("concurrent review %d", i)), ip)
				if err != nil {
					errs <- err
					return
				}
				if r.Status == http.StatusSeeOther {
					accepted.Add(1)
				} else {
					refused.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	el := time.Since(start)
	seen := map[string]int{}
	ids := map[string]bool{}
	if err := e.store.StreamReviews(context.Background(), func(r reviews.ReviewState) error {
		seen[r.Comment]++
		if ids[r.ID] {
			t.Errorf("id %s twice", r.ID)
		}
		ids[r.ID] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if accepted.Load() != total || refused.Load() != 0 {
		t.Fatalf("accepted %d refused %d of %d", accepted.Load(), refused.Load(), total)
	}
	for i := 1; i <= total; i++ {
		if n := seen[fmt.Sprintf("concurrent review %d", i)]; n != 1 {
			t.Fatalf("review %d stored %d times", i, n)
		}
	}
	if len(seen) != total || e.count() != total {
		t.Fatalf("stored %d distinct, %d rows, want %d", len(seen), e.count(), total)
	}
	t.Logf("%d workers posted %d reviews in %s (%.0f posts/s); all %d stored exactly once",
		workers, total, el.Round(time.Millisecond), float64(total)/el.Seconds(), total)
}
