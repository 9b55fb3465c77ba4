package archive

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/klauspost/compress/gzip"
	"github.com/nlnwa/gowarc/v3"
	"golang.org/x/net/http/httpguts"
)

// DefaultMaxFileSize is where WARC files rotate unless Options say otherwise.
const DefaultMaxFileSize int64 = 1 << 30

// defaultMaxMem is how much of one record is buffered in memory before the
// rest goes to a temporary file.
const defaultMaxMem int64 = 1 << 20

// Options configure a Writer.
type Options struct {
	// Dir is the archive folder; it is created if missing.
	Dir string
	// RunID is the crawl run (letters, digits, '.', '_' and '-' only).
	RunID string
	// Shard names the part of the run this process crawls ("0/4" is written
	// "0of4" in file names); empty: "all".
	Shard string
	// Software and Version name the program in each file's warcinfo record
	// (Software defaults to "councildash").
	Software, Version string
	// MethodVersion is the scoring method version the run is scored under.
	MethodVersion string
	// UserAgent is the User-Agent the crawler sends (for warcinfo).
	UserAgent string
	// MaxFileSize is the size at which a file is closed and the next one
	// started (default DefaultMaxFileSize). One record bigger than this gets
	// a file of its own.
	MaxFileSize int64
	// GzipLevel is the gzip level, 1 (fastest) to 9 (smallest); 0 means 1:
	// on real council pages level 1 takes about a quarter less CPU than
	// level 6 for files about 14% bigger (BenchmarkRecordFetch).
	GzipLevel int
	// MaxMemPerRecord is how much of one record is kept in memory while it
	// is built; the rest is spooled to a temporary file in TempDir
	// (default 1 MiB).
	MaxMemPerRecord int64
	// TempDir holds those temporary files ("" = os.TempDir()).
	TempDir string
}

// Writer writes WARC 1.1 files: gzip per record, rotated at a size limit,
// named councildash-RUN-SHARD-NNNNN.warc.gz (NNNNN counts from 00001 and
// continues after the highest number already in the folder, so a resumed run
// adds files). A file being written carries the suffix ".open" until it is
// finished. Each file starts with a warcinfo record.
//
// A Writer is safe for concurrent use. Records are built (body buffered,
// digests computed), serialised and gzipped in the caller's goroutine; only
// the append of the finished gzip member to the file (one write) is
// serialised, so many crawling goroutines archive at once.
type Writer struct {
	opt     Options
	names   *nameGen
	recOpts []gowarc.WarcRecordOption
	// fastOpts build the fetch records, whose digests we compute as we
	// write them (digester): gowarc then need not check every field, nor
	// parse the HTTP message into a block of its own (a second buffer and a
	// second payload hash per record; the bytes written are the same).
	fastOpts []gowarc.WarcRecordOption
	level    int

	gzPool sync.Pool // *gzip.Writer at level
	gzFlat sync.Pool // *gzip.Writer storing (no compression)
	bwPool sync.Pool // *bufio.Writer in front of them
	cpPool sync.Pool // *[]byte copy buffers
	mbPool sync.Pool // *bytes.Buffer members, once written
	// infoID is the WARC-Record-ID of the current file's warcinfo record
	// (of the first file, before any is made): records name it in
	// WARC-Warcinfo-ID. A record made just before a rotation names the
	// previous file's warcinfo, which says the same.
	infoID    atomic.Pointer[string]
	infoFiles int // warcinfo records made (under mu)

	failed atomic.Pointer[error] // first write error: final

	// Appends go through one goroutine (loop), which writes whatever is
	// queued with one write call: the callers wait for their answer, not
	// for one another.
	sendMu   sync.RWMutex // closed, and sends on queue
	closed   bool
	queue    chan *appendReq
	loopDone chan struct{}

	mu      sync.Mutex       // guards the fields below (held by loop while it writes)
	f       *os.File         // the file being written (its name ends in ".open"), or nil
	name    string           // its final name
	size    int64            // its bytes
	infoLen int64            // bytes of its warcinfo record
	keep    map[string]int64 // file → bytes to keep after a failed append
	used    map[string]bool  // files holding at least one complete record of ours
	stats   Stats
}

// Stats count what a Writer wrote.
type Stats struct {
	Fetches  int64 // response+request pairs
	Metadata int64 // metadata records
	Bytes    int64 // bytes of the response and metadata records on disk (compressed)
}

