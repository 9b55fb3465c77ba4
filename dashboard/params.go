package dashboard

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parameters of the API, the exports, the feeds and the badges: one
// declaration per parameter (param) that both checks requests and writes
// the OpenAPI document, so what is documented is what is enforced. A bad
// parameter is a ParamError (400, naming it and what it takes), an unknown
// council, check or run a NotFoundError (404): never a parameter ignored or
// a value dropped.

// ParamError is a parameter the request cannot have: unknown, given twice,
// empty or out of its range. It is a bad request (errors.Is ErrBadRequest).
type ParamError struct {
	Param   string // the parameter's name
	Message string // what is wrong and what it takes, in one sentence
	Allowed any    // what it takes, for programs: a range, a list, a pattern
}

func (e *ParamError) Error() string { return e.Message }

// Is makes a ParamError a bad request.
func (e *ParamError) Is(target error) bool { return target == ErrBadRequest }

// NotFoundError names what a request asked for that does not exist: a
// council, a check, a run or a file (errors.Is ErrNotFound).
type NotFoundError struct {
	Param   string
	Message string
}

func (e *NotFoundError) Error() string { return e.Message }

// Is makes a NotFoundError a not found.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

func notFound(param, format string, args ...any) error {
	return &NotFoundError{Param: param, Message: fmt.Sprintf(format, args...)}
}

// param declares one parameter: its name, where it goes, its JSON Schema
// (the OpenAPI document's), and the check a value must pass.
type param struct {
	name     string
	in       string // query or path
	doc      string // one sentence, for the documentation
	typ      string // string or integer
	min, max int    // integers: the range
	def      string // the default, "" for none
	enum     []string
	maxLen   int    // strings: the longest value
	example  string // an example value
	required bool
	// emptyOK: an empty value means the same as leaving the parameter out
	// (a page's filter form sends "all" as an empty value).
	emptyOK bool
}

// Limits of string parameters.
const maxParamLen = 200

// Parameters shared by several routes.
var (
	pRun = param{name: "run", in: "query", typ: "string", maxLen: maxParamLen, example: "latest",
		doc: "A crawl run: its `run_id`, `latest` (the newest run with scores) or `previous` (the one before it)"}
	pCouncil = param{name: "council", in: "query", typ: "string", maxLen: maxParamLen, example: "E07000223",
		doc: "Only this council (its code from the register)"}
	pCheck = param{name: "check", in: "query", typ: "string", maxLen: maxParamLen, example: "a11y-image-alt",
		doc: "Only this check (its id from `/api/v1/checks`)"}
	pOffset = param{name: "offset", in: "query", typ: "integer", min: 0, max: 10_000_000, def: "0", example: "0",
		doc: "How many items to skip: the page's start"}
	pCode = param{name: "code", in: "path", typ: "string", maxLen: maxParamLen, example: "E07000223", required: true,
		doc: "The council's code from the register"}
)

// pLimit is the page size, def by default.
func pLimit(def int) param {
	return param{name: "limit", in: "query", typ: "integer", min: 1, max: 1000, def: strconv.Itoa(def), example: "100",
		doc: "How many items a page holds at most"}
}

// allowed describes what a parameter takes, for error answers.
func (p param) allowed() any {
	switch {
	case p.typ == "integer":
		return map[string]int{"minimum": p.min, "maximum": p.max}
	case len(p.enum) > 0:
		return p.enum
	}
	return map[string]int{"max_length": p.maxLen}
}

// takes says what a parameter takes, in words.
func (p param) takes() string {
	switch {
	case p.typ == "integer":
		return fmt.Sprintf("%s must be a whole number from %d to %d", p.name, p.min, p.max)
	case len(p.enum) > 0:
		return fmt.Sprintf("%s must be one of %s", p.name, strings.Join(p.enum, ", "))
	}
	return fmt.Sprintf("%s must be text of 1 to %d characters", p.name, p.maxLen)
}

