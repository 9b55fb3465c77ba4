package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/councildash/councildash/crawler/archive"
)

// Crawling a web archive: with Config.Source set, the crawler asks the
// Source instead of the network and crawls the captured sites exactly as it
// crawls live ones (robots.txt, home page, sitemaps, probes, site search,
// pages breadth first within the page and depth budgets, link checks), so
// an imported archive is scored on the same sample of pages as a crawl
// would score. What the archive does not hold is not fetched: such a page is
// neither delivered nor counted, a link to it is not checked, and a probe
// the archive lacks leaves its fact unknown (SiteReport.HTTPProbeUnknown, a
// zero NotFoundStatus).

// ErrNotCaptured is wrapped by a Source's error for a URL it holds no
// capture of.
var ErrNotCaptured = errors.New("not in the archive")

// ErrNotArchived is the error class of a fetch the Source could not answer.
const ErrNotArchived = "not-archived"

// ArchivedFailure is a Source's answer to a request whose fetch, when the
// archive was made, got no answer (archive.Failure): the crawler counts it
// as the crawl that made the archive did, with the error class recorded.
type ArchivedFailure struct {
	ErrorClass string
	Err        string    // the error as the crawl's HTTP client reported it
	Date       time.Time // when the fetch failed
}

func (e *ArchivedFailure) Error() string {
	if e.Err == "" {
		return "no answer (" + e.class() + ")"
	}
	return e.Err
}

// class is the recorded error class (ErrOther when none was recorded).
func (e *ArchivedFailure) class() string {
	if e.ErrorClass == "" || e.ErrorClass == ErrNone {
		return ErrOther
	}
	return e.ErrorClass
}

// Source answers the crawler's requests from captured responses.
type Source interface {
	// Capture returns the captured answer to req, made for purpose
	// (archive.Purpose*), an *ArchivedFailure when the captured fetch got
	// no answer, or an error wrapping ErrNotCaptured.
	Capture(req *http.Request, purpose string) (*Captured, error)
}

// Captured is one captured response.
type Captured struct {
	// Response has the captured status and header; its Body is the body
	// with content and transfer encodings removed (nil for a HEAD request),
	// and the header says so (no Content-Encoding, Transfer-Encoding or
	// Content-Length).
	Response *http.Response
	// Date is when it was captured.
	Date time.Time
	// Bytes is the size of the body as it was transferred (before content
	// decoding): a page's Bytes.
	Bytes int64
	// Archive is where the record is (File relative to the archive's root
	// folder; zero when the record cannot be read alone).
	Archive archive.Location
}

// ArchiveSource is a Source over WARC files: an index of their HTTP
// responses by URL, filled with Add while the files are scanned, whose
// records are read back one at a time when the crawler asks. Records that
// cannot be read alone (inside a whole-file gzip) keep their bodies in
// memory, up to a limit. Safe for concurrent use once filled.
type ArchiveSource struct {
	root     string
	lim      archive.Limits
	maxConst int64 // bytes of bodies kept in memory, at most

	mu       sync.Mutex
	byURL    map[string][]*capture
	probes   map[string]*capture // scheme://host -> councildash's latest 404 probe there
	hosts    map[string]HostCaptures
	inMemory int64
	failures int // records of fetches that got no answer
}

// capture is one indexed response record.
type capture struct {
	url     string
	status  int
	purpose string
	date    time.Time
	loc     archive.Location // File relative to root; zero: body below
	rec     *archive.Record  // kept whole when it cannot be read alone
	failed  *archive.Failure // a fetch that got no answer (no record to read)
}

// DefaultMaxInMemory bounds the bodies an ArchiveSource keeps in memory
// (records of whole-file gzipped WARCs).
const DefaultMaxInMemory int64 = 512 << 20

// ErrTooMuchInMemory: a record that cannot be read alone does not fit in
// the memory left for such records.
var ErrTooMuchInMemory = errors.New("record kept out: whole-file gzipped WARCs hold too much to keep in memory (recompress with gzip per record, e.g. `warcio recompress`)")

// NewArchiveSource returns an empty index of files under root (the folder
// Locations are relative to). lim bounds each record read (MaxBodyBytes
// should exceed the crawl's MaxBody so that over-size pages are seen as
// such); maxInMemory bounds the bodies kept (0: DefaultMaxInMemory).
func NewArchiveSource(root string, lim archive.Limits, maxInMemory int64) *ArchiveSource {
	if maxInMemory <= 0 {
		maxInMemory = DefaultMaxInMemory
	}
	return &ArchiveSource{root: root, lim: lim, maxConst: maxInMemory, byURL: map[string][]*capture{}, probes: map[string]*capture{}, hosts: map[string]HostCaptures{}}
}

