package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// recorder keeps what is written and how much of it arrived before the
// stream's last row.
type recorder struct {
	buf        bytes.Buffer
	beforeLast int
	last       *bool
}

func (r *recorder) Write(p []byte) (int, error) {
	if !*r.last {
		r.beforeLast += len(p)
	}
	return r.buf.Write(p)
}

// TestParquetStreamsRowGroups: a Parquet export larger than a row group
// goes out a row group at a time (bytes reach the client before the last
// row is read from the database, so memory holds one row group, not the
// export), and the file holds every row in ceil(n/parquetRowGroup) groups
// with the CSV's columns in the CSV's order.
func TestParquetStreamsRowGroups(t *testing.T) {
	const n = 2*parquetRowGroup + 7
	last := false
	rec := &recorder{last: &last}
	when := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	tb := table{cols: scoreColumns, stream: func(ctx context.Context, emit func([]any) error) error {
		for i := range n {
			last = i == n-1
			row := []any{"run-1", "2026.1", fmt.Sprintf("E%07d", i%400), "content", fmt.Sprintf("check-%d", i%60), float64(i%1000) / 10,
				when.Add(time.Duration(i) * time.Second), nil, nil, nil, nil, nil, nil, "Example Council", "District", "England", "East", when, i%2 == 0, i%4 == 0}
			if i%3 == 0 {
				row[7], row[8], row[9], row[10], row[11], row[12] = 10.5, 20.5, 0.9, false, 3, 7
			}
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	}}
	if err := writeParquetRows(context.Background(), rec, tb, toScoreParquet, []parquet.WriterOption{parquet.MaxRowsPerRowGroup(parquetRowGroup)}); err != nil {
		t.Fatal(err)
	}
	if rec.beforeLast < rec.buf.Len()/3 {
		t.Errorf("%d of %d bytes were sent before the last row: the export is not streamed a row group at a time", rec.beforeLast, rec.buf.Len())
	}
	f, err := parquet.OpenFile(bytes.NewReader(rec.buf.Bytes()), int64(rec.buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.RowGroups()); got != 3 || f.NumRows() != n {
		t.Errorf("%d rows in %d row groups, want %d in 3", f.NumRows(), got, n)
	}
	var cols []string
	for _, c := range f.Schema().Fields() {
		cols = append(cols, c.Name())
	}
	if fmt.Sprint(cols) != fmt.Sprint(names(scoreColumns)) {
		t.Errorf("Parquet columns %v, CSV columns %v", cols, names(scoreColumns))
	}
	var fcols []string
	for _, c := range parquet.SchemaOf(findingParquet{}).Fields() {
		fcols = append(fcols, c.Name())
	}
	if fmt.Sprint(fcols) != fmt.Sprint(names(findingColumns)) {
		t.Errorf("findings: Parquet columns %v, CSV columns %v", fcols, names(findingColumns))
	}
}
