package crawltest

import (
	"encoding/csv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// SharedDir returns the project's shared data folder (council pages under
// data/pages, the Content Standard and checks catalogue under reference), or
// "" when it cannot be found. It is, in order:
//   - $COUNCILDASH_SHARED, when set;
//   - ../shared next to the module root (the nearest parent of the working
//     directory holding go.mod);
//   - ../shared next to the checkout this one was cloned from, when git's
//     remote "origin" is a folder on this machine (a clone made elsewhere,
//     e.g. `git clone . /tmp/x`, still finds the data).
func SharedDir() string {
	if d := os.Getenv("COUNCILDASH_SHARED"); d != "" {
		return existingDir(d)
	}
	root := moduleRoot()
	if root == "" {
		return ""
	}
	if d := existingDir(filepath.Join(root, "..", "shared")); d != "" {
		return d
	}
	out, err := exec.Command("git", "-C", root, "config", "--get", "remote.origin.url").Output()
	if origin := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(origin) {
		return existingDir(filepath.Join(origin, "..", "shared"))
	}
	return ""
}

// SharedPagesDir returns SharedDir's folder of real council pages, or "".
func SharedPagesDir() string {
	if d := SharedDir(); d != "" {
		return existingDir(filepath.Join(d, "data", "pages"))
	}
	return ""
}

// moduleRoot is the nearest parent of the working directory holding go.mod.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func existingDir(p string) string {
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return filepath.Clean(p)
	}
	return ""
}

// RequireShared returns SharedDir, skipping the test when it is absent, or
// failing it when the environment variable CI is "true".
func RequireShared(tb testing.TB) string {
	tb.Helper()
	dir := SharedDir()
	if dir == "" {
		msg := "shared data not found: set COUNCILDASH_SHARED, or keep the project beside ../shared"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return dir
}

// RequireSharedPages returns SharedPagesDir, skipping the test when it is
// absent, or failing it when the environment variable CI is "true".
func RequireSharedPages(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(RequireShared(tb), "data", "pages")
	if existingDir(dir) == "" {
		msg := "real council pages not found in " + dir
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
