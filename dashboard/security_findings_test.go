package dashboard_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/dashboard/reviewpages"
	"github.com/councildash/councildash/dashboard/reviewpages/formclient"
	"github.com/councildash/councildash/reviews"
)

// TestSecurityFindings replays every numbered finding of the attack run
// of issue 14 (and the ones it noted besides) against two dashboard
// instances over one ClickHouse database, each asserting the safe outcome.
// Finding 4 (export slots) is TestExportSlowReaders; the strict CSP under a
// real browser is TestBrowserAccessibility; the attacks that passed are
// TestSecurityAttacks.
func TestSecurityFindings(t *testing.T) {
	c := newCluster(t, 2, secConfig())
	ctx := context.Background()
	ttl := secConfig().SessionCacheTTL
	// Each subtest starts an hour later, so the limits of one do not reach
	// into the next.
	nextHour := func() { c.clock.Add(61 * time.Minute) }

	t.Run("1 looking at a sign-in link uses nothing", func(t *testing.T) {
		link, _ := c.issue("AAA")
		lookers := []map[string]string{
			{"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
			{"User-Agent": "Mozilla/4.0 (compatible; ms-office; MSOffice 16)"},
			{"Purpose": "prefetch", "Sec-Purpose": "prefetch;prerender"},
			{"User-Agent": "facebookexternalhit/1.1"},
		}
		for i, h := range lookers {
			for _, method := range []string{"GET", "HEAD"} {
				a := c.req(i%2, browser(), method, link, nil, h, c.ip())
				for _, ck := range a.header.Values("Set-Cookie") {
					if strings.HasPrefix(ck, reviewpages.PeerCookie+"=") {
						t.Fatalf("%s %v set a session cookie: %s", method, h, ck)
					}
				}
				if method == "GET" && (a.status != http.StatusOK || !strings.Contains(a.body, ">Sign in</button>") || strings.Contains(a.body, "Signed in")) {
					t.Fatalf("GET %v: %d %.500s", h, a.status, a.body)
				}
				if method == "GET" && (a.header.Get("Referrer-Policy") != "no-referrer" || a.header.Get("Cache-Control") != "no-store") {
					t.Fatalf("sign-in page headers %v", a.header)
				}
			}
		}
		// The person the link is for still signs in (on the other instance).
		p := browser()
		if a := c.signIn(1, p, link, c.ip()); a.status != http.StatusSeeOther || a.loc() != "/peer" {
			t.Fatalf("sign in after the lookers: %d %.300s", a.status, a.body)
		}
		if a := c.get(0, p, "/peer", ""); a.status != 200 || !strings.Contains(a.body, "Signed in as staff of Aardvark") {
			t.Fatalf("peer home: %d", a.status)
		}
	})

	t.Run("1 another site cannot sign a visitor in (login CSRF)", func(t *testing.T) {
		link, _ := c.issue("BBB")
		attacker := browser()
		v := c.signInForm(0, attacker, link, c.ip()) // a token bound to the attacker's browser
		victim := browser()
		c.get(0, victim, "/councils/AAA/review", "") // the victim has a form cookie of their own
		for name, h := range map[string]map[string]string{
			"auto-submitting form on another site": {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
			"old browser, no Origin":               nil,
			"same-site subdomain":                  {"Sec-Fetch-Site": "same-site"},
			"Origin null (sandboxed frame)":        {"Origin": "null"},
		} {
			a := c.post(1, victim, "/peer/signin", v, c.ip(), h)
			if a.status != http.StatusForbidden || c.cookie(1, victim, reviewpages.PeerCookie) != nil {
				t.Fatalf("%s: %d, signed in: %v", name, a.status, c.cookie(1, victim, reviewpages.PeerCookie) != nil)
			}
		}
		// Refused attempts did not use the link: its owner signs in.
		if a := c.signIn(0, browser(), link, c.ip()); a.status != http.StatusSeeOther {
			t.Fatalf("owner after the refused attempts: %d %.300s", a.status, a.body)
		}
	})

	t.Run("2 peer sign-out ends the session on every instance", func(t *testing.T) {
		nextHour()
		link, _ := c.issue("CCC")
		p := browser()
		if a := c.signIn(0, p, link, c.ip()); a.status != http.StatusSeeOther {
			t.Fatalf("sign in: %d", a.status)
		}
		stolen := c.withCookie(c.cookie(0, p, reviewpages.PeerCookie))
		if a := c.get(1, stolen, "/peer", ""); a.status != 200 || !strings.Contains(a.body, "Signed in as staff") {
			t.Fatalf("copied cookie before sign-out: %d", a.status)
		}
		// A peer review form fetched before the sign-out.
		ip := c.ip()
		peerTok := c.form(0, stolen, "DDD", ip)
		home := c.get(0, p, "/peer", "")
		so, err := formclient.FormToken(home.body[strings.Index(home.body, `action="/peer/signout"`):])
		if err != nil {
			t.Fatal(err)
		}
		if a := c.post(0, p, "/peer/signout", url.Values{"form_token": {so}}, "", nil); a.status != http.StatusSeeOther {
			t.Fatalf("sign out: %d %.300s", a.status, a.body)
		}
		// At once on the instance that signed out: the copied cookie is
		// refused and posts nothing.
		if a := c.get(0, stolen, "/peer", ""); a.status != http.StatusUnauthorized {
			t.Fatalf("copied cookie after sign-out, same instance: %d", a.status)
		}
		before := c.stored()
		c.clock.Add(4 * time.Second)
		v := formclient.ReviewForm(peerTok, "pay-council-tax", "after sign-out")
		v.Del("kind")
		if a := c.post(0, stolen, "/councils/DDD/review", v, ip, nil); a.status != http.StatusForbidden {
			t.Fatalf("peer post after sign-out: %d %.300s", a.status, a.body)
		}
		// On the other instance within the session cache time.
		c.clock.Add(ttl)
		if a := c.get(1, stolen, "/peer", ""); a.status != http.StatusUnauthorized {
			t.Fatalf("copied cookie after sign-out, other instance after %s: %d", ttl, a.status)
		}
		if c.stored() != before {
			t.Fatal("a review was stored with a signed-out session")
		}
	})

	t.Run("2 withdrawing a link ends its sessions on every instance", func(t *testing.T) {
		link, id := c.issue("DDD")
		p := browser()
		if a := c.signIn(1, p, link, c.ip()); a.status != http.StatusSeeOther {
			t.Fatalf("sign in: %d", a.status)
		}
		if a := c.get(0, p, "/peer", ""); a.status != 200 {
			t.Fatalf("before: %d", a.status)
		}
		if a := c.get(1, p, "/peer", ""); a.status != 200 {
			t.Fatalf("before: %d", a.status)
		}
		if _, err := c.inst[0].svc.RevokePeerToken(ctx, id, "left", c.clock.Now()); err != nil {
			t.Fatal(err)
		}
		p2 := c.withCookie(c.cookie(1, p, reviewpages.PeerCookie))
		if a := c.get(0, p2, "/peer", ""); a.status != http.StatusUnauthorized || !strings.Contains(a.body, "withdrawn") {
			t.Fatalf("same instance: %d", a.status)
		}
		c.clock.Add(ttl)
		if a := c.get(1, p, "/peer", ""); a.status != http.StatusUnauthorized {
			t.Fatalf("other instance after %s: %d", ttl, a.status)
		}
	})

	t.Run("3 admin sign-out ends the admin session", func(t *testing.T) {
		m := browser()
		if a := c.adminSignIn(0, m, secAdminToken, c.ip()); a.status != http.StatusSeeOther {
			t.Fatalf("admin sign-in: %d %.300s", a.status, a.body)
		}
		stolen := c.withCookie(c.cookie(0, m, reviewpages.AdminCookie))
		if a := c.get(1, stolen, "/moderation", ""); !strings.Contains(a.body, "Signed in as Mo") {
			t.Fatalf("copied admin cookie before sign-out: %d", a.status)
		}
		page := c.get(0, m, "/moderation", "")
		tok, _ := formclient.FormToken(page.body[strings.Index(page.body, `action="/moderation/signout"`):])
		if a := c.post(0, m, "/moderation/signout", url.Values{"form_token": {tok}}, "", nil); a.status != http.StatusSeeOther {
			t.Fatalf("admin sign-out: %d %.300s", a.status, a.body)
		}
		if a := c.get(0, stolen, "/moderation", ""); strings.Contains(a.body, "Signed in as") || !strings.Contains(a.body, "Sign in to moderate") {
			t.Fatalf("copied admin cookie after sign-out, same instance: %.300s", a.body)
		}
		c.clock.Add(ttl)
		if a := c.get(1, stolen, "/moderation", ""); strings.Contains(a.body, "Signed in as") {
			t.Fatal("copied admin cookie after sign-out, other instance")
		}
	})

	t.Run("3 admin sessions end when the admin token changes", func(t *testing.T) {
		m := browser()
		if a := c.adminSignIn(1, m, secAdminToken, c.ip()); a.status != http.StatusSeeOther {
			t.Fatalf("admin sign-in: %d", a.status)
		}
		old := c.cookie(1, m, reviewpages.AdminCookie)
		// A third instance starts with a new token.
		cfg := secConfig()
		cfg.AdminToken = secAdminToken2
		n := c.add(cfg, dashboard.Deps{})
		if err := n.svc.AnnounceAdminToken(ctx, c.clock.Now()); err != nil {
			t.Fatal(err)
		}
		third := len(c.inst) - 1
		if a := c.get(third, c.withCookie(old), "/moderation", ""); strings.Contains(a.body, "Signed in as") {
			t.Fatal("old admin session accepted by the instance with the new token")
		}
		c.clock.Add(ttl)
		if a := c.get(1, c.withCookie(old), "/moderation", ""); strings.Contains(a.body, "Signed in as") {
			t.Fatal("old admin session still accepted by an instance with the old token")
		}
		if a := c.adminSignIn(third, browser(), secAdminToken, c.ip()); a.status != http.StatusUnauthorized {
			t.Fatalf("old token on the new instance: %d", a.status)
		}
		nb := browser()
		if a := c.adminSignIn(third, nb, secAdminToken2, c.ip()); a.status != http.StatusSeeOther {
			t.Fatalf("new token: %d", a.status)
		}
		if a := c.get(third, nb, "/moderation", ""); !strings.Contains(a.body, "Signed in as Mo") {
			t.Fatal("new admin session refused")
		}
		c.inst = c.inst[:third] // the other subtests use the first two
	})

	t.Run("3 an admin token under 32 characters is refused at start", func(t *testing.T) {
		for _, tok := range []string{"x", "admin", strings.Repeat("a", 31)} {
			_, err := reviews.New(c.inst[0].store, reviews.Config{AdminToken: tok})
			if !errors.Is(err, reviews.ErrAdminTokenShort) || !strings.Contains(err.Error(), "openssl rand -hex 32") {
				t.Fatalf("%d characters: %v", len(tok), err)
			}
		}
		if _, err := reviews.New(c.inst[0].store, reviews.Config{AdminToken: strings.Repeat("a", 32)}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("5 a form token is used once, across instances", func(t *testing.T) {
		nextHour()
		cl, ip := browser(), c.ip()
		tok := c.form(0, cl, "DDD", ip)
		c.clock.Add(4 * time.Second)
		before := c.stored()
		if a := c.post(0, cl, "/councils/DDD/review", formclient.ReviewForm(tok, "pay-council-tax", "first"), ip, nil); a.status != http.StatusSeeOther {
			t.Fatalf("first post: %d %.300s", a.status, a.body)
		}
		// The same post again, on the other instance: a duplicate, not stored.
		if a := c.post(1, cl, "/councils/DDD/review", formclient.ReviewForm(tok, "pay-council-tax", "first"), ip, nil); a.status != http.StatusSeeOther || !strings.Contains(a.loc(), "duplicate=1") {
			t.Fatalf("same post again: %d %s", a.status, a.loc())
		}
		// Another review with the used token: refused on both.
		for i, comment := range []string{"second", "third"} {
			a := c.post(1-i, cl, "/councils/DDD/review", formclient.ReviewForm(tok, "pay-council-tax", comment), ip, nil)
			if a.status != http.StatusConflict || !strings.Contains(a.body, "already been used") || !strings.Contains(a.body, comment) {
				t.Fatalf("replay %q: %d %.300s", comment, a.status, a.body)
			}
		}
		if got := c.stored() - before; got != 1 {
			t.Fatalf("stored %d, want 1", got)
		}
	})

	t.Run("5 two posts of one token at once store at most one review", func(t *testing.T) {
		nextHour()
		accepted, bothRefused := 0, 0
		before := c.stored()
		for round := range 12 {
			cl, ip := browser(), c.ip()
			tok := c.form(round%2, cl, "EEE", ip)
			c.clock.Add(4 * time.Second)
			var wg sync.WaitGroup
			res := make([]answer, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res[i] = c.post(i, cl, "/councils/EEE/review", formclient.ReviewForm(tok, "pay-council-tax", fmt.Sprintf("race %d.%d", round, i)), ip, nil)
				}()
			}
			wg.Wait()
			ok := 0
			for _, a := range res {
				switch a.status {
				case http.StatusSeeOther:
					ok++
				case http.StatusConflict:
				default:
					t.Fatalf("round %d: %d %.300s", round, a.status, a.body)
				}
			}
			if ok > 1 {
				t.Fatalf("round %d: both posts of one token accepted", round)
			}
			accepted += ok
			if ok == 0 {
				bothRefused++
			}
		}
		if got := c.stored() - before; got != accepted {
			t.Fatalf("%d accepted, %d stored", accepted, got)
		}
		t.Logf("12 rounds of two simultaneous posts of one token: %d stored, %d rounds with both refused (safe: the resident posts again)", accepted, bothRefused)
	})

	t.Run("5 a token works only in the browser it was served to", func(t *testing.T) {
		nextHour()
		ip := c.ip()
		tok := c.form(0, browser(), "AAA", ip)
		c.clock.Add(4 * time.Second)
		before := c.stored()
		other := browser()
		c.get(1, other, "/councils/AAA/review", ip) // a form cookie of its own
		for name, cl := range map[string]*http.Client{"another browser": other, "no cookies": formclient.NoRedirects(&http.Client{})} {
			if a := c.post(1, cl, "/councils/AAA/review", formclient.ReviewForm(tok, "pay-council-tax", "elsewhere"), ip, nil); a.status != http.StatusForbidden {
				t.Fatalf("%s: %d", name, a.status)
			}
		}
		if c.stored() != before {
			t.Fatal("stored")
		}
	})

	t.Run("5 a refused post gives no head start", func(t *testing.T) {
		nextHour()
		cl, ip := browser(), c.ip()
		tok := c.form(0, cl, "BBB", ip)
		c.clock.Add(4 * time.Second)
		// A mistake in the answers: the same token comes back, unused.
		v := formclient.ReviewForm(tok, "pay-council-tax", "mistake")
		v.Del("task")
		a := c.post(0, cl, "/councils/BBB/review", v, ip, nil)
		if back, _ := formclient.FormToken(a.body); a.status != http.StatusBadRequest || back != tok {
			t.Fatalf("mistake: %d, token back %v", a.status, back == tok)
		}
		if a := c.post(1, cl, "/councils/BBB/review", formclient.ReviewForm(tok, "pay-council-tax", "fixed"), ip, nil); a.status != http.StatusSeeOther {
			t.Fatalf("fixed: %d", a.status)
		}
		// The used token: the page comes back with a fresh token, issued
		// now, so it must wait its own time on the form.
		a = c.post(0, cl, "/councils/BBB/review", formclient.ReviewForm(tok, "pay-council-tax", "bot 2"), ip, nil)
		fresh, _ := formclient.FormToken(a.body)
		if a.status != http.StatusConflict || fresh == "" || fresh == tok {
			t.Fatalf("replay: %d", a.status)
		}
		before := c.stored()
		if a := c.post(0, cl, "/councils/BBB/review", formclient.ReviewForm(fresh, "pay-council-tax", "bot 2"), ip, nil); a.status != http.StatusBadRequest || !strings.Contains(a.body, "sent very quickly") {
			t.Fatalf("fresh token at once: %d %.300s", a.status, a.body)
		}
		if c.stored() != before {
			t.Fatal("stored")
		}
	})

	t.Run("6 and 7 limits and throttles", func(t *testing.T) {
		// In a cluster of their own: they count everything.
		securityLimits(t)
	})

	t.Run("8 a strict CSP on every kind of answer, and no inline script or style", func(t *testing.T) {
		inline := regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]|<style|\sstyle=|\son[a-z]+=`)
		for _, p := range []string{"/", "/councils/AAA", "/councils/AAA/review", "/peer", "/peer/signin?token=x", "/moderation",
			"/checks", "/tasks", "/compare?c=AAA&c=BBB", "/method", "/data", "/api/v1/councils", "/export/scores.csv",
			"/static/app.css", "/no-such-page", "/healthz"} {
			a := c.get(0, browser(), p, "")
			if got := a.header.Get("Content-Security-Policy"); got != dashboard.ContentSecurityPolicy {
				t.Errorf("%s: CSP %q", p, got)
			}
			if strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
				if m := inline.FindString(a.body); m != "" {
					t.Errorf("%s: inline script or style: %q", p, m)
				}
			}
		}
		for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(dashboard.ContentSecurityPolicy, want) {
				t.Errorf("CSP lacks %s", want)
			}
		}
		if strings.Contains(dashboard.ContentSecurityPolicy, "unsafe") {
			t.Error("CSP allows unsafe-*")
		}
	})

	t.Run("9 no-store on every signed-in page and every page with a form token", func(t *testing.T) {
		link, _ := c.issue("EEE")
		p := browser()
		c.signIn(0, p, link, c.ip())
		m := browser()
		c.adminSignIn(1, m, secAdminToken, c.ip())
		for _, x := range []struct {
			cl   *http.Client
			path string
		}{{p, "/peer"}, {m, "/moderation"}, {browser(), "/moderation"}, {browser(), "/peer"}, {p, "/councils/AAA/review"},
			{browser(), "/councils/AAA/review"}, {browser(), "/councils/AAA/review/thanks"}, {browser(), "/peer/signin?token=x"}} {
			if a := c.get(0, x.cl, x.path, ""); a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q", x.path, a.header.Get("Cache-Control"))
			}
		}
	})

	t.Run("10 no directory listings under /static/", func(t *testing.T) {
		for _, p := range []string{"/static/", "/static/vendor/", "/static/vendor/echarts/", "/static/vendor/govuk-frontend/", "/static/vendor"} {
			a := c.get(0, browser(), p, "")
			if a.status == http.StatusOK || strings.Contains(a.body, "echarts.min.js") || strings.Contains(a.body, "app.css\"") {
				t.Errorf("%s: %d lists files: %.200s", p, a.status, a.body)
			}
		}
		if a := c.get(0, browser(), "/static/vendor/echarts/echarts.min.js", ""); a.status != http.StatusOK {
			t.Errorf("a file: %d", a.status)
		}
	})

	t.Run("11 cookies are Secure whenever the base URL is https", func(t *testing.T) {
		https := c.add(secConfig(), dashboard.Deps{BaseURL: "https://dash.example.org"})
		plain := c.add(secConfig(), dashboard.Deps{BaseURL: "http://dash.example.org"})
		defer func() { c.inst = c.inst[:2] }()
		for _, x := range []struct {
			in     *instance
			secure bool
		}{{https, true}, {plain, false}} {
			res, err := http.Get(x.in.url + "/councils/AAA/review")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			cks := res.Cookies()
			if len(cks) == 0 {
				t.Fatal("the form set no cookie")
			}
			for _, ck := range cks {
				if ck.Secure != x.secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
					t.Errorf("base URL secure=%v: cookie %s Secure=%v HttpOnly=%v SameSite=%v", x.secure, ck.Name, ck.Secure, ck.HttpOnly, ck.SameSite)
				}
			}
			if hsts := res.Header.Get("Strict-Transport-Security"); (hsts != "") != x.secure {
				t.Errorf("base URL secure=%v: HSTS %q", x.secure, hsts)
			}
		}
	})

	t.Run("also: /metrics is not public", func(t *testing.T) {
		if a := c.get(0, browser(), "/metrics", ""); a.status != http.StatusNotFound || strings.Contains(a.body, "go_goroutines") {
			t.Fatalf("/metrics without a token configured: %d", a.status)
		}
		tok := "metrics-0123456789abcdef0123456789abcdef"
		in := c.add(secConfig(), dashboard.Deps{MetricsToken: tok})
		defer func() { c.inst = c.inst[:2] }()
		i := len(c.inst) - 1
		for h, want := range map[string]int{"": 401, "Bearer wrong": 401, "Bearer " + tok: 200} {
			a := c.req(i, browser(), "GET", "/metrics", nil, map[string]string{"Authorization": h}, "")
			if a.status != want || (want == 200) != strings.Contains(a.body, "go_goroutines") {
				t.Errorf("Authorization %q: %d", h, a.status)
			}
		}
		if _, err := dashboard.New(dashboard.Deps{Store: in.store, MetricsToken: "short"}); !errors.Is(err, dashboard.ErrMetricsTokenShort) {
			t.Errorf("short metrics token: %v", err)
		}
	})

	t.Run("also: logs name clients only by the keyed hash", func(t *testing.T) {
		// Posts refused for coming from another site are logged, with the
		// client's hash.
		ip := "192.0.2.77"
		c.post(0, browser(), "/councils/AAA/review", url.Values{}, ip, map[string]string{"Origin": "https://evil.example"})
		// net/http's own error log goes through the redactor.
		c.inst[0].dash.ErrorLog().Print("http: TLS handshake error from 198.51.100.23:51234: EOF")
		c.inst[0].dash.ErrorLog().Print("http2: error reading preface from client [2001:db8:5::7]:443: EOF")
		logs := c.log.String()
		for _, want := range []string{c.inst[0].svc.IPHash(ip), c.inst[0].svc.IPHash("198.51.100.23"), c.inst[0].svc.IPHash("2001:db8:5::7")} {
			if !strings.Contains(logs, want) {
				t.Errorf("log lacks the hash %s", want)
			}
		}
		for _, raw := range []string{ip, "198.51.100.23", "2001:db8:5::7", "10.20."} {
			if strings.Contains(logs, raw) {
				t.Errorf("log holds the address %s", raw)
			}
		}
	})
}

// securityLimits replays findings 6 and 7 and the per-/64 limit (noted)
// on two instances of their own.
func securityLimits(t *testing.T) {
	c := newCluster(t, 2, secConfig())
	ctx := context.Background()

	t.Run("6 sign-in guesses are throttled per address, across instances", func(t *testing.T) {
		ip := c.ip()
		for i := range 3 {
			if a := c.signIn(i%2, browser(), "/peer/signin?token=guess"+fmt.Sprint(i), ip); a.status != http.StatusForbidden || !strings.Contains(a.body, "not recognised") {
				t.Fatalf("guess %d: %d", i, a.status)
			}
		}
		if a := c.signIn(1, browser(), "/peer/signin?token=guess4", ip); a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") == "" {
			t.Fatalf("fourth guess from the address: %d", a.status)
		}
		// Another address is not held up (no global lock).
		link, _ := c.issue("AAA")
		if a := c.signIn(0, browser(), link, c.ip()); a.status != http.StatusSeeOther {
			t.Fatalf("a real sign-in from elsewhere: %d", a.status)
		}
		// The admin token likewise.
		aip := c.ip()
		for i := range 3 {
			if a := c.adminSignIn(i%2, browser(), "wrong-token-"+fmt.Sprint(i), aip); a.status != http.StatusUnauthorized {
				t.Fatalf("admin guess %d: %d", i, a.status)
			}
		}
		if a := c.adminSignIn(1, browser(), secAdminToken, aip); a.status != http.StatusTooManyRequests {
			t.Fatalf("admin sign-in after 3 guesses from the address: %d", a.status)
		}
		if a := c.adminSignIn(0, browser(), secAdminToken, c.ip()); a.status != http.StatusSeeOther {
			t.Fatalf("admin from elsewhere: %d", a.status)
		}
	})

	t.Run("6 sign-in guesses are throttled globally", func(t *testing.T) {
		c.clock.Add(16 * time.Minute)
		// 8 failures a minute from everyone, at most 2 from each address.
		for i := range 8 {
			ip := "10.30.0." + fmt.Sprint(i/2+1)
			if a := c.signIn(i%2, browser(), "/peer/signin?token=spray"+fmt.Sprint(i), ip); a.status != http.StatusForbidden {
				t.Fatalf("spray %d: %d", i, a.status)
			}
		}
		link, _ := c.issue("BBB")
		if a := c.signIn(1, browser(), link, "10.30.1.1"); a.status != http.StatusTooManyRequests {
			t.Fatalf("after 8 failures in a minute: %d", a.status)
		}
		c.clock.Add(61 * time.Second)
		if a := c.signIn(0, browser(), link, "10.30.1.2"); a.status != http.StatusSeeOther {
			t.Fatalf("a minute later: %d %.300s", a.status, a.body)
		}
	})

	t.Run("6 admin token guesses are throttled globally, apart from peer sign-ins", func(t *testing.T) {
		c.clock.Add(61 * time.Second)
		// 8 wrong admin tokens a minute from everyone, 2 from each address.
		for i := range 8 {
			ip := "10.31.0." + fmt.Sprint(i/2+1)
			if a := c.adminSignIn(i%2, browser(), "wrong-admin-token-"+fmt.Sprint(i), ip); a.status != http.StatusUnauthorized {
				t.Fatalf("admin spray %d: %d", i, a.status)
			}
		}
		if a := c.adminSignIn(1, browser(), secAdminToken, "10.31.1.1"); a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") == "" {
			t.Fatalf("the right token after 8 wrong ones in a minute: %d", a.status)
		}
		// Peer sign-ins are counted apart: not held up.
		link, _ := c.issue("CCC")
		if a := c.signIn(0, browser(), link, "10.31.1.2"); a.status != http.StatusSeeOther {
			t.Fatalf("a peer sign-in during the admin spray: %d %.300s", a.status, a.body)
		}
		c.clock.Add(61 * time.Second)
		if a := c.adminSignIn(0, browser(), secAdminToken, "10.31.1.3"); a.status != http.StatusSeeOther {
			t.Fatalf("a minute later: %d %.300s", a.status, a.body)
		}
	})

	t.Run("7 a council's limit holds reviews for moderation, never refuses", func(t *testing.T) {
		c.clock.Add(61 * time.Minute)
		for i := range 10 {
			a := c.review(i%2, (i+1)%2, browser(), "FFF", c.ip(), fmt.Sprintf("flood %d", i))
			if a.status != http.StatusSeeOther {
				t.Fatalf("review %d: %d %.300s", i, a.status, a.body)
			}
			if held := strings.Contains(a.loc(), "held=1"); held != (i >= 4) {
				t.Fatalf("review %d: held=%v (%s)", i, held, a.loc())
			}
		}
		sum, err := c.inst[0].svc.Council(ctx, "FFF")
		if err != nil || sum.Score.N != 4 {
			t.Fatalf("counted %d, want the 4 within the limit (%v)", sum.Score.N, err)
		}
		m := browser()
		c.adminSignIn(1, m, secAdminToken, c.ip())
		page := c.get(1, m, "/moderation", "")
		if !strings.Contains(page.body, "Reviews held by a council's limit (6)") {
			i := max(0, strings.Index(page.body, "Reviews held"))
			t.Fatalf("moderation page: %.300s", page.body[i:])
		}
		q, err := c.inst[1].svc.Queue(ctx)
		if err != nil || len(q.Held) != 6 {
			t.Fatalf("held %d %v", len(q.Held), err)
		}
		tok, _ := formclient.FormToken(page.body[strings.Index(page.body, `id="held-`):])
		if a := c.post(1, m, "/moderation/"+q.Held[0].ID, url.Values{"form_token": {tok}, "action": {"include"}}, "", nil); a.status != http.StatusSeeOther {
			t.Fatalf("include: %d", a.status)
		}
		if sum, _ := c.inst[0].svc.Council(ctx, "FFF"); sum.Score.N != 5 {
			t.Fatalf("after including one: %d", sum.Score.N)
		}
	})

	t.Run("also: per-address limits across instances, an IPv6 /64 as one address", func(t *testing.T) {
		c.clock.Add(61 * time.Minute)
		codes := []string{"AAA", "BBB", "CCC", "DDD"}
		for i, ip := range []string{"2001:db8:a:b::1", "2001:db8:a:b::2", "2001:db8:a:b:ffff::9"} {
			if a := c.review(i%2, (i+1)%2, browser(), codes[i], ip, "six four "+fmt.Sprint(i)); a.status != http.StatusSeeOther {
				t.Fatalf("review %d: %d", i, a.status)
			}
		}
		if a := c.review(1, 0, browser(), "DDD", "2001:db8:a:b:1:2:3:4", "same /64"); a.status != http.StatusTooManyRequests || !strings.Contains(a.body, "You have sent a lot of reviews") {
			t.Fatalf("fourth from the /64: %d %.300s", a.status, a.body)
		}
		if a := c.review(0, 1, browser(), "DDD", "2001:db8:a:c::1", "next /64"); a.status != http.StatusSeeOther {
			t.Fatalf("another /64: %d", a.status)
		}
		ip4 := c.ip()
		for i := range 3 {
			if a := c.review(i%2, i%2, browser(), codes[i], ip4, "v4 "+fmt.Sprint(i)); a.status != http.StatusSeeOther {
				t.Fatalf("v4 review %d: %d", i, a.status)
			}
		}
		if a := c.review(1, 1, browser(), "DDD", ip4, "v4 3"); a.status != http.StatusTooManyRequests {
			t.Fatalf("fourth from one IPv4 address over two instances: %d", a.status)
		}
	})
}
