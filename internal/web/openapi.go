package web

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes every /api/v1 operation; a test keeps it and
// the registered routes equal, and validates it against OpenAPI 3.1.
//
//go:embed openapi.json
var openAPIDocument []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, err := w.Write(openAPIDocument)
	return err
}
