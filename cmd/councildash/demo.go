package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/archive"
	"github.com/councildash/councildash/crawler/demoweb"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/scoring"
)

// demoOptions shape the offline demo.
type demoOptions struct {
	sites   int // councils in the demo web (0: every council with a saved page, else 80)
	pages   int // pages per site
	runs    int // crawl runs, one after the other; all but the last are simulated (kept to show a trend)
	reviews int // demo reviews to seed
}

func defaultDemoOptions() demoOptions {
	return demoOptions{pages: 30, runs: 2, reviews: 400}
}

// demoWeb starts a loopback web of council sites mapped onto the register.
// With the saved pages of ../shared/data/pages, each council with saved
// pages is rebuilt at its register address from them (demoweb's real
// sites: page-level scores come from the saved pages alone, the generated
// pages serve the site-level checks and cover every top task). Without
// them (a clone away from the shared data), synthetic sites take register
// councils' names, and every page of them is generated filler: no
// page-level scores at all. seed varies the generated pages between runs;
// vary makes some real sites differ (a simulated run).
func demoWeb(reg []data.Council, opts demoOptions, seed int64, vary bool) (*demoweb.Web, []crawler.Site, error) {
	shared := demoweb.SharedPagesDir()
	if _, err := os.Stat(shared); err != nil {
		shared = ""
	}
	if shared != "" {
		real := make([]demoweb.RealCouncil, 0, len(reg))
		for _, c := range reg {
			real = append(real, demoweb.RealCouncil{Code: c.Code, Name: c.Name, HomeURL: c.HomepageURL})
		}
		var tasks []demoweb.TaskPage
		for _, t := range scoring.Tasks() {
			tasks = append(tasks, demoweb.TaskPage{Name: t.Name, Words: t.Words})
		}
		web, err := demoweb.NewWeb(demoweb.Options{PagesPerSite: opts.pages, Seed: seed, SharedDir: shared, Real: real,
			Tasks: tasks, Vary: vary})
		if err != nil {
			return nil, nil, err
		}
		sites := web.Sites
		if opts.sites > 0 && len(sites) > opts.sites {
			sites = sites[:opts.sites]
		}
		if len(sites) == 0 {
			web.Close()
			return nil, nil, errors.New("demo web has no council sites: no saved page belongs to a council of the register")
		}
		return web, sites, nil
	}
	n := opts.sites
	if n == 0 {
		n = 80
	}
	web, err := demoweb.NewWeb(demoweb.Options{Sites: n, PagesPerSite: opts.pages, Seed: seed})
	if err != nil {
		return nil, nil, err
	}
	var sites []crawler.Site
	used := map[string]bool{}
	unlabeled := web.Sites
	// Synthetic sites take the names of register councils, in register order.
	i := 0
	for _, s := range unlabeled {
		for i < len(reg) && used[reg[i].Code] {
			i++
		}
		if i == len(reg) {
			break
		}
		s.Council, s.Name = reg[i].Code, reg[i].Name
		used[reg[i].Code] = true
		sites = append(sites, s)
	}
	if len(sites) == 0 {
		web.Close()
		return nil, nil, errors.New("demo web has no council sites")
	}
	return web, sites, nil
}

