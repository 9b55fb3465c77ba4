package dashboard_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/dashboard"
	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// bigExport stores a finished run whose findings export is about 20 MB:
// far more than the kernel buffers hold for a client that stops reading
// (the server's send buffer grows to 4 MB at most on Linux).
func bigExport(t *testing.T, store *data.Store) int {
	t.Helper()
	ctx := context.Background()
	method := scoring.CurrentMethod()
	run, err := store.CreateRun(ctx, method.Version, "{}", "slow readers", 4, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	w := store.NewWriter(data.WriterOptions{})
	sink := data.NewRunSink(w, run.ID, method.Version)
	const perCouncil = 5000
	snippet := strings.Repeat("Evidence text of a finding, long enough to weigh. ", 20) // ~1 KB
	for _, code := range []string{"S1", "S2", "S3", "S4"} {
		fs := make([]scoring.Finding, perCouncil)
		for i := range fs {
			fs[i] = scoring.Finding{CheckID: "a11y-img-alt", Category: "accessibility", Severity: scoring.SevError,
				URL: fmt.Sprintf("https://%s.example.gov.uk/page-%d", strings.ToLower(code), i), Selector: "img", Snippet: snippet, Message: "Image without alt text"}
		}
		if err := sink.Findings(ctx, code, fs); err != nil {
			t.Fatal(err)
		}
		if err := sink.SiteDone(ctx, &crawler.SiteReport{Council: code, HomeURL: "https://" + code + ".example.gov.uk/",
			Started: time.Now().Add(-time.Hour), Finished: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := store.SetRunStatus(ctx, run.ID, data.RunFinished, time.Now()); err != nil {
		t.Fatal(err)
	}
	return 4 * perCouncil
}

// metricsText is the dashboard's metrics page.
func metricsText(t *testing.T, dash *dashboard.Server) string {
	t.Helper()
	rec := httptest.NewRecorder()
	dash.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

// metricValue reads the value of a metric without labels.
func metricValue(t *testing.T, dash *dashboard.Server, name string) float64 {
	t.Helper()
	for _, line := range strings.Split(metricsText(t, dash), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatal("no " + name)
	return 0
}

// exportBytes reads councildash_export_bytes_total.
func exportBytes(t *testing.T, dash *dashboard.Server) float64 {
	return metricValue(t, dash, "councildash_export_bytes_total")
}

// serveReal serves a dashboard as `serve` does: its http.Server, with its
// timeouts, on a loopback listener.
func serveReal(t *testing.T, d dashboard.Deps) (*dashboard.Server, string) {
	t.Helper()
	dash, err := dashboard.New(d)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := dash.HTTPServer(dash.Handler())
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return dash, ln.Addr().String()
}

// TestExportSlowReaders is finding 4: four clients open the findings export
// (20 MB) and never read. Each chunk of an export must be written within
// the chunk timeout (5 s by default), so they lose their slots, and a
// fifth export (one council's findings, 5 MB, so that its own transfer
// under the race detector does not blur what is measured) completes
// within 10 s. The log names the stalled clients by hash only.
func TestExportSlowReaders(t *testing.T) {
	store := datatest.Store(t)
	rows := bigExport(t, store)
	logs := &syncBuffer{}
	// The export's council filter names a council of the register: the
	// big export's councils are in it.
	councils := slices.Clone(secCouncils)
	for _, code := range []string{"S1", "S2", "S3", "S4"} {
		councils = append(councils, data.Council{Code: code, Name: "Slow " + code + " Council", HomepageURL: "https://" + strings.ToLower(code) + ".example.gov.uk/"})
	}
	dash, addr := serveReal(t, dashboard.Deps{Store: store, Councils: councils, Logger: slog.New(slog.NewTextHandler(logs, nil))})

	// Four readers that send the request and read nothing.
	for i := range 4 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		// A small receive window, as a client that stopped reading has.
		_ = conn.(*net.TCPConn).SetReadBuffer(4 << 10)
		// (Each names itself in a header: the export takes no parameter it
		// does not know.)
		if _, err := fmt.Fprintf(conn, "GET /export/findings.csv HTTP/1.1\r\nHost: %s\r\nX-Stalled-Reader: %d\r\n\r\n", addr, i); err != nil {
			t.Fatal(err)
		}
	}
	// They hold every slot, and have stopped taking data: the bytes
	// exported no longer grow (bounds on the waits, not speed tests).
	deadline := time.Now().Add(60 * time.Second)
	for dash.ExportsInFlight() < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("the stalled readers never held the slots (%d)", dash.ExportsInFlight())
		}
		time.Sleep(10 * time.Millisecond)
	}
	last, still := exportBytes(t, dash), 0
	for last == 0 || still < 10 {
		if time.Now().After(deadline) {
			t.Fatal("the stalled readers' exports never stalled")
		}
		time.Sleep(100 * time.Millisecond)
		n := exportBytes(t, dash)
		if n == last {
			still++
		} else {
			still = 0
		}
		last = n
	}
	// Each stalled export holds its slot until its chunk deadline cuts it
	// short; on a busy machine the first may be cut before the stall is
	// seen, so every one is either still in flight or counted cut short.
	if in, cut := dash.ExportsInFlight(), int(metricValue(t, dash, "councildash_exports_cut_short_total")); in+cut != 4 {
		t.Fatalf("%d exports in flight and %d cut short once stalled, want 4 in all", in, cut)
	}
	t.Logf("four readers stalled after %.1f MB", last/1e6)

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/export/findings.csv?council=S1", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	t.Logf("fifth export: headers after %s", time.Since(start).Round(time.Millisecond))
	records, err := csv.NewReader(bufio.NewReader(res.Body)).ReadAll()
	elapsed := time.Since(start)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("fifth export: %d %v", res.StatusCode, err)
	}
	if len(records) != rows/4+1 {
		t.Fatalf("fifth export: %d records, want %d and the header", len(records)-1, rows/4)
	}
	if elapsed > 10*time.Second {
		t.Fatalf("the fifth export took %s behind four stalled readers (bound 10s)", elapsed.Round(time.Millisecond))
	}
	t.Logf("fifth export of %d rows completed in %s behind four stalled readers of %d rows", rows/4, elapsed.Round(time.Millisecond), rows)

	// The stalled exports were cut short (counted), logged without the
	// address.
	for !strings.Contains(metricsText(t, dash), "councildash_exports_cut_short_total 4") || dash.ExportsInFlight() != 0 {
		if time.Now().After(deadline.Add(30 * time.Second)) {
			t.Fatalf("the four stalled exports were not all cut short (%d in flight):\n%s", dash.ExportsInFlight(), metricsText(t, dash))
		}
		time.Sleep(50 * time.Millisecond)
	}
	logged := logs.String()
	if n := strings.Count(logged, "export cut short"); n < 1 {
		t.Fatalf("no export cut short in the log:\n%s", logged)
	}
	if strings.Contains(logged, "127.0.0.1") || !strings.Contains(logged, "client=") {
		t.Fatalf("the log names a client by address:\n%s", logged)
	}
}

// TestServerTimeouts: a client that sends its headers, or its form, slower
// than the timeouts is cut off (slowloris), so it holds no connection for
// long.
func TestServerTimeouts(t *testing.T) {
	store := datatest.Store(t)
	_, addr := serveReal(t, dashboard.Deps{Store: store, Councils: secCouncils, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Timeouts: dashboard.Timeouts{ReadHeader: 500 * time.Millisecond, Form: 500 * time.Millisecond}})
	cases := map[string]string{
		"headers never finished": "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n",
		"form body never sent":   "POST /councils/AAA/review HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nform_token=",
	}
	for name, partial := range cases {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, partial); err != nil {
				t.Fatal(err)
			}
			// The server answers or hangs up; the client waits at most 10 s.
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			start := time.Now()
			_, err = io.ReadAll(conn)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server kept the connection for %s", time.Since(start).Round(time.Millisecond))
			}
		})
	}
}
