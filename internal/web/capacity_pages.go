package web

// capacityRoutes registers the pages of the capacity board.
func (s *Server) capacityRoutes() {}
