package access_test

import (
	"fmt"
	"slices"
	"testing"

	"passerelle/internal/access"
)

const (
	orgA = "org-a" // the structure the record belongs to
	orgB = "org-b" // another structure
)

func actorWith(id string, role access.Role, org string) access.Actor {
	return access.Actor{AccountID: id, Email: id + "@x.test",
		Memberships: []access.Membership{{OrganisationID: org, Role: role}}}
}

// actors are every role in the record's organisation and in another one.
var actors = map[string]access.Actor{
	"anonymous":     {},
	"admin":         actorWith("admin", access.RoleAdmin, "platform"),
	"director of A": actorWith("dirA", access.RoleDirector, orgA),
	"director of B": actorWith("dirB", access.RoleDirector, orgB),
	"educator of A": actorWith("eduA", access.RoleEducator, orgA),
	"referent":      actorWith("ref", access.RoleASEReferent, "ase"),
	"steering":      actorWith("pil", access.RoleSteering, "ase"),
	"parent":        actorWith("par", access.RoleParent, "family"),
	// A parent's membership is held in the ASE service that follows the child.
	"parent in the ASE":   actorWith("parASE", access.RoleParent, "ase"),
	"mobile team":         actorWith("emr", access.RoleMobileTeam, orgB),
	"foster carer":        actorWith("af", access.RoleFosterCarer, orgB),
	"system":              access.SystemActor,
	"educator (the self)": actorWith("self", access.RoleEducator, orgA),
	"steering of 42":      territorial("pil42", access.RoleSteering, access.OrgASE, "42"),
	"ARS steering of 42":  territorial("ars42", access.RoleSteering, access.OrgARS, "42"),
	"steering of 69":      territorial("pil69", access.RoleSteering, access.OrgASE, "69"),
	"referent of 42":      territorial("ref42", access.RoleASEReferent, access.OrgASE, "42"),
	"referent of 69":      territorial("ref69", access.RoleASEReferent, access.OrgASE, "69"),
	// A steering role held in a structure of the Loire is no authority.
	"steering in a structure of 42": territorial("pilS", access.RoleSteering, access.OrgStructure, "42"),
}

// territorial is an account of an organisation of kind k in département dep.
func territorial(id string, role access.Role, k access.OrgKind, dep string) access.Actor {
	return access.Actor{AccountID: id, Email: id + "@x.test", Memberships: []access.Membership{
		{OrganisationID: "auth-" + dep + string(k), OrganisationKind: k, Departement: dep, Role: role}}}
}

// everyAccount is every actor but the anonymous one.
var everyAccount = func() []string {
	var out []string
	for name := range actors {
		if name != "anonymous" {
			out = append(out, name)
		}
	}
	return out
}()

var (
	orgARes      = access.Resource{Type: access.ResOrganisation, ID: orgA, OrganisationIDs: []string{orgA}}
	accountOfA   = access.Resource{Type: access.ResAccount, ID: "self", OrganisationIDs: []string{orgA}}
	newEducatorA = access.Resource{Type: access.ResAccount, OrganisationIDs: []string{orgA}, Role: access.RoleEducator}
	newAdminInA  = access.Resource{Type: access.ResAccount, OrganisationIDs: []string{orgA}, Role: access.RoleAdmin}
	auditRes     = access.Resource{Type: access.ResAuditLog}
	// A parent account is held in the ASE service that follows the child.
	newParentInASE = access.Resource{Type: access.ResAccount, OrganisationIDs: []string{"ase"}, Role: access.RoleParent}
	structureA     = access.Resource{Type: access.ResStructure, ID: orgA, OrganisationIDs: []string{orgA}, Departement: "42"}
	newStructure   = access.Resource{Type: access.ResStructure, Departement: "42"}
	// Capacity: a declaration of A, relay stays of B's foster carer "af"
	// and of another carer, a hold by the referent on a place of A.
	availabilityA = access.Resource{Type: access.ResAvailability, ID: "av", OrganisationIDs: []string{orgA}, Departement: "42"}
	relayOfCarer  = access.Resource{Type: access.ResAvailability, ID: "rl", OrganisationIDs: []string{orgB}, Departement: "42", AccountID: "af"}
	relayOfOther  = access.Resource{Type: access.ResAvailability, ID: "ro", OrganisationIDs: []string{orgB}, Departement: "42", AccountID: "other"}
	holdOnA       = access.Resource{Type: access.ResHold, ID: "h", OrganisationIDs: []string{"ase"}, AccountID: "ref", ProviderID: orgA, Departement: "42"}
	board42       = access.Resource{Type: access.ResCapacityBoard, Departement: "42"}
	// A request of the referent to A and B, answered by A; the mobile team
	// and the foster carer are of B.
	requestToAB = access.Resource{Type: access.ResRequest, ID: "rq", OrganisationIDs: []string{"ase"}, AccountID: "ref",
		RecipientIDs: []string{orgA, orgB}, Departement: "42"}
	answerOfA = func() access.Resource { r := requestToAB; r.ProviderID = orgA; return r }()
	answerOfB = func() access.Resource { r := requestToAB; r.ProviderID = orgB; return r }()
	answerOfC = func() access.Resource { r := requestToAB; r.ProviderID = "org-c"; return r }()
)

