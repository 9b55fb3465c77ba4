package archive

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/nlnwa/gowarc/v3"
)

// Limits bound what reading one record may cost. Zero fields take the
// defaults.
type Limits struct {
	// MaxHeaderBytes caps the WARC header block and, separately, the HTTP
	// header block of a record (default 64 KiB). Bigger: ErrHeaderTooLarge.
	MaxHeaderBytes int
	// MaxRecordBytes caps a record's Content-Length (default 64 MiB).
	// Bigger records are skipped with ErrRecordTooLarge.
	MaxRecordBytes int64
	// MaxBodyBytes caps the decoded HTTP body returned (default 5 MiB, the
	// crawler's cap); the rest is dropped and Record.BodyTruncated set.
	MaxBodyBytes int64
	// MaxMemBytes is how much of one record is held in memory while its
	// digests are checked; the rest is spooled to a temporary file in
	// TempDir (default 1 MiB).
	MaxMemBytes int64
	TempDir     string
}

func (l Limits) withDefaults() Limits {
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = 64 << 10
	}
	if l.MaxRecordBytes <= 0 {
		l.MaxRecordBytes = 64 << 20
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = 5 << 20
	}
	if l.MaxMemBytes <= 0 {
		l.MaxMemBytes = defaultMaxMem
	}
	return l
}

// ErrMalformed is a record gowarc cannot parse for another reason.
var ErrMalformed = errors.New("malformed record")

// ErrNoRecord means a Location does not hold a readable response record.
var ErrNoRecord = errors.New("archive: no such record")

// Record is one HTTP response read from a WARC file.
type Record struct {
	// Location of the record. File, Offset and Length are set when the
	// record can be read alone (gzip per record, or an uncompressed file);
	// they are zero inside a whole-file gzip.
	Location
	// Index counts the file's records from 0 (all types).
	Index       int
	WARCVersion string // "WARC/1.1"
	TargetURI   string
	Date        time.Time
	IPAddress   string
	// Truncated is the record's WARC-Truncated ("" when whole).
	Truncated  string
	Proto      string // "HTTP/1.1"
	StatusCode int
	Status     string // "200 OK"
	Header     http.Header
	// Body is the HTTP body with transfer and content encodings removed
	// (gzip, deflate, br), at most Limits.MaxBodyBytes.
	Body []byte
	// PayloadBytes is the size of the body as archived (after transfer
	// decoding, before content decoding): what came over the wire. It
	// counts the bytes read, which stop soon after MaxBodyBytes.
	PayloadBytes int64
	// BodyTruncated is set when Body is not the whole body: cut at the
	// limit, shorter than the HTTP header said, or not decodable to its end.
	BodyTruncated bool
	// Purpose is the record's Councildash-Purpose field (what councildash
	// fetched it for, see PurposePage); "" in files written by others.
	Purpose string
	// Failure is set on councildash's record of a fetch that got no
	// answer (a metadata record, see FailureMetadata), which only a Scanner
	// with IncludeFailures returns: such a record has a Location, Index,
	// WARCVersion, TargetURI, Date and Purpose, and no status, header or
	// body.
	Failure *Failure
	// Warnings are findings that did not make the record unusable (WARC
	// syntax slips, an unknown Content-Encoding...).
	Warnings []string
}

// RecordError is one bad record (or run of non-WARC bytes). The Scanner
// carries on after it. Kind is one of ErrTruncated, ErrCorrupt,
// ErrBadLength, ErrBadDigest, ErrHeaderTooLarge, ErrRecordTooLarge,
// ErrNotWARC, ErrBadHTTP, ErrMalformed; errors.Is matches it.
type RecordError struct {
	File      string
	Offset    int64 // where the record (or its gzip member) starts in the file
	Index     int   // record number, -1 for bytes that are no record
	TargetURI string
	Kind      error
	Detail    string
}

