package dashboard_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
)

// The browser tests: the dashboard in headless Chromium (Debian's), as
// people use it, at 1280 and 375 pixels wide. Every page, error pages
// included, passes axe-core with no violation at both widths, is no wider
// than a phone's screen, and draws its charts in readable text; three
// journeys are walked end to end; screenshots are saved in
// testdata/screenshots for a person to look at.

// chromiumPath finds the browser: Debian's chromium, or COUNCILDASH_CHROMIUM.
func chromiumPath() string {
	if p := os.Getenv("COUNCILDASH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
	Passes []struct {
		ID string `json:"id"`
	} `json:"passes"`
}

// widths are the screens every page is tried on: a laptop and a phone.
var widths = []int64{1280, 375}

// tab is a headless Chromium tab for one test.
type tab struct {
	ctx   context.Context
	axe   string
	shots string
	dl    string // downloads

	// What the browser said about the pages (CSP violations and script
	// errors in its console) since takeConsole last read it.
	consoleMu sync.Mutex
	console   []string
}

// newTab starts Chromium (skipping the test when there is none, failing
// under CI=true).
func newTab(t *testing.T) *tab {
	t.Helper()
	bin := chromiumPath()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (apt-get install chromium): the browser test must run in CI")
		}
		t.Skip("chromium not found: install Debian's chromium (or set COUNCILDASH_CHROMIUM) to run the browser test")
	}
	axe, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	shots := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	if err := chromedp.Do(bctx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium does not start: %v", err)
		}
		t.Skipf("chromium does not start: %v", err)
	}
	// A bound on the whole test (not a speed test).
	ctx, cancel := context.WithTimeout(bctx, 10*time.Minute)
	t.Cleanup(cancel)
	tb := &tab{ctx: ctx, axe: string(axe), shots: shots, dl: t.TempDir()}
	allow := true
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: "allow", DownloadPath: tb.dl, EventsEnabled: &allow}); err != nil {
		t.Fatal(err)
	}
	// What the browser says about the pages: CSP violations and script
	// errors in its console, and every securitypolicyviolation event (a
	// script the browser runs before each page's own, so CSP allows it).
	if err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError || strings.Contains(e.Entry.Text, "Content Security Policy") {
				msg = fmt.Sprintf("console %s (%s): %s %s", e.Entry.Level, e.Entry.Source, e.Entry.Text, e.Entry.URL)
			}
		case *cdpruntime.EventExceptionThrown:
			msg = "script error: " + e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
		}
		if msg != "" {
			tb.consoleMu.Lock()
			tb.console = append(tb.console, msg)
			tb.consoleMu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	watchCSP := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});`})
		return chromedp.Void{}, err
	})
	if err := chromedp.Do(ctx, watchCSP); err != nil {
		t.Fatal(err)
	}
	return tb
}

// takeConsole returns what the browser said since it was last called.
func (b *tab) takeConsole() []string {
	b.consoleMu.Lock()
	defer b.consoleMu.Unlock()
	out := b.console
	b.console = nil
	return out
}

// cspClean: the page loaded from url (answering status, 0 for 200) broke
// no rule of the strict Content-Security-Policy and threw no script error
// (checked before axe runs its own script).
func (b *tab) cspClean(t *testing.T, url string, status int) {
	t.Helper()
	for _, v := range eval[[]string](t, b, `window.__csp || ['the CSP watch did not run']`) {
		t.Errorf("CSP violation: %s", v)
	}
	for _, m := range b.takeConsole() {
		if status != 0 && strings.Contains(m, fmt.Sprintf("status of %d", status)) && strings.HasSuffix(m, url) {
			continue // the page's own answer
		}
		t.Errorf("%s", m)
	}
}

// viewport sets the screen: a phone's (mobile, touch) at 375.
func (b *tab) viewport(w int64) chromedp.Action[chromedp.Void] {
	if w < 600 {
		return chromedp.EmulateViewport(w, 812, chromedp.EmulateMobile)
	}
	return chromedp.EmulateViewport(w, 900)
}

// open loads a page at a width and waits for its scripts (charts draw
// after the deferred scripts).
func (b *tab) open(t *testing.T, url string, w int64) {
	t.Helper()
	if err := chromedp.Do(b.ctx, b.viewport(w), chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatal(err)
	}
	b.settle(t)
}

// settle waits until the page has loaded and its charts are drawn.
func (b *tab) settle(t *testing.T) {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.readyState === 'complete' &&
		[...document.querySelectorAll('.app-chart')].every(e => e.querySelector('svg'))`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the page did not settle: %v", err)
	}
}

