// Package datatest gives tests a migrated ClickHouse database of their own on
// the real server. There are no database mocks in councildash.
package datatest

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/councildash/councildash/data"
)

// Addr is the server tests use: COUNCILDASH_CLICKHOUSE_ADDR, or the
// project-local server that `make test` starts.
func Addr() string {
	if a := os.Getenv("COUNCILDASH_CLICKHOUSE_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:19000"
}

// Required reports whether a missing server must fail tests rather than skip
// them: under CI=true and under `make test` (COUNCILDASH_REQUIRE_CLICKHOUSE=1).
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("COUNCILDASH_REQUIRE_CLICKHOUSE") == "1"
}

// Cluster is the cluster the tests' stores use (COUNCILDASH_CLICKHOUSE_CLUSTER;
// `make test` runs the data and pipeline tests a second time with it set,
// against its local two-shard cluster): "" for single-node stores.
func Cluster() string { return os.Getenv("COUNCILDASH_CLICKHOUSE_CLUSTER") }

// Config returns a store configuration for a fresh, uniquely named database
// (on the cluster when Cluster is set).
func Config(t testing.TB) data.Config {
	cfg := SingleConfig(t)
	cfg.Cluster = Cluster()
	return cfg
}

// SingleConfig is Config for a single-node store, whatever Cluster says
// (on a cluster's node, its tables are that node's own).
func SingleConfig(t testing.TB) data.Config {
	name := strings.ToLower(strings.NewReplacer("/", "_", "-", "_", " ", "_").Replace(t.Name()))
	if len(name) > 30 {
		name = name[:30]
	}
	return data.Config{Addr: Addr(), Database: fmt.Sprintf("cdtest_%s_%s", name, strings.ReplaceAll(uuid.Must(uuid.NewRandomFromReader(rand.Reader)).String()[:8], "-", ""))}
}

// ClusterConfig returns a cluster-mode configuration for a fresh database
// on the test cluster, COUNCILDASH_TEST_CLUSTER=NAME@HOST:PORT (`make test`
// sets it to the local cluster that `.ci/clickhouse.sh cluster-ensure`
// starts). Without it the test skips, or fails when Required.
func ClusterConfig(t testing.TB) data.Config {
	t.Helper()
	name, addr, ok := strings.Cut(os.Getenv("COUNCILDASH_TEST_CLUSTER"), "@")
	if !ok || name == "" || addr == "" {
		msg := "no test cluster: set COUNCILDASH_TEST_CLUSTER=NAME@HOST:PORT (`make test` starts a local two-shard cluster with .ci/clickhouse.sh cluster-ensure)"
		if Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cfg := SingleConfig(t)
	cfg.Addr, cfg.Cluster = addr, name
	return cfg
}

// Migrated opens cfg's database, migrated, dropped when the test ends.
func Migrated(t testing.TB, cfg data.Config) *data.Store {
	t.Helper()
	s := OpenConfig(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// Open connects to the test server with a fresh database, without migrating.
// The database is dropped when the test ends.
func Open(t testing.TB) *data.Store {
	t.Helper()
	return OpenConfig(t, Config(t))
}

// OpenConfig is Open with a given configuration.
func OpenConfig(t testing.TB, cfg data.Config) *data.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := data.Open(ctx, cfg)
	if err != nil {
		msg := fmt.Sprintf("ClickHouse is not reachable at %s (%v). Run `make test` (it starts a project-local server) or set COUNCILDASH_CLICKHOUSE_ADDR.", cfg.Addr, err)
		if Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.DropDatabase(ctx); err != nil {
			// The test closed its store (e.g. to see the database go away):
			// drop through a connection of our own, so nothing is left behind.
			if s2, err2 := data.Open(ctx, cfg); err2 == nil {
				_ = s2.DropDatabase(ctx)
				_ = s2.Close()
			}
		}
		_ = s.Close()
	})
	return s
}

// Store returns a migrated store on a fresh database.
func Store(t testing.TB) *data.Store {
	t.Helper()
	return Migrated(t, Config(t))
}
