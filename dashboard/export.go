package dashboard

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// ExportRequest says what to export.
type ExportRequest struct {
	Kind    string // scores, findings or reviews
	Format  string // csv, json or parquet
	Run     string // a run id, latest, previous, or "" for every run
	Council string
	CheckID string
	// MethodVersion is the scoring method current when exporting (rows
	// carry the method that produced each of them).
	MethodVersion string
}

// ExportSource is what exports read: the database, the reviews (nil: no
// reviews export) and the register (council names on every row).
type ExportSource struct {
	Store    *data.Store
	Reviews  *reviews.Service
	Councils []data.Council
	// Runs (every run) and Scored (the runs with scores), both newest
	// first, when the caller has them (the server's read model): an export
	// then asks the database nothing before it streams. Nil: the store is
	// asked (the command line).
	Runs, Scored []data.Run
}

// resolveRun is what a run reference names among runs (every run) and
// scored (the runs with scores), or a NotFoundError.
func resolveRun(ref string, runs, scored []data.Run) (data.Run, error) {
	switch ref {
	case data.RunLatest, data.RunPrevious:
		i := 0
		if ref == data.RunPrevious {
			i = 1
		}
		if i < len(scored) {
			return scored[i], nil
		}
		return data.Run{}, notFound("run", "run=%s: %d crawl runs have scores so far", ref, len(scored))
	}
	for _, r := range runs {
		if r.ID == ref {
			return r, nil
		}
	}
	return data.Run{}, notFound("run", "no crawl run has the id %q: see /api/v1/runs", short(ref))
}

// Export kinds and formats.
var (
	ExportKinds   = []string{"scores", "findings", "reviews"}
	ExportFormats = []string{"csv", "json", "parquet"}
)

// exportFiles are the files GET /export/{file} serves.
func exportFiles() []string {
	var out []string
	for _, k := range ExportKinds {
		for _, f := range ExportFormats {
			if f == "parquet" && k == "reviews" {
				continue
			}
			out = append(out, k+"."+f)
		}
	}
	return out
}

// The licence of the data, stated in every export's metadata, on /data
// and in docs/DATA.md.
const (
	LicenceName = "CC BY 4.0"
	LicenceURL  = "https://creativecommons.org/licenses/by/4.0/"
	// Citation says how to cite an export; RUN and DATE are filled in.
	citationText = "councildash open data: scores of UK council websites (LocalGov Digital Content Standard and accessibility checks), scoring method METHOD, RUN. https://github.com/councildash/councildash. Licensed under CC BY 4.0."
)

// citation is how to cite an export of a run (or of every run).
func citation(method string, run data.Run, hasRun bool) string {
	r := "every crawl run"
	if hasRun {
		r = "crawl run " + run.ID + " of " + run.StartedAt.UTC().Format("2006-01-02")
	}
	return strings.NewReplacer("METHOD", method, "RUN", r).Replace(citationText)
}

// colKind is the type of an export column: how CSV, JSON and Parquet
// write it and how the OpenAPI document and the dictionary describe it.
type colKind int

const (
	colString colKind = iota
	colFloat
	colInt
	colBool
	colTime
	colList // a list of strings (" | " between them in CSV)
)

// column is one column of an export.
type column struct {
	name string
	kind colKind
	doc  string
	null bool // may be empty (CSV), null (JSON and Parquet)
}

// Columns every crawl export ends with: who the council is, when the run
// was, whether it is demo data and whether its run was simulated.
var (
	colCouncilName   = column{"council_name", colString, "The council's name, from the register", false}
	colCouncilType   = column{"council_type", colString, "The council's type (such as Non-metropolitan district or Unitary authority), from the register", false}
	colCouncilNation = column{"council_nation", colString, "England, Scotland, Wales or Northern Ireland", false}
	colCouncilRegion = column{"council_region", colString, "The council's region (English councils), from the register", false}
	colRunStartedAt  = column{"run_started_at", colTime, "When the crawl run started (UTC): the run's date", false}
	colDemo          = column{"demo", colBool, "true when the row is demo data: from a run of the offline demo (a local web of council sites), or a demo review", false}
	colSimulated     = column{"simulated", colBool, "true when the row comes from a run of the offline demo kept only to show how a trend looks: its differences from the run before are made up (such a row is also demo)", false}
)