// do runs actions, bounded (not a speed test: a page that never comes
// fails the test instead of hanging it).
func (b *tab) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// follow clicks a link or button that loads another page, and waits until
// that page has loaded.
func (b *tab) follow(t *testing.T, sel string) {
	t.Helper()
	before := eval[string](t, b, `location.href + '|' + performance.timeOrigin`)
	b.do(t, chromedp.Click(chromedp.CSS(sel)))
	deadline := time.Now().Add(20 * time.Second) // a bound on the wait, not a speed test
	for {
		now, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.href + '|' + performance.timeOrigin : ''`))
		if err == nil && now != "" && now != before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("clicking %s loads no page", sel)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.settle(t)
}

func eval[T any](t *testing.T, b *tab, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// axeCheck runs axe-core on the page: any violation fails the test.
func (b *tab) axeCheck(t *testing.T, name string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
		t.Fatal(err)
	}
	raw := eval[string](t, b, `axe.run(document, {resultTypes: ['violations', 'passes']}).then(r => JSON.stringify(r))`)
	var res axeResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Passes) == 0 {
		t.Errorf("%s: axe reports no passing rule: did it run?", name)
	}
	for _, v := range res.Violations {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, fmt.Sprintf("%v %.300s", n.Target, n.HTML))
		}
		t.Errorf("%s: axe %s (%s): %s\n    %s", name, v.ID, v.Impact, v.Help, strings.Join(nodes, "\n    "))
	}
}

// shot saves a screenshot of the whole page (the viewport grown to the
// page's height: Chrome's capture beyond the viewport draws SVG charts
// squashed), then puts the viewport back.
func (b *tab) shot(t *testing.T, name string, w int64) {
	t.Helper()
	png := b.capture(t, w, 16000)
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// capture takes the top of the page, up to maxH pixels.
func (b *tab) capture(t *testing.T, w, maxH int64) []byte {
	t.Helper()
	h := eval[int64](t, b, `document.documentElement.scrollHeight`)
	vp := chromedp.EmulateViewport(w, min(h, maxH))
	if w < 600 {
		vp = chromedp.EmulateViewport(w, min(h, maxH), chromedp.EmulateMobile)
	}
	if err := chromedp.Do(b.ctx, vp, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, b.viewport(w)); err != nil {
		t.Fatal(err)
	}
	return png
}

// fitsTheScreen: nothing makes the page wider than the screen.
func (b *tab) fitsTheScreen(t *testing.T, name string) {
	t.Helper()
	over := eval[string](t, b, `(() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= w) return '';
		const wide = [...document.querySelectorAll('body *')].filter(e => {
			const r = e.getBoundingClientRect();
			if (r.right <= w + 1 || r.width === 0) return false;
			for (let p = e.parentElement; p; p = p.parentElement) {
				const s = getComputedStyle(p);
				if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') return false;
			}
			return true;
		}).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
		return document.documentElement.scrollWidth + 'px wide: ' + wide.join(', ');
	})()`)
	if over != "" {
		t.Errorf("%s: wider than the screen: %s", name, over)
	}
}

// leagueFits: the league table's rows fit the screen, with no sideways
// scrolling for them (its region would scroll, and cut off its caption).
func (b *tab) leagueFits(t *testing.T, w int64) {
	t.Helper()
	if over := eval[int](t, b, `(() => { const s = document.querySelector('#league .app-table-scroll'); return s.scrollWidth - s.clientWidth; })()`); over > 0 {
		t.Errorf("the league table scrolls sideways at %d px (%d px too wide)", w, over)
	}
}

// browserLeaguePerPage is the league's page size in the browser tests.
const browserLeaguePerPage = 4

// paginationWorks: on the league's first page (open), the GOV.UK
// pagination shows, each of its links is visible and at least 24 px
// square (WCAG 2.2 target size), the current page is marked, and Next
// leads to the second page with the rest of the councils; back to the
// first page after.
func (b *tab) paginationWorks(t *testing.T, w int64) {
	t.Helper()
	if n := eval[int](t, b, `document.querySelectorAll('#league nav.govuk-pagination[aria-label] [aria-current="page"]').length`); n != 1 {
		t.Fatalf("at %d px the league has no pagination marking its current page", w)
	}
	// A link's target is its whole item (GOV.UK's link covers it with ::after).
	small := eval[[]string](t, b, `[...document.querySelectorAll('#league nav.govuk-pagination a')].filter(a => {
		const r = a.closest('.govuk-pagination__item, .govuk-pagination__prev, .govuk-pagination__next').getBoundingClientRect();
		return !a.checkVisibility() || r.width < 24 || r.height < 24; }).map(a => a.textContent.trim() + ' ' + JSON.stringify(a.closest('li, div').getBoundingClientRect()))`)
	if len(small) > 0 {
		t.Errorf("at %d px pagination links hidden or under 24 px: %v", w, small)
	}
	first := eval[int](t, b, `document.querySelectorAll('#league-table tbody tr').length`)
	b.follow(t, `#league .govuk-pagination__next a`)
	if q := eval[string](t, b, `location.search`); q != "?page=2" {
		t.Errorf("Next led to %q", q)
	}
	second := eval[int](t, b, `document.querySelectorAll('#league-table tbody tr').length`)
	if first != browserLeaguePerPage || second < 1 || second > browserLeaguePerPage {
		t.Errorf("at %d px the league's pages hold %d and %d rows (pages of %d)", w, first, second, browserLeaguePerPage)
	}
	if !eval[bool](t, b, `!!document.querySelector('#league .govuk-pagination__prev a[href="/#league"]')`) {
		t.Errorf("at %d px the second page has no link back to the first", w)
	}
	b.axeCheck(t, fmt.Sprintf("league page 2 at %d", w))
	b.fitsTheScreen(t, fmt.Sprintf("league page 2 at %d", w))
	b.leagueFits(t, w)
}