func (e *RecordError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	if e.Index >= 0 {
		fmt.Fprintf(&b, "record %d ", e.Index)
	}
	fmt.Fprintf(&b, "at offset %d", e.Offset)
	if e.TargetURI != "" {
		fmt.Fprintf(&b, " (%s)", e.TargetURI)
	}
	b.WriteString(": " + e.Kind.Error())
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// Unwrap returns Kind.
func (e *RecordError) Unwrap() error { return e.Kind }

// Reason is the short reason ("truncated record", "digest mismatch", ...).
func (e *RecordError) Reason() string { return e.Kind.Error() }

// ScanStats count what a Scanner saw.
type ScanStats struct {
	Records   int // WARC records found, good or bad
	Responses int // HTTP responses returned by Next
	Failures  int // records of fetches that got no answer returned by Next (IncludeFailures)
	Skipped   int // good records of other types (warcinfo, request, metadata, revisit, resource, non-HTTP responses)
	Bad       int // RecordErrors returned by Next
}

// Source is what a Scanner reads: a file, a bytes.Reader, an io.SectionReader.
type Source interface {
	io.Reader
	io.Seeker
	io.ReaderAt
}

// Scanner reads the HTTP response records of a WARC file of any common
// layout: gzip per record (ours, Wget's, Heritrix's, Webrecorder's),
// whole-file gzip, or uncompressed; WARC 1.0 or 1.1. Records are parsed and
// their digests and lengths checked by gowarc. A bad record is reported as a
// *RecordError and the scan goes on with the next good record where the
// format allows (gzip per record: the next member; uncompressed: the next
// "WARC/" line; inside a whole-file gzip nothing after corrupt data can be
// found). Memory stays bounded by Limits whatever the input.
type Scanner struct {
	name string
	src  Source
	size int64
	lim  Limits
	um   gowarc.Unmarshaler

	cr   countReader
	base int64 // offset of cr's first byte in src
	br   *bufio.Reader

	started     bool
	gzipped     bool
	gz          *gzip.Reader
	member      memberReader
	mbr         *bufio.Reader
	inMember    bool
	memberStart int64
	memberRecs  int
	resync      bool // skip quietly to the next gzip member
	quiet       bool // skip quietly to the next record (the last one was reported bad)

	failures bool // return councildash's records of fetches that got no answer

	stats ScanStats
	err   error // io.EOF or a read error: the scan is over
}

// NewScanner reads src; name is used in errors and Locations.
func NewScanner(src Source, name string, lim Limits) *Scanner {
	lim = lim.withDefaults()
	opts := []gowarc.WarcRecordOption{
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn),
		gowarc.WithSpecViolationPolicy(gowarc.ErrWarn),
		gowarc.WithUnknownRecordTypePolicy(gowarc.ErrWarn),
		gowarc.WithBlockErrorPolicy(gowarc.ErrWarn),
		gowarc.WithBufferMaxMemBytes(lim.MaxMemBytes),
	}
	if lim.TempDir != "" {
		opts = append(opts, gowarc.WithBufferTmpDir(lim.TempDir))
	}
	s := &Scanner{name: name, src: src, lim: lim, um: newUnmarshaler(opts), size: -1}
	if end, err := src.Seek(0, io.SeekEnd); err == nil {
		s.size = end
	}
	bufSize := 2*lim.MaxHeaderBytes + 4096
	s.br = bufio.NewReaderSize(&s.cr, bufSize)
	s.mbr = bufio.NewReaderSize(&s.member, bufSize)
	if err := s.seek(0); err != nil {
		s.err = err
	}
	return s
}

// OpenScanner opens a WARC file for scanning. Close it when done.
func OpenScanner(path string, lim Limits) (*Scanner, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return NewScanner(f, filepath.Base(path), lim), nil
}

