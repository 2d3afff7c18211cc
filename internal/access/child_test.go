package access_test

import (
	"fmt"
	"slices"
	"testing"

	"passerelle/internal/access"
)

// The child of the matrix: owned by the ASE service "ase" (referent "ref"),
// living at MECS "mecs" (its educator "eduMecs" named), followed by the
// DITEP "ditep" (educator "eduDitep" named) and the CMP "cmp" (care, "psy"
// named); the IME "ime" is invited; the SESSAD "sessad" left the circle
// (a left member is not in the facts: the service loads live ones only);
// the foster carer "af" hosts the child on weekends; "par1" is a parent;
// "bg" opened the record by break-glass.
var childFacts = &access.ChildFacts{ASEID: "ase", Departement: "42", ReferentID: "ref", CarerID: "af",
	Members: []access.Member{
		{OrganisationID: "mecs", Capacity: access.CapLivingPlace, Staff: []string{"eduMecs"}},
		{OrganisationID: "ditep", Capacity: access.CapMedicoSocial, Staff: []string{"eduDitep"}},
		{OrganisationID: "cmp", Capacity: access.CapCare, Staff: []string{"psy"}},
		{OrganisationID: "ime", Capacity: access.CapMedicoSocial, Invited: true},
	},
	Parents: []string{"par1"}, BreakGlass: []string{"bg"}}

// childActors are every relation to the child, for every role that has one.
var childActors = map[string]access.Actor{
	"anonymous":                  {},
	"system":                     access.SystemActor,
	"admin":                      actorWith("admin", access.RoleAdmin, "platform"),
	"referent (owner)":           actorWith("ref", access.RoleASEReferent, "ase"),
	"referent of the service":    actorWith("ref2", access.RoleASEReferent, "ase"),
	"referent of another dép.":   actorWith("ref69", access.RoleASEReferent, "ase69"),
	"steering":                   actorWith("pil", access.RoleSteering, "ase"),
	"director of the home":       actorWith("dirMecs", access.RoleDirector, "mecs"),
	"educator of the home":       actorWith("eduMecs", access.RoleEducator, "mecs"),
	"educator of home, unnamed":  actorWith("eduMecs2", access.RoleEducator, "mecs"),
	"DITEP educator":             actorWith("eduDitep", access.RoleEducator, "ditep"),
	"CMP professional":           actorWith("psy", access.RoleEducator, "cmp"),
	"director invited":           actorWith("dirIme", access.RoleDirector, "ime"),
	"educator invited":           actorWith("eduIme", access.RoleEducator, "ime"),
	"left the circle":            actorWith("eduSessad", access.RoleEducator, "sessad"),
	"other structure, same op.":  actorWith("eduOther", access.RoleEducator, "mecs-b"),
	"mobile team, not in circle": actorWith("emr", access.RoleMobileTeam, "emr"),
	"foster carer hosting":       actorWith("af", access.RoleFosterCarer, "pf"),
	"foster carer, other child":  actorWith("af2", access.RoleFosterCarer, "pf"),
	"parent of the child":        actorWith("par1", access.RoleParent, "ase"),
	"parent of another child":    actorWith("par2", access.RoleParent, "ase"),
	"break-glass":                actorWith("bg", access.RoleEducator, "far"),
	// A parent who is also a professional in the home sees as a parent
	// only, unless named: a membership as parent opens no staff view.
	"parent who works at the home": {AccountID: "par1", Email: "p@x.test", Memberships: []access.Membership{
		{OrganisationID: "ase", Role: access.RoleParent}, {OrganisationID: "mecs", Role: access.RoleEducator}}},
}

var (
	professionals = []string{"referent (owner)", "referent of the service", "director of the home", "educator of the home",
		"DITEP educator", "CMP professional", "foster carer hosting", "break-glass", "system"}
	circleReaders = []string{"referent (owner)", "referent of the service", "director of the home", "educator of the home",
		"DITEP educator", "CMP professional", "system"}
	owners = []string{"referent (owner)", "referent of the service", "system"}
	care   = []string{"DITEP educator", "CMP professional", "system"}
)

func with(xs []string, more ...string) []string { return append(slices.Clone(xs), more...) }

