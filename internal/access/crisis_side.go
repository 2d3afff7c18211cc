package access

import (
	"fmt"
	"slices"
	"strings"

	"passerelle/internal/db"
)

// Crisis mode, the structures' side: continuity plans, broadcasts with
// acknowledgement and the mobile teams' on-call rota.
const (
	// ResContinuityPlan is a structure's continuity plan. Its facts:
	// OrganisationIDs is the structure, Departement its territory. For the
	// list (ActionList), only Departement: the territory's plans.
	ResContinuityPlan ResourceType = "continuity_plan"
	// ResBroadcast is a crisis cell's message to structures. Its facts:
	// Departement is the crisis's territory, RecipientIDs the structures
	// it went to, ProviderID the structure acknowledging (ActionAcknowledge).
	ResBroadcast ResourceType = "broadcast"
	// ResOnCallRota is a mobile team's on-call rota. Its facts:
	// OrganisationIDs is the team, Departement its territory.
	ResOnCallRota ResourceType = "oncall_rota"
)

// ActionAcknowledge: a structure says it received a broadcast.
const ActionAcknowledge Action = "acknowledge"

var crisisSideRules = []Rule{
	{ResContinuityPlan, ActionList, "administrators, steering of the département", anyOf(admin, steeringOfTerritory)},
	{ResContinuityPlan, ActionView, "administrators, professionals of the structure, steering of its département",
		anyOf(admin, staffOfOne, steeringOfTerritory)},
	{ResContinuityPlan, ActionUpdate, "administrators, directors of the structure", anyOf(admin, directorOfOne)},

	{ResBroadcast, ActionList, "every account; the list holds only the broadcasts the account may see (BroadcastScope)", authenticated},
	{ResBroadcast, ActionCreate, "steering of the département (the crisis cell)", steeringOfTerritory},
	{ResBroadcast, ActionView, "steering of the département, professionals of a structure it went to",
		anyOf(steeringOfTerritory, staffOfRecipient)},
	{ResBroadcast, ActionAcknowledge, "directors, educators and mobile team members of a structure it went to, for that structure",
		acknowledger},

	{ResOnCallRota, ActionView, "every account but parents: the number to call is for professionals", notParent},
	{ResOnCallRota, ActionUpdate, "administrators, directors and mobile team members of the team", anyOf(admin, directorOfOne, mobileTeamOfOne)},
	{ResOnCallRota, ActionExport, "professionals of the team (a calendar link of their own)", staffOfOne},
}

func init() { rules = append(rules, crisisSideRules...) }

// acknowledger: who says a structure received a broadcast. ProviderID
// names the structure (one of the recipients).
func acknowledger(a Actor, r Resource) bool {
	if r.ProviderID == "" || !slices.Contains(r.RecipientIDs, r.ProviderID) {
		return false
	}
	return a.HasIn(RoleDirector, r.ProviderID) || a.HasIn(RoleEducator, r.ProviderID) || a.HasIn(RoleMobileTeam, r.ProviderID)
}

func mobileTeamOfOne(a Actor, r Resource) bool {
	return slices.ContainsFunc(r.OrganisationIDs, func(id string) bool { return a.HasIn(RoleMobileTeam, id) })
}

// notParent: an account holding a role other than parent.
func notParent(a Actor, _ Resource) bool {
	return slices.ContainsFunc(a.Memberships, func(m Membership) bool { return m.Role != RoleParent })
}

// BroadcastScope returns the SQL condition limiting a list of broadcasts
// to those the actor may see (the ResBroadcast view rule): those of the
// départements where the actor is steering, and those sent to the
// actor's structures. idColumn is the broadcast's id, depColumn its
// département.
func BroadcastScope(a Actor, idColumn, depColumn string, args *db.Args) string {
	switch {
	case a.System:
		return "TRUE"
	case !a.Authenticated():
		return "FALSE"
	}
	var orgs []string
	for _, m := range a.Memberships {
		if m.Role != RoleParent && !slices.Contains(orgs, m.OrganisationID) {
			orgs = append(orgs, m.OrganisationID)
		}
	}
	var conds []string
	if len(orgs) > 0 {
		conds = append(conds, fmt.Sprintf("EXISTS (SELECT 1 FROM crisis_broadcast_recipients br WHERE br.broadcast_id = %s AND br.structure_id IN (%s))",
			idColumn, db.List(args, orgs)))
	}
	if deps := SteeringDepartements(a); len(deps) > 0 {
		conds = append(conds, fmt.Sprintf("%s IN (%s)", depColumn, db.List(args, deps)))
	}
	if len(conds) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// SteeringDepartements returns the départements where the actor is
// steering of an authority (the crisis cell's territories).
func SteeringDepartements(a Actor) []string {
	var deps []string
	for _, m := range a.Memberships {
		if m.Role == RoleSteering && m.Departement != "" && slices.Contains(territorialKinds, m.OrganisationKind) && !slices.Contains(deps, m.Departement) {
			deps = append(deps, m.Departement)
		}
	}
	return deps
}
