package dashboard

// SetLeaguePerPage sets how many rows a page of the league table holds
// (tests: the browser tests show the pagination with a few councils).
func SetLeaguePerPage(s *Server, n int) { s.perPage = n }

// EvidenceHeld is how many councils' evidence the server keeps and about
// how many bytes it takes (the scale measurement reports it).
func EvidenceHeld(s *Server) (councils, bytes int) { return s.evidenceCache.held() }
