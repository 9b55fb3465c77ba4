package main

import (
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/reviews"
)

// reviewFlags are the settings of the reviews service and its pages. This
// is the one place that reads them: each has a flag (serve binds them)
// whose default is its environment variable, so flags win over the
// environment; the other commands take the environment as it is.
//
//	COUNCILDASH_REVIEW_SECRET        secret for tokens, cookies and the IP salt (keep it stable; no flag)
//	COUNCILDASH_ADMIN_TOKEN          --admin-token: the moderators' sign-in token
//	COUNCILDASH_REVIEW_RATE_IP       --review-rate-ip: posts per address, e.g. "10/1h" ("0" for no limit)
//	COUNCILDASH_REVIEW_RATE_COUNCIL  --review-rate-council: posts per council, e.g. "300/1h"
//	COUNCILDASH_REVIEW_MIN_FORM_TIME --review-min-form-time: least time on the form, e.g. "3s"
//	COUNCILDASH_REVIEW_MIN_SAMPLE    --review-min-sample: reviews before a council's score is ranked
//	COUNCILDASH_SECURE_COOKIES       --secure-cookies: mark cookies Secure ("1")
type reviewFlags struct {
	secret        string
	adminToken    string
	rateIP        string
	rateCouncil   string
	minFormTime   string
	minSample     string
	secureCookies bool
}

// reviewSettings reads the settings from the environment.
func reviewSettings(env *Env) reviewFlags {
	return reviewFlags{
		secret:        env.Getenv("COUNCILDASH_REVIEW_SECRET"),
		adminToken:    env.Getenv("COUNCILDASH_ADMIN_TOKEN"),
		rateIP:        env.Getenv("COUNCILDASH_REVIEW_RATE_IP"),
		rateCouncil:   env.Getenv("COUNCILDASH_REVIEW_RATE_COUNCIL"),
		minFormTime:   env.Getenv("COUNCILDASH_REVIEW_MIN_FORM_TIME"),
		minSample:     env.Getenv("COUNCILDASH_REVIEW_MIN_SAMPLE"),
		secureCookies: env.Getenv("COUNCILDASH_SECURE_COOKIES") == "1",
	}
}

// bind adds the settings' flags to fs, with the environment as defaults.
func (f *reviewFlags) bind(fs *flag.FlagSet, env *Env) {
	*f = reviewSettings(env)
	fs.StringVar(&f.adminToken, "admin-token", f.adminToken, "token for the moderation pages, at least 32 characters (make one with `openssl rand -hex 32`) (env COUNCILDASH_ADMIN_TOKEN; empty: moderation sign-in disabled)")
	fs.StringVar(&f.rateIP, "review-rate-ip", f.rateIP, "review posts allowed per address, e.g. 10/1h; 0: no limit (env COUNCILDASH_REVIEW_RATE_IP; default 10/1h)")
	fs.StringVar(&f.rateCouncil, "review-rate-council", f.rateCouncil, "review posts allowed per council, e.g. 300/1h; 0: no limit (env COUNCILDASH_REVIEW_RATE_COUNCIL; default 300/1h)")
	fs.StringVar(&f.minFormTime, "review-min-form-time", f.minFormTime, "least time on the review form before a post is accepted, e.g. 3s (env COUNCILDASH_REVIEW_MIN_FORM_TIME; default 3s)")
	fs.StringVar(&f.minSample, "review-min-sample", f.minSample, "reviews a council needs before its review score is ranked (env COUNCILDASH_REVIEW_MIN_SAMPLE; default 5)")
	fs.BoolVar(&f.secureCookies, "secure-cookies", f.secureCookies, "mark cookies Secure even when the base URL is http (they are whenever it is https) (env COUNCILDASH_SECURE_COOKIES=1)")
}

// config turns the settings into the reviews service's configuration; a
// setting that does not parse is an error naming it.
func (f reviewFlags) config() (reviews.Config, error) {
	c := reviews.DefaultConfig()
	c.Secret = []byte(f.secret)
	if f.secret == "" {
		c.Secret = nil // a random secret per start
	}
	c.AdminToken = f.adminToken
	if f.adminToken != "" && len(f.adminToken) < reviews.MinAdminToken {
		return c, fmt.Errorf("admin token (--admin-token, COUNCILDASH_ADMIN_TOKEN) has %d characters: %w", len(f.adminToken), reviews.ErrAdminTokenShort)
	}
	var err error
	if f.rateIP != "" {
		if c.RatePerIP, err = reviews.ParseRate(f.rateIP); err != nil {
			return c, fmt.Errorf("review rate per address (--review-rate-ip, COUNCILDASH_REVIEW_RATE_IP): %w", err)
		}
	}
	if f.rateCouncil != "" {
		if c.RatePerCouncil, err = reviews.ParseRate(f.rateCouncil); err != nil {
			return c, fmt.Errorf("review rate per council (--review-rate-council, COUNCILDASH_REVIEW_RATE_COUNCIL): %w", err)
		}
	}
	if f.minFormTime != "" {
		d, err := time.ParseDuration(f.minFormTime)
		if err != nil || d < 0 {
			return c, fmt.Errorf("least time on the form (--review-min-form-time, COUNCILDASH_REVIEW_MIN_FORM_TIME): want a duration like 3s, got %q", f.minFormTime)
		}
		c.MinFormTime = d
		if d == 0 {
			c.MinFormTime = -1 // explicit zero: no minimum
		}
	}
	if f.minSample != "" {
		n, err := strconv.Atoi(f.minSample)
		if err != nil || n < 1 {
			return c, fmt.Errorf("review sample (--review-min-sample, COUNCILDASH_REVIEW_MIN_SAMPLE): want a whole number of at least 1, got %q", f.minSample)
		}
		c.MinCouncilSample = n
	}
	return c, nil
}

// newReviewService builds the reviews service over store with the
// settings; a server's posts are group-committed (data.ReviewStore).
func newReviewService(store *data.Store, f reviewFlags) (*reviews.Service, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	return reviews.New(data.NewReviewStore(store), cfg)
}