// chartsReadable: every chart is drawn, its text is at least 4.5:1 on its
// white background, inside the chart's box (not clipped) and clear of the
// other text.
func (b *tab) chartsReadable(t *testing.T, name string) {
	t.Helper()
	raw := eval[string](t, b, `JSON.stringify([...document.querySelectorAll('.app-chart')].map(chart => {
		const box = chart.getBoundingClientRect();
		const texts = [...chart.querySelectorAll('svg text')].filter(e => e.textContent.trim() !== '' && e.getBoundingClientRect().width > 0);
		return {id: chart.id, drawn: !!chart.querySelector('svg'), box: [box.left, box.top, box.right, box.bottom],
			texts: texts.map(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
				return {text: e.textContent.trim(), fill: s.fill, opacity: s.opacity * (e.getAttribute('fill-opacity') || 1), r: [r.left, r.top, r.right, r.bottom]}; })};
	}))`)
	var charts []struct {
		ID    string    `json:"id"`
		Drawn bool      `json:"drawn"`
		Box   []float64 `json:"box"`
		Texts []struct {
			Text    string    `json:"text"`
			Fill    string    `json:"fill"`
			Opacity float64   `json:"opacity"`
			R       []float64 `json:"r"`
		} `json:"texts"`
	}
	if err := json.Unmarshal([]byte(raw), &charts); err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if !c.Drawn {
			t.Errorf("%s: chart %s not drawn", name, c.ID)
			continue
		}
		for i, tx := range c.Texts {
			if ratio := contrastOnWhite(tx.Fill, tx.Opacity); ratio < 4.5 {
				t.Errorf("%s: chart %s: text %q in %s is %.2f:1 on white", name, c.ID, tx.Text, tx.Fill, ratio)
			}
			if tx.R[0] < c.Box[0]-1 || tx.R[2] > c.Box[2]+1 || tx.R[1] < c.Box[1]-1 || tx.R[3] > c.Box[3]+1 {
				t.Errorf("%s: chart %s: text %q is clipped (%v outside %v)", name, c.ID, tx.Text, tx.R, c.Box)
			}
			for _, o := range c.Texts[i+1:] {
				w := math.Min(tx.R[2], o.R[2]) - math.Max(tx.R[0], o.R[0])
				h := math.Min(tx.R[3], o.R[3]) - math.Max(tx.R[1], o.R[1])
				if w > 2 && h > 2 {
					t.Errorf("%s: chart %s: %q overlaps %q", name, c.ID, tx.Text, o.Text)
				}
			}
		}
	}
}