var scoreColumns = []column{
	{"run_id", colString, "Identifier of the crawl run", false},
	{"method_version", colString, "Version of the scoring method that produced the row; a run re-scored under a new method has rows for both", false},
	{"council_code", colString, "Council code from the register (the Government Statistical Service code where there is one)", false},
	{"category", colString, "content, accessibility, readability, technical, statement, findability, or overall for the site score", false},
	{"check_id", colString, "The check, for check scores; empty for category and overall scores", false},
	{"score", colFloat, "Score from 0 (worst) to 100 (best)", false},
	{"scored_at", colTime, "When the score was computed (UTC)", false},
	// How sure the score is (scoreIntervalCols, export_intervals.go).
	{"score_low", colFloat, "Low end of the score's interval (bootstrap over the site's pages); empty when none is stored", true},
	{"score_high", colFloat, "High end of the score's interval; empty when none is stored", true},
	{"interval_level", colFloat, "Share of the redrawn scores inside the interval (0.9: the middle 90 percent)", true},
	{"too_few_pages", colBool, "true when the site had too few pages to tell: it is not ranked", true},
	{"rank_best", colInt, "Best position the score may hold among the run's councils, given the intervals (overall and category scores)", true},
	{"rank_worst", colInt, "Worst position it may hold; rank_best < rank_worst is a joint position shared with councils whose intervals overlap", true},
	colCouncilName, colCouncilType, colCouncilNation, colCouncilRegion, colRunStartedAt, colDemo, colSimulated,
}

var findingColumns = []column{
	{"run_id", colString, "Identifier of the crawl run", false},
	{"method_version", colString, "Scoring method that found it", false},
	{"council_code", colString, "Council code from the register", false},
	{"check_id", colString, "The check (see /checks or /api/v1/checks for its description and rule)", false},
	{"category", colString, "The check's category", false},
	{"severity", colString, "info, warning or error", false},
	{"url", colString, "The page the finding is on (the home page for site-wide checks)", false},
	{"selector", colString, "Selector (as in a style sheet) of the element, when there is one", false},
	{"snippet", colString, "The text or HTML found, trimmed (text quoted from the council's page)", false},
	{"matched", colList, "The words or characters matched: separated by \" | \" in CSV, a list in JSON and Parquet", false},
	{"message", colString, "What is wrong, in one line", false},
	{"task", colString, "Top task id, for findability findings (see /api/v1/tasks)", false},
	{"created_at", colTime, "When the finding was stored (UTC)", false},
	colCouncilName, colCouncilType, colCouncilNation, colCouncilRegion, colRunStartedAt, colDemo, colSimulated,
}

// reviewColumnDocs say what the reviews export's columns (named by
// reviews.ExportColumns) hold.
var reviewColumnDocs = map[string]column{
	"review_id":        {"review_id", colString, "Identifier of the review", false},
	"council_code":     {"council_code", colString, "Council code from the register", false},
	"task":             {"task", colString, "The top task tried (see /api/v1/tasks)", false},
	"reviewer":         {"reviewer", colString, "public or peer (council staff reviewing another council's site)", false},
	"nav":              {"nav", colInt, "Rating of finding the task through the site's navigation, on the review scale (see Review ratings in DATA.md)", false},
	"atoz":             {"atoz", colInt, "Rating of finding it through the site's A to Z (same scale)", false},
	"search_engine":    {"search_engine", colInt, "Rating of finding it through a search engine (same scale)", false},
	"site_search":      {"site_search", colInt, "Rating of finding it through the site's own search (same scale)", false},
	"routes_tried":     {"routes_tried", colInt, "How many of the four ways the reviewer tried", false},
	"usability_index":  {"usability_index", colInt, "Sum of the ratings of the ways tried (Council Usability Dashboard method)", false},
	"review_score":     {"review_score", colFloat, "The usability index on a 0 to 100 scale", false},
	"importance":       {"importance", colInt, "How important the task is to the reviewer, from one (not at all) to five (very)", false},
	"found":            {"found", colBool, "Whether the reviewer completed the task", false},
	"comment":          {"comment", colString, "The reviewer's comment; empty unless a moderator approved it", false},
	"end_url":          {"end_url", colString, "Where the reviewer ended up; empty unless the comment was approved", false},
	"comment_status":   {"comment_status", colString, "none, pending, approved or rejected", false},
	"ratings_excluded": {"ratings_excluded", colBool, "A moderator excluded the ratings from the scores", false},
	"demo":             {"demo", colBool, "true for the bundled demo reviews (shown as demo data on the dashboard too)", false},
	"created_at":       {"created_at", colTime, "When the review was posted (UTC)", false},
}

