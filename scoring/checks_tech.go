package scoring

import (
	"strconv"
	"strings"
	"time"
)

func chkStatus(e *Engine, p *page, em *emitter) {
	in := p.in
	switch {
	case in.ErrorClass != "":
		em.add(SevError, nil, in.ErrorClass, []string{in.ErrorClass}, "The page could not be fetched ("+in.ErrorClass+")")
	case in.Status >= 400:
		em.add(SevError, nil, strconv.Itoa(in.Status), []string{strconv.Itoa(in.Status)}, "The page answers with an error: HTTP "+strconv.Itoa(in.Status))
	}
	if in.RedirectHops > e.m.Thresholds.MaxRedirectHops {
		em.add(SevWarning, nil, in.FinalURL, nil, "Reached through "+strconv.Itoa(in.RedirectHops)+" redirects: link to the final address")
	}
}

func chkResponseTime(e *Engine, p *page, em *emitter) {
	in := p.in
	if in.TTFB <= 0 && in.Total <= 0 {
		em.notApplied("no timings (page not fetched live)")
		return
	}
	t := e.m.Thresholds
	if in.TTFB > t.TTFBMax {
		em.add(SevWarning, nil, in.TTFB.Round(time.Millisecond).String(), nil, "Slow to respond: first byte after "+in.TTFB.Round(time.Millisecond).String()+" (aim for under "+t.TTFBMax.String()+")")
	}
	if in.Total > t.TotalMax {
		em.add(SevWarning, nil, in.Total.Round(time.Millisecond).String(), nil, "Slow to download: "+in.Total.Round(time.Millisecond).String()+" (aim for under "+t.TotalMax.String()+")")
	}
}

func chkPageWeight(e *Engine, p *page, em *emitter) {
	n := p.in.Bytes
	if int64(len(p.in.Body)) > n {
		n = int64(len(p.in.Body))
	}
	t := e.m.Thresholds
	if n > t.HTMLMaxBytes {
		em.add(SevWarning, nil, strconv.FormatInt(n/1024, 10)+" KB", nil, "The HTML alone is "+strconv.FormatInt(n/1024, 10)+" KB (aim for under "+strconv.FormatInt(t.HTMLMaxBytes/1024, 10)+" KB)")
	}
	// a file referenced many times (an icon beside every link) is fetched
	// once (no more references than the most allowed: no need to count)
	if len(p.resources) > t.MaxResources {
		if n := distinctCount(p.resources); n > t.MaxResources {
			em.add(SevInfo, nil, strconv.Itoa(n)+" files", nil, "The page loads "+strconv.Itoa(n)+" different images, scripts and styles (aim for under "+strconv.Itoa(t.MaxResources)+")")
		}
	}
}

func chkMixed(e *Engine, p *page, em *emitter) {
	if !p.https {
		return
	}
	seen := map[string]bool{}
	for _, r := range p.resources {
		r = strings.TrimSpace(r)
		if len(r) > 7 && strings.EqualFold(r[:7], "http://") && !seen[r] {
			seen[r] = true
			em.add(SevWarning, nil, r, []string{r}, "Secure page loads a file over plain http://")
		}
	}
}

// distinctCount is the number of different non-empty values of ss.
func distinctCount(ss []string) int {
	if len(ss) == 0 {
		return 0
	}
	seen := make(map[string]bool, len(ss))
	for _, x := range ss {
		if x = strings.TrimSpace(x); x != "" {
			seen[x] = true
		}
	}
	return len(seen)
}