var rgb = regexp.MustCompile(`rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)`)

// contrastOnWhite is the WCAG contrast ratio of a colour (blended at its
// opacity) on white.
func contrastOnWhite(fill string, opacity float64) float64 {
	m := rgb.FindStringSubmatch(fill)
	if m == nil {
		return 21 // no colour to read: black
	}
	a := opacity
	if m[4] != "" {
		f, _ := strconv.ParseFloat(m[4], 64)
		a *= f
	}
	lum := 0.0
	for i, k := range []float64{0.2126, 0.7152, 0.0722} {
		c, _ := strconv.ParseFloat(m[i+1], 64)
		c = (c*a + 255*(1-a)) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		lum += k * c
	}
	return 1.05 / (lum + 0.05)
}

// serveBrowser serves the fixture with reviews whose form can be sent at
// once (a person takes longer than the minimum; a browser test should not
// wait for it).
func (f *fixture) serveBrowser(t *testing.T) *httptest.Server {
	t.Helper()
	cfg := reviews.DefaultConfig()
	cfg.Secret = []byte("browser-test-secret-0123456789abcdef")
	cfg.MinFormTime = -1
	svc, err := reviews.New(data.NewReviewStore(f.store), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := dashboard.New(dashboard.Deps{Store: f.store, Councils: f.councils, Reviews: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	// The league comes a page at a time (100 rows); with the fixture's six
	// councils, pages of four show its pagination on every page and
	// journey that shows the league.
	dashboard.SetLeaguePerPage(s, browserLeaguePerPage)
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return hs
}

// TestBrowserAccessibility loads every kind of page, error pages included,
// at both widths: axe finds no violation, nothing is wider than a phone's
// screen, charts are drawn readably; the pages score at least 95 for
// accessibility and content with councildash's own engine; screenshots
// are saved.
func TestBrowserAccessibility(t *testing.T) {
	b := newTab(t)
	f := newFixture(t)
	hs := f.serveBrowser(t)
	first, second, third := f.councils[0], f.councils[1], f.councils[2]
	// status is the page's own answer when it is not 200 (the browser
	// logs it).
	pages := []struct {
		name, path string
		status     int
	}{
		{"home", "/", 0},
		{"home-page-2", "/?page=2", 0},
		{"home-search", "/?q=" + strings.ReplaceAll(strings.ToLower(first.Name), " ", "+"), 0},
		{"council", "/councils/" + first.Code, 0},
		{"council-not-scored", "/councils/N99999999", 0},
		{"findings", "/councils/" + first.Code + "/findings", 0},
		{"findings-broken-links", "/councils/" + first.Code + "/findings?check=tech-broken-links", 0},
		{"compare", "/compare?c=" + first.Code + "&c=" + second.Code + "&c=" + third.Code, 0},
		{"compare-error", "/compare?c=" + first.Code, 400},
		{"checks", "/checks", 0},
		{"check", "/checks/a11y-skip-link", 0},
		{"changes", "/changes", 0},
		{"tasks", "/tasks", 0},
		{"method", "/method", 0},
		{"data", "/data", 0},
		{"api", "/api", 0},
		{"demo", "/demo", 0},
		{"review-form", "/councils/" + first.Code + "/review", 0},
		{"review-form-task", "/councils/" + second.Code + "/review?task=pay-council-tax", 0},
		{"error-not-found", "/no-such-page", 404},
		{"error-no-council", "/councils/NOPE", 404},
		{"error-bad-request", "/councils/" + first.Code + "/findings?sort=newest", 400},
		// Peer sign-in and moderation (security, issue 14): a peer page
		// without a session, a sign-in link's button, the moderators'
		// sign-in.
		{"peer", "/peer", 401},
		{"peer-signin", "/peer/signin?token=not-a-real-token", 0},
		{"moderation-signin", "/moderation", 0},
	}
	// The league table stays usable on the narrowest phones too.
	t.Run("home-320", func(t *testing.T) {
		b.open(t, hs.URL+"/", 320)
		b.shot(t, "home-320", 320)
		b.axeCheck(t, "home-320")
		b.fitsTheScreen(t, "home-320")
		if n := eval[int](t, b, `[...document.querySelectorAll('#league-table thead th')].filter(th => th.checkVisibility()).length`); n > 4 {
			t.Errorf("the league table shows %d columns on a phone", n)
		}
		b.leagueFits(t, 320)
		// Its pagination is there, fits, and leads to the next page.
		b.paginationWorks(t, 320)
	})
	for _, w := range widths {
		for _, p := range pages {
			name := fmt.Sprintf("%s-%d", p.name, w)
			t.Run(name, func(t *testing.T) {
				b.open(t, hs.URL+p.path, w)
				b.cspClean(t, hs.URL+p.path, p.status)
				b.shot(t, name, w) // first: axe's checks may disturb the page
				b.axeCheck(t, name)
				if w < 600 {
					b.fitsTheScreen(t, name)
				}
				b.chartsReadable(t, name)
				if p.name == "home" || p.name == "home-page-2" {
					b.leagueFits(t, w)
				}
				// The method page lists the very patterns the content checks
				// look for ("Tel:", "1st June"): it is not scored.
				if w == 1280 && p.name != "method" {
					html, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
					if err != nil {
						t.Fatal(err)
					}
					checkOwnScore(t, name+" (rendered)", []byte(html))
				}
				// The badge a council embeds, on /data (axe checked it above):
				// it loads, and its image has its text alternative.
				if p.name == "data" {
					if n := eval[int](t, b, `(document.querySelector('.app-badge img[alt]') || {}).naturalWidth || 0`); n != 280 {
						t.Errorf("%s: the badge did not load (natural width %d)", name, n)
					}
				}
				if p.name == "council" || p.name == "tasks" {
					if n := eval[int](t, b, `document.querySelectorAll('.app-chart svg').length`); n == 0 {
						t.Errorf("%s: no chart drawn", name)
					}
				}
				if p.name == "home" { // last: it leaves the page
					b.paginationWorks(t, w)
				}
			})
		}
	}
}

// TestBrowserJourneys walks the three journeys of a resident, a web team
// and a person printing a council's page, at both widths.
func TestBrowserJourneys(t *testing.T) {
	b := newTab(t)
	f := newFixture(t)
	hs := f.serveBrowser(t)
	for _, w := range widths {
		t.Run(fmt.Sprintf("find a council and review it at %d", w), func(t *testing.T) { findAndReview(t, b, hs.URL, f, w) })
		t.Run(fmt.Sprintf("fix first, permalink and download at %d", w), func(t *testing.T) { fixFirstJourney(t, b, hs.URL, f, w) })
		t.Run(fmt.Sprintf("print a council page at %d", w), func(t *testing.T) { printJourney(t, b, hs.URL, f, w) })
	}
}

// findAndReview: type part of a council's name in the league table's
// search, choose it from the type-ahead, open its page, try a task and
// send a review.
func findAndReview(t *testing.T, b *tab, base string, f *fixture, w int64) {
	target := f.councils[2]
	b.open(t, base+"/", w)
	// The type-ahead replaced the plain field.
	if n := eval[int](t, b, `document.querySelectorAll('.app-autocomplete .autocomplete__input#q').length`); n != 1 {
		t.Fatal("the search field has no type-ahead")
	}
	part := strings.Fields(target.Name)[1] // "Testshire 002 Council" -> "002"
	b.do(t, chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), part))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](fmt.Sprintf(`[...document.querySelectorAll('#q__listbox li')].some(li => li.textContent.includes(%q))`, target.Name),
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("typing %q offers no %q: %v", part, target.Name, err)
	}
	b.shot(t, fmt.Sprintf("journey-search-typeahead-%d", w), w)
	eval[bool](t, b, fmt.Sprintf(`(() => { const li = [...document.querySelectorAll('#q__listbox li')].find(li => li.textContent.includes(%q)); li.click(); return true; })()`, target.Name))
	if got := eval[string](t, b, `document.querySelector('#q').value`); got != target.Name {
		t.Fatalf("choosing the council put %q in the field", got)
	}
	b.follow(t, `form.app-filters button[type=submit]`)
	link := fmt.Sprintf(`#league-table a[href="/councils/%s"]`, target.Code)
	if n := eval[int](t, b, `document.querySelectorAll('#league-table tbody tr').length`); n != 1 {
		t.Fatalf("the search finds %d councils, want %s alone", n, target.Name)
	}
	b.follow(t, link)
	if h1 := eval[string](t, b, `document.querySelector('h1').textContent`); h1 != target.Name {
		t.Fatalf("landed on %q", h1)
	}
	b.follow(t, `a.govuk-button--start`)
	// The site link opens a new tab and says so.
	if s := eval[string](t, b, `(() => { const a = document.querySelector('#main-content p a[target=_blank]'); return a ? a.textContent : ''; })()`); !strings.Contains(s, "(opens in new tab)") {
		t.Errorf("the site link says %q", s)
	}
	b.do(t,
		chromedp.SetValue(chromedp.CSS("#task"), "pay-council-tax"),
		chromedp.Click(chromedp.CSS(`label[for="route-nav-easy"]`)),
		chromedp.Click(chromedp.CSS(`label[for="route-atoz-not-tried"]`)),
		chromedp.Click(chromedp.CSS(`label[for="route-search-engine-not-tried"]`)),
		chromedp.Click(chromedp.CSS(`label[for="route-site-search-gave-up"]`)),
		chromedp.Click(chromedp.CSS(`label[for="importance-4"]`)),
		chromedp.Click(chromedp.CSS(`label[for="kind"]`)),
		chromedp.SendKeys(chromedp.CSS("#comment"), fmt.Sprintf("Found it from the menu on a screen %d pixels wide, but not with the search.", w)),
	)
	b.shot(t, fmt.Sprintf("journey-review-form-%d", w), w)
	b.follow(t, "#submit")
	if h := eval[string](t, b, `document.querySelector('.govuk-panel__title').textContent`); h != "Your review is saved" {
		t.Fatalf("after sending: %q", h)
	}
	if loc := eval[string](t, b, `location.pathname`); loc != "/councils/"+target.Code+"/review/thanks" {
		t.Errorf("thanks at %s", loc)
	}
	// Every page of the journey kept to the Content-Security-Policy.
	b.cspClean(t, "", 0)
	b.axeCheck(t, "thanks")
	if w == 1280 {
		html, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		if err != nil {
			t.Fatal(err)
		}
		checkOwnScore(t, "thanks (rendered)", []byte(html))
	}
	b.shot(t, fmt.Sprintf("journey-review-thanks-%d", w), w)
}

