package dashboard_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
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

// The harness of the security tests: dashboard instances, each with its
// own connections and its own reviews service (as separate processes
// behind a load balancer would be), over one ClickHouse database, sharing
// a test clock that the tests move on instead of sleeping.

const (
	secAdminToken  = "sec-admin-token-0123456789abcdef0123456789"
	secAdminToken2 = "sec-admin-token-rotated-0123456789abcdef01"
	secSecret      = "security test secret shared by the instances"
)

var secCouncils = []data.Council{
	{Code: "AAA", Name: "Aardvark Borough Council", HomepageURL: "https://www.aardvark.gov.uk/"},
	{Code: "BBB", Name: "Badger District Council", HomepageURL: "https://www.badger.gov.uk/"},
	{Code: "CCC", Name: "Coot County Council", HomepageURL: "https://www.coot.gov.uk/"},
	{Code: "DDD", Name: "Dormouse City Council", HomepageURL: "https://www.dormouse.gov.uk/"},
	{Code: "EEE", Name: "Egret Council", HomepageURL: "https://www.egret.gov.uk/"},
	{Code: "FFF", Name: "Ferret Borough Council", HomepageURL: "https://www.ferret.gov.uk/"},
}

// testClock is a clock the tests move on.
type testClock struct{ off atomic.Int64 }

func (c *testClock) Now() time.Time      { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *testClock) Add(d time.Duration) { c.off.Add(int64(d)) }

// syncBuffer is a log the instances write to at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// instance is one dashboard process.
type instance struct {
	store *data.Store
	svc   *reviews.Service
	dash  *dashboard.Server
	url   string
}

// cluster is several instances over one database.
type cluster struct {
	t     *testing.T
	cfg   data.Config
	clock *testClock
	log   *syncBuffer
	inst  []*instance
	// ips hands out client addresses (sent as X-Forwarded-For by the
	// trusted proxy, loopback), one per use unless a test picks its own.
	ips atomic.Int64
}

// secConfig is the reviews configuration of the security tests: small
// limits, so each limit is reached in a few requests.
func secConfig() reviews.Config {
	return reviews.Config{Secret: []byte(secSecret), AdminToken: secAdminToken, MinFormTime: 3 * time.Second,
		RatePerIP: reviews.Rate{N: 3, Per: time.Hour}, RatePerCouncil: reviews.Rate{N: 4, Per: time.Hour},
		SignInPerAddress: reviews.Rate{N: 3, Per: 15 * time.Minute}, SignInGlobal: reviews.Rate{N: 8, Per: time.Minute},
		SessionCacheTTL: 5 * time.Second}
}

func newCluster(t *testing.T, n int, cfg reviews.Config) *cluster {
	t.Helper()
	first := datatest.Store(t)
	c := &cluster{t: t, clock: &testClock{}, log: &syncBuffer{}}
	c.cfg = datatest.Config(t)
	c.cfg.Database = first.Database()
	c.inst = append(c.inst, c.start(first, cfg, dashboard.Deps{}))
	for range n - 1 {
		c.add(cfg, dashboard.Deps{})
	}
	return c
}

// add starts one more instance over the database.
func (c *cluster) add(cfg reviews.Config, d dashboard.Deps) *instance {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := data.Open(ctx, c.cfg)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { _ = s.Close() })
	in := c.start(s, cfg, d)
	c.inst = append(c.inst, in)
	return in
}

func (c *cluster) start(s *data.Store, cfg reviews.Config, d dashboard.Deps) *instance {
	c.t.Helper()
	svc, err := reviews.New(data.NewReviewStore(s), cfg)
	if err != nil {
		c.t.Fatal(err)
	}
	d.Store, d.Councils, d.Reviews, d.Clock = s, secCouncils, svc, c.clock.Now
	d.TrustedProxies = []string{"127.0.0.1", "::1"}
	d.Logger = slog.New(slog.NewTextHandler(c.log, nil))
	dash, err := dashboard.New(d)
	if err != nil {
		c.t.Fatal(err)
	}
	// Served as `serve` serves it: its http.Server, timeouts and limits.
	h := dash.Handler()
	hs := httptest.NewUnstartedServer(h)
	hs.Config = dash.HTTPServer(h)
	hs.Start()
	c.t.Cleanup(hs.Close)
	return &instance{store: s, svc: svc, dash: dash, url: hs.URL}
}

// ip returns a fresh client address.
func (c *cluster) ip() string {
	n := c.ips.Add(1)
	return "10.20." + strconv.Itoa(int(n/250)) + "." + strconv.Itoa(int(n%250)+1)
}

// browser is a client with its own cookies that does not follow redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return formclient.NoRedirects(&http.Client{Jar: jar, Timeout: 30 * time.Second})
}