// demoHTTPS serves the demo web over HTTPS too, on a second loopback
// listener that the crawler trusts: sites whose register address is
// https:// are served there (their http:// addresses redirect to it), as
// are saved pages published over https, so the checks see each site's real
// scheme.
func demoHTTPS(web *demoweb.Web, sites []crawler.Site, cfg *crawler.Config) error {
	resolve := make(map[string]string, len(web.Resolve)+2*len(sites))
	for k, v := range web.Resolve {
		resolve[k] = v
	}
	seen := map[string]bool{}
	var hosts []string
	add := func(h string) {
		if h = strings.ToLower(h); h != "" && !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	for _, h := range web.Hosts() {
		add(h)
	}
	for _, s := range sites {
		if u, err := url.Parse(s.HomeURL); err == nil && u.Hostname() != "" {
			h := strings.ToLower(u.Hostname())
			add(h)
			add(strings.TrimPrefix(h, "www."))
		}
		for _, h := range s.ExtraHosts {
			add(h)
		}
	}
	cert, pool, err := demoCertificate(hosts)
	if err != nil {
		return err
	}
	addr, err := web.ServeTLS(cert) // closed with the web
	if err != nil {
		return err
	}
	for _, h := range hosts {
		resolve[h+":443"] = addr
	}
	cfg.Resolve = resolve
	cfg.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return nil
}

// demoCertificate makes a throwaway self-signed certificate for the demo
// hosts and a pool trusting only it.
func demoCertificate(hosts []string) (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "councildash demo web"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              hosts,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

// demoRunLabel labels a demo run: a demo, of what, and whether it is kept
// only to show how a trend looks.
func demoRunLabel(r int, simulated bool) string {
	label := fmt.Sprintf("%s %d: local copy of council pages from 2019/20", data.DemoRunLabelPrefix, r+1)
	if simulated {
		label += ", generated pages varied to simulate a trend"
	}
	return label
}

// loadDemo fills the dashboard from the demo web opts.runs times, one after
// the other at their real times, and seeds demo reviews. Every run but the
// last is marked simulated: the same saved pages with some generated pages
// varied, kept only to show how a trend looks. The last, which the pages
// show first, has every generated page as it should be, so its findings
// are the saved pages' (and the register's scheme).
//
// With an archive folder (the default) each run goes through the WARC
// import path, as `councildash import --warc` does: the demo web is
// captured as a WARC (captureDemo) and the files are imported (importWARC),
// so the demo's runs are archives the dashboard shows pages from. The import
// crawls the same sites from the WARC as the direct crawl crawls (further
// hosts, websites shared by two councils), and honours the demo web's
// filler mark, which the WARC keeps with each response's header, as the
// direct crawl does. Without one (--archive=false) the demo web is crawled
// directly.
func loadDemo(ctx context.Context, env *Env, store *data.Store, reg []data.Council, opts demoOptions, archiveDir string, onStart func(data.Run, *crawler.Crawler)) error {
	start := time.Now()
	var last time.Time
	for r := 0; r < opts.runs; r++ {
		// Runs are stored to the second: each starts in a second of its
		// own (after the second the run before is stored as started in:
		// an import's run starts at its first capture), so they keep their
		// order.
		if wait := time.Until(last.Truncate(time.Second).Add(time.Second)); r > 0 && wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		last = time.Now()
		simulated := r < opts.runs-1
		web, sites, err := demoWeb(reg, opts, int64(r+1), simulated)
		if err != nil {
			return err
		}
		cfg := crawler.DefaultConfig()
		cfg.SearchQueries = searchQueries()
		cfg.Resolve = web.Resolve
		if err := demoHTTPS(web, sites, &cfg); err != nil {
			web.Close()
			return fmt.Errorf("demo web over https: %w", err)
		}
		cfg.Delay = 0              // our own loopback web: no one to be polite to
		cfg.ExternalLinkSample = 0 // other hosts are not in the local web: checking them offline only finds "broken" links
		cfg.Parallel = 32
		cfg.MaxPages = opts.pages
		cfg.Timeout = 10 * time.Second
		label := demoRunLabel(r, simulated)
		if archiveDir == "" {
			run, stats, err := runCrawl(ctx, env, store, crawlJob{sites: sites, cfg: cfg, label: label,
				demo: true, simulated: simulated, onStart: onStart})
			web.Close()
			if err != nil {
				return err
			}
			env.Logger.Info("demo run stored", "run", run.ID, "sites", stats.SitesDone, "pages", stats.Pages)
			last = laterOf(last, run.StartedAt)
			continue
		}
		dir := filepath.Join(archiveDir, fmt.Sprintf("demo-%d-%d", time.Now().UnixNano(), r+1))
		files, err := captureDemo(ctx, web, sites, cfg, dir)
		web.Close()
		if err != nil {
			return fmt.Errorf("capturing the demo web as WARC: %w", err)
		}
		rep, err := importWARC(ctx, env, store, reg, importOptions{files: files, label: label + " (through a WARC import)",
			maxPages: opts.pages, maxDepth: cfg.MaxDepth, parallel: cfg.Parallel, onStart: onStart, demo: true, simulated: simulated,
			sites: sites}, demoProblems{env})
		if err != nil {
			return fmt.Errorf("importing the demo WARC: %w", err)
		}
		env.Logger.Info("demo run stored from its WARC", "run", rep.Run.ID, "files", len(files), "records", rep.Records,
			"bad_records", rep.Bad, "sites", rep.Stats.SitesDone, "pages", rep.Stats.Pages)
		last = laterOf(last, rep.Run.StartedAt)
	}
	if err := seedDemoReviews(ctx, env, store, reg, opts); err != nil {
		return fmt.Errorf("seeding demo reviews: %w", err)
	}
	env.Logger.Info("demo data loaded", "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// laterOf is the later of two times.
func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// captureDemo crawls the demo web once keeping only its WARC files in dir
// (nothing scored or stored: captureSink) and returns their paths: the
// demo's web archive, as `wget --warc-file` or a web archive would make it.
func captureDemo(ctx context.Context, web *demoweb.Web, sites []crawler.Site, cfg crawler.Config, dir string) ([]string, error) {
	_ = web // served while the capture runs
	w, err := archive.NewWriter(archive.Options{Dir: dir, RunID: "demo", Version: version,
		MethodVersion: scoring.CurrentMethod().Version, UserAgent: cfg.UserAgent})
	if err != nil {
		return nil, err
	}
	cfg.Recorder = w
	c, err := crawler.New(cfg, captureSink{})
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	_, runErr := c.Run(ctx, sites)
	if err := w.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return nil, runErr
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if err == nil && len(files) == 0 {
		err = errors.New("the capture wrote no WARC file")
	}
	return files, err
}

// captureSink drops what the capture crawl delivers: only its archive counts.
type captureSink struct{}

func (captureSink) Page(context.Context, *crawler.Page) error           { return nil }
func (captureSink) Links(context.Context, []crawler.LinkCheck) error    { return nil }
func (captureSink) SiteDone(context.Context, *crawler.SiteReport) error { return nil }

// demoProblems logs the bad records an import of the demo's own WARC
// reports (there should be none).
type demoProblems struct{ env *Env }

func (p demoProblems) Write(b []byte) (int, error) {
	p.env.Logger.Warn("demo WARC import", "problem", strings.TrimSpace(string(b)))
	return len(b), nil
}

func cmdDemo(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var af archiveFlags
	opts := defaultDemoOptions()
	fs := newFlags(env, "demo", "demo [--sites N] [--pages 30] [--runs 2] [--archive-dir DIR]")
	db.bind(fs, env)
	af.bind(fs, env)
	fs.IntVar(&opts.sites, "sites", 0, "council sites in the demo web (0: one per council with a saved page, else 80)")
	fs.IntVar(&opts.pages, "pages", opts.pages, "pages per site")
	fs.IntVar(&opts.runs, "runs", opts.runs, "crawl runs (all but the last are marked simulated, to show a trend)")
	fs.IntVar(&opts.reviews, "reviews", opts.reviews, "demo reviews to seed")
	if err := parse(fs, args); err != nil {
		return err
	}
	if opts.runs < 1 || opts.pages < 1 {
		return errors.New("--runs and --pages must be at least 1")
	}
	dir, err := af.folder()
	if err != nil {
		return err
	}
	store, reg, err := db.open(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := loadDemo(ctx, env, store, reg, opts, dir, nil); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "demo data loaded; run `councildash serve` (or `make run`) and open http://localhost:8080")
	return nil
}
