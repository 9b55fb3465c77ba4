package dashboard_test

import (
	"encoding/csv"
	"encoding/json"
	"html"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
)

// TestResearcherExports: what a researcher expects of the downloads. /data
// states the licence and how to cite, and links every run's scores and
// findings in every format; each export is named by its run's date and id,
// carries the licence (a Link header, and JSON's meta with a citation of
// the run), and every row names its council (from the register), its run's
// date and whether it is demo data.
func TestResearcherExports(t *testing.T) {
	f := newFixture(t)
	_, hs := f.serve(t, true)
	byCode := map[string]data.Council{}
	for _, c := range f.councils {
		byCode[c.Code] = c
	}

	// /data: the licence, a citation and a download link per run and format.
	dp := get(t, hs.URL, "/data")
	mustStatus(t, dp, 200, "/data")
	body := html.UnescapeString(dp.body)
	if !strings.Contains(body, `href="`+dashboard.LicenceURL+`" rel="license"`) || !strings.Contains(body, "Creative Commons Attribution 4.0 International") ||
		!strings.Contains(body, "Licensed under "+dashboard.LicenceName) {
		t.Errorf("/data does not state the licence and how to cite it")
	}
	if len(f.runs) < 2 {
		t.Fatalf("fixture has %d runs", len(f.runs))
	}
	for _, run := range f.runs {
		for _, kind := range []string{"scores", "findings"} {
			for _, format := range dashboard.ExportFormats {
				link := "/export/" + kind + "." + format + "?run=" + url.QueryEscape(run.ID)
				if !strings.Contains(body, `href="`+link+`"`) {
					t.Errorf("/data lacks the link %s", link)
				}
			}
		}
	}

	for i, run := range f.runs {
		day := run.StartedAt.UTC().Format("2006-01-02")
		for _, kind := range []string{"scores", "findings"} {
			// CSV: the file name, the licence and the researcher columns.
			path := "/export/" + kind + ".csv?run=" + url.QueryEscape(run.ID)
			pg := get(t, hs.URL, path)
			mustStatus(t, pg, 200, path)
			if cd, want := pg.header.Get("Content-Disposition"), `attachment; filename="councildash-`+kind+"-"+day+"-"+run.ID+`.csv"`; cd != want {
				t.Errorf("%s: Content-Disposition %q, want %q", path, cd, want)
			}
			if l := pg.header.Get("Link"); l != "<"+dashboard.LicenceURL+`>; rel="license"` {
				t.Errorf("%s: Link %q", path, l)
			}
			recs, err := csv.NewReader(strings.NewReader(pg.body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) < 2 {
				t.Fatalf("%s: %d lines", path, len(recs))
			}
			col := func(name string) int {
				j := slices.Index(recs[0], name)
				if j < 0 {
					t.Fatalf("%s: no column %s in %v", path, name, recs[0])
				}
				return j
			}
			code, name, typ, nation, region := col("council_code"), col("council_name"), col("council_type"), col("council_nation"), col("council_region")
			runID, started, demo, method := col("run_id"), col("run_started_at"), col("demo"), col("method_version")
			for n, r := range recs[1:] {
				c, ok := byCode[r[code]]
				if !ok || r[name] != c.Name || r[typ] != c.Type || r[nation] != c.Nation || r[region] != c.Region {
					t.Fatalf("%s row %d: council %q %q %q %q %q, the register says %+v", path, n, r[code], r[name], r[typ], r[nation], r[region], c)
				}
				if r[runID] != run.ID || r[started] != run.StartedAt.UTC().Format(time.RFC3339) || r[demo] != "false" || r[method] == "" {
					t.Fatalf("%s row %d: run %q started %q demo %q method %q; want %s started %s, not demo", path, n, r[runID], r[started], r[demo], r[method],
						run.ID, run.StartedAt.UTC().Format(time.RFC3339))
				}
			}

			// JSON: the licence and a citation naming the run, in meta.
			ref := []string{"previous", "latest"}[i%2]
			if len(f.runs) != 2 {
				ref = run.ID
			}
			jp := get(t, hs.URL, "/export/"+kind+".json?run="+ref)
			mustStatus(t, jp, 200, kind+".json?run="+ref)
			if cd := jp.header.Get("Content-Disposition"); !strings.Contains(cd, "councildash-"+kind+"-"+day+"-"+run.ID+".json") {
				t.Errorf("%s.json?run=%s: Content-Disposition %q names another run than %s", kind, ref, cd, run.ID)
			}
			var doc struct {
				Meta struct {
					Licence    string `json:"licence"`
					LicenceURL string `json:"licence_url"`
					Citation   string `json:"citation"`
					Filter     struct {
						Run string `json:"run"`
					} `json:"filter"`
				} `json:"meta"`
				Rows []map[string]any `json:"rows"`
			}
			if err := json.Unmarshal([]byte(jp.body), &doc); err != nil {
				t.Fatal(err)
			}
			m := doc.Meta
			if m.Licence != dashboard.LicenceName || m.LicenceURL != dashboard.LicenceURL || m.Filter.Run != run.ID ||
				!strings.Contains(m.Citation, "crawl run "+run.ID+" of "+day) || !strings.Contains(m.Citation, dashboard.LicenceName) {
				t.Errorf("%s.json?run=%s: meta %+v", kind, ref, m)
			}
			if len(doc.Rows) != len(recs)-1 {
				t.Errorf("%s.json?run=%s: %d rows, the CSV %d", kind, ref, len(doc.Rows), len(recs)-1)
			}
			for _, r := range doc.Rows {
				if r["demo"] != false || r["council_name"] == "" || r["run_started_at"] != run.StartedAt.UTC().Format(time.RFC3339) {
					t.Fatalf("%s.json?run=%s: row %v", kind, ref, r)
				}
			}
		}
	}

	// Every run at once: named so, and each row keeps its own run's date.
	pg := get(t, hs.URL, "/export/scores.csv?council="+f.councils[0].Code)
	mustStatus(t, pg, 200, "scores.csv?council")
	if cd, want := pg.header.Get("Content-Disposition"), `attachment; filename="councildash-scores-all-runs-`+f.councils[0].Code+`.csv"`; cd != want {
		t.Errorf("every run: Content-Disposition %q, want %q", cd, want)
	}
	recs, err := csv.NewReader(strings.NewReader(pg.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	startOf := map[string]string{}
	for _, r := range f.runs {
		startOf[r.ID] = r.StartedAt.UTC().Format(time.RFC3339)
	}
	seen := map[string]bool{}
	ri, si := slices.Index(recs[0], "run_id"), slices.Index(recs[0], "run_started_at")
	for _, r := range recs[1:] {
		seen[r[ri]] = true
		if r[si] != startOf[r[ri]] {
			t.Fatalf("every run: run %s started %q, want %q", r[ri], r[si], startOf[r[ri]])
		}
	}
	if len(seen) != len(f.runs) {
		t.Errorf("every run's export holds %d runs, want %d", len(seen), len(f.runs))
	}
}
