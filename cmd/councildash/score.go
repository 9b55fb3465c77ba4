package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/councildash/councildash/scoring"
)

const scoreUsage = `Usage: councildash score FILE.html|URL [--json] [flags]
       councildash score --run RUN_ID [flags]

Scores one page against the councildash checks (LocalGov Digital Content
Standard, accessibility, readability, technical) and prints its findings,
with evidence, and its category scores. FILE is a saved HTML page; a URL
starting with http:// or https:// is fetched once (user agent "councildash").
Site-level checks (statement, top tasks, broken links...) need a crawl and
are not run here.

With --run, scores a stored crawl run again under the current scoring
method without fetching anything: when the run kept its pages (WARC files,
see --archive of crawl) every page is read back from the archive and every
check of the method runs, new ones included; otherwise the scores are
recomputed from the per-check statistics stored with the run (needs
ClickHouse: --clickhouse, --database).

Flags:
`

// cmdScore implements "councildash score": one page from a file or URL,
// or a stored run re-scored (--run).
func cmdScore(ctx context.Context, env *Env, args []string) error {
	stdout, stderr := env.Stdout, env.Stderr
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	timeout := fs.Duration("timeout", 30*time.Second, "time limit for fetching a URL")
	maxBytes := fs.Int64("max-bytes", 10<<20, "largest page accepted, in bytes")
	depth := fs.Int("depth", 0, "clicks from the home page, recorded on the page (0 = home page)")
	runID := fs.String("run", "", "re-score this stored crawl run under the current method (no page argument): its id, latest or previous")
	var db dbFlags
	db.bind(fs, env)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), scoreUsage)
		fs.PrintDefaults()
	}
	// flags may come before or after the page
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	rest := fs.Args()
	target := ""
	if len(rest) > 0 {
		target = rest[0]
		if err := fs.Parse(rest[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return errUsage
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("one page at a time (extra arguments: %s)", strings.Join(fs.Args(), " "))
		}
	}
	if *runID != "" {
		if target != "" {
			return fmt.Errorf("give a page or --run RUN_ID, not both")
		}
		if *asJSON {
			return fmt.Errorf("--json applies to a page, not to --run")
		}
		return rescoreRun(ctx, env, db, *runID)
	}
	if target == "" {
		fs.Usage()
		return errors.New("give a saved HTML file, a URL, or --run RUN_ID")
	}
	if *maxBytes <= 0 {
		return errors.New("--max-bytes must be positive")
	}

	var in scoring.PageInput
	var err error
	if u := strings.ToLower(target); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		in, err = fetchPage(ctx, target, *timeout, *maxBytes)
	} else {
		in, err = readSavedPage(target, *maxBytes)
	}
	if err != nil {
		return err
	}
	in.Depth = *depth

	e := scoring.NewEngine(scoring.CurrentMethod())
	res, scores := e.ScoreSinglePage(in)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(scoreJSON{URL: res.URL, Title: res.Title, Lang: res.Lang, Status: in.Status, MethodVersion: e.Method().Version,
			Findings: toScoreFindings(res.Findings), Unscored: res.Unscored, NotApplied: res.NotApplied, LangNote: res.LangNote, Scores: toScoreScores(scores),
			ReadingAge: res.Summary.ReadingAge, Flesch: res.Summary.Flesch, Tasks: res.Summary.Tasks})
	}
	return printScore(stdout, e, in, res, scores)
}

type scoreJSON struct {
	URL           string         `json:"url"`
	Title         string         `json:"title"`
	Lang          string         `json:"lang"`
	Status        int            `json:"status,omitempty"`
	MethodVersion string         `json:"method_version"`
	Findings      []scoreFinding `json:"findings"`
	Unscored      string         `json:"not_scored,omitempty"` // why content and readability are not scored
	NotApplied    []string       `json:"not_applied,omitempty"`
	LangNote      string         `json:"lang_note,omitempty"`
	Scores        []scoreScore   `json:"scores"`
	Flesch        float64        `json:"flesch,omitempty"`
	ReadingAge    int            `json:"reading_age,omitempty"`
	Tasks         []string       `json:"tasks,omitempty"`
}

// scoreFinding is a finding as `score --json` prints it: the API's
// snake_case names (scoring's types have none of their own).
type scoreFinding struct {
	CheckID  string   `json:"check_id"`
	Category string   `json:"category"`
	Severity string   `json:"severity"`
	URL      string   `json:"url"`
	Selector string   `json:"selector"`
	Snippet  string   `json:"snippet"`
	Matched  []string `json:"matched"`
	Message  string   `json:"message"`
	Task     string   `json:"task"`
}

// scoreScore is a check, category or overall score as `score --json`
// prints it.
type scoreScore struct {
	Category      string  `json:"category"`
	CheckID       string  `json:"check_id"`
	Score         float64 `json:"score"`
	MethodVersion string  `json:"method_version"`
}

