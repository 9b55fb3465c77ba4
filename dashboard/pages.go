package dashboard

import (
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
)

// Each page has a file (page_*.go): its view-model type, a pure builder
// that makes the view model from the read model and the request's
// parameters (tested without ClickHouse), and the gin handler that wires
// the two to the renderer. This file holds what they share.

// site is what every page builder reads besides the model: the register,
// the catalogue and what is switched on.
type site struct {
	cat        catalogue
	councils   []data.Council // by name
	byCode     map[string]data.Council
	method     string // version of the method in force
	reviewsOn  bool
	reviewForm bool           // the review pages are served
	options    councilOptions // the compare page's selects, rendered once
	index      *registerIndex // the register's filters and search words (page_scale.go)
	perPage    int            // league rows a page (0: leaguePerPage)
	baseURL    string         // the dashboard's public address (badge HTML)
	// minTaskSample is how many reviews a task needs before its score is
	// shown (the league's minimum; 0 when reviews are off).
	minTaskSample int
}

func (s *Server) site() site {
	st := site{cat: s.cat, councils: s.councils, byCode: s.byCode, method: s.method,
		reviewsOn: s.reviews != nil, reviewForm: s.pages != nil, options: s.options, index: s.index, perPage: s.perPage, baseURL: s.baseURL}
	if s.reviews != nil {
		st.minTaskSample = s.reviews.Config().MinTaskSample
	}
	return st
}

// Option is a select option.
type Option struct {
	Value    string
	Label    string
	Selected bool
}

// options lists the distinct non-empty values, sorted, marking selected.
func options(vals []string, selected string) []Option {
	seen := map[string]bool{}
	var out []Option
	for _, v := range vals {
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, Option{Value: v, Label: v, Selected: strings.EqualFold(v, selected)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// renderPage builds a page's view model and renders it within one of the
// few render slots (one fewer than the cores, at least one: a crowd of cold
// pages queues here, and a core is left to the pages served from the
// cache), then sends it outside the slot. A client that went away while
// waiting gets nothing.
func (s *Server) renderPage(c *gin.Context, status int, page, title string, build func() any) {
	select {
	case s.renders <- struct{}{}:
	case <-c.Request.Context().Done():
		c.Abort()
		return
	}
	body := s.render.Execute(c, page, title, build())
	<-s.renders
	if status == http.StatusOK && body != nil {
		c.Set(bodyKey, body) // for the page cache, without copying it
	}
	s.render.Write(c, status, body)
}

// bodyKey names a rendered page's body in the request's gin context.
const bodyKey = "councildash.body"

func isHTTP(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}
