package scoring

import (
	"strings"
	"testing"
)

// TestBrokenLinkEvidence: a broken link's finding is on the page the link
// is on, with its text, its element and the answer, not on the home page.
func TestBrokenLinkEvidence(t *testing.T) {
	e := NewEngine(CurrentMethod())
	acc := e.NewSite("X", "https://x.gov.uk/")
	res := acc.Finish(SiteFacts{HomeURL: "https://x.gov.uk/", FinalHomeURL: "https://x.gov.uk/", HTTPS: true, LinksChecked: 10, LinksBroken: 2,
		BrokenLinks: []string{"https://x.gov.uk/gone"},
		Broken: []BrokenLink{
			{From: "https://x.gov.uk/reports", To: "https://x.gov.uk/gone", Text: "Annual report", Selector: `a[href="/gone"]`, Status: 404, Final: "https://x.gov.uk/gone"},
			{From: "https://x.gov.uk/contact", To: "https://old.x.gov.uk/", Text: "Old site", ErrorClass: "dns"},
			{To: "https://x.gov.uk/moved", Status: 410, Final: "https://x.gov.uk/elsewhere"},
		}})
	var got []Finding
	for _, f := range res.Findings {
		if f.CheckID == "tech-broken-links" {
			got = append(got, f)
		}
	}
	if len(got) != 3 {
		t.Fatalf("%d broken-link findings: %+v", len(got), got)
	}
	if f := got[0]; f.URL != "https://x.gov.uk/reports" || f.Snippet != "Annual report" || f.Selector != `a[href="/gone"]` ||
		f.Matched[0] != "https://x.gov.uk/gone" || !strings.Contains(f.Message, "HTTP 404") || strings.Contains(f.Message, "after redirects") {
		t.Errorf("first: %+v", f)
	}
	if f := got[1]; f.URL != "https://x.gov.uk/contact" || !strings.Contains(f.Message, "no answer (dns)") {
		t.Errorf("second: %+v", f)
	}
	if f := got[2]; f.URL != "https://x.gov.uk/" || !strings.Contains(f.Message, "HTTP 410, after redirects to https://x.gov.uk/elsewhere") {
		t.Errorf("third (no source page: the home page): %+v", f)
	}
	for _, st := range res.Stats {
		if st.CheckID == "tech-broken-links" && (st.PagesTotal != 10 || st.Findings != 2) {
			t.Errorf("stat: %+v", st)
		}
	}
}
