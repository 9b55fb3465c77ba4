package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/councildash/councildash/data"
)

func writeCouncils(w io.Writer, cs []data.Council, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if cs == nil {
			cs = []data.Council{}
		}
		return enc.Encode(cs)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"code", "name", "type", "tier", "nation", "homepage_url", "region", "parent_county", "parent_code"})
		for _, c := range cs {
			_ = cw.Write([]string{c.Code, c.Name, c.Type, c.Tier, c.Nation, c.HomepageURL, c.Region, c.ParentCounty, c.ParentCode})
		}
		cw.Flush()
		return cw.Error()
	case "table":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tNAME\tTIER\tNATION\tREGION\tHOMEPAGE")
		for _, c := range cs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Code, c.Name, c.Tier, c.Nation, c.Region, c.HomepageURL)
		}
		fmt.Fprintf(tw, "\n%d councils\n", len(cs))
		return tw.Flush()
	default:
		return fmt.Errorf("unknown --format %q (table, csv or json)", format)
	}
}