// reviewColumns are the reviews export's columns: reviews' own, then who
// the council is.
func reviewColumns() []column {
	var out []column
	for _, name := range reviews.ExportColumns() {
		c, ok := reviewColumnDocs[name]
		if !ok {
			c = column{name: name, kind: colString}
		}
		out = append(out, c)
	}
	return append(out, colCouncilName, colCouncilType, colCouncilNation, colCouncilRegion)
}

func columnsOf(kind string) []column {
	switch kind {
	case "scores":
		return scoreColumns
	case "findings":
		return findingColumns
	}
	return reviewColumns()
}

func names(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

// dictionary documents the columns of each export (reviews when on).
func dictionary(reviewsOn bool) []columnGroup {
	doc := func(name string, cols []column) columnGroup {
		g := columnGroup{Export: name}
		for _, c := range cols {
			g.Columns = append(g.Columns, columnDoc{Name: c.name, Meaning: c.doc})
		}
		return g
	}
	out := []columnGroup{doc("scores", scoreColumns), doc("findings", findingColumns)}
	if reviewsOn {
		out = append(out, doc("reviews", reviewColumns()))
	}
	return out
}

// table is a stream of rows with named columns.
type table struct {
	cols   []column
	stream func(ctx context.Context, emit func(row []any) error) error
}

// PreparedExport is an export checked and ready to write: its filters
// name things that exist and its run is resolved.
type PreparedExport struct {
	req     ExportRequest
	run     data.Run // when hasRun
	hasRun  bool
	t       table
	src     ExportSource
	runs    map[string]data.Run
	byCode  map[string]data.Council
	checked bool
}

// PrepareExport checks an export request: an unknown kind or format, and
// a council, check or run that does not exist are NotFoundErrors; a run
// reference latest or previous is resolved.
func PrepareExport(ctx context.Context, src ExportSource, req ExportRequest) (*PreparedExport, error) {
	if !slices.Contains(ExportKinds, req.Kind) {
		return nil, notFound("file", "there is no %s export: choose scores, findings or reviews", short(req.Kind))
	}
	if !slices.Contains(ExportFormats, req.Format) || (req.Format == "parquet" && req.Kind == "reviews") {
		return nil, notFound("file", "there is no %s export as %s: choose one of %s", req.Kind, short(req.Format), strings.Join(exportFiles(), ", "))
	}
	for name, v := range map[string]string{"run": req.Run, "council": req.Council, "check": req.CheckID} {
		if len(v) > maxParamLen {
			return nil, &ParamError{Param: name, Message: fmt.Sprintf("%s must be text of 1 to %d characters", name, maxParamLen), Allowed: map[string]int{"max_length": maxParamLen}}
		}
	}
	p := &PreparedExport{req: req, src: src, byCode: map[string]data.Council{}, runs: map[string]data.Run{}}
	for _, c := range src.Councils {
		p.byCode[c.Code] = c
	}
	if req.Council != "" {
		if _, ok := p.byCode[req.Council]; !ok {
			return nil, notFound("council", "no council has the code %q: see /api/v1/councils", short(req.Council))
		}
	}
	if req.CheckID != "" {
		if req.Kind != "findings" {
			return nil, &ParamError{Param: "check", Message: "check filters the findings export only", Allowed: []string{"findings"}}
		}
		found := false
		for _, ch := range scoring.Catalog() {
			found = found || ch.ID == req.CheckID
		}
		if !found {
			return nil, notFound("check", "no check has the id %q: see /api/v1/checks", short(req.CheckID))
		}
	}
	if req.Kind == "reviews" {
		if req.Run != "" {
			return nil, &ParamError{Param: "run", Message: "reviews are not tied to a crawl run: leave run out", Allowed: []string{"scores", "findings"}}
		}
		if src.Reviews == nil {
			return nil, notFound("file", "reviews are not enabled on this server")
		}
	} else {
		runs, scored := src.Runs, src.Scored
		if runs == nil {
			var err error
			if runs, err = src.Store.Runs(ctx); err != nil {
				return nil, fmt.Errorf("%w: %v", data.ErrUnavailable, err)
			}
			if req.Run == data.RunLatest || req.Run == data.RunPrevious {
				if scored, err = src.Store.ScoredRuns(ctx); err != nil {
					return nil, err
				}
			}
		}
		for _, r := range runs {
			p.runs[r.ID] = r
		}
		if req.Run != "" {
			run, err := resolveRun(req.Run, runs, scored)
			if err != nil {
				return nil, err
			}
			p.run, p.hasRun = run, true
			p.req.Run = run.ID
		}
	}
	p.t = p.table()
	p.checked = true
	return p, nil
}

// Run is the run exported, when one was asked for.
func (p *PreparedExport) Run() (data.Run, bool) { return p.run, p.hasRun }

// FileName is the export's file name: what, the run's date and id, and
// the filters (councildash-scores-2026-11-23-RUN.csv).
func (p *PreparedExport) FileName() string {
	parts := []string{"councildash", p.req.Kind}
	switch {
	case p.hasRun:
		parts = append(parts, p.run.StartedAt.UTC().Format("2006-01-02"), p.run.ID)
	case p.req.Kind != "reviews":
		parts = append(parts, "all-runs")
	}
	for _, f := range []string{p.req.Council, p.req.CheckID} {
		if f != "" {
			parts = append(parts, f)
		}
	}
	name := strings.Join(parts, "-") + "." + p.req.Format
	// Only characters safe in a header and a file name.
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' {
			return r
		}
		return '_'
	}, name)
}

