package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// `councildash import --warc FILE...`: score web archives councildash did not
// write (or did). The files' HTTP responses are indexed, their hosts matched
// to councils of the register, and each council's captured site is crawled
// from the archive as a live site is crawled (robots.txt, home page,
// sitemaps, probes, site search, pages breadth first within the page and
// depth budgets, link checks), answering only from the captures: so an
// archive is scored on the same sample as a crawl, and a page the archive
// lacks is not scored rather than scored as missing. One run per import.

// importOptions shape an import.
type importOptions struct {
	files    []string
	label    string
	maxPages int
	maxDepth int
	parallel int
	// now is when the import ran (the run's date when no capture is dated).
	now func() time.Time
	// onStart is told the run and the crawler once they exist.
	onStart func(data.Run, *crawler.Crawler)
	// demo marks the run as the offline demo's (its rows are demo data,
	// and the demo web's filler mark is honoured as in a crawl of it);
	// simulated marks a demo run kept only to show a trend.
	demo, simulated bool
	// sites, when set, are the sites to crawl from the archive, instead of
	// the register's councils matched by host: the demo knows its sites,
	// whose further hosts (crawler.Site.ExtraHosts) and websites shared by
	// two councils the register's home addresses cannot express.
	sites []crawler.Site
}

// importReport is what an import did.
type importReport struct {
	Run          data.Run
	Files        int
	Records      int // WARC records read, good or bad
	Responses    int // HTTP responses indexed
	Failures     int // councildash's records of fetches that got no answer, indexed
	Bad          int // bad records (reported one by one)
	Skipped      int // records of other types, or not indexed
	UnknownHosts map[string]crawler.HostCaptures
	Councils     int // sites scored: councils whose home page is on a captured host
	Stats        crawler.Stats
	Elapsed      time.Duration
}

// importWARC imports files into a new run. Problems with single records
// are written to problems and the import goes on; an error means nothing
// (or only part) could be stored.
func importWARC(ctx context.Context, env *Env, store *data.Store, reg []data.Council, opt importOptions, problems io.Writer) (importReport, error) {
	start := time.Now()
	rep := importReport{UnknownHosts: map[string]crawler.HostCaptures{}}
	if len(opt.files) == 0 {
		return rep, errors.New("no WARC files given (--warc FILE...)")
	}
	if opt.now == nil {
		opt.now = time.Now
	}
	cfg := crawler.DefaultConfig()
	cfg.SearchQueries = searchQueries()
	cfg.Delay = 0 // nobody to be polite to: the answers come from the files
	cfg.Parallel = max(opt.parallel, 1)
	if opt.maxPages > 0 {
		cfg.MaxPages = opt.maxPages
	}
	if opt.maxDepth > 0 {
		cfg.MaxDepth = opt.maxDepth
	}
	paths := make([]string, 0, len(opt.files))
	for _, f := range opt.files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return rep, err
		}
		paths = append(paths, abs)
	}
	root := commonDir(paths)
	src := crawler.NewArchiveSource(root, archive.Limits{MaxBodyBytes: cfg.MaxBody + 1}, 0)
	for _, p := range paths {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return rep, err
		}
		rep.Files++
		if err := indexWARC(src, p, rel, &rep, problems); err != nil {
			fmt.Fprintf(problems, "%s: %v (the records before it are imported)\n", p, err)
		}
	}
	rep.Responses, rep.Failures = src.Responses(), src.Failures()

	var sites []crawler.Site
	var first, last time.Time
	dated := func(hc crawler.HostCaptures) {
		if !hc.First.IsZero() && (first.IsZero() || hc.First.Before(first)) {
			first = hc.First
		}
		if hc.Last.After(last) {
			last = hc.Last
		}
	}
	if len(opt.sites) > 0 {
		// The sites are known (the demo's): each is crawled from the
		// archive as given, further hosts and all, and the hosts of none
		// of them are reported.
		own := map[string]bool{}
		for _, st := range opt.sites {
			if u, err := url.Parse(st.HomeURL); err == nil {
				own[crawler.HostKey(u.Hostname())] = true
			}
			for _, h := range st.ExtraHosts {
				own[crawler.HostKey(h)] = true
			}
		}
		for h, hc := range src.Hosts() {
			if !own[h] {
				rep.UnknownHosts[h] = hc
				continue
			}
			dated(hc)
		}
		sites = append(sites, opt.sites...)
	} else {
		// Councils by host: every council whose home page is on a
		// captured host (two, where councils share a website) is a site of
		// its own, crawled from the same captures.
		byHost := data.CouncilsByHost(reg)
		hosts := src.Hosts()
		for _, h := range crawler.SortedHosts(hosts) {
			hc := hosts[h]
			matched := false
			for _, c := range byHost[h] {
				home, ok := src.Home(c.HomepageURL)
				if !ok {
					continue
				}
				sites = append(sites, crawler.Site{Council: c.Code, Name: c.Name, HomeURL: home})
				matched = true
			}
			if !matched {
				rep.UnknownHosts[h] = hc
				continue
			}
			dated(hc)
		}
	}
	sort.Slice(sites, func(i, j int) bool { return sites[i].Council < sites[j].Council })
	rep.Councils = len(sites)
	if len(sites) == 0 {
		rep.Elapsed = time.Since(start)
		return rep, errors.New("no response in the files is from a council in the register (see the unknown hosts; --councils FILE adds councils)")
	}
	cfg.Source = src
	label := opt.label
	if label == "" {
		label = "import of " + strings.Join(baseNames(paths, 3), ", ")
	}
	now := opt.now
	if !last.IsZero() {
		// Checks judging dates judge them as of the captures.
		now = func() time.Time { return last }
	}
	run, stats, err := runCrawl(ctx, env, store, crawlJob{sites: sites, cfg: cfg, label: label, startedAt: first, imported: root, now: now,
		onStart: opt.onStart, demo: opt.demo, simulated: opt.simulated})
	rep.Run, rep.Stats, rep.Elapsed = run, stats, time.Since(start)
	return rep, err
}

