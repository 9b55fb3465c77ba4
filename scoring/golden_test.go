package scoring

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// goldenCouncils is the fixed set of real pages whose findings are kept in
// testdata/golden (regenerate with -update, then review the diff by hand).
var goldenCouncils = []string{
	"amber-valley", "barnet", "bassetlaw", "bedford", "boston", "castle-point",
	"chorley", "east-riding-of-yorkshire", "stratford-on-avon", "welwyn-hatfield", "worcester", "york",
}

type golden struct {
	File       string
	Title      string
	Lang       string
	NotApplied []string
	LangNote   string
	Counts     map[string]int
	Flesch     float64
	ReadingAge int
	Tasks      []string
	Findings   []Finding
}

func TestGolden(t *testing.T) {
	sharedPages(t)
	e := NewEngine(CurrentMethod())
	for _, c := range goldenCouncils {
		files, _ := filepath.Glob(filepath.Join(sharedPagesDir, c, "*.html"))
		if len(files) == 0 {
			t.Errorf("no shared page for %s", c)
			continue
		}
		in := readPage(t, files[0])
		if filepath.Base(files[0]) == "homepage-circa-2009-2013.html" {
			in.Depth = 0
		}
		r := e.ScorePage(in)
		rel, _ := filepath.Rel(sharedPagesDir, files[0])
		g := golden{File: filepath.ToSlash(rel), Title: r.Title, Lang: r.Lang, NotApplied: r.NotApplied, LangNote: r.LangNote,
			Counts: r.Summary.Counts, Flesch: r.Summary.Flesch, ReadingAge: r.Summary.ReadingAge, Tasks: r.Summary.Tasks, Findings: r.Findings}
		got, err := json.MarshalIndent(g, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join("testdata", "golden", c+".json")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run go test ./scoring -run TestGolden -update)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			var w golden
			_ = json.Unmarshal(want, &w)
			for id, n := range g.Counts {
				if w.Counts[id] != n {
					t.Errorf("%s: %s now %d findings, golden %d", c, id, n, w.Counts[id])
				}
			}
			t.Errorf("%s: result differs from %s (review, then -update)", c, path)
		}
	}
}
