package scoring

import (
	"strconv"
	"strings"
)

func chkDocTitle(e *Engine, p *page, em *emitter) {
	switch {
	case !p.hasTitle:
		em.add(SevError, nil, "", nil, "The page has no <title>")
	case p.title == "":
		em.add(SevError, nil, "", nil, "The page title is empty")
	}
}

func chkHTMLLang(e *Engine, p *page, em *emitter) {
	sel := "html"
	switch {
	case p.htmlLang == "":
		em.add(SevError, nil, sel, nil, "The page does not say its language: add lang=\"en\" to <html>")
	case !e.rx.langTag.MatchString(p.htmlLang):
		em.add(SevError, nil, sel, []string{p.htmlLang}, "\""+p.htmlLang+"\" is not a valid language code")
	}
}

func chkImageAlt(e *Engine, p *page, em *emitter) {
	for _, im := range p.imgs {
		src := attrv(im.node, "src")
		if im.tag == "area" {
			src = attrv(im.node, "href")
		}
		em.add(SevError, im.node, src, []string{"<" + im.tag + ">"}, "Image has no alt text: describe it, or use alt=\"\" if it is decorative")
	}
}

func chkLinkName(e *Engine, p *page, em *emitter) {
	for _, l := range p.links {
		if l.hidden || presentational(l.node) {
			continue
		}
		if linkName(l) == "" && !l.ariaLabel {
			em.add(SevError, l.node, l.href, nil, "Link has no text: screen readers will only read out its address")
		}
	}
}

func chkButtonName(e *Engine, p *page, em *emitter) {
	for _, b := range p.buttons {
		em.add(SevError, b.node, "<"+b.tag+">", nil, "Button has no text: screen readers cannot say what it does")
	}
}

func chkLabel(e *Engine, p *page, em *emitter) {
	for _, c := range p.controls {
		name := attrv(c.node, "name")
		if name == "" {
			name = attrv(c.node, "id")
		}
		em.add(SevError, c.node, "<"+c.tag+" name="+name+">", nil, "Form field has no label")
	}
}

func chkDuplicateID(e *Engine, p *page, em *emitter) {
	for _, id := range sortedKeys(p.ids) {
		ns := p.ids[id]
		if len(ns) < 2 {
			continue
		}
		if p.ariaRefs[id] || p.labelFor[id] {
			em.add(SevError, ns[1], "#"+id, []string{id}, "id \""+id+"\" is used "+strconv.Itoa(len(ns))+" times and is referenced by a label or ARIA attribute")
		} else {
			em.add(SevInfo, ns[1], "#"+id, []string{id}, "id \""+id+"\" is used "+strconv.Itoa(len(ns))+" times")
		}
	}
}

func chkHeadingOrder(e *Engine, p *page, em *emitter) {
	prev, h1 := 0, 0
	for _, h := range p.headings {
		if h.hidden {
			continue
		}
		if h.level == 1 {
			h1++
		}
		if prev > 0 && h.level > prev+1 {
			em.add(SevWarning, h.node, h.text, []string{"h" + strconv.Itoa(prev) + "→h" + strconv.Itoa(h.level)}, "Heading level skipped: h"+strconv.Itoa(prev)+" followed by h"+strconv.Itoa(h.level))
		}
		prev = h.level
	}
	switch {
	case h1 == 0:
		em.add(SevWarning, nil, "", []string{"no h1"}, "The page has no main heading (h1)")
	case h1 > 1:
		em.add(SevInfo, nil, "", []string{strconv.Itoa(h1) + " h1"}, "The page has "+strconv.Itoa(h1)+" main headings (h1): use one")
	}
}

func chkEmptyHeading(e *Engine, p *page, em *emitter) {
	for _, h := range p.headings {
		if !h.hidden && h.text == "" {
			em.add(SevWarning, h.node, "<"+h.tag+">", nil, "Heading has no text")
		}
	}
}

func chkSkipLink(e *Engine, p *page, em *emitter) {
	seen := 0
	for _, l := range p.links {
		if seen >= e.m.Thresholds.SkipLinkWithin {
			break
		}
		seen++
		h := strings.TrimSpace(l.href)
		if len(h) < 2 || h[0] != '#' {
			if i := strings.IndexByte(h, '#'); i < 0 || !e.rx.skipText.MatchString(linkName(l)) {
				continue
			}
		}
		target := h[strings.IndexByte(h, '#')+1:]
		if len(p.ids[target]) > 0 || e.rx.skipText.MatchString(linkName(l)) {
			return
		}
	}
	em.add(SevWarning, nil, "", nil, "No \"skip to main content\" link among the first "+strconv.Itoa(e.m.Thresholds.SkipLinkWithin)+" links")
}

