package dashboard

import (
	"sort"
	"strings"

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
	reviewForm bool // the review pages are served
}

func (s *Server) site() site {
	return site{cat: s.cat, councils: s.councils, byCode: s.byCode, method: s.method,
		reviewsOn: s.reviews != nil, reviewForm: s.pages != nil}
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

func isHTTP(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}
