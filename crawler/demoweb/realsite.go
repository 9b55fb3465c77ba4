package demoweb

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
	f, err := os.Open(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []SavedPage
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		// The address may carry a note after it ("(inferred; ...)").
		raw, _, _ := strings.Cut(get(rec, "original_url"), " ")
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			continue
		}
		if u.Path == "" {
			u.Path = "/"
		}
		u.Fragment = ""
		file := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(get(rec, "file"), "pages/")))
		if _, err := os.Stat(file); err != nil {
			continue
		}
		out = append(out, SavedPage{Council: get(rec, "council_code"), URL: u.String(), File: file})
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
		b.WriteString("Allow: /page/\nAllow: /search\nAllow: /sitemap\n")
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
			s = &siteOf{g: &genSite{idx: len(sites), pages: opts.PagesPerSite, seed: opts.Seed, gz: gz, host: host, scheme: hu.Scheme,
				real: true, slug: strings.TrimPrefix(host, "www."), council: c.Code, name: c.Name}}
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
