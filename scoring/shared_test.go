package scoring

import (
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/councildash/councildash/crawler/crawltest"
)

var update = flag.Bool("update", false, "regenerate docs/METHOD.md and the golden files in testdata/")

// sharedPagesDir is where the real council pages live, outside the
// repository ("" when absent; see crawltest.SharedDir).
var sharedPagesDir = crawltest.SharedPagesDir()

// sharedPages lists the shared real pages, skipping the test (failing under
// CI=true) when the folder is absent.
func sharedPages(tb testing.TB) []string {
	tb.Helper()
	files, err := globPages()
	if err != nil || len(files) == 0 {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("shared pages folder %s is missing or empty (CI=true)", sharedPagesDir)
		}
		tb.Skipf("shared pages folder %s is absent: skipping", sharedPagesDir)
	}
	sort.Strings(files)
	return files
}

func readPage(tb testing.TB, file string) PageInput {
	tb.Helper()
	in, err := sharedPageInput(file)
	if err != nil {
		tb.Fatal(err)
	}
	return in
}

// sharedPageInput is a shared page as a crawl would hand it to scoring.
func sharedPageInput(file string) (PageInput, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return PageInput{}, err
	}
	rel, _ := filepath.Rel(sharedPagesDir, file)
	rel = filepath.ToSlash(rel)
	council := strings.Split(rel, "/")[0]
	u := manifestURL(rel)
	if u == "" {
		u = "https://" + council + ".example.gov.uk/" + strings.TrimSuffix(filepath.Base(file), ".html")
	}
	return PageInput{Council: council, URL: u, FinalURL: u, Depth: 1, Status: 200, IsHTML: true, ContentType: "text/html", Body: b, Bytes: int64(len(b))}, nil
}

func globPages() ([]string, error) {
	if sharedPagesDir == "" {
		return nil, nil
	}
	files, err := filepath.Glob(filepath.Join(sharedPagesDir, "*", "*.html"))
	sort.Strings(files)
	return files, err
}

// manifestURL is the original address of a shared page, from manifest.csv.
func manifestURL(rel string) string {
	f, err := os.Open(filepath.Join(sharedPagesDir, "manifest.csv"))
	if err != nil {
		return ""
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) == 0 {
		return ""
	}
	file, orig := -1, -1
	for i, h := range rows[0] {
		switch h {
		case "file":
			file = i
		case "original_url":
			orig = i
		}
	}
	for _, r := range rows[1:] {
		if file >= 0 && orig >= 0 && len(r) > orig && len(r) > file && r[file] == "pages/"+rel {
			if f := strings.Fields(r[orig]); len(f) > 0 {
				return f[0]
			}
		}
	}
	return ""
}
