// Package warciotest reads WARC files with Webrecorder's warcio (npm,
// pinned in crawler/archive/testdata/warcio), an implementation that is not
// ours, for the tests of the archive and of the crawls that write it. It
// imports nothing of councildash, so the archive's own tests can use it.
package warciotest

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

// RequireTool returns the paths of command-line tools, skipping the test
// when one is missing, or failing it when the environment variable CI is
// "true".
func RequireTool(tb testing.TB, why string, names ...string) map[string]string {
	tb.Helper()
	paths := map[string]string{}
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			msg := why + " needs " + n + ", which is not installed"
			if os.Getenv("CI") == "true" {
				tb.Fatal(msg + " (CI=true: a failure, not a skip)")
			}
			tb.Skip(msg + ": skipping")
		}
		paths[n] = p
	}
	return paths
}

// Record is one record as warcio reads it (see check.mjs).
type Record struct {
	File          string `json:"file"`
	Offset        int64  `json:"offset"`
	Length        int64  `json:"length"`
	Type          string `json:"type"`
	URI           string `json:"uri"`
	ID            string `json:"id"`
	ConcurrentTo  string `json:"concurrentTo"`
	WarcinfoID    string `json:"warcinfoID"`
	Status        int    `json:"status"`
	PayloadDigest string `json:"payloadDigest"`
	BlockDigest   string `json:"blockDigest"`
	ContentLength int64  `json:"contentLength"`
	SHA256        string `json:"sha256"` // of the payload as warcio reads it (after the HTTP headers)
	Bytes         int64  `json:"bytes"`
	BlockSHA256   string `json:"blockSha256"`
	BlockBytes    int64  `json:"blockBytes"`
}

// moduleRoot finds the folder of go.mod above the test's folder.
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// Read reads files with Webrecorder's warcio (installed with npm ci from
// the committed lock file on first use) and returns its records.
func Read(tb testing.TB, files ...string) []Record {
	tb.Helper()
	tools := RequireTool(tb, "checking WARC files with Webrecorder's warcio", "node", "npm")
	dir := filepath.Join(moduleRoot(tb), "crawler", "archive", "testdata", "warcio")
	// One npm ci at a time: the packages' tests run at once.
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
				tb.Fatal(msg)
			}
			tb.Skip(msg)
		}
	}
	cmd := exec.Command(tools["node"], append([]string{filepath.Join(dir, "check.mjs")}, files...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("warcio: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		tb.Errorf("warcio complained:\n%s", stderr.String())
	}
	var recs []Record
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatalf("warcio output %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}
