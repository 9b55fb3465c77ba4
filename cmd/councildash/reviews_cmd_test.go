package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/reviews"
)

func reviewsTestEnv() (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Logger: slog.New(slog.NewTextHandler(&errb, nil))}, &out, &errb
}

func TestReviewersCommand(t *testing.T) {
	cfg := datatest.Config(t)
	s := datatest.OpenConfig(t, cfg) // dropped at the end; the command migrates it
	ctx := context.Background()
	db := []string{"--clickhouse", cfg.Addr, "--database", cfg.Database}
	env, out, errb := reviewsTestEnv()
	code := data.EmbeddedRegister()[0].Code
	if rc := run(ctx, env, append(append([]string{"reviewers", "add"}, db...), "--email", "Clerk@Example.gov.uk", "--council", code, "--base-url", "https://dash.example/")); rc != 0 {
		t.Fatalf("add: rc %d\n%s", rc, errb.String())
	}
	m := regexp.MustCompile(`https://dash\.example/peer/signin\?token=(\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no link in\n%s", out.String())
	}
	tok, _ := url.QueryUnescape(m[1])
	id := regexp.MustCompile(`id (pt_[0-9a-f]+)`).FindStringSubmatch(out.String())
	if id == nil {
		t.Fatal("no id printed")
	}
	got, err := s.PeerTokenByHash(ctx, reviews.HashToken(tok))
	if err != nil || got.Email != "clerk@example.gov.uk" || got.Council != code {
		t.Fatalf("stored token: %+v %v", got, err)
	}
	out.Reset()
	if rc := run(ctx, env, append([]string{"reviewers", "list"}, db...)); rc != 0 || !strings.Contains(out.String(), id[1]) || !strings.Contains(out.String(), "active") {
		t.Fatalf("list: %d\n%s", rc, out.String())
	}
	if strings.Contains(out.String(), tok) {
		t.Fatal("list shows the secret")
	}
	out.Reset()
	if rc := run(ctx, env, append(append([]string{"reviewers", "revoke"}, db...), "--reason", "left", id[1])); rc != 0 || !strings.Contains(out.String(), "revoked") {
		t.Fatalf("revoke: %d\n%s%s", rc, out.String(), errb.String())
	}
	out.Reset()
	if rc := run(ctx, env, append(append([]string{"reviewers", "list"}, db...), "--format", "json")); rc != 0 || !strings.Contains(out.String(), `"status": "revoked"`) {
		t.Fatalf("list json: %d\n%s", rc, out.String())
	}
	errb.Reset()
	if rc := run(ctx, env, append(append([]string{"reviewers", "add"}, db...), "--email", "a@b.gov.uk", "--council", "NOPE")); rc != 1 || !strings.Contains(errb.String(), "not in the register") {
		t.Fatalf("unknown council: %d %s", rc, errb.String())
	}
	if rc := run(ctx, env, append([]string{"reviewers", "revoke"}, db...)); rc != 2 {
		t.Fatalf("revoke without id: %d", rc)
	}
	if rc := run(ctx, env, []string{"reviewers", "frobnicate"}); rc != 2 {
		t.Fatalf("unknown subcommand: %d", rc)
	}
}

func TestSeedDemoReviews(t *testing.T) {
	s := datatest.Store(t)
	ctx := context.Background()
	env, _, _ := reviewsTestEnv()
	reg := data.EmbeddedRegister()
	opts := defaultDemoOptions()
	if err := seedDemoReviews(ctx, env, s, reg, opts); err != nil {
		t.Fatal(err)
	}
	total, demo, err := s.ReviewCounts(ctx)
	if err != nil || total != uint64(opts.reviews) || demo != total {
		t.Fatalf("counts %d %d %v", total, demo, err)
	}
	// Again: a no-op.
	if err := seedDemoReviews(ctx, env, s, reg, opts); err != nil {
		t.Fatal(err)
	}
	if total2, _, _ := s.ReviewCounts(ctx); total2 != total {
		t.Fatalf("seeded twice: %d", total2)
	}
	svc, err := reviews.New(s, reviews.Config{})
	if err != nil {
		t.Fatal(err)
	}
	scores, err := svc.Scores(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ranked, peer := 0, false
	for _, sc := range scores {
		if sc.Ranked {
			ranked++
		}
		if sc.DemoN != sc.N || sc.Score < 0 || sc.Score > 100 {
			t.Fatalf("score %+v", sc)
		}
	}
	if len(scores) < 20 || ranked < len(scores)/2 {
		t.Fatalf("%d councils, %d ranked", len(scores), ranked)
	}
	comments := 0
	for code := range scores {
		cr, err := svc.Council(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		comments += len(cr.Comments)
		for _, tr := range cr.Tasks {
			if tr.PeerN > 0 {
				peer = true
			}
		}
		for _, c := range cr.Comments {
			if !c.Demo {
				t.Fatal("demo comment not marked demo")
			}
		}
	}
	if comments == 0 || !peer {
		t.Fatalf("comments %d, peer reviews %v", comments, peer)
	}
	// The same seed gives the same reviews.
	r1, _, _ := demoReviews([]string{"A", "B"}, 50, time.Unix(0, 0))
	r2, _, _ := demoReviews([]string{"A", "B"}, 50, time.Unix(0, 0))
	for i := range r1 {
		if r1[i] != r2[i] {
			t.Fatal("demo reviews not deterministic")
		}
	}
	cols := reviews.ExportColumns()
	n := 0
	if err := svc.Export(ctx, func(row []any) error {
		if len(row) != len(cols) {
			t.Fatalf("row of %d for %d columns", len(row), len(cols))
		}
		n++
		return nil
	}); err != nil || n != opts.reviews {
		t.Fatalf("export %d rows: %v", n, err)
	}
}

// TestReviewSettings: the review settings come from the environment, flags
// win over it, and a setting that does not parse names itself.
func TestReviewSettings(t *testing.T) {
	const adm = "admin-token-from-env-0123456789abcdef"
	vars := map[string]string{"COUNCILDASH_REVIEW_RATE_IP": "0", "COUNCILDASH_ADMIN_TOKEN": adm,
		"COUNCILDASH_REVIEW_MIN_FORM_TIME": "0s", "COUNCILDASH_REVIEW_MIN_SAMPLE": "7", "COUNCILDASH_SECURE_COOKIES": "1"}
	env := &Env{Getenv: func(k string) string { return vars[k] }, Stderr: io.Discard}
	rf := reviewSettings(env)
	c, err := rf.config()
	if err != nil || c.RatePerIP.N >= 0 || c.AdminToken != adm || c.MinFormTime >= 0 || c.MinCouncilSample != 7 || !rf.secureCookies || c.Secret != nil {
		t.Fatalf("from the environment: %+v %v", c, err)
	}
	var f reviewFlags
	fs := newFlags(env, "serve", "serve")
	f.bind(fs, env)
	if err := fs.Parse([]string{"--admin-token", "from-flag-0123456789abcdef0123456789", "--review-rate-ip", "5/1m", "--secure-cookies=false"}); err != nil {
		t.Fatal(err)
	}
	c, err = f.config()
	if err != nil || c.AdminToken != "from-flag-0123456789abcdef0123456789" || c.RatePerIP != (reviews.Rate{N: 5, Per: time.Minute}) || f.secureCookies || c.MinCouncilSample != 7 {
		t.Fatalf("flags over the environment: %+v %v", c, err)
	}
	for k, v := range map[string]string{"COUNCILDASH_REVIEW_RATE_COUNCIL": "lots", "COUNCILDASH_REVIEW_MIN_SAMPLE": "0",
		"COUNCILDASH_REVIEW_MIN_FORM_TIME": "soon", "COUNCILDASH_REVIEW_RATE_IP": "10", "COUNCILDASH_ADMIN_TOKEN": "short"} {
		bad := map[string]string{k: v}
		_, err := reviewSettings(&Env{Getenv: func(k string) string { return bad[k] }}).config()
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: %v", k, v, err)
		}
	}
}