// ContentType is the export's media type.
func (p *PreparedExport) ContentType() string {
	switch p.req.Format {
	case "json":
		return "application/json; charset=utf-8"
	case "parquet":
		return parquetMediaType
	}
	return "text/csv; charset=utf-8"
}

// metadata is what every export says about itself (JSON's meta, Parquet's
// key-value metadata): no timestamp, so the same data exports to the same
// bytes from the web or the command line.
func (p *PreparedExport) metadata() exportMeta {
	return exportMeta{Export: p.req.Kind, MethodVersion: p.req.MethodVersion, Columns: names(p.t.cols),
		Filter:  exportFilter{Run: p.req.Run, Council: p.req.Council, Check: p.req.CheckID},
		Licence: LicenceName, LicenceURL: LicenceURL, Citation: citation(p.req.MethodVersion, p.run, p.hasRun)}
}

type exportMeta struct {
	Export        string       `json:"export"`
	MethodVersion string       `json:"method_version"`
	Columns       []string     `json:"columns"`
	Filter        exportFilter `json:"filter"`
	Licence       string       `json:"licence"`
	LicenceURL    string       `json:"licence_url"`
	Citation      string       `json:"citation"`
}

type exportFilter struct {
	Run     string `json:"run"`
	Council string `json:"council"`
	Check   string `json:"check"`
}

// councilCells are a row's council columns.
func (p *PreparedExport) councilCells(code string) []any {
	c := p.byCode[code]
	return []any{c.Name, c.Type, c.Nation, c.Region}
}

