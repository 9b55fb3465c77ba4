package archive

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// warcioRecord is one line of testdata/warcio/check.mjs's output.
type warcioRecord struct {
	File          string `json:"file"`
	Offset        int64  `json:"offset"`
	Length        int64  `json:"length"`
	Type          string `json:"type"`
	URI           string `json:"uri"`
	ID            string `json:"id"`
	ConcurrentTo  string `json:"concurrentTo"`
	Status        int    `json:"status"`
	PayloadDigest string `json:"payloadDigest"`
	BlockDigest   string `json:"blockDigest"`
	ContentLength int64  `json:"contentLength"`
	SHA256        string `json:"sha256"`
	Bytes         int64  `json:"bytes"`
	BlockSHA256   string `json:"blockSha256"`
	BlockBytes    int64  `json:"blockBytes"`
}

// warcio installs (once, with npm ci from the committed lock file) and runs
// Webrecorder's warcio on files, returning its records.
func warcio(t *testing.T, files ...string) []warcioRecord {
	t.Helper()
	tools := requireTool(t, "checking WARC files with Webrecorder's warcio", "node", "npm")
	dir, err := filepath.Abs(filepath.Join("testdata", "warcio"))
	if err != nil {
		t.Fatal(err)
	}
	// One npm ci at a time (crawltest.Warcio installs here too).
	if lock, err := os.OpenFile(filepath.Join(dir, ".npm-ci.lock"), os.O_CREATE|os.O_RDWR, 0o644); err == nil {
		_ = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX)
		defer func() {
			_ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
			_ = lock.Close()
		}()
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "warcio", "package.json")); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, tools["npm"], "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			msg := "npm ci in " + dir + " failed (is the npm registry reachable?): " + err.Error() + "\n" + string(out)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	cmd := exec.Command(tools["node"], append([]string{filepath.Join(dir, "check.mjs")}, files...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warcio: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("warcio complained:\n%s", stderr.String())
	}
	var recs []warcioRecord
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r warcioRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("warcio output %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

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
	recs := warcio(t, paths...)

	count := map[string]int{}
	byID := map[string]warcioRecord{}
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
