package dashboard

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// The API's documentation, all from the OpenAPI document: the /api page
// (server-rendered HTML, no script), docs/API.md and docs/DATA.md
// (APIMarkdown, DataMarkdown; TestDocsFromOpenAPI keeps the files equal to
// what they generate). docModel reads the document back, so what the
// pages and files say is what the document says.

// docModel is the document as the pages and files show it.
type docModel struct {
	Title, Summary, Intro string
	Sections              []docSection
	Schemas               []docSchema // the answers' schemas
	Rows                  []docSchema // the exports' row schemas
}

type docSection struct {
	Tag, Doc string
	Ops      []docOp
}

type docOp struct {
	ID, Path, Summary, Doc string
	Params                 []docParam
	Answers                []docAnswer
	Headers                []docField
	Example                string // JSON, indented
}

type docParam struct {
	Name, In, Takes, Doc string
	TakesCode            string // Takes without markdown, shown as code
	Required             bool
}

type docAnswer struct {
	Status, Doc string
	Media       []docMedia
}

type docMedia struct{ Type, Schema string }

type docSchema struct {
	Name, Doc string
	Fields    []docField
}

type docField struct{ Name, Type, Doc string }

// readDoc builds the doc model from the document's JSON.
func readDoc(raw []byte) (docModel, error) {
	var d struct {
		Info struct {
			Title, Summary, Description string
		}
		Tags []struct {
			Name, Description string
		}
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas map[string]map[string]any
		}
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return docModel{}, fmt.Errorf("openapi: %w", err)
	}
	m := docModel{Title: d.Info.Title, Summary: d.Info.Summary, Intro: d.Info.Description}
	type rawOp struct {
		OperationID string `json:"operationId"`
		Tags        []string
		Summary     string
		Description string
		Parameters  []struct {
			Name, In, Description string
			Required              bool
			Schema                map[string]any
		}
		Responses map[string]struct {
			Description string
			Headers     map[string]struct {
				Description string
				Schema      map[string]any
			}
			Content map[string]struct {
				Schema  map[string]any
				Example any
			}
		}
	}
	byTag := map[string][]docOp{}
	order := map[string]int{}
	for i, op := range operations() {
		order[op.path] = i
	}
	paths := sortedKeys(d.Paths)
	sort.SliceStable(paths, func(i, j int) bool { return order[paths[i]] < order[paths[j]] })
	for _, p := range paths {
		var ro rawOp
		if err := json.Unmarshal(d.Paths[p]["get"], &ro); err != nil {
			return m, fmt.Errorf("openapi %s: %w", p, err)
		}
		op := docOp{ID: ro.OperationID, Path: p, Summary: ro.Summary, Doc: ro.Description}
		for _, pa := range ro.Parameters {
			takes := schemaWords(pa.Schema)
			op.Params = append(op.Params, docParam{Name: pa.Name, In: pa.In, Doc: pa.Description, Required: pa.Required, Takes: takes,
				TakesCode: strings.ReplaceAll(takes, "`", "")})
		}
		for _, st := range sortedKeys(ro.Responses) {
			r := ro.Responses[st]
			a := docAnswer{Status: st, Doc: r.Description}
			for _, mt := range sortedKeys(r.Content) {
				c := r.Content[mt]
				a.Media = append(a.Media, docMedia{Type: mt, Schema: typeWords(c.Schema)})
				if st == "200" && c.Example != nil {
					var b strings.Builder
					enc := json.NewEncoder(&b)
					enc.SetEscapeHTML(false)
					enc.SetIndent("", "  ")
					if err := enc.Encode(c.Example); err != nil {
						return m, err
					}
					op.Example = strings.TrimSuffix(b.String(), "\n")
				}
			}
			if st == "200" {
				for _, h := range sortedKeys(r.Headers) {
					op.Headers = append(op.Headers, docField{Name: h, Doc: r.Headers[h].Description})
				}
			}
			op.Answers = append(op.Answers, a)
		}
		tag := ""
		if len(ro.Tags) > 0 {
			tag = ro.Tags[0]
		}
		byTag[tag] = append(byTag[tag], op)
	}
	for _, t := range d.Tags {
		m.Sections = append(m.Sections, docSection{Tag: t.Name, Doc: t.Description, Ops: byTag[t.Name]})
	}
	for _, name := range sortedKeys(d.Components.Schemas) {
		s := d.Components.Schemas[name]
		ds := docSchema{Name: name}
		ds.Doc, _ = s["description"].(string)
		props, _ := s["properties"].(map[string]any)
		fieldOrder := sortedKeys(props)
		if cols, ok := s["x-columns"].([]any); ok {
			fieldOrder = fieldOrder[:0]
			for _, c := range cols {
				fieldOrder = append(fieldOrder, fmt.Sprint(c))
			}
		}
		for _, f := range fieldOrder {
			ps, _ := props[f].(map[string]any)
			doc, _ := ps["description"].(string)
			if one, ok := ps["oneOf"].([]any); ok && doc == "" && len(one) > 0 {
				first, _ := one[0].(map[string]any)
				doc, _ = first["description"].(string)
			}
			typ := typeWords(ps)
			if xt, ok := ps["x-type"].(string); ok {
				typ = xt
			}
			ds.Fields = append(ds.Fields, docField{Name: f, Type: typ, Doc: doc})
		}
		if strings.HasSuffix(name, "ExportRow") {
			m.Rows = append(m.Rows, ds)
		} else {
			m.Schemas = append(m.Schemas, ds)
		}
	}
	rowOrder := map[string]int{"ScoresExportRow": 0, "FindingsExportRow": 1, "ReviewsExportRow": 2}
	sort.SliceStable(m.Rows, func(i, j int) bool { return rowOrder[m.Rows[i].Name] < rowOrder[m.Rows[j].Name] })
	return m, nil
}

