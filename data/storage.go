package data

import (
	"context"
	"fmt"
	"sort"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// TableStorage is what one table holds on disk (summed over every node in
// cluster mode): the sizing figures of docs/SCALING.md.
type TableStorage struct {
	Table        string `json:"table"`
	Rows         uint64 `json:"rows"`
	BytesOnDisk  uint64 `json:"bytes_on_disk"`
	Uncompressed uint64 `json:"bytes_uncompressed"`
}

const sqlStorage = `SELECT table, sum(rows), sum(bytes_on_disk), sum(data_uncompressed_bytes)
FROM system.parts WHERE database = currentDatabase() AND active
GROUP BY table ORDER BY table`

// Storage returns the rows and bytes each table of the database holds
// (local tables are counted under their table's name).
func (s *Store) Storage(ctx context.Context) ([]TableStorage, error) {
	sum := map[string]*TableStorage{}
	err := s.eachNode(ctx, func(ctx context.Context, conn driver.Conn) error {
		rows, err := conn.Query(ctx, sqlStorage)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t TableStorage
			if err := rows.Scan(&t.Table, &t.Rows, &t.BytesOnDisk, &t.Uncompressed); err != nil {
				return err
			}
			if s.cluster != nil {
				for name := range s.cluster.tables {
					if t.Table == localName(name) {
						t.Table = name
					}
				}
			}
			acc := sum[t.Table]
			if acc == nil {
				acc = &TableStorage{Table: t.Table}
				sum[t.Table] = acc
			}
			acc.Rows += t.Rows
			acc.BytesOnDisk += t.BytesOnDisk
			acc.Uncompressed += t.Uncompressed
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("%w: storage: %v", ErrUnavailable, err)
	}
	out := make([]TableStorage, 0, len(sum))
	for _, t := range sum {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	return out, nil
}
