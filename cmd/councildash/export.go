package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/reviews"
	"github.com/councildash/councildash/scoring"
)

// cmdExport writes the same files as GET /export/{what}.{format}: the
// writer is shared (dashboard.Export).
func cmdExport(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var req dashboard.ExportRequest
	var out string
	fs := newFlags(env, "export", "export --what scores|findings|reviews --format csv|json|parquet [--run RUN_ID|latest|previous] [--council CODE] [--check ID] [--out FILE]")
	db.bind(fs, env)
	fs.StringVar(&req.Kind, "what", "scores", "scores, findings or reviews")
	fs.StringVar(&req.Format, "format", "csv", "csv, json or parquet (parquet: scores and findings)")
	fs.StringVar(&req.Run, "run", "", "only this crawl run (latest: the newest run with scores; previous: the one before; empty: every run)")
	fs.StringVar(&req.Council, "council", "", "only this council code")
	fs.StringVar(&req.CheckID, "check", "", "only this check (findings)")
	fs.StringVar(&out, "out", "", "file to write (default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !slices.Contains(dashboard.ExportKinds, req.Kind) {
		return fmt.Errorf("--what %q: choose scores, findings or reviews", req.Kind)
	}
	if !slices.Contains(dashboard.ExportFormats, req.Format) {
		return fmt.Errorf("--format %q: choose csv, json or parquet", req.Format)
	}
	if req.Format == "parquet" && req.Kind == "reviews" {
		return fmt.Errorf("--format parquet: scores and findings only (reviews: csv or json)")
	}
	req.MethodVersion = scoring.CurrentMethod().Version

	store, reg, err := db.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	var rev *reviews.Service
	if req.Kind == "reviews" {
		if rev, err = newReviewService(store, reviewSettings(env)); err != nil {
			return fmt.Errorf("reviews: %w", err)
		}
	}

	// Checked before anything is written: an unknown council, check or run
	// is an error, never an empty file.
	p, err := dashboard.PrepareExport(ctx, dashboard.ExportSource{Store: store, Reviews: rev, Councils: reg}, req)
	if err != nil {
		return err
	}
	var w io.Writer = env.Stdout
	var tmp *os.File
	if out != "" && out != "-" {
		// Write beside the target and rename at the end: a failed export
		// never leaves a truncated file under the name asked for.
		tmp, err = os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		w = tmp
	}
	if err := p.Write(ctx, w); err != nil {
		return err
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), out); err != nil {
			return err
		}
		env.Logger.Info("export written", "file", out, "what", req.Kind, "format", req.Format, "suggested_name", p.FileName())
	}
	return nil
}
