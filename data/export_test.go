package data

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// What the external tests see of the package's insides.

// NewFixedRunSink is NewRunSink with attempt ids and row times fixed, so
// the same rows can be stored twice (on one server and on a cluster).
func NewFixedRunSink(w *Writer, runID, method string, attempt func(council string) string, at time.Time) *RunSink {
	k := NewRunSink(w, runID, method)
	k.newAttempt, k.now = attempt, func() time.Time { return at }
	return k
}

// ShardedTables names each sharded table's shard key ("" for rand()).
func ShardedTables() map[string]string {
	ts, err := clusterTables()
	if err != nil {
		panic(err)
	}
	out := map[string]string{}
	for name, t := range ts {
		if t.routed {
			out[name] = t.key
		} else {
			out[name] = ""
		}
	}
	return out
}

// TableInfo is a table as one node's system tables describe it.
type TableInfo struct {
	Engine, EngineFull string
	Columns            []string // "name type", in order
}

// NodeSchema is one node's tables and recorded migrations.
type NodeSchema struct {
	Versions []int
	Tables   map[string]TableInfo
}

// ClusterSchema reads each node's schema (the store's one server's in
// single-node mode).
func (s *Store) ClusterSchema(ctx context.Context) ([]NodeSchema, error) {
	var out []NodeSchema
	err := s.eachNode(ctx, func(ctx context.Context, conn driver.Conn) error {
		n := NodeSchema{Tables: map[string]TableInfo{}}
		applied, err := appliedVersions(ctx, conn)
		if err != nil {
			return err
		}
		for v := range applied {
			n.Versions = append(n.Versions, v)
		}
		rows, err := conn.Query(ctx, `SELECT name, engine, engine_full FROM system.tables WHERE database = currentDatabase()`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name string
			var ti TableInfo
			if err := rows.Scan(&name, &ti.Engine, &ti.EngineFull); err != nil {
				rows.Close()
				return err
			}
			n.Tables[name] = ti
		}
		rows.Close()
		cols, err := conn.Query(ctx, `SELECT table, name, type FROM system.columns WHERE database = currentDatabase()`)
		if err != nil {
			return err
		}
		defer cols.Close()
		for cols.Next() {
			var table, name, typ string
			if err := cols.Scan(&table, &name, &typ); err != nil {
				return err
			}
			ti := n.Tables[table]
			ti.Columns = append(ti.Columns, name+" "+typ)
			n.Tables[table] = ti
		}
		out = append(out, n)
		return cols.Err()
	})
	return out, err
}

// RowsByShard reads, from each node's local table, which shard (1-based)
// holds the rows of each value of column.
func (s *Store) RowsByShard(ctx context.Context, table, column string) (map[string]int, error) {
	out := map[string]int{}
	for _, n := range s.cluster.nodes {
		rows, err := n.conn.Query(ctx, fmt.Sprintf("SELECT DISTINCT %s FROM %s", column, localName(table)))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			if prev, ok := out[v]; ok {
				rows.Close()
				return nil, fmt.Errorf("%s %q on shards %d and %d", column, v, prev, n.shard)
			}
			out[v] = n.shard
		}
		rows.Close()
	}
	return out, nil
}

// ServerShards asks the server which shard its Distributed tables pick for
// each key: cityHash64 over the shards' weights, computed by ClickHouse.
func (s *Store) ServerShards(ctx context.Context, keys []string) ([]int, error) {
	out := make([]int, len(keys))
	for i, k := range keys {
		var slot uint64
		if err := s.conn.QueryRow(ctx, `SELECT toUInt64(cityHash64(?) % ?)`, k, uint64(len(s.cluster.slots))).Scan(&slot); err != nil {
			return nil, err
		}
		out[i] = s.cluster.nodes[s.cluster.slots[slot]].shard
	}
	return out, nil
}

// ApplyClusterStatements runs statements through the cluster rule on every
// node, as a migration's would be, the MergeTree tables they create being
// sharded like the migrations' own.
func (s *Store) ApplyClusterStatements(ctx context.Context, stmts []string) error {
	tables := map[string]clusterTable{}
	for k, v := range s.cluster.tables {
		tables[k] = v
	}
	for _, stmt := range stmts {
		if p, ok, err := parseCreate(stmt); err != nil {
			return err
		} else if ok && isMergeTree(p.engine) {
			typ := p.columns[p.key]
			tables[p.table] = clusterTable{key: p.key, routed: typ == "String"}
		}
	}
	for _, stmt := range stmts {
		steps, err := clusterStatements(stmt, tables, s.cluster.name, s.db)
		if err != nil {
			return err
		}
		for _, st := range steps {
			if err := s.eachNode(ctx, func(ctx context.Context, conn driver.Conn) error { return conn.Exec(ctx, st.sql) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// ExecSQL runs a statement on the store's own server.
func (s *Store) ExecSQL(ctx context.Context, sql string) error { return s.conn.Exec(ctx, sql) }

// CountSQL runs a query answering one UInt64 on the store's own server.
func (s *Store) CountSQL(ctx context.Context, sql string) (uint64, error) {
	var n uint64
	err := s.conn.QueryRow(ctx, sql).Scan(&n)
	return n, err
}