// NewWriter checks the folder (creating it, and trying a file in it) and
// returns a Writer. Files are created on the first record.
func NewWriter(o Options) (*Writer, error) {
	if o.Dir == "" {
		return nil, fmt.Errorf("%w: no archive folder", ErrInvalid)
	}
	if !safeRunID(o.RunID) {
		return nil, fmt.Errorf("%w: run id %q must be letters, digits, '.', '_' or '-'", ErrInvalid, o.RunID)
	}
	if o.MaxFileSize < 0 {
		return nil, fmt.Errorf("%w: negative MaxFileSize", ErrInvalid)
	}
	if o.MaxFileSize == 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.GzipLevel < 0 || o.GzipLevel > gzip.BestCompression {
		return nil, fmt.Errorf("%w: gzip level %d (want 1-9, or 0 for the default)", ErrInvalid, o.GzipLevel)
	}
	level := o.GzipLevel
	if level == 0 {
		level = gzip.BestSpeed
	}
	if o.MaxMemPerRecord <= 0 {
		o.MaxMemPerRecord = defaultMaxMem
	}
	if o.Software == "" {
		o.Software = "councildash"
	}
	if o.Shard == "" {
		o.Shard = "all"
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWrite, err)
	}
	probe, err := os.CreateTemp(o.Dir, ".councildash-probe-*")
	if err != nil {
		return nil, fmt.Errorf("%w: folder not writable: %v", ErrWrite, err)
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())

	prefix := FilePrefix(o.RunID, o.Shard)
	next, err := nextSerial(o.Dir, prefix)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWrite, err)
	}
	w := &Writer{opt: o, names: &nameGen{dir: o.Dir, prefix: prefix, next: next}, keep: map[string]int64{}, used: map[string]bool{},
		queue: make(chan *appendReq, 256), loopDone: make(chan struct{})}
	w.recOpts = []gowarc.WarcRecordOption{
		gowarc.WithVersion(gowarc.V1_1),
		gowarc.WithAddMissingDigest(true),
		gowarc.WithDefaultDigestAlgorithm("sha256"),
		gowarc.WithBufferMaxMemBytes(o.MaxMemPerRecord),
		gowarc.WithRecordIdFunc(newRecordID),
	}
	if o.TempDir != "" {
		w.recOpts = append(w.recOpts, gowarc.WithBufferTmpDir(o.TempDir))
	}
	w.fastOpts = append(append([]gowarc.WarcRecordOption(nil), w.recOpts...), gowarc.WithSpecViolationPolicy(gowarc.ErrIgnore), gowarc.WithSkipParseBlock())
	w.level = level
	first, err := newRecordID()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWrite, err)
	}
	w.infoID.Store(&first)
	go w.loop()
	return w, nil
}

// Dir is the archive folder.
func (w *Writer) Dir() string { return w.opt.Dir }

// Err returns the error that stopped the Writer (wrapping ErrWrite), or nil.
func (w *Writer) Err() error {
	if p := w.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// Stats returns what was written so far.
func (w *Writer) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

// Files lists the WARC files started so far (final names, oldest first).
func (w *Writer) Files() []string { return w.names.list() }

// warcinfo fills the warcinfo record that starts every file.
func (w *Writer) warcinfo(rb gowarc.WarcRecordBuilder) error {
	f := &gowarc.WarcFields{}
	sw := w.opt.Software
	if w.opt.Version != "" {
		sw += "/" + w.opt.Version
	}
	f.Add("software", clean(sw))
	f.Add("format", "WARC File Format 1.1")
	f.Add("conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/")
	f.Add("isPartOf", clean(w.opt.Software+"-run-"+w.opt.RunID))
	f.Add("description", "councildash crawl of UK council websites")
	f.Add("robots", "obey")
	if w.opt.UserAgent != "" {
		f.Add("http-header-user-agent", clean(w.opt.UserAgent))
	}
	f.Add("councildash-run", clean(w.opt.RunID))
	f.Add("councildash-shard", clean(w.opt.Shard))
	f.Add("councildash-version", clean(w.opt.Version))
	f.Add("councildash-method", clean(w.opt.MethodVersion))
	// The first file's warcinfo takes the id records made so far name; each
	// later one a new id, which records made from now on name.
	id := *w.infoID.Load()
	if w.infoFiles > 0 {
		var err error
		if id, err = newRecordID(); err != nil {
			return err
		}
		w.infoID.Store(&id)
	}
	w.infoFiles++
	rb.AddWarcHeader(gowarc.WarcRecordID, "<"+id+">")
	_, err := f.Write(rb)
	return err
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("fsync %s: %w", filepath.Base(path), err)
	}
	return nil
}

