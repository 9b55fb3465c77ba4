package dashboard

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckQuery(t *testing.T) {
	ps := []param{pRun, pCouncil, pLimit(100), pOffset}
	v, err := checkQuery("run=latest&limit=5", ps)
	if err != nil || v.str("run") != "latest" || v.int("limit") != 5 || v.int("offset") != 0 || v.str("council") != "" {
		t.Fatalf("good query: %v %v", v, err)
	}
	for raw, param := range map[string]string{
		"limit=abc": "limit", "limit=1001": "limit", "limit=0": "limit", "offset=-1": "offset", "limit=": "limit",
		"council=E1;x": "council", "council=E1;": "council", "a;b=c": "a", "run=a&run=b": "run", "nope=1": "nope",
		"council=%zz": "council", "run=" + strings.Repeat("x", 201): "run", "limit": "limit",
	} {
		_, err := checkQuery(raw, ps)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != param || !errors.Is(err, ErrBadRequest) || pe.Message == "" {
			t.Errorf("%q: %v, want a ParamError naming %q", raw, err, param)
		}
	}
}

// FuzzCheckQuery: any query string is either accepted with values the
// parameters can take, or refused with a ParamError naming a parameter;
// never a panic.
func FuzzCheckQuery(f *testing.F) {
	for _, s := range []string{"", "run=latest&limit=5", "limit=abc", "council=E1;x", "%zz=1", "a=b&a=c", "offset=10000001", "=&&=", "run=%E2%82%AC"} {
		f.Add(s)
	}
	ps := []param{pRun, pCouncil, pCheck, pLimit(100), pOffset}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := checkQuery(raw, ps)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("%q: %v is not a ParamError", raw, err)
			}
			return
		}
		if n := v.int("limit"); n < 1 || n > 1000 {
			t.Fatalf("%q: limit %d accepted", raw, n)
		}
		if n := v.int("offset"); n < 0 || n > 10_000_000 {
			t.Fatalf("%q: offset %d accepted", raw, n)
		}
		for _, k := range []string{"run", "council", "check"} {
			if s, ok := v[k]; ok && (s == "" || len(s) > maxParamLen || !utf8.ValidString(s)) {
				t.Fatalf("%q: %s=%q accepted", raw, k, s)
			}
		}
	})
}
