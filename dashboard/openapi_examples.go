package dashboard

import (
	"time"

	"github.com/councildash/councildash/data"
)

// Example answers of the OpenAPI document: values of the wire types, so
// their keys are the API's (TestOpenAPIDocument validates each against its
// schema and walks it for snake_case).

var (
	exRunID   = "6f0c3c1e-0f5e-4d7e-9a43-8f1b2c3d4e5f"
	exPrevRun = "0b9d6a2e-5c1f-4a8b-9e3d-7a6b5c4d3e2f"
	exStarted = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	exCouncil = apiCouncil{Code: "E07000223", Name: "Adur District Council", Type: "Non-metropolitan district", Tier: "district",
		Nation: "England", Region: "South East", HomepageURL: "https://www.adur-worthing.gov.uk/"}
	exRun = data.Run{ID: exRunID, Status: data.RunFinished, Label: "live crawl", StartedAt: exStarted,
		FinishedAt: exStarted.Add(5 * time.Hour), MethodVersion: "2026.1", SitesTotal: 382, SitesDone: 379}
	exCats = []CatScore{{Category: "content", Score: 91.2, Has: true}, {Category: "accessibility", Score: 72.5, Has: true},
		{Category: "readability", Score: 68, Has: true}, {Category: "technical", Score: 88.9, Has: true},
		{Category: "statement", Score: 100, Has: true}, {Category: "findability", Score: 62.5, Has: true}}
	exLeague = apiLeagueRow{Rank: 41, Council: exCouncil, RunID: exRunID, MethodVersion: "2026.1", Crawled: toAPIRun(exRun), Score: 78.4, HasScore: true,
		Categories: exCats, Change: 1.3, HasChange: true, PrevRunID: exPrevRun,
		Review: apiReviewScore{Score: 64, N: 12, Ranked: true}, HasReview: true}
	exNext = "/api/v1/findings?check=a11y-image-alt&council=E07000223&limit=2&offset=2&run=latest"
)

func ptr[T any](v T) *T { return &v }