func chkViewport(e *Engine, p *page, em *emitter) {
	if !p.hasVP {
		em.add(SevWarning, nil, "", nil, "No viewport meta tag: the page will not fit phone screens")
		return
	}
	for _, part := range strings.FieldsFunc(strings.ToLower(p.viewport), func(r rune) bool { return r == ',' || r == ';' }) {
		k, v, _ := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "user-scalable":
			if v == "no" || v == "0" {
				em.add(SevError, nil, p.viewport, []string{part}, "Zooming is disabled (user-scalable=no)")
			}
		case "maximum-scale":
			if f, err := strconv.ParseFloat(v, 64); err == nil && f < 2 {
				em.add(SevError, nil, p.viewport, []string{part}, "Zooming is limited (maximum-scale below 2)")
			}
		}
	}
}

func chkRefresh(e *Engine, p *page, em *emitter) {
	if p.refresh == "" {
		return
	}
	d := p.refresh
	if i := strings.IndexAny(d, ";,"); i >= 0 {
		d = d[:i]
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(d), 64); err == nil && f > 0 {
		em.add(SevError, nil, p.refresh, nil, "The page refreshes or redirects itself after "+strings.TrimSpace(d)+" seconds")
	}
}

func chkTabindex(e *Engine, p *page, em *emitter) {
	for _, t := range p.tabindex {
		em.add(SevWarning, t.node, "tabindex="+strconv.Itoa(t.level), nil, "Positive tabindex changes the order keyboard users move through the page")
	}
}

func chkNewWindow(e *Engine, p *page, em *emitter) {
	for _, l := range p.links {
		if l.hidden || !strings.EqualFold(strings.TrimSpace(l.target), "_blank") {
			continue
		}
		name := linkName(l)
		said := name + " " + l.title + " " + l.imgAlt
		// The regexp only matches text holding "new ", "opens in" or "external ".
		if (containsFold(said, "new ") || containsFold(said, "opens in") || containsFold(said, "external ")) && e.rx.newWindow.MatchString(said) {
			continue
		}
		em.add(SevInfo, l.node, name, nil, "Link opens a new window without saying so")
	}
}

func chkTableHeaders(e *Engine, p *page, em *emitter) {
	for _, t := range p.tables {
		if t.presented || t.hidden || t.rows < 2 || t.maxCells < 2 || t.headers > 0 {
			continue
		}
		em.add(SevWarning, t.node, strconv.Itoa(t.rows)+" rows × "+strconv.Itoa(t.maxCells)+" columns", nil, "Table has no header cells (th): screen readers cannot name the columns")
	}
}

func chkLandmarks(e *Engine, p *page, em *emitter) {
	if !p.hasMain {
		em.add(SevWarning, nil, "", nil, "No main landmark: wrap the main content in <main>")
	}
}

func chkPDFLinks(e *Engine, p *page, em *emitter) {
	for _, l := range p.links {
		if l.hidden || l.abs == "" {
			continue
		}
		path := l.abs
		if i := strings.IndexAny(path, "?#"); i >= 0 {
			path = path[:i]
		}
		ext := docExt(path)
		if ext == "" {
			continue
		}
		name := linkName(l)
		// The regexp only matches text holding "form".
		if containsFold(name, "form") && e.rx.formWord.MatchString(name) ||
			containsFold(path, "form") && e.rx.formWord.MatchString(strings.NewReplacer("-", " ", "_", " ", "/", " ").Replace(path)) {
			em.addW(2, SevWarning, l.node, name, []string{ext, "form"}, "Form published as a "+ext+" document: make it an online form")
			continue
		}
		em.add(SevInfo, l.node, name, []string{ext}, "Link to a "+ext+" document: publish the content as a web page where you can")
	}
}

// docExt returns the document type of a path ("PDF", "DOCX"), or "".
func docExt(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 || len(path)-i > 6 || strings.LastIndexByte(path, '/') > i {
		return ""
	}
	switch ext := strings.ToLower(path[i+1:]); ext {
	case "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf":
		return strings.ToUpper(ext)
	}
	return ""
}
