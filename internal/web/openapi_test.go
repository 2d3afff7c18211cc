package web

import (
	"encoding/json"
	"testing"
	"testing/fstest"
)

// A path or schema documented twice is refused rather than one of them
// silently hidden.
func TestOpenAPIFragmentsMerge(t *testing.T) {
	frame := `{"openapi":"3.1.0","info":{},"paths":{"/a":{}},"components":{"schemas":{"A":{}}}}`
	good := fstest.MapFS{
		"openapi.json":   {Data: []byte(frame)},
		"openapi/b.json": {Data: []byte(`{"paths":{"/b":{}},"components":{"schemas":{"B":{}},"parameters":{"P":{}}}}`)},
	}
	b, err := mergeOpenAPI(good)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI    string
		Paths      map[string]any
		Components map[string]map[string]any
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Paths) != 2 || len(doc.Components["schemas"]) != 2 || len(doc.Components["parameters"]) != 1 {
		t.Fatalf("merged: %s", b)
	}
	for name, part := range map[string]string{
		"path":   `{"paths":{"/a":{}}}`,
		"schema": `{"components":{"schemas":{"A":{}}}}`,
		"broken": `{"paths":`,
	} {
		bad := fstest.MapFS{"openapi.json": {Data: []byte(frame)}, "openapi/x.json": {Data: []byte(part)}}
		if _, err := mergeOpenAPI(bad); err == nil {
			t.Errorf("%s: a bad fragment was merged", name)
		}
	}
}
