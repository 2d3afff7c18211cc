package web

import "html/template"

// crisisRoutes registers the crisis pages: activation, the crisis page,
// the cell, status reports and the end report.
func (s *Server) crisisRoutes() {}

// crisisAPIRoutes registers their API.
func (s *Server) crisisAPIRoutes() {}

func crisisFuncs() template.FuncMap { return template.FuncMap{} }
