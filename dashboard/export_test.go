package dashboard

// SetLeaguePerPage sets how many rows a page of the league table holds
// (tests: the browser tests show the pagination with a few councils).
func SetLeaguePerPage(s *Server, n int) { s.perPage = n }
