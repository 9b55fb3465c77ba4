package data

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version    int
	Name       string
	Statements []string
}

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share number %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: m[2], Statements: splitSQL(string(b))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// splitSQL splits a migration file into statements at semicolons that end a
// line, dropping comment-only lines. Migrations hold no string literals with
// ";\n" in them.
func splitSQL(s string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "--") || t == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			stmt := strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")
			out = append(out, stmt)
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		out = append(out, rest)
	}
	return out
}

// ALTER TABLE t ADD COLUMN c ...: 18.16 has no IF NOT EXISTS, so the migrator
// checks system.columns first.
var addColumn = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)\s`)

const (
	sqlCreateMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version UInt32, name String, applied_at DateTime
) ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`
	sqlCreateLock      = `CREATE TABLE schema_migrations_lock (owner String, taken_at DateTime) ENGINE = Log`
	sqlInsertLock      = `INSERT INTO schema_migrations_lock (owner, taken_at)`
	sqlLockTakenAt     = `SELECT toUInt32(max(taken_at)), count() FROM schema_migrations_lock`
	sqlDropLock        = `DROP TABLE IF EXISTS schema_migrations_lock`
	sqlAppliedVersions = `SELECT DISTINCT version FROM schema_migrations`
	sqlRecordMigration = `INSERT INTO schema_migrations (version, name, applied_at)`
	sqlColumnExists    = `SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = ? AND name = ?`
)

// staleLock is how old a migration lock may be before another runner breaks it
// (a runner that crashed while migrating).
const staleLock = 2 * time.Minute

// Migrate applies the migrations not yet recorded, in order, and returns the
// names of those it applied. It is safe to run twice (a no-op) and
// concurrently: runners take a lock (a table whose CREATE only one can win);
// the others wait for it, then find nothing left to do.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	if s.cluster != nil {
		return s.migrateCluster(ctx, ms) // the cluster rule: cluster_migrate.go
	}
	if err := s.conn.Exec(ctx, sqlCreateMigrations); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	release, err := s.lockMigrationsOn(ctx, s.conn)
	if err != nil {
		return nil, err
	}
	defer release()

	applied, err := appliedVersions(ctx, s.conn)
	if err != nil {
		return nil, err
	}

	var done []string
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		for i, stmt := range m.Statements {
			if am := addColumn.FindStringSubmatch(stmt); am != nil {
				var n uint64
				if err := s.conn.QueryRow(ctx, sqlColumnExists, am[1], am[2]).Scan(&n); err != nil {
					return done, fmt.Errorf("migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, err)
				}
				if n > 0 {
					continue
				}
			}
			if err := s.conn.Exec(ctx, stmt); err != nil {
				return done, fmt.Errorf("migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, err)
			}
		}
		if err := s.insertRows(ctx, sqlRecordMigration, []any{uint32(m.Version), m.Name, time.Now().UTC()}); err != nil {
			return done, fmt.Errorf("record migration %04d: %w", m.Version, err)
		}
		done = append(done, fmt.Sprintf("%04d_%s", m.Version, m.Name))
	}
	return done, nil
}

// appliedVersions reads the migrations a server has recorded.
func appliedVersions(ctx context.Context, conn driver.Conn) (map[int]bool, error) {
	applied := map[int]bool{}
	rows, err := conn.Query(ctx, sqlAppliedVersions)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[int(v)] = true
	}
	return applied, rows.Err()
}

// lockMigrationsOn takes the migration lock on a server (in cluster mode,
// the first shard's).
func (s *Store) lockMigrationsOn(ctx context.Context, conn driver.Conn) (func(), error) {
	owner := newID()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		err := conn.Exec(ctx, sqlCreateLock)
		if err == nil {
			if err := insertOn(ctx, conn, sqlInsertLock, [][]any{{owner, time.Now().UTC()}}); err != nil {
				_ = conn.Exec(context.Background(), sqlDropLock)
				return nil, fmt.Errorf("take migration lock: %w", err)
			}
			return func() { _ = conn.Exec(context.Background(), sqlDropLock) }, nil
		}
		if !strings.Contains(strings.ToLower(err.Error()), "already exists") {
			return nil, fmt.Errorf("take migration lock: %w", err)
		}
		// Someone else holds it. Break it if it is stale.
		var takenAt uint32
		var n uint64
		if qerr := conn.QueryRow(ctx, sqlLockTakenAt).Scan(&takenAt, &n); qerr == nil && n > 0 &&
			time.Since(time.Unix(int64(takenAt), 0)) > staleLock {
			_ = conn.Exec(ctx, sqlDropLock)
			continue
		}
		if time.Now().After(deadline) {
			return nil, errors.New("take migration lock: another migration has held it for over 3 minutes (drop table schema_migrations_lock if no migration is running)")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
