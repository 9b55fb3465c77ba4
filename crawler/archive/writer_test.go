package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

func newWriter(t testing.TB, dir string, mod func(*Options)) *Writer {
	t.Helper()
	o := Options{Dir: dir, RunID: "3f2a9c1e-run", Shard: "0/2", Version: "1.2.3", MethodVersion: "2026.1", UserAgent: "councildash/test"}
	if mod != nil {
		mod(&o)
	}
	w, err := NewWriter(o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWriteAndReadBack: every fetch of a loopback crawl reads back from its
// Location with the status and the exact body bytes the server sent, and a
// full scan of the files finds exactly those responses.
func TestWriteAndReadBack(t *testing.T) {
	for _, decoded := range []bool{false, true} {
		t.Run(fmt.Sprintf("decoded=%v", decoded), func(t *testing.T) {
			pages := testPages()
			srv := newTestSite(t, pages)
			dir := t.TempDir()
			w := newWriter(t, dir, nil)
			got := crawlSite(t, w, srv, pages, decoded)
			// Readable while the file is still being written (.open).
			if rec, err := ReadRecord(dir, got[2].loc, Limits{}); err != nil || !bytes.Equal(rec.Body, got[2].decoded) {
				t.Fatalf("reading from the open file: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			files := w.Files()
			if len(files) != 1 || files[0] != "councildash-3f2a9c1e-run-0of2-00001.warc.gz" {
				t.Fatalf("files = %v", files)
			}
			if _, err := os.Stat(filepath.Join(dir, files[0]+".open")); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf(".open file left behind: %v", err)
			}
			for _, f := range got {
				rec, err := ReadRecord(dir, f.loc, Limits{})
				if err != nil {
					t.Fatalf("%s: %v", f.url, err)
				}
				if rec.TargetURI != f.url || rec.StatusCode != f.status || rec.IPAddress != loopbackIP(srv) {
					t.Errorf("%s: read back %s %d %s", f.url, rec.TargetURI, rec.StatusCode, rec.IPAddress)
				}
				if !bytes.Equal(rec.Body, f.decoded) {
					t.Errorf("%s: body %d bytes, want %d", f.url, len(rec.Body), len(f.decoded))
				}
				want := f.body
				if decoded {
					want = f.decoded
				}
				if f.loc.PayloadDigest != "sha256:"+sha256hex(want) {
					t.Errorf("%s: payload digest %s, want sha256 of %d bytes", f.url, f.loc.PayloadDigest, len(want))
				}
				if rec.BodyTruncated || len(rec.Warnings) > 0 {
					t.Errorf("%s: truncated=%v warnings=%v", f.url, rec.BodyTruncated, rec.Warnings)
				}
			}
			// Locations tile the file: each starts where the previous
			// fetch's request record ended, and none overlaps.
			st, _ := os.Stat(filepath.Join(dir, files[0]))
			for i, f := range got {
				if f.loc.Offset <= 0 || f.loc.Offset+f.loc.Length > st.Size() {
					t.Errorf("fetch %d: location %+v outside file of %d bytes", i, f.loc, st.Size())
				}
				if i > 0 && f.loc.Offset < got[i-1].loc.Offset+got[i-1].loc.Length {
					t.Errorf("fetch %d overlaps the previous one", i)
				}
			}
			recs, bad, stats := scanAll(t, dir, files)
			if len(bad) > 0 {
				t.Fatalf("bad records: %v", bad)
			}
			if len(recs) != len(got) || stats.Records != 1+2*len(got) || stats.Skipped != 1+len(got) {
				t.Fatalf("scan: %d responses, stats %+v; want %d responses", len(recs), stats, len(got))
			}
			for i, rec := range recs {
				if rec.Location != got[i].loc {
					t.Errorf("scan location %+v, writer said %+v", rec.Location, got[i].loc)
				}
			}
		})
	}
}

// TestRecordHeaders: the pair is linked, dated, digested; the warcinfo names
// the program, run, shard and method; read with gowarc's own file reader in
// strict mode (every spec violation is an error).
func TestRecordHeaders(t *testing.T) {
	pages := testPages()[:2]
	srv := newTestSite(t, pages)
	dir := t.TempDir()
	w := newWriter(t, dir, nil)
	got := crawlSite(t, w, srv, pages, false)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := gowarc.NewWarcFileReader(filepath.Join(dir, w.Files()[0]), 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var types []string
	ids := map[string]gowarc.WarcRecord{}
	var infoID string
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatal(err)
		}
		h := rec.WarcRecord.WarcHeader()
		types = append(types, rec.WarcRecord.Type().String())
		if rec.WarcRecord.Version() != gowarc.V1_1 {
			t.Errorf("version %v", rec.WarcRecord.Version())
		}
		if !h.Has(gowarc.WarcBlockDigest) {
			t.Errorf("%s without WARC-Block-Digest", rec.WarcRecord.Type())
		}
		switch rec.WarcRecord.Type() {
		case gowarc.Warcinfo:
			infoID = rec.WarcRecord.RecordId()
			fields := rec.WarcRecord.Block().(gowarc.WarcFieldsBlock).WarcFields()
			for k, v := range map[string]string{"Software": "councildash/1.2.3", "Councildash-Run": "3f2a9c1e-run",
				"Councildash-Shard": "0/2", "Councildash-Method": "2026.1", "Http-Header-User-Agent": "councildash/test"} {
				if fields.Get(k) != v {
					t.Errorf("warcinfo %s = %q, want %q", k, fields.Get(k), v)
				}
			}
			if h.Get(gowarc.WarcFilename) != w.Files()[0] {
				t.Errorf("WARC-Filename %q", h.Get(gowarc.WarcFilename))
			}
		case gowarc.Response, gowarc.Request:
			if h.Get(gowarc.WarcWarcinfoID) != "<"+infoID+">" {
				t.Errorf("WARC-Warcinfo-ID %q, want %q", h.Get(gowarc.WarcWarcinfoID), infoID)
			}
			if h.Get(gowarc.WarcIPAddress) != loopbackIP(srv) || h.Get(gowarc.WarcTargetURI) == "" || h.Get(gowarc.WarcDate) == "" {
				t.Errorf("headers %v", h)
			}
			if rec.WarcRecord.Type() == gowarc.Response && !h.Has(gowarc.WarcPayloadDigest) {
				t.Error("response without WARC-Payload-Digest")
			}
		}
		ids[rec.WarcRecord.RecordId()] = rec.WarcRecord
	}
	if strings.Join(types, ",") != "warcinfo,response,request,response,request" {
		t.Fatalf("record types %v", types)
	}
	for _, f := range got {
		resp := ids[f.loc.RecordID]
		if resp == nil {
			t.Fatalf("no record %s", f.loc.RecordID)
		}
		peer := resp.WarcHeader().GetId(gowarc.WarcConcurrentTo)
		req := ids[peer]
		if req == nil || req.Type() != gowarc.Request || req.WarcHeader().GetId(gowarc.WarcConcurrentTo) != f.loc.RecordID {
			t.Fatalf("response %s not linked to its request (%q)", f.loc.RecordID, peer)
		}
	}
}

// TestRequestAndHeaderFidelity: the request record holds the request line and
// header as sent; a decoded body keeps the original encoding headers under
// X-Archive-Orig-*; truncation is recorded.
func TestRequestAndHeaderFidelity(t *testing.T) {
	dir := t.TempDir()
	w := newWriter(t, dir, nil)
	req, _ := http.NewRequest(http.MethodGet, "https://www.example-council.gov.uk/bins?day=mon", nil)
	req.Header.Set("User-Agent", "councildash/9")
	req.Header.Set("Accept-Encoding", "gzip")
	h := http.Header{"Content-Type": {"text/html"}, "Content-Encoding": {"gzip"}, "Content-Length": {"12"},
		"Transfer-Encoding": {"chunked"}, "Bad Name": {"x"}, "X-Evil": {"a\r\nWARC-Type: injected"}}
	loc, err := w.RecordFetch(context.Background(), Fetch{Request: req, RemoteIP: "[2001:db8::1]:443", StatusCode: 200,
		Header: h, Body: strings.NewReader("<p>decoded</p>"), Decoded: true, Truncated: "length"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err := ReadRecord(dir, loc, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Header.Get("Content-Encoding") != "" || rec.Header.Get("X-Archive-Orig-Content-Encoding") != "gzip" ||
		rec.Header.Get("X-Archive-Orig-Content-Length") != "12" || rec.Header.Get("X-Archive-Orig-Transfer-Encoding") != "chunked" {
		t.Errorf("header %v", rec.Header)
	}
	if _, ok := rec.Header["Bad Name"]; ok {
		t.Error("invalid header name archived")
	}
	if rec.Header.Get("X-Evil") != "a  WARC-Type: injected" {
		t.Errorf("X-Evil = %q", rec.Header.Get("X-Evil"))
	}
	if string(rec.Body) != "<p>decoded</p>" || rec.Truncated != "length" || rec.IPAddress != "2001:db8::1" {
		t.Errorf("body %q truncated %q ip %q", rec.Body, rec.Truncated, rec.IPAddress)
	}
	// The request record, read with gowarc.
	r, err := gowarc.NewWarcFileReader(filepath.Join(dir, loc.File), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	found := false
	for rr, err := range r.Records() {
		if err != nil {
			t.Fatal(err)
		}
		if rr.WarcRecord.Type() != gowarc.Request {
			continue
		}
		found = true
		blk := rr.WarcRecord.Block().(gowarc.HttpRequestBlock)
		head := string(blk.ProtocolHeaderBytes())
		for _, want := range []string{"GET /bins?day=mon HTTP/1.1\r\n", "Host: www.example-council.gov.uk\r\n", "User-Agent: councildash/9\r\n", "Accept-Encoding: gzip\r\n"} {
			if !strings.Contains(head, want) {
				t.Errorf("request record lacks %q:\n%s", want, head)
			}
		}
	}
	if !found {
		t.Fatal("no request record")
	}
}

// TestBodyReadError: a body that fails half-way is archived as far as it
// came, marked WARC-Truncated: disconnect; the archive is not failed.
func TestBodyReadError(t *testing.T) {
	dir := t.TempDir()
	w := newWriter(t, dir, nil)
	req, _ := http.NewRequest(http.MethodGet, "http://example.org/x", nil)
	body := io.MultiReader(strings.NewReader("half a page"), errReader{errors.New("connection reset by peer")})
	loc, err := w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200, Body: body})
	if err != nil || w.Err() != nil {
		t.Fatalf("err %v, writer %v", err, w.Err())
	}
	_ = w.Close()
	rec, err := ReadRecord(dir, loc, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if string(rec.Body) != "half a page" || rec.Truncated != "disconnect" {
		t.Errorf("body %q truncated %q", rec.Body, rec.Truncated)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestInvalidInput: bad input is refused with ErrInvalid and does not stop
// the writer.
func TestInvalidInput(t *testing.T) {
	dir := t.TempDir()
	w := newWriter(t, dir, nil)
	defer w.Close()
	rel, _ := http.NewRequest(http.MethodGet, "/relative", nil)
	ftp, _ := http.NewRequest(http.MethodGet, "ftp://example.org/", nil)
	ok, _ := http.NewRequest(http.MethodGet, "http://example.org/", nil)
	for name, f := range map[string]Fetch{"nil request": {StatusCode: 200}, "relative": {Request: rel, StatusCode: 200},
		"ftp": {Request: ftp, StatusCode: 200}, "status 0": {Request: ok}, "status 1000": {Request: ok, StatusCode: 1000}} {
		if _, err := w.RecordFetch(context.Background(), f); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := w.RecordMetadata(context.Background(), Metadata{TargetURI: "not a url"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("metadata: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.RecordFetch(ctx, Fetch{Request: ok, StatusCode: 200}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := w.RecordFetch(context.Background(), Fetch{Request: ok, StatusCode: 200}); err != nil {
		t.Fatalf("writer stopped by bad input: %v", err)
	}
	for _, o := range []Options{{RunID: "r"}, {Dir: dir}, {Dir: dir, RunID: "../x"}, {Dir: dir, RunID: "r", GzipLevel: 12}, {Dir: dir, RunID: "r", MaxFileSize: -1}} {
		if _, err := NewWriter(o); !errors.Is(err, ErrInvalid) {
			t.Errorf("NewWriter(%+v): %v", o, err)
		}
	}
}

// TestMetadataRecord: a link check is archived as a metadata record that
// reads back with its fields.
func TestMetadataRecord(t *testing.T) {
	dir := t.TempDir()
	w := newWriter(t, dir, nil)
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	m := LinkCheckMetadata("https://example.org/gone", "https://example.org/", "HEAD", 404, "http-4xx", at)
	m.RefersTo = "urn:uuid:6b3c2b1e-0000-4000-8000-000000000001"
	m.Fields = append(m.Fields, Field{"note", "line\r\nbreak"}, Field{"bad: name", "x"})
	loc, err := w.RecordMetadata(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, loc.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := gowarc.NewWarcFileReaderFromStream(io.NewSectionReader(f, loc.Offset, loc.Length), 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if rec.WarcRecord.Type() != gowarc.Metadata || rec.WarcRecord.RecordId() != loc.RecordID {
		t.Fatalf("got %v", rec.WarcRecord)
	}
	h := rec.WarcRecord.WarcHeader()
	if h.Get(gowarc.WarcTargetURI) != "https://example.org/gone" || h.GetId(gowarc.WarcRefersTo) != m.RefersTo {
		t.Errorf("headers %v", h)
	}
	d, _ := rec.WarcRecord.Date()
	if !d.Equal(at) {
		t.Errorf("date %v", d)
	}
	fields := rec.WarcRecord.Block().(gowarc.WarcFieldsBlock).WarcFields()
	for k, v := range map[string]string{"Method": "HEAD", "Status": "404", "Error-Class": "http-4xx", "Via": "https://example.org/", "Note": "line  break", "Badname": "x"} {
		if fields.Get(k) != v {
			t.Errorf("field %s = %q, want %q (%v)", k, fields.Get(k), v, fields)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("location holds more than one record: %v", err)
	}
}

// TestFailureRecord: a fetch that got no answer is archived as a metadata
// record that a Scanner with IncludeFailures reads back with its URL,
// date, purpose, method, error class and error; other metadata records (a
// link check) are not failures, and without IncludeFailures the failure
// is skipped as any metadata record is.
func TestFailureRecord(t *testing.T) {
	dir := t.TempDir()
	w := newWriter(t, dir, nil)
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	f := Failure{Method: "GET", ErrorClass: "other", Error: "http: server gave HTTP response to HTTPS client"}
	loc, err := w.RecordMetadata(context.Background(), FailureMetadata("https://example.org/secure", PurposePage, f, at))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.RecordMetadata(context.Background(), LinkCheckMetadata("https://example.org/gone", "https://example.org/", "HEAD", 404, "http-4xx", at)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, w.Files()[0])
	for _, include := range []bool{false, true} {
		sc, err := OpenScanner(path, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if include {
			sc.IncludeFailures()
		}
		var got []*Record
		for rec, err := range sc.Records() {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, rec)
		}
		sc.Close()
		st := sc.Stats()
		if !include {
			if len(got) != 0 || st.Skipped != 3 || st.Failures != 0 {
				t.Errorf("without IncludeFailures: %d records, stats %+v; want none, 3 skipped (warcinfo and two metadata)", len(got), st)
			}
			continue
		}
		if len(got) != 1 || st.Failures != 1 || st.Responses != 0 || st.Skipped != 2 {
			t.Fatalf("with IncludeFailures: %d records, stats %+v; want the one failure", len(got), st)
		}
		r := got[0]
		if r.Failure == nil || *r.Failure != f || r.TargetURI != "https://example.org/secure" || !r.Date.Equal(at) || r.Purpose != PurposePage ||
			r.StatusCode != 0 || r.Body != nil || r.Location.File != loc.File || r.Offset != loc.Offset || r.Length != loc.Length || r.RecordID != loc.RecordID {
			t.Errorf("failure read back as %+v (failure %+v), written at %+v", r, r.Failure, loc)
		}
	}
}

// TestRotation: with a small limit the run spreads over numbered files, each
// opening with a warcinfo; all Locations read back; a second writer for the
// same run and shard (a resumed run) continues the numbering.
func TestRotation(t *testing.T) {
	pages := testPages()
	srv := newTestSite(t, pages)
	dir := t.TempDir()
	w := newWriter(t, dir, func(o *Options) { o.MaxFileSize = 8 << 10 })
	var all []fetched
	for range 3 {
		all = append(all, crawlSite(t, w, srv, pages, false)...)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files := w.Files()
	if len(files) < 4 {
		t.Fatalf("only %d files at an 8 KiB limit", len(files))
	}
	for i, name := range files {
		want := fmt.Sprintf("councildash-3f2a9c1e-run-0of2-%05d.warc.gz", i+1)
		if name != want {
			t.Errorf("file %d = %s, want %s", i, name, want)
		}
		r, err := gowarc.NewWarcFileReader(filepath.Join(dir, name), 0)
		if err != nil {
			t.Fatal(err)
		}
		first, err := r.Next()
		if err != nil || first.WarcRecord.Type() != gowarc.Warcinfo {
			t.Errorf("%s does not start with warcinfo: %v", name, err)
		}
		_ = r.Close()
	}
	for _, f := range all {
		rec, err := ReadRecord(dir, f.loc, Limits{})
		if err != nil {
			t.Fatalf("%+v: %v", f.loc, err)
		}
		if !bytes.Equal(rec.Body, f.decoded) {
			t.Errorf("%s: body differs", f.url)
		}
	}
	recs, bad, _ := scanAll(t, dir, files)
	if len(recs) != len(all) || len(bad) != 0 {
		t.Fatalf("scan found %d responses (%v), want %d", len(recs), bad, len(all))
	}
	// Resume: same run and shard, new process.
	w2 := newWriter(t, dir, nil)
	crawlSite(t, w2, srv, pages[:1], false)
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	next := fmt.Sprintf("councildash-3f2a9c1e-run-0of2-%05d.warc.gz", len(files)+1)
	if got := w2.Files(); len(got) != 1 || got[0] != next {
		t.Fatalf("resumed writer wrote %v, want %s", got, next)
	}
	list, err := RunFiles(dir, "3f2a9c1e-run")
	if err != nil || len(list) != len(files)+1 {
		t.Fatalf("RunFiles: %v %v", list, err)
	}
}

// TestConcurrentWriters: many goroutines record at once (run with -race);
// every Location reads back as the fetch it was returned for.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	w := newWriter(t, dir, func(o *Options) { o.MaxFileSize = 64 << 10 })
	const workers, each = 8, 25
	type result struct {
		loc  Location
		url  string
		body string
	}
	results := make(chan result, workers*each)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				u := fmt.Sprintf("https://council%d.example.gov.uk/page/%d", g, i)
				body := strings.Repeat(fmt.Sprintf("<p>worker %d page %d</p>", g, i), 50+i*20)
				req, _ := http.NewRequest(http.MethodGet, u, nil)
				loc, err := w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200,
					Header: http.Header{"Content-Type": {"text/html"}}, Body: strings.NewReader(body)})
				if err != nil {
					t.Error(err)
					return
				}
				if g%2 == 0 {
					if _, err := w.RecordMetadata(context.Background(), LinkCheckMetadata(u+"/link", u, "HEAD", 200, "", time.Now())); err != nil {
						t.Error(err)
						return
					}
				}
				results <- result{loc, u, body}
			}
		})
	}
	wg.Wait()
	close(results)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	n := 0
	seen := map[Location]bool{}
	for r := range results {
		n++
		if seen[r.loc] {
			t.Fatalf("location %+v returned twice", r.loc)
		}
		seen[r.loc] = true
		rec, err := ReadRecord(dir, r.loc, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if rec.TargetURI != r.url || string(rec.Body) != r.body {
			t.Fatalf("location %+v holds %s, want %s", r.loc, rec.TargetURI, r.url)
		}
	}
	if n != workers*each {
		t.Fatalf("%d results", n)
	}
	if st := w.Stats(); st.Fetches != workers*each || st.Metadata != workers/2*each {
		t.Fatalf("stats %+v", st)
	}
	if len(w.Files()) < 2 {
		t.Fatalf("expected rotation, got %v", w.Files())
	}
}

// TestNop: the no-op recorder archives nothing.
func TestNop(t *testing.T) {
	var r Recorder = Nop{}
	loc, err := r.RecordFetch(context.Background(), Fetch{})
	if err != nil || !loc.IsZero() {
		t.Fatal(loc, err)
	}
	loc, err = r.RecordMetadata(context.Background(), Metadata{})
	if err != nil || !loc.IsZero() {
		t.Fatal(loc, err)
	}
}

// TestReadRecordRefusesBadLocations: no path escapes, no wrong record.
func TestReadRecordRefusesBadLocations(t *testing.T) {
	dir := t.TempDir()
	w := newWriter(t, dir, nil)
	req, _ := http.NewRequest(http.MethodGet, "http://example.org/", nil)
	loc, err := w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200, Body: strings.NewReader("hi")})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	for _, bad := range []Location{
		{File: "../etc/passwd", Offset: 0, Length: 10}, {File: "/etc/passwd", Length: 10}, {File: "", Length: 1},
		{File: loc.File, Offset: -1, Length: 10}, {File: loc.File, Offset: 0, Length: 0},
		{File: "nope.warc.gz", Offset: 0, Length: 10},
		{File: loc.File, Offset: loc.Offset, Length: loc.Length, RecordID: "urn:uuid:other"},
		{File: loc.File, Offset: 0, Length: loc.Offset}, // the warcinfo: no response there
	} {
		if _, err := ReadRecord(dir, bad, Limits{}); !errors.Is(err, ErrNoRecord) {
			t.Errorf("%+v: %v, want ErrNoRecord", bad, err)
		}
	}
	// A range cut short is a bad record, not a wrong answer.
	short := loc
	short.Length -= 10
	var re *RecordError
	if _, err := ReadRecord(dir, short, Limits{}); !errors.As(err, &re) || !errors.Is(err, ErrTruncated) {
		t.Errorf("short range: %v", err)
	}
}
