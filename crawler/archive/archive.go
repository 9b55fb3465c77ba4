// Package archive keeps what the crawler fetched as standard web archives
// (WARC 1.1, ISO 28500) and reads web archives back, ours and other
// people's (GNU Wget, Webrecorder, Heritrix).
//
// Writing: a Writer records each fetch as a response and a request record
// (and link checks as metadata records) in gzip-per-record WARC files that
// rotate at a size limit, one set of files per run and shard. Every call
// returns the Location of its record (file, offset, length), so one record
// can be read back later without scanning the file. The crawler talks to the
// small Recorder interface; Nop records nothing.
//
// Reading: ReadRecord reads the record at a Location; a Scanner iterates the
// HTTP responses of any WARC file (gzip per record, whole-file gzip or
// uncompressed), reporting bad records one by one and carrying on with the
// next good one. Replay turns an archived HTML page into a page that is safe
// to show: no scripts, nothing loaded from the live site, a banner.
//
// The WARC format itself is written and parsed by github.com/nlnwa/gowarc
// (the National Library of Norway's library); this package adds the file
// layout, the index, the error handling and the limits. It knows nothing of
// scoring or storage.
package archive

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Location says where one record is: the byte range of its gzip member (or,
// in an uncompressed file, of the record itself) in a WARC file.
type Location struct {
	// File is the WARC file's name, relative to the archive folder (no
	// folders in it).
	File string `json:"file"`
	// Offset is where the record starts in the file.
	Offset int64 `json:"offset"`
	// Length is the number of bytes the record takes in the file
	// (compressed size when gzipped).
	Length int64 `json:"length"`
	// RecordID is the record's WARC-Record-ID (urn:uuid:...), without <>.
	RecordID string `json:"record_id,omitempty"`
	// PayloadDigest is the record's WARC-Payload-Digest (algorithm:value),
	// the digest of the HTTP body as received; empty for metadata records.
	PayloadDigest string `json:"payload_digest,omitempty"`
}

// IsZero reports whether l points at nothing (nothing was archived).
func (l Location) IsZero() bool { return l.File == "" }

// Recorder is what the crawler calls to archive what it fetches. The crawler
// takes an optional Recorder: Nop (or nil) archives nothing. A Recorder must
// be safe for concurrent use.
//
// An error wrapping ErrWrite is final: the archive cannot be written any more
// (disk full, folder gone), so the crawl should stop cleanly and mark the run
// interrupted; no Location is returned for a record that was not written.
type Recorder interface {
	// RecordFetch archives one HTTP exchange as a response record and a
	// request record and returns the Location of the response record.
	RecordFetch(ctx context.Context, f Fetch) (Location, error)
	// RecordMetadata archives one metadata record (a link check, say) and
	// returns its Location.
	RecordMetadata(ctx context.Context, m Metadata) (Location, error)
}

// Nop is a Recorder that archives nothing and returns zero Locations.
type Nop struct{}

// RecordFetch drains nothing and returns a zero Location.
func (Nop) RecordFetch(context.Context, Fetch) (Location, error) { return Location{}, nil }

// RecordMetadata returns a zero Location.
func (Nop) RecordMetadata(context.Context, Metadata) (Location, error) { return Location{}, nil }

var (
	_ Recorder = Nop{}
	_ Recorder = (*Writer)(nil)
)

// Errors of the writer. Match them with errors.Is.
var (
	// ErrWrite means the archive could not be written (disk full, folder
	// not writable or gone, fsync failed). It is final: every later call
	// fails with it at once.
	ErrWrite = errors.New("archive: cannot write WARC file")
	// ErrClosed is returned by calls after Close.
	ErrClosed = errors.New("archive: writer closed")
	// ErrInvalid means the call's input cannot be archived (no request, a
	// URL that is not absolute http(s), a bad option). It is not final.
	ErrInvalid = errors.New("archive: invalid input")
)

// Per-record reading errors (wrapped in a *RecordError by the Scanner).
// Match them with errors.Is.
var (
	ErrTruncated      = errors.New("truncated record")                         // the file or gzip member ends inside the record
	ErrCorrupt        = errors.New("corrupt gzip member")                      // bad gzip data or checksum
	ErrBadLength      = errors.New("Content-Length does not match the record") // a lying or unreadable Content-Length
	ErrBadDigest      = errors.New("digest mismatch")                          // WARC-Block-Digest or WARC-Payload-Digest wrong
	ErrHeaderTooLarge = errors.New("headers too large")                        // WARC or HTTP headers over Limits.MaxHeaderBytes
	ErrRecordTooLarge = errors.New("record too large")                         // Content-Length over Limits.MaxRecordBytes
	ErrNotWARC        = errors.New("not WARC data")                            // bytes that are no WARC record
	ErrBadHTTP        = errors.New("unreadable HTTP response")                 // the response block is not an HTTP response
)

// Fetch is one HTTP exchange as the crawler saw it.
type Fetch struct {
	// Request is the request as sent (method, URL, header); its body is
	// not archived. Required; the URL must be absolute http or https.
	Request *http.Request
	// RemoteIP is the server's IP address ("" when unknown). A host:port
	// is accepted.
	RemoteIP string
	// Date is when the request was sent (zero: now).
	Date time.Time
	// Proto is the response's protocol, e.g. "HTTP/1.1" (empty: HTTP/1.1).
	Proto string
	// StatusCode and Reason make the status line (empty Reason: the
	// standard text for the code).
	StatusCode int
	Reason     string
	// Header is the response header as received.
	Header http.Header
	// Body is the response body as received, after transfer decoding (nil:
	// empty). It is read to its end (or first error) and not closed.
	Body io.Reader
	// Decoded says Body has had its Content-Encoding removed (the crawler's
	// transport decompresses gzip): the archived header then keeps
	// Content-Encoding and Content-Length as X-Archive-Orig-* so that the
	// record stays self-consistent.
	Decoded bool
	// Truncated says why Body is not the whole body: "length" (a size cap),
	// "time", "disconnect" or "unspecified" (WARC-Truncated); "" when whole.
	// A Body read error is archived as "disconnect".
	Truncated string
	// Purpose says what the fetch was for (PurposePage, PurposeRobots...);
	// it is written as the Councildash-Purpose field of both records, so
	// an import of the file can tell pages from the crawler's other
	// requests. Empty: not written.
	Purpose string
}

// Purposes of a fetch (Fetch.Purpose, Record.Purpose): the crawler's
// requests besides pages.
const (
	PurposePage      = "page"       // a page of the site (and each redirect hop of its fetch)
	PurposeRobots    = "robots"     // robots.txt
	PurposeSitemap   = "sitemap"    // an XML sitemap or sitemap index
	PurposeNotFound  = "probe-404"  // the made-up address asked to see how missing pages are answered
	PurposeHTTPProbe = "probe-http" // the http:// home page, to see whether it redirects to https://
	PurposeSearch    = "search"     // a query submitted to the site's own search
	PurposeLinkCheck = "link-check" // a HEAD (or GET) of a link found on a page
)

// PurposeField is the WARC header field that carries Fetch.Purpose.
const PurposeField = "Councildash-Purpose"

// Field is one name: value line of a metadata record.
type Field struct {
	Name, Value string
}

// Metadata is one metadata record: facts about a URL that are not an HTTP
// exchange we keep (a link check's outcome, say).
type Metadata struct {
	// TargetURI is the URL the record is about. Required.
	TargetURI string
	// Date is when the facts were observed (zero: now).
	Date time.Time
	// RefersTo is the WARC-Record-ID of a record these facts describe
	// (optional).
	RefersTo string
	// Fields are written as application/warc-fields, in order. Line breaks
	// in names or values are replaced by spaces.
	Fields []Field
}

// Failure is a fetch that got no answer: refused, reset, timed out, a TLS
// or protocol error. Nothing came back to keep as a response record, yet
// the crawler counted the fetch (an error page, a broken link), so it is
// archived as a metadata record (FailureMetadata) that a Scanner with
// IncludeFailures reads back: an import of the files then counts it as the
// crawl did.
type Failure struct {
	Method     string // the request's method
	ErrorClass string // the crawler's error class ("timeout", "tls", "other"...)
	Error      string // the error as the HTTP client reported it
}

// failureRecord is the councildash-record field of a Failure's record.
const failureRecord = "fetch-failure"

// FailureMetadata describes a fetch of target, made for purpose
// (PurposePage...), that got no answer at time at, as a metadata record.
func FailureMetadata(target, purpose string, f Failure, at time.Time) Metadata {
	m := Metadata{TargetURI: target, Date: at, Fields: []Field{{"councildash-record", failureRecord}}}
	if purpose != "" {
		m.Fields = append(m.Fields, Field{"purpose", purpose})
	}
	m.Fields = append(m.Fields, Field{"method", f.Method}, Field{"error-class", f.ErrorClass}, Field{"error", f.Error})
	return m
}

// LinkCheckMetadata describes one link check (HEAD or GET of a link found on
// page from) as a metadata record. errClass is the crawler's error class
// ("" when none).
func LinkCheckMetadata(target, from, method string, status int, errClass string, at time.Time) Metadata {
	m := Metadata{TargetURI: target, Date: at, Fields: []Field{
		{"councildash-record", "link-check"},
		{"via", from},
		{"method", method},
		{"status", strconv.Itoa(status)},
	}}
	if errClass != "" {
		m.Fields = append(m.Fields, Field{"error-class", errClass})
	}
	return m
}
