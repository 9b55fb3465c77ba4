package crawler

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/councildash/councildash/crawler/archive"
)

var (
	errTooManyRedirects = errors.New("too many redirects")
	errRedirectLoop     = errors.New("redirect loop")
	errTooLarge         = errors.New("body over size cap")
	errDecompression    = errors.New("decompression failed or over cap")
	errBadContent       = errors.New("content claims HTML but is binary")
	errRobots           = errors.New("disallowed by robots.txt")
)

// classify maps a fetch error to one of the Err* classes.
func classify(err error) string {
	if err == nil {
		return ErrNone
	}
	var dnsErr *net.DNSError
	var recErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invErr x509.CertificateInvalidError
	var netErr net.Error
	var failed *ArchivedFailure
	switch {
	case errors.As(err, &failed):
		return failed.class()
	case errors.Is(err, errRedirectLoop):
		return ErrRedirectLoop
	case errors.Is(err, errTooManyRedirects):
		return ErrTooManyRedirects
	case errors.Is(err, errTooLarge):
		return ErrTooLarge
	case errors.Is(err, errDecompression):
		return ErrDecompression
	case errors.Is(err, errBadContent):
		return ErrBadContent
	case errors.Is(err, errRobots):
		return ErrRobotsDisallowed
	case errors.Is(err, ErrNotCaptured):
		return ErrNotArchived
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return ErrTimeout
		}
		return ErrDNS
	case errors.As(err, &recErr), errors.As(err, &certErr), errors.As(err, &uaErr),
		errors.As(err, &hostErr), errors.As(err, &invErr):
		return ErrTLS
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT):
		return ErrTimeout
	case errors.As(err, &netErr) && netErr.Timeout():
		return ErrTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return ErrReset
	case strings.Contains(err.Error(), "tls: "), strings.Contains(err.Error(), "x509: "):
		return ErrTLS
	}
	return ErrOther
}

// statusClass maps an HTTP status to an error class.
func statusClass(status int) string {
	switch {
	case status >= 500:
		return ErrHTTP5xx
	case status >= 400:
		return ErrHTTP4xx
	}
	return ErrNone
}

type hop struct {
	url    string
	status int
}

// fetchState collects transport-level facts about one fetch (all its hops).
type fetchState struct {
	mu          sync.Mutex
	start       time.Time
	ttfb        time.Duration
	hops        []hop
	header      http.Header // original headers of the last response
	contentType string      // original Content-Type of the last response
	wire        int64       // bytes read from the network (last response)
	decoded     int64       // bytes delivered after decompression
	tooLarge    bool
	bomb        bool
	maxBody     int64
	ratio       int64
	purpose     string // what the fetch is for (archive.Purpose*)
	// captured: the last hop came from Config.Source, captured at
	// capturedAt with capturedBytes on the wire (no timings are known).
	captured      bool
	capturedAt    time.Time
	capturedBytes int64
	loc           archive.Location // where the last hop was archived
	failed        *recording       // the last hop got no answer: archived by siteTransport.settle
	done          time.Time        // when the last hop's body was closed
}

func newFetchState(maxBody, ratio int64, purpose string) *fetchState {
	return &fetchState{start: time.Now(), maxBody: maxBody, ratio: ratio, purpose: purpose}
}

// archived returns where the last hop was archived.
func (st *fetchState) archived() archive.Location {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.loc
}

// fetchedAt is when the fetch began (or its last hop was captured, for a
// crawl of an archive).
func (st *fetchState) fetchedAt() time.Time {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.captured && !st.capturedAt.IsZero() {
		return st.capturedAt
	}
	return st.start
}

// elapsed is the time from the first request to the end of the last body
// (archiving it not included).
func (st *fetchState) elapsed() time.Duration {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.captured {
		return 0 // an archive keeps no timings
	}
	if st.done.IsZero() {
		return time.Since(st.start)
	}
	return st.done.Sub(st.start)
}

func (st *fetchState) capErr() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	switch {
	case st.bomb:
		return errDecompression
	case st.tooLarge:
		return errTooLarge
	}
	return nil
}

func (st *fetchState) snapshot() (ttfb time.Duration, hops []hop, header http.Header, ct string, wire int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.captured {
		return 0, append([]hop(nil), st.hops...), st.header, st.contentType, st.capturedBytes
	}
	return st.ttfb, append([]hop(nil), st.hops...), st.header, st.contentType, st.wire
}

