package access_test

import (
	"slices"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

var (
	planOfA        = access.Resource{Type: access.ResContinuityPlan, ID: orgA, OrganisationIDs: []string{orgA}, Departement: "42"}
	plans42        = access.Resource{Type: access.ResContinuityPlan, Departement: "42"}
	broadcastToAB  = access.Resource{Type: access.ResBroadcast, ID: "bc", Departement: "42", RecipientIDs: []string{orgA, orgB}}
	ackOf          = func(org string) access.Resource { r := broadcastToAB; r.ProviderID = org; return r }
	rotaOfB        = access.Resource{Type: access.ResOnCallRota, ID: orgB, OrganisationIDs: []string{orgB}, Departement: "42"}
	everyButParent = func() []string {
		var out []string
		for _, n := range everyAccount {
			if n != "parent" && n != "parent in the ASE" {
				out = append(out, n)
			}
		}
		return out
	}()
)

func init() {
	matrix = append(matrix,
		matrixRow{access.ActionList, plans42, "continuity plans of 42", []string{"admin", "steering of 42", "ARS steering of 42", "system"}},
		matrixRow{access.ActionView, planOfA, "continuity plan of A (42)", []string{"admin", "director of A", "educator of A", "educator (the self)",
			"steering of 42", "ARS steering of 42", "system"}},
		matrixRow{access.ActionUpdate, planOfA, "continuity plan of A", []string{"admin", "director of A", "system"}},

		matrixRow{access.ActionList, access.Resource{Type: access.ResBroadcast}, "broadcasts", everyAccount},
		matrixRow{access.ActionCreate, access.Resource{Type: access.ResBroadcast, Departement: "42"}, "broadcast in 42",
			[]string{"steering of 42", "ARS steering of 42", "system"}},
		matrixRow{access.ActionView, broadcastToAB, "broadcast of 42 to A and B", []string{"steering of 42", "ARS steering of 42",
			"director of A", "educator of A", "educator (the self)", "director of B", "mobile team", "foster carer", "system"}},
		matrixRow{access.ActionAcknowledge, ackOf(orgA), "the broadcast, for A", []string{"director of A", "educator of A", "educator (the self)", "system"}},
		matrixRow{access.ActionAcknowledge, ackOf(orgB), "the broadcast, for B", []string{"director of B", "mobile team", "system"}},
		matrixRow{access.ActionAcknowledge, ackOf("org-c"), "the broadcast, for a structure it did not go to", []string{"system"}},

		matrixRow{access.ActionView, rotaOfB, "on-call rota of team B", everyButParent},
		matrixRow{access.ActionUpdate, rotaOfB, "on-call rota of team B", []string{"admin", "director of B", "mobile team", "system"}},
		matrixRow{access.ActionExport, rotaOfB, "calendar link of team B's rota", []string{"director of B", "mobile team", "foster carer", "system"}},
	)
}

// The broadcasts' list condition: the steering reads their territory's,
// a structure those sent to it, a parent none.
func TestBroadcastScope(t *testing.T) {
	cases := []struct {
		actor string
		want  string
		args  []any
	}{
		{"system", "TRUE", nil},
		{"anonymous", "FALSE", nil},
		{"parent", "FALSE", nil},
		{"steering of 42", "(EXISTS (SELECT 1 FROM crisis_broadcast_recipients br WHERE br.broadcast_id = b.id AND br.structure_id IN ($1)) OR b.departement IN ($2))",
			[]any{"auth-42ase", "42"}},
		{"director of A", "(EXISTS (SELECT 1 FROM crisis_broadcast_recipients br WHERE br.broadcast_id = b.id AND br.structure_id IN ($1)))", []any{orgA}},
	}
	for _, c := range cases {
		var args db.Args
		if got := access.BroadcastScope(actors[c.actor], "b.id", "b.departement", &args); got != c.want || !slices.Equal(args.Values(), c.args) {
			t.Errorf("%s: %q %v, want %q %v", c.actor, got, args.Values(), c.want, c.args)
		}
	}
	if got := access.SteeringDepartements(actors["ARS steering of 42"]); !slices.Equal(got, []string{"42"}) {
		t.Errorf("ARS steering of 42: %v", got)
	}
	if got := access.SteeringDepartements(actors["steering in a structure of 42"]); len(got) != 0 {
		t.Errorf("a steering role in a structure: %v", got)
	}
}
