package crawler

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/councildash/councildash/crawler/archive"
)

// Archiving: every hop of every request the site transport makes (pages,
// robots.txt, sitemaps, probes, site searches, link checks) is handed to the
// Recorder when its body is closed, with the bytes as they came off the
// wire (after transfer decoding, before content decoding) and the original
// header, so the record is the server's answer and nothing of ours.

// maxSpool caps the bytes of one body kept for the archive (beyond it the
// record is marked truncated). Pages are capped at Config.MaxBody anyway;
// only sitemaps may be bigger.
const maxSpool = 8 << 20

// recording is one hop's exchange on its way to the archive.
type recording struct {
	req     *http.Request
	date    time.Time
	purpose string
	limit   int64

	mu      sync.Mutex
	ip      string
	proto   string
	status  int
	reason  string
	header  http.Header
	buf     *bytes.Buffer // from spools, given back after finish
	spools  *sync.Pool
	eof     bool  // the body was read to its end
	cut     bool  // the spool hit its limit
	readErr error // the body ended with this error
}

// newRecording starts the recording of req and returns the request to send
// (with a trace that notes the server's address).
func newRecording(req *http.Request, purpose string, limit int64, spools *sync.Pool) (*recording, *http.Request) {
	r := &recording{req: req, date: time.Now(), purpose: purpose, limit: min(max(limit+1, 64<<10), maxSpool), spools: spools}
	if b, ok := spools.Get().(*bytes.Buffer); ok {
		r.buf = b
	} else {
		r.buf = &bytes.Buffer{}
	}
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if info.Conn != nil {
			r.mu.Lock()
			r.ip = info.Conn.RemoteAddr().String()
			r.mu.Unlock()
		}
	}}
	return r, req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
}

// response notes the response's status line and its header as received.
func (r *recording) response(res *http.Response, header http.Header) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.proto, r.status, r.header = res.Proto, res.StatusCode, header
	r.reason = strings.TrimSpace(strings.TrimPrefix(res.Status, strconv.Itoa(res.StatusCode)))
	if res.Body == http.NoBody || res.Request != nil && res.Request.Method == http.MethodHead {
		r.eof = true
	}
}

// wire keeps bytes read off the wire (n of p) and how the read ended.
func (r *recording) wire(p []byte, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.buf == nil {
		return // archived already
	}
	if room := r.limit - int64(r.buf.Len()); room > 0 {
		if int64(len(p)) > room {
			p, r.cut = p[:room], true
		}
		r.buf.Write(p)
	} else if len(p) > 0 {
		r.cut = true
	}
	switch {
	case err == nil:
	case err == io.EOF:
		r.eof = true
	case r.readErr == nil:
		r.readErr = err
	}
}

// failed archives a hop that got no answer as a metadata record, with the
// crawler's error class and the error: there is no response to keep, yet
// the crawl counts the fetch, and an import of the archive must find it to
// count it too.
func (r *recording) failed(rec archive.Recorder, class, msg string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.free()
	m := archive.FailureMetadata(r.req.URL.String(), r.purpose, archive.Failure{Method: r.req.Method, ErrorClass: class, Error: msg}, r.date)
	_, werr := rec.RecordMetadata(context.Background(), m)
	return werr
}

// drop ends a recording that archives nothing.
func (r *recording) drop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.free()
}

// free gives the spool back (a big one is let go rather than kept).
func (r *recording) free() {
	if r.buf != nil && r.buf.Cap() <= 1<<20 {
		r.buf.Reset()
		r.spools.Put(r.buf)
	}
	r.buf = nil
}

// finish archives the exchange. capped says the crawler stopped reading
// at its own cap (the record is then marked truncated "length").
func (r *recording) finish(rec archive.Recorder, capped bool) (archive.Location, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	truncated := ""
	switch {
	case capped || r.cut:
		truncated = "length"
	case r.readErr != nil && (errors.Is(r.readErr, context.DeadlineExceeded) || errors.Is(r.readErr, os.ErrDeadlineExceeded)):
		truncated = "time"
	case r.readErr != nil:
		truncated = "disconnect"
	case !r.eof:
		truncated = "unspecified" // not read to its end (a document not downloaded, a redirect's long body)
	}
	// Not the request's context: it ends when the hop does, and what was
	// received is archived whatever became of the fetch.
	loc, err := rec.RecordFetch(context.Background(), archive.Fetch{
		Request: r.req, RemoteIP: r.ip, Date: r.date, Proto: r.proto, StatusCode: r.status, Reason: r.reason,
		Header: r.header, Body: bytes.NewReader(r.buf.Bytes()), Truncated: truncated, Purpose: r.purpose,
	})
	// RecordFetch has read the body: the spool is free again.
	r.free()
	return loc, err
}
