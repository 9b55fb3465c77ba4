// Package crawltest holds the crawler's test helpers: the loopback web of
// council sites (crawler/demoweb, which the offline demo and the
// benchmarks serve too) under the names the tests use, and helpers that find
// the shared data folder or skip a test without it. Only tests import it.
package crawltest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/demoweb"
)

// The test web (see crawler/demoweb).
type (
	Options    = demoweb.Options
	Web        = demoweb.Web
	SharedPage = demoweb.SharedPage
	NopSink    = demoweb.NopSink
)

// NewWeb starts a test web.
func NewWeb(opts Options) (*Web, error) { return demoweb.NewWeb(opts) }

// Hostile site kinds (see demoweb.HostileKinds).
const (
	KindRedirectLoop  = demoweb.KindRedirectLoop
	KindRedirectChain = demoweb.KindRedirectChain
	KindHugeBody      = demoweb.KindHugeBody
	KindGzipBomb      = demoweb.KindGzipBomb
	KindSlowDrip      = demoweb.KindSlowDrip
	KindNoAnswer      = demoweb.KindNoAnswer
	KindServerError   = demoweb.KindServerError
	KindRobotsDeny    = demoweb.KindRobotsDeny
	KindRobotsHuge    = demoweb.KindRobotsHuge
	KindSitemapHuge   = demoweb.KindSitemapHuge
	KindCalendar      = demoweb.KindCalendar
	KindCharset       = demoweb.KindCharset
	KindMetaRefresh   = demoweb.KindMetaRefresh
	KindBinaryHTML    = demoweb.KindBinaryHTML
	KindRefused       = demoweb.KindRefused
	KindNXDomain      = demoweb.KindNXDomain
)

// HostileKinds lists every hostile site kind.
func HostileKinds() []string { return demoweb.HostileKinds() }

// HostileHost is the host name of a hostile site kind.
func HostileHost(kind string) string { return demoweb.HostileHost(kind) }

// BareCollyCrawl is demoweb.BareCollyCrawl, the throughput baseline.
func BareCollyCrawl(ctx context.Context, sites []crawler.Site, resolve map[string]string, parallel int) (int, int64, error) {
	return demoweb.BareCollyCrawl(ctx, sites, resolve, parallel)
}

// SharedDir is demoweb.SharedDir: the shared data folder, or "".
func SharedDir() string { return demoweb.SharedDir() }

// SharedPagesDir is demoweb.SharedPagesDir: the real council pages, or "".
func SharedPagesDir() string { return demoweb.SharedPagesDir() }

// LoadSharedPages is demoweb.LoadSharedPages.
func LoadSharedPages(dir string) ([]SharedPage, error) { return demoweb.LoadSharedPages(dir) }

// RequireShared returns SharedDir, skipping the test when it is absent, or
// failing it when the environment variable CI is "true".
func RequireShared(tb testing.TB) string {
	tb.Helper()
	dir := SharedDir()
	if dir == "" {
		msg := "shared data not found: set COUNCILDASH_SHARED, or keep the project beside ../shared"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return dir
}

// RequireSharedPages returns SharedPagesDir, skipping the test when it is
// absent, or failing it when the environment variable CI is "true".
func RequireSharedPages(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(RequireShared(tb), "data", "pages")
	if !isDir(dir) {
		msg := "real council pages not found in " + dir
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return dir
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