// indexWARC reads one file into the source. Bad records are reported to
// problems one by one; an error ends this file.
func indexWARC(src *crawler.ArchiveSource, path, rel string, rep *importReport, problems io.Writer) error {
	// Bodies are read back one record at a time when crawled; a record
	// that cannot be read alone (a whole-file gzip) is read again with its
	// body and kept.
	sc, err := archive.OpenScanner(path, archive.Limits{MaxBodyBytes: 1})
	if err != nil {
		return err
	}
	defer sc.Close()
	// A crawl by councildash counted its fetches that got no answer
	// (error pages, broken links): an import counts them too.
	sc.IncludeFailures()
	unaddressable := 0
	for rec, err := range sc.Records() {
		var re *archive.RecordError
		switch {
		case errors.As(err, &re):
			fmt.Fprintf(problems, "bad record: %v\n", re)
			continue
		case err != nil:
			return err
		case rec.Location.IsZero() && rec.Failure == nil:
			unaddressable++
			continue
		}
		if err := src.Add(rel, rec); err != nil {
			rep.Skipped++
			fmt.Fprintf(problems, "%s: record %d at offset %d (%s): not imported: %v\n", filepath.Base(path), rec.Index, rec.Offset, rec.TargetURI, err)
		}
	}
	st := sc.Stats()
	rep.Records += st.Records
	rep.Bad += st.Bad
	rep.Skipped += st.Skipped
	if unaddressable == 0 {
		return nil
	}
	sc2, err := archive.OpenScanner(path, archive.Limits{MaxBodyBytes: crawler.DefaultConfig().MaxBody + 1})
	if err != nil {
		return err
	}
	defer sc2.Close()
	for rec, err := range sc2.Records() {
		if err != nil {
			var re *archive.RecordError
			if errors.As(err, &re) {
				continue // reported by the first pass
			}
			return err
		}
		if !rec.Location.IsZero() {
			continue
		}
		if err := src.Add(rel, rec); err != nil {
			rep.Skipped++
			fmt.Fprintf(problems, "%s: record %d (%s): not imported: %v\n", filepath.Base(path), rec.Index, rec.TargetURI, err)
		}
	}
	return nil
}