// bodyReader remembers the first read error of a body, so that a failing
// body (the server hung up) is told apart from a failing buffer.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// check returns the error a call must fail with before it starts.
func (w *Writer) check(ctx context.Context) error {
	if err := w.Err(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

// RecordFetch archives one HTTP exchange: a response record (status line,
// headers and body as received) and a request record, linked by
// WARC-Concurrent-To and carrying WARC-Block-Digest and (for the response)
// WARC-Payload-Digest. It returns the Location of the response record.
//
// A cancelled ctx or invalid input returns an error without archiving
// anything; a failed append returns an error wrapping ErrWrite, and every
// later call fails with it at once (the body is then not read).
func (w *Writer) RecordFetch(ctx context.Context, f Fetch) (Location, error) {
	if err := w.check(ctx); err != nil {
		return Location{}, err
	}
	target, err := fetchTarget(f.Request)
	if err != nil {
		return Location{}, err
	}
	if f.StatusCode < 100 || f.StatusCode > 999 {
		return Location{}, fmt.Errorf("%w: status %d", ErrInvalid, f.StatusCode)
	}
	date := f.Date
	if date.IsZero() {
		date = time.Now()
	}
	ip := remoteIP(f.RemoteIP)

	resp, err := w.buildResponse(f, target, date, ip)
	if err != nil {
		return Location{}, err
	}
	req, err := w.buildRequest(f.Request, target, date, ip, f.Purpose)
	if err != nil {
		_ = resp.Close()
		return Location{}, err
	}
	loc := Location{RecordID: resp.RecordId(), PayloadDigest: resp.WarcHeader().Get(gowarc.WarcPayloadDigest)}
	if err := ctx.Err(); err != nil {
		_ = resp.Close()
		_ = req.Close()
		return Location{}, err
	}
	resp.WarcHeader().AddId(gowarc.WarcConcurrentTo, req.RecordId())
	req.WarcHeader().AddId(gowarc.WarcConcurrentTo, resp.RecordId())
	// A body compressed already is stored as it is; so is the request (a
	// few hundred bytes: compressing it would cost about as much as the
	// rest of the record and save a couple of hundred bytes).
	ms, err := w.members([]bool{encoded(f.Header) && !f.Decoded, true}, resp, req)
	_ = resp.Close()
	_ = req.Close()
	if err != nil {
		return Location{}, err
	}

	at, err := w.append(ms, true)
	w.release(ms)
	if err != nil {
		return Location{}, err
	}
	loc.File, loc.Offset, loc.Length = at[0].file, at[0].offset, at[0].length
	return loc, nil
}

// RecordMetadata archives one metadata record and returns its Location.
// Errors are as for RecordFetch.
func (w *Writer) RecordMetadata(ctx context.Context, m Metadata) (Location, error) {
	if err := w.check(ctx); err != nil {
		return Location{}, err
	}
	u, err := url.Parse(m.TargetURI)
	if err != nil || m.TargetURI == "" || !u.IsAbs() {
		return Location{}, fmt.Errorf("%w: target %q is not an absolute URL", ErrInvalid, m.TargetURI)
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	rb := newBuilder(gowarc.Metadata, w.recOpts)
	rb.AddWarcHeader(gowarc.WarcTargetURI, clean(m.TargetURI))
	rb.AddWarcHeaderTime(gowarc.WarcDate, date)
	if m.RefersTo != "" {
		rb.AddWarcHeader(gowarc.WarcRefersTo, "<"+strings.Trim(clean(m.RefersTo), "<>")+">")
	}
	rb.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	fields := &gowarc.WarcFields{}
	for _, f := range m.Fields {
		name := fieldName(f.Name)
		if name == "" {
			continue
		}
		fields.Add(name, clean(f.Value))
	}
	if _, err := fields.Write(rb); err != nil {
		_ = rb.Close()
		return Location{}, w.failLocked(fmt.Errorf("buffering record: %w", err))
	}
	rec, _, err := rb.Build()
	if err != nil {
		return Location{}, w.failLocked(fmt.Errorf("building record: %w", err))
	}
	loc := Location{RecordID: rec.RecordId()}
	ms, err := w.members(nil, rec)
	_ = rec.Close()
	if err != nil {
		return Location{}, err
	}

	at, err := w.append(ms, false)
	w.release(ms)
	if err != nil {
		return Location{}, err
	}
	loc.File, loc.Offset, loc.Length = at[0].file, at[0].offset, at[0].length
	return loc, nil
}

// gowarc v3.1.0 calls uuid.EnableRandPool each time it sets up record
// options (a record builder, an unmarshaler): an unsynchronised write of
// true to a github.com/google/uuid global. Nothing here reads that global
// (record ids come from newRecordID; councildash makes its UUIDs with
// uuid.NewRandomFromReader, checked by TestNoPooledUUIDs), so the only
// conflict is that write with itself, from goroutines building records at
// once: harmless, but the race detector reports it. Under the race
// detector those calls take a lock (lib_race.go); otherwise they do not
// (lib_norace.go), because a lock taken twice per fetch by every crawling
// goroutine throttles the crawl when the machine is busy.

func newBuilder(t gowarc.RecordType, opts []gowarc.WarcRecordOption) gowarc.WarcRecordBuilder {
	defer libLock()()
	return gowarc.NewRecordBuilder(t, opts...)
}

func newUnmarshaler(opts []gowarc.WarcRecordOption) gowarc.Unmarshaler {
	defer libLock()()
	return gowarc.NewUnmarshaler(opts...)
}

// newRecordID returns a random (v4) UUID URN.
func newRecordID() (string, error) {
	u, err := uuid.NewRandomFromReader(rand.Reader)
	if err != nil {
		return "", err
	}
	return u.URN(), nil
}

// fail makes err final. The bytes the failed call wrote from offset on in
// file ("" when it wrote none) are cut off again at Close, so the files end
// with the last complete record. Holding mu.
func (w *Writer) fail(file string, offset int64, err error) error {
	if file != "" {
		if k, ok := w.keep[file]; !ok || offset < k {
			w.keep[file] = offset
		}
	}
	// Files we started that hold no complete record of ours (the warcinfo
	// failed, or their first record did) are removed.
	for _, name := range w.names.list() {
		if !w.used[name] {
			w.keep[name] = 0
		}
	}
	var e error
	if file != "" {
		e = fmt.Errorf("%w: %s: %v", ErrWrite, file, err)
	} else {
		e = fmt.Errorf("%w: %v", ErrWrite, err)
	}
	w.failed.CompareAndSwap(nil, &e)
	return w.Err()
}

// Close finishes the current file (flush, fsync, rename from .open), cuts
// off any partly written record after a failure, and fsyncs the folder.
// Calls after Close fail with ErrClosed. The error that stopped the Writer
// earlier is not returned again (see Err).
func (w *Writer) Close() error {
	w.sendMu.Lock()
	if w.closed {
		w.sendMu.Unlock()
		return nil
	}
	w.closed = true
	close(w.queue)
	w.sendMu.Unlock()
	<-w.loopDone // every append queued is answered
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	if w.f != nil {
		errs = append(errs, w.finishFile())
	}
	for name, keep := range w.keep {
		path := filepath.Join(w.opt.Dir, name)
		if _, err := os.Stat(path); err != nil {
			if _, oerr := os.Stat(path + openSuffix); oerr != nil {
				continue // never created
			}
			path += openSuffix
		}
		if keep == 0 {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		if err := os.Truncate(path, keep); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, syncFile(path))
	}
	for _, name := range w.names.list() {
		if _, err := os.Stat(filepath.Join(w.opt.Dir, name+openSuffix)); err == nil {
			errs = append(errs, fmt.Errorf("%s could not be finished", name))
		}
	}
	if d, err := os.Open(w.opt.Dir); err == nil {
		errs = append(errs, d.Sync(), d.Close())
	} else {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: closing: %v", ErrWrite, err)
	}
	return nil
}

// buildResponse builds the response record: status line, header, body.
func (w *Writer) buildResponse(f Fetch, target string, date time.Time, ip string) (gowarc.WarcRecord, error) {
	rb := newBuilder(gowarc.Response, w.fastOpts)
	d := newDigester(rb)
	rb.AddWarcHeader(gowarc.WarcTargetURI, target)
	rb.AddWarcHeaderTime(gowarc.WarcDate, date)
	if ip != "" {
		rb.AddWarcHeader(gowarc.WarcIPAddress, ip)
	}
	rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	if p := fieldValue(f.Purpose); p != "" {
		rb.AddWarcHeader(PurposeField, p)
	}
	proto := f.Proto
	if proto == "" || !strings.HasPrefix(proto, "HTTP/") || strings.ContainsAny(proto, " \r\n") {
		proto = "HTTP/1.1"
	}
	reason := clean(f.Reason)
	if reason == "" {
		reason = http.StatusText(f.StatusCode)
	}
	status := proto + " " + strconv.Itoa(f.StatusCode)
	if reason != "" {
		status += " " + reason
	}
	_, err := io.WriteString(d, status+"\r\n")
	if err == nil {
		err = archivedHeader(f.Header, f.Decoded).Write(d)
	}
	if err == nil {
		_, err = io.WriteString(d, "\r\n")
	}
	truncated := clean(f.Truncated)
	if err == nil && f.Body != nil {
		body := &bodyReader{r: f.Body}
		// Through Write with a pooled buffer: the builder's ReadFrom takes
		// a fresh 32 KiB for every record.
		buf, _ := w.cpPool.Get().(*[]byte)
		if buf == nil {
			b := make([]byte, 32<<10)
			buf = &b
		}
		_, err = io.CopyBuffer(struct{ io.Writer }{rb}, io.TeeReader(body, d.body()), *buf)
		w.cpPool.Put(buf)
		if body.err != nil {
			// The body ended early: keep what came, say so.
			err = nil
			if truncated == "" {
				truncated = "disconnect"
			}
		}
	}
	if err != nil {
		_ = rb.Close()
		return nil, w.failLocked(fmt.Errorf("buffering record: %w", err))
	}
	if truncated != "" {
		rb.AddWarcHeader(gowarc.WarcTruncated, truncated)
	}
	d.headers()
	rec, _, err := rb.Build()
	if err != nil {
		return nil, w.failLocked(fmt.Errorf("building record: %w", err))
	}
	return rec, nil
}

// failLocked is fail for errors outside the append (spooling a record).
func (w *Writer) failLocked(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fail("", 0, err)
}

// buildRequest builds the request record: request line and header as sent.
func (w *Writer) buildRequest(r *http.Request, target string, date time.Time, ip, purpose string) (gowarc.WarcRecord, error) {
	rb := newBuilder(gowarc.Request, w.fastOpts)
	d := newDigester(rb)
	rb.AddWarcHeader(gowarc.WarcTargetURI, target)
	rb.AddWarcHeaderTime(gowarc.WarcDate, date)
	if ip != "" {
		rb.AddWarcHeader(gowarc.WarcIPAddress, ip)
	}
	rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
	if p := fieldValue(purpose); p != "" {
		rb.AddWarcHeader(PurposeField, p)
	}
	sent := r.Clone(context.Background())
	sent.Body, sent.GetBody, sent.ContentLength, sent.TransferEncoding = nil, nil, 0, nil
	sent.Header = validHeader(sent.Header)
	if err := sent.Write(d); err != nil {
		_ = rb.Close()
		return nil, fmt.Errorf("%w: request: %v", ErrInvalid, err)
	}
	d.headers()
	rec, _, err := rb.Build()
	if err != nil {
		return nil, w.failLocked(fmt.Errorf("building record: %w", err))
	}
	return rec, nil
}

// archivedHeader returns the header to archive. The body is archived after
// transfer decoding, so Transfer-Encoding is kept under another name; so are
// Content-Encoding and Content-Length when the body was decoded.
func archivedHeader(h http.Header, decoded bool) http.Header {
	out := validHeader(h)
	rename := []string{"Transfer-Encoding"}
	if decoded {
		rename = append(rename, "Content-Encoding", "Content-Length")
	}
	for _, k := range rename {
		if v, ok := out[k]; ok {
			delete(out, k)
			out["X-Archive-Orig-"+k] = v
		}
	}
	return out
}

// validHeader copies h without fields whose names HTTP does not allow
// (http.Header.Write already turns line breaks in values into spaces).
func validHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, v := range h {
		if !httpguts.ValidHeaderFieldName(k) {
			continue
		}
		out[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
	}
	return out
}

func fetchTarget(r *http.Request) (string, error) {
	if r == nil || r.URL == nil {
		return "", fmt.Errorf("%w: no request", ErrInvalid)
	}
	if (r.URL.Scheme != "http" && r.URL.Scheme != "https") || r.URL.Host == "" {
		return "", fmt.Errorf("%w: URL %q is not absolute http(s)", ErrInvalid, r.URL.Redacted())
	}
	return clean(r.URL.String()), nil
}

// remoteIP returns the IP in s (an IP or host:port), or "".
func remoteIP(s string) string {
	if s == "" {
		return ""
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	if ip := net.ParseIP(strings.Trim(s, "[]")); ip != nil {
		return ip.String()
	}
	return ""
}

// clean replaces line breaks and other control characters, which would
// break a WARC header line, by spaces.
func clean(s string) string {
	if !strings.ContainsFunc(s, isCtl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isCtl(r) {
			return ' '
		}
		return r
	}, s)
}

func isCtl(r rune) bool { return r < 0x20 || r == 0x7f }

// fieldValue keeps a header value to one token-ish line (purposes are
// short words).
func fieldValue(s string) string { return strings.TrimSpace(clean(s)) }

// fieldName keeps the characters a warc-fields name may have.
func fieldName(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r >= 0x7f || r == ':' {
			return -1
		}
		return r
	}, s)
}

// ---- file names ----

const openSuffix = ".open"

// FileExt is the extension of the files a Writer makes.
const FileExt = ".warc.gz"

// FilePrefix returns the start of the names of a run's and shard's files:
// "councildash-RUN-SHARD-".
func FilePrefix(runID, shard string) string {
	if shard == "" {
		shard = "all"
	}
	return "councildash-" + runID + "-" + safeShard(shard) + "-"
}

// RunFiles lists the finished and unfinished (".open") WARC files of a run
// in dir, all shards, sorted by name.
func RunFiles(dir, runID string) ([]string, error) {
	if !safeRunID(runID) {
		return nil, fmt.Errorf("%w: run id %q", ErrInvalid, runID)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, "councildash-"+runID+"-") && (strings.HasSuffix(n, FileExt) || strings.HasSuffix(n, FileExt+openSuffix)) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

func safeRunID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return s != "." && s != ".."
}

func safeShard(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_':
			b.WriteRune(r)
		case r == '/':
			b.WriteString("of")
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// nextSerial returns 1 + the highest sequence number of prefix's files in dir.
func nextSerial(dir, prefix string) (int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	next := 1
	for _, e := range ents {
		n, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		n = strings.TrimSuffix(n, openSuffix)
		n, ok = strings.CutSuffix(n, FileExt)
		if !ok {
			continue
		}
		if seq, err := strconv.Atoi(n); err == nil && seq >= next {
			next = seq + 1
		}
	}
	return next, nil
}

// nameGen names the library's files: prefix + 5-digit sequence + FileExt
// (the library adds ".open" while a file is written; the gzip members are
// ours, so it adds no ".gz").
type nameGen struct {
	dir, prefix string
	mu          sync.Mutex
	next        int
	made        []string
}

func (g *nameGen) NewWarcfileName() (string, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var name string
	for {
		name = fmt.Sprintf("%s%05d%s", g.prefix, g.next, FileExt)
		g.next++
		// Never reuse a name (another process of the same run and shard).
		_, err1 := os.Lstat(filepath.Join(g.dir, name))
		_, err2 := os.Lstat(filepath.Join(g.dir, name+openSuffix))
		if err1 != nil && err2 != nil {
			break
		}
	}
	g.made = append(g.made, name)
	return g.dir, name
}

func (g *nameGen) list() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.made...)
}

