// Package data is councildash's data layer and the only package that speaks
// SQL. It holds the council register, the ClickHouse schema as numbered
// embedded migrations, and the store: batch inserts and the queries the other
// packages declare as interfaces.
package data

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Config says where ClickHouse is.
type Config struct {
	Addr     string // host:port of the native protocol (default 127.0.0.1:19000)
	Database string // default "councildash"
	User     string // default "default"
	Password string
	// QueryTimeout bounds every read query (default 30s).
	QueryTimeout time.Duration
	// Cluster, when set, names a cluster of the servers' remote_servers
	// config that Addr is a node of: cluster mode (cluster.go).
	Cluster string
}

// ErrUnavailable is wrapped by errors that mean ClickHouse could not be
// reached (as opposed to a bad query).
var ErrUnavailable = errors.New("clickhouse unavailable")

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// Store is a connection to councildash's ClickHouse database.
type Store struct {
	conn         driver.Conn
	db           string
	queryTimeout time.Duration
	lastVersion  atomic.Uint64
	cluster      *cluster // nil in single-node mode
}

// nextVersion returns a strictly increasing version (unix nanoseconds) for
// ReplacingMergeTree rows written by this process.
func (s *Store) nextVersion() uint64 {
	for {
		last := s.lastVersion.Load()
		v := uint64(time.Now().UnixNano())
		if v <= last {
			v = last + 1
		}
		if s.lastVersion.CompareAndSwap(last, v) {
			return v
		}
	}
}

var validDBName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:19000"
	}
	if c.Database == "" {
		c.Database = "councildash"
	}
	if c.User == "" {
		c.User = "default"
	}
	if c.QueryTimeout == 0 {
		c.QueryTimeout = 30 * time.Second
	}
}

func dial(addr, db, user, password string, settings clickhouse.Settings) (driver.Conn, error) {
	return clickhouse.Open(&clickhouse.Options{
		Settings:        settings,
		Protocol:        clickhouse.Native,
		Addr:            []string{addr},
		Auth:            clickhouse.Auth{Database: db, Username: user, Password: password},
		DialTimeout:     5 * time.Second,
		ReadTimeout:     60 * time.Second,
		MaxOpenConns:    32,
		MaxIdleConns:    8,
		ConnMaxLifetime: 10 * time.Minute,
		Compression:     &clickhouse.Compression{Method: clickhouse.CompressionLZ4},
	})
}

// Open connects to ClickHouse, creating the database if needed. It does not
// migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg.defaults()
	if !validDBName.MatchString(cfg.Database) {
		return nil, fmt.Errorf("database name %q: use letters, digits and _", cfg.Database)
	}
	boot, err := dial(cfg.Addr, "default", cfg.User, cfg.Password, nil)
	if err != nil {
		return nil, fmt.Errorf("%w at %s: %v", ErrUnavailable, cfg.Addr, err)
	}
	defer boot.Close()
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := boot.Ping(pingCtx); err != nil {
		return nil, fmt.Errorf("%w at %s: %v", ErrUnavailable, cfg.Addr, err)
	}
	// The name is validated above; DDL cannot take bound parameters.
	if err := boot.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+cfg.Database); err != nil {
		return nil, fmt.Errorf("create database %s: %w", cfg.Database, err)
	}
	var settings clickhouse.Settings
	if cfg.Cluster != "" {
		settings = clusterSettings
	}
	conn, err := dial(cfg.Addr, cfg.Database, cfg.User, cfg.Password, settings)
	if err != nil {
		return nil, fmt.Errorf("%w at %s: %v", ErrUnavailable, cfg.Addr, err)
	}
	s := &Store{conn: conn, db: cfg.Database, queryTimeout: cfg.QueryTimeout}
	if cfg.Cluster != "" {
		if s.cluster, err = openCluster(ctx, boot, cfg, conn); err != nil {
			_ = conn.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close closes the connection pools.
func (s *Store) Close() error {
	if s.cluster != nil {
		s.cluster.close()
	}
	return s.conn.Close()
}

// Database is the database name in use.
func (s *Store) Database() string { return s.db }

// DropDatabase drops the store's database (used by tests), on every node
// in cluster mode.
func (s *Store) DropDatabase(ctx context.Context) error {
	return s.eachNode(ctx, func(ctx context.Context, conn driver.Conn) error {
		return conn.Exec(ctx, "DROP DATABASE IF EXISTS "+s.db)
	})
}

// Ping checks that the server answers (every node in cluster mode).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.eachNode(ctx, func(ctx context.Context, conn driver.Conn) error { return conn.Ping(ctx) }); err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return nil
}

const sqlVersion = `SELECT version()`

// ServerVersion returns the ClickHouse server version.
func (s *Store) ServerVersion(ctx context.Context) (string, error) {
	var v string
	err := s.conn.QueryRow(ctx, sqlVersion).Scan(&v)
	return v, err
}

// insertRows inserts rows with a native batch. On ClickHouse 18.16 an
// INSERT ... VALUES sent through Exec never completes, so every insert in
// councildash, even of one row, goes through a batch with named columns.
//
// The insert is detached from ctx's cancellation: clickhouse-go's batch
// Send watches its context in a goroutine that can still fire after Send has
// returned the connection to the pool, closing a connection another caller is
// now using ("use of closed network connection"). A cancelled request or a
// per-call timeout must not do that, so inserts are bounded by the dial
// options' ReadTimeout instead.
func (s *Store) insertRows(ctx context.Context, insert string, rows ...[]any) error {
	_, err := s.insertPart(ctx, insert, rows)
	return err
}

// insertPart is insertRows returning the rows not written when it fails:
// all of them on one server; in cluster mode, those of the shards that
// failed (the writer retries only those).
func (s *Store) insertPart(ctx context.Context, insert string, rows [][]any) ([][]any, error) {
	if s.cluster != nil {
		return s.insertCluster(ctx, insert, rows)
	}
	if err := insertOn(ctx, s.conn, insert, rows); err != nil {
		return rows, err
	}
	return nil, nil
}

// insertOn sends rows in one native batch on conn (see insertRows).
func insertOn(ctx context.Context, conn driver.Conn, insert string, rows [][]any) error {
	ctx = context.WithoutCancel(ctx)
	batch, err := conn.PrepareBatch(ctx, insert)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := batch.Append(r...); err != nil {
			_ = batch.Abort()
			return err
		}
	}
	return batch.Send()
}

// readCtx bounds a read query.
func (s *Store) readCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.queryTimeout)
}
