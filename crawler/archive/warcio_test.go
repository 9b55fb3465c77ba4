package archive

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler/archive/warciotest"
)

// TestWarcioReadsOurFiles: Webrecorder's warcio (an implementation that is
// not ours) reads a loopback crawl's rotated files: as many records of each
// type as we wrote, each response's payload is byte for byte what the server
// sent (its SHA-256 equal to the one we computed from the wire and to the
// WARC-Payload-Digest), every WARC-Block-Digest is right, responses and
// requests point at each other, and warcio's offsets and lengths are our
// Locations.
func TestWarcioReadsOurFiles(t *testing.T) {
	pages := testPages()
	srv := newTestSite(t, pages)
	dir := t.TempDir()
	w := newWriter(t, dir, func(o *Options) { o.MaxFileSize = 16 << 10 })
	var got []fetched
	for _, decoded := range []bool{false, true} {
		got = append(got, crawlSite(t, w, srv, pages, decoded)...)
	}
	metaLocs := map[string]Location{}
	for _, f := range got[:3] {
		m := LinkCheckMetadata(f.url, srv.URL+"/", "HEAD", f.status, "", time.Now())
		loc, err := w.RecordMetadata(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		metaLocs[loc.RecordID] = loc
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files := w.Files()
	if len(files) < 2 {
		t.Fatalf("want rotation, got %v", files)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(dir, f))
	}
	recs := warciotest.Read(t, paths...)

	count := map[string]int{}
	byID := map[string]warciotest.Record{}
	for _, r := range recs {
		count[r.Type]++
		byID[r.ID] = r
		if r.BlockDigest != "sha256:"+r.BlockSHA256 {
			t.Errorf("%s %s: WARC-Block-Digest %s, warcio computes sha256:%s", r.Type, r.URI, r.BlockDigest, r.BlockSHA256)
		}
		if r.BlockBytes != r.ContentLength {
			t.Errorf("%s %s: block %d bytes, Content-Length %d", r.Type, r.URI, r.BlockBytes, r.ContentLength)
		}
	}
	if count["warcinfo"] != len(files) || count["response"] != len(got) || count["request"] != len(got) || count["metadata"] != len(metaLocs) || len(recs) != len(files)+2*len(got)+len(metaLocs) {
		t.Fatalf("warcio counts %v in %d records; wrote %d files, %d fetches, %d metadata", count, len(recs), len(files), len(got), len(metaLocs))
	}
	for _, f := range got {
		r, ok := byID["<"+f.loc.RecordID+">"]
		if !ok {
			t.Fatalf("warcio did not see record %s", f.loc.RecordID)
		}
		wantBody := f.body
		if f.asDecoded {
			wantBody = f.decoded
		}
		if r.URI != f.url || r.Status != f.status {
			t.Errorf("%s: warcio sees %s status %d", f.url, r.URI, r.Status)
		}
		if r.SHA256 != sha256hex(wantBody) || r.Bytes != int64(len(wantBody)) {
			t.Errorf("%s: warcio payload %d bytes sha256 %s, server sent %d bytes sha256 %s", f.url, r.Bytes, r.SHA256, len(wantBody), sha256hex(wantBody))
		}
		if r.PayloadDigest != "sha256:"+r.SHA256 || r.PayloadDigest != f.loc.PayloadDigest {
			t.Errorf("%s: WARC-Payload-Digest %s, warcio computes sha256:%s, Location says %s", f.url, r.PayloadDigest, r.SHA256, f.loc.PayloadDigest)
		}
		if filepath.Base(r.File) != f.loc.File || r.Offset != f.loc.Offset || r.Length != f.loc.Length {
			t.Errorf("%s: warcio finds it at %s:%d+%d, Location says %s:%d+%d", f.url, filepath.Base(r.File), r.Offset, r.Length, f.loc.File, f.loc.Offset, f.loc.Length)
		}
		req, ok := byID[r.ConcurrentTo]
		if !ok || req.Type != "request" || req.ConcurrentTo != r.ID || req.URI != r.URI {
			t.Errorf("%s: response not linked to its request (%q)", f.url, r.ConcurrentTo)
		}
	}
	for id, loc := range metaLocs {
		r := byID["<"+id+">"]
		if r.Type != "metadata" || r.Offset != loc.Offset || r.Length != loc.Length {
			t.Errorf("metadata %s: warcio %+v, Location %+v", id, r, loc)
		}
	}
}