// ---- gzip members, made by the callers ----

var crlf = []byte("\r\n")

// members serialises records (in the caller's goroutine) and gzips each
// into a member of its own, naming the current warcinfo.
// stored[i] says record i's block is mostly compressed already (a
// content-encoded body): its member stores it rather than compressing it
// again, which would cost time and save nothing.
func (w *Writer) members(stored []bool, recs ...gowarc.WarcRecord) ([]*bytes.Buffer, error) {
	info := *w.infoID.Load()
	out := make([]*bytes.Buffer, 0, len(recs))
	for i, r := range recs {
		r.WarcHeader().SetId(gowarc.WarcWarcinfoID, info)
		b, err := w.member(r, i < len(stored) && stored[i])
		if err != nil {
			return nil, w.failLocked(fmt.Errorf("serialising record: %w", err))
		}
		out = append(out, b)
	}
	return out, nil
}

// appended is where one record went.
type appended struct {
	file           string
	offset, length int64
}

// appendReq is one call's members waiting to be written.
type appendReq struct {
	ms    []*bytes.Buffer
	fetch bool // a fetch (else a metadata record), for Stats
	done  chan appendRes
}

type appendRes struct {
	at  []appended
	err error
}

// append queues one call's members and waits until they are written.
func (w *Writer) append(ms []*bytes.Buffer, fetch bool) ([]appended, error) {
	req := &appendReq{ms: ms, fetch: fetch, done: make(chan appendRes, 1)}
	w.sendMu.RLock()
	if w.closed {
		w.sendMu.RUnlock()
		return nil, ErrClosed
	}
	if err := w.Err(); err != nil { // failed while this call was building
		w.sendMu.RUnlock()
		return nil, err
	}
	w.queue <- req
	w.sendMu.RUnlock()
	res := <-req.done
	return res.at, res.err
}

