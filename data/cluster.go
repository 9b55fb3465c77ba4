package data

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/go-faster/city"
)

// Cluster mode (docs/SCALING.md). With Config.Cluster set, the store works
// over a ClickHouse cluster named in the servers' remote_servers config:
// every table of the migrations is a local MergeTree table on every shard
// (NAME_local) and a Distributed table of the original name over them,
// sharded by council code (see clusterTable), so one council's rows stay on
// one shard. Queries read the Distributed tables, unchanged. Writes go
// straight to the local table of the shard that owns each row (the client
// computes the Distributed table's sharding expression, cityHash64 of the
// key, as the server does), so a batch that reaches one shard and not
// another is retried for the other shard only and never stored twice.
// Only what ClickHouse 18.16 and current releases both support: plain
// MergeTree shards with one replica each, so no ZooKeeper; DDL runs on
// each node in turn (ON CLUSTER would need ZooKeeper).

// Query settings of cluster mode:
//   - distributed_product_mode=global: an IN or JOIN subquery over a
//     Distributed table is run once on the node that received the query
//     and its result sent to every shard. That is right for every query,
//     colocated or not (reviews NOT IN review_moderation is not colocated:
//     moderation rows are sharded by review id); "local" would be right
//     only for per-council subqueries and silently wrong for the others,
//     and the default, "deny", refuses them. It must be set in the profile
//     of the user councildash connects as (18.16's native protocol carries
//     only numeric settings from the client); openCluster checks it.
//   - insert_distributed_sync=1 (sent with every query): the rare insert
//     that goes through a Distributed table (a table whose shard key is not
//     a String column) returns once every shard has its rows, so it is read
//     back at once.
var clusterSettings = clickhouse.Settings{"insert_distributed_sync": 1}

const sqlProductMode = `SELECT value FROM system.settings WHERE name = 'distributed_product_mode'`

// node is one shard's server.
type node struct {
	shard int    // 1-based, as in system.clusters
	addr  string // host:port of its native protocol
	conn  driver.Conn
	entry bool // the server the store was opened on (conn is the store's)
}

// cluster is a cluster-mode store's topology.
type cluster struct {
	name  string
	nodes []*node // one per shard, in shard order
	slots []int   // shard slot (key % len(slots)) -> index into nodes, by weight
	// tables maps each sharded table to how it is sharded, from the
	// migrations.
	tables map[string]clusterTable

	inserts sync.Map // insert SQL -> *routedInsert
}

const sqlClusterNodes = `SELECT shard_num, shard_weight, replica_num, host_name, port, is_local
FROM system.clusters WHERE cluster = ? ORDER BY shard_num, replica_num`

var validClusterName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// openCluster reads the cluster's shards from the server the store is open
// on, creates the database on every one and connects to each.
func openCluster(ctx context.Context, boot driver.Conn, cfg Config, entry driver.Conn) (*cluster, error) {
	if !validClusterName.MatchString(cfg.Cluster) {
		return nil, fmt.Errorf("cluster name %q: use letters, digits and _", cfg.Cluster)
	}
	tables, err := clusterTables()
	if err != nil {
		return nil, err
	}
	c := &cluster{name: cfg.Cluster, tables: tables}
	rows, err := boot.Query(ctx, sqlClusterNodes, cfg.Cluster)
	if err != nil {
		return nil, fmt.Errorf("%w: read cluster %s: %v", ErrUnavailable, cfg.Cluster, err)
	}
	defer rows.Close()
	local := 0
	for rows.Next() {
		var shard, weight, replica uint32
		var host string
		var port uint16
		var isLocal uint8
		if err := rows.Scan(&shard, &weight, &replica, &host, &port, &isLocal); err != nil {
			return nil, err
		}
		if replica > 1 {
			return nil, fmt.Errorf("cluster %s: shard %d has more than one replica; replicas need ReplicatedMergeTree and ZooKeeper, which councildash's cluster mode does not use (docs/SCALING.md)", cfg.Cluster, shard)
		}
		n := &node{shard: int(shard), addr: fmt.Sprintf("%s:%d", host, port), entry: isLocal == 1}
		if n.entry {
			local++
		}
		for range max(weight, 1) {
			c.slots = append(c.slots, len(c.nodes))
		}
		c.nodes = append(c.nodes, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	switch {
	case len(c.nodes) == 0:
		return nil, fmt.Errorf("cluster %q is not in the remote_servers config of %s (system.clusters has no such cluster)", cfg.Cluster, cfg.Addr)
	case local != 1:
		return nil, fmt.Errorf("%s is not a node of cluster %s: connect to one of %s", cfg.Addr, cfg.Cluster, c.addrs())
	}
	var mode string
	if err := entry.QueryRow(ctx, sqlProductMode).Scan(&mode); err != nil {
		return nil, fmt.Errorf("%w: read distributed_product_mode: %v", ErrUnavailable, err)
	}
	if mode != "global" {
		return nil, fmt.Errorf("cluster mode needs distributed_product_mode = global in the profile of user %s on %s (it is %q): see docs/SCALING.md", cfg.User, cfg.Addr, mode)
	}
	for _, n := range c.nodes {
		if n.entry {
			n.conn = entry
			continue
		}
		nb, err := dial(n.addr, "default", cfg.User, cfg.Password, nil)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("%w: shard %d at %s: %v", ErrUnavailable, n.shard, n.addr, err)
		}
		err = nb.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+cfg.Database)
		_ = nb.Close()
		if err != nil {
			c.close()
			return nil, fmt.Errorf("%w: shard %d at %s: create database %s: %v", ErrUnavailable, n.shard, n.addr, cfg.Database, err)
		}
		if n.conn, err = dial(n.addr, cfg.Database, cfg.User, cfg.Password, nil); err != nil {
			c.close()
			return nil, fmt.Errorf("%w: shard %d at %s: %v", ErrUnavailable, n.shard, n.addr, err)
		}
	}
	return c, nil
}

