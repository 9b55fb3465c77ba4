package data_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/councildash/councildash/data"
	"github.com/councildash/councildash/data/datatest"
	"github.com/councildash/councildash/scoring"
)

// proxy forwards TCP to ClickHouse on a fixed loopback address until
// stopped: stopping it is ClickHouse going away, starting it again on the
// same address is ClickHouse coming back.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (p *proxy) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); u.Close() }()
			go func() { _, _ = io.Copy(c, u); c.Close() }()
		}
	}()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestWriterGivesUpOnCancel: with ClickHouse away, Flush and Close return
// when their context ends instead of retrying for RetryMax; rows a Flush
// gave up on stay buffered and are written once ClickHouse is back, and
// Close says how many rows it could not write.
func TestWriterGivesUpOnCancel(t *testing.T) {
	p := &proxy{addr: "127.0.0.1:0", target: datatest.Addr()}
	p.start(t)
	cfg := datatest.Config(t)
	cfg.Addr = p.addr
	s := datatest.OpenConfig(t, cfg)
	t.Cleanup(func() { // the test stops the proxy: drop the database directly
		direct := cfg
		direct.Addr = datatest.Addr()
		if d, err := data.Open(context.Background(), direct); err == nil {
			_ = d.DropDatabase(context.Background())
			_ = d.Close()
		}
	})
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	run, err := s.CreateRun(ctx, "test-1", "{}", "", 1, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	w := s.NewWriter(data.WriterOptions{FlushInterval: time.Hour, RetryMax: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	sink := data.NewRunSink(w, run.ID, "test-1")
	finding := []scoring.Finding{{CheckID: "lgd-ampersand", Category: scoring.CatContent, Severity: scoring.SevWarning, URL: "https://a.example/"}}
	// On a cluster only the node the store was opened on (shard 1) is
	// behind the proxy: use a council whose rows live there.
	council := "A"
	for i := 0; s.ShardOf(council) > 1; i++ {
		council = fmt.Sprintf("A%d", i)
	}
	if err := sink.Findings(ctx, council, finding); err != nil {
		t.Fatal(err)
	}

	p.stop() // ClickHouse goes away
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err = w.Flush(short)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Flush with ClickHouse away: %v, want the context's deadline", err)
	}
	if n := w.Written()["findings"]; n != 0 {
		t.Fatalf("%d findings written while ClickHouse was away", n)
	}

	p.start(t) // back, on the same address
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("Flush once ClickHouse is back: %v", err)
	}
	if n := w.Written()["findings"]; n != 1 {
		t.Fatalf("the buffered finding was not written: %d", n)
	}

	p.stop()
	if err := sink.Findings(ctx, council, append(finding, finding...)); err != nil {
		t.Fatal(err)
	}
	short, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
	err = w.Close(short)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "2 rows not written") {
		t.Fatalf("Close with ClickHouse away: %v, want the context's deadline and 2 rows not written", err)
	}
	if err := sink.Findings(ctx, council, finding); !errors.Is(err, data.ErrWriterClosed) {
		t.Fatalf("add after Close: %v", err)
	}
}