// typeWords says a schema's type: a schema's name, a JSON type, "X or
// null", "array of X".
func typeWords(s map[string]any) string {
	if s == nil {
		return ""
	}
	if ref, ok := s["$ref"].(string); ok {
		return strings.TrimPrefix(ref, "#/components/schemas/")
	}
	if one, ok := s["oneOf"].([]any); ok {
		var parts []string
		for _, o := range one {
			om, _ := o.(map[string]any)
			parts = append(parts, typeWords(om))
		}
		return strings.Join(parts, " or ")
	}
	var t string
	switch v := s["type"].(type) {
	case string:
		t = v
	case []any:
		var parts []string
		for _, x := range v {
			parts = append(parts, fmt.Sprint(x))
		}
		t = strings.Join(parts, " or ")
	}
	if t == "array" {
		items, _ := s["items"].(map[string]any)
		return "array of " + typeWords(items)
	}
	if f, ok := s["format"].(string); ok {
		t += " (" + f + ")"
	}
	if t == "" {
		return "any"
	}
	return t
}

// schemaWords says what a parameter takes.
func schemaWords(s map[string]any) string {
	switch {
	case s["enum"] != nil:
		var vs []string
		for _, v := range s["enum"].([]any) {
			vs = append(vs, "`"+fmt.Sprint(v)+"`")
		}
		return "one of " + strings.Join(vs, ", ")
	case s["type"] == "integer":
		num := func(v any) string {
			f, _ := v.(float64)
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		w := fmt.Sprintf("whole number from %s to %s", num(s["minimum"]), num(s["maximum"]))
		if d, ok := s["default"]; ok {
			w += ", default " + num(d)
		}
		return w
	case s["pattern"] != nil:
		return "text matching `" + fmt.Sprint(s["pattern"]) + "`"
	}
	if ml, ok := s["maxLength"]; ok {
		return fmt.Sprintf("text, 1 to %v characters", ml)
	}
	return typeWords(s)
}

// cell makes text fit a markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// anchor is the markdown heading id of a schema.
func anchor(name string) string { return strings.ToLower(name) }

// generatedNote heads the generated files.
const generatedNote = "<!-- Generated from the OpenAPI document (dashboard/openapi.go) by TestDocsFromOpenAPI: do not edit; change the document and run `go test ./dashboard -run TestDocsFromOpenAPI -update`. -->"

// APIMarkdown is docs/API.md: the OpenAPI document in words.
func APIMarkdown(doc []byte) (string, error) {
	m, err := readDoc(doc)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# %s\n\n%s\n\n%s\n\n", m.Title, generatedNote, m.Summary)
	w("The OpenAPI 3.1 document itself: `GET /api/v1/openapi.json`; the dashboard shows it as a page at `/api`. Column meanings of the exports: [DATA.md](DATA.md).\n\n")
	w("%s\n", m.Intro)
	for _, sec := range m.Sections {
		w("\n## %s\n\n%s\n", titleCase(sec.Tag), sec.Doc)
		for _, op := range sec.Ops {
			w("\n### `GET %s`\n\n%s.\n\n%s\n", op.Path, op.Summary, op.Doc)
			if len(op.Params) > 0 {
				w("\n| parameter | in | takes | meaning |\n|---|---|---|---|\n")
				for _, p := range op.Params {
					req := ""
					if p.Required {
						req = " (required)"
					}
					w("| `%s` | %s%s | %s | %s |\n", p.Name, p.In, req, mdCell(p.Takes), mdCell(p.Doc))
				}
			}
			w("\nAnswers:\n\n")
			for _, a := range op.Answers {
				var media []string
				for _, md := range a.Media {
					s := "`" + md.Type + "`"
					if md.Schema != "" && md.Schema != "string" && md.Schema != "object" {
						s += " " + schemaLink(md.Schema)
					}
					media = append(media, s)
				}
				line := fmt.Sprintf("- `%s` %s", a.Status, a.Doc)
				if len(media) > 0 {
					line += ": " + strings.Join(media, ", ")
				}
				w("%s\n", line)
			}
			if len(op.Headers) > 0 {
				w("\nHeaders: ")
				var hs []string
				for _, h := range op.Headers {
					hs = append(hs, "`"+h.Name+"` ("+h.Doc+")")
				}
				w("%s.\n", strings.Join(hs, "; "))
			}
			if op.Example != "" {
				w("\nExample:\n\n```json\n%s\n```\n", op.Example)
			}
		}
	}
	w("\n## Schemas\n\nEvery field of every answer. Fields without `omitempty` in the document's `required` lists are always present.\n")
	for _, s := range m.Schemas {
		w("\n### %s\n\n%s.\n\n| field | type | meaning |\n|---|---|---|\n", s.Name, s.Doc)
		for _, f := range s.Fields {
			w("| `%s` | %s | %s |\n", f.Name, mdCell(schemaLinks(f.Type)), mdCell(f.Doc))
		}
	}
	return b.String(), nil
}

// schemaLink links a schema name to its section.
func schemaLink(name string) string {
	return "[" + name + "](#" + anchor(name) + ")"
}

// schemaLinks links the schema names in a type's words.
func schemaLinks(t string) string {
	words := strings.Fields(t)
	for i, wd := range words {
		if wd != "" && wd[0] >= 'A' && wd[0] <= 'Z' {
			words[i] = schemaLink(wd)
		}
	}
	return strings.Join(words, " ")
}

// dataIntro opens docs/DATA.md and the licence part of /data.
const dataIntro = `What the downloads on ` + "`/data`" + ` (and ` + "`councildash export`" + `) contain. The same columns are in CSV, JSON and Parquet (scores and findings), in the same order. Times are UTC, RFC 3339 in CSV and JSON, timestamps in Parquet. Scores run from 0 (worst) to 100 (best). How scores are worked out: [METHOD.md](METHOD.md). The API: [API.md](API.md).

## Licence and how to cite

The data (scores, findings, reviews' public fields) is licensed under the **Creative Commons Attribution 4.0 International licence (CC BY 4.0)**, ` + LicenceURL + `: use it for anything, including commercially, as long as you credit councildash. Every export says so in its metadata (JSON ` + "`meta`" + `, Parquet key-value metadata, a ` + "`Link: <…>; rel=\"license\"`" + ` header on downloads) with a citation for the run it holds, in this form:

> councildash open data: scores of UK council websites (LocalGov Digital Content Standard and accessibility checks), scoring method 2026.1, crawl run RUN_ID of 2026-11-23. https://github.com/councildash/councildash. Licensed under CC BY 4.0.

Snippets in the findings quote council websites: their words stay their councils' (most publish under the Open Government Licence). Cite the run id and the method version: a run re-scored under a new method has rows for both.

## Files

Download one run or every run, as CSV, JSON or Parquet, from ` + "`/data`" + ` (a link per run) or ` + "`GET /export/{file}`" + ` (see [API.md](API.md#get-exportfile)). File names say what they hold: ` + "`councildash-scores-2026-11-23-RUN_ID.csv`" + ` for one run, ` + "`councildash-findings-all-runs.parquet`" + ` for every run, the council and check filters after. Read Parquet with DuckDB, pandas or pyarrow, R's arrow, Polars or hyparquet in a browser.

## Demo data

Every row says whether it is demo data (` + "`demo`" + `): rows of runs made by the offline demo, which crawls a local web of council sites built from saved pages, and the bundled demo reviews. Demo data is not a measure of any council's live website: leave it out of research (` + "`WHERE NOT demo`" + `).

## Review ratings

Reviewers rate each of four ways of finding a task (the site's navigation, its A to Z, a search engine, the site's own search) on the Council Usability Dashboard scale: 5 very easy, 3 easy, 1 difficult, -3 gave up, 0 not tried. The usability index sums the ratings of the ways tried; the review score puts it on a 0 to 100 scale.

## Crawl runs

A run is one crawl of the councils' websites. Each site crawled in a run is an attempt; only attempts that finished count (a site crawled again after an interruption counts once). Runs are listed on ` + "`/data`" + ` and by ` + "`GET /api/v1/runs`" + `. A check that applied to no page has no score row (it is left out, not counted as 0). Under method 2026.2 a check counted per 100 words read cannot be scored from statistics stored without the words read (runs crawled before 2026.2): it has no score row when such a run is re-scored (` + "`councildash score --run`" + `), and the council page names it.

## How sure the scores are

The scores export's ` + "`score_low`" + ` and ` + "`score_high`" + ` are the score's interval: the middle ` + "`interval_level`" + ` share of the scores of the site's pages redrawn (a bootstrap, [METHOD.md](METHOD.md)), for category and overall scores, empty when none is stored (runs crawled before method 2026.2, or re-scored without page statistics). ` + "`rank_best`" + ` and ` + "`rank_worst`" + ` are the positions the score may hold among the run's councils with an interval, for the same method and category: best is one more than the councils whose interval lies wholly above it, worst one more than those whose interval reaches it or above; a band (` + "`rank_best`" + ` < ` + "`rank_worst`" + `) is shared with the councils whose intervals overlap. Empty when unranked.`

// dataOutro closes docs/DATA.md.
const dataOutro = `## One council's findings, and broken links

A council's findings can be downloaded from its findings view (` + "`/councils/CODE/findings`" + `): the findings export with ` + "`council=CODE`" + ` (and ` + "`check=ID`" + ` when the view is filtered by a check).

Broken links are findings of ` + "`tech-broken-links`" + `: ` + "`url`" + ` is the page the link is on, ` + "`selector`" + ` its element, ` + "`snippet`" + ` its text, ` + "`matched`" + ` the address it points to, and ` + "`message`" + ` what that address answered (and where it led).

## Councils

The register (` + "`data/councils.csv`" + `, ` + "`councildash councils --format csv`" + `): ` + "`code`, `name`, `type`, `tier`, `nation`, `region`, `homepage_url`, `parent_county`, `la_code`, `govuk_slug`" + `, and for parish and town councils added with ` + "`--councils`, `parent_code`" + ` (the code of the district or unitary council whose area they are in).
`

// DataMarkdown is docs/DATA.md: the exports' columns from the document's
// row schemas, between the dictionary's fixed words.
func DataMarkdown(doc []byte) (string, error) {
	m, err := readDoc(doc)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# councildash data dictionary\n\n%s\n\n%s\n", generatedNote, dataIntro)
	for _, r := range m.Rows {
		name := strings.ToLower(strings.TrimSuffix(r.Name, "ExportRow"))
		fmt.Fprintf(&b, "\n## %s\n\n%s.\n\n| column | type | meaning |\n|---|---|---|\n", name, r.Doc)
		for _, f := range r.Fields {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Name, f.Type, mdCell(f.Doc))
		}
	}
	fmt.Fprintf(&b, "\n%s", dataOutro)
	return b.String(), nil
}

