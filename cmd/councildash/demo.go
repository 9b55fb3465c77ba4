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
	sites    int           // councils in the demo web (0: every council with a shared page, else 80)
	pages    int           // pages per site
	runs     int           // crawl runs, spaced `interval` apart ending now
	interval time.Duration // between runs
	reviews  int           // demo reviews to seed
}

func defaultDemoOptions() demoOptions {
	return demoOptions{pages: 30, runs: 2, interval: 28 * 24 * time.Hour, reviews: 400}
}

// demoWeb starts a loopback web of council sites mapped onto the register:
// one site per council with a real page in ../shared/data/pages (its home
// page), or synthetic sites labelled with register councils when that folder
// is absent (a user's clone). seed varies the generated pages between runs.
func demoWeb(reg []data.Council, opts demoOptions, seed int64) (*demoweb.Web, []crawler.Site, error) {
	byCode := map[string]data.Council{}
	for _, c := range reg {
		byCode[c.Code] = c
	}
	shared := demoweb.SharedPagesDir()
	if _, err := os.Stat(shared); err != nil {
		shared = ""
	}
	n := opts.sites
	if n == 0 {
		n = 80
		if shared != "" {
			if sp, err := demoweb.LoadSharedPages(shared); err == nil {
				n = len(sp)
			}
		}
	}
	web, err := demoweb.NewWeb(demoweb.Options{Sites: n, PagesPerSite: opts.pages, Seed: seed, SharedDir: shared})
	if err != nil {
		return nil, nil, err
	}
	var sites []crawler.Site
	used := map[string]bool{}
	var unlabeled []crawler.Site
	for _, s := range web.Sites {
		if c, ok := byCode[s.Council]; ok && !used[c.Code] {
			used[c.Code] = true
			s.Name = c.Name
			sites = append(sites, s)
		} else if shared == "" {
			unlabeled = append(unlabeled, s)
		}
		// A shared page of a council no longer in the register (abolished) is left out.
	}
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
// listener that the crawler trusts: real council pages link to their own
// site with https:// URLs, which would otherwise all fail the TLS handshake
// against the plain-HTTP listener and show up as broken links.
func demoHTTPS(web *demoweb.Web, sites []crawler.Site, cfg *crawler.Config) error {
	resolve := make(map[string]string, len(web.Resolve)+2*len(sites))
	for k, v := range web.Resolve {
		resolve[k] = v
	}
	var hosts []string
	for _, s := range sites {
		if u, err := url.Parse(s.HomeURL); err == nil && u.Hostname() != "" {
			h := strings.ToLower(u.Hostname())
			hosts = append(hosts, h, strings.TrimPrefix(h, "www."))
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

// loadDemo fills the dashboard from the demo web opts.runs times (the
// first back-dated so trends and "change since last crawl" show) and seeds
// demo reviews. With an archive folder (the default) each run goes through
// the WARC import path, as `councildash import --warc` does: the demo web is
// captured as a WARC (captureDemo) and the files are imported (importWARC),
// so the demo's runs are archives the dashboard shows pages from. Without
// one (--archive=false) the demo web is crawled directly.
func loadDemo(ctx context.Context, env *Env, store *data.Store, reg []data.Council, opts demoOptions, archiveDir string, onStart func(data.Run, *crawler.Crawler)) error {
	start := time.Now()
	for r := 0; r < opts.runs; r++ {
		web, sites, err := demoWeb(reg, opts, int64(r+1))
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
		startedAt := time.Time{}
		if back := time.Duration(opts.runs-1-r) * opts.interval; back > 0 {
			startedAt = time.Now().Add(-back)
		}
		label := fmt.Sprintf("%s %d (local web)", demoLabelPrefix, r+1)
		if archiveDir == "" {
			run, stats, err := runCrawl(ctx, env, store, crawlJob{sites: sites, cfg: cfg, label: label, startedAt: startedAt, onStart: onStart, demo: true})
			web.Close()
			if err != nil {
				return err
			}
			env.Logger.Info("demo run stored", "run", run.ID, "sites", stats.SitesDone, "pages", stats.Pages)
			continue
		}
		dir := filepath.Join(archiveDir, fmt.Sprintf("demo-%d-%d", time.Now().UnixNano(), r+1))
		files, err := captureDemo(ctx, web, sites, cfg, dir)
		web.Close()
		if err != nil {
			return fmt.Errorf("capturing the demo web as WARC: %w", err)
		}
		rep, err := importWARC(ctx, env, store, demoRegister(sites), importOptions{files: files, label: label + " via WARC import",
			maxPages: opts.pages, maxDepth: cfg.MaxDepth, parallel: cfg.Parallel, startedAt: startedAt, onStart: onStart, demo: true}, demoProblems{env})
		if err != nil {
			return fmt.Errorf("importing the demo WARC: %w", err)
		}
		env.Logger.Info("demo run stored from its WARC", "run", rep.Run.ID, "files", len(files), "records", rep.Records,
			"bad_records", rep.Bad, "sites", rep.Stats.SitesDone, "pages", rep.Stats.Pages)
	}
	if err := seedDemoReviews(ctx, env, store, reg, opts); err != nil {
		return fmt.Errorf("seeding demo reviews: %w", err)
	}
	env.Logger.Info("demo data loaded", "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
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

// demoRegister maps the demo web's hosts to the register councils its
// sites are labelled with (synthetic sites have made-up hosts), so the
// import matches every demo site to its council.
func demoRegister(sites []crawler.Site) []data.Council {
	out := make([]data.Council, 0, len(sites))
	for _, s := range sites {
		out = append(out, data.Council{Code: s.Council, Name: s.Name, HomepageURL: s.HomeURL})
	}
	return out
}

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
	fs.IntVar(&opts.sites, "sites", 0, "council sites in the demo web (0: one per council with a shared page, else 80)")
	fs.IntVar(&opts.pages, "pages", opts.pages, "pages per site")
	fs.IntVar(&opts.runs, "runs", opts.runs, "crawl runs (the earlier ones back-dated)")
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
