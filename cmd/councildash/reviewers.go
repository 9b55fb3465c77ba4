package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/user"
	"text/tabwriter"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
)

const reviewersUsage = `reviewers add --email EMAIL --council CODE [--expires 720h] [--base-url URL]
       councildash reviewers list [--format table|json]
       councildash reviewers revoke [--reason TEXT] TOKEN_ID`

// cmdReviewers issues, lists and revokes peer reviewer sign-in links.
// Links are printed, not emailed: an admin passes them on.
func cmdReviewers(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(env.Stderr, "Usage: councildash %s\n\nSubcommands:\n  add     issue a one-time sign-in link for a member of a council's staff\n  list    list issued links and their state (the links themselves are not stored)\n  revoke  withdraw a link: it no longer signs in, and its sessions end\n", reviewersUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "add":
		return reviewersAdd(ctx, env, args[1:])
	case "list":
		return reviewersList(ctx, env, args[1:])
	case "revoke":
		return reviewersRevoke(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "councildash reviewers: unknown subcommand %q\n\nUsage: councildash %s\n", args[0], reviewersUsage)
	return errUsage
}

// reviewsService opens the database and the reviews service on it.
func reviewsService(ctx context.Context, env *Env, db dbFlags) (*data.Store, []data.Council, *reviews.Service, error) {
	store, reg, err := db.open(ctx, env)
	if err != nil {
		return nil, nil, nil, err
	}
	svc, err := newReviewService(store, reviewSettings(env))
	if err != nil {
		store.Close()
		return nil, nil, nil, err
	}
	return store, reg, svc, nil
}

func adminName(env *Env) string {
	if v := env.Getenv("USER"); v != "" {
		return "cli:" + v
	}
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

func reviewersAdd(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var email, council, baseURL string
	var expires time.Duration
	fs := newFlags(env, "reviewers add", reviewersUsage)
	db.bind(fs, env)
	fs.StringVar(&email, "email", "", "the reviewer's work email (kept so admins know whose link it is; never published)")
	fs.StringVar(&council, "council", "", "the code of the council they work for (they cannot review it, and may respond for it)")
	fs.DurationVar(&expires, "expires", 720*time.Hour, "how long the link and its sessions last")
	fs.StringVar(&baseURL, "base-url", envOr(env, "COUNCILDASH_BASE_URL", "http://localhost:8080"), "the dashboard's address, for the link (env COUNCILDASH_BASE_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if email == "" || council == "" {
		fmt.Fprintln(env.Stderr, "reviewers add: --email and --council are required")
		fs.Usage()
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	store, reg, svc, err := reviewsService(ctx, env, db)
	if err != nil {
		return err
	}
	defer store.Close()
	known := map[string]bool{}
	for _, c := range reg {
		known[c.Code] = true
	}
	is, err := svc.IssuePeerToken(ctx, email, council, expires, adminName(env), func(c string) bool { return known[c] }, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Peer reviewer link for %s (%s), id %s, valid until %s.\nIt works once and is shown only now (only its hash is stored). Pass it on privately:\n\n%s\n",
		is.Record.Email, is.Record.Council, is.Record.ID, is.Record.ExpiresAt.Format(time.RFC3339), reviews.SignInURL(baseURL, is.Token))
	return nil
}

func reviewersList(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var format string
	fs := newFlags(env, "reviewers list", reviewersUsage)
	db.bind(fs, env)
	fs.StringVar(&format, "format", "table", "table or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if format != "table" && format != "json" {
		return fmt.Errorf("--format %q: choose table or json", format)
	}
	store, _, svc, err := reviewsService(ctx, env, db)
	if err != nil {
		return err
	}
	defer store.Close()
	toks, err := svc.PeerTokens(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	if format == "json" {
		type row struct {
			ID        string    `json:"id"`
			Email     string    `json:"email"`
			Council   string    `json:"council_code"`
			Status    string    `json:"status"`
			CreatedBy string    `json:"created_by"`
			CreatedAt time.Time `json:"created_at"`
			ExpiresAt time.Time `json:"expires_at"`
		}
		out := make([]row, 0, len(toks))
		for _, t := range toks {
			out = append(out, row{t.ID, t.Email, t.Council, t.Status(now), t.CreatedBy, t.CreatedAt, t.ExpiresAt})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(toks) == 0 {
		fmt.Fprintln(env.Stdout, "no peer reviewer links issued yet; issue one with `councildash reviewers add --email ... --council CODE`")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tCOUNCIL\tSTATUS\tEXPIRES\tCREATED BY")
	for _, t := range toks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Email, t.Council, t.Status(now), t.ExpiresAt.Format("2006-01-02 15:04"), t.CreatedBy)
	}
	return tw.Flush()
}

func reviewersRevoke(ctx context.Context, env *Env, args []string) error {
	var db dbFlags
	var reason string
	fs := newFlags(env, "reviewers revoke", reviewersUsage)
	db.bind(fs, env)
	fs.StringVar(&reason, "reason", "", "why (kept with the event)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "reviewers revoke: give one token id (see `councildash reviewers list`)")
		return errUsage
	}
	store, _, svc, err := reviewsService(ctx, env, db)
	if err != nil {
		return err
	}
	defer store.Close()
	t, err := svc.RevokePeerToken(ctx, fs.Arg(0), reason, time.Now())
	if errors.Is(err, reviews.ErrNotFound) {
		return fmt.Errorf("no peer reviewer link with id %q (see `councildash reviewers list`)", fs.Arg(0))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "revoked %s (%s, %s): the link no longer signs in and its sessions have ended\n", t.ID, t.Email, t.Council)
	return nil
}
