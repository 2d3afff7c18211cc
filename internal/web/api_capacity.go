package web

// capacityAPIRoutes registers the capacity board's API.
func (s *Server) capacityAPIRoutes() {}