// fixFirstJourney: open a council's fix-first list, follow a check's
// permalink, open its findings and download them as CSV: every row is the
// council's, as many as the view says.
func fixFirstJourney(t *testing.T, b *tab, base string, f *fixture, w int64) {
	var co string
	for _, c := range f.councils[:fixtureSites] {
		b.open(t, base+"/councils/"+c.Code, w)
		if eval[int](t, b, `document.querySelectorAll('#fix-first ~ .app-fix-list > section.app-fix').length`) > 0 {
			co = c.Code
			break
		}
	}
	if co == "" {
		t.Fatal("no council has a fix-first list")
	}
	b.shot(t, fmt.Sprintf("journey-fix-first-%d", w), w)
	id := eval[string](t, b, `document.querySelector('section.app-fix').id.replace('fix-', '')`)
	// The item's heading is the check's permalink: it opens the check.
	b.do(t, chromedp.Click(chromedp.CSS(`section.app-fix h3 a`)))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](fmt.Sprintf(`document.getElementById('check-%s').open`, id), chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("following the permalink of %s does not open it: %v", id, err)
	}
	// A permalink from elsewhere (an address ending in #check-ID) opens
	// the check too, once the page has loaded.
	b.open(t, base+"/councils/"+co+"/findings", w)
	b.open(t, base+"/councils/"+co+"#check-"+id, w)
	if !eval[bool](t, b, fmt.Sprintf(`document.getElementById('check-%s').open && document.getElementById('check-%s').getBoundingClientRect().top < innerHeight`, id, id)) {
		t.Errorf("the address #check-%s does not open and show the check", id)
	}
	b.open(t, base+"/councils/"+co, w)
	b.follow(t, `section.app-fix a[href*="/findings?check="]`)
	if loc := eval[string](t, b, `location.pathname + location.search`); loc != "/councils/"+co+"/findings?check="+id {
		t.Errorf("the findings link leads to %s", loc)
	}
	// Every finding of the council, downloaded as CSV from the view.
	b.open(t, base+"/councils/"+co+"/findings", w)
	m := showing.FindStringSubmatch(eval[string](t, b, `document.querySelector('main').textContent`))
	if m == nil {
		t.Fatal("the findings view does not say how many there are")
	}
	want := num(m[3])
	// Named for what it holds: the findings of the council's run (the
	// fixture's latest), its date and id, and the council.
	latest := f.runs[len(f.runs)-1]
	file := filepath.Join(b.dl, fmt.Sprintf("councildash-findings-%s-%s-%s.csv", latest.StartedAt.UTC().Format("2006-01-02"), latest.ID, co))
	_ = os.Remove(file)
	b.do(t, chromedp.Click(chromedp.CSS(`a[href^="/export/findings.csv"]`)))
	var rows [][]string
	deadline := time.Now().Add(20 * time.Second) // a bound on the wait, not a speed test
	for {
		if fh, err := os.Open(file); err == nil {
			rows, err = csv.NewReader(fh).ReadAll()
			fh.Close()
			if err == nil && len(rows) == want+1 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the download of %s has %d rows, want %d and a header", file, len(rows), want)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if rows[0][2] != "council_code" {
		t.Fatalf("download columns %v", rows[0])
	}
	for _, r := range rows[1:] {
		if r[2] != co {
			t.Fatalf("a row of another council: %v", r)
		}
	}
}

