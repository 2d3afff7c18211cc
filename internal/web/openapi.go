package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
)

// The OpenAPI document describes every /api/v1 operation; a test keeps it
// and the registered routes equal, and validates it against OpenAPI 3.1.
// openapi.json holds the frame and the older features; each newer feature
// keeps its paths and schemas in openapi/<feature>.json, merged here once
// at start, so that features do not all edit one large file.
//
//go:embed openapi.json openapi/*.json
var openAPIFiles embed.FS

var openAPIDocument = mustMergeOpenAPI(openAPIFiles)

// openAPIPart is what a feature's fragment may add.
type openAPIPart struct {
	Paths      map[string]json.RawMessage            `json:"paths"`
	Components map[string]map[string]json.RawMessage `json:"components"`
}

// mergeOpenAPI adds the fragments' paths and components to the main
// document. A path or component defined twice is an error: it would
// silently hide one of them.
func mergeOpenAPI(files fs.FS) ([]byte, error) {
	main, err := fs.ReadFile(files, "openapi.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(main, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	var all openAPIPart
	if err := json.Unmarshal(main, &all); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	names, err := fs.Glob(files, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	for _, name := range names {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		var part openAPIPart
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for p, v := range part.Paths {
			if _, dup := all.Paths[p]; dup {
				return nil, fmt.Errorf("%s: path %s is already documented", name, p)
			}
			all.Paths[p] = v
		}
		for kind, defs := range part.Components {
			if all.Components[kind] == nil {
				all.Components[kind] = map[string]json.RawMessage{}
			}
			for n, v := range defs {
				if _, dup := all.Components[kind][n]; dup {
					return nil, fmt.Errorf("%s: components.%s.%s is already defined", name, kind, n)
				}
				all.Components[kind][n] = v
			}
		}
	}
	if doc["paths"], err = json.Marshal(all.Paths); err != nil {
		return nil, err
	}
	if doc["components"], err = json.Marshal(all.Components); err != nil {
		return nil, err
	}
	pretty, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return nil, err
	}
	return append(pretty, '\n'), nil
}

func mustMergeOpenAPI(files fs.FS) []byte {
	b, err := mergeOpenAPI(files)
	if err != nil {
		panic("web: " + err.Error())
	}
	return b
}

// OpenAPIDocument is the merged document as served.
func OpenAPIDocument() []byte { return openAPIDocument }

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, err := w.Write(openAPIDocument)
	return err
}
