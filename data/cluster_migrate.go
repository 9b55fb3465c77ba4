package data

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// The cluster rule for migrations. The migration files are written for one
// server; in cluster mode each statement becomes what it means on a
// cluster, by one rule rather than per-table code, so migrations others add
// need nothing more:
//   - CREATE TABLE t (...) ENGINE = <any>MergeTree ... becomes
//     CREATE TABLE t_local (...) (the same definition) and
//     CREATE TABLE t AS t_local ENGINE = Distributed(cluster, db, t_local,
//     cityHash64(key)), on every node. The key is council_code when the
//     table has it, else the first column of ORDER BY (councils: code;
//     crawl_runs: run_id; review_moderation: review_id...). A key that is
//     not a String shards by rand() and is written through the Distributed
//     table.
//   - CREATE TABLE with another engine (Log, Memory...) is run as it is on
//     every node: a table of each node's own.
//   - ALTER TABLE t ADD|DROP|MODIFY|COMMENT COLUMN goes to t_local and to t
//     on every node (the migrator skips an ADD COLUMN whose column exists,
//     as 18.16 has no IF NOT EXISTS there); other ALTERs (mutations,
//     partitions) go to t_local only.
//   - DROP TABLE t drops t and t_local.
//   - CREATE MATERIALIZED VIEW v TO t AS SELECT ... FROM src ... (one
//     FROM, no JOIN but ARRAY JOIN) is created on every node over src's
//     local table, writing to t's local table: each shard's inserts feed
//     its own view, and reads through the Distributed t see every row. A
//     view without TO, or whose source is sharded but whose target is
//     not, is refused.
//   - Anything else is refused with an error naming the statement: a new
//     kind of statement needs a rule here (TestClusterRuleCoversMigrations
//     applies every migration file through it).
// Replicated engines are refused: they need ZooKeeper.
// Each node records the migrations it applied in its own schema_migrations.

// clusterTable is how a sharded table is sharded.
type clusterTable struct {
	key    string // the shard key column
	routed bool   // the key is a String: the client writes to the owning shard
}

// localName is the name of a sharded table's local table on each node.
func localName(table string) string { return table + "_local" }

