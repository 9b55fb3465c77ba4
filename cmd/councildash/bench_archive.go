package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/data"
)

// The archive's phase of the bench (issue 11): what keeping every crawl as
// WARC files costs, and how fast an archive is imported. The full crawl
// (crawl, score, store) of the loopback web runs with and without the
// archive, alternately, three times each in the same process; the median
// of each counts. The WARC files go to the project-local data folder (a
// real disk, not a RAM-backed temporary folder) and are removed at the
// end, after the last archived crawl's files are imported.

const benchArchiveRounds = 3

func benchArchive(ctx context.Context, env *Env, db dbFlags, bf benchFlags) ([]benchResult, error) {
	web, err := benchWeb(bf)
	if err != nil {
		return nil, err
	}
	defer web.Close()
	store, _, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	root, err := filepath.Abs(filepath.Join(filepath.Dir(defaultArchiveDir), fmt.Sprintf("bench-archive-%d", time.Now().UnixNano())))
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(root)

	cfg := crawler.DefaultConfig()
	cfg.Resolve = web.Resolve
	cfg.Delay = 0
	cfg.Parallel = bf.parallel
	cfg.MaxPages = bf.pages
	cfg.MaxDepth = 100
	cfg.MaxLinkChecks = 0
	cfg.ExternalLinkSample = 0
	cfg.SearchQueries = nil
	quiet := *env
	quiet.Stdout, quiet.Stderr = io.Discard, io.Discard

	var with, without, cpuWith, cpuWithout []float64
	var lastDir string
	var lastPages int64
	for i := range 2 * benchArchiveRounds {
		archived := i%2 == 1
		dir := ""
		if archived {
			dir = filepath.Join(root, fmt.Sprint(i))
		}
		cpu0 := processCPU()
		start := time.Now()
		_, stats, err := runCrawl(ctx, &quiet, store, crawlJob{sites: web.Sites, cfg: cfg, label: "bench archive", archiveDir: dir})
		if err != nil {
			return nil, err
		}
		pps := float64(stats.Pages) / time.Since(start).Seconds()
		cpuMS := float64(processCPU()-cpu0) / float64(time.Millisecond) / float64(max(stats.Pages, 1))
		if archived {
			with = append(with, pps)
			cpuWith = append(cpuWith, cpuMS)
			if lastDir != "" {
				_ = os.RemoveAll(lastDir) // keep one crawl's files on disk at a time
			}
			lastDir, lastPages = dir, stats.Pages
		} else {
			without = append(without, pps)
			cpuWithout = append(cpuWithout, cpuMS)
		}
	}
	var files []string
	var bytes int64
	ents, err := os.ReadDir(lastDir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && !e.IsDir() {
			files = append(files, filepath.Join(lastDir, e.Name()))
			bytes += fi.Size()
		}
	}
	var fetches int64
	for _, f := range files {
		sc, err := archive.OpenScanner(f, archive.Limits{MaxBodyBytes: 1})
		if err != nil {
			return nil, err
		}
		for range sc.Records() {
		}
		fetches += int64(sc.Stats().Responses)
		sc.Close()
	}
	res := []benchResult{
		{Phase: "crawl-archive", Subject: fmt.Sprintf("crawl+score+store with the WARC archive, %d sites x %d pages (median of %d, alternating)", bf.sites, bf.pages, benchArchiveRounds),
			Metrics: map[string]float64{"pages_per_s": median(with), "cpu_ms_per_page": median(cpuWith), "pages": float64(lastPages), "archive_mb": float64(bytes) / 1e6,
				"archive_bytes_per_page": float64(bytes) / float64(max(lastPages, 1)), "responses_archived": float64(fetches), "files": float64(len(files))}},
		{Phase: "crawl-noarchive", Subject: fmt.Sprintf("the same crawl with --archive=false (median of %d, alternating)", benchArchiveRounds),
			Metrics: map[string]float64{"pages_per_s": median(without), "cpu_ms_per_page": median(cpuWithout)}},
	}

	// Import the last archived crawl's files.
	start := time.Now()
	rep, err := importWARC(ctx, &quiet, store, benchRegister(web.Sites), importOptions{files: files, label: "bench import", maxPages: bf.pages, maxDepth: 100, parallel: bf.parallel}, io.Discard)
	if err != nil {
		return nil, err
	}
	el := time.Since(start).Seconds()
	res = append(res, benchResult{Phase: "import", Subject: fmt.Sprintf("councildash import --warc of that crawl's %d files (%.0f MB)", len(files), float64(bytes)/1e6),
		Metrics: map[string]float64{"pages": float64(rep.Stats.Pages), "pages_per_s": float64(rep.Stats.Pages) / el, "records": float64(rep.Records),
			"records_per_s": float64(rep.Records) / el, "councils": float64(rep.Councils), "seconds": el}})
	return res, nil
}

// benchRegister is the register an import of the loopback web's files
// matches hosts against: its sites, under their own codes. Not the real
// register: some sites are at a register council's host, and an import
// scores every council whose home page is on a captured host.
func benchRegister(sites []crawler.Site) []data.Council {
	out := make([]data.Council, 0, len(sites))
	for _, s := range sites {
		out = append(out, data.Council{Code: s.Council, Name: s.Name, HomepageURL: s.HomeURL})
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// processCPU is the CPU time the process (the crawler, the loopback web it
// serves, scoring and the ClickHouse client) has used: on a shared machine
// the cost of archiving shows in it even when other work steals wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