// Root is the folder the Locations are relative to.
func (a *ArchiveSource) Root() string { return a.root }

// captureKey is the index key of a URL: scheme, host (lower case, www.
// kept), non-default port, path and query; no fragment.
func captureKey(raw string) (string, string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", false
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if p := u.Port(); p != "" && !(scheme == "http" && p == "80") && !(scheme == "https" && p == "443") {
		host += ":" + p
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	key := scheme + "://" + host + path
	if u.RawQuery != "" {
		key += "?" + u.RawQuery
	}
	return key, hostKey(u.Hostname()), true
}

// Add indexes one response record read from a file; rel is the file's path
// relative to the root. A record with a Location is read back from the
// file when asked for; one without (inside a whole-file gzip) is kept in
// memory, body and all, or refused with ErrTooMuchInMemory. A record whose
// target is not an http(s) URL is refused too. A record of a fetch that
// got no answer (rec.Failure) is kept as such: the crawler is answered
// with an *ArchivedFailure, and it counts for neither Hosts nor Responses.
func (a *ArchiveSource) Add(rel string, rec *archive.Record) error {
	key, host, ok := captureKey(rec.TargetURI)
	if !ok {
		return fmt.Errorf("target %q is not an http(s) URL", rec.TargetURI)
	}
	c := &capture{url: key, status: rec.StatusCode, purpose: rec.Purpose, date: rec.Date}
	a.mu.Lock()
	defer a.mu.Unlock()
	if rec.Failure != nil {
		f := *rec.Failure
		c.failed = &f
		a.byURL[key] = append(a.byURL[key], c)
		a.failures++
		return nil
	}
	if rec.Location.IsZero() {
		size := int64(len(rec.Body)) + 1024
		if a.inMemory+size > a.maxConst {
			return ErrTooMuchInMemory
		}
		a.inMemory += size
		c.rec = rec
	} else {
		c.loc = rec.Location
		c.loc.File = filepath.ToSlash(filepath.Join(filepath.Dir(rel), rec.Location.File))
	}
	a.byURL[key] = append(a.byURL[key], c)
	hc := a.hosts[host]
	hc.Responses++
	if !rec.Date.IsZero() {
		if hc.First.IsZero() || rec.Date.Before(hc.First) {
			hc.First = rec.Date
		}
		if rec.Date.After(hc.Last) {
			hc.Last = rec.Date
		}
	}
	a.hosts[host] = hc
	if origin, ok := probeOrigin(key); ok {
		if p := a.probes[origin]; p == nil || !c.date.Before(p.date) {
			a.probes[origin] = c
		}
	}
	return nil
}

// HostCaptures says what an archive holds of one host.
type HostCaptures struct {
	Responses   int
	First, Last time.Time // capture dates (zero when none was dated)
}

// Hosts returns the host keys (lower case, without www.) of the responses
// indexed, with what each has.
func (a *ArchiveSource) Hosts() map[string]HostCaptures {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]HostCaptures, len(a.hosts))
	for h, n := range a.hosts {
		out[h] = n
	}
	return out
}

// Responses counts the responses indexed.
func (a *ArchiveSource) Responses() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, cs := range a.byURL {
		n += len(cs)
	}
	return n - a.failures
}

// Failures counts the records of fetches that got no answer indexed.
func (a *ArchiveSource) Failures() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failures
}

