package scoring

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/councildash/councildash/crawler/crawltest"
)

// sharedReferenceDir holds the Content Standard and the checks catalogue
// ("" when the shared data is absent; see crawltest.SharedDir).
var sharedReferenceDir = func() string {
	if d := crawltest.SharedDir(); d != "" {
		return filepath.Join(d, "reference")
	}
	return ""
}()

// readReference reads a file of ../shared/reference, skipping the test when
// the folder is absent (failing under CI=true).
func readReference(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(sharedReferenceDir, name)
	b, err := os.ReadFile(path)
	if sharedReferenceDir == "" || err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v (CI=true)", path, err)
		}
		t.Skipf("shared reference folder %s is absent: skipping", sharedReferenceDir)
	}
	return string(b)
}

// TestCatalogueMatchesChecksMD: every check of ../shared/reference/checks.md
// exists here with the same id, category and level, and there are no others.
func TestCatalogueMatchesChecksMD(t *testing.T) {
	md := readReference(t, "checks.md")
	row := regexp.MustCompile(`^\| ([a-z0-9]+(?:-[a-z0-9]+)+) \| (page|site)[^|]*\|`)
	section := ""
	want := map[string][2]string{}
	sc := bufio.NewScanner(strings.NewReader(md))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			section = strings.TrimSuffix(strings.Fields(line[3:])[0], ":")
			continue
		}
		if m := row.FindStringSubmatch(line); m != nil {
			want[m[1]] = [2]string{section, m[2]}
		}
	}
	if len(want) < 60 {
		t.Fatalf("parsed only %d checks from checks.md", len(want))
	}
	got := map[string]bool{}
	additions := ProjectAdditions()
	for _, c := range Catalog() {
		got[c.ID] = true
		w, ok := want[c.ID]
		switch {
		case !ok && additions[c.ID] != "":
			// a documented project addition (listed in docs/METHOD.md)
		case !ok:
			t.Errorf("%s is not in checks.md, nor a documented project addition (checkDef.addition)", c.ID)
		case additions[c.ID] != "":
			t.Errorf("%s is in checks.md: it is not a project addition", c.ID)
		case w[0] != c.Category || w[1] != c.Level:
			t.Errorf("%s: category %s level %s, checks.md says %s %s", c.ID, c.Category, c.Level, w[0], w[1])
		}
	}
	for id := range want {
		if !got[id] {
			t.Errorf("checks.md check %s is not implemented", id)
		}
	}
}

// TestWordsToAvoidMatchesTSV: every word of words-to-avoid.tsv is checked,
// with its "say instead" advice, and a word is fine in the contexts the list
// allows.
func TestWordsToAvoidMatchesTSV(t *testing.T) {
	tsv := readReference(t, "words-to-avoid.tsv")
	have := map[string]avoidWord{}
	for _, a := range avoidWords() {
		have[a.word] = a
	}
	n := 0
	for _, line := range strings.Split(tsv, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		for len(f) < 3 {
			f = append(f, "")
		}
		n++
		word, fine, instead := f[0], strings.TrimSpace(f[1]), strings.TrimSpace(f[2])
		a, ok := have[word]
		if !ok {
			t.Errorf("words-to-avoid.tsv word %q is not checked", word)
			continue
		}
		if a.instead != instead {
			t.Errorf("%q: says instead %q, the list says %q", word, a.instead, instead)
		}
		if fine != "" && a.fine == nil && !a.verb {
			t.Errorf("%q: the list says it is fine for %q, but no exception is coded", word, fine)
		}
	}
	if n != len(have) {
		t.Errorf("%d words in the list, %d checked", n, len(have))
	}
}
