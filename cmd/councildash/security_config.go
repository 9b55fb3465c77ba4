package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
)

// securityFlags are serve's settings of issue 14, each a flag whose
// default is its environment variable:
//
//	COUNCILDASH_BASE_URL       --base-url: the public address (https: Secure cookies and HSTS)
//	COUNCILDASH_METRICS_ADDR   --metrics-addr: serve /metrics on this address of its own
//	COUNCILDASH_METRICS_TOKEN  --metrics-token: serve /metrics on the dashboard's address to this bearer token
type securityFlags struct {
	baseURL      string
	metricsAddr  string
	metricsToken string
}

func (f *securityFlags) bind(fs *flag.FlagSet, env *Env) {
	fs.StringVar(&f.baseURL, "base-url", envOr(env, "COUNCILDASH_BASE_URL", "http://localhost:8080"), "the dashboard's public address; https marks cookies Secure (env COUNCILDASH_BASE_URL)")
	fs.StringVar(&f.metricsAddr, "metrics-addr", env.Getenv("COUNCILDASH_METRICS_ADDR"), "serve Prometheus metrics on this address of their own, e.g. 127.0.0.1:9100 (env COUNCILDASH_METRICS_ADDR)")
	fs.StringVar(&f.metricsToken, "metrics-token", env.Getenv("COUNCILDASH_METRICS_TOKEN"), "serve /metrics on the dashboard's address to requests with \"Authorization: Bearer TOKEN\", 32 characters or more (env COUNCILDASH_METRICS_TOKEN)")
}

// https reports whether the base URL is https.
func (f securityFlags) https() bool {
	u, err := url.Parse(strings.TrimSpace(f.baseURL))
	return err == nil && strings.EqualFold(u.Scheme, "https")
}

func (f securityFlags) check() error {
	u, err := url.Parse(strings.TrimSpace(f.baseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("base URL (--base-url, COUNCILDASH_BASE_URL) %q: want an address like https://dash.example.org", f.baseURL)
	}
	if f.metricsToken != "" && len(f.metricsToken) < 32 {
		return fmt.Errorf("metrics token (--metrics-token, COUNCILDASH_METRICS_TOKEN): %w", dashboard.ErrMetricsTokenShort)
	}
	return nil
}

// serveMetrics serves the metrics on a listener of their own; it returns
// the address it listens on and a function that stops it.
func serveMetrics(ctx context.Context, env *Env, addr string, dash *dashboard.Server) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("metrics address (--metrics-addr): %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", dash.MetricsHandler())
	srv := dash.HTTPServer(mux)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			env.Logger.Error("metrics server stopped", "err", err)
		}
	}()
	env.Logger.Info("metrics serving", "url", "http://"+displayAddr(ln.Addr())+"/metrics")
	return ln.Addr().String(), func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}, nil
}

// guardUpkeep records the admin token in force at start (admin sessions of
// another token end on every instance) and then drops the security
// tables' old partitions every hour, until ctx ends.
func guardUpkeep(ctx context.Context, env *Env, store *data.Store, svc *reviews.Service) {
	if err := svc.AnnounceAdminToken(ctx, time.Now()); err != nil && ctx.Err() == nil {
		env.Logger.Warn("admin token not recorded at start; the first admin sign-in records it", "err", err)
	}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := store.PruneSecurity(ctx, time.Now()); err != nil && ctx.Err() == nil {
			env.Logger.Warn("old sessions, form uses and failed sign-ins not pruned", "err", err)
		} else if n > 0 {
			env.Logger.Info("pruned old security partitions", "partitions", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
