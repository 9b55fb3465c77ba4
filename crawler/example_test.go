package crawler_test

import (
	"context"
	"fmt"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/crawler/crawltest"
)

// Crawl a loopback test web (as `councildash demo` does offline).
func ExampleCrawler_Run() {
	web, err := crawltest.NewWeb(crawltest.Options{Sites: 2, PagesPerSite: 10, Seed: 1})
	if err != nil {
		panic(err)
	}
	defer web.Close()

	cfg := crawler.DefaultConfig()
	cfg.Delay = 0             // loopback: no need to be polite
	cfg.Resolve = web.Resolve // every host -> the loopback listener
	c, err := crawler.New(cfg, crawltest.NopSink{})
	if err != nil {
		panic(err)
	}
	st, err := c.Run(context.Background(), web.Sites)
	fmt.Println(st.SitesDone, st.Pages, st.PageErrors, err)
	// Output: 2 22 2 <nil>
}