// answer is a read response.
type answer struct {
	status int
	header http.Header
	body   string
}

func (a answer) loc() string { return a.header.Get("Location") }

// req sends a request to instance i. form nil is a GET (or the method
// given); hdr adds headers; ip, when set, is the client address.
func (c *cluster) req(i int, cl *http.Client, method, path string, body io.Reader, hdr map[string]string, ip string) answer {
	c.t.Helper()
	r, err := http.NewRequest(method, c.inst[i].url+path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	if ip != "" {
		r.Header.Set("X-Forwarded-For", ip)
	}
	res, err := cl.Do(r)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, string(b)}
}

func (c *cluster) get(i int, cl *http.Client, path, ip string) answer {
	c.t.Helper()
	return c.req(i, cl, "GET", path, nil, nil, ip)
}

func (c *cluster) post(i int, cl *http.Client, path string, form url.Values, ip string, hdr map[string]string) answer {
	c.t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range hdr {
		h[k] = v
	}
	return c.req(i, cl, "POST", path, strings.NewReader(form.Encode()), h, ip)
}

// form fetches a council's review form on instance i and returns its token.
func (c *cluster) form(i int, cl *http.Client, code, ip string) string {
	c.t.Helper()
	a := c.get(i, cl, "/councils/"+code+"/review", ip)
	if a.status != http.StatusOK {
		c.t.Fatalf("form of %s: %d %.300s", code, a.status, a.body)
	}
	tok, err := formclient.FormToken(a.body)
	if err != nil {
		c.t.Fatal(err)
	}
	return tok
}

// review posts a review through a fresh form after the least time on it.
func (c *cluster) review(formOn, postOn int, cl *http.Client, code, ip, comment string) answer {
	c.t.Helper()
	tok := c.form(formOn, cl, code, ip)
	c.clock.Add(4 * time.Second)
	return c.post(postOn, cl, "/councils/"+code+"/review", formclient.ReviewForm(tok, "pay-council-tax", comment), ip, nil)
}

// stored counts the stored review rows.
func (c *cluster) stored() int {
	c.t.Helper()
	m, err := c.inst[0].store.ReviewIDCounts(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	n := 0
	for _, k := range m {
		n += int(k)
	}
	return n
}

// issue makes a peer sign-in link for a council.
func (c *cluster) issue(code string) (link string, id string) {
	c.t.Helper()
	is, err := c.inst[0].svc.IssuePeerToken(context.Background(), "officer@"+strings.ToLower(code)+".gov.uk", code, 720*time.Hour, "test",
		func(string) bool { return true }, c.clock.Now())
	if err != nil {
		c.t.Fatal(err)
	}
	return "/peer/signin?token=" + url.QueryEscape(is.Token), is.Record.ID
}

// signInForm opens a sign-in link on instance i: the form its button posts.
func (c *cluster) signInForm(i int, cl *http.Client, link, ip string) url.Values {
	c.t.Helper()
	a := c.get(i, cl, link, ip)
	if a.status != http.StatusOK {
		c.t.Fatalf("sign-in page: %d %.300s", a.status, a.body)
	}
	v, err := formclient.SignInForm(a.body)
	if err != nil {
		c.t.Fatal(err)
	}
	return v
}

// signIn opens a sign-in link and presses its button on instance i.
func (c *cluster) signIn(i int, cl *http.Client, link, ip string) answer {
	c.t.Helper()
	return c.post(i, cl, "/peer/signin", c.signInForm(i, cl, link, ip), ip, nil)
}

// adminSignIn signs a moderator in on instance i with token.
func (c *cluster) adminSignIn(i int, cl *http.Client, token, ip string) answer {
	c.t.Helper()
	a := c.get(i, cl, "/moderation", ip)
	tok, err := formclient.FormToken(a.body)
	if err != nil {
		c.t.Fatalf("moderation sign-in form: %v %.300s", err, a.body)
	}
	return c.post(i, cl, "/moderation/signin", url.Values{"form_token": {tok}, "name": {"Mo"}, "admin_token": {token}}, ip, nil)
}

// cookie returns a client's cookie for instance i.
func (c *cluster) cookie(i int, cl *http.Client, name string) *http.Cookie {
	u, _ := url.Parse(c.inst[i].url)
	for _, ck := range cl.Jar.Cookies(u) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// withCookie is a new browser holding only the given cookie for every
// instance (a stolen or copied cookie).
func (c *cluster) withCookie(ck *http.Cookie) *http.Client {
	cl := browser()
	for _, in := range c.inst {
		u, _ := url.Parse(in.url)
		cl.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: ck.Value, Path: "/"}})
	}
	return cl
}
