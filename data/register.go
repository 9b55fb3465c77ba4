package data

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
)

//go:embed councils.csv
var embeddedRegister string

// Council is one row of the council register.
type Council struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Tier         string `json:"tier"`
	Nation       string `json:"nation"`
	HomepageURL  string `json:"homepage_url"`
	Region       string `json:"region"`
	ParentCounty string `json:"parent_county"`
	LACode       string `json:"la_code"`
	Slug         string `json:"govuk_slug"`
	Source       string `json:"source"` // "register" for the embedded register, else the file name
	// ParentCode is the code of a parish or town council's parent council
	// (the district or unitary council whose area it is in), or "".
	ParentCode string `json:"parent_code,omitempty"`
}

// ErrRegister is wrapped by every register validation error.
var ErrRegister = errors.New("invalid council register")

// registerColumns are the columns a register file must have; others are ignored.
var registerColumns = []string{"code", "name", "type", "tier", "nation", "homepage_url"}

var validTiers = map[string]bool{"county": true, "district": true, "unitary": true, "parish": true, "town": true, "combined": true, "other": true}
var validNations = map[string]bool{"England": true, "Scotland": true, "Wales": true, "Northern Ireland": true}

// EmbeddedRegister returns the 382 UK principal councils shipped with
// councildash (see ../shared/data/SOURCES.md for provenance).
func EmbeddedRegister() []Council {
	cs, err := ParseRegister(strings.NewReader(embeddedRegister), "register")
	if err != nil {
		// The embedded file is tested; this cannot happen in a released build.
		panic("embedded register: " + err.Error())
	}
	return cs
}

// ParseRegister reads a register CSV. Every row is validated; the first bad
// row yields an error naming its line, and no councils are returned, so
// nothing is half-loaded.
func ParseRegister(r io.Reader, source string) ([]Council, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: cannot read header: %v", ErrRegister, source, err)
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range registerColumns {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("%w: %s line 1: missing column %q (need %s)", ErrRegister, source, c, strings.Join(registerColumns, ", "))
		}
	}
	get := func(rec []string, col string) string {
		i, ok := idx[col]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var out []Council
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrRegister, source, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		c := Council{
			Code: get(rec, "code"), Name: get(rec, "name"), Type: get(rec, "type"),
			Tier: strings.ToLower(get(rec, "tier")), Nation: get(rec, "nation"),
			HomepageURL: get(rec, "homepage_url"), Region: get(rec, "region"),
			ParentCounty: get(rec, "parent_county"), LACode: get(rec, "la_code"),
			Slug: get(rec, "govuk_slug"), Source: source, ParentCode: get(rec, "parent_code"),
		}
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("%w: %s line %d: %v", ErrRegister, source, line, err)
		}
		if prev, dup := seen[c.Code]; dup {
			return nil, fmt.Errorf("%w: %s line %d: code %q already used on line %d", ErrRegister, source, line, c.Code, prev)
		}
		seen[c.Code] = line
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %s: no councils", ErrRegister, source)
	}
	return out, nil
}

func (c Council) validate() error {
	switch {
	case c.Code == "":
		return errors.New("code is empty")
	case len(c.Code) > 32 || strings.ContainsAny(c.Code, " \t/\\\"'<>"):
		return fmt.Errorf("code %q is not a valid code (letters and digits, up to 32)", c.Code)
	case c.Name == "":
		return errors.New("name is empty")
	case !validTiers[c.Tier]:
		return fmt.Errorf("tier %q is not one of county, district, unitary, parish, town, combined, other", c.Tier)
	case !validNations[c.Nation]:
		return fmt.Errorf("nation %q is not one of England, Scotland, Wales, Northern Ireland", c.Nation)
	}
	if c.ParentCode == c.Code {
		return fmt.Errorf("parent_code %q is the council itself", c.ParentCode)
	}
	u, err := url.Parse(c.HomepageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("homepage_url %q is not an http(s) URL", c.HomepageURL)
	}
	return nil
}

// MergeRegister overlays extra councils on base: a row with an existing code
// replaces it, a new code is added. The result is sorted by name.
func MergeRegister(base, extra []Council) []Council {
	byCode := make(map[string]Council, len(base)+len(extra))
	for _, c := range base {
		byCode[c.Code] = c
	}
	for _, c := range extra {
		byCode[c.Code] = c
	}
	out := make([]Council, 0, len(byCode))
	for _, c := range byCode {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// CheckParents checks that every parent council a register names is in it
// and is not a parish or town council itself.
func CheckParents(cs []Council) error {
	byCode := make(map[string]Council, len(cs))
	for _, c := range cs {
		byCode[c.Code] = c
	}
	for _, c := range cs {
		if c.ParentCode == "" {
			continue
		}
		p, ok := byCode[c.ParentCode]
		switch {
		case !ok:
			return fmt.Errorf("%w: %s (%s): parent council %q is not in the register", ErrRegister, c.Code, c.Source, c.ParentCode)
		case p.Tier == "parish" || p.Tier == "town":
			return fmt.Errorf("%w: %s (%s): parent council %q is a %s council", ErrRegister, c.Code, c.Source, c.ParentCode, p.Tier)
		}
	}
	return nil
}

// CouncilFilter selects councils; empty fields match everything. Matching is
// case-insensitive.
type CouncilFilter struct {
	Codes  []string
	Nation string
	Tier   string
	Type   string
	Region string
	Search string // substring of the name
}

// Match reports whether c passes the filter.
func (f CouncilFilter) Match(c Council) bool {
	eq := func(want, got string) bool { return want == "" || strings.EqualFold(want, got) }
	if len(f.Codes) > 0 {
		ok := false
		for _, code := range f.Codes {
			if strings.EqualFold(code, c.Code) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return eq(f.Nation, c.Nation) && eq(f.Tier, c.Tier) && eq(f.Type, c.Type) && eq(f.Region, c.Region) &&
		(f.Search == "" || strings.Contains(strings.ToLower(c.Name), strings.ToLower(f.Search)))
}

// FilterCouncils returns the councils that pass f, in order.
func FilterCouncils(cs []Council, f CouncilFilter) []Council {
	var out []Council
	for _, c := range cs {
		if f.Match(c) {
			out = append(out, c)
		}
	}
	return out
}