// siteTransport wraps the shared transport for one site: it asks for gzip,
// decompresses with caps, caps bodies, records hops and timings into the
// current fetchState. A site makes one request at a time.
type siteTransport struct {
	base  http.RoundTripper
	cur   atomic.Pointer[fetchState]
	gates *hostGates   // shared by all sites; nil: no per-host gate
	delay atomic.Int64 // the site's current delay (nanoseconds), used at the host gate
	// timeout bounds each hop from the moment the host gate is passed to
	// the last body byte; time queued at the gate behind other sites does
	// not count (a popular host must not make our requests time out).
	timeout time.Duration
	// rec archives every hop (nil: none); archiveErr is told when it fails.
	rec        archive.Recorder
	archiveErr func(error)
	spools     *sync.Pool // the Crawler's buffers for bodies on their way to rec
	// src answers instead of base (the crawl of a web archive); nil: base.
	src Source
}

// gate waits for the request's host to be free (see hostGates).
func (t *siteTransport) gate(req *http.Request) (func(), error) {
	if t.gates == nil {
		return func() {}, nil
	}
	return t.gates.acquire(req.Context(), req.URL.Hostname(), time.Duration(t.delay.Load()))
}

func (t *siteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	release, err := t.gate(req)
	if err != nil {
		return nil, err
	}
	if t.timeout > 0 {
		ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
		req = req.WithContext(ctx)
		free := release
		release = func() { cancel(); free() }
	}
	st := t.cur.Load()
	if st == nil {
		res, err := t.base.RoundTrip(req)
		if err != nil {
			release()
			return nil, err
		}
		res.Body = &releaseBody{ReadCloser: res.Body, release: release}
		return res, nil
	}
	if req.Header.Get("Accept-Encoding") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Accept-Encoding", "gzip")
	}
	st.mu.Lock()
	if len(st.hops) == 0 {
		st.start = time.Now() // time at the host gate is not the server's
	}
	purpose, limit := st.purpose, st.maxBody
	st.mu.Unlock()
	var rec *recording
	if t.rec != nil {
		rec, req = newRecording(req, purpose, limit, t.spools)
	}
	var res *http.Response
	var capt *Captured
	if t.src != nil {
		capt, err = t.src.Capture(req, purpose)
		if err == nil {
			res = capt.Response
			res.Request = req
		}
	} else {
		res, err = t.base.RoundTrip(req)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.ttfb = time.Since(st.start)
	if err != nil {
		release()
		st.hops = append(st.hops, hop{url: req.URL.String()})
		if rec != nil {
			st.failed = rec // archived by settle, with the error the crawler sees
		}
		if failed := (*ArchivedFailure)(nil); errors.As(err, &failed) {
			st.captured, st.capturedAt = true, failed.Date // replayed from an archive
		}
		return nil, err
	}
	st.hops = append(st.hops, hop{url: req.URL.String(), status: res.StatusCode})
	st.header = res.Header.Clone()
	st.contentType = res.Header.Get("Content-Type")
	if rec != nil {
		rec.response(res, st.header)
	}
	st.wire, st.decoded, st.tooLarge, st.bomb = 0, 0, false, false
	if capt != nil {
		st.captured, st.capturedAt, st.capturedBytes, st.loc = true, capt.Date, capt.Bytes, capt.Archive
	}
	// Keep colly from re-decoding charsets: the crawler decodes itself.
	if mt, params, perr := mime.ParseMediaType(st.contentType); perr == nil && len(params) > 0 {
		res.Header.Set("Content-Type", mt)
	} else if perr != nil && st.contentType != "" {
		mt, _, _ := strings.Cut(st.contentType, ";")
		res.Header.Set("Content-Type", strings.TrimSpace(mt))
	}
	b := &cappedBody{raw: res.Body, st: st, release: release, rec: rec, t: t}
	b.wire = &countingReader{r: res.Body, st: st, rec: rec}
	if strings.EqualFold(strings.TrimSpace(res.Header.Get("Content-Encoding")), "gzip") {
		b.gzipped = true
		res.Header.Del("Content-Encoding")
		res.Header.Del("Content-Length")
		res.ContentLength = -1
	}
	// Colly must never decompress on its own (it would do so uncapped).
	res.Uncompressed = true
	res.Body = b
	return res, nil
}