// printJourney: a council page printed shows the evidence of every check
// opened out, without JavaScript's help (the print style sheet) and with it
// (details.js opens every details before printing and closes them after).
func printJourney(t *testing.T, b *tab, base string, f *fixture, w int64) {
	b.open(t, base+"/councils/"+f.councils[0].Code, w)
	closed := eval[int](t, b, `document.querySelectorAll('details:not([open]) .app-evidence').length`)
	if closed == 0 {
		t.Fatal("no evidence in a closed check to print")
	}
	if hidden := eval[int](t, b, `[...document.querySelectorAll('details:not([open]) .app-evidence')].filter(e => e.checkVisibility()).length`); hidden != 0 {
		t.Fatalf("%d pieces of evidence of closed checks show on screen", hidden)
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if shown := eval[int](t, b, `[...document.querySelectorAll('details:not([open]) .app-evidence')].filter(e => e.checkVisibility()).length`); shown != closed {
		t.Errorf("print preview shows %d of the %d pieces of evidence in closed checks", shown, closed)
	}
	if n := eval[int](t, b, `[...document.querySelectorAll('.govuk-service-navigation, .app-filters, .app-print')].filter(e => e.checkVisibility()).length`); n != 0 {
		t.Errorf("print preview shows %d controls", n)
	}
	b.shot(t, fmt.Sprintf("journey-print-preview-%d", w), w)
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, b, `window.dispatchEvent(new Event('beforeprint')), document.querySelectorAll('details:not([open])').length`); n != 0 {
		t.Errorf("before printing, %d details stay closed", n)
	}
	if n := eval[int](t, b, `window.dispatchEvent(new Event('afterprint')), document.querySelectorAll('details:not([open]) .app-evidence').length`); n != closed {
		t.Errorf("after printing, %d checks with evidence are closed again, want %d", n, closed)
	}
}