// apiDocPage is the /api page's view model: the doc model with its
// markdown rendered.
type apiDocPage struct {
	Title    string
	Summary  string
	Intro    template.HTML
	Sections []apiDocSection
	Schemas  []docSchema
}

type apiDocSection struct {
	Tag string
	Doc template.HTML
	Ops []apiDocOp
}

type apiDocOp struct {
	docOp
	DocHTML template.HTML
}

func newAPIDocPage(doc []byte) (apiDocPage, error) {
	m, err := readDoc(doc)
	if err != nil {
		return apiDocPage{}, err
	}
	md := func(s string) (template.HTML, error) {
		h, err := markdownHTML(s)
		return template.HTML(h), err // our own words, rendered without raw HTML
	}
	p := apiDocPage{Title: m.Title, Summary: m.Summary, Schemas: m.Schemas}
	if p.Intro, err = md(m.Intro); err != nil {
		return p, err
	}
	for _, sec := range m.Sections {
		ds := apiDocSection{Tag: sec.Tag}
		if ds.Doc, err = md(sec.Doc); err != nil {
			return p, err
		}
		for _, op := range sec.Ops {
			o := apiDocOp{docOp: op}
			if o.DocHTML, err = md(op.Doc); err != nil {
				return p, err
			}
			ds.Ops = append(ds.Ops, o)
		}
		p.Sections = append(p.Sections, ds)
	}
	return p, nil
}

