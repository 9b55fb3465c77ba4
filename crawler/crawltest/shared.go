package crawltest

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// SharedPagesDir returns the folder of real council pages, found as
// ../shared/data/pages relative to the module root (the nearest parent of the
// working directory holding go.mod), or "" when it does not exist.
func SharedPagesDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "data", "pages")
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				return filepath.Clean(p)
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// RequireSharedPages returns SharedPagesDir, skipping the test when it is
// absent, or failing it when the environment variable CI is "true".
func RequireSharedPages(tb testing.TB) string {
	tb.Helper()
	dir := SharedPagesDir()
	if dir == "" {
		msg := "real council pages not found at ../shared/data/pages (relative to the module root)"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return dir
}

// SharedPage is one real council page usable as a site's home page.
type SharedPage struct {
	Slug    string // folder name, used for the host name
	Council string // council code
	Name    string // council name
	File    string // absolute path
}

// LoadSharedPages lists one real page per council folder (the first file by
// name), with council code and name from manifest.csv, sorted by slug.
func LoadSharedPages(dir string) ([]SharedPage, error) {
	f, err := os.Open(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	bySlug := map[string]SharedPage{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		file := get(rec, "file")
		parts := strings.Split(file, "/")
		if len(parts) < 3 {
			continue
		}
		slug := parts[1]
		abs := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(file, "pages/")))
		if _, err := os.Stat(abs); err != nil {
			continue
		}
		if old, ok := bySlug[slug]; ok && old.File <= abs {
			continue
		}
		bySlug[slug] = SharedPage{Slug: slug, Council: get(rec, "council_code"), Name: get(rec, "council"), File: abs}
	}
	out := make([]SharedPage, 0, len(bySlug))
	for _, p := range bySlug {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out, nil
}
