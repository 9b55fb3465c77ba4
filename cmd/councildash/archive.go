package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/data"
)

// The crawl's web archive (issue 11): every crawl keeps what it fetched as
// WARC files, one set per run and shard, unless --archive=false.

// defaultArchiveDir is the archive folder when neither --archive-dir nor
// COUNCILDASH_ARCHIVE_DIR says otherwise: in the project-local data folder.
const defaultArchiveDir = ".councildash/archive"

// archiveFlags are --archive and --archive-dir.
type archiveFlags struct {
	on  bool
	dir string
}

func (a *archiveFlags) bind(fs *flag.FlagSet, env *Env) {
	fs.BoolVar(&a.on, "archive", true, "keep every request and response as WARC files (--archive=false: keep none)")
	fs.StringVar(&a.dir, "archive-dir", envOr(env, "COUNCILDASH_ARCHIVE_DIR", defaultArchiveDir), "folder of the WARC files, one set per run and shard (env COUNCILDASH_ARCHIVE_DIR)")
}

// folder is the absolute archive folder, or "" when archiving is off.
func (a archiveFlags) folder() (string, error) {
	if !a.on {
		return "", nil
	}
	if a.dir == "" {
		return "", errors.New("--archive-dir is empty (use --archive=false to keep no archive)")
	}
	return filepath.Abs(a.dir)
}

// errArchiveStopped wraps the error that stopped a crawl because its
// archive could not be written.
var errArchiveStopped = errors.New("the crawl stopped: its web archive cannot be written")

// startArchive opens the run's archive writer and sets it as the crawl's
// Recorder (nil, nil when archiving is off). A resumed run goes on in its
// own archive folder; a run crawled without an archive is resumed without
// one (its sites could not be re-scored from it anyway).
func startArchive(ctx context.Context, env *Env, store *data.Store, run *data.Run, job *crawlJob, methodVersion string) (*archive.Writer, error) {
	if job.imported != "" {
		r, err := store.SetRunArchive(ctx, run.ID, job.imported, data.RunSourceWARC)
		if err == nil {
			*run = r
		}
		return nil, err
	}
	dir := job.archiveDir
	if job.resume != "" {
		switch {
		case !run.Archived() && dir != "":
			env.Logger.Info("the run was crawled without an archive: resuming without one", "run", run.ID)
			return nil, nil
		case run.Archived() && dir == "":
			env.Logger.Warn("resuming an archived run with --archive=false: the sites crawled now cannot be re-scored from the archive", "run", run.ID)
			return nil, nil
		case run.Archived():
			dir = run.ArchiveDir
		}
	}
	if dir == "" {
		return nil, nil
	}
	w, err := archive.NewWriter(archive.Options{Dir: dir, RunID: run.ID, Shard: job.archiveShard, Version: version,
		MethodVersion: methodVersion, UserAgent: job.cfg.UserAgent})
	if err != nil {
		return nil, err
	}
	if run.ArchiveDir != dir {
		r, err := store.SetRunArchive(ctx, run.ID, dir, data.RunSourceCrawl)
		if err != nil {
			_ = w.Close()
			return nil, err
		}
		*run = r
	}
	job.cfg.Recorder = w
	if job.wrapRecorder != nil {
		job.cfg.Recorder = job.wrapRecorder(w)
	}
	env.Logger.Info("archiving the crawl", "run", run.ID, "folder", dir)
	return w, nil
}

// archiveStopped is the error a crawl ends with when its archive failed
// (err wraps archive.ErrWrite): the run is interrupted and can be resumed.
func archiveStopped(runID string, err error) error {
	return fmt.Errorf("%w: %w; the run is marked interrupted: free some space or fix the folder (or pass --archive=false), then continue with: councildash crawl --resume %s",
		errArchiveStopped, err, runID)
}
