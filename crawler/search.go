package crawler

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/councildash/councildash/crawler/archive"
)

// The site search: the home page's GET search form, submitted once per
// configured query.

// runSearch submits the home page's GET search form for each query.
func (s *siteRun) runSearch() {
	var form *htmlForm
	for i := range s.homeForms {
		f := &s.homeForms[i]
		if f.Method != http.MethodGet || !f.HasSearch {
			continue
		}
		if au, err := url.Parse(f.Action); err == nil && s.internalURL(au) {
			form = f
			break
		}
	}
	if form == nil || len(s.cfg.SearchQueries) == 0 {
		return
	}
	s.report.SearchFormAction = form.Action
	s.report.SearchResults = make(map[string][]string, len(s.cfg.SearchQueries))
	searchInput := ""
	for _, in := range form.Inputs {
		if in.Name != "" && (in.Type == "search" || (in.Type == "text" && searchInputNames[strings.ToLower(in.Name)])) {
			searchInput = in.Name
			break
		}
	}
	if searchInput == "" {
		return
	}
	for _, q := range s.cfg.SearchQueries {
		if s.ctx.Err() != nil {
			return
		}
		au, err := url.Parse(form.Action)
		if err != nil {
			return
		}
		vals := url.Values{}
		for _, in := range form.Inputs {
			switch {
			case in.Name == searchInput:
				vals.Set(in.Name, q)
			case in.Type == "hidden" && in.Name != "":
				vals.Set(in.Name, in.Value)
			}
		}
		au.RawQuery = vals.Encode()
		au.Fragment = ""
		if !s.allowed(au) {
			continue
		}
		var body []byte
		st, status, final, err := s.get(http.MethodGet, au.String(), archive.PurposeSearch, s.cfg.MaxBody, func(r io.Reader) error {
			var rerr error
			body, rerr = io.ReadAll(r)
			return rerr
		})
		if errors.Is(err, ErrNotCaptured) {
			continue // an archive without this search: nothing known
		}
		results := []string{}
		if err == nil && status < 400 && st != nil {
			_, _, _, ct, _ := st.snapshot()
			if base, perr := url.Parse(final); perr == nil && isHTMLType(ct) && !looksBinary(body) {
				results = s.searchResults(extractPage(decodeHTML(body, ct), base, 5000), au)
			}
		}
		s.report.SearchResults[q] = results
	}
}

func (s *siteRun) searchResults(info pageInfo, searchURL *url.URL) []string {
	inRegion := false
	for _, l := range info.Links {
		if l.InRegion {
			inRegion = true
			break
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range info.Links {
		if len(out) >= 10 {
			break
		}
		u, err := url.Parse(l.URL)
		if err != nil || !s.internalURL(u) || u.Path == searchURL.Path {
			continue
		}
		key := urlKey(u)
		if seen[key] || (inRegion && !l.InRegion) || (!inRegion && s.homeLinks[key]) {
			continue
		}
		if p := u.Path; p == "" || p == "/" {
			continue
		}
		seen[key] = true
		out = append(out, l.URL)
	}
	return out
}