// settle ends a fetch made with st that failed with err (as the HTTP
// client or colly returned it): a last hop that got no answer is archived
// with the error class the crawler gives err and the transport's error, so
// that a crawl of the archive sees the same failure. Not when the crawl
// was cancelled (no fact about the site) or the hop was asked of an
// archive that does not hold it.
func (t *siteTransport) settle(st *fetchState, err error) {
	if st == nil {
		return
	}
	st.mu.Lock()
	rec := st.failed
	st.failed = nil
	st.mu.Unlock()
	if rec == nil {
		return
	}
	if err == nil || t.rec == nil || errors.Is(err, context.Canceled) || errors.Is(err, ErrNotCaptured) {
		rec.drop()
		return
	}
	msg := err.Error()
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		msg = ue.Err.Error() // the client adds the method and URL again when replayed
	}
	if aerr := rec.failed(t.rec, classify(err), msg); aerr != nil && t.archiveErr != nil {
		t.archiveErr(aerr)
	}
}

type countingReader struct {
	r   io.Reader
	st  *fetchState
	rec *recording // nil: not archived
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.rec != nil {
		c.rec.wire(p[:n], err)
	}
	c.st.mu.Lock()
	c.st.wire += int64(n)
	c.st.mu.Unlock()
	return n, err
}

// cappedBody delivers at most st.maxBody (decompressed) bytes, then reports
// EOF and flags the fetch as too large (or a decompression bomb).
type cappedBody struct {
	raw     io.ReadCloser
	wire    *countingReader
	gzipped bool
	gz      *gzip.Reader
	st      *fetchState
	err     error
	release func()         // frees the host gate; nil in unit tests
	rec     *recording     // archives the hop at Close; nil: not archived
	t       *siteTransport // its Recorder
}

// releaseBody frees the host gate when the body is closed.
type releaseBody struct {
	io.ReadCloser
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

func (b *cappedBody) source() (io.Reader, error) {
	if !b.gzipped {
		return b.wire, nil
	}
	if b.gz == nil {
		gz, err := gzip.NewReader(b.wire)
		if err != nil {
			return nil, err
		}
		b.gz = gz
	}
	return b.gz, nil
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	src, err := b.source()
	if err != nil {
		b.err = b.mapErr(err)
		return 0, b.err
	}
	b.st.mu.Lock()
	remaining := b.st.maxBody - b.st.decoded
	b.st.mu.Unlock()
	if remaining <= 0 {
		// At the cap: is there more?
		var one [1]byte
		for {
			n, err := src.Read(one[:])
			if n > 0 {
				b.st.mu.Lock()
				if b.gzipped && b.st.wire > 0 && (b.st.decoded+1)/b.st.wire >= b.st.ratio {
					b.st.bomb = true
				} else {
					b.st.tooLarge = true
				}
				b.st.mu.Unlock()
				b.err = io.EOF
				return 0, io.EOF
			}
			if err != nil {
				b.err = b.mapErr(err)
				return 0, b.err
			}
		}
	}
	if int64(len(p)) > remaining {
		p = p[:remaining]
	}
	n, err := src.Read(p)
	b.st.mu.Lock()
	b.st.decoded += int64(n)
	b.st.mu.Unlock()
	if err != nil {
		b.err = b.mapErr(err)
		return n, b.err
	}
	return n, nil
}

func (b *cappedBody) mapErr(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	var corrupt flate.CorruptInputError
	if b.gzipped && (errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt)) {
		return errors.Join(errDecompression, err)
	}
	return err
}

func (b *cappedBody) Close() error {
	if b.gz != nil {
		_ = b.gz.Close()
	}
	b.st.mu.Lock()
	b.st.done = time.Now()
	capped := b.st.tooLarge || b.st.bomb
	b.st.mu.Unlock()
	err := b.raw.Close()
	if b.release != nil {
		b.release()
	}
	if b.rec != nil && b.t != nil && b.t.rec != nil {
		loc, aerr := b.rec.finish(b.t.rec, capped)
		b.rec = nil
		if aerr != nil {
			if b.t.archiveErr != nil {
				b.t.archiveErr(aerr)
			}
		} else {
			b.st.mu.Lock()
			b.st.loc = loc
			b.st.mu.Unlock()
		}
	}
	return err
}
