package access_test

import (
	"slices"
	"testing"

	"passerelle/internal/access"
)

// A crisis of the Loire (42) whose cell counts the referent of 42 and the
// director of B (an operator's representative from elsewhere).
var (
	cellOf42      = []string{"ref42", "dirB"}
	crisis42      = access.Resource{Type: access.ResCrisis, ID: "cr", Departement: "42", MemberIDs: cellOf42}
	crisisCell42  = access.Resource{Type: access.ResCrisisCell, ID: "cr", Departement: "42", MemberIDs: cellOf42}
	decision42    = access.Resource{Type: access.ResCrisisDecision, ID: "cr", Departement: "42", MemberIDs: cellOf42}
	note42        = access.Resource{Type: access.ResCrisisNote, ID: "cr", Departement: "42", MemberIDs: cellOf42}
	statusOfA42   = access.Resource{Type: access.ResCrisisStatus, ID: "cr", Departement: "42", MemberIDs: cellOf42, OrganisationIDs: []string{orgA}}
	territory42   = []string{"steering of 42", "ARS steering of 42", "referent of 42", "steering in a structure of 42"}
	steering42    = []string{"steering of 42", "ARS steering of 42", "system"}
	cellAndSteer  = []string{"steering of 42", "ARS steering of 42", "referent of 42", "director of B", "system"}
	territoryCell = append(slices.Clone(territory42), "director of B", "system")
	// A cell a parent's accounts were added to by mistake: they open nothing.
	cellWithParents = []string{"par", "parASE"}
	noteParents42   = access.Resource{Type: access.ResCrisisNote, ID: "cr", Departement: "42", MemberIDs: cellWithParents}
	boardParents42  = access.Resource{Type: access.ResCrisisStatus, ID: "cr", Departement: "42", MemberIDs: cellWithParents}
	crisisParents42 = access.Resource{Type: access.ResCrisis, ID: "cr", Departement: "42", MemberIDs: cellWithParents}
)

func init() {
	matrix = append(matrix,
		matrixRow{access.ActionList, crisis42, "crises", everyAccount},
		matrixRow{access.ActionView, crisis42, "the crisis of 42", territoryCell},
		matrixRow{access.ActionCreate, access.Resource{Type: access.ResCrisis, Departement: "42"}, "a crisis of 42", steering42},
		matrixRow{access.ActionUpdate, crisis42, "the cadence of the crisis of 42", cellAndSteer},
		matrixRow{access.ActionEnd, crisis42, "the crisis of 42", steering42},
		matrixRow{access.ActionExport, crisis42, "the report of the crisis of 42", cellAndSteer},
		matrixRow{access.ActionView, crisisCell42, "the cell of 42", territoryCell},
		matrixRow{access.ActionUpdate, crisisCell42, "the cell of 42", steering42},
		matrixRow{access.ActionView, decision42, "the decisions of 42", territoryCell},
		matrixRow{access.ActionCreate, decision42, "a decision of 42", cellAndSteer},
		matrixRow{access.ActionView, note42, "the meeting notes of 42", cellAndSteer},
		matrixRow{access.ActionCreate, note42, "a meeting note of 42", cellAndSteer},
		matrixRow{access.ActionCreate, statusOfA42, "A's status report", []string{"director of A", "educator of A", "educator (the self)", "system"}},
		matrixRow{access.ActionView, statusOfA42, "A's status reports", append(slices.Clone(cellAndSteer), "director of A", "educator of A", "educator (the self)")},
		matrixRow{access.ActionList, statusOfA42, "the status board of 42", cellAndSteer},
		matrixRow{access.ActionView, noteParents42, "the notes of a cell with parents", steering42},
		matrixRow{access.ActionList, boardParents42, "the board of a cell with parents", steering42},
		matrixRow{access.ActionExport, crisisParents42, "the report of a cell with parents", steering42},
		matrixRow{access.ActionView, crisisParents42, "a crisis whose cell has parents", append(slices.Clone(territory42), "system")},
	)
}

func TestCrisisDepartements(t *testing.T) {
	a := access.Actor{AccountID: "x", Memberships: []access.Membership{
		{OrganisationID: "s1", Departement: "42", Role: access.RoleDirector},
		{OrganisationID: "ase69", Departement: "69", Role: access.RoleParent},
		{OrganisationID: "s2", Departement: "42", Role: access.RoleEducator},
		{OrganisationID: "platform", Role: access.RoleAdmin},
		{OrganisationID: "s3", Departement: "43", Role: access.RoleEducator},
	}}
	if got := access.CrisisDepartements(a); !slices.Equal(got, []string{"42", "43"}) {
		t.Fatalf("got %v", got)
	}
}
