package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler/archive/warciotest"
)

// wgetWARC has GNU Wget fetch every test page from the loopback server into
// a WARC file (gzip per record unless noCompression) and returns its path.
func wgetWARC(t testing.TB, srvURL string, pages []sitePage, noCompression bool) string {
	t.Helper()
	tools := warciotest.RequireTool(t, "reading a WARC written by GNU Wget", "wget")
	dir := t.TempDir()
	args := []string{"--warc-file=" + filepath.Join(dir, "wget"), "--no-verbose", "--tries=1", "--timeout=20",
		"--compression=gzip", "--content-on-error", "-P", filepath.Join(dir, "files")}
	if noCompression {
		args = append(args, "--no-warc-compression")
	}
	for _, p := range pages {
		args = append(args, srvURL+p.path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tools["wget"], args...)
	cmd.Env = append(os.Environ(), "no_proxy=*", "http_proxy=", "https_proxy=")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	// Exit status 8: the server answered an error (our 404 page): expected.
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 8) {
		t.Fatalf("wget: %v\n%s", err, out)
	}
	name := "wget.warc.gz"
	if noCompression {
		name = "wget.warc"
	}
	return filepath.Join(dir, name)
}

// gzipWhole compresses a whole file as one gzip stream (the layout some
// tools and people produce with `gzip file.warc`).
func gzipWhole(t testing.TB, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	out := path + ".whole.gz"
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReadWgetWARC: a WARC written by GNU Wget against the loopback web
// gives back every page with its status and exact body (gzip content
// encoding and chunked transfer encoding removed), in all three layouts:
// gzip per record (each record also readable alone at its Location), an
// uncompressed file, and the uncompressed file gzipped whole.
func TestReadWgetWARC(t *testing.T) {
	all := testPages()
	srv := newTestSite(t, all)
	perRecord := wgetWARC(t, srv.URL, all, false)
	plain := wgetWARC(t, srv.URL, all, true)
	// Wget 1.21 writes the request for a 204 No Content but no response.
	var pages []sitePage
	for _, p := range all {
		if p.status != 204 {
			pages = append(pages, p)
		}
	}
	whole := gzipWhole(t, plain)
	for _, tc := range []struct {
		name, path  string
		addressable bool
	}{{"gzip per record", perRecord, true}, {"uncompressed", plain, true}, {"whole-file gzip", whole, false}} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := OpenScanner(tc.path, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer sc.Close()
			byURL := map[string]*Record{}
			for rec, err := range sc.Records() {
				if err != nil {
					t.Fatalf("bad record in Wget's WARC: %v", err)
				}
				byURL[rec.TargetURI] = rec
			}
			st := sc.Stats()
			if st.Responses != len(pages) || st.Bad != 0 {
				t.Fatalf("stats %+v, want %d responses", st, len(pages))
			}
			for _, p := range pages {
				rec := byURL[srv.URL+p.path]
				if rec == nil {
					t.Fatalf("%s missing (have %d records)", p.path, len(byURL))
				}
				if rec.StatusCode != p.status || !bytes.Equal(rec.Body, p.body) || rec.BodyTruncated {
					t.Errorf("%s: status %d, %d body bytes (truncated %v), want %d and %d bytes; warnings %v",
						p.path, rec.StatusCode, len(rec.Body), rec.BodyTruncated, p.status, len(p.body), rec.Warnings)
				}
				if rec.WARCVersion != "WARC/1.0" || rec.Date.IsZero() || rec.IPAddress == "" || rec.PayloadDigest == "" {
					t.Errorf("%s: %s date %v ip %q digest %q", p.path, rec.WARCVersion, rec.Date, rec.IPAddress, rec.PayloadDigest)
				}
				if p.gzip && rec.Header.Get("Content-Encoding") != "gzip" {
					t.Errorf("%s: Wget should have archived the gzip encoding (header %v)", p.path, rec.Header)
				}
				if rec.Location.IsZero() == tc.addressable {
					t.Errorf("%s: location %+v", p.path, rec.Location)
				}
				if tc.addressable {
					again, err := ReadRecord(filepath.Dir(tc.path), rec.Location, Limits{})
					if err != nil || !bytes.Equal(again.Body, p.body) {
						t.Errorf("%s: ReadRecord(%+v): %v", p.path, rec.Location, err)
					}
				}
			}
		})
	}
}
