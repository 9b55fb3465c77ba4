package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

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

// TestBrowserAccessibility loads the dashboard's pages in headless
// Chromium, runs axe-core on each (any violation fails), scores the
// rendered page with councildash's own engine (accessibility and content
// at least 95) and saves screenshots in testdata/screenshots. Every page
// is served with the strict Content-Security-Policy: any violation the
// browser reports (in its console, or as a securitypolicyviolation event)
// fails, and so does any script error; the charts must still draw.
func TestBrowserAccessibility(t *testing.T) {
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
	f := newFixture(t)
	_, hs := f.serve(t, true)
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
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium does not start: %v", err)
		}
		t.Skipf("chromium does not start: %v", err)
	}
	// What the browser says about the pages: CSP violations and script
	// errors in its console, and every securitypolicyviolation event (a
	// script the browser runs before each page's own, so CSP allows it).
	var consoleMu sync.Mutex
	var console []string
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
			consoleMu.Lock()
			console = append(console, msg)
			consoleMu.Unlock()
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
	takeConsole := func() []string {
		consoleMu.Lock()
		defer consoleMu.Unlock()
		out := console
		console = nil
		return out
	}

	first, second, third := f.councils[0], f.councils[1], f.councils[2]
	// status is the page's own answer when it is not 200 (the browser
	// logs it); noScore skips our own content score (the method page
	// quotes the rules it scores, digits and all).
	pages := []struct {
		name, path string
		status     int
		noScore    bool
	}{
		{"home", "/", 0, false},
		{"council", "/councils/" + first.Code, 0, false},
		{"compare", "/compare?c=" + first.Code + "&c=" + second.Code + "&c=" + third.Code, 0, false},
		{"compare-error", "/compare?c=" + first.Code, 400, false},
		{"tasks", "/tasks", 0, false},
		{"check", "/checks/a11y-skip-link", 0, false},
		{"data", "/data", 0, false},
		{"api", "/api", 0, false},
		{"review-form", "/councils/" + first.Code + "/review", 0, false},
		{"review-form-task", "/councils/" + second.Code + "/review?task=pay-council-tax", 0, false},
		{"checks", "/checks", 0, false},
		{"method", "/method", 0, true},
		{"review-thanks", "/councils/" + first.Code + "/review/thanks?task=pay-council-tax", 0, false},
		{"peer", "/peer", 401, false},
		{"peer-signin", "/peer/signin?token=not-a-real-token", 0, false},
		{"moderation-signin", "/moderation", 0, false},
		{"not-found", "/councils/NO-SUCH-COUNCIL", 404, false},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var res axeResult
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(1280, 900),
				chromedp.Navigate(hs.URL+p.path),
				chromedp.WaitReady(chromedp.CSS("body")),
				// Charts draw after the deferred scripts; give them a moment.
				chromedp.Sleep(500*time.Millisecond),
			)
			if err != nil {
				t.Fatal(err)
			}
			// No CSP violation and no script error, before axe runs its
			// own script.
			csp, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || ['the CSP watch did not run']`))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range csp {
				t.Errorf("CSP violation: %s", v)
			}
			for _, m := range takeConsole() {
				if p.status != 0 && strings.Contains(m, fmt.Sprintf("status of %d", p.status)) && strings.HasSuffix(m, hs.URL+p.path) {
					continue // the page's own answer
				}
				t.Errorf("%s", m)
			}
			// The screenshot first: axe's checks may disturb the page.
			start := time.Now()
			png, err := fullPage(ctx, 1280)
			if err != nil {
				t.Fatal(err)
			}
			shotTime := time.Since(start)
			start = time.Now()
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](string(axe))); err != nil {
				t.Fatal(err)
			}
			raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ['violations', 'passes']}).then(r => JSON.stringify(r))`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %s, axe %s", shotTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
			html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(raw), &res); err != nil {
				t.Fatal(err)
			}
			if len(res.Passes) == 0 {
				t.Error("axe reports no passing rule: did it run?")
			}
			for _, v := range res.Violations {
				var nodes []string
				for _, n := range v.Nodes {
					nodes = append(nodes, fmt.Sprintf("%v %s", n.Target, n.HTML))
				}
				t.Errorf("axe %s (%s): %s\n    %s", v.ID, v.Impact, v.Help, strings.Join(nodes, "\n    "))
			}
			if err := os.WriteFile(filepath.Join(shots, p.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
			if !p.noScore {
				checkOwnScore(t, p.name+" (rendered)", []byte(html))
			}
			// The badge a council embeds, on /data (axe checked it above):
			// it loads, and its image has its text alternative.
			if p.name == "data" {
				w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(document.querySelector('.app-badge img[alt]') || {}).naturalWidth || 0`))
				if err != nil {
					t.Fatal(err)
				}
				if w != 280 {
					t.Errorf("the badge on /data did not load (natural width %d)", w)
				}
			}
			// Charts are drawn by echarts on pages that have them.
			if p.name == "council" || p.name == "tasks" {
				drawn, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.app-chart svg').length`))
				if err != nil {
					t.Fatal(err)
				}
				if drawn == 0 {
					t.Errorf("%s: no chart drawn", p.name)
				}
			}
		})
	}
	// Phone-sized screenshots of the two busiest pages.
	for _, p := range pages[:2] {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
			chromedp.Navigate(hs.URL+p.path), chromedp.WaitReady(chromedp.CSS("body")), chromedp.Sleep(500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		png, err := fullPage(ctx, 390)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, p.name+"-mobile.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fullPage screenshots the whole page by growing the viewport to the
// page's height (Chrome's capture beyond the viewport draws SVG charts
// below the fold squashed).
func fullPage(ctx context.Context, width int64) ([]byte, error) {
	h, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollHeight`))
	if err != nil {
		return nil, err
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, min(h, 16000)), chromedp.Sleep(200*time.Millisecond)); err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}