// Close closes the file if the Scanner opened it (or src is an io.Closer).
func (s *Scanner) Close() error {
	if c, ok := s.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// IncludeFailures makes Next return councildash's records of fetches that
// got no answer (Record.Failure set) besides the HTTP responses; call it
// before the first Next. Without it they are skipped as other metadata
// records are.
func (s *Scanner) IncludeFailures() { s.failures = true }

// Stats returns the counts so far.
func (s *Scanner) Stats() ScanStats { return s.stats }

// Next returns the next HTTP response record (or, with IncludeFailures,
// record of a fetch that got no answer). At the end it returns io.EOF.
// A *RecordError (errors.As) reports one bad record: call Next again to go
// on. Any other error (reading the file failed) ends the scan.
func (s *Scanner) Next() (*Record, error) {
	for s.err == nil {
		rec, err := s.step()
		if rec != nil {
			if rec.Failure != nil {
				s.stats.Failures++
			} else {
				s.stats.Responses++
			}
			return rec, nil
		}
		if err != nil {
			var re *RecordError
			if errors.As(err, &re) {
				s.stats.Bad++
				return nil, err
			}
			s.err = err
		}
	}
	return nil, s.err
}

// Records iterates Next: each good record with a nil error, each bad record
// with its *RecordError; it stops at the end or after a fatal error (which
// it yields).
func (s *Scanner) Records() func(yield func(*Record, error) bool) {
	return func(yield func(*Record, error) bool) {
		for {
			rec, err := s.Next()
			if err == io.EOF {
				return
			}
			var re *RecordError
			if !yield(rec, err) || (err != nil && !errors.As(err, &re)) {
				return
			}
		}
	}
}

// ---- positions ----

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// memberReader reads one gzip member and remembers its first error
// (truncation, corruption, checksum), which gowarc might otherwise see as a
// plain end of data.
type memberReader struct {
	gz  *gzip.Reader
	err error
}

func (m *memberReader) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	if m.gz == nil {
		return 0, io.EOF
	}
	n, err := m.gz.Read(p)
	if err != nil && err != io.EOF {
		m.err = err
	}
	return n, err
}

func (s *Scanner) pos() int64 { return s.base + s.cr.n - int64(s.br.Buffered()) }

func (s *Scanner) seek(off int64) error {
	if _, err := s.src.Seek(off, io.SeekStart); err != nil {
		return err
	}
	s.base = off
	s.cr = countReader{r: s.src}
	s.br.Reset(&s.cr)
	return nil
}

func (s *Scanner) problem(off int64, index int, target string, kind error, detail string) *RecordError {
	return &RecordError{File: s.name, Offset: off, Index: index, TargetURI: target, Kind: kind, Detail: detail}
}

var (
	warcMagic = []byte("WARC/")
	gzipMagic = []byte{0x1f, 0x8b, 0x08}
)

// skipTo discards bytes up to the next pat (after a '\n' when lineStart),
// returning how many were discarded; io.EOF when there is none.
func skipTo(r *bufio.Reader, pat []byte, lineStart bool) (int64, error) {
	if lineStart {
		pat = append([]byte{'\n'}, pat...)
	}
	var skipped int64
	for {
		buf, err := r.Peek(r.Size())
		if i := bytes.Index(buf, pat); i >= 0 {
			if lineStart {
				i++
			}
			_, _ = r.Discard(i)
			return skipped + int64(i), nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			n, _ := r.Discard(len(buf))
			return skipped + int64(n), err
		}
		n := len(buf) - (len(pat) - 1)
		if n <= 0 {
			n = 1
		}
		n, _ = r.Discard(n)
		skipped += int64(n)
	}
}

// skipSpace discards CR, LF, space and tab (padding some writers put
// between records).
func skipSpace(r *bufio.Reader) {
	for {
		b, err := r.Peek(1)
		if err != nil || (b[0] != '\r' && b[0] != '\n' && b[0] != ' ' && b[0] != '\t') {
			return
		}
		_, _ = r.Discard(1)
	}
}

// ---- the scan ----

// step reads one record or one problem. (nil, nil): nothing to return yet.
func (s *Scanner) step() (*Record, error) {
	if !s.started {
		s.started = true
		b, err := s.br.Peek(2)
		if len(b) == 0 {
			if err == nil || err == io.EOF {
				return nil, io.EOF
			}
			return nil, err
		}
		s.gzipped = len(b) == 2 && b[0] == gzipMagic[0] && b[1] == gzipMagic[1]
	}
	if !s.gzipped {
		return s.record(s.br, false)
	}
	if !s.inMember {
		if err := s.startMember(); err != nil {
			return nil, err
		}
		if !s.inMember {
			return nil, nil
		}
	}
	return s.record(s.mbr, true)
}

