package archive

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
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
// digests computed) in the caller's goroutine; only the append to the file
// is serialised.
type Writer struct {
	opt     Options
	names   *nameGen
	lib     *gowarc.WarcFileWriter
	recOpts []gowarc.WarcRecordOption

	failed atomic.Pointer[error] // first write error: final

	mu     sync.Mutex // serialises appends and guards the fields below
	closed bool
	keep   map[string]int64 // file → bytes to keep after a failed append
	used   map[string]bool  // files holding at least one complete record of ours
	stats  Stats

	hookMu  sync.Mutex
	hookErr error
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
	w := &Writer{opt: o, names: &nameGen{dir: o.Dir, prefix: prefix, next: next}, keep: map[string]int64{}, used: map[string]bool{}}
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
	w.lib = gowarc.NewWarcFileWriter(
		gowarc.WithFileNameGenerator(w.names),
		gowarc.WithMaxFileSize(o.MaxFileSize),
		gowarc.WithCompression(true),
		gowarc.WithCompressionLevel(level),
		gowarc.WithMaxConcurrentWriters(1),
		gowarc.WithAddWarcConcurrentToHeader(true),
		gowarc.WithWarcInfoFunc(w.warcinfo),
		gowarc.WithRecordOptions(w.recOpts...),
		gowarc.WithAfterFileCreationHook(w.fileDone),
	)
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
	_, err := f.Write(rb)
	return err
}

// fileDone runs in the library's writer goroutine when a file is finished
// and renamed: make its bytes durable.
func (w *Writer) fileDone(path string, _ int64, _ string) error {
	err := syncFile(path)
	if err != nil {
		w.hookMu.Lock()
		w.hookErr = errors.Join(w.hookErr, err)
		w.hookMu.Unlock()
	}
	return err
}

func (w *Writer) takeHookErr() error {
	w.hookMu.Lock()
	defer w.hookMu.Unlock()
	err := w.hookErr
	w.hookErr = nil
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

	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		_ = resp.Close()
		_ = req.Close()
		return Location{}, ErrClosed
	}
	if err := w.Err(); err != nil { // failed while this call was building
		_ = resp.Close()
		_ = req.Close()
		return Location{}, err
	}
	res := w.write(resp, req)
	if len(res) != 2 {
		_ = resp.Close()
		_ = req.Close()
		return Location{}, ErrClosed
	}
	for _, r := range res {
		if r.Err != nil {
			return Location{}, w.fail(res, r.Err)
		}
	}
	w.used[res[0].FileName], w.used[res[1].FileName] = true, true
	if err := w.takeHookErr(); err != nil {
		return Location{}, w.fail(nil, err)
	}
	loc.File, loc.Offset = res[0].FileName, res[0].FileOffset
	if res[1].FileName == res[0].FileName {
		loc.Length = res[1].FileOffset - res[0].FileOffset
	} else if loc.Length, err = w.endOf(res[0]); err != nil {
		return Location{}, w.fail(nil, err)
	}
	w.stats.Fetches++
	w.stats.Bytes += loc.Length
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

	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		_ = rec.Close()
		return Location{}, ErrClosed
	}
	if err := w.Err(); err != nil {
		_ = rec.Close()
		return Location{}, err
	}
	res := w.write(rec)
	if len(res) != 1 {
		_ = rec.Close()
		return Location{}, ErrClosed
	}
	if res[0].Err != nil {
		return Location{}, w.fail(res, res[0].Err)
	}
	w.used[res[0].FileName] = true
	if err := w.takeHookErr(); err != nil {
		return Location{}, w.fail(nil, err)
	}
	loc.File, loc.Offset = res[0].FileName, res[0].FileOffset
	if loc.Length, err = w.endOf(res[0]); err != nil {
		return Location{}, w.fail(nil, err)
	}
	w.stats.Metadata++
	w.stats.Bytes += loc.Length
	return loc, nil
}