// exampleFor is the example answer of an operation, or nil.
func exampleFor(id string) any {
	page := func(total, count, limit int) apiPage {
		return apiPage{MethodVersion: "2026.1", RunID: exRunID, Total: total, Count: count, Limit: limit}
	}
	switch id {
	case "listCouncils":
		return apiCouncilList{apiPage: page(382, 1, 1000), Items: []apiCouncilItem{{apiCouncil: exCouncil, Latest: &exLeague}}}
	case "getCouncil":
		return apiCouncilDetail{Council: exCouncil, MethodVersion: "2026.1", Latest: &exLeague,
			PeerGroup: &apiPeerGroup{PeerGroup: PeerGroup{Label: "non-metropolitan district councils in England", Type: "Non-metropolitan district",
				Nation: "England", N: 164, Stats: []Quartiles{{Category: "overall", N: 164, Q1: 70.2, Median: 75.8, Q3: 80.1}}}},
			Trend: []apiTrendPoint{
				{RunID: exPrevRun, StartedAt: "2026-10-26T09:00:00Z", Score: ptr(77.1), Position: 52, Of: 380, Categories: exCats},
				{RunID: exRunID, StartedAt: "2026-11-23T09:00:00Z", Score: ptr(78.4), Position: 41, Of: 379, Categories: exCats}},
			Checks: []apiCheckResult{{CheckResult: data.CheckResult{Council: "E07000223", CheckID: "a11y-image-alt", Category: "accessibility",
				PagesTotal: 100, PagesAffected: 12, Findings: 31, Score: 71.5, HasScore: true}}},
			Badge: apiBadge{SVGURL: "https://councildash.example/badge/E07000223.svg",
				HTML: badgeHTML("https://councildash.example", exCouncil.Code, exCouncil.Name)},
			NotScored: toAPIUnscored(unscoredView{Total: 1, Reasons: []data.UnscoredCount{{Council: "E07000223", Reason: "error page (HTTP 404)", Pages: 1}},
				Pages: []data.UnscoredPage{{Council: "E07000223", URL: "https://www.adur-worthing.gov.uk/old-page", Status: 404, Reason: "error page (HTTP 404)"}}}),
			FeedURL: "https://councildash.example/councils/E07000223/feed.atom"}
	case "getCouncilReviews":
		return apiCouncilReviewsAnswer{CouncilCode: "E07000223", Reviews: apiCouncilReviews{
			Score: apiReviewScore{Score: 64, N: 12, Ranked: true},
			Tasks: []apiTaskReview{{Council: "E07000223", Task: "pay-council-tax", Index: 70, N: 8, PublicN: 7, PeerN: 1, FoundRate: 0.875}},
			Comments: []apiComment{{Task: "pay-council-tax", Kind: "public", Text: "Easy to find from the home page.",
				CreatedAt: exStarted.Add(24 * time.Hour)}},
			Responses: []apiResponse{{Text: "Thank you: we have moved the link up the page.", CreatedAt: exStarted.Add(48 * time.Hour)}}}}
	case "listCouncilNames":
		return apiCouncilNames{apiPage: apiPage{MethodVersion: "2026.1", Total: 2, Count: 2, Limit: 1000}, Items: []apiCouncilName{
			{Code: "E07000223", Name: "Adur District Council", Place: "South East, West Sussex", Scored: true},
			{Code: "E08000035", Name: "Leeds City Council", Place: "Yorkshire and The Humber"}}}
	case "listRuns":
		return apiRunList{apiPage: apiPage{MethodVersion: "2026.1", Total: 2, Count: 2, Limit: 1000}, Items: []apiRun{toAPIRun(exRun),
			toAPIRun(data.Run{ID: exPrevRun, Status: data.RunFinished, Label: "live crawl", StartedAt: exStarted.Add(-28 * 24 * time.Hour),
				FinishedAt: exStarted.Add(-28*24*time.Hour + 5*time.Hour), MethodVersion: "2026.1", SitesTotal: 382, SitesDone: 380})}}
	case "listScores":
		return apiScoreList{apiPage: page(7, 2, 1000), Items: []apiScore{
			{RunID: exRunID, MethodVersion: "2026.1", Council: "E07000223", Category: "overall", Score: 78.4},
			{RunID: exRunID, MethodVersion: "2026.1", Council: "E07000223", Category: "content", Score: 91.2}}}
	case "listChecks":
		return apiCheckList{apiPage: apiPage{MethodVersion: "2026.1", Total: 1, Count: 1, Limit: 1000}, Items: []apiCheck{{ID: "a11y-image-alt",
			Category: "accessibility", Level: "page", Description: "Images have a text alternative (alt attribute).",
			RuleRef: "WCAG 2.2 SC 1.1.1", RuleURL: "https://www.w3.org/TR/WCAG22/#non-text-content"}}}
	case "listFindings":
		p := page(31, 2, 2)
		p.Next, p.NextOffset = &exNext, 2
		f := data.Finding{RunID: exRunID, MethodVersion: "2026.1", Council: "E07000223", CheckID: "a11y-image-alt", Category: "accessibility",
			Severity: "error", URL: "https://www.adur-worthing.gov.uk/bins/", Selector: "main > p:nth-of-type(2) > img",
			Snippet: `<img src="/media/bin.png">`, Matched: []string{}, Message: "The image has no alt attribute.", CreatedAt: exStarted.Add(time.Hour)}
		g := f
		g.URL, g.Selector = "https://www.adur-worthing.gov.uk/council-tax/", "header img"
		return apiFindingList{apiPage: p, Items: []apiFinding{{Finding: f}, {Finding: g}}}
	case "listTasks":
		return apiTaskList{apiPage: page(1, 1, 1000), Items: []apiTask{{ID: "pay-council-tax", Name: "Pay council tax",
			Words: []string{"pay council tax", "council tax payment"}, FindabilityIndex: ptr(81.3), CouncilsChecked: 379, ReviewIndex: ptr(66.2), Reviews: 412}}}
	case "health":
		return healthAnswer{Status: "ok", ClickHouse: "up", MethodVersion: "2026.1"}
	}
	return nil
}