// check checks one value against the declaration.
func (p param) check(v string) error {
	bad := func() error { return &ParamError{Param: p.name, Message: p.takes(), Allowed: p.allowed()} }
	switch {
	case v == "":
		return &ParamError{Param: p.name, Message: p.name + " is empty: give a value or leave it out", Allowed: p.allowed()}
	case p.typ == "integer":
		n, err := strconv.Atoi(v)
		if err != nil || n < p.min || n > p.max {
			return bad()
		}
	case len(p.enum) > 0:
		if !slices.Contains(p.enum, v) {
			return bad()
		}
	default:
		if !utf8.ValidString(v) || len(v) > p.maxLen {
			return bad()
		}
	}
	return nil
}

// values are a request's checked parameters, defaults filled in.
type values map[string]string

func (v values) str(name string) string { return v[name] }

func (v values) int(name string) int {
	n, _ := strconv.Atoi(v[name]) // checked
	return n
}

// checkQuery parses a raw query string strictly and checks it against the
// parameters a route declares: a piece that does not parse (a ";"
// separator, a bad %-escape), an unknown parameter, one given twice or a
// value it cannot take is an error naming it. Path parameters are checked
// by their handlers.
func checkQuery(raw string, params []param) (values, error) {
	out := values{}
	known := map[string]param{}
	names := []string{}
	for _, p := range params {
		if p.in != "query" {
			continue
		}
		known[p.name] = p
		names = append(names, p.name)
		if p.def != "" {
			out[p.name] = p.def
		}
	}
	seen := map[string]bool{}
	for _, piece := range strings.Split(raw, "&") {
		if piece == "" {
			continue
		}
		rawKey, rawVal, _ := strings.Cut(piece, "=")
		key, kerr := url.QueryUnescape(rawKey)
		if kerr != nil {
			key = rawKey
		}
		if strings.Contains(piece, ";") {
			k, _, _ := strings.Cut(key, ";")
			return nil, &ParamError{Param: k, Message: fmt.Sprintf("%q: separate parameters with &, not ; (write ; in a value as %%3B)", piece), Allowed: names}
		}
		val, verr := url.QueryUnescape(rawVal)
		if kerr != nil || verr != nil {
			return nil, &ParamError{Param: key, Message: fmt.Sprintf("%q is not a well-formed query parameter (a %% must start a two-digit hex escape)", piece), Allowed: names}
		}
		p, ok := known[key]
		if !ok {
			msg := fmt.Sprintf("%q is not a parameter here", key)
			if len(names) == 0 {
				msg += ": this address takes none"
			} else {
				msg += ": use " + strings.Join(names, ", ")
			}
			return nil, &ParamError{Param: key, Message: msg, Allowed: names}
		}
		if seen[key] {
			return nil, &ParamError{Param: key, Message: key + " is given more than once: give it once", Allowed: p.allowed()}
		}
		seen[key] = true
		if val == "" && p.emptyOK {
			delete(out, key)
			continue
		}
		if err := p.check(val); err != nil {
			return nil, err
		}
		out[key] = val
	}
	return out, nil
}

// errorBody is the one error shape of the API, the exports, the feeds and
// the badges: {"error": {"param", "message", "allowed"}, "status"}.
type errorBody struct {
	Error  errorDetail `json:"error"`
	Status int         `json:"status"`
}

type errorDetail struct {
	Param   string `json:"param,omitempty"`
	Message string `json:"message"`
	Allowed any    `json:"allowed,omitempty"`
}

// errorFor is the error answer for err with status st: the parameter and
// message of a ParamError or NotFoundError, else the status's words (raw
// error text never reaches a client).
func errorFor(err error, st int) errorBody {
	b := errorBody{Status: st, Error: errorDetail{Message: statusText[st]}}
	var pe *ParamError
	var nf *NotFoundError
	switch {
	case errors.As(err, &pe):
		b.Error = errorDetail{Param: pe.Param, Message: pe.Message, Allowed: pe.Allowed}
	case errors.As(err, &nf):
		b.Error = errorDetail{Param: nf.Param, Message: nf.Message}
	}
	if b.Error.Message == "" {
		b.Error.Message = "Sorry, there is a problem with the service"
	}
	return b
}

// detailFor is what an error page says of a bad parameter or a missing
// thing, or "".
func detailFor(err error) string {
	var pe *ParamError
	var nf *NotFoundError
	switch {
	case errors.As(err, &pe):
		return pe.Message + "."
	case errors.As(err, &nf):
		return nf.Message + "."
	}
	return ""
}
