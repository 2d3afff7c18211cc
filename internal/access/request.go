package access

import (
	"fmt"
	"slices"

	"passerelle/internal/db"
)

// ResRequest is a request between structures. Its facts: OrganisationIDs
// is the sender's organisation, AccountID the sender, RecipientIDs the
// structures it went to, Departement the sender's territory.
const ResRequest ResourceType = "request"

// ActionAnswer: accept, refuse or ask for more, for a recipient structure.
const ActionAnswer Action = "answer"

// requestRules are the policy's rows for requests (appended to rules).
var requestRules = []Rule{
	{ResRequest, ActionCreate, "ASE referents, directors of a structure, foster carers (for the child they host)",
		holdsRole(RoleASEReferent, RoleDirector, RoleFosterCarer)},
	{ResRequest, ActionView, "professionals of the sender's organisation or of a recipient structure, steering of the sender's département",
		anyOf(staffOfOne, staffOfRecipient, steeringOfTerritory)},
	{ResRequest, ActionAnswer, "directors of a recipient structure; its mobile team for an intervention; its foster carers for a relay stay",
		answerer},
	{ResRequest, ActionConfirm, "the sender, ASE referents and directors of the sender's organisation", holderSide},
	{ResRequest, ActionCancel, "the sender, ASE referents and directors of the sender's organisation", holderSide},
}

func init() { rules = append(rules, requestRules...) }

func staffOfRecipient(a Actor, r Resource) bool {
	return slices.ContainsFunc(r.RecipientIDs, a.staffOf)
}

// answerer: who answers for a recipient structure. ProviderID names the
// structure answering (one of the recipients).
func answerer(a Actor, r Resource) bool {
	if r.ProviderID == "" || !slices.Contains(r.RecipientIDs, r.ProviderID) {
		return false
	}
	return a.HasIn(RoleDirector, r.ProviderID) || a.HasIn(RoleMobileTeam, r.ProviderID) || a.HasIn(RoleFosterCarer, r.ProviderID)
}

// RequestScope returns the SQL condition limiting a list of requests to
// those the actor may see (the ResRequest view rule): the requests of the
// actor's organisations, those sent to their structures, and, for the
// steering, those of their départements. senderColumn is the sender's
// organisation, idColumn the request's id, depColumn its département.
func RequestScope(a Actor, senderColumn, idColumn, depColumn string, args *db.Args) string {
	switch {
	case a.System:
		return "TRUE"
	case !a.Authenticated():
		return "FALSE"
	}
	var orgs, deps []string
	for _, m := range a.Memberships {
		if m.Role != RoleParent && !slices.Contains(orgs, m.OrganisationID) {
			orgs = append(orgs, m.OrganisationID)
		}
		if m.Role == RoleSteering && m.Departement != "" && slices.Contains(territorialKinds, m.OrganisationKind) {
			deps = append(deps, m.Departement)
		}
	}
	var conds []string
	if len(orgs) > 0 {
		list := db.List(args, orgs)
		conds = append(conds, fmt.Sprintf("%s IN (%s)", senderColumn, list),
			fmt.Sprintf("EXISTS (SELECT 1 FROM request_recipients rr WHERE rr.request_id = %s AND rr.structure_id IN (%s))", idColumn, list))
	}
	if len(deps) > 0 {
		conds = append(conds, fmt.Sprintf("%s IN (%s)", depColumn, db.List(args, deps)))
	}
	if len(conds) == 0 {
		return "FALSE"
	}
	out := "(" + conds[0]
	for _, c := range conds[1:] {
		out += " OR " + c
	}
	return out + ")"
}
