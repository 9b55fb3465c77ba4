package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNoPooledUUIDs: product code makes UUIDs with
// uuid.NewRandomFromReader, never uuid.New/NewString/NewRandom, which read
// a switch of github.com/google/uuid that the WARC library (gowarc v3.1.0)
// sets without a lock whenever it builds or reads a record: a data race in
// any process that archives (the race detector finds it).
func TestNoPooledUUIDs(t *testing.T) {
	pooled := regexp.MustCompile(`\buuid\.(New|NewString|NewRandom|Must\(uuid\.NewRandom\(\))\(`)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if pooled.MatchString(line) && !strings.Contains(line, "regexp.MustCompile") {
				t.Errorf("%s:%d: %s (use uuid.NewRandomFromReader(rand.Reader))", p, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
