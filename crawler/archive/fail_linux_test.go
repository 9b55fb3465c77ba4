//go:build linux

package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pageBody makes an incompressible body of n bytes for page i, so that the
// files grow as fast as the pages do.
func pageBody(i, n int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	b := make([]byte, n)
	for j := range b {
		b[j] = byte('a' + r.IntN(26))
	}
	return b
}

// failResult is what the child process reports of a run into a full disk.
type failResult struct {
	Locations  []Location // returned before the failure
	Pages      []int      // page numbers of Locations
	Err        string     // the first failure
	IsErrWrite bool
	FastFail   bool   // later calls failed at once with the same error
	BodyRead   bool   // a later call read its body (it must not)
	CloseErr   string // Close's error
}

// fillDisk records pages until the archive cannot be written, then checks
// that the writer has stopped for good.
func fillDisk(dir string, maxFile int64, pageSize int) failResult {
	var res failResult
	w, err := NewWriter(Options{Dir: dir, RunID: "full", MaxFileSize: maxFile, GzipLevel: 1})
	if err != nil {
		res.Err = err.Error()
		res.IsErrWrite = errors.Is(err, ErrWrite)
		return res
	}
	for i := 0; i < 100000; i++ {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("https://full.example.org/page/%d", i), nil)
		loc, err := w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200,
			Header: http.Header{"Content-Type": {"text/html"}}, Body: bytes.NewReader(pageBody(i, pageSize))})
		if err != nil {
			res.Err, res.IsErrWrite = err.Error(), errors.Is(err, ErrWrite)
			if !loc.IsZero() {
				res.Err += " (and a Location was returned)"
			}
			break
		}
		res.Locations = append(res.Locations, loc)
		res.Pages = append(res.Pages, i)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://full.example.org/after", nil)
	body := &spyReader{r: strings.NewReader("late")}
	_, err1 := w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200, Body: body})
	_, err2 := w.RecordMetadata(context.Background(), LinkCheckMetadata("https://full.example.org/x", "https://full.example.org/", "HEAD", 200, "", time.Now()))
	res.FastFail = err1 != nil && err1.Error() == res.Err && err2 != nil && err2.Error() == res.Err && errors.Is(w.Err(), ErrWrite)
	res.BodyRead = body.read
	if err := w.Close(); err != nil {
		res.CloseErr = err.Error()
	}
	return res
}

type spyReader struct {
	r    io.Reader
	read bool
}

func (s *spyReader) Read(p []byte) (int, error) {
	s.read = true
	return s.r.Read(p)
}

// checkAfterFailure: the error is clear, later calls failed fast, every
// Location returned reads back as its page, and the files hold exactly
// those pages: no partial record is left at the end.
func checkAfterFailure(t *testing.T, dir string, res failResult, pageSize int, wantMsg string) {
	t.Helper()
	if !res.IsErrWrite || !strings.Contains(res.Err, wantMsg) {
		t.Fatalf("error %q: want ErrWrite mentioning %q", res.Err, wantMsg)
	}
	if !res.FastFail || res.BodyRead {
		t.Errorf("after the failure: fast fail %v, body read %v", res.FastFail, res.BodyRead)
	}
	if res.CloseErr != "" {
		t.Errorf("Close: %s", res.CloseErr)
	}
	for i, loc := range res.Locations {
		rec, err := ReadRecord(dir, loc, Limits{})
		if err != nil {
			t.Fatalf("location %d %+v: %v", i, loc, err)
		}
		if !bytes.Equal(rec.Body, pageBody(res.Pages[i], pageSize)) {
			t.Fatalf("location %d: wrong body", i)
		}
	}
	ents, _ := os.ReadDir(dir)
	var files []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".open") {
			t.Errorf("%s left open", e.Name())
		}
		if strings.HasSuffix(e.Name(), FileExt) {
			files = append(files, e.Name())
		}
	}
	recs, bad, stats := scanAll(t, dir, files)
	if len(bad) > 0 {
		t.Errorf("files end with bad records: %v", bad)
	}
	if len(recs) != len(res.Locations) {
		t.Errorf("files hold %d responses, %d Locations were returned (stats %+v)", len(recs), len(res.Locations), stats)
	}
}