// startMember opens the gzip member at the current position, skipping
// bytes that are not one.
func (s *Scanner) startMember() error {
	start := s.pos()
	b, err := s.br.Peek(len(gzipMagic))
	if len(b) == 0 && err == io.EOF {
		return io.EOF
	}
	if !bytes.Equal(b, gzipMagic) {
		quiet := s.resync
		n, serr := skipTo(s.br, gzipMagic, false)
		if serr != nil && serr != io.EOF {
			return serr
		}
		if quiet || onlySpace(n) {
			return nil
		}
		return s.problem(start, -1, "", ErrNotWARC, fmt.Sprintf("%d bytes that are no gzip member", n))
	}
	s.resync = false
	if s.gz == nil {
		s.gz = new(gzip.Reader)
	}
	if err := s.gz.Reset(s.br); err != nil {
		if serr := s.seek(start + 1); serr != nil {
			return serr
		}
		s.resync = true
		return s.problem(start, -1, "", ErrCorrupt, "bad gzip header: "+err.Error())
	}
	s.gz.Multistream(false)
	s.member = memberReader{gz: s.gz}
	s.mbr.Reset(&s.member)
	s.inMember, s.memberStart, s.memberRecs = true, start, 0
	return nil
}

// onlySpace reports whether n skipped bytes were ignorable; we cannot see
// them any more, so treat a handful (CRLF padding) as such.
func onlySpace(n int64) bool { return n <= 4 }

// abandonMember gives up on a broken member: go back to just after its
// start and look for the next member there.
func (s *Scanner) abandonMember() error {
	s.inMember = false
	s.member = memberReader{}
	s.mbr.Reset(&s.member)
	s.resync = true
	return s.seek(s.memberStart + 1)
}

func memberKind(err error) (error, string) {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated, "gzip member ends early"
	}
	return ErrCorrupt, err.Error()
}

