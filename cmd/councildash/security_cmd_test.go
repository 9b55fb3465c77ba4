package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
)

// TestServeRefusesShortAdminToken: serve stops at start, before touching
// the database, with an admin token under 32 characters, and says how to
// make one (issue 14, finding 3).
func TestServeRefusesShortAdminToken(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--admin-token", "short", "--clickhouse", "127.0.0.1:1", "--addr", "127.0.0.1:0"},
		{"serve", "--admin-token", strings.Repeat("x", 31), "--clickhouse", "127.0.0.1:1", "--addr", "127.0.0.1:0"},
	} {
		env, _, errb := reviewsTestEnv()
		if rc := run(context.Background(), env, args); rc != 1 {
			t.Fatalf("%v: rc %d", args, rc)
		}
		for _, want := range []string{"COUNCILDASH_ADMIN_TOKEN", "at least 32 characters", "openssl rand -hex 32"} {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("%v: the error lacks %q:\n%s", args, want, errb.String())
			}
		}
		if strings.Contains(errb.String(), "127.0.0.1:1") {
			t.Errorf("serve reached for the database before checking the token:\n%s", errb.String())
		}
	}
}

// TestSecurityFlags: the base URL and metrics token are checked at start.
func TestSecurityFlags(t *testing.T) {
	for _, bad := range []securityFlags{{baseURL: "dash.example.org"}, {baseURL: "ftp://x"}, {baseURL: "https://x", metricsToken: "short"}} {
		if err := bad.check(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if err := (securityFlags{baseURL: "https://dash.example.org", metricsToken: strings.Repeat("m", 32)}).check(); err != nil {
		t.Error(err)
	}
	if !(securityFlags{baseURL: "HTTPS://dash.example.org"}).https() || (securityFlags{baseURL: "http://dash.example.org"}).https() {
		t.Error("https() is wrong")
	}
}

// TestServeSecureCookiesAndMetrics: the dashboard serve builds marks its
// cookies Secure whenever the base URL is https (finding 11), and serves
// /metrics only on its own listener or behind the token (noted).
func TestServeSecureCookiesAndMetrics(t *testing.T) {
	store := datatest.Store(t)
	reg := data.EmbeddedRegister()[:3]
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Logger: slog.New(slog.DiscardHandler)}
	code := reg[0].Code
	for _, x := range []struct {
		base   string
		secure bool
	}{{"https://dash.example.org", true}, {"http://localhost:8080", false}} {
		dash, _, err := buildDashboard(env, store, reg, reviewFlags{}, securityFlags{baseURL: x.base}, nil, "", -1)
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(dash.Handler())
		res, err := http.Get(hs.URL + "/councils/" + code + "/review")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if len(res.Cookies()) == 0 {
			t.Fatal("no cookie")
		}
		for _, ck := range res.Cookies() {
			if ck.Secure != x.secure {
				t.Errorf("base URL %s: cookie %s Secure=%v", x.base, ck.Name, ck.Secure)
			}
		}
		// No /metrics on the dashboard's listener without a token.
		if res, err := http.Get(hs.URL + "/metrics"); err != nil || res.StatusCode != http.StatusNotFound {
			t.Errorf("/metrics on the dashboard's listener: %v %v", res.StatusCode, err)
		}
		hs.Close()
		if !x.secure {
			// The metrics on a listener of their own.
			addr, stop, err := serveMetrics(context.Background(), env, "127.0.0.1:0", dash)
			if err != nil {
				t.Fatal(err)
			}
			res, err := http.Get("http://" + addr + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			stop()
			if res.StatusCode != 200 || !strings.Contains(string(b), "go_goroutines") {
				t.Errorf("metrics listener: %d", res.StatusCode)
			}
		}
	}
}
