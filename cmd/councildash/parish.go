package main

import (
	"strings"

	"github.com/councildash/councildash/crawler"
	"github.com/councildash/councildash/data"
)

// parishRegister labels generated sites (the demo web's) as parish
// councils, each with a parent among the register's English district and
// unitary councils in turn: a parish-scale register for the benchmarks and
// the tests, of any size.
func parishRegister(sites []crawler.Site, reg []data.Council) []data.Council {
	var parents []data.Council
	for _, c := range reg {
		if c.Nation == "England" && (c.Tier == "district" || c.Tier == "unitary") {
			parents = append(parents, c)
		}
	}
	out := make([]data.Council, 0, len(sites))
	for i, s := range sites {
		p := parents[i%len(parents)]
		name := strings.TrimSuffix(s.Name, " Council") + " Parish Council"
		out = append(out, data.Council{Code: s.Council, Name: name, Type: "Parish council", Tier: "parish",
			Nation: p.Nation, HomepageURL: s.HomeURL, Region: p.Region, ParentCounty: p.ParentCounty,
			ParentCode: p.Code, Source: "parishes"})
	}
	return out
}
