package demoweb

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/councildash/councildash/crawler"
)

// Real sites: the offline demo's councils, rebuilt from their saved pages
// (../shared/data/pages) so that the checks see what they would have seen:
//
//   - each site lives at its council's home page address from the
//     register: its scheme (http or https) and host are the real ones, and
//     an https site's http:// addresses redirect to https://;
//   - each saved page is served, byte for byte, at its original address
//     (scheme, host, path and query; the other scheme redirects there),
//     without the filler mark, and a saved page whose address is the home
//     page's is the home page;
//   - the rest is generated filler, marked with FillerHeader, and exists
//     only for the site-level checks: robots.txt, the XML sitemap, the home
//     page (when none was saved), the accessibility statement, the A to Z,
//     the site's search and the pages about top tasks it finds;
//   - robots.txt lets crawlers reach the saved pages and that filler, and
//     nothing else: links in the saved pages to pages that were not saved
//     are neither fetched nor checked (they would only ever answer "not
//     found" here), and the probe of a made-up address is not made.
//
// The scoring pipeline of a demo crawl leaves filler pages out of every
// page-level statistic (see cmd/councildash/pipeline.go), so a demo site's
// page-level scores and findings come from its saved pages alone; its
// site-level results are simulated.

// FillerHeader marks a response of the demo web that is generated, not a
// saved council page.
const FillerHeader = "X-Councildash-Demo-Filler"

// SavedPage is one saved council page and where it was published.
type SavedPage struct {
	Council string // council code
	URL     string // original address
	File    string // absolute path of the saved HTML
}

// RealCouncil is a council of the register the demo web may rebuild.
type RealCouncil struct {
	Code, Name string
	HomeURL    string // from the register: the site's scheme and host
}

// LoadSavedPages lists every saved page of manifest.csv in dir whose file
// exists and whose original address is an http(s) URL, in manifest order.
func LoadSavedPages(dir string) ([]SavedPage, error) {
	rows, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	var out []SavedPage
	for _, get := range rows {
		// The address may carry a note after it ("(inferred; ...)").
		raw, _, _ := strings.Cut(get("original_url"), " ")
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			continue
		}
		if u.Path == "" {
			u.Path = "/"
		}
		u.Fragment = ""
		file := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(get("file"), "pages/")))
		if _, err := os.Stat(file); err != nil {
			continue
		}
		out = append(out, SavedPage{Council: get("council_code"), URL: u.String(), File: file})
	}
	return out, nil
}

// realHost serves one host of the real web: the saved pages published on
// it, and, when it is a site's home host (or its www/bare twin), the site.
type realHost struct {
	host  string
	saved map[string]SavedPage // by path and query
	site  *genSite             // the site whose home host this is, or nil
	twin  *genSite             // the site whose twin host this is, or nil
}

func requestKey(u *url.URL) string {
	k := u.EscapedPath()
	if k == "" {
		k = "/"
	}
	if u.RawQuery != "" {
		k += "?" + u.RawQuery
	}
	return k
}