func (c *cluster) addrs() string {
	var a []string
	for _, n := range c.nodes {
		a = append(a, n.addr)
	}
	return strings.Join(a, ", ")
}

// close closes the connections to the shards other than the entry.
func (c *cluster) close() {
	for _, n := range c.nodes {
		if !n.entry && n.conn != nil {
			_ = n.conn.Close()
		}
	}
}

// shardOf returns the index into nodes of the shard that owns key: the
// Distributed table's choice for cityHash64(key) over the shards' weights.
func (c *cluster) shardOf(key string) int {
	return c.slots[city.CH64([]byte(key))%uint64(len(c.slots))]
}

// ShardOf returns the 1-based shard that holds a key's rows in cluster mode
// (0 in single-node mode).
func (s *Store) ShardOf(key string) int {
	if s.cluster == nil {
		return 0
	}
	return s.cluster.nodes[s.cluster.shardOf(key)].shard
}

// Cluster names the cluster of a cluster-mode store and its shards'
// addresses, in shard order ("" and nil in single-node mode).
func (s *Store) Cluster() (string, []string) {
	if s.cluster == nil {
		return "", nil
	}
	var out []string
	for _, n := range s.cluster.nodes {
		out = append(out, n.addr)
	}
	return s.cluster.name, out
}

// routedInsert is a parsed batch INSERT of a sharded table.
type routedInsert struct {
	table string
	local string // INSERT INTO table_local (cols)
	key   int    // index of the shard key among the columns; -1: not routed
}

var insertStmt = regexp.MustCompile(`(?is)^\s*INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*$`)

// route parses an insert: which table, and which column decides the shard.
func (c *cluster) route(insert string) *routedInsert {
	if r, ok := c.inserts.Load(insert); ok {
		return r.(*routedInsert)
	}
	r := &routedInsert{key: -1}
	if m := insertStmt.FindStringSubmatch(insert); m != nil {
		if t, ok := c.tables[m[1]]; ok && t.routed {
			for i, col := range strings.Split(m[2], ",") {
				if strings.TrimSpace(col) == t.key {
					r.table, r.key = m[1], i
					r.local = "INSERT INTO " + localName(m[1]) + " (" + m[2] + ")"
				}
			}
		}
	}
	c.inserts.Store(insert, r)
	return r
}

// insert writes rows to the shards that own them, in parallel, and returns
// the rows not written (those of the shards that failed) with the error.
// An insert that is not routed goes through the Distributed table on the
// entry node, all or nothing.
func (s *Store) insertCluster(ctx context.Context, insert string, rows [][]any) ([][]any, error) {
	c := s.cluster
	r := c.route(insert)
	if r.key < 0 {
		if err := insertOn(ctx, s.conn, insert, rows); err != nil {
			return rows, err
		}
		return nil, nil
	}
	parts := make([][][]any, len(c.nodes))
	for _, row := range rows {
		key, ok := row[r.key].(string)
		if !ok {
			return rows, fmt.Errorf("insert into %s: shard key is %T, not a string", r.table, row[r.key])
		}
		i := c.shardOf(key)
		parts[i] = append(parts[i], row)
	}
	errs := make([]error, len(c.nodes))
	var wg sync.WaitGroup
	for i, part := range parts {
		if len(part) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := insertOn(ctx, c.nodes[i].conn, r.local, part); err != nil {
				errs[i] = fmt.Errorf("shard %d (%s): %w", c.nodes[i].shard, c.nodes[i].addr, err)
			}
		}()
	}
	wg.Wait()
	var left [][]any
	for i, err := range errs {
		if err != nil {
			left = append(left, parts[i]...)
		}
	}
	return left, errors.Join(errs...)
}

// eachNode runs fn on every node's connection in shard order (the DDL of
// cluster mode, per-node maintenance), stopping at the first error.
func (s *Store) eachNode(ctx context.Context, fn func(ctx context.Context, conn driver.Conn) error) error {
	if s.cluster == nil {
		return fn(ctx, s.conn)
	}
	for _, n := range s.cluster.nodes {
		if err := fn(ctx, n.conn); err != nil {
			return fmt.Errorf("shard %d (%s): %w", n.shard, n.addr, err)
		}
	}
	return nil
}

// localTable names the table that holds a table's rows on each node: the
// table itself in single-node mode, its local table in cluster mode (for
// per-node maintenance such as dropping old partitions, run through
// EachNode).
func (s *Store) localTable(table string) string {
	if s.cluster == nil {
		return table
	}
	if _, ok := s.cluster.tables[table]; ok {
		return localName(table)
	}
	return table
}
