package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The house's layout, checked from `go list` so it stays as designed:
// cmd -> everything; dashboard -> data, reviews, scoring; data -> crawler,
// scoring, reviews; crawler and scoring import none of the others; reviews
// imports neither data nor dashboard; nothing imports cmd; test helpers
// never reach the product binary.

const module = "github.com/councildash/councildash"

// leafArchive is the WARC package: a leaf of the crawler's area that the
// dashboard may import to show the pages as crawled.
const leafArchive = module + "/crawler/archive"

// goTool is the go command of the toolchain running the test.
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	t.Fatal("no go command: put Go's bin folder on the PATH")
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// goList runs `go list` at the module's root.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command(goTool(t), append([]string{"list"}, args...)...)
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list %v: %v\n%s", args, err, msg)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// area is the top folder of a package of the module ("" for others).
func area(pkg string) string {
	rest, ok := strings.CutPrefix(pkg, module+"/")
	if !ok {
		return ""
	}
	a, _, _ := strings.Cut(rest, "/")
	return a
}

// imports maps each package of the module to the packages of the module it
// imports (non-test files: what the product is made of).
func imports(t *testing.T) map[string][]string {
	out := map[string][]string{}
	for _, line := range goList(t, "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		out[f[0]] = nil
		for _, imp := range f[1:] {
			if area(imp) != "" {
				out[f[0]] = append(out[f[0]], imp)
			}
		}
	}
	return out
}

// TestArrows: which part of the house may import which.
func TestArrows(t *testing.T) {
	allowed := map[string][]string{
		"cmd":       {"cmd", "crawler", "dashboard", "data", "reviews", "scoring"},
		"dashboard": {"dashboard", "data", "reviews", "scoring"},
		"data":      {"data", "crawler", "scoring", "reviews"},
		"crawler":   {"crawler"},
		"scoring":   {"scoring"},
		"reviews":   {"reviews", "scoring"},
	}
	// The arrows the design relies on must be there, not only allowed.
	required := map[string][]string{
		"dashboard": {"data", "reviews", "scoring"},
		"data":      {"crawler", "scoring", "reviews"},
		"cmd":       {"crawler", "dashboard", "data", "reviews", "scoring"},
	}
	got := map[string]map[string]bool{}
	for pkg, imps := range imports(t) {
		from := area(pkg)
		if _, ok := allowed[from]; !ok {
			t.Errorf("%s: a part of the house the layout does not know (add it to this test)", pkg)
			continue
		}
		if got[from] == nil {
			got[from] = map[string]bool{}
		}
		for _, imp := range imps {
			if imp == leafArchive && from == "dashboard" {
				continue // shows archived pages (Replay); a leaf, checked below
			}
			to := area(imp)
			got[from][to] = true
			if !slices.Contains(allowed[from], to) {
				t.Errorf("%s imports %s: %s must not import %s", pkg, imp, from, to)
			}
			if strings.HasSuffix(imp, "test") && !strings.HasSuffix(pkg, "test") {
				t.Errorf("%s imports the test helper %s", pkg, imp)
			}
		}
	}
	// The web archive's format package is a leaf: it imports nothing of the
	// house, so the dashboard may use it without reaching the crawler.
	if imps := imports(t)[leafArchive]; len(imps) != 0 {
		t.Errorf("%s imports %v: it must stay a leaf", leafArchive, imps)
	}
	for from, tos := range required {
		for _, to := range tos {
			if !got[from][to] {
				t.Errorf("%s does not import %s: the layout changed, or this test is out of date", from, to)
			}
		}
	}
	// No cycle between the parts (Go forbids them between packages only).
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(a string, path []string)
	visit = func(a string, path []string) {
		switch state[a] {
		case 1:
			t.Errorf("import cycle between parts: %s", strings.Join(append(path, a), " -> "))
			return
		case 2:
			return
		}
		state[a] = 1
		var next []string
		for to := range got[a] {
			if to != a {
				next = append(next, to)
			}
		}
		sort.Strings(next)
		for _, to := range next {
			visit(to, append(path, a))
		}
		state[a] = 2
	}
	for a := range allowed {
		visit(a, nil)
	}
}

// TestBinaryHasNoTestCode: the product binary links neither testing nor
// httptest (nor any test helper of the house).
func TestBinaryHasNoTestCode(t *testing.T) {
	deps := goList(t, "-deps", "./cmd/councildash")
	if len(deps) < 50 {
		t.Fatalf("go list -deps gave %d packages: %v", len(deps), deps)
	}
	for _, d := range deps {
		if d == "testing" || d == "net/http/httptest" || strings.HasPrefix(d, "testing/") ||
			(area(d) != "" && strings.HasSuffix(d, "test")) {
			t.Errorf("the councildash binary links %s", d)
		}
	}
}

// TestNoCopiedTypes: a council and a run are declared once, in data.
func TestNoCopiedTypes(t *testing.T) {
	root := filepath.Join("..", "..")
	decls := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "static") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, sp := range g.Specs {
				ts := sp.(*ast.TypeSpec)
				rel, _ := filepath.Rel(root, filepath.Dir(p))
				decls[ts.Name.Name] = append(decls[ts.Name.Name], filepath.ToSlash(rel))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Council", "Run"} {
		if !slices.Equal(decls[name], []string{"data"}) {
			t.Errorf("type %s is declared in %v, want data only", name, decls[name])
		}
	}
}