// TestWriteFailsAfterNBytes runs a writer in a child process whose files may
// not grow past N bytes (RLIMIT_FSIZE: every write past it fails with
// EFBIG, as a full disk would with ENOSPC): in the warcinfo of the first
// file, and in the middle of records at several points.
func TestWriteFailsAfterNBytes(t *testing.T) {
	if os.Getenv("ARCHIVE_FSIZE_CHILD") != "" {
		limit, _ := strconv.ParseUint(os.Getenv("ARCHIVE_FSIZE_LIMIT"), 10, 64)
		page, _ := strconv.Atoi(os.Getenv("ARCHIVE_FSIZE_PAGE"))
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
			fmt.Fprintln(os.Stderr, "setrlimit:", err)
			os.Exit(2)
		}
		res := fillDisk(os.Getenv("ARCHIVE_FSIZE_CHILD"), 1<<30, page)
		out, _ := json.Marshal(res)
		fmt.Printf("RESULT %s\n", out)
		return
	}
	const page = 3000
	for _, limit := range []int{200, 20_000, 50_000, 50_777, 123_457} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestWriteFailsAfterNBytes$", "-test.count=1")
			cmd.Env = append(os.Environ(), "ARCHIVE_FSIZE_CHILD="+dir, "ARCHIVE_FSIZE_LIMIT="+strconv.Itoa(limit), "ARCHIVE_FSIZE_PAGE="+strconv.Itoa(page))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			_, js, ok := bytes.Cut(out, []byte("RESULT "))
			if !ok {
				t.Fatalf("child said:\n%s", out)
			}
			js, _, _ = bytes.Cut(js, []byte("\n"))
			var res failResult
			if err := json.Unmarshal(js, &res); err != nil {
				t.Fatal(err)
			}
			checkAfterFailure(t, dir, res, page, "file too large")
			if limit == 200 {
				if len(res.Locations) != 0 {
					t.Fatalf("%d locations with room for no warcinfo", len(res.Locations))
				}
				if ents, _ := os.ReadDir(dir); len(ents) != 0 {
					t.Errorf("a file with a partial warcinfo was left: %v", ents)
				}
			} else if len(res.Locations) == 0 {
				t.Fatalf("no page fitted in %d bytes", limit)
			}
		})
	}
}

// TestDiskFull fills a small tmpfs (needs root; skipped otherwise): ENOSPC
// stops the writer cleanly with the same guarantees.
func TestDiskFull(t *testing.T) {
	mnt := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=256k"); err != nil {
		t.Skipf("cannot mount a small tmpfs (%v): the disk-full case is covered by TestWriteFailsAfterNBytes", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(mnt, syscall.MNT_DETACH) })
	const page = 5000
	res := fillDisk(mnt, 1<<30, page)
	checkAfterFailure(t, mnt, res, page, "no space left on device")
	if len(res.Locations) < 10 {
		t.Fatalf("only %d pages fitted in 256 KiB", len(res.Locations))
	}
	// Rotation into a full disk: the new file cannot get its warcinfo.
	mnt2 := filepath.Join(t.TempDir(), "small2")
	_ = os.Mkdir(mnt2, 0o755)
	if err := syscall.Mount("tmpfs", mnt2, "tmpfs", 0, "size=64k"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(mnt2, syscall.MNT_DETACH) })
	res = fillDisk(mnt2, 20<<10, page)
	checkAfterFailure(t, mnt2, res, page, "no space left on device")
}

// TestFolderProblems: an archive folder that cannot be made is refused at
// once; a folder removed during the run stops the writer at the next file.
func TestFolderProblems(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewWriter(Options{Dir: filepath.Join(file, "archive"), RunID: "r"}); !errors.Is(err, ErrWrite) {
		t.Fatalf("folder under a file: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "archive")
	w, err := NewWriter(Options{Dir: dir, RunID: "r", MaxFileSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://example.org/", nil)
	if _, err := w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200, Body: bytes.NewReader(pageBody(1, 3000))}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	_, err = w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200, Body: bytes.NewReader(pageBody(2, 3000))})
	if !errors.Is(err, ErrWrite) || !strings.Contains(err.Error(), "no such file or directory") {
		t.Fatalf("after the folder went: %v", err)
	}
	if _, err2 := w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200}); err2 == nil || err2.Error() != err.Error() {
		t.Fatalf("no fast fail: %v", err2)
	}
	_ = w.Close()
	if _, err := w.RecordFetch(context.Background(), Fetch{Request: req, StatusCode: 200}); err == nil {
		t.Fatal("write after Close succeeded")
	}
}