// record reads one record from r (the file, or the current gzip member).
func (s *Scanner) record(r *bufio.Reader, inGz bool) (rec *Record, err error) {
	skipSpace(r)
	start := s.pos()
	if inGz {
		start = s.memberStart
	}
	b, perr := r.Peek(len(warcMagic))
	if inGz && s.member.err != nil {
		kind, detail := memberKind(s.member.err)
		// The member was read whole before its damage showed: name the
		// record it held when its headers came through.
		index, target := -1, ""
		if buf, _ := r.Peek(r.Buffered()); bytes.HasPrefix(buf, warcMagic) {
			index = s.stats.Records
			s.stats.Records++
			if e, _ := headerEnd(buf); e > 0 {
				target = strings.Trim(headerValue(buf[:e], "WARC-Target-URI"), "<>")
			}
		}
		if aerr := s.abandonMember(); aerr != nil {
			return nil, aerr
		}
		return nil, s.problem(start, index, target, kind, detail)
	}
	if len(b) == 0 && perr == io.EOF {
		if inGz {
			s.inMember = false
			return nil, nil
		}
		return nil, io.EOF
	}
	if perr != nil && perr != io.EOF {
		return nil, perr
	}
	if !bytes.Equal(b, warcMagic) {
		n, serr := skipTo(r, warcMagic, true)
		if serr != nil && serr != io.EOF {
			if inGz {
				return nil, nil // member error: reported on the next step
			}
			return nil, serr
		}
		if s.quiet { // the rest of a record already reported
			return nil, nil
		}
		s.quiet = true
		return nil, s.problem(start, -1, "", ErrNotWARC, fmt.Sprintf("%d bytes that are no WARC record", n))
	}

	s.quiet = false
	index := s.stats.Records
	s.stats.Records++
	h, bad := s.precheck(r, start)
	if bad != nil {
		bad.Index = index
		s.quiet = true
		switch {
		case errors.Is(bad.Kind, ErrRecordTooLarge) && !inGz && h.ends:
			// A good record, only too big: jump over it.
			if err := s.seek(start + int64(h.hdrLen) + h.cl); err != nil {
				return nil, err
			}
		case errors.Is(bad.Kind, ErrRecordTooLarge):
			_, _ = io.CopyN(io.Discard, r, int64(h.hdrLen)+h.cl)
		default:
			// Look for the next record after this one's start.
			_, _ = r.Discard(len(warcMagic))
		}
		return nil, bad
	}
	target := h.target

	before := s.pos()
	wr, verrs, uerr := s.unmarshal(r)
	if wr != nil {
		defer func() { _ = wr.Close() }()
	}
	if inGz && s.member.err != nil {
		kind, detail := memberKind(s.member.err)
		if aerr := s.abandonMember(); aerr != nil {
			return nil, aerr
		}
		return nil, s.problem(start, index, target, kind, detail)
	}
	if uerr != nil {
		kind := classify(uerr)
		if s.pos() == before {
			_, _ = r.Discard(len(warcMagic))
		}
		s.quiet = true
		return nil, s.problem(start, index, target, kind, uerr.Error())
	}
	var warnings []string
	for _, v := range verrs {
		if kind := classifyFinding(v); kind != nil {
			s.quiet = true
			return nil, s.problem(start, index, target, kind, v.Error())
		}
		warnings = append(warnings, v.Error())
	}

	// Where the record ends, and whether it can be read alone.
	loc := Location{}
	if inGz {
		s.memberRecs++
		skipSpace(r)
		if _, e := r.Peek(1); e == io.EOF && s.member.err == nil && s.memberRecs == 1 {
			loc = Location{File: s.name, Offset: s.memberStart, Length: s.pos() - s.memberStart}
		}
		if s.member.err != nil { // checksum at the member's end
			kind, detail := memberKind(s.member.err)
			if aerr := s.abandonMember(); aerr != nil {
				return nil, aerr
			}
			return nil, s.problem(start, index, target, kind, detail)
		}
	} else {
		loc = Location{File: s.name, Offset: start, Length: s.pos() - start}
	}

	if s.failures && wr.Type() == gowarc.Metadata {
		if rec := failure(wr, loc, index, target, warnings); rec != nil {
			return rec, nil
		}
	}
	if wr.Type() != gowarc.Response || !strings.HasPrefix(strings.ToLower(wr.WarcHeader().Get(gowarc.ContentType)), gowarc.ApplicationHttp) {
		s.stats.Skipped++
		return nil, nil
	}
	out, herr := s.response(wr, loc, index, target, warnings)
	if herr != nil {
		herr.Offset, herr.File = start, s.name
		return nil, herr
	}
	return out, nil
}

// unmarshal runs gowarc on a record start; a panic in the parser becomes
// an error (a bad file must never bring the process down).
func (s *Scanner) unmarshal(r *bufio.Reader) (wr gowarc.WarcRecord, verrs []error, err error) {
	defer func() {
		if p := recover(); p != nil {
			wr, verrs, err = nil, nil, fmt.Errorf("parser panic: %v", p)
		}
	}()
	wr, _, verrs, err = s.um.Unmarshal(r)
	return wr, verrs, err
}

// head is what precheck learnt of a record's header block.
type head struct {
	hdrLen int
	cl     int64
	target string
	ends   bool // uncompressed: the end-of-record marker is where cl says
}