func (p *PreparedExport) table() table {
	req := p.req
	switch req.Kind {
	case "scores":
		x := &scoreExtras{store: p.src.Store}
		return table{cols: scoreColumns, stream: func(ctx context.Context, emit func([]any) error) error {
			return p.src.Store.StreamScores(ctx, data.ScoreFilter{RunID: req.Run, Council: req.Council}, func(r data.ScoreExport) error {
				extra, err := x.cells(ctx, r)
				if err != nil {
					return err
				}
				run := p.runs[r.RunID]
				row := append(append([]any{r.RunID, r.MethodVersion, r.Council, r.Category, r.CheckID, r.Score, r.ScoredAt}, extra...), p.councilCells(r.Council)...)
				return emit(append(row, run.StartedAt, run.Demo, run.IsSimulated()))
			})
		}}
	case "findings":
		return table{cols: findingColumns, stream: func(ctx context.Context, emit func([]any) error) error {
			return p.src.Store.StreamFindings(ctx, data.FindingFilter{RunID: req.Run, Council: req.Council, CheckID: req.CheckID}, func(f data.Finding) error {
				m := f.Matched
				if m == nil {
					m = []string{}
				}
				run := p.runs[f.RunID]
				row := append([]any{f.RunID, f.MethodVersion, f.Council, f.CheckID, f.Category, f.Severity, f.URL,
					f.Selector, f.Snippet, m, f.Message, f.Task, f.CreatedAt}, p.councilCells(f.Council)...)
				return emit(append(row, run.StartedAt, run.Demo, run.IsSimulated()))
			})
		}}
	}
	// The reviews export filters by council on its column named
	// council_code.
	ci := slices.Index(reviews.ExportColumns(), "council_code")
	return table{cols: reviewColumns(), stream: func(ctx context.Context, emit func([]any) error) error {
		return p.src.Reviews.Export(ctx, func(row []any) error {
			code := ""
			if ci >= 0 && ci < len(row) {
				code = fmt.Sprint(row[ci])
			}
			if req.Council != "" && code != req.Council {
				return nil
			}
			return emit(append(row, p.councilCells(code)...))
		})
	}}
}

