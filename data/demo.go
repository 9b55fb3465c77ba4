package data

import (
	"encoding/json"
	"strings"
)

// Demo runs. The offline demo (`councildash demo`, `serve --crawl demo`)
// crawls a local copy of council pages on loopback: its runs are stored as
// demo runs (Run.Demo, the crawl_runs.demo column of migration 0007), so
// every page, API answer and export can say so, and a run it keeps only to
// show a trend (the same pages crawled again moments later, the generated
// pages varied) is marked simulated in its settings.

// DemoRunLabelPrefix starts the label of every run the demo makes (runs
// stored before migration 0007 are known by it: the column's default).
const DemoRunLabelPrefix = "demo run"

// IsSimulated reports whether the run is a demo run kept only to show a
// trend: its differences from the run before are made up, not a change of
// the councils' sites over time. Its settings carry "simulated": true.
func (r Run) IsSimulated() bool {
	if !r.Demo || !strings.Contains(r.Settings, `"simulated"`) {
		return false
	}
	var d struct {
		Simulated bool `json:"simulated"`
	}
	_ = json.Unmarshal([]byte(r.Settings), &d) // settings that do not parse carry no mark
	return d.Simulated
}