// TestDocsScreenshots takes the README's screenshots (docs/img) from a
// running dashboard, such as `make run` offline (the demo):
//
//	COUNCILDASH_SHOTS_URL=http://localhost:8080 go test ./dashboard -run TestDocsScreenshots
//
// At 375 px: the league table, a council page down to its fix-first list,
// and that council's findings view; at 1280 px the league table and the
// council page. Each page is checked as the browser test checks pages (axe,
// the screen's width). Without the variable it skips.
func TestDocsScreenshots(t *testing.T) {
	base := strings.TrimSuffix(os.Getenv("COUNCILDASH_SHOTS_URL"), "/")
	if base == "" {
		t.Skip("set COUNCILDASH_SHOTS_URL to a running dashboard to take the README's screenshots")
	}
	b := newTab(t)
	out := filepath.Join("..", "docs", "img")
	save := func(name string, png []byte) {
		if err := os.WriteFile(filepath.Join(out, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The council: COUNCILDASH_SHOTS_COUNCIL, else the first of the league
	// with three checks or more to fix first.
	code := os.Getenv("COUNCILDASH_SHOTS_COUNCIL")
	b.open(t, base+"/", 1280)
	if code == "" {
		codes := eval[[]string](t, b, `[...document.querySelectorAll('#league-table tbody th a')].map(a => a.getAttribute('href').split('/').pop())`)
		for _, c := range codes {
			b.open(t, base+"/councils/"+c, 1280)
			if eval[int](t, b, `document.querySelectorAll('section.app-fix').length`) >= 3 {
				code = c
				break
			}
		}
		if code == "" {
			t.Fatal("no council has three checks to fix first")
		}
	}
	for _, w := range widths {
		b.open(t, base+"/", w)
		b.axeCheck(t, fmt.Sprintf("league table at %d", w))
		b.fitsTheScreen(t, "league table")
		b.leagueFits(t, w)
		save(fmt.Sprintf("league-table-%d.png", w), b.capture(t, w, 2400))

		b.open(t, base+"/councils/"+code, w)
		b.axeCheck(t, fmt.Sprintf("council page at %d", w))
		b.fitsTheScreen(t, "council page")
		bottom := eval[int64](t, b, `Math.ceil(document.querySelector('.app-fix-list').getBoundingClientRect().bottom + scrollY) + 20`)
		save(fmt.Sprintf("council-fix-first-%d.png", w), b.capture(t, w, bottom))

		b.open(t, base+"/councils/"+code+"/findings", w)
		b.axeCheck(t, fmt.Sprintf("findings view at %d", w))
		b.fitsTheScreen(t, "findings view")
		save(fmt.Sprintf("findings-%d.png", w), b.capture(t, w, 2400))
	}
}