// precheck looks at the header block before gowarc parses it: its size,
// its Content-Length, and (uncompressed) whether the record really ends
// where that length says, so a lying length cannot swallow the records
// after it.
func (s *Scanner) precheck(r *bufio.Reader, start int64) (head, *RecordError) {
	max := s.lim.MaxHeaderBytes
	var h head
	buf, _ := r.Peek(max + 4)
	end, sep := headerEnd(buf)
	if end < 0 {
		if len(buf) > max {
			return h, s.problem(start, 0, "", ErrHeaderTooLarge, fmt.Sprintf("no end of WARC headers in %d bytes", max))
		}
		return h, s.problem(start, 0, "", ErrTruncated, "ends inside the WARC headers")
	}
	hdr := buf[:end]
	h.target = strings.Trim(headerValue(hdr, "WARC-Target-URI"), "<>")
	clText := headerValue(hdr, "Content-Length")
	cl, err := strconv.ParseInt(clText, 10, 64)
	if err != nil || cl < 0 || strings.TrimLeft(clText, "0123456789") != "" {
		return h, s.problem(start, 0, h.target, ErrBadLength, fmt.Sprintf("Content-Length %q", clText))
	}
	h.hdrLen, h.cl = end+sep, cl
	if !s.gzipped && s.size >= 0 {
		endAt := start + int64(h.hdrLen) + cl
		tail := make([]byte, 4)
		n, _ := s.src.ReadAt(tail, endAt)
		tail = tail[:n]
		h.ends = bytes.Equal(tail, []byte("\r\n\r\n")) || bytes.HasPrefix(tail, []byte("\n\n")) ||
			endAt == s.size || (endAt+2 == s.size && bytes.Equal(tail, []byte("\r\n")))
		if !h.ends {
			if endAt > s.size {
				return h, s.problem(start, 0, h.target, ErrTruncated, fmt.Sprintf("Content-Length %d runs past the end of the file", cl))
			}
			return h, s.problem(start, 0, h.target, ErrBadLength, fmt.Sprintf("no end-of-record marker where Content-Length %d says the record ends", cl))
		}
	}
	if cl > s.lim.MaxRecordBytes {
		return h, s.problem(start, 0, h.target, ErrRecordTooLarge, fmt.Sprintf("Content-Length %d over the %d limit", cl, s.lim.MaxRecordBytes))
	}
	// The HTTP header block, when there is one, must end within the limit.
	typ := strings.ToLower(headerValue(hdr, "WARC-Type"))
	ct := strings.ToLower(headerValue(hdr, "Content-Type"))
	if (typ == "response" || typ == "request") && strings.HasPrefix(ct, gowarc.ApplicationHttp) && cl > 0 {
		n := int64(h.hdrLen) + min(cl, int64(max)+4)
		blk, _ := r.Peek(int(n))
		if len(blk) > h.hdrLen {
			blk = blk[h.hdrLen:]
			if e, _ := headerEnd(blk); e < 0 && int64(len(blk)) > int64(max) {
				return h, s.problem(start, 0, h.target, ErrHeaderTooLarge, fmt.Sprintf("no end of HTTP headers in %d bytes", max))
			}
		}
	}
	return h, nil
}

// headerEnd finds the blank line ending a header block: its index and the
// separator's length (CRLFCRLF or LFLF).
func headerEnd(b []byte) (int, int) {
	i := bytes.Index(b, []byte("\r\n\r\n"))
	j := bytes.Index(b, []byte("\n\n"))
	switch {
	case i >= 0 && (j < 0 || i < j):
		return i, 4
	case j >= 0:
		return j, 2
	}
	return -1, 0
}

// headerValue returns the first value of name in a header block (a quick
// look before the real parse).
func headerValue(hdr []byte, name string) string {
	for _, line := range bytes.Split(hdr, []byte("\n")) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && strings.EqualFold(string(bytes.TrimSpace(k)), name) {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}

// classify maps a gowarc parse error to a reason.
func classify(err error) error {
	var cl *gowarc.ContentLengthError
	var de *gowarc.DigestError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return ErrTruncated
	case errors.As(err, &cl):
		return ErrBadLength
	case errors.As(err, &de), errors.Is(err, gowarc.ErrUnsupportedDigestAlgorithm):
		return ErrBadDigest
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return ErrCorrupt
	}
	return ErrMalformed
}

// classifyFinding returns the reason for a validation finding that makes
// the record unusable, or nil for a mere warning.
func classifyFinding(err error) error {
	var cl *gowarc.ContentLengthError
	var de *gowarc.DigestError
	switch {
	case errors.As(err, &cl):
		return ErrBadLength
	case errors.As(err, &de):
		return ErrBadDigest
	}
	msg := err.Error()
	if strings.Contains(msg, "end of record") && !strings.Contains(msg, "missing carriage return") {
		return ErrBadLength
	}
	return nil
}