// openData builds what the open data needs at start: the base URL, the
// OpenAPI document and the /api page's view model.
func (s *Server) openData(baseURL string) error {
	if baseURL == "" {
		baseURL = "http://localhost:8080"
	}
	s.baseURL = strings.TrimRight(baseURL, "/")
	doc, err := OpenAPIDocument(s.baseURL)
	if err != nil {
		return fmt.Errorf("dashboard: OpenAPI document: %w", err)
	}
	s.openapi = doc
	if s.apiDoc, err = newAPIDocPage(doc); err != nil {
		return fmt.Errorf("dashboard: API page: %w", err)
	}
	return nil
}

// abs is the public address of a path on this dashboard.
func (s *Server) abs(path string) string { return s.baseURL + path }

// apiDocs serves the /api page.
func (s *Server) apiDocs(c *gin.Context) {
	if _, err := checkQuery(c.Request.URL.RawQuery, nil); err != nil {
		s.fail(c, err)
		return
	}
	s.renderPage(c, http.StatusOK, "api", "The councildash API", func() any { return s.apiDoc })
}

// cors lets any web page read the public GET answers of the API, the
// exports, the feeds and the badges (never the review, peer or moderation
// routes, which are not on this list).
func cors(c *gin.Context) {
	if m := c.Request.Method; (m == http.MethodGet || m == http.MethodHead) && corsPath(c.Request.URL.Path) {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "Content-Disposition, Link, ETag, X-Councildash-Method-Version")
	}
	c.Next()
}

// corsPath reports whether a path is public data for other origins.
func corsPath(p string) bool {
	return strings.HasPrefix(p, "/api/v1/") || strings.HasPrefix(p, "/export/") || strings.HasPrefix(p, "/badge/") ||
		p == "/feed.atom" || (strings.HasPrefix(p, "/councils/") && strings.HasSuffix(p, "/feed.atom"))
}