// matrixRow is one case: the actors allowed; everyone else is refused.
// Features add their rows from their own test file (matrix = append(...)
// in an init), so that the matrix grows without one file for all.
type matrixRow struct {
	action  access.Action
	res     access.Resource
	label   string
	allowed []string
}

var matrix = []matrixRow{
	{access.ActionList, orgARes, "organisations", everyAccount},
	{access.ActionView, orgARes, "organisation A", everyAccount},
	{access.ActionCreate, orgARes, "organisation", []string{"admin", "system"}},
	{access.ActionUpdate, orgARes, "organisation A", []string{"admin", "director of A", "system"}},
	{access.ActionDeactivate, orgARes, "organisation A", []string{"admin", "system"}},

	{access.ActionList, accountOfA, "accounts", []string{"admin", "director of A", "director of B", "system"}},
	{access.ActionView, accountOfA, "account of A", []string{"admin", "director of A", "educator (the self)", "system"}},
	{access.ActionCreate, newEducatorA, "educator in A", []string{"admin", "director of A", "system"}},
	{access.ActionCreate, newAdminInA, "admin in A", []string{"admin", "system"}},
	{access.ActionCreate, newParentInASE, "parent in the ASE service", []string{"admin", "referent", "system"}},
	{access.ActionUpdate, accountOfA, "account of A", []string{"admin", "educator (the self)", "system"}},
	{access.ActionDeactivate, accountOfA, "account of A", []string{"admin", "director of A", "system"}},

	{access.ActionList, structureA, "directory", everyAccount},
	{access.ActionView, structureA, "entry of A", everyAccount},
	{access.ActionExport, structureA, "directory", everyAccount},
	{access.ActionCreate, newStructure, "structure in 42", []string{"admin", "steering of 42", "ARS steering of 42", "system"}},
	{access.ActionUpdate, structureA, "entry of A (42)", []string{"admin", "director of A", "steering of 42", "ARS steering of 42", "system"}},
	{access.ActionViewHistory, structureA, "history of A (42)", []string{"admin", "director of A", "steering of 42", "ARS steering of 42", "system"}},
	{access.ActionViewAddress, structureA, "confidential address of A (42)", []string{"admin", "director of A", "educator of A", "educator (the self)", "steering of 42", "ARS steering of 42", "referent of 42", "system"}},
	{access.ActionImport, structureA, "FINESS file", []string{"admin", "system"}},

	{access.ActionList, availabilityA, "availability", everyAccount},
	{access.ActionView, availabilityA, "declaration of A", everyAccount},
	{access.ActionUpdate, availabilityA, "declaration of A", []string{"admin", "director of A", "system"}},
	{access.ActionUpdate, relayOfCarer, "relay stay of B's carer af", []string{"admin", "director of B", "foster carer", "system"}},
	{access.ActionUpdate, relayOfOther, "relay stay of another carer of B", []string{"admin", "director of B", "system"}},
	{access.ActionViewHistory, availabilityA, "history of A's declarations (42)", []string{"admin", "director of A", "steering of 42", "ARS steering of 42", "system"}},

	{access.ActionCreate, holdOnA, "hold", []string{"admin", "referent", "referent of 42", "referent of 69", "director of A", "director of B", "system"}},
	{access.ActionView, holdOnA, "the referent's hold on A", []string{"admin", "referent", "steering", "director of A", "educator of A", "educator (the self)", "system"}},
	{access.ActionConfirm, holdOnA, "the referent's hold on A", []string{"admin", "referent", "system"}},
	{access.ActionCancel, holdOnA, "the referent's hold on A", []string{"admin", "referent", "director of A", "system"}},

	{access.ActionView, board42, "capacity board of 42", []string{"admin", "referent of 42", "steering of 42", "ARS steering of 42", "system"}},
	{access.ActionExport, board42, "capacity board of 42", []string{"admin", "referent of 42", "steering of 42", "ARS steering of 42", "system"}},
	{access.ActionUpdate, board42, "capacity settings of 42", []string{"admin", "steering of 42", "ARS steering of 42", "system"}},

	{access.ActionView, access.Resource{Type: access.ResChildReport, Departement: "42"}, "break-glass report of 42",
		[]string{"steering of 42", "ARS steering of 42", "system"}},

	{access.ActionList, access.Resource{Type: access.ResSchoolHolidays, Departement: "42"}, "school holidays of 42", everyAccount},
	{access.ActionUpdate, access.Resource{Type: access.ResSchoolHolidays, Departement: "42"}, "school holidays of 42",
		[]string{"admin", "steering of 42", "ARS steering of 42", "system"}},

	{access.ActionCreate, access.Resource{Type: access.ResRequest}, "request", []string{"referent", "referent of 42", "referent of 69",
		"director of A", "director of B", "foster carer", "system"}},
	{access.ActionView, requestToAB, "the referent's request to A and B", []string{"referent", "steering",
		"director of A", "director of B", "educator of A", "educator (the self)", "mobile team", "foster carer",
		"steering of 42", "ARS steering of 42", "system"}},
	{access.ActionAnswer, answerOfA, "the request, for A", []string{"director of A", "system"}},
	{access.ActionAnswer, answerOfB, "the request, for B", []string{"director of B", "mobile team", "foster carer", "system"}},
	{access.ActionAnswer, answerOfC, "the request, for a structure it did not go to", []string{"system"}},
	{access.ActionConfirm, requestToAB, "the referent's request", []string{"referent", "system"}},
	{access.ActionCancel, requestToAB, "the referent's request", []string{"referent", "system"}},

	{access.ActionList, auditRes, "audit log", []string{"admin", "system"}},
	{access.ActionView, auditRes, "audit entry", []string{"admin", "system"}},
}