// write appends records (holding libMu: opening a file builds a warcinfo
// record).
func (w *Writer) write(recs ...gowarc.WarcRecord) []gowarc.WriteResponse {
	libMu.Lock()
	defer libMu.Unlock()
	return w.lib.Write(recs...)
}

// libMu serialises the gowarc calls that set up record options: gowarc
// v3.1.0 calls uuid.EnableRandPool (an unsynchronised write of a
// github.com/google/uuid global) every time, which races between
// goroutines. Record IDs come from newRecordID, which does not read that
// global, so building records needs no lock.
var libMu sync.Mutex

func newBuilder(t gowarc.RecordType, opts []gowarc.WarcRecordOption) gowarc.WarcRecordBuilder {
	libMu.Lock()
	defer libMu.Unlock()
	return gowarc.NewRecordBuilder(t, opts...)
}

func newUnmarshaler(opts []gowarc.WarcRecordOption) gowarc.Unmarshaler {
	libMu.Lock()
	defer libMu.Unlock()
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

// endOf returns the length of the last record appended to res.FileName:
// the file's size (the file is not written concurrently: w.mu is held and
// the library has one writer goroutine) minus the record's offset.
func (w *Writer) endOf(res gowarc.WriteResponse) (int64, error) {
	path := filepath.Join(w.opt.Dir, res.FileName)
	st, err := os.Stat(path + openSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		st, err = os.Stat(path) // finished already (rotated)
	}
	if err != nil {
		return 0, err
	}
	n := st.Size() - res.FileOffset
	if n <= 0 {
		return 0, fmt.Errorf("%s: record at %d has no bytes on disk", res.FileName, res.FileOffset)
	}
	return n, nil
}

// fail makes err final. res are the library's answers for the failed call:
// the bytes of this call are cut off again at Close, so the files end with
// the last complete record.
func (w *Writer) fail(res []gowarc.WriteResponse, err error) error {
	file := ""
	for _, r := range res {
		if r.FileName == "" {
			continue
		}
		if k, ok := w.keep[r.FileName]; !ok || r.FileOffset < k {
			w.keep[r.FileName] = r.FileOffset
		}
		if r.Err != nil && file == "" {
			file = r.FileName
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
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	_ = w.lib.Close() // drains, closes, renames, runs fileDone (fsync)
	errs := []error{w.takeHookErr()}
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
	rb := newBuilder(gowarc.Response, w.recOpts)
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
	_, err := io.WriteString(rb, status+"\r\n")
	if err == nil {
		err = archivedHeader(f.Header, f.Decoded).Write(rb)
	}
	if err == nil {
		_, err = io.WriteString(rb, "\r\n")
	}
	truncated := clean(f.Truncated)
	if err == nil && f.Body != nil {
		body := &bodyReader{r: f.Body}
		_, err = rb.ReadFrom(body)
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
	return w.fail(nil, err)
}

// buildRequest builds the request record: request line and header as sent.
func (w *Writer) buildRequest(r *http.Request, target string, date time.Time, ip, purpose string) (gowarc.WarcRecord, error) {
	rb := newBuilder(gowarc.Request, w.recOpts)
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
	if err := sent.Write(rb); err != nil {
		_ = rb.Close()
		return nil, fmt.Errorf("%w: request: %v", ErrInvalid, err)
	}
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

// nameGen names the library's files: prefix + 5-digit sequence + ".warc"
// (the library adds ".gz" and, while open, ".open").
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
		name = fmt.Sprintf("%s%05d.warc", g.prefix, g.next)
		g.next++
		// Never reuse a name (another process of the same run and shard).
		_, err1 := os.Lstat(filepath.Join(g.dir, name+".gz"))
		_, err2 := os.Lstat(filepath.Join(g.dir, name+".gz"+openSuffix))
		if err1 != nil && err2 != nil {
			break
		}
	}
	g.made = append(g.made, name+".gz")
	return g.dir, name
}

func (g *nameGen) list() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.made...)
}
