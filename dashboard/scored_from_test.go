package dashboard

import (
	"strings"
	"testing"

	"github.com/councildash/councildash/data"
)

// The council page says how its scores were made: from the pages as
// crawled (kept or not), from WARC files imported, or re-scored under a
// later method from the kept pages (every check run), from the stored
// statistics (no new check could run), or a mix of both.
func TestScoredFromSaysWhich(t *testing.T) {
	const crawlM, laterM = "2026.1", "2026.2"
	for _, tc := range []struct {
		name   string
		run    data.Run
		method string
		want   string
	}{
		{"crawl kept", data.Run{MethodVersion: crawlM, ArchiveDir: "/a", Source: data.RunSourceCrawl}, crawlM, "they are kept (WARC)"},
		{"crawl not kept", data.Run{MethodVersion: crawlM, Source: data.RunSourceCrawl}, crawlM, "they were not kept"},
		{"import", data.Run{MethodVersion: crawlM, ArchiveDir: "/a", Source: data.RunSourceWARC}, crawlM, "WARC) imported"},
		{"rescored from the archive", data.Run{MethodVersion: crawlM, ArchiveDir: "/a", Rescored: data.RescoredArchive}, laterM, "read again under method 2026.2: every check of the method was run"},
		{"rescored mixed", data.Run{MethodVersion: crawlM, ArchiveDir: "/a", Rescored: data.RescoredMixed}, laterM, "the crawl's stored statistics)"},
		{"rescored from statistics", data.Run{MethodVersion: crawlM, Rescored: data.RescoredStatistics}, laterM, "checks new to the method could not run"},
	} {
		if got := scoredFrom(tc.run, tc.method); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want it to say %q", tc.name, got, tc.want)
		}
	}
}
