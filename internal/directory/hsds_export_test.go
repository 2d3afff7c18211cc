package directory_test

import (
	"encoding/json"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory/hsds"
)

// The HSDS export leaves confidential addresses out for every reader, the
// administrator included, and pages over the active entries by name.
func TestHSDSPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ts := e.territory()
		page, total, err := e.s.HSDSPage(admin, 4, 0)
		if err != nil || total != 6 || len(page) != 4 || page[0].Name != "Centre maternel Les Glycines" {
			t.Fatalf("page: %v %d %d", err, total, len(page))
		}
		b, _ := json.Marshal(hsds.OrganizationOf(page[0]))
		for _, secret := range []string{"chemin caché", "42700", "45.3901"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("HSDS shows %q: %s", secret, b)
			}
		}
		if len(page[1].Offers) != 2 { // the DITEP's respite and internat
			t.Errorf("offers %+v", page[1].Offers)
		}
		one, err := e.s.HSDSOne(e.referent42(), ts["mecs"].ID)
		if err != nil || one.Name != "MECS Saint-Exupéry" || !one.HasCoordinates {
			t.Errorf("one %+v %v", one, err)
		}
		if _, err := e.s.HSDSOne(e.referent42(), "nope"); err == nil {
			t.Error("unknown id found")
		}
	})
}
