package web

import "html/template"

// cooperationRoutes registers the pages of agreements, model documents and
// the knowledge base.
func (s *Server) cooperationRoutes() {}

// cooperationAPIRoutes registers their API.
func (s *Server) cooperationAPIRoutes() {}

func cooperationFuncs() template.FuncMap { return template.FuncMap{} }