// maxBatch bounds the calls written with one write.
const maxBatch = 128

// loop writes the queued calls, as many as are waiting at once, until
// Close.
func (w *Writer) loop() {
	defer close(w.loopDone)
	for req := range w.queue {
		batch := []*appendReq{req}
	more:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-w.queue:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		w.mu.Lock()
		w.writeBatch(batch)
		w.mu.Unlock()
	}
}

// writeBatch appends calls in order, each call's members to one file: a
// new one (with its warcinfo record) when none is open or the call would
// take it over MaxFileSize (unless it holds nothing else yet). Members
// bound for the same file go out in one write. A failure is final (fail):
// the calls not written are answered with it, and their bytes are cut off
// at Close. Holding mu.
func (w *Writer) writeBatch(batch []*appendReq) {
	var bufs net.Buffers
	var pending int64 // bytes in bufs
	var waiting []*appendReq
	var answers [][]appended
	flush := func() error { // the members gathered for the current file
		if len(bufs) == 0 {
			return nil
		}
		start := w.size
		w.size += pending
		_, err := bufs.WriteTo(w.f)
		bufs, pending = nil, 0
		if err != nil {
			return w.fail(w.name, start, err)
		}
		w.used[w.name] = true
		for i, r := range waiting {
			w.stats.Bytes += answers[i][0].length // the response or metadata record
			if r.fetch {
				w.stats.Fetches++
			} else {
				w.stats.Metadata++
			}
			r.done <- appendRes{at: answers[i]}
		}
		waiting, answers = nil, nil
		return nil
	}
	answerAll := func(err error, rest []*appendReq) {
		for _, r := range waiting {
			r.done <- appendRes{err: err}
		}
		for _, r := range rest {
			r.done <- appendRes{err: err}
		}
	}
	for i, r := range batch {
		if err := w.Err(); err != nil {
			answerAll(err, batch[i:])
			return
		}
		var total int64
		for _, m := range r.ms {
			total += int64(m.Len())
		}
		if w.f != nil && w.size+pending > w.infoLen && w.size+pending+total > w.opt.MaxFileSize {
			if err := flush(); err != nil {
				answerAll(err, batch[i:])
				return
			}
			if err := w.finishFile(); err != nil {
				answerAll(w.fail("", 0, err), batch[i:])
				return
			}
		}
		if w.f == nil {
			if err := w.startFile(); err != nil {
				answerAll(w.fail(w.name, 0, err), batch[i:])
				return
			}
		}
		at := make([]appended, 0, len(r.ms))
		for _, m := range r.ms {
			at = append(at, appended{file: w.name, offset: w.size + pending, length: int64(m.Len())})
			pending += int64(m.Len())
			bufs = append(bufs, m.Bytes())
		}
		waiting, answers = append(waiting, r), append(answers, at)
	}
	if err := flush(); err != nil {
		answerAll(err, nil)
	}
}

