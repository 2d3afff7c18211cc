package access

import "slices"

// Crisis mode. A crisis belongs to a département (Resource.Departement);
// its cell's member accounts are Resource.MemberIDs. A status report's
// OrganisationIDs is the structure that files it.
const (
	// ResCrisis is a crisis: its page and banner, its cadence, its end
	// and its end report.
	ResCrisis ResourceType = "crisis"
	// ResCrisisCell is the crisis cell's membership.
	ResCrisisCell ResourceType = "crisis_cell"
	// ResCrisisDecision is an entry of the cell's decisions log.
	ResCrisisDecision ResourceType = "crisis_decision"
	// ResCrisisNote is a meeting note of the cell: working notes that
	// may name people or structures in difficulty, for the cell only.
	ResCrisisNote ResourceType = "crisis_note"
	// ResCrisisStatus is a structure's status report during a crisis.
	ResCrisisStatus ResourceType = "crisis_status"
)

// ActionEnd: end a crisis.
const ActionEnd Action = "end"

// crisisRules are the policy's rows for crisis mode (appended to rules).
var crisisRules = []Rule{
	{ResCrisis, ActionList, "every account; the list holds the crises of its départements", authenticated},
	{ResCrisis, ActionView, "professionals of the département (parents aside), members of the cell", anyOf(professionalOfTerritory, cellMember)},
	{ResCrisis, ActionCreate, "steering of the département", steeringOfTerritory},
	{ResCrisis, ActionUpdate, "steering of the département, members of the cell (the reporting cadence)", anyOf(steeringOfTerritory, cellMember)},
	{ResCrisis, ActionEnd, "steering of the département", steeringOfTerritory},
	{ResCrisis, ActionExport, "steering of the département, members of the cell (the end report)", anyOf(steeringOfTerritory, cellMember)},

	{ResCrisisCell, ActionView, "professionals of the département, members of the cell", anyOf(professionalOfTerritory, cellMember)},
	{ResCrisisCell, ActionUpdate, "steering of the département", steeringOfTerritory},

	{ResCrisisDecision, ActionView, "professionals of the département, members of the cell", anyOf(professionalOfTerritory, cellMember)},
	{ResCrisisDecision, ActionCreate, "steering of the département, members of the cell", anyOf(steeringOfTerritory, cellMember)},
	{ResCrisisNote, ActionView, "steering of the département, members of the cell", anyOf(steeringOfTerritory, cellMember)},
	{ResCrisisNote, ActionCreate, "steering of the département, members of the cell", anyOf(steeringOfTerritory, cellMember)},

	{ResCrisisStatus, ActionCreate, "directors and educators of the structure", reporterOfStructure},
	{ResCrisisStatus, ActionView, "steering of the département, members of the cell, professionals of the structure",
		anyOf(steeringOfTerritory, cellMember, staffOfOne)},
	{ResCrisisStatus, ActionList, "steering of the département, members of the cell (every structure's latest report)",
		anyOf(steeringOfTerritory, cellMember)},
}

func init() { rules = append(rules, crisisRules...) }

// cellMember: the account is a member of the crisis cell, as a
// professional: a parent's account added to the cell by mistake opens
// neither the notes, nor the board, nor the report.
func cellMember(a Actor, r Resource) bool {
	return a.AccountID != "" && slices.Contains(r.MemberIDs, a.AccountID) &&
		slices.ContainsFunc(a.Memberships, func(m Membership) bool { return m.Role != RoleParent })
}

// reporterOfStructure: a director or educator of the structure filing.
func reporterOfStructure(a Actor, r Resource) bool {
	return slices.ContainsFunc(r.OrganisationIDs, func(id string) bool {
		return a.HasIn(RoleDirector, id) || a.HasIn(RoleEducator, id)
	})
}

// CrisisDepartements returns the départements whose crises concern the
// actor: those of its organisations, parents' memberships aside. The
// crisis banner and page follow them.
func CrisisDepartements(a Actor) []string {
	var out []string
	for _, m := range a.Memberships {
		if m.Role != RoleParent && m.Departement != "" && !slices.Contains(out, m.Departement) {
			out = append(out, m.Departement)
		}
	}
	return out
}