// childMatrix: one row per action and section, with every actor allowed.
var childMatrix = []struct {
	action  access.Action
	section access.Section
	allowed []string
}{
	{access.ActionList, "", everyChildActor()},
	{access.ActionCreate, "", owners},
	{access.ActionExport, "", owners},
	{access.ActionBreakGlass, "", []string{"referent of another dép.", "educator of home, unnamed", "educator invited",
		"left the circle", "other structure, same op.", "mobile team, not in circle", "foster carer, other child", "system"}},

	{access.ActionView, access.SecIdentity, with(professionals, "director invited", "parent of the child", "parent who works at the home")},
	{access.ActionView, access.SecFamily, professionals},
	{access.ActionView, access.SecMeasures, with(professionals, "parent of the child", "parent who works at the home")},
	{access.ActionView, access.SecDocuments, []string{"referent (owner)", "referent of the service", "director of the home", "educator of the home", "system"}},
	{access.ActionView, access.SecNotifications, professionals},
	{access.ActionView, access.SecCircle, with(professionals, "parent of the child", "parent who works at the home")},
	{access.ActionView, access.SecConsents, with(circleReaders, "parent of the child", "parent who works at the home")},
	{access.ActionView, access.SecNotes, professionals},
	{access.ActionView, access.SecCareNotes, care},
	{access.ActionView, access.SecLiaison, with(circleReaders, "foster carer hosting")},
	{access.ActionView, access.SecPlanning, with(professionals, "parent of the child", "parent who works at the home")},
	{access.ActionView, access.SecProject, with(professionals, "parent of the child", "parent who works at the home")},
	{access.ActionView, access.SecProjectCare, with(care, "parent of the child", "parent who works at the home")},
	{access.ActionView, access.SecAccessLog, with(owners, "parent of the child", "parent who works at the home")},

	{access.ActionUpdate, access.SecIdentity, owners},
	{access.ActionUpdate, access.SecFamily, owners},
	{access.ActionUpdate, access.SecMeasures, owners},
	{access.ActionUpdate, access.SecDocuments, owners},
	{access.ActionUpdate, access.SecNotifications, with(owners, "DITEP educator", "CMP professional")},
	{access.ActionUpdate, access.SecCircle, owners},
	{access.ActionUpdate, access.SecConsents, with(owners, "parent of the child", "parent who works at the home")},
	{access.ActionUpdate, access.SecNotes, with(circleReaders, "foster carer hosting")},
	{access.ActionUpdate, access.SecCareNotes, care},
	{access.ActionUpdate, access.SecLiaison, with(circleReaders, "foster carer hosting")},
	{access.ActionUpdate, access.SecPlanning, with(circleReaders, "foster carer hosting")},
	{access.ActionUpdate, access.SecProject, with(circleReaders, "foster carer hosting")},
	{access.ActionUpdate, access.SecProjectCare, care},
	{access.ActionUpdate, access.SecAccessLog, []string{"system"}},
}

func everyChildActor() []string {
	var out []string
	for name := range childActors {
		if name != "anonymous" {
			out = append(out, name)
		}
	}
	return out
}

func TestChildMatrix(t *testing.T) {
	for _, c := range childMatrix {
		res := access.Resource{Type: access.ResChild, Section: c.section, Child: childFacts}
		if c.action == access.ActionCreate {
			res = access.Resource{Type: access.ResChild, OrganisationIDs: []string{"ase"}}
		}
		for name, a := range childActors {
			want := slices.Contains(c.allowed, name)
			t.Run(fmt.Sprintf("%s %s %s", name, c.action, c.section), func(t *testing.T) {
				if got := access.Can(a, c.action, res); got != want {
					t.Errorf("Can = %v, want %v (relations %v)", got, want, access.ChildRelations(a, childFacts))
				}
			})
		}
	}
}

// A section or an action added without its rows fails here: view and
// update need one row per section, the others one row each.
func TestChildMatrixCoversEverySectionAndAction(t *testing.T) {
	for _, act := range access.ChildActions {
		sections := []access.Section{""}
		if act == access.ActionView || act == access.ActionUpdate {
			sections = access.Sections
		}
		for _, s := range sections {
			n := 0
			for _, c := range childMatrix {
				if c.action == act && c.section == s {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s %q has %d rows in the child matrix, want 1", act, s, n)
			}
		}
	}
	for _, r := range access.Rules() {
		if r.Resource == access.ResChild && !slices.Contains(access.ChildActions, r.Action) {
			t.Errorf("rule child/%s is not in access.ChildActions", r.Action)
		}
	}
}