// startFile creates the next file (named with ".open" until finished) and
// writes its warcinfo record. Holding mu.
func (w *Writer) startFile() error {
	dir, name := w.names.NewWarcfileName()
	f, err := os.OpenFile(filepath.Join(dir, name+openSuffix), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	w.f, w.name, w.size, w.infoLen = f, name, 0, 0
	rb := newBuilder(gowarc.Warcinfo, w.recOpts)
	rb.AddWarcHeaderTime(gowarc.WarcDate, time.Now())
	rb.AddWarcHeader(gowarc.WarcFilename, name)
	rb.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	if err := w.warcinfo(rb); err != nil {
		_ = rb.Close()
		return err
	}
	rec, _, err := rb.Build()
	if err != nil {
		return err
	}
	m, err := w.member(rec, false)
	_ = rec.Close()
	if err != nil {
		return err
	}
	n, err := f.Write(m.Bytes())
	w.size += int64(n)
	w.infoLen = w.size
	return err
}

// finishFile makes the current file durable and gives it its final name.
// Holding mu.
func (w *Writer) finishFile() error {
	f, open := w.f, filepath.Join(w.opt.Dir, w.name+openSuffix)
	w.f = nil
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("finishing %s: %w", w.name, err)
	}
	if err := os.Rename(open, filepath.Join(w.opt.Dir, w.name)); err != nil {
		return fmt.Errorf("finishing %s: %w", w.name, err)
	}
	return nil
}

