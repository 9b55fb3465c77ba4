package data

import (
	"encoding/json"
	"strings"
)

// Demo runs. The offline demo (`councildash demo`, `serve --crawl demo`)
// crawls a local copy of council pages on loopback: its runs are marked as
// demo runs in their settings, so every page and export can say so, and a
// run it keeps only to show a trend (the same pages crawled again minutes
// later, the generated pages varied) is marked simulated.

// DemoRunLabelPrefix starts the label of every run the demo makes (runs
// stored before the settings carried the marks are known by it).
const DemoRunLabelPrefix = "demo run"

// DemoSettings are the marks a demo run's settings carry (JSON keys "demo"
// and "simulated" beside the crawl settings).
type DemoSettings struct {
	Demo      bool `json:"demo"`
	Simulated bool `json:"simulated"`
}

func (r Run) demoSettings() DemoSettings {
	var d DemoSettings
	if strings.Contains(r.Settings, `"demo"`) {
		_ = json.Unmarshal([]byte(r.Settings), &d) // settings that do not parse carry no marks
	}
	return d
}

// IsDemo reports whether the run was made by the offline demo.
func (r Run) IsDemo() bool {
	return r.demoSettings().Demo || strings.HasPrefix(r.Label, DemoRunLabelPrefix)
}

// IsSimulated reports whether the run is a demo run kept only to show a
// trend: its differences from the run before are made up, not a change of
// the councils' sites over time.
func (r Run) IsSimulated() bool {
	d := r.demoSettings()
	return d.Demo && d.Simulated
}