func TestMatrix(t *testing.T) {
	for _, c := range matrix {
		for name, a := range actors {
			want := contains(c.allowed, name)
			t.Run(fmt.Sprintf("%s %s %s", name, c.action, c.label), func(t *testing.T) {
				if got := access.Can(a, c.action, c.res); got != want {
					t.Errorf("Can = %v, want %v", got, want)
				}
			})
		}
	}
}

// A rule added to the policy without its rows in the matrix fails here.
func TestMatrixCoversEveryRule(t *testing.T) {
	for _, r := range access.Rules() {
		// The child's record has its own matrix (child_test.go), which
		// checks that it covers every action and section.
		found := r.Resource == access.ResChild && slices.Contains(access.ChildActions, r.Action)
		for _, c := range matrix {
			if c.res.Type == r.Resource && c.action == r.Action {
				found = true
			}
		}
		if !found {
			t.Errorf("rule %s/%s (%s) has no row in the matrix", r.Resource, r.Action, r.Who)
		}
	}
}

func TestSelfDeactivationRefusedToDirector(t *testing.T) {
	dir := actors["director of A"]
	res := access.Resource{Type: access.ResAccount, ID: dir.AccountID, OrganisationIDs: []string{orgA}}
	if access.Can(dir, access.ActionDeactivate, res) {
		t.Fatal("a director must not deactivate their own account")
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
