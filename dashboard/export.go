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
)

// ExportRequest says what to export.
type ExportRequest struct {
	Kind    string // scores, findings or reviews
	Format  string // csv or json
	RunID   string
	Council string
	CheckID string
	// MethodVersion is the scoring method current when exporting (rows
	// carry the method that produced each of them).
	MethodVersion string
}

// Export kinds and formats.
var (
	ExportKinds   = []string{"scores", "findings", "reviews"}
	ExportFormats = []string{"csv", "json"}
)

// table is a stream of rows with named columns.
type table struct {
	cols   []string
	stream func(ctx context.Context, emit func(row []any) error) error
}

var scoreCols = append([]string{"run_id", "method_version", "council_code", "category", "check_id", "score", "scored_at"}, scoreIntervalCols...)

var findingCols = []string{"run_id", "method_version", "council_code", "check_id", "category", "severity", "url",
	"selector", "snippet", "matched", "message", "task", "created_at"}

// columnMeaning documents export columns (the data dictionary; docs/DATA.md
// says the same at more length).
var columnMeaning = map[string]string{
	"run_id":         "Identifier of the crawl run",
	"method_version": "Version of the scoring method that produced the row",
	"council_code":   "Council code from the register (GSS code where there is one)",
	"category":       "Scoring category, or overall for the site score",
	"check_id":       "Check identifier; empty on category and overall scores",
	"score":          "Score from 0 (worst) to 100 (best)",
	"scored_at":      "When the score was computed (UTC)",
	"severity":       "info, warning or error",
	"url":            "Page the finding is on (the home page for site checks)",
	"selector":       "CSS selector of the element, when there is one",
	"snippet":        "Text or HTML found, trimmed",
	"matched":        "The words or characters matched, separated by a vertical bar in CSV",
	"message":        "What is wrong, in one line",
	"task":           "Top task identifier for findability findings",
	"created_at":     "When the finding was stored (UTC)",
	"score_low":      "Low end of the score's interval (bootstrap over the site's pages); empty when none is stored",
	"score_high":     "High end of the score's interval; empty when none is stored",
	"interval_level": "Share of the redrawn scores inside the interval (0.9: the middle 90%)",
	"too_few_pages":  "true when the site had too few pages to tell: it is not ranked",
	"rank_best":      "Best position the score may hold among the run's councils, given the intervals (overall and category scores)",
	"rank_worst":     "Worst position it may hold; rank_best < rank_worst is a joint position shared with councils whose intervals overlap",
}

// dictionary documents the columns of each export (reviews when on).
func dictionary(reviewsOn bool) []columnGroup {
	doc := func(name string, cols []string) columnGroup {
		g := columnGroup{Export: name}
		for _, c := range cols {
			g.Columns = append(g.Columns, columnDoc{Name: c, Meaning: columnMeaning[c]})
		}
		return g
	}
	out := []columnGroup{doc("scores", scoreCols), doc("findings", findingCols)}
	if reviewsOn {
		out = append(out, doc("reviews", reviews.ExportColumns()))
	}
	return out
}

func (req ExportRequest) validate() error {
	ok := false
	for _, k := range ExportKinds {
		ok = ok || k == req.Kind
	}
	if !ok {
		return fmt.Errorf("%w: export %q: choose scores, findings or reviews", ErrNotFound, req.Kind)
	}
	if req.Format != "csv" && req.Format != "json" {
		return fmt.Errorf("%w: format %q: choose csv or json", ErrNotFound, req.Format)
	}
	for _, v := range []string{req.RunID, req.Council, req.CheckID} {
		if len(v) > 200 {
			return fmt.Errorf("%w: filter too long", ErrBadRequest)
		}
	}
	return nil
}

func exportTable(store *data.Store, rev *reviews.Service, req ExportRequest) (table, error) {
	switch req.Kind {
	case "scores":
		x := &scoreExtras{store: store}
		return table{cols: scoreCols, stream: func(ctx context.Context, emit func([]any) error) error {
			return store.StreamScores(ctx, data.ScoreFilter{RunID: req.RunID, Council: req.Council}, func(r data.ScoreExport) error {
				extra, err := x.cells(ctx, r)
				if err != nil {
					return err
				}
				return emit(append([]any{r.RunID, r.MethodVersion, r.Council, r.Category, r.CheckID, r.Score, r.ScoredAt}, extra...))
			})
		}}, nil
	case "findings":
		return table{cols: findingCols, stream: func(ctx context.Context, emit func([]any) error) error {
			return store.StreamFindings(ctx, data.FindingFilter{RunID: req.RunID, Council: req.Council, CheckID: req.CheckID}, func(f data.Finding) error {
				m := f.Matched
				if m == nil {
					m = []string{}
				}
				return emit([]any{f.RunID, f.MethodVersion, f.Council, f.CheckID, f.Category, f.Severity, f.URL,
					f.Selector, f.Snippet, m, f.Message, f.Task, f.CreatedAt})
			})
		}}, nil
	case "reviews":
		if rev == nil {
			return table{}, fmt.Errorf("%w: reviews are not enabled", ErrNotFound)
		}
		// The reviews export filters by council on its column named
		// council_code, when there is one.
		cols := reviews.ExportColumns()
		ci := slices.Index(cols, "council_code")
		return table{cols: cols, stream: func(ctx context.Context, emit func([]any) error) error {
			return rev.Export(ctx, func(row []any) error {
				if req.Council != "" && ci >= 0 && ci < len(row) && fmt.Sprint(row[ci]) != req.Council {
					return nil
				}
				return emit(row)
			})
		}}, nil
	}
	return table{}, fmt.Errorf("%w: export %q", ErrNotFound, req.Kind)
}

