package web

import (
	"context"
	"html/template"
)

// crisisSideRoutes registers the pages of continuity plans, broadcasts and
// the on-call rota.
func (s *Server) crisisSideRoutes() {}

// crisisSideAPIRoutes registers their API.
func (s *Server) crisisSideAPIRoutes() {}

func crisisSideFuncs() template.FuncMap { return template.FuncMap{} }

// crisisSide is what the crisis page shows of continuity plans, broadcasts
// and the on-call rota, rendered by the "crisis_side" template.
type crisisSide struct{}

// crisisSideFor loads it for a crisis of a département.
func (s *Server) crisisSideFor(ctx context.Context, departement, crisisID string) (crisisSide, error) {
	return crisisSide{}, nil
}
