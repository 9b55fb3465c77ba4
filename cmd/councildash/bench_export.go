package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/scoring"
)

// benchExport times the exports of the dashboard phase's data (every
// council of the register, benchDashRuns runs) as CSV, JSON and Parquet,
// for the latest run and for every run, through dashboard.Export (what
// GET /export/... and `councildash export` run), and reports each file's
// size: Parquet's speed and size against the CSV of the same rows.
func benchExport(ctx context.Context, env *Env, db dbFlags) ([]benchResult, error) {
	store, reg, err := db.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	seeded, err := benchSeeded(ctx, store)
	if err != nil {
		return nil, err
	}
	if !seeded {
		if _, err := seedDashboard(ctx, store, reg); err != nil {
			return nil, fmt.Errorf("seeding: %w", err)
		}
	}
	src := dashboard.ExportSource{Store: store, Councils: reg}
	var out []benchResult
	for _, run := range []string{"latest", ""} {
		for _, kind := range []string{"scores", "findings"} {
			var csvBytes, csvSecs float64
			for _, format := range []string{"csv", "json", "parquet"} {
				req := dashboard.ExportRequest{Kind: kind, Format: format, Run: run, MethodVersion: scoring.CurrentMethod().Version}
				// Best of three: the first warms ClickHouse's caches.
				best := time.Duration(1<<63 - 1)
				var n countingWriter
				for range 3 {
					n = countingWriter{}
					start := time.Now()
					if err := dashboard.Export(ctx, &n, src, req); err != nil {
						return nil, fmt.Errorf("%s.%s: %w", kind, format, err)
					}
					best = min(best, time.Since(start))
				}
				rows, err := exportRows(ctx, src, kind, run)
				if err != nil {
					return nil, err
				}
				secs := best.Seconds()
				m := map[string]float64{"rows": float64(rows), "mb": float64(n.n) / 1e6, "seconds": secs,
					"rows_per_s": float64(rows) / secs, "bytes_per_row": float64(n.n) / float64(max(rows, 1))}
				if format == "csv" {
					csvBytes, csvSecs = float64(n.n), secs
				} else {
					m["size_vs_csv"] = float64(n.n) / csvBytes
					m["time_vs_csv"] = secs / csvSecs
				}
				which := "latest run"
				if run == "" {
					which = fmt.Sprintf("every run (%d)", benchDashRuns)
				}
				out = append(out, benchResult{Phase: "export", Subject: fmt.Sprintf("%s, %s, %s", kind, which, format), Metrics: m,
					Note: fmt.Sprintf("dashboard.Export to a byte counter, best of 3; %d councils, %d findings per council and run", len(reg), benchDashFindings)})
			}
		}
	}
	return out, nil
}

// exportRows counts an export's rows (its CSV's lines but the header).
func exportRows(ctx context.Context, src dashboard.ExportSource, kind, run string) (int, error) {
	var lc lineCounter
	err := dashboard.Export(ctx, &lc, src, dashboard.ExportRequest{Kind: kind, Format: "csv", Run: run})
	return lc.n - 1, err
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// lineCounter counts the records of a CSV whose fields hold no newline
// (the benchmark's data).
type lineCounter struct{ n int }

func (l *lineCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' {
			l.n++
		}
	}
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
