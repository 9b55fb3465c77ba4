package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Parquet exports of scores and findings: typed columns in the order of
// the CSV (scoreColumns, findingColumns; a test holds them equal), written
// with parquet-go a row group at a time, so memory stays bounded however
// large the run: at most parquetRowGroup rows are held before they are
// encoded, compressed and sent.

// parquetMediaType is Parquet's registered media type.
const parquetMediaType = "application/vnd.apache.parquet"

// parquetRowGroup is how many rows a row group holds at most.
const parquetRowGroup = 50_000

type scoreParquet struct {
	RunID         string    `parquet:"run_id,dict"`
	MethodVersion string    `parquet:"method_version,dict"`
	CouncilCode   string    `parquet:"council_code,dict"`
	Category      string    `parquet:"category,dict"`
	CheckID       string    `parquet:"check_id,dict"`
	Score         float64   `parquet:"score"`
	ScoredAt      time.Time `parquet:"scored_at,timestamp(millisecond:utc)"`
	ScoreLow      *float64  `parquet:"score_low,optional"`
	ScoreHigh     *float64  `parquet:"score_high,optional"`
	IntervalLevel *float64  `parquet:"interval_level,optional"`
	TooFewPages   *bool     `parquet:"too_few_pages,optional"`
	RankBest      *int64    `parquet:"rank_best,optional"`
	RankWorst     *int64    `parquet:"rank_worst,optional"`
	CouncilName   string    `parquet:"council_name,dict"`
	CouncilType   string    `parquet:"council_type,dict"`
	CouncilNation string    `parquet:"council_nation,dict"`
	CouncilRegion string    `parquet:"council_region,dict"`
	RunStartedAt  time.Time `parquet:"run_started_at,timestamp(millisecond:utc)"`
	Demo          bool      `parquet:"demo"`
	Simulated     bool      `parquet:"simulated"`
}

type findingParquet struct {
	RunID         string    `parquet:"run_id,dict"`
	MethodVersion string    `parquet:"method_version,dict"`
	CouncilCode   string    `parquet:"council_code,dict"`
	CheckID       string    `parquet:"check_id,dict"`
	Category      string    `parquet:"category,dict"`
	Severity      string    `parquet:"severity,dict"`
	URL           string    `parquet:"url"`
	Selector      string    `parquet:"selector"`
	Snippet       string    `parquet:"snippet"`
	Matched       []string  `parquet:"matched,list"`
	Message       string    `parquet:"message"`
	Task          string    `parquet:"task,dict"`
	CreatedAt     time.Time `parquet:"created_at,timestamp(millisecond:utc)"`
	CouncilName   string    `parquet:"council_name,dict"`
	CouncilType   string    `parquet:"council_type,dict"`
	CouncilNation string    `parquet:"council_nation,dict"`
	CouncilRegion string    `parquet:"council_region,dict"`
	RunStartedAt  time.Time `parquet:"run_started_at,timestamp(millisecond:utc)"`
	Demo          bool      `parquet:"demo"`
	Simulated     bool      `parquet:"simulated"`
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func tm(v any) time.Time {
	t, _ := v.(time.Time)
	return t.UTC()
}

// optFloat, optBool and optInt are an optional cell's value, nil when empty.
func optFloat(v any) *float64 {
	if f, ok := v.(float64); ok {
		return &f
	}
	return nil
}

func optBool(v any) *bool {
	if b, ok := v.(bool); ok {
		return &b
	}
	return nil
}

func optInt(v any) *int64 {
	if n, ok := v.(int); ok {
		i := int64(n)
		return &i
	}
	return nil
}

func toScoreParquet(r []any) scoreParquet {
	f, _ := r[5].(float64)
	d, _ := r[18].(bool)
	sim, _ := r[19].(bool)
	return scoreParquet{RunID: str(r[0]), MethodVersion: str(r[1]), CouncilCode: str(r[2]), Category: str(r[3]), CheckID: str(r[4]),
		Score: f, ScoredAt: tm(r[6]), ScoreLow: optFloat(r[7]), ScoreHigh: optFloat(r[8]), IntervalLevel: optFloat(r[9]),
		TooFewPages: optBool(r[10]), RankBest: optInt(r[11]), RankWorst: optInt(r[12]),
		CouncilName: str(r[13]), CouncilType: str(r[14]), CouncilNation: str(r[15]), CouncilRegion: str(r[16]), RunStartedAt: tm(r[17]), Demo: d, Simulated: sim}
}

func toFindingParquet(r []any) findingParquet {
	m, _ := r[9].([]string)
	d, _ := r[18].(bool)
	sim, _ := r[19].(bool)
	return findingParquet{RunID: str(r[0]), MethodVersion: str(r[1]), CouncilCode: str(r[2]), CheckID: str(r[3]), Category: str(r[4]),
		Severity: str(r[5]), URL: str(r[6]), Selector: str(r[7]), Snippet: str(r[8]), Matched: m, Message: str(r[10]),
		Task: str(r[11]), CreatedAt: tm(r[12]), CouncilName: str(r[13]), CouncilType: str(r[14]), CouncilNation: str(r[15]),
		CouncilRegion: str(r[16]), RunStartedAt: tm(r[17]), Demo: d, Simulated: sim}
}

// writeParquet streams the export as Parquet.
func (p *PreparedExport) writeParquet(ctx context.Context, w io.Writer) error {
	meta := p.metadata()
	filter, err := json.Marshal(meta.Filter)
	if err != nil {
		return err
	}
	opts := []parquet.WriterOption{
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(parquetRowGroup),
		parquet.CreatedBy("councildash", p.req.MethodVersion, ""),
		parquet.KeyValueMetadata("export", meta.Export),
		parquet.KeyValueMetadata("method_version", meta.MethodVersion),
		parquet.KeyValueMetadata("filter", string(filter)),
		parquet.KeyValueMetadata("licence", meta.Licence),
		parquet.KeyValueMetadata("licence_url", meta.LicenceURL),
		parquet.KeyValueMetadata("citation", meta.Citation),
	}
	switch p.req.Kind {
	case "scores":
		return writeParquetRows(ctx, w, p.t, toScoreParquet, opts)
	case "findings":
		return writeParquetRows(ctx, w, p.t, toFindingParquet, opts)
	}
	return fmt.Errorf("%w: no Parquet export of %s", ErrNotFound, p.req.Kind)
}

// writeParquetRows writes the table's rows in batches; the writer cuts a
// row group every parquetRowGroup rows and sends it on.
func writeParquetRows[T any](ctx context.Context, w io.Writer, t table, conv func([]any) T, opts []parquet.WriterOption) error {
	pw := parquet.NewGenericWriter[T](w, opts...)
	batch := make([]T, 0, 1024)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := pw.Write(batch); err != nil {
			return err
		}
		batch = batch[:0]
		return nil
	}
	err := t.stream(ctx, func(row []any) error {
		batch = append(batch, conv(row))
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	return pw.Close()
}
