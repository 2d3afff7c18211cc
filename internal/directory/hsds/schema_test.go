package hsds_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/jsonschema/v6"
)

// The vendored schemas are served at the URLs openapi.json refers to, so that
// its absolute $refs resolve offline, and made strict as upstream validates
// its own examples (compiletojsonschema --set-additional-properties-false-
// everywhere): a misspelt or invented key fails the test.

const schemaBase = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

// Schemas the tests validate against, by what they describe.
const (
	serviceSchema      = schemaBase + "compiled/service.json"
	organizationSchema = schemaBase + "compiled/organization.json"
	servicePageSchema  = schemaBase + "openapi.json#/paths/~1services/get/responses/200/content/application~1json/schema"
	orgPageSchema      = schemaBase + "openapi.json#/paths/~1organizations/get/responses/200/content/application~1json/schema"
)

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

// schema returns the compiled schema at url (one of the constants above).
func schema(t *testing.T, url string) *jsonschema.Schema {
	t.Helper()
	compileOnce.Do(func() { compiled, compileErr = compileSchemas() })
	if compileErr != nil {
		t.Fatalf("compile schemas: %v", compileErr)
	}
	return compiled[url]
}

func compileSchemas() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020) // openapi.json's jsonSchemaDialect
	c.AssertFormat()                     // ids are uuid, emails email, URLs uri
	docs, err := loadSchemas(os.DirFS("schema"))
	if err != nil {
		return nil, err
	}
	for name, doc := range docs {
		if err := c.AddResource(schemaBase+name, doc); err != nil {
			return nil, err
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, url := range []string{serviceSchema, organizationSchema, servicePageSchema, orgPageSchema} {
		sch, err := c.Compile(url)
		if err != nil {
			return nil, err
		}
		out[url] = sch
	}
	return out, nil
}

// loadSchemas reads the vendored files and adds the two compiled schemas the
// API refers to but which are not vendored: compiled/service.json is
// service.json with its $refs inlined, compiled/organization.json the same for
// organization.json plus a services array (see schema/README.md).
func loadSchemas(fsys fs.FS) (map[string]any, error) {
	docs := map[string]any{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".json" {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return err
		}
		if name == "openapi.json" {
			for _, p := range []string{"/services", "/organizations"} {
				closeResponse(doc, p)
			}
		} else {
			closeObjects(doc)
		}
		docs[name] = doc
		return nil
	})
	if err != nil {
		return nil, err
	}
	docs["compiled/service.json"] = map[string]any{"$ref": "../service.json"}
	b, err := fs.ReadFile(fsys, "organization.json")
	if err != nil {
		return nil, err
	}
	org, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	rebase(org, "../")
	closeObjects(org)
	org.(map[string]any)["properties"].(map[string]any)["services"] = map[string]any{
		"type":  "array",
		"items": map[string]any{"$ref": "../service.json"},
	}
	docs["compiled/organization.json"] = org
	return docs, nil
}

// closeObjects sets additionalProperties to false on every object schema
// that lists its properties.
func closeObjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"].(map[string]any); ok && v["type"] == "object" {
			if _, set := v["additionalProperties"]; !set {
				v["additionalProperties"] = false
			}
		}
		for _, e := range v {
			closeObjects(e)
		}
	case []any:
		for _, e := range v {
			closeObjects(e)
		}
	}
}

// closeResponse forbids keys other than contents and the Page ones in the
// response of GET p; the Page properties come through allOf, hence
// unevaluatedProperties.
func closeResponse(openapi any, p string) {
	var v any = openapi
	for _, k := range []string{"paths", p, "get", "responses", "200", "content", "application/json", "schema"} {
		v = v.(map[string]any)[k]
	}
	v.(map[string]any)["unevaluatedProperties"] = false
}

// rebase prefixes the relative $refs of v with prefix.
func rebase(v any, prefix string) {
	switch v := v.(type) {
	case map[string]any:
		if r, ok := v["$ref"].(string); ok && !strings.HasPrefix(r, "#") && !strings.Contains(r, "://") {
			v["$ref"] = prefix + r
		}
		for _, e := range v {
			rebase(e, prefix)
		}
	case []any:
		for _, e := range v {
			rebase(e, prefix)
		}
	}
}

// validate marshals v and validates it against the schema at url.
func validate(t *testing.T, url string, v any) error {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return schema(t, url).Validate(doc)
}

// mustValidate fails the test when v does not follow the schema at url.
func mustValidate(t *testing.T, url string, v any) {
	t.Helper()
	if err := validate(t, url, v); err != nil {
		b, _ := json.MarshalIndent(v, "", "  ")
		t.Fatalf("output does not follow %s:\n%v\n%s", url, err, b)
	}
}