// Export writes an export to w, row by row. It is what both GET /export/...
// and `councildash export` use. rev is needed for the reviews export only.
func Export(ctx context.Context, w io.Writer, store *data.Store, rev *reviews.Service, req ExportRequest) error {
	if err := req.validate(); err != nil {
		return err
	}
	t, err := exportTable(store, rev, req)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if req.Format == "csv" {
		err = writeCSV(ctx, bw, t)
	} else {
		err = writeJSON(ctx, bw, t, req)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
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
	if err := cw.Write(t.cols); err != nil {
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

func writeJSON(ctx context.Context, w *bufio.Writer, t table, req ExportRequest) error {
	// No timestamp in the metadata: the same data exports to the same bytes,
	// from the web or from the command line.
	meta := map[string]any{"export": req.Kind, "method_version": req.MethodVersion,
		"columns": t.cols, "filter": map[string]string{"run": req.RunID, "council": req.Council, "check": req.CheckID}}
	mb, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "{\"meta\":%s,\"rows\":[", mb); err != nil {
		return err
	}
	first := true
	n := 0
	obj := make(map[string]any, len(t.cols))
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	err = t.stream(ctx, func(row []any) error {
		if !first {
			if err := w.WriteByte(','); err != nil {
				return err
			}
		}
		first = false
		for i, c := range t.cols {
			var v any
			if i < len(row) {
				v = row[i]
			}
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC().Format(time.RFC3339)
			}
			obj[c] = v
		}
		if err := enc.Encode(orderedRow{cols: t.cols, m: obj}); err != nil {
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

// export serves GET /export/{scores,findings,reviews}.{csv,json}.
func (s *Server) export(c *gin.Context) {
	name := c.Param("file")
	kind, format, ok := strings.Cut(name, ".")
	if !ok {
		s.fail(c, ErrNotFound)
		return
	}
	req := ExportRequest{Kind: kind, Format: format, RunID: c.Query("run"), Council: c.Query("council"), CheckID: c.Query("check"),
		MethodVersion: s.method}
	if req.RunID == "latest" {
		m, ok := s.modelFor(c)
		if !ok {
			return
		}
		if run, ok := m.latestRun(); ok {
			req.RunID = run.ID
		}
	}
	if err := req.validate(); err != nil {
		s.fail(c, err)
		return
	}
	if req.Kind == "reviews" && s.reviews == nil {
		s.fail(c, ErrNotFound)
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
	ct := "text/csv; charset=utf-8"
	if format == "json" {
		ct = "application/json; charset=utf-8"
	}
	c.Header("Content-Type", ct)
	c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "councildash-"+name))
	c.Header("Cache-Control", "no-store")
	c.Header("X-Councildash-Method-Version", s.method)
	c.Status(http.StatusOK)
	// Headers are sent with the first row; an error after that can only cut
	// the stream short (logged), which a CSV/JSON reader notices. Each
	// chunk must be written within the chunk timeout: a client that stops
	// reading gives its slot up within seconds.
	// A failed write also cancels the query, so the database stops
	// streaming rows nobody will read.
	ctx, cancel := context.WithCancel(c.Request.Context())
	defer cancel()
	w := &chunkWriter{w: c.Writer, rc: http.NewResponseController(c.Writer), timeout: s.timeouts.ExportChunk,
		failed: func() { cancel(); free() }, wrote: func(n int) { s.metrics.exportBytes.Add(float64(n)) }}
	if err := Export(ctx, w, s.store, s.reviews, req); err != nil {
		if !c.Writer.Written() {
			for _, h := range []string{"Content-Type", "Content-Disposition", "X-Councildash-Method-Version"} {
				c.Writer.Header().Del(h)
			}
			s.fail(c, err)
			return
		}
		// The client is named by its keyed hash only, and addresses in the
		// error's text likewise.
		s.metrics.exportsCut.Inc()
		s.log.Warn("export cut short", "export", name, "client", s.addrHash(c.ClientIP()), "err", s.redactErr(err))
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
