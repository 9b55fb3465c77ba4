package demoweb

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SharedDir returns the project's shared data folder (council pages under
// data/pages, the Content Standard and checks catalogue under reference), or
// "" when it cannot be found. It is, in order:
//   - $COUNCILDASH_SHARED, when set;
//   - ../shared next to the module root (the nearest parent of the working
//     directory holding go.mod);
//   - ../shared next to the checkout this one was cloned from, when git's
//     remote "origin" is a folder on this machine (a clone made elsewhere,
//     e.g. `git clone . /tmp/x`, still finds the data). The origin is read
//     from the checkout's git config file; git itself is never run.
func SharedDir() string {
	return sharedDirFrom(os.Getenv("COUNCILDASH_SHARED"), moduleRoot())
}

func sharedDirFrom(env, root string) string {
	if env != "" {
		return existingDir(env)
	}
	if root == "" {
		return ""
	}
	if d := existingDir(filepath.Join(root, "..", "shared")); d != "" {
		return d
	}
	if origin := gitOrigin(root); filepath.IsAbs(origin) {
		return existingDir(filepath.Join(origin, "..", "shared"))
	}
	return ""
}

// gitOrigin returns the URL of the remote "origin" in the git config of the
// checkout at root ("" when there is none). A worktree's .git is a file
// naming its git folder, whose commondir holds the shared config.
func gitOrigin(root string) string {
	gitDir := filepath.Join(root, ".git")
	if b, err := os.ReadFile(gitDir); err == nil { // a worktree or submodule: "gitdir: PATH"
		d, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
		if !ok {
			return ""
		}
		gitDir = strings.TrimSpace(d)
		if !filepath.IsAbs(gitDir) {
			gitDir = filepath.Join(root, gitDir)
		}
		if c, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
			common := strings.TrimSpace(string(c))
			if !filepath.IsAbs(common) {
				common = filepath.Join(gitDir, common)
			}
			gitDir = common
		}
	}
	f, err := os.Open(filepath.Join(gitDir, "config"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inOrigin := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			inOrigin = strings.EqualFold(strings.Join(strings.Fields(line), " "), `[remote "origin"]`)
			continue
		}
		if k, v, ok := strings.Cut(line, "="); inOrigin && ok && strings.TrimSpace(k) == "url" {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
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
	rows, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	bySlug := map[string]SharedPage{}
	for _, get := range rows {
		file := get("file")
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
		bySlug[slug] = SharedPage{Slug: slug, Council: get("council_code"), Name: get("council"), File: abs}
	}
	out := make([]SharedPage, 0, len(bySlug))
	for _, p := range bySlug {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out, nil
}

// readManifest reads manifest.csv in dir: one getter per row, giving a
// column's value by its header name ("" when the row has no such column),
// with surrounding space trimmed.
func readManifest(dir string) ([]func(string) string, error) {
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
	var rows []func(string) string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		})
	}
}