// Write writes the export to w, row by row (Parquet: a row group at a
// time).
func (p *PreparedExport) Write(ctx context.Context, w io.Writer) error {
	if !p.checked {
		return errors.New("export: not prepared")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch p.req.Format {
	case "csv":
		err = writeCSV(ctx, bw, p.t)
	case "json":
		err = writeJSON(ctx, bw, p.t, p.metadata())
	default:
		err = p.writeParquet(ctx, bw)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Export writes an export to w, row by row. It is what both GET /export/...
// and `councildash export` use.
func Export(ctx context.Context, w io.Writer, src ExportSource, req ExportRequest) error {
	p, err := PrepareExport(ctx, src, req)
	if err != nil {
		return err
	}
	return p.Write(ctx, w)
}

func cell(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.UTC().Format(time.RFC3339)
	case []string:
		return strings.Join(x, " | ")
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// csvSafe defuses spreadsheet formula injection: evidence snippets come
// from crawled pages.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

func writeCSV(ctx context.Context, w *bufio.Writer, t table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(names(t.cols)); err != nil {
		return err
	}
	rec := make([]string, len(t.cols))
	n := 0
	err := t.stream(ctx, func(row []any) error {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvSafe(cell(row[i]))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
		n++
		if n%1000 == 0 {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			return w.Flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func writeJSON(ctx context.Context, w *bufio.Writer, t table, meta exportMeta) error {
	mb, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "{\"meta\":%s,\"rows\":[", mb); err != nil {
		return err
	}
	first := true
	n := 0
	cols := names(t.cols)
	obj := make(map[string]any, len(cols))
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	err = t.stream(ctx, func(row []any) error {
		if !first {
			if err := w.WriteByte(','); err != nil {
				return err
			}
		}
		first = false
		for i, c := range cols {
			var v any
			if i < len(row) {
				v = row[i]
			}
			if tm, ok := v.(time.Time); ok {
				v = nil
				if !tm.IsZero() {
					v = tm.UTC().Format(time.RFC3339)
				}
			}
			obj[c] = v
		}
		if err := enc.Encode(orderedRow{cols: cols, m: obj}); err != nil {
			return err
		}
		n++
		if n%1000 == 0 {
			return w.Flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = w.WriteString("]}\n")
	return err
}

// orderedRow marshals a row as an object with keys in column order.
type orderedRow struct {
	cols []string
	m    map[string]any
}

func (o orderedRow) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, c := range o.cols {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c)
		v, err := json.Marshal(o.m[c])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// opExport's parameters.
var exportParams = []param{
	{name: "file", in: "path", typ: "string", required: true, example: "scores.csv", doc: "What to download and in which format"},
	pRun, pCouncil,
	{name: "check", in: "query", typ: "string", maxLen: maxParamLen, example: "lgd-ampersand",
		doc: "Only this check (its id from `/api/v1/checks`): the findings export only"},
}

// export serves GET /export/{scores,findings,reviews}.{csv,json,parquet}.
func (s *Server) export(c *gin.Context) {
	v, ok := s.queryFor(c, opExport)
	if !ok {
		return
	}
	kind, format, _ := strings.Cut(c.Param("file"), ".")
	req := ExportRequest{Kind: kind, Format: format, Run: v.str("run"), Council: v.str("council"), CheckID: v.str("check"),
		MethodVersion: s.method}
	m, ok := s.modelFor(c)
	if !ok {
		return
	}
	src := s.exportSource()
	src.Runs, src.Scored = m.crawl.all, m.crawl.runs
	if src.Runs == nil {
		src.Runs = []data.Run{} // the model's word: no run yet
	}
	p, err := PrepareExport(c.Request.Context(), src, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Wait for an export slot. It is given back when the export ends, or
	// as soon as a write fails (the client stopped reading): the query's
	// cancellation may take a moment longer.
	select {
	case s.exports <- struct{}{}:
	case <-c.Request.Context().Done():
		c.Abort()
		return
	}
	var release sync.Once
	free := func() { release.Do(func() { <-s.exports }) }
	defer free()
	h := c.Writer.Header()
	h.Set("Content-Type", p.ContentType())
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", p.FileName()))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Councildash-Method-Version", s.method)
	h.Set("Link", "<"+LicenceURL+">; rel=\"license\"")
	c.Status(http.StatusOK)
	// Headers are sent with the first row; an error after that can only cut
	// the stream short (logged), which a CSV/JSON/Parquet reader notices.
	// Each chunk must be written within the chunk timeout: a client that
	// stops reading gives its slot up within seconds.
	// A failed write also cancels the query, so the database stops
	// streaming rows nobody will read.
	ctx, cancel := context.WithCancel(c.Request.Context())
	defer cancel()
	w := &chunkWriter{w: c.Writer, rc: http.NewResponseController(c.Writer), timeout: s.timeouts.ExportChunk,
		failed: func() { cancel(); free() }, wrote: func(n int) { s.metrics.exportBytes.Add(float64(n)) }}
	if err := p.Write(ctx, w); err != nil {
		if !c.Writer.Written() {
			for _, k := range []string{"Content-Type", "Content-Disposition", "X-Councildash-Method-Version", "Link"} {
				h.Del(k)
			}
			s.fail(c, err)
			return
		}
		// The client is named by its keyed hash only, and addresses in the
		// error's text likewise.
		s.metrics.exportsCut.Inc()
		s.log.Warn("export cut short", "export", c.Param("file"), "client", s.addrHash(c.ClientIP()), "err", s.redactErr(err))
	}
}

// ExportsInFlight is how many exports hold a slot now (at most
// Deps.MaxExports).
func (s *Server) ExportsInFlight() int { return len(s.exports) }

// chunkWriter gives each write (Export writes in chunks of up to 64 KiB)
// its own deadline and sends it on at once.
type chunkWriter struct {
	w       io.Writer
	rc      *http.ResponseController
	timeout time.Duration
	failed  func()      // called when a write fails
	wrote   func(n int) // called with the bytes of each write
}

func (cw *chunkWriter) Write(p []byte) (int, error) {
	n, err := cw.write(p)
	cw.wrote(n)
	if err != nil {
		cw.failed()
	}
	return n, err
}

func (cw *chunkWriter) write(p []byte) (int, error) {
	if err := cw.rc.SetWriteDeadline(time.Now().Add(cw.timeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return 0, err
	}
	n, err := cw.w.Write(p)
	if err != nil {
		return n, err
	}
	if err := cw.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return n, err
	}
	return n, nil
}

func (s *Server) exportSource() ExportSource {
	return ExportSource{Store: s.store, Reviews: s.reviews, Councils: s.councils}
}
