package dashboard_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/dashboard/reviewpages"
	"github.com/councildash/councildash/dashboard/reviewpages/formclient"
	"github.com/councildash/councildash/reviews"
)

// TestSecurityAttacks replays the attacks of issue 14's run that found
// nothing, so they keep finding nothing: XSS in every field, CSRF variants,
// SQL injection in every parameter, path traversal, oversize and malformed
// bodies, response splitting and open redirects. Each asserts the safe
// outcome, on two instances over one database.
func TestSecurityAttacks(t *testing.T) {
	cfg := secConfig()
	cfg.RatePerIP = reviews.Rate{N: -1, Per: time.Hour} // many posts from few addresses here
	cfg.RatePerCouncil = reviews.Rate{N: -1, Per: time.Hour}
	c := newCluster(t, 2, cfg)
	ctx := context.Background()

	// A signed-in peer of AAA and a moderator, for the pages behind them.
	link, _ := c.issue("AAA")
	peer := browser()
	if a := c.signIn(0, peer, link, ""); a.status != http.StatusSeeOther {
		t.Fatalf("peer sign-in: %d", a.status)
	}
	mod := browser()
	if a := c.adminSignIn(1, mod, secAdminToken, ""); a.status != http.StatusSeeOther {
		t.Fatalf("admin sign-in: %d", a.status)
	}
	modToken := func() string {
		p := c.get(1, mod, "/moderation", "")
		tok, err := formclient.FormToken(p.body[strings.Index(p.body, "Moderation</h1>"):])
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	t.Run("XSS in every field", func(t *testing.T) {
		payloads := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `'><svg/onload=alert(1)>`, `</textarea><script>alert(2)</script>`}
		jsHref := regexp.MustCompile(`(?i)(href|src|action)="\s*javascript:`)
		inert := func(t *testing.T, where, body string) {
			t.Helper()
			for _, p := range payloads {
				if strings.Contains(body, p) {
					t.Fatalf("%s: payload %q unescaped", where, p)
				}
			}
			if m := jsHref.FindString(body); m != "" {
				t.Fatalf("%s: %s", where, m)
			}
		}
		fields := []string{"task", "route-nav", "route-atoz", "route-search-engine", "route-site-search", "importance",
			"comment", "end_url", "kind", "website", "form_token"}
		var stored []string
		for _, f := range fields {
			for i, p := range append(payloads, "javascript:alert(1)") {
				cl, ip := browser(), c.ip()
				tok := c.form(i%2, cl, "BBB", ip)
				c.clock.Add(4 * time.Second)
				v := formclient.ReviewForm(tok, "pay-council-tax", "fine")
				v.Set(f, p)
				a := c.post((i+1)%2, cl, "/councils/BBB/review", v, ip, nil)
				inert(t, "post with "+f, a.body)
				if a.status == http.StatusSeeOther {
					stored = append(stored, f)
				}
			}
		}
		// Only the free-text comment takes such text.
		for _, f := range stored {
			if f != "comment" {
				t.Errorf("a review with a script in %q was stored", f)
			}
		}
		// Stored comments, approved: the moderation page, the council page,
		// the API and the thanks page show them escaped.
		q, err := c.inst[0].svc.Queue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		inert(t, "moderation page", c.get(1, mod, "/moderation", "").body)
		for _, r := range q.Pending {
			if a := c.post(1, mod, "/moderation/"+r.ID, url.Values{"form_token": {modToken()}, "action": {"approve"}}, "", nil); a.status != http.StatusSeeOther {
				t.Fatalf("approve: %d", a.status)
			}
		}
		if err := c.inst[0].dash.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/councils/BBB", "/api/v1/councils/BBB/reviews", "/tasks", "/"} {
			inert(t, p, c.get(0, browser(), p, "").body)
		}
		// A response (right of reply), a moderator's name and reason.
		home := c.get(0, peer, "/peer", "")
		rtok, _ := formclient.FormToken(home.body[strings.Index(home.body, "/responses"):])
		if a := c.post(0, peer, "/councils/AAA/responses", url.Values{"form_token": {rtok}, "response": {payloads[1]}, "response_task": {payloads[0]}}, "", nil); a.status != http.StatusBadRequest {
			t.Fatalf("response with a bad task: %d", a.status)
		} else {
			inert(t, "response form", a.body)
		}
		if a := c.post(0, peer, "/councils/AAA/responses", url.Values{"form_token": {rtok}, "response": {payloads[1]}}, "", nil); a.status != http.StatusSeeOther {
			t.Fatalf("response: %d", a.status)
		}
		_ = c.inst[0].dash.Refresh(ctx)
		inert(t, "council page with a response", c.get(0, browser(), "/councils/AAA", "").body)
		m2 := browser()
		sp := c.get(0, m2, "/moderation", "")
		stok, _ := formclient.FormToken(sp.body)
		a := c.post(0, m2, "/moderation/signin", url.Values{"form_token": {stok}, "name": {payloads[0]}, "admin_token": {secAdminToken}}, "", nil)
		if a.status != http.StatusSeeOther {
			t.Fatalf("moderator with a script for a name: %d", a.status)
		}
		inert(t, "moderation page of that moderator", c.get(0, m2, "/moderation", "").body)
		if len(q.Pending) > 0 {
			id := q.Pending[0].ID
			if a := c.post(1, mod, "/moderation/"+id, url.Values{"form_token": {modToken()}, "action": {"exclude"}, "reason": {payloads[2]}}, "", nil); a.status != http.StatusSeeOther {
				t.Fatalf("exclude: %d", a.status)
			}
			inert(t, "moderation page with a reason", c.get(1, mod, "/moderation", "").body)
		}
		// Reflected: query strings and paths.
		for _, p := range payloads {
			e := url.QueryEscape(p)
			for _, path := range []string{"/councils/AAA/review?task=" + e, "/councils/AAA/review/thanks?task=" + e, "/peer/signin?token=" + e,
				"/compare?c=" + e + "&c=AAA", "/checks/" + url.PathEscape(p), "/?q=" + e + "&nation=" + e + "&sort=" + e, "/councils/" + url.PathEscape(p),
				"/moderation?done=" + e, "/peer?council=" + e, "/api/v1/councils/" + url.PathEscape(p), "/api/v1/findings?council=" + e} {
				for _, cl := range []*http.Client{browser(), peer, mod} {
					inert(t, path, c.get(0, cl, path, "").body)
				}
			}
		}
	})

	t.Run("CSRF variants", func(t *testing.T) {
		before := c.stored()
		ip := c.ip()
		cl := browser()
		tok := c.form(0, cl, "CCC", ip)
		otherCouncil := c.form(0, cl, "DDD", ip)
		c.clock.Add(4 * time.Second)
		good := func() url.Values { return formclient.ReviewForm(tok, "pay-council-tax", "csrf") }
		cases := []struct {
			name string
			cl   *http.Client
			v    url.Values
			hdr  map[string]string
			want int
		}{
			{"no token", cl, func() url.Values { v := good(); v.Del("form_token"); return v }(), nil, 403},
			{"token of another council's form", cl, formclient.ReviewForm(otherCouncil, "pay-council-tax", "csrf"), nil, 403},
			{"another browser (no cookie)", formclient.NoRedirects(&http.Client{}), good(), nil, 403},
			{"Origin of another site", cl, good(), map[string]string{"Origin": "https://evil.example"}, 403},
			{"Origin null", cl, good(), map[string]string{"Origin": "null"}, 403},
			{"Sec-Fetch-Site cross-site", cl, good(), map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
			{"Sec-Fetch-Site same-site", cl, good(), map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
			{"Origin with the port of another site", cl, good(), map[string]string{"Origin": "http://127.0.0.1:1"}, 403},
		}
		for _, x := range cases {
			if a := c.post(1, x.cl, "/councils/CCC/review", x.v, ip, x.hdr); a.status != x.want {
				t.Errorf("%s: %d, want %d", x.name, a.status, x.want)
			}
		}
		// A text/plain or JSON post (what a cross-site form or fetch can send
		// without a preflight) carries no readable form.
		for _, ct := range []string{"text/plain", "application/json"} {
			a := c.req(0, cl, "POST", "/councils/CCC/review", strings.NewReader(good().Encode()), map[string]string{"Content-Type": ct}, ip)
			if a.status != http.StatusForbidden {
				t.Errorf("%s body: %d", ct, a.status)
			}
		}
		// A GET of the post's address with the answers in the query stores
		// nothing (it is the form).
		if a := c.get(0, cl, "/councils/CCC/review?"+good().Encode(), ip); a.status != 200 {
			t.Errorf("GET with answers: %d", a.status)
		}
		if c.stored() != before {
			t.Fatalf("a forged post was stored")
		}
		// The same-origin post goes through (the cases above refused it for
		// their own reason, not by accident).
		if a := c.post(0, cl, "/councils/CCC/review", good(), ip, map[string]string{"Origin": c.inst[0].url, "Sec-Fetch-Site": "same-origin"}); a.status != http.StatusSeeOther {
			t.Fatalf("same-origin post: %d %.300s", a.status, a.body)
		}
		// Signed-in forms: moderation, responses, sign-outs.
		q, _ := c.inst[0].store.RecentReviews(ctx, 1)
		for _, x := range []struct {
			name, path string
			cl         *http.Client
			v          url.Values
			hdr        map[string]string
		}{
			{"moderation without token", "/moderation/" + q[0].ID, mod, url.Values{"action": {"exclude"}, "reason": {"x"}}, nil},
			{"moderation with a peer's token", "/moderation/" + q[0].ID, mod, url.Values{"form_token": {tok}, "action": {"exclude"}, "reason": {"x"}}, nil},
			{"moderation from another site", "/moderation/" + q[0].ID, mod, url.Values{"form_token": {modToken()}, "action": {"exclude"}, "reason": {"x"}}, map[string]string{"Origin": "https://evil.example"}},
			{"response without token", "/councils/AAA/responses", peer, url.Values{"response": {"forged"}}, nil},
			{"response from another site", "/councils/AAA/responses", peer, url.Values{"response": {"forged"}}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
			{"peer sign-out without token", "/peer/signout", peer, url.Values{}, nil},
			{"admin sign-out without token", "/moderation/signout", mod, url.Values{}, nil},
			{"admin sign-in from another site", "/moderation/signin", browser(), url.Values{"name": {"x"}, "admin_token": {secAdminToken}}, map[string]string{"Origin": "https://evil.example"}},
		} {
			if a := c.post(0, x.cl, x.path, x.v, "", x.hdr); a.status != http.StatusForbidden {
				t.Errorf("%s: %d", x.name, a.status)
			}
		}
		if st, _ := c.inst[0].store.GetReview(ctx, q[0].ID); st.Excluded {
			t.Error("a forged moderation was recorded")
		}
		if a := c.get(0, peer, "/peer", ""); a.status != 200 {
			t.Error("a forged sign-out signed the peer out")
		}
		if a := c.get(0, mod, "/moderation", ""); !strings.Contains(a.body, "Signed in as") {
			t.Error("a forged sign-out signed the moderator out")
		}
	})

	t.Run("SQL injection in every parameter", func(t *testing.T) {
		before := c.stored()
		payloads := []string{`' OR '1'='1`, `x'); DROP TABLE reviews; --`, `\' UNION SELECT version() --`, "x\x00y", "`reviews`", `1 OR 1=1`}
		leak := regexp.MustCompile(`(?i)DB::Exception|Code: \d+|clickhouse|syntax error`)
		for _, p := range payloads {
			e, pe := url.QueryEscape(p), url.PathEscape(p)
			paths := []string{"/councils/" + pe, "/councils/" + pe + "/review", "/checks/" + pe, "/compare?c=" + e + "&c=AAA",
				"/?q=" + e, "/?nation=" + e + "&type=" + e + "&region=" + e + "&sort=" + e + "&dir=" + e,
				"/api/v1/councils/" + pe, "/api/v1/councils/" + pe + "/reviews", "/api/v1/scores?run=" + e,
				"/api/v1/findings?council=" + e, "/api/v1/findings?check=" + e, "/api/v1/findings?run=" + e,
				"/api/v1/findings?limit=" + e, "/api/v1/findings?offset=" + e, "/api/v1/runs?run=" + e,
				"/export/findings.csv?council=" + e, "/export/findings.csv?check=" + e, "/export/findings.json?run=" + e,
				"/export/scores.csv?run=" + e + "&council=" + e, "/export/reviews.csv?council=" + e, "/export/" + pe,
				"/councils/AAA/review/thanks?task=" + e}
			for _, path := range paths {
				a := c.get(0, browser(), path, "")
				if a.status >= 500 || leak.MatchString(a.body) {
					t.Errorf("%s: %d %.200s", path, a.status, a.body)
				}
			}
			// Posted fields, and the moderation id.
			cl, ip := browser(), c.ip()
			tok := c.form(0, cl, "DDD", ip)
			c.clock.Add(4 * time.Second)
			for _, f := range []string{"task", "kind", "importance", "route-nav", "end_url"} {
				v := formclient.ReviewForm(tok, "pay-council-tax", "sqli")
				v.Set(f, p)
				if a := c.post(1, cl, "/councils/DDD/review", v, ip, nil); a.status >= 500 || a.status == http.StatusSeeOther || leak.MatchString(a.body) {
					t.Errorf("field %s: %d", f, a.status)
				}
			}
			if a := c.post(1, mod, "/moderation/"+pe, url.Values{"form_token": {modToken()}, "action": {"approve"}}, "", nil); a.status != http.StatusNotFound {
				t.Errorf("moderation id %q: %d", p, a.status)
			}
			// Sign-in tokens.
			if a := c.signIn(0, browser(), "/peer/signin?token="+e, c.ip()); a.status != http.StatusForbidden && a.status != http.StatusTooManyRequests {
				t.Errorf("sign-in token %q: %d", p, a.status)
			}
		}
		// Every table is still there and nothing was stored.
		if _, _, err := c.inst[0].store.ReviewCounts(ctx); err != nil {
			t.Fatal(err)
		}
		if c.stored() != before {
			t.Fatalf("stored %d", c.stored()-before)
		}
	})

	t.Run("path traversal", func(t *testing.T) {
		for _, p := range []string{"/static/../go.mod", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/%2e%2e/go.mod", "/static/%252e%252e/go.mod",
			"/static/vendor/..%5c..%5cdashboard.go", "/static/....//....//go.mod", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
			"/static/..;/go.mod", "/export/..%2f..%2fetc%2fpasswd", "/static/app.css%00.go", "/static/./../dashboard.go"} {
			a := c.get(0, browser(), p, "")
			if (a.status == 200 && !strings.HasSuffix(strings.SplitN(p, "%", 2)[0], ".css")) || strings.Contains(a.body, "module github.com") ||
				strings.Contains(a.body, "root:x:") || strings.Contains(a.body, "package dashboard") {
				t.Errorf("%s: %d %.100s", p, a.status, a.body)
			}
		}
	})

	t.Run("oversize and malformed bodies", func(t *testing.T) {
		before := c.stored()
		cl, ip := browser(), c.ip()
		tok := c.form(0, cl, "EEE", ip)
		c.clock.Add(4 * time.Second)
		big := formclient.ReviewForm(tok, "pay-council-tax", strings.Repeat("a", 300<<10))
		if a := c.post(1, cl, "/councils/EEE/review", big, ip, nil); a.status != http.StatusRequestEntityTooLarge {
			t.Errorf("300 KB form: %d", a.status)
		}
		// The same, chunked (no Content-Length).
		chunked := io.MultiReader(strings.NewReader(big.Encode()))
		if a := c.req(1, cl, "POST", "/councils/EEE/review", chunked, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, ip); a.status != http.StatusRequestEntityTooLarge {
			t.Errorf("300 KB chunked: %d", a.status)
		}
		for name, body := range map[string]string{"bad escape": "form_token=" + tok + "&comment=%zz", "lone percent": "%", "semicolons": "a=1;b=2;form_token=x"} {
			a := c.req(0, cl, "POST", "/councils/EEE/review", strings.NewReader(body), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, ip)
			if a.status != http.StatusBadRequest && a.status != http.StatusForbidden {
				t.Errorf("%s: %d", name, a.status)
			}
		}
		var mp bytes.Buffer
		mw := multipart.NewWriter(&mp)
		fw, _ := mw.CreateFormFile("comment", "big.bin")
		_, _ = fw.Write(bytes.Repeat([]byte{0xff}, 1<<20))
		_ = mw.WriteField("form_token", tok)
		_ = mw.Close()
		if a := c.req(0, cl, "POST", "/councils/EEE/review", &mp, map[string]string{"Content-Type": mw.FormDataContentType()}, ip); a.status != http.StatusForbidden && a.status != http.StatusRequestEntityTooLarge {
			t.Errorf("multipart with a 1 MB file: %d", a.status)
		}
		for name, comment := range map[string]string{"invalid UTF-8": "bad \xff\xfe bytes", "NUL": "a\x00b", "control characters": "\x1b[31mred"} {
			v := formclient.ReviewForm(tok, "pay-council-tax", comment)
			if a := c.post(0, cl, "/councils/EEE/review", v, ip, nil); a.status >= 500 {
				t.Errorf("%s: %d", name, a.status)
			}
		}
		// Headers over 64 KB.
		if a := c.req(0, cl, "GET", "/", nil, map[string]string{"X-Big": strings.Repeat("b", 100<<10)}, ""); a.status != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("100 KB header: %d", a.status)
		}
		if got := c.stored() - before; got > 3 {
			t.Errorf("stored %d", got)
		}
	})

	t.Run("response splitting", func(t *testing.T) {
		paths := []struct {
			cl     *http.Client
			method string
			path   string
		}{
			{peer, "GET", "/peer?council=BBB%0d%0aSet-Cookie:%20injected=1&task=pay-council-tax%0d%0aX-Injected:%201"},
			{peer, "GET", "/peer?council=BBB&task=%0d%0aX-Injected:%201"},
			{browser(), "GET", "/councils/AAA%0d%0aX-Injected:%201/review"},
			{browser(), "GET", "/export/findings.csv%0d%0aX-Injected:%201"},
			{browser(), "GET", "/export/findings%0d%0aX-Injected:%201.csv"},
			{browser(), "GET", "/review/random?x=%0d%0aX-Injected:%201"},
			{browser(), "GET", "/councils/AAA/review/thanks?task=%0d%0aX-Injected:%201"},
			{browser(), "GET", "/councils/AAA/%0d%0aX-Injected:%201/"},
			{mod, "GET", "/moderation?done=%0d%0aX-Injected:%201"},
		}
		for _, x := range paths {
			a := c.req(0, x.cl, x.method, x.path, nil, nil, "")
			if a.header.Get("X-Injected") != "" || strings.Contains(strings.Join(a.header.Values("Set-Cookie"), ";"), "injected") {
				t.Errorf("%s: injected header: %v", x.path, a.header)
			}
			for k, vs := range a.header {
				for _, v := range vs {
					if strings.ContainsAny(v, "\r\n") {
						t.Errorf("%s: header %s holds a line break", x.path, k)
					}
				}
			}
		}
		if a := c.post(0, mod, "/moderation/x%0d%0aX-Injected:%201", url.Values{"form_token": {modToken()}, "action": {"approve"}}, "", nil); a.status != http.StatusNotFound || a.header.Get("X-Injected") != "" {
			t.Errorf("moderation id with CRLF: %d", a.status)
		}
	})

	t.Run("open redirects", func(t *testing.T) {
		safe := func(loc string) bool {
			return loc == "" || (strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\"))
		}
		for _, x := range []struct {
			cl   *http.Client
			path string
			hdr  map[string]string
		}{
			{browser(), "//evil.example/", nil}, {browser(), "//evil.example/%2e%2e", nil}, {browser(), "/\\evil.example/", nil},
			{browser(), "/%5cevil.example/", nil}, {browser(), "/%2f%2fevil.example/", nil}, {browser(), "/councils/AAA/", nil},
			{browser(), "/static//evil.example/", nil}, {browser(), "/checks/", nil}, {browser(), "/review/random", nil},
			{browser(), "/councils/AAA/", map[string]string{"X-Forwarded-Prefix": "//evil.example"}},
			{browser(), "/councils/AAA/", map[string]string{"X-Forwarded-Prefix": "https://evil.example"}},
			{browser(), "/councils/AAA/", map[string]string{"X-Forwarded-Host": "evil.example"}},
			{peer, "/peer?council=//evil.example", nil}, {peer, "/peer?council=https://evil.example", nil},
			{peer, "/peer?council=BBB&task=//evil.example", nil}, {mod, "/moderation?done=//evil.example", nil},
			{browser(), "/peer/signin?token=x&next=https://evil.example", nil}, {browser(), "/static", nil},
		} {
			a := c.req(0, x.cl, "GET", x.path, nil, x.hdr, "")
			if !safe(a.loc()) {
				t.Errorf("%s %v: Location %q", x.path, x.hdr, a.loc())
			}
		}
		// Posts that redirect.
		cl, ip := browser(), c.ip()
		tok := c.form(0, cl, "FFF", ip)
		c.clock.Add(4 * time.Second)
		v := formclient.ReviewForm(tok, "pay-council-tax", "redirect")
		v.Set("next", "https://evil.example")
		if a := c.post(0, cl, "/councils/FFF/review", v, ip, map[string]string{"Referer": "https://evil.example"}); a.status != http.StatusSeeOther || !safe(a.loc()) {
			t.Errorf("review post: %d %q", a.status, a.loc())
		}
	})

	t.Run("the peer cookie is HttpOnly, SameSite and not readable by script", func(t *testing.T) {
		l, _ := c.issue("BBB")
		cl := browser()
		form := c.signInForm(0, cl, l, "")
		res, err := cl.PostForm(c.inst[0].url+"/peer/signin", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		found := false
		for _, ck := range res.Cookies() {
			if ck.Name == reviewpages.PeerCookie {
				found = true
				if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || len(ck.Value) < 40 {
					t.Errorf("peer cookie %+v", ck)
				}
			}
		}
		if !found {
			t.Fatal("no peer cookie")
		}
	})
}