// failure turns councildash's metadata record of a fetch that got no
// answer into a Record; nil for any other metadata record.
func failure(wr gowarc.WarcRecord, loc Location, index int, target string, warnings []string) *Record {
	blk, ok := wr.Block().(gowarc.WarcFieldsBlock)
	if !ok {
		return nil
	}
	f := blk.WarcFields()
	if f.Get("councildash-record") != failureRecord {
		return nil
	}
	rec := &Record{Location: loc, Index: index, WARCVersion: wr.Version().String(), TargetURI: target,
		Purpose: f.Get("purpose"), Warnings: warnings,
		Failure: &Failure{Method: f.Get("method"), ErrorClass: f.Get("error-class"), Error: f.Get("error")}}
	rec.RecordID = wr.RecordId()
	if d, err := wr.Date(); err == nil {
		rec.Date = d
	} else {
		rec.Warnings = append(rec.Warnings, "WARC-Date: "+err.Error())
	}
	return rec
}

// response turns a parsed response record into a Record.
// target is the WARC-Target-URI as written (gowarc blanks a value it finds
// invalid, such as Wget's "<http://...>").
func (s *Scanner) response(wr gowarc.WarcRecord, loc Location, index int, target string, warnings []string) (*Record, *RecordError) {
	h := wr.WarcHeader()
	rec := &Record{
		Location:    loc,
		Index:       index,
		WARCVersion: wr.Version().String(),
		TargetURI:   target,
		IPAddress:   h.Get(gowarc.WarcIPAddress),
		Truncated:   h.Get(gowarc.WarcTruncated),
		Purpose:     h.Get(PurposeField),
		Warnings:    warnings,
	}
	rec.RecordID = wr.RecordId()
	rec.PayloadDigest = h.Get(gowarc.WarcPayloadDigest)
	if d, err := wr.Date(); err == nil {
		rec.Date = d
	} else {
		rec.Warnings = append(rec.Warnings, "WARC-Date: "+err.Error())
	}
	bad := func(detail string) *RecordError {
		return &RecordError{Index: index, TargetURI: rec.TargetURI, Kind: ErrBadHTTP, Detail: detail}
	}
	blk, ok := wr.Block().(gowarc.HttpResponseBlock)
	if !ok {
		return nil, bad("no HTTP response block")
	}
	head := blk.ProtocolHeaderBytes()
	if len(head) > s.lim.MaxHeaderBytes {
		return nil, &RecordError{Index: index, TargetURI: rec.TargetURI, Kind: ErrHeaderTooLarge, Detail: fmt.Sprintf("HTTP headers of %d bytes", len(head))}
	}
	if i, _ := headerEnd(head); i < 0 {
		head = append(append([]byte(nil), head...), "\r\n"...)
	}
	origProto := ""
	if line, rest, ok := bytes.Cut(head, []byte("\n")); ok {
		if p, tail, ok := bytes.Cut(line, []byte(" ")); ok {
			if _, _, ok := http.ParseHTTPVersion(string(p)); !ok && bytes.HasPrefix(p, []byte("HTTP/")) {
				// "HTTP/2" and the like: parse as HTTP/1.1, report as sent.
				origProto = string(p)
				head = append(append(append([]byte("HTTP/1.1 "), tail...), '\n'), rest...)
			}
		}
	}
	payload, err := blk.PayloadBytes()
	if err != nil {
		return nil, bad(err.Error())
	}
	resp, err := http.ReadResponse(bufio.NewReader(io.MultiReader(bytes.NewReader(head), payload)), nil)
	if err != nil {
		return nil, bad(err.Error())
	}
	rec.Proto, rec.StatusCode, rec.Status, rec.Header = resp.Proto, resp.StatusCode, resp.Status, resp.Header
	if origProto != "" {
		rec.Proto = origProto
	}
	wire := &countingBody{r: resp.Body}
	resp.Body = wire
	body, truncated, warn := decodeBody(resp, s.lim.MaxBodyBytes)
	rec.Body, rec.BodyTruncated, rec.PayloadBytes = body, truncated, wire.n
	if warn != "" {
		rec.Warnings = append(rec.Warnings, warn)
	}
	return rec, nil
}

