package demoweb

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/csv"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/councildash/councildash/crawler"
)

// registerFromShared reads the register beside the shared pages.
func registerFromShared(t *testing.T, pagesDir string) []RealCouncil {
	t.Helper()
	f, err := os.Open(filepath.Join(pagesDir, "..", "councils.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var out []RealCouncil
	for _, r := range recs[1:] {
		out = append(out, RealCouncil{Code: r[col["code"]], Name: r[col["name"]], HomeURL: r[col["homepage_url"]]})
	}
	return out
}

// tlsClient reaches the web over plain HTTP and, for :443, over its TLS
// listener, trusting only the test certificate; it does not follow
// redirects.
func tlsClient(t *testing.T, w *Web) *http.Client {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "demo"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true, DNSNames: w.Hosts()}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	addr, err := w.ServeTLS(tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf})
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			to := w.Resolve["*"]
			if strings.HasSuffix(a, ":443") {
				to = addr
			}
			return (&net.Dialer{}).DialContext(ctx, network, to)
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestRealSites: the demo's councils at their register addresses, their
// saved pages byte for byte at their original addresses and unmarked, the
// generated pages marked, each site on its real scheme, and robots.txt
// keeping crawlers to the saved pages and the filler the site checks need.
func TestRealSites(t *testing.T) {
	dir := requireSharedPages(t)
	reg := registerFromShared(t, dir)
	w, err := NewWeb(Options{PagesPerSite: 20, Seed: 1, SharedDir: dir, Real: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	saved, err := LoadSavedPages(dir)
	if err != nil || len(saved) < 150 {
		t.Fatalf("%d saved pages (%v)", len(saved), err)
	}
	if len(w.Sites) < 150 {
		t.Fatalf("only %d sites", len(w.Sites))
	}
	homeOf := map[string]string{}
	for _, c := range reg {
		homeOf[c.Code] = c.HomeURL
	}
	c := tlsClient(t, w)
	do := func(u string) (*http.Response, []byte) {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp, b.Bytes()
	}
	checked, upgraded := 0, 0
	for i, s := range w.Sites {
		if s.HomeURL != homeOf[s.Council] {
			t.Fatalf("%s is at %s, not its register address %s", s.Council, s.HomeURL, homeOf[s.Council])
		}
		// A register address of http:// is served over https when a saved
		// page of the same host (or its www twin) was captured over https,
		// and only then.
		home, _ := url.Parse(s.HomeURL)
		resp, _ := do(s.HomeURL)
		evidence := home.Scheme == "http" && servedHTTPS(w.SavedPages(s.HomeURL), strings.ToLower(home.Hostname()))
		if evidence {
			loc, err := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusMovedPermanently || err != nil || loc.Scheme != "https" || !strings.EqualFold(loc.Host, home.Host) {
				t.Errorf("%s: a saved page of its host was captured over https, but the home page answers %d to %q", s.HomeURL, resp.StatusCode, resp.Header.Get("Location"))
				continue
			}
			upgraded++
			home = loc
			resp, _ = do(loc.String())
		}
		if i%10 != 0 { // a sample of the sites, every one of their saved pages
			continue
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: home %d", home, resp.StatusCode)
		}
		other := *home
		other.Scheme = map[string]string{"http": "https", "https": "http"}[home.Scheme]
		if home.Scheme == "https" && !evidence {
			resp, _ = do(other.String())
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != s.HomeURL {
				t.Errorf("%s: http:// answers %d to %q, want a redirect to https", s.HomeURL, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		for _, sp := range w.SavedPages(s.HomeURL) {
			want, err := os.ReadFile(sp.File)
			if err != nil {
				t.Fatal(err)
			}
			resp, body := do(sp.URL)
			isHome := strings.TrimSuffix(sp.URL, "/") == strings.TrimSuffix(s.HomeURL, "/") || (strings.EqualFold(strings.TrimPrefix(strings.TrimPrefix(sp.URL, "http://"), "https://"), strings.TrimPrefix(strings.TrimPrefix(s.HomeURL, "http://"), "https://")))
			if isHome && resp.StatusCode == http.StatusMovedPermanently {
				continue // a saved home page is served at the register's scheme
			}
			if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) || resp.Header.Get(FillerHeader) != "" {
				t.Errorf("%s: %d, %d bytes (want %d), filler mark %q", sp.URL, resp.StatusCode, len(body), len(want), resp.Header.Get(FillerHeader))
			}
			checked++
			// robots.txt of the page's host lets crawlers reach it, and not
			// a page that was not saved.
			u, _ := url.Parse(sp.URL)
			_, rb := do(u.Scheme + "://" + u.Host + "/robots.txt")
			allows := func(p string) bool { return crawler.RobotsAllows(http.StatusOK, rb, p) }
			if !allows(requestKey(u)) || allows("/not-saved-here") || allows("/not-saved-here/") {
				t.Errorf("%s: robots.txt does not keep crawlers to the saved pages:\n%s", sp.URL, rb)
			}
		}
		robotsURL := *home
		robotsURL.Path, robotsURL.RawQuery = "/robots.txt", ""
		_, rb := do(robotsURL.String())
		rules, err := robotstxt.FromBytes(rb)
		if err != nil || len(rules.Sitemaps) == 0 {
			t.Fatalf("%s: %v, no sitemap in\n%s", robotsURL.String(), err, rb)
		}
		for _, p := range []string{PathAccessibility, PathAToZ, rules.Sitemaps[0], robotsURL.String()} {
			u, _ := url.Parse(p)
			if !u.IsAbs() {
				u = home.ResolveReference(&url.URL{Path: p})
			}
			resp, _ := do(u.String())
			if resp.StatusCode != http.StatusOK || resp.Header.Get(FillerHeader) == "" {
				t.Errorf("%s: %d, filler mark %q", u.String(), resp.StatusCode, resp.Header.Get(FillerHeader))
			}
			if !crawler.RobotsAllows(http.StatusOK, rb, u.EscapedPath()) {
				t.Errorf("%s: robots.txt keeps crawlers from it", u.String())
			}
		}
		// The filler's paths only: a real page's links to pages that were
		// not saved stay unchecked instead of answering 404 as broken.
		for p, want := range map[string]bool{"/page/1": true, "/search?q=council+tax": true, "/sitemap.xml": true,
			"/sitemap": false, "/sitemap/": false, "/page/report-it": false, "/search/": false, "/search-for-planning": false,
			"/council/": false} {
			if got := crawler.RobotsAllows(http.StatusOK, rb, p); got != want {
				t.Errorf("%s: robots.txt allows %s: %v, want %v\n%s", s.HomeURL, p, got, want, rb)
			}
		}
	}
	if checked < 15 {
		t.Errorf("only %d saved pages checked", checked)
	}
	if upgraded == 0 {
		t.Error("no site listed at http:// was served over https on the evidence of its saved pages")
	}
}

func TestLoadSavedPagesReadsNotes(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"x/a.html", "x/b.html"} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f)), []byte("<p>x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	manifest := "file,council_code,original_url\npages/x/a.html,X1,http://www.x.gov.uk/ (inferred; not recorded)\n" +
		"pages/x/b.html,X1,not a url\npages/x/missing.html,X1,https://www.x.gov.uk/gone\n"
	if err := os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSavedPages(dir)
	if err != nil || len(got) != 1 || got[0].URL != "http://www.x.gov.uk/" || got[0].Council != "X1" {
		t.Fatalf("%+v (%v)", got, err)
	}
}
