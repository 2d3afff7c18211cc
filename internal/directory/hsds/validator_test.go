package hsds_test

import (
	"testing"

	"passerelle/internal/directory/hsds"
)

// The validator really validates: documents broken in the ways a converter
// could break them are rejected.
func TestSchemaRejectsBrokenDocuments(t *testing.T) {
	service := func(edit func(m map[string]any)) map[string]any {
		m := toMap(t, hsds.ServicesOf(mecs())[0])
		edit(m)
		return m
	}
	location := func(m map[string]any) map[string]any {
		return m["service_at_locations"].([]any)[0].(map[string]any)["location"].(map[string]any)
	}
	page := func(edit func(m map[string]any)) map[string]any {
		m := toMap(t, hsds.ServicePage(hsds.ServicesOf(mecs()), 2, 1, 10))
		edit(m)
		return m
	}
	tests := []struct {
		name   string
		schema string
		doc    any
	}{
		{"service without id", serviceSchema, service(func(m map[string]any) { delete(m, "id") })},
		{"service without name", serviceSchema, service(func(m map[string]any) { delete(m, "name") })},
		{"service without status", serviceSchema, service(func(m map[string]any) { delete(m, "status") })},
		{"unknown status", serviceSchema, service(func(m map[string]any) { m["status"] = "ouvert" })},
		{"id not a uuid", serviceSchema, service(func(m map[string]any) { m["id"] = "internat-1" })},
		{"age as a string", serviceSchema, service(func(m map[string]any) { m["minimum_age"] = "6" })},
		{"misspelt key", serviceSchema, service(func(m map[string]any) { m["minimumAge"] = 6 })},
		{"address without postal code", serviceSchema, service(func(m map[string]any) {
			delete(location(m)["addresses"].([]any)[0].(map[string]any), "postal_code")
		})},
		{"latitude as a string", serviceSchema, service(func(m map[string]any) { location(m)["latitude"] = "45.5" })},
		{"bad e-mail", organizationSchema, func() map[string]any {
			m := toMap(t, hsds.OrganizationOf(mecs()))
			m["email"] = "pas une adresse"
			return m
		}()},
		{"organization without description", organizationSchema, func() map[string]any {
			m := toMap(t, hsds.OrganizationOf(mecs()))
			delete(m, "description")
			return m
		}()},
		{"page total as a string", servicePageSchema, page(func(m map[string]any) { m["total_items"] = "2" })},
		{"page with an unknown key", servicePageSchema, page(func(m map[string]any) { m["per_page"] = 10 })},
		{"page item without name", servicePageSchema, page(func(m map[string]any) {
			delete(m["contents"].([]any)[0].(map[string]any), "name")
		})},
		{"page item with nested arrays", servicePageSchema, page(func(m map[string]any) {
			m["contents"] = []any{toMap(t, hsds.ServicesOf(mecs())[0])}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := validate(t, tt.schema, tt.doc); err == nil {
				t.Errorf("accepted by %s", tt.schema)
			}
		})
	}
}
