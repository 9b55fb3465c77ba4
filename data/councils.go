package data

import (
	"context"
	"fmt"
	"time"
)

const (
	sqlInsertCouncils = `INSERT INTO councils (code, name, type, tier, nation, homepage_url, region, parent_county, la_code, govuk_slug, source, parent_code, loaded_at)`
	sqlCouncils       = `SELECT code,
       argMax(name, loaded_at), argMax(type, loaded_at), argMax(tier, loaded_at), argMax(nation, loaded_at),
       argMax(homepage_url, loaded_at), argMax(region, loaded_at), argMax(parent_county, loaded_at),
       argMax(la_code, loaded_at), argMax(govuk_slug, loaded_at), argMax(source, loaded_at), argMax(parent_code, loaded_at)
FROM councils GROUP BY code ORDER BY code`
)

// LoadCouncils writes the register in one batch (all rows or none). Later
// loads win over earlier ones for the same code.
func (s *Store) LoadCouncils(ctx context.Context, cs []Council) error {
	now := time.Now().UTC()
	rows := make([][]any, 0, len(cs))
	for _, c := range cs {
		rows = append(rows, []any{c.Code, c.Name, c.Type, c.Tier, c.Nation, c.HomepageURL, c.Region,
			c.ParentCounty, c.LACode, c.Slug, c.Source, c.ParentCode, now})
	}
	if err := s.insertRows(ctx, sqlInsertCouncils, rows...); err != nil {
		return fmt.Errorf("load councils: %w", err)
	}
	return nil
}

// Councils returns every council in the stored register, filtered.
func (s *Store) Councils(ctx context.Context, f CouncilFilter) ([]Council, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, sqlCouncils)
	if err != nil {
		return nil, fmt.Errorf("councils: %w", err)
	}
	defer rows.Close()
	var out []Council
	for rows.Next() {
		var c Council
		if err := rows.Scan(&c.Code, &c.Name, &c.Type, &c.Tier, &c.Nation, &c.HomepageURL, &c.Region,
			&c.ParentCounty, &c.LACode, &c.Slug, &c.Source, &c.ParentCode); err != nil {
			return nil, err
		}
		if f.Match(c) {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}
