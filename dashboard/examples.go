package dashboard

import (
	"context"
	"sort"
	"strings"

	"github.com/councildash/councildash/scoring"
)

// Worked examples: for the peers that do best on a check, a page of theirs
// to learn from (read with one bounded query per check and kept: the pages
// of a finished run never change).

// peerExamples returns, for each of the peers (councils doing best on a
// check in the latest run), a page of theirs with no finding of the check:
// the largest such page for a page check, the home page for a site check.
func (s *Server) peerExamples(ctx context.Context, m *model, checkID string, peers []peerBest) (map[string]string, error) {
	run, ok := m.latestRun()
	if !ok || len(peers) == 0 {
		return nil, nil
	}
	codes := make([]string, 0, len(peers))
	for _, p := range peers {
		codes = append(codes, p.Council.Code)
	}
	sort.Strings(codes)
	site := s.cat.checkBy[checkID].Level == scoring.LevelSite
	key := run.ID + "\x00" + checkID + "\x00" + strings.Join(codes, ",")
	return s.exampleCache.get(ctx, key, func(ctx context.Context) (map[string]string, error) {
		if site {
			return s.store.HomePages(ctx, run.ID, codes)
		}
		return s.store.ExamplePages(ctx, run.ID, checkID, codes)
	})
}

// peersOfType groups the best peers of a check by type of council (for the
// check's page), types in name order.
func peersOfType(cm *crawlModel, checkID string) []peerGroup {
	var out []peerGroup
	for _, ps := range cm.peerBest[checkID] {
		if len(ps) == 0 {
			continue
		}
		g := peerGroup{Type: ps[0].Council.Type}
		if len(ps) > peersPerType {
			ps = ps[:peersPerType]
		}
		g.Peers = ps
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

// peerGroup is the best peers of one type of council on a check.
type peerGroup struct {
	Type  string
	Peers []peerBest
	Views []peerView
}