// member returns a record as one gzip member: version line, WARC headers,
// block, end of record.
func (w *Writer) member(r gowarc.WarcRecord, stored bool) (*bytes.Buffer, error) {
	out, _ := w.mbPool.Get().(*bytes.Buffer)
	if out == nil {
		out = &bytes.Buffer{}
	}
	if n, ok := r.WarcHeader().GetInt64(gowarc.ContentLength); ok == nil && n > 0 {
		if stored {
			out.Grow(int(min(n+1024, 1<<20)))
		} else {
			out.Grow(int(min(n/3+1024, 1<<20))) // HTML compresses to a third or less
		}
	}
	pool, level := &w.gzPool, w.level
	if stored {
		pool, level = &w.gzFlat, gzip.NoCompression
	}
	zw, _ := pool.Get().(*gzip.Writer)
	if zw == nil {
		var err error
		if zw, err = gzip.NewWriterLevel(out, level); err != nil {
			return nil, err
		}
	} else {
		zw.Reset(out)
	}
	defer pool.Put(zw)
	bw, _ := w.bwPool.Get().(*bufio.Writer)
	if bw == nil {
		bw = bufio.NewWriterSize(zw, 4096)
	} else {
		bw.Reset(zw)
	}
	defer w.bwPool.Put(bw)
	if _, err := io.WriteString(bw, r.Version().String()); err != nil {
		return nil, err
	}
	_, _ = bw.Write(crlf)
	if _, err := r.WarcHeader().Write(bw); err != nil {
		return nil, err
	}
	_, _ = bw.Write(crlf)
	block, err := r.Block().RawBytes()
	if err != nil {
		return nil, err
	}
	buf, _ := w.cpPool.Get().(*[]byte)
	if buf == nil {
		b := make([]byte, 32<<10)
		buf = &b
	}
	_, err = io.CopyBuffer(bw, struct{ io.Reader }{block}, *buf) // no WriterTo: no buffer of its own per copy
	w.cpPool.Put(buf)
	if err != nil {
		return nil, err
	}
	_, _ = bw.Write(crlf)
	_, _ = bw.Write(crlf)
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// release gives members back once written (big ones are let go).
func (w *Writer) release(ms []*bytes.Buffer) {
	for _, m := range ms {
		if m.Cap() <= 1<<20 {
			m.Reset()
			w.mbPool.Put(m)
		}
	}
}

// encoded reports whether a response's body is content-encoded (gzip, br,
// deflate, zstd...): compressed already.
func encoded(h http.Header) bool {
	for _, v := range h.Values("Content-Encoding") {
		for _, e := range strings.Split(v, ",") {
			if e = strings.ToLower(strings.TrimSpace(e)); e != "" && e != "identity" {
				return true
			}
		}
	}
	return false
}

// digester writes an HTTP message into a record builder while computing
// its WARC-Block-Digest (all of it) and WARC-Payload-Digest (the body), in
// the form gowarc writes them (sha256, base 16).
type digester struct {
	rb             gowarc.WarcRecordBuilder
	block, payload hash.Hash
}

func newDigester(rb gowarc.WarcRecordBuilder) *digester {
	return &digester{rb: rb, block: sha256.New(), payload: sha256.New()}
}

// Write writes message head bytes (status or request line, headers).
func (d *digester) Write(p []byte) (int, error) {
	n, err := d.rb.Write(p)
	d.block.Write(p[:n])
	return n, err
}

// body is where the body's bytes are hashed as they are read.
func (d *digester) body() io.Writer { return io.MultiWriter(d.block, d.payload) }

// headers adds the digests.
func (d *digester) headers() {
	d.rb.AddWarcHeader(gowarc.WarcBlockDigest, "sha256:"+hex.EncodeToString(d.block.Sum(nil)))
	d.rb.AddWarcHeader(gowarc.WarcPayloadDigest, "sha256:"+hex.EncodeToString(d.payload.Sum(nil)))
}