// countingBody counts the bytes read from an HTTP body.
type countingBody struct {
	r io.ReadCloser
	n int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingBody) Close() error { return c.r.Close() }

// decodeBody reads resp's body (de-chunked by net/http), removes its
// Content-Encoding, and keeps at most limit bytes.
func decodeBody(resp *http.Response, limit int64) ([]byte, bool, string) {
	var src io.Reader = resp.Body
	warn := ""
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return readCapped(resp.Body, limit, "Content-Encoding gzip: "+err.Error())
		}
		src = zr
	case "deflate":
		// zlib-wrapped as the standard says, or raw deflate as some send.
		br := bufio.NewReader(resp.Body)
		if zr, err := zlib.NewReader(br); err == nil {
			src = zr
		} else {
			src = flate.NewReader(br)
		}
	case "br":
		src = brotli.NewReader(resp.Body)
	default:
		warn = "unknown Content-Encoding " + strconv.Quote(enc) + ": body kept encoded"
	}
	body, truncated, rerr := readCapped(src, limit, warn)
	return body, truncated, rerr
}

func readCapped(r io.Reader, limit int64, warn string) ([]byte, bool, string) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	truncated := false
	if n > limit {
		truncated = true
		buf.Truncate(int(limit))
	}
	if err != nil {
		truncated = true
		w := "body: " + err.Error()
		if warn != "" {
			w = warn + "; " + w
		}
		warn = w
	}
	return buf.Bytes(), truncated, warn
}

// ReadRecordUnder is ReadRecord for a Location whose File is a path
// relative to root (files imported from several folders are named from
// their common folder). The path must stay inside root.
func ReadRecordUnder(root string, loc Location, lim Limits) (*Record, error) {
	rel := filepath.FromSlash(loc.File)
	if !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("%w: bad file name %q", ErrNoRecord, loc.File)
	}
	base := loc
	base.File = filepath.Base(rel)
	rec, err := ReadRecord(filepath.Join(root, filepath.Dir(rel)), base, lim)
	if rec != nil {
		rec.Location.File = loc.File
	}
	return rec, err
}

// ReadRecord reads the response record at loc in the archive folder dir
// (trying the ".open" name of a file still being written). loc.RecordID,
// when set, must match. Bad records come back as *RecordError; a Location
// that holds no response record as ErrNoRecord.
func ReadRecord(dir string, loc Location, lim Limits) (*Record, error) {
	lim = lim.withDefaults()
	if loc.File == "" || loc.File != filepath.Base(loc.File) || strings.ContainsAny(loc.File, `/\`+"\x00") || loc.File == "." || loc.File == ".." {
		return nil, fmt.Errorf("%w: bad file name %q", ErrNoRecord, loc.File)
	}
	if loc.Offset < 0 || loc.Length <= 0 || loc.Length > lim.MaxRecordBytes+int64(2*lim.MaxHeaderBytes)+1024 {
		return nil, fmt.Errorf("%w: bad range %d+%d", ErrNoRecord, loc.Offset, loc.Length)
	}
	path := filepath.Join(dir, loc.File)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		f, err = os.Open(path + openSuffix)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoRecord, err)
	}
	defer f.Close()
	sc := NewScanner(io.NewSectionReader(f, loc.Offset, loc.Length), loc.File, lim)
	rec, err := sc.Next()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: nothing at %s:%d", ErrNoRecord, loc.File, loc.Offset)
	}
	if err != nil {
		var re *RecordError
		if errors.As(err, &re) {
			re.Offset += loc.Offset
		}
		return nil, err
	}
	if loc.RecordID != "" && rec.RecordID != loc.RecordID {
		return nil, fmt.Errorf("%w: record at %s:%d is %s, not %s", ErrNoRecord, loc.File, loc.Offset, rec.RecordID, loc.RecordID)
	}
	rec.Location = Location{File: loc.File, Offset: loc.Offset, Length: loc.Length, RecordID: rec.RecordID, PayloadDigest: rec.PayloadDigest}
	return rec, nil
}