var (
	createTable = regexp.MustCompile(`(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(`)
	engineRe    = regexp.MustCompile(`(?is)^\s*ENGINE\s*=\s*(\w+)`)
	orderByRe   = regexp.MustCompile(`(?is)\bORDER\s+BY\s+\(?\s*(\w+)`)
	alterTable  = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+(\w+)\s+(\w+)(\s+(\w+))?`)
	dropTable   = regexp.MustCompile(`(?is)^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?(\w+)\s*$`)
	createView  = regexp.MustCompile(`(?is)^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)(\s+TO\s+(\w+))?\s+AS\s+`)
	viewFrom    = regexp.MustCompile(`(?i)\bFROM\s+(\w+)\b`)
	viewFroms   = regexp.MustCompile(`(?i)\bFROM\b`)
	viewJoin    = regexp.MustCompile(`(?i)(\bARRAY\s+)?\bJOIN\b`)
)

// parsedCreate is a CREATE TABLE statement taken apart.
type parsedCreate struct {
	table   string
	columns map[string]string // name -> type
	body    string            // "(...) ENGINE = ..." after the name
	engine  string
	key     string
}

// parseCreate takes a CREATE TABLE apart; ok is false for other statements.
func parseCreate(stmt string) (parsedCreate, bool, error) {
	m := createTable.FindStringSubmatchIndex(stmt)
	if m == nil {
		return parsedCreate{}, false, nil
	}
	p := parsedCreate{table: stmt[m[4]:m[5]], columns: map[string]string{}}
	open := m[1] - 1
	depth, end := 0, -1
	for i := open; i < len(stmt) && end < 0; i++ {
		switch stmt[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				end = i
			}
		case '\'':
			j := strings.IndexByte(stmt[i+1:], '\'')
			if j < 0 {
				return p, true, fmt.Errorf("create table %s: unterminated string", p.table)
			}
			i += j + 1
		}
	}
	if end < 0 {
		return p, true, fmt.Errorf("create table %s: unbalanced parentheses", p.table)
	}
	for _, def := range splitTopLevel(stmt[open+1 : end]) {
		f := strings.Fields(def)
		if len(f) >= 2 {
			p.columns[f[0]] = f[1]
		}
	}
	em := engineRe.FindStringSubmatch(stmt[end+1:])
	if em == nil {
		return p, true, fmt.Errorf("create table %s: no ENGINE", p.table)
	}
	p.engine = em[1]
	p.body = stmt[open:]
	if _, ok := p.columns["council_code"]; ok {
		p.key = "council_code"
	} else if om := orderByRe.FindStringSubmatch(stmt[end+1:]); om != nil {
		p.key = om[1]
	}
	return p, true, nil
}

// splitTopLevel splits a column list at commas outside parentheses and quotes.
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

func isMergeTree(engine string) bool { return strings.HasSuffix(engine, "MergeTree") }

// clusterTables reads every migration's CREATE TABLEs: the sharded tables
// and their keys.
func clusterTables() (map[string]clusterTable, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	out := map[string]clusterTable{}
	for _, m := range ms {
		for _, stmt := range m.Statements {
			p, ok, err := parseCreate(stmt)
			if err != nil {
				return nil, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if !ok || !isMergeTree(p.engine) {
				continue
			}
			t := clusterTable{key: p.key}
			typ := p.columns[p.key]
			t.routed = typ == "String" || typ == "LowCardinality(String)"
			out[p.table] = t
		}
	}
	return out, nil
}

// clusterStep is one statement of a migration as run on each node;
// column, when set, names the column an ADD COLUMN adds to table (skipped
// where it exists).
type clusterStep struct {
	sql           string
	table, column string
}

// clusterStatements applies the cluster rule to one migration statement.
func clusterStatements(stmt string, tables map[string]clusterTable, clusterName, db string) ([]clusterStep, error) {
	p, isCreate, err := parseCreate(stmt)
	if err != nil {
		return nil, err
	}
	if isCreate {
		if strings.HasPrefix(p.engine, "Replicated") {
			return nil, fmt.Errorf("create table %s: %s needs ZooKeeper; cluster mode shards plain MergeTree tables", p.table, p.engine)
		}
		if !isMergeTree(p.engine) {
			return []clusterStep{{sql: stmt}}, nil
		}
		t := tables[p.table]
		key := "rand()"
		if t.routed {
			key = "cityHash64(" + t.key + ")"
		}
		local := localName(p.table)
		return []clusterStep{
			{sql: "CREATE TABLE IF NOT EXISTS " + local + " " + p.body},
			{sql: fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s AS %s ENGINE = Distributed(%s, %s, %s, %s)", p.table, local, clusterName, db, local, key)},
		}, nil
	}
	if m := alterTable.FindStringSubmatchIndex(stmt); m != nil {
		table, verb := stmt[m[2]:m[3]], strings.ToUpper(stmt[m[4]:m[5]])
		if _, sharded := tables[table]; !sharded {
			return []clusterStep{{sql: stmt}}, nil
		}
		rest := stmt[m[3]:]
		local := []clusterStep{{sql: "ALTER TABLE " + localName(table) + rest}}
		column := m[6] >= 0 && strings.EqualFold(stmt[m[8]:m[9]], "COLUMN")
		if !column || (verb != "ADD" && verb != "DROP" && verb != "MODIFY" && verb != "COMMENT") {
			return local, nil // mutations, partitions: the data is in the local tables
		}
		steps := append(local, clusterStep{sql: stmt})
		if verb == "ADD" {
			if am := addColumn.FindStringSubmatch(stmt); am != nil {
				steps[0].table, steps[0].column = localName(table), am[2]
				steps[1].table, steps[1].column = table, am[2]
			}
		}
		return steps, nil
	}
	if m := createView.FindStringSubmatchIndex(stmt); m != nil {
		return clusterView(stmt, m, tables)
	}
	if m := dropTable.FindStringSubmatch(stmt); m != nil {
		if _, sharded := tables[m[2]]; !sharded {
			return []clusterStep{{sql: stmt}}, nil
		}
		return []clusterStep{{sql: "DROP TABLE IF EXISTS " + m[2]}, {sql: "DROP TABLE IF EXISTS " + localName(m[2])}}, nil
	}
	first := strings.Fields(stmt)
	word := ""
	if len(first) > 0 {
		word = first[0]
	}
	return nil, fmt.Errorf("cluster mode has no rule for a %s statement (data/cluster_migrate.go): %.80s", strings.ToUpper(word), stmt)
}

// clusterView applies the rule to a CREATE MATERIALIZED VIEW (m is
// createView's match): the view reads the source's local table and writes
// to the target's.
func clusterView(stmt string, m []int, tables map[string]clusterTable) ([]clusterStep, error) {
	view := stmt[m[4]:m[5]]
	if m[8] < 0 {
		return nil, fmt.Errorf("materialized view %s: cluster mode needs TO a table (a view's inner table is not sharded)", view)
	}
	target, sel := stmt[m[8]:m[9]], stmt[m[1]:]
	for _, j := range viewJoin.FindAllStringSubmatch(sel, -1) {
		if j[1] == "" {
			return nil, fmt.Errorf("materialized view %s: a JOIN reads other shards' rows; cluster mode has no rule for it", view)
		}
	}
	if len(viewFroms.FindAllStringIndex(sel, -1)) != 1 {
		return nil, fmt.Errorf("materialized view %s: cluster mode needs one FROM a table (no subqueries)", view)
	}
	fm := viewFrom.FindStringSubmatchIndex(sel)
	if fm == nil {
		return nil, fmt.Errorf("materialized view %s: cluster mode needs FROM a table", view)
	}
	source := sel[fm[2]:fm[3]]
	_, srcSharded := tables[source]
	_, dstSharded := tables[target]
	if srcSharded && !dstSharded {
		return nil, fmt.Errorf("materialized view %s: %s is sharded but %s is not: each node's %s would hold only its shard's rows", view, source, target, target)
	}
	if srcSharded {
		sel = sel[:fm[2]] + localName(source) + sel[fm[3]:]
	}
	if dstSharded {
		target = localName(target)
	}
	return []clusterStep{{sql: "CREATE MATERIALIZED VIEW IF NOT EXISTS " + view + " TO " + target + " AS " + sel}}, nil
}

// migrateCluster applies the migrations on every node, each node recording
// its own. Runners take the lock on the first shard's server.
func (s *Store) migrateCluster(ctx context.Context, ms []Migration) ([]string, error) {
	c := s.cluster
	for _, n := range c.nodes {
		if err := n.conn.Exec(ctx, sqlCreateMigrations); err != nil {
			return nil, fmt.Errorf("shard %d (%s): create schema_migrations: %w", n.shard, n.addr, err)
		}
	}
	release, err := s.lockMigrationsOn(ctx, c.nodes[0].conn)
	if err != nil {
		return nil, err
	}
	defer release()
	var done []string
	seen := map[string]bool{}
	for _, n := range c.nodes {
		applied, err := appliedVersions(ctx, n.conn)
		if err != nil {
			return done, fmt.Errorf("shard %d (%s): %w", n.shard, n.addr, err)
		}
		for _, m := range ms {
			if applied[m.Version] {
				continue
			}
			for i, stmt := range m.Statements {
				steps, err := clusterStatements(stmt, c.tables, c.name, s.db)
				if err != nil {
					return done, fmt.Errorf("migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, err)
				}
				for _, st := range steps {
					if err := execStep(ctx, n.conn, st); err != nil {
						return done, fmt.Errorf("shard %d (%s): migration %04d_%s statement %d: %w", n.shard, n.addr, m.Version, m.Name, i+1, err)
					}
				}
			}
			if err := insertOn(ctx, n.conn, sqlRecordMigration, [][]any{{uint32(m.Version), m.Name, time.Now().UTC()}}); err != nil {
				return done, fmt.Errorf("shard %d (%s): record migration %04d: %w", n.shard, n.addr, m.Version, err)
			}
			name := fmt.Sprintf("%04d_%s", m.Version, m.Name)
			if !seen[name] {
				seen[name] = true
				done = append(done, name)
			}
		}
	}
	return done, nil
}

func execStep(ctx context.Context, conn driver.Conn, st clusterStep) error {
	if st.column != "" {
		var n uint64
		if err := conn.QueryRow(ctx, sqlColumnExists, st.table, st.column).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return conn.Exec(ctx, st.sql)
}
