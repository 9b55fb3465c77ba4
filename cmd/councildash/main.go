// Command councildash crawls UK council websites, scores them against the
// LocalGov Digital Content Standard, collects reviews, stores everything in
// ClickHouse and serves a dashboard.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/councildash/councildash/data"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Env is what every subcommand gets: its output streams, the environment and
// a logger. Nothing else is global.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Logger         *slog.Logger
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

func commands() []command {
	return []command{
		{"migrate", "apply database migrations and load the council register", cmdMigrate},
		{"councils", "list and filter the council register", cmdCouncils},
		{"crawl", "crawl council websites, score the pages and store the results", cmdCrawl},
		{"score", "score one saved page or live URL, or re-score a stored run (--run)", cmdScore},
		{"serve", "serve the web dashboard", cmdServe},
		{"export", "export scores, findings or reviews as CSV or JSON", cmdExport},
		{"reviewers", "issue, list and revoke peer reviewer sign-in links", cmdReviewers},
		{"import", "score web archives (WARC files, e.g. from wget --warc-file): a run per import", cmdImport},
		{"demo", "build a local web of council sites, crawl it (two runs) and seed demo reviews", cmdDemo},
		{"bench", "measure crawl, scoring, dashboard, review posts and inserts beside their baselines", cmdBench},
		{"bench-phase", "(internal) one phase of bench, run as a child process", cmdBenchPhase},
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "councildash %s: how UK council websites measure up.\n\nUsage: councildash <command> [flags]\n\nCommands:\n", version)
	for _, c := range commands() {
		if strings.HasPrefix(c.summary, "(internal)") {
			continue
		}
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'councildash <command> --help' for a command's flags.\n")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel(os.Getenv("COUNCILDASH_LOG_LEVEL"))}))}
	os.Exit(run(ctx, env, os.Args[1:]))
}

func logLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// run dispatches to a subcommand and returns the exit code.
func run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(env.Stdout, "councildash", version)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, env, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			default:
				fmt.Fprintf(env.Stderr, "councildash %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(env.Stderr, "councildash: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return 2
}

// errUsage marks a usage error already reported by the flag set.
var errUsage = errors.New("usage")

// newFlags returns a flag set whose usage names the command and its summary.
func newFlags(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: councildash %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, mapping errors to errUsage (the flag set has printed them).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// dbFlags are the ClickHouse flags every storing subcommand takes.
type dbFlags struct {
	addr, database, user, password string
	councils                       string
	cluster                        string
}

func (d *dbFlags) bind(fs *flag.FlagSet, env *Env) {
	fs.StringVar(&d.addr, "clickhouse", envOr(env, "COUNCILDASH_CLICKHOUSE_ADDR", "127.0.0.1:19000"), "ClickHouse native address host:port (env COUNCILDASH_CLICKHOUSE_ADDR)")
	fs.StringVar(&d.database, "database", envOr(env, "COUNCILDASH_CLICKHOUSE_DB", "councildash"), "ClickHouse database (env COUNCILDASH_CLICKHOUSE_DB)")
	fs.StringVar(&d.user, "clickhouse-user", envOr(env, "COUNCILDASH_CLICKHOUSE_USER", "default"), "ClickHouse user (env COUNCILDASH_CLICKHOUSE_USER)")
	d.password = env.Getenv("COUNCILDASH_CLICKHOUSE_PASSWORD")
	fs.StringVar(&d.cluster, "cluster", env.Getenv("COUNCILDASH_CLICKHOUSE_CLUSTER"), "cluster mode: the remote_servers cluster that --clickhouse is a node of (docs/SCALING.md; env COUNCILDASH_CLICKHOUSE_CLUSTER)")
	fs.StringVar(&d.councils, "councils", env.Getenv("COUNCILDASH_COUNCILS"), "extra register CSV adding or overriding councils, e.g. parish councils (env COUNCILDASH_COUNCILS)")
}

func envOr(env *Env, key, def string) string {
	if v := env.Getenv(key); v != "" {
		return v
	}
	return def
}

// register returns the embedded register merged with the user's file.
func (d *dbFlags) register() ([]data.Council, error) {
	base := data.EmbeddedRegister()
	if d.councils == "" {
		return base, nil
	}
	f, err := os.Open(d.councils)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	extra, err := data.ParseRegister(f, d.councils)
	if err != nil {
		return nil, err
	}
	reg := data.MergeRegister(base, extra)
	return reg, data.CheckParents(reg)
}

// open connects, migrates and loads the register: every subcommand that
// touches the database starts this way.
func (d *dbFlags) open(ctx context.Context, env *Env) (*data.Store, []data.Council, error) {
	reg, err := d.register()
	if err != nil {
		return nil, nil, err
	}
	s, err := data.Open(ctx, d.config())
	if errors.Is(err, data.ErrUnavailable) {
		return nil, nil, fmt.Errorf("%w (start one with `make clickhouse`, or set COUNCILDASH_CLICKHOUSE_ADDR)", err)
	}
	if err != nil {
		return nil, nil, err
	}
	applied, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	for _, m := range applied {
		env.Logger.Info("migration applied", "migration", m)
	}
	if err := s.LoadCouncils(ctx, reg); err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, reg, nil
}

// config is the store configuration the flags give.
func (d *dbFlags) config() data.Config {
	return data.Config{Addr: d.addr, Database: d.database, User: d.user, Password: d.password, Cluster: d.cluster}
}

func cmdMigrate(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	fs := newFlags(env, "migrate", "migrate [flags]")
	db.bind(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	start := time.Now()
	s, reg, err := db.open(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	v, _ := s.ServerVersion(ctx)
	where := "ClickHouse " + v
	if name, nodes := s.Cluster(); name != "" {
		where = fmt.Sprintf("ClickHouse %s cluster %s (%d shards: %s)", v, name, len(nodes), strings.Join(nodes, ", "))
	}
	fmt.Fprintf(env.Stdout, "database %s on %s is up to date; %d councils in the register (%s)\n", s.Database(), where, len(reg), time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdCouncils(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var f data.CouncilFilter
	var format, codes string
	fs := newFlags(env, "councils", "councils [--nation N] [--tier T] [--type T] [--region R] [--search S] [--format table|csv|json]")
	db.bind(fs, env)
	fs.StringVar(&f.Nation, "nation", "", "England, Scotland, Wales or Northern Ireland")
	fs.StringVar(&f.Tier, "tier", "", "county, district or unitary (and parish, town for your own rows)")
	fs.StringVar(&f.Type, "type", "", "e.g. \"London borough\"")
	fs.StringVar(&f.Region, "region", "", "e.g. \"South East\"")
	fs.StringVar(&f.Search, "search", "", "part of the name")
	fs.StringVar(&codes, "council", "", "comma-separated council codes")
	fs.StringVar(&format, "format", "table", "table, csv or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if codes != "" {
		f.Codes = strings.Split(codes, ",")
	}
	// The register is a file: listing it needs no database.
	reg, err := db.register()
	if err != nil {
		return err
	}
	cs := data.FilterCouncils(reg, f)
	sort.Slice(cs, func(i, j int) bool { return cs[i].Name < cs[j].Name })
	return writeCouncils(env.Stdout, cs, format)
}