func (h *realHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	key := requestKey(r.URL)
	if r.URL.Path == "/robots.txt" {
		h.robots(w)
		return
	}
	if sp, ok := h.saved[key]; ok {
		home := h.site != nil && (key == "/" || key == h.site.homePath)
		want := savedScheme(sp)
		if home {
			want = h.site.scheme // the register's scheme wins for the home page
		}
		if scheme != want {
			u, _ := url.Parse(sp.URL)
			u.Scheme = want
			http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
			return
		}
		body, err := os.ReadFile(sp.File)
		if err != nil {
			http.Error(w, "saved page unreadable", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
		return
	}
	switch {
	case h.site != nil:
		if h.site.scheme == "https" && scheme == "http" {
			http.Redirect(w, r, "https://"+h.host+r.URL.RequestURI(), http.StatusMovedPermanently)
			return
		}
		h.site.ServeHTTP(w, r)
	case h.twin != nil:
		http.Redirect(w, r, h.twin.origin()+r.URL.RequestURI(), http.StatusMovedPermanently)
	default:
		w.Header().Set(FillerHeader, "generated")
		http.NotFound(w, r)
	}
}

func savedScheme(sp SavedPage) string {
	if u, err := url.Parse(sp.URL); err == nil {
		return u.Scheme
	}
	return "http"
}

// robots serves the host's robots.txt: the home host's site's, else one
// that allows the host's saved pages only.
func (h *realHost) robots(w http.ResponseWriter) {
	if h.site != nil {
		h.site.robots(w)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set(FillerHeader, "generated")
	fmt.Fprint(w, h.rules(nil))
}

// rules writes the robots.txt rules of a host: Allow its saved pages (and
// the site's filler paths), Disallow the rest.
func (h *realHost) rules(site *genSite) string {
	var b strings.Builder
	b.WriteString("# councildash demo web: only the saved pages of this site and the pages\n# the site-level checks need are here.\nUser-agent: *\n")
	keys := make([]string, 0, len(h.saved))
	for k := range h.saved {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "Allow: %s$\n", robotsPath(k))
	}
	if site != nil {
		b.WriteString("Allow: /$\n")
		if site.homePath != "" {
			fmt.Fprintf(&b, "Allow: %s$\n", robotsPath(site.homePath))
		}
		for _, f := range fixedPages[1:] {
			fmt.Fprintf(&b, "Allow: %s$\n", f.path)
		}
		// Only the filler's own paths: a real page's link to, say, its
		// /sitemap, /page/report-it or /search-for-planning page is not in the demo web,
		// so it is left unchecked rather than reported broken.
		for n := 1; n <= site.inner(); n++ {
			fmt.Fprintf(&b, "Allow: /page/%d$\n", n)
		}
		b.WriteString("Allow: /search$\nAllow: /search?\nAllow: /sitemap.xml\nAllow: /sitemaps/\n")
	}
	b.WriteString("Disallow: /\n\n")
	return b.String()
}

// robotsPath escapes what robots.txt matching treats specially.
func robotsPath(k string) string {
	return strings.NewReplacer("*", "%2A", "$", "%24", "\n", "", "\r", "").Replace(k)
}

// realRobots is the robots.txt of a real site's home host.
func (g *genSite) realRobots(host string) string {
	if g.hostOf == nil {
		return "User-agent: *\nDisallow: /\n\n"
	}
	return g.hostOf(host).rules(g)
}

// addRealSites builds the real sites of the councils that have saved pages
// (theirs, or on their home host: councils sharing a website share it),
// one virtual host per host, and lists them in w.Sites.
func (w *Web) addRealSites(opts Options, gz *gzipPool) error {
	pages, err := LoadSavedPages(opts.SharedDir)
	if err != nil {
		return fmt.Errorf("demoweb: loading saved pages: %w", err)
	}
	hosts := map[string]*realHost{}
	hostOf := func(h string) *realHost {
		h = strings.ToLower(h)
		rh := hosts[h]
		if rh == nil {
			rh = &realHost{host: h, saved: map[string]SavedPage{}}
			hosts[h] = rh
		}
		return rh
	}
	now := time.Now().UTC()
	byCouncil := map[string][]SavedPage{}
	for _, p := range pages {
		u, _ := url.Parse(p.URL)
		rh := hostOf(u.Hostname())
		if _, dup := rh.saved[requestKey(u)]; !dup {
			rh.saved[requestKey(u)] = p
			byCouncil[p.Council] = append(byCouncil[p.Council], p)
		}
	}
	type siteOf struct {
		g     *genSite
		pages []SavedPage
	}
	sites := map[string]*siteOf{} // by home host
	for _, c := range opts.Real {
		hu, err := url.Parse(strings.TrimSpace(c.HomeURL))
		if err != nil || (hu.Scheme != "http" && hu.Scheme != "https") || hu.Hostname() == "" {
			continue
		}
		host := strings.ToLower(hu.Hostname())
		s := sites[host]
		if s == nil {
			pages := max(opts.PagesPerSite, len(fixedPages)+len(opts.Tasks)+4)
			s = &siteOf{g: &genSite{idx: len(sites), pages: pages, seed: opts.Seed, gz: gz, host: host, scheme: hu.Scheme,
				real: true, slug: strings.TrimPrefix(host, "www."), council: c.Code, name: c.Name, tasks: opts.Tasks, vary: opts.Vary, now: now}}
			s.g.hostOf = func(h string) *realHost { return hostOf(h) }
			if k := requestKey(hu); k != "/" {
				s.g.homePath = k
			}
			sites[host] = s
		}
		s.pages = append(s.pages, byCouncil[c.Code]...)
	}
	// A site's saved pages: its councils' and those published on its host.
	var order []string
	for host, s := range sites {
		for _, p := range hostOf(host).saved {
			s.pages = append(s.pages, p)
		}
		seen := map[string]bool{}
		for _, p := range s.pages {
			if !seen[p.URL] {
				seen[p.URL] = true
				s.g.saved = append(s.g.saved, p)
			}
		}
		sort.SliceStable(s.g.saved, func(i, j int) bool { return s.g.saved[i].URL < s.g.saved[j].URL })
		if len(s.g.saved) > 0 {
			order = append(order, host)
		}
	}
	sort.Strings(order)
	live := map[string]bool{}
	for i, host := range order {
		s := sites[host]
		s.g.idx = i
		// A register address of http:// may be out of date: when a saved
		// page of the site's own host (or its www twin) was captured over
		// https, the site served https then, and its home page is served
		// over https here too (http:// redirects there), so the demo does
		// not claim "not served over HTTPS" against its own evidence.
		if s.g.scheme == "http" && servedHTTPS(s.g.saved, host) {
			s.g.scheme = "https"
		}
		live[host] = true
		rh := hostOf(host)
		rh.site = s.g
		if twin := twinHost(host); hosts[twin] == nil || hosts[twin].site == nil {
			hostOf(twin).twin = s.g
		}
	}
	for h, rh := range hosts {
		w.hosts[h] = rh
	}
	w.realSites = map[string]*genSite{}
	for _, host := range order {
		w.realSites[host] = sites[host].g
	}
	// One crawl site per council whose home host is live.
	for _, c := range opts.Real {
		hu, err := url.Parse(strings.TrimSpace(c.HomeURL))
		if err != nil || !live[strings.ToLower(hu.Hostname())] {
			continue
		}
		s := sites[strings.ToLower(hu.Hostname())]
		extra := map[string]bool{}
		for _, p := range s.g.saved {
			if u, err := url.Parse(p.URL); err == nil && !strings.EqualFold(u.Hostname(), s.g.host) {
				extra[strings.ToLower(u.Hostname())] = true
			}
		}
		site := crawler.Site{Council: c.Code, Name: c.Name, HomeURL: c.HomeURL}
		for h := range extra {
			site.ExtraHosts = append(site.ExtraHosts, h)
		}
		sort.Strings(site.ExtraHosts)
		w.Sites = append(w.Sites, site)
	}
	return nil
}

// servedHTTPS says whether a saved page published on host, or on its www
// twin, was captured over https.
func servedHTTPS(saved []SavedPage, host string) bool {
	twin := twinHost(host)
	for _, p := range saved {
		u, err := url.Parse(p.URL)
		if err != nil || u.Scheme != "https" {
			continue
		}
		if h := strings.ToLower(u.Hostname()); h == host || h == twin {
			return true
		}
	}
	return false
}

// twinHost is a host's www twin, or the bare host of a www host.
func twinHost(h string) string {
	if t, ok := strings.CutPrefix(h, "www."); ok {
		return t
	}
	return "www." + h
}

// Hosts lists every host the web serves (for a TLS certificate).
func (w *Web) Hosts() []string {
	out := make([]string, 0, len(w.hosts))
	for h := range w.hosts {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// HomeScheme returns the scheme the real site whose home page is homeURL
// serves its home page over: the register's, or https when the register
// says http but a saved page of the site's host was captured over https.
// It is "" for a site the web does not hold.
func (w *Web) HomeScheme(homeURL string) string {
	u, err := url.Parse(homeURL)
	if err != nil {
		return ""
	}
	if g := w.realSites[strings.ToLower(u.Hostname())]; g != nil {
		return g.scheme
	}
	return ""
}

// SavedPages returns the saved pages of the real site whose home page is
// homeURL (its councils' and those published on its home host).
func (w *Web) SavedPages(homeURL string) []SavedPage {
	u, err := url.Parse(homeURL)
	if err != nil {
		return nil
	}
	if g := w.realSites[strings.ToLower(u.Hostname())]; g != nil {
		return append([]SavedPage(nil), g.saved...)
	}
	return nil
}

// TaskPage is a top task a real site's generated pages cover, so that the
// site-level findability checks find it: its name, and the words its
// search answers to.
type TaskPage struct {
	Name  string
	Words []string
}

// answers reports whether a search for q finds the task's page.
func (t TaskPage) answers(q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return false
	}
	for _, w := range t.Words {
		if strings.EqualFold(w, q) {
			return true
		}
	}
	return strings.Contains(strings.ToLower(t.Name), q)
}

// dropped reports whether inner page n, a top task's page, is left off
// the home page and the A to Z of a site varied for a simulated run (about
// one task in four, on about half of the sites, changing with the seed).
func (g *genSite) dropped(n int) bool {
	if !g.vary || n < 1 || n > len(g.tasks) {
		return false
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s|%d|%d", g.host, g.seed, n)
	v := h.Sum32()
	return g.varied() && v%4 == 0
}

// varied reports whether a site differs in a simulated run.
func (g *genSite) varied() bool {
	if !g.vary {
		return false
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s|%d", g.host, g.seed)
	return h.Sum32()%2 == 0
}

// statement writes a real site's generated accessibility statement: the
// model statement's parts (how compliant, how to report a problem, the
// enforcement procedure, when it was reviewed), some left out or out of
// date on a site varied for a simulated run.
func (g *genSite) statement(b *bytes.Buffer) {
	reviewed := g.now.AddDate(0, -2, 0)
	enforcement := true
	if g.varied() {
		reviewed = g.now.AddDate(-2, 0, 0)
		enforcement = g.idx%2 == 0
	}
	fmt.Fprintf(b, "<p>%s is committed to making its website accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.</p>\n", html.EscapeString(g.name))
	b.WriteString("<h2>Compliance status</h2>\n<p>This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to the non-compliances listed below.</p>\n")
	fmt.Fprintf(b, "<h2>Reporting accessibility problems</h2>\n<p>If you find a problem that is not listed on this page, email accessibility@%s or call 01234 567890.</p>\n", html.EscapeString(strings.TrimPrefix(g.host, "www.")))
	if enforcement {
		b.WriteString("<h2>Enforcement procedure</h2>\n<p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing the accessibility regulations. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).</p>\n")
	}
	fmt.Fprintf(b, "<h2>Preparation of this statement</h2>\n<p>This statement was prepared on %s. It was last reviewed on %s.</p>\n",
		reviewed.AddDate(-1, 0, 0).Format("2 January 2006"), reviewed.Format("2 January 2006"))
}

// topicsBesideTasks are the topics of generated pages whose titles are not
// a top task's (so no two pages of a real site share a title).
func (g *genSite) topicsBesideTasks() []string {
	var out []string
	for _, t := range topics {
		clash := false
		for _, tk := range g.tasks {
			clash = clash || strings.EqualFold(t, tk.Name)
		}
		if !clash {
			out = append(out, t)
		}
	}
	return out
}
