package hsds_test

import (
	"reflect"
	"testing"

	"passerelle/internal/directory/hsds"
)

func TestPageMath(t *testing.T) {
	tests := []struct {
		name                       string
		total, page, perPage, n    int
		wantPages, wantNumber      int
		wantFirst, wantLast, empty bool
	}{
		{"page 1 of 3", 25, 1, 10, 10, 3, 1, true, false, false},
		{"page 2 of 3", 25, 2, 10, 10, 3, 2, false, false, false},
		{"page 3 of 3, short", 25, 3, 10, 5, 3, 3, false, true, false},
		{"exact multiple", 20, 2, 10, 10, 2, 2, false, true, false},
		{"single page", 3, 1, 10, 3, 1, 1, true, true, false},
		{"no results", 0, 1, 10, 0, 0, 1, true, true, true},
		{"past the end", 25, 4, 10, 0, 3, 4, false, true, true},
		{"page 0 is page 1", 25, 0, 10, 10, 3, 1, true, false, false},
		{"perPage 0 is 1", 2, 1, 0, 1, 2, 1, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := make([]hsds.Service, tt.n)
			for i := range items {
				items[i] = hsds.ServicesOf(mecs())[0]
			}
			p := hsds.ServicePage(items, tt.total, tt.page, tt.perPage)
			want := hsds.Page[hsds.Service]{
				TotalItems: tt.total, TotalPages: tt.wantPages, PageNumber: tt.wantNumber, Size: tt.n,
				FirstPage: tt.wantFirst, LastPage: tt.wantLast, Empty: tt.empty,
			}
			got := p
			got.Contents = nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("page = %+v, want %+v", got, want)
			}
			if len(p.Contents) != tt.n {
				t.Errorf("contents = %d items, want %d", len(p.Contents), tt.n)
			}
			mustValidate(t, servicePageSchema, p)
		})
	}
}

// An empty page still has "contents": [], and the page schema accepts it.
func TestEmptyPageHasContents(t *testing.T) {
	p := hsds.OrganizationPage(nil, 0, 1, 20)
	c, ok := toMap(t, p)["contents"].([]any)
	if !ok || len(c) != 0 {
		t.Errorf(`contents = %v, want []`, toMap(t, p)["contents"])
	}
	mustValidate(t, orgPageSchema, p)
	mustValidate(t, servicePageSchema, hsds.ServicePage(nil, 0, 1, 20))
}

// List pages carry the basic form of their items, as the list schemas of
// the specification (compiled/*_list.json) define it: the strict validation
// rejects any nested array.
func TestPagesCarryBasicItems(t *testing.T) {
	s := mecs()
	sp := hsds.ServicePage(hsds.ServicesOf(s), 2, 1, 10)
	mustValidate(t, servicePageSchema, sp)
	v := toMap(t, sp)["contents"].([]any)[0].(map[string]any)
	for _, key := range []string{"service_at_locations", "languages", "attributes"} {
		if _, ok := v[key]; ok {
			t.Errorf("service list item has %q", key)
		}
	}
	if org := v["organization"].(map[string]any); org["id"] != structureID || org["locations"] != nil {
		t.Errorf("service list item organization = %v, want the basic structure", org)
	}

	op, _ := hsds.OperatorOf(s)
	op2 := hsds.OrganizationPage([]hsds.Organization{hsds.OrganizationOf(s), op}, 2, 1, 10)
	mustValidate(t, orgPageSchema, op2)
	o := toMap(t, op2)["contents"].([]any)[0].(map[string]any)
	for _, key := range []string{"services", "locations", "contacts", "organization_identifiers", "attributes"} {
		if _, ok := o[key]; ok {
			t.Errorf("organization list item has %q", key)
		}
	}
	if o["parent_organization_id"] != operatorID {
		t.Errorf("organization list item lost parent_organization_id: %v", o)
	}
}

// NewPage keeps full items, for requests with full=true; the page schema
// only constrains its envelope then, so each item is checked on its own.
func TestNewPageKeepsFullItems(t *testing.T) {
	vs := hsds.ServicesOf(mecs())
	p := hsds.NewPage(vs, 2, 1, 10)
	if p.Contents[0].ServiceAtLocations == nil {
		t.Error("NewPage reduced its items")
	}
	for _, v := range p.Contents {
		mustValidate(t, serviceSchema, v)
	}
}