// commonDir is the deepest folder holding every (absolute) path.
func commonDir(paths []string) string {
	dir := filepath.Dir(paths[0])
	for _, p := range paths[1:] {
		for {
			rel, err := filepath.Rel(dir, filepath.Dir(p))
			if err == nil && filepath.IsLocal(rel) || dir == filepath.Dir(dir) {
				break
			}
			dir = filepath.Dir(dir)
		}
	}
	return dir
}

func baseNames(paths []string, n int) []string {
	var out []string
	for i, p := range paths {
		if i == n {
			out = append(out, fmt.Sprintf("and %d more", len(paths)-n))
			break
		}
		out = append(out, filepath.Base(p))
	}
	return out
}

func cmdImport(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var warcs stringList
	opt := importOptions{maxPages: crawler.DefaultConfig().MaxPages, maxDepth: crawler.DefaultConfig().MaxDepth, parallel: 2 * runtime.GOMAXPROCS(0)}
	fs := newFlags(env, "import", "import --warc FILE... [--label L] [--max-pages 100] [--max-depth 3]")
	db.bind(fs, env)
	fs.Var(&warcs, "warc", "a WARC file to import (repeatable; more files may follow the flags); gzip per record, whole-file gzip or plain")
	fs.StringVar(&opt.label, "label", "", "a label stored with the run (default: the files' names)")
	fs.IntVar(&opt.maxPages, "max-pages", opt.maxPages, "pages scored per council, as a crawl would fetch them (breadth first from the home page)")
	fs.IntVar(&opt.maxDepth, "max-depth", opt.maxDepth, "maximum clicks from the home page")
	fs.IntVar(&opt.parallel, "parallel", opt.parallel, "councils scored at once")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	opt.files = append(append(opt.files, warcs...), fs.Args()...)
	store, reg, err := db.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := importWARC(ctx, env, store, reg, opt, env.Stderr)
	printImport(env, rep, *asJSON)
	return err
}

// printImport writes an import's report.
func printImport(env *Env, rep importReport, asJSON bool) {
	if asJSON {
		type hostJSON struct {
			Host      string `json:"host"`
			Responses int    `json:"responses"`
		}
		unknown := []hostJSON{}
		for _, h := range crawler.SortedHosts(rep.UnknownHosts) {
			unknown = append(unknown, hostJSON{h, rep.UnknownHosts[h].Responses})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{
			"run_id": rep.Run.ID, "status": rep.Run.Status, "method_version": scoring.CurrentMethod().Version,
			"files": rep.Files, "records": rep.Records, "responses": rep.Responses, "failed_fetches": rep.Failures, "bad_records": rep.Bad,
			"skipped_records": rep.Skipped, "unknown_hosts": unknown, "councils": rep.Councils,
			"sites_done": rep.Stats.SitesDone, "pages": rep.Stats.Pages, "seconds": rep.Elapsed.Seconds(),
		})
		return
	}
	w := env.Stdout
	if len(rep.UnknownHosts) > 0 {
		hosts := crawler.SortedHosts(rep.UnknownHosts)
		fmt.Fprintf(w, "skipped %d hosts that are no council's in the register:\n", len(hosts))
		for i, h := range hosts {
			if i == 20 {
				fmt.Fprintf(w, "  ... and %d more\n", len(hosts)-20)
				break
			}
			fmt.Fprintf(w, "  %s (%d responses)\n", h, rep.UnknownHosts[h].Responses)
		}
	}
	failed := ""
	if rep.Failures > 0 {
		failed = fmt.Sprintf(", %d fetches that got no answer", rep.Failures)
	}
	fmt.Fprintf(w, "read %d files: %d records, %d HTTP responses%s, %d bad records, %d others skipped\n",
		rep.Files, rep.Records, rep.Responses, failed, rep.Bad, rep.Skipped)
	if rep.Run.ID != "" {
		pps := 0.0
		if rep.Elapsed > 0 {
			pps = float64(rep.Stats.Pages) / rep.Elapsed.Seconds()
		}
		fmt.Fprintf(w, "run %s %s: %d councils, %d pages scored in %s (%.0f pages/s)\n",
			rep.Run.ID, rep.Run.Status, rep.Stats.SitesDone, rep.Stats.Pages, rep.Elapsed.Round(time.Millisecond), pps)
	}
}