// Home returns the address to start a site's crawl at: the first of the
// candidates (the register's home page, then its http/https and www/bare
// variants) the archive holds, else the captured address of host with the
// shortest path. ok is false when the archive holds nothing of the host.
func (a *ArchiveSource) Home(homeURL string) (string, bool) {
	u, err := parseHome(homeURL)
	if err != nil {
		return "", false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	bare := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	port := ""
	if u.Port() != "" {
		port = ":" + u.Port()
	}
	var cands []string
	for _, scheme := range []string{u.Scheme, map[string]string{"http": "https", "https": "http"}[u.Scheme]} {
		for _, h := range []string{strings.ToLower(u.Hostname()), "www." + bare, bare} {
			for _, p := range []string{u.EscapedPath(), "/"} {
				cands = append(cands, scheme+"://"+h+port+p)
			}
		}
	}
	for _, c := range cands {
		if key, _, ok := captureKey(c); ok && a.pageCapture(key) != nil {
			return c, true
		}
	}
	// Deep captures only: start at the shortest address of the host.
	best := ""
	for key := range a.byURL {
		cu, err := url.Parse(key)
		if err != nil || hostKey(cu.Hostname()) != bare || a.pageCapture(key) == nil {
			continue
		}
		if cu.Path == "/robots.txt" || isDocPath(cu.Path) {
			continue
		}
		if best == "" || len(key) < len(best) || len(key) == len(best) && key < best {
			best = key
		}
	}
	return best, best != ""
}

// pageCapture is the capture that answers a page request for key, if it
// is an answer (not a fetch that got none).
func (a *ArchiveSource) pageCapture(key string) *capture {
	if c := a.pick(a.byURL[key], archive.PurposePage); c != nil && c.failed == nil {
		return c
	}
	return nil
}

// pick chooses the capture to answer a request for purpose: councildash's
// own link-check records (often HEAD) only answer link checks; among the
// rest the latest wins.
func (a *ArchiveSource) pick(cs []*capture, purpose string) *capture {
	var best *capture
	for _, c := range cs {
		if c.purpose == archive.PurposeLinkCheck && purpose != archive.PurposeLinkCheck {
			continue
		}
		if best == nil || c.date.After(best.date) || c.date.Equal(best.date) && best.purpose == archive.PurposeLinkCheck {
			best = c
		}
	}
	return best
}

// notFoundPrefix starts the made-up addresses of councildash's 404 probe
// (probes.go), made up afresh at each crawl: an archive answers a probe
// with the probe it holds for the same origin.
const notFoundPrefix = "/councildash-missing-"

// probeOrigin returns scheme://host of a 404 probe's index key.
func probeOrigin(key string) (string, bool) {
	i := strings.Index(key, "://")
	if i < 0 {
		return "", false
	}
	j := strings.IndexByte(key[i+3:], '/')
	if j < 0 || !strings.HasPrefix(key[i+3+j:], notFoundPrefix) {
		return "", false
	}
	return key[:i+3+j], true
}

// Capture answers req from the archive.
func (a *ArchiveSource) Capture(req *http.Request, purpose string) (*Captured, error) {
	key, _, ok := captureKey(req.URL.String())
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotCaptured, req.URL.Redacted())
	}
	a.mu.Lock()
	c := a.pick(a.byURL[key], purpose)
	if c == nil && purpose == archive.PurposeNotFound {
		if origin, ok := probeOrigin(key); ok {
			c = a.probes[origin]
		}
	}
	a.mu.Unlock()
	if c == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotCaptured, req.URL.Redacted())
	}
	if c.failed != nil {
		return nil, &ArchivedFailure{ErrorClass: c.failed.ErrorClass, Err: c.failed.Error, Date: c.date}
	}
	rec := c.rec
	if rec == nil {
		var err error
		rec, err = archive.ReadRecordUnder(a.root, c.loc, a.lim)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrNotCaptured, req.URL.Redacted(), err)
		}
	}
	return captured(req, rec, c.loc), nil
}

// captured turns a record into the response the crawler reads.
func captured(req *http.Request, rec *archive.Record, loc archive.Location) *Captured {
	h := rec.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	for _, k := range []string{"Content-Encoding", "Transfer-Encoding", "Content-Length"} {
		h.Del(k)
	}
	res := &http.Response{
		Status: strconv.Itoa(rec.StatusCode) + " " + http.StatusText(rec.StatusCode), StatusCode: rec.StatusCode,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h, Request: req, ContentLength: -1,
	}
	if s := strings.TrimSpace(rec.Status); s != "" {
		res.Status = s
	}
	if req.Method == http.MethodHead || rec.StatusCode == http.StatusNoContent || rec.StatusCode == http.StatusNotModified {
		res.Body = http.NoBody
	} else {
		res.Body = io.NopCloser(bytes.NewReader(rec.Body))
		res.ContentLength = int64(len(rec.Body))
		h.Set("Content-Length", strconv.Itoa(len(rec.Body)))
	}
	bytesIn := rec.PayloadBytes
	if bytesIn <= 0 {
		bytesIn = int64(len(rec.Body))
	}
	return &Captured{Response: res, Date: rec.Date, Bytes: bytesIn, Archive: loc}
}

// HostKey is the key Hosts uses for a host name: lower case, without a
// leading "www." or a trailing dot.
func HostKey(host string) string { return hostKey(host) }

// SortedHosts lists hosts by responses, most first (for reports).
func SortedHosts(hosts map[string]HostCaptures) []string {
	out := make([]string, 0, len(hosts))
	for h := range hosts {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool {
		if hosts[out[i]].Responses != hosts[out[j]].Responses {
			return hosts[out[i]].Responses > hosts[out[j]].Responses
		}
		return out[i] < out[j]
	})
	return out
}