func toScoreFindings(fs []scoring.Finding) []scoreFinding {
	out := make([]scoreFinding, 0, len(fs))
	for _, f := range fs {
		m := f.Matched
		if m == nil {
			m = []string{}
		}
		out = append(out, scoreFinding{CheckID: f.CheckID, Category: f.Category, Severity: f.Severity, URL: f.URL, Selector: f.Selector,
			Snippet: f.Snippet, Matched: m, Message: f.Message, Task: f.Task})
	}
	return out
}

func toScoreScores(ss []scoring.Score) []scoreScore {
	out := make([]scoreScore, 0, len(ss))
	for _, s := range ss {
		out = append(out, scoreScore{Category: s.Category, CheckID: s.CheckID, Score: s.Score, MethodVersion: s.MethodVersion})
	}
	return out
}

func readSavedPage(path string, maxBytes int64) (scoring.PageInput, error) {
	f, err := os.Open(path)
	if err != nil {
		return scoring.PageInput{}, err
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return scoring.PageInput{}, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(body)) > maxBytes {
		return scoring.PageInput{}, fmt.Errorf("%s is larger than %d bytes", path, maxBytes)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	u := "file://" + filepath.ToSlash(abs)
	return scoring.PageInput{URL: u, FinalURL: u, IsHTML: true, ContentType: "text/html", Body: body, Bytes: int64(len(body))}, nil
}

func fetchPage(ctx context.Context, rawURL string, timeout time.Duration, maxBytes int64) (scoring.PageInput, error) {
	hops := 0
	client := &http.Client{Timeout: timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		hops = len(via)
		if len(via) >= 10 {
			return errors.New("more than 10 redirects")
		}
		return nil
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return scoring.PageInput{}, err
	}
	req.Header.Set("User-Agent", "councildash")
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return scoring.PageInput{}, fmt.Errorf("fetching %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	ttfb := time.Since(start)
	ct := resp.Header.Get("Content-Type")
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return scoring.PageInput{}, fmt.Errorf("reading %s: %w", rawURL, err)
	}
	if int64(len(raw)) > maxBytes {
		return scoring.PageInput{}, fmt.Errorf("%s is larger than %d bytes", rawURL, maxBytes)
	}
	total := time.Since(start)
	isHTML := ct == "" || strings.Contains(strings.ToLower(ct), "html")
	body := raw
	if isHTML {
		if r, err := charset.NewReader(strings.NewReader(string(raw)), ct); err == nil {
			if dec, err := io.ReadAll(r); err == nil {
				body = dec
			}
		}
	}
	return scoring.PageInput{URL: rawURL, FinalURL: resp.Request.URL.String(), Status: resp.StatusCode, ContentType: ct, IsHTML: isHTML,
		Body: body, Bytes: int64(len(raw)), RedirectHops: hops, TTFB: ttfb, Total: total}, nil
}

func printScore(w io.Writer, e *scoring.Engine, in scoring.PageInput, res scoring.PageResult, scores []scoring.Score) error {
	fmt.Fprintf(w, "Page:   %s\n", res.URL)
	if in.FinalURL != "" && in.FinalURL != res.URL {
		fmt.Fprintf(w, "Final:  %s\n", in.FinalURL)
	}
	if in.Status != 0 {
		fmt.Fprintf(w, "Status: %d\n", in.Status)
	}
	fmt.Fprintf(w, "Title:  %s\nLang:   %s\nMethod: %s\n", res.Title, res.Lang, e.Method().Version)
	if res.Unscored != "" {
		fmt.Fprintf(w, "Not scored for content and readability: %s\n", res.Unscored)
	}
	if res.Summary.ReadingAge > 0 {
		fmt.Fprintf(w, "Reading age: %d (Flesch reading ease %.1f)\n", res.Summary.ReadingAge, res.Summary.Flesch)
	}
	order := map[string]int{}
	for i, c := range scoring.Catalog() {
		order[c.ID] = i
	}
	fs := append([]scoring.Finding(nil), res.Findings...)
	sort.SliceStable(fs, func(i, j int) bool { return order[fs[i].CheckID] < order[fs[j].CheckID] })
	fmt.Fprintf(w, "\nFindings (%d shown):\n", len(fs))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSEVERITY\tFOUND\tWHERE\tMESSAGE")
	for _, f := range fs {
		found := f.Snippet
		if len(f.Matched) > 0 {
			found = strings.Join(f.Matched, ", ")
		}
		if found != "" {
			found = strconv.Quote(clip(oneLine(found), 50))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.CheckID, f.Severity, found, clipLeft(f.Selector, 60), oneLine(f.Message))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(res.NotApplied) > 0 {
		fmt.Fprintf(w, "\nNot applied:\n")
		for _, na := range res.NotApplied {
			fmt.Fprintf(w, "  %s\n", na)
		}
	}
	if res.LangNote != "" {
		fmt.Fprintf(w, "\nLanguage: %s\n", res.LangNote)
	}
	fmt.Fprintf(w, "\nScores (0 to 100, page-level checks only):\n")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CATEGORY\tSCORE")
	for _, s := range scores {
		if s.CheckID == "" {
			fmt.Fprintf(tw, "%s\t%.1f\n", s.Category, s.Score)
		}
	}
	return tw.Flush()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// clipLeft keeps the end of a long selector, where the element is named.
func clipLeft(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
