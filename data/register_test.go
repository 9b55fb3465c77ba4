package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/councildash/councildash/crawler/crawltest"
)

func TestEmbeddedRegister(t *testing.T) {
	cs := EmbeddedRegister()
	if len(cs) != 382 {
		t.Fatalf("embedded register has %d councils, want 382", len(cs))
	}
	nations := map[string]int{}
	for _, c := range cs {
		nations[c.Nation]++
	}
	// Counts from the register itself (../shared/data/councils.csv).
	want := map[string]int{"England": 317, "Scotland": 32, "Wales": 22, "Northern Ireland": 11}
	for n, w := range want {
		if nations[n] != w {
			t.Errorf("%s: %d councils, want %d", n, nations[n], w)
		}
	}
	wales := FilterCouncils(cs, CouncilFilter{Nation: "wales", Tier: "unitary"})
	if len(wales) != 22 {
		t.Errorf("filter nation=wales tier=unitary: %d, want 22", len(wales))
	}
	if got := FilterCouncils(cs, CouncilFilter{Search: "adur"}); len(got) != 1 || got[0].Code != "E07000223" {
		t.Errorf("search adur: %+v", got)
	}
}

func TestParseRegisterRejectsBadRows(t *testing.T) {
	header := "code,name,type,tier,nation,homepage_url\n"
	good := "X001,Good Parish Council,Parish,parish,England,https://good.example/\n"
	cases := []struct {
		name, body, wantLine, wantText string
	}{
		{"empty code", good + ",No Code,Parish,parish,England,https://x.example/\n", "line 3", "code is empty"},
		{"bad tier", good + "X002,Bad Tier,Parish,galactic,England,https://x.example/\n", "line 3", "tier"},
		{"bad nation", "X002,Bad Nation,Parish,parish,Narnia,https://x.example/\n", "line 2", "nation"},
		{"bad url", good + good[:0] + "X003,Bad URL,Parish,parish,Wales,ftp://x.example/\n", "line 3", "homepage_url"},
		{"duplicate", good + good, "line 3", "already used on line 2"},
		{"no name", "X004,,Parish,parish,Wales,https://x.example/\n", "line 2", "name is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs, err := ParseRegister(strings.NewReader(header+c.body), "mine.csv")
			if err == nil {
				t.Fatalf("accepted %d councils, want an error", len(cs))
			}
			if cs != nil {
				t.Errorf("returned %d councils with the error; nothing may be half-loaded", len(cs))
			}
			if !errors.Is(err, ErrRegister) || !strings.Contains(err.Error(), "mine.csv "+c.wantLine) || !strings.Contains(err.Error(), c.wantText) {
				t.Errorf("error %q: want ErrRegister naming %q and %q", err, c.wantLine, c.wantText)
			}
		})
	}
	if _, err := ParseRegister(strings.NewReader("code,name\nX,Y\n"), "short.csv"); err == nil || !strings.Contains(err.Error(), "missing column") {
		t.Errorf("missing columns: %v", err)
	}
}

func TestMergeRegisterOverrides(t *testing.T) {
	base := EmbeddedRegister()
	extra, err := ParseRegister(strings.NewReader("code,name,type,tier,nation,homepage_url\n"+
		"E07000223,Adur (renamed),Non-metropolitan district,district,England,https://adur.example/\n"+
		"P0001,Lewes Town Council,Town council,town,England,https://lewes-tc.example/\n"), "extra.csv")
	if err != nil {
		t.Fatal(err)
	}
	merged := MergeRegister(base, extra)
	if len(merged) != 383 {
		t.Fatalf("merged %d, want 383", len(merged))
	}
	got := FilterCouncils(merged, CouncilFilter{Codes: []string{"E07000223"}})
	if len(got) != 1 || got[0].Name != "Adur (renamed)" || got[0].Source != "extra.csv" {
		t.Errorf("override not applied: %+v", got)
	}
}

func FuzzParseRegister(f *testing.F) {
	f.Add("code,name,type,tier,nation,homepage_url\nX,Y,Z,parish,England,https://a.example/\n")
	f.Add("code,name\n\"unterminated")
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ParseRegister(strings.NewReader(s), "fuzz")
		if err == nil && len(cs) == 0 {
			t.Fatal("no error and no councils")
		}
		if err != nil && cs != nil {
			t.Fatal("councils returned with an error")
		}
	})
}

// TestEmbeddedRegisterMatchesShared keeps the embedded register in step with
// the shared one (../shared/data/councils.csv), whose SOURCES.md records
// corrections such as councils' current names.
func TestEmbeddedRegisterMatchesShared(t *testing.T) {
	dir := crawltest.RequireShared(t)
	f, err := os.Open(filepath.Join(dir, "data", "councils.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	shared, err := ParseRegister(f, "shared register")
	if err != nil {
		t.Fatalf("shared register: %v", err)
	}
	embedded := EmbeddedRegister()
	byCode := map[string]Council{}
	for _, c := range embedded {
		byCode[c.Code] = c
	}
	if len(shared) != len(embedded) {
		t.Errorf("shared register has %d councils, embedded %d", len(shared), len(embedded))
	}
	for _, s := range shared {
		e, ok := byCode[s.Code]
		if !ok {
			t.Errorf("%s %s is in the shared register but not the embedded one", s.Code, s.Name)
			continue
		}
		e.Source, s.Source = "", ""
		if e != s {
			t.Errorf("%s differs:\n embedded %+v\n shared   %+v", s.Code, e, s)
		}
	}
}

// TestCouncilsByHostListsSharedWebsites: every council of the register is
// listed under its home page's host (without www.), and the three websites
// two councils share list both, in register order.
func TestCouncilsByHostListsSharedWebsites(t *testing.T) {
	reg := EmbeddedRegister()
	byHost := CouncilsByHost(reg)
	n := 0
	shared := map[string][]string{}
	for h, cs := range byHost {
		n += len(cs)
		if len(cs) > 1 {
			for _, c := range cs {
				shared[h] = append(shared[h], c.Code)
			}
		}
	}
	if n != len(reg) {
		t.Errorf("%d councils listed by host, the register has %d", n, len(reg))
	}
	want := map[string][]string{
		"adur-worthing.gov.uk":            {"E07000223", "E07000229"},
		"southnorfolkandbroadland.gov.uk": {"E07000144", "E07000149"},
		"lewes-eastbourne.gov.uk":         {"E07000061", "E07000063"},
	}
	if len(shared) != len(want) {
		t.Errorf("shared websites %v, want %v", shared, want)
	}
	for h, codes := range want {
		if strings.Join(shared[h], ",") != strings.Join(codes, ",") {
			t.Errorf("%s: %v, want %v", h, shared[h], codes)
		}
	}
}
