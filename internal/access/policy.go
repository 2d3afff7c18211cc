package access

import (
	"context"
	"fmt"
	"slices"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// Action is something an actor wants to do.
type Action string

const (
	ActionList       Action = "list"
	ActionView       Action = "view"
	ActionCreate     Action = "create"
	ActionUpdate     Action = "update"
	ActionDeactivate Action = "deactivate"
	// ActionViewAddress: see a confidential address (street, coordinates).
	ActionViewAddress Action = "view_address"
	ActionImport      Action = "import"
	ActionExport      Action = "export"
	ActionViewHistory Action = "view_history"
	// ActionConfirm: confirm a hold into a booking.
	ActionConfirm Action = "confirm"
	// ActionCancel: cancel a hold or a booking.
	ActionCancel Action = "cancel"
)

// ResourceType names a kind of record the policy knows.
type ResourceType string

const (
	ResOrganisation ResourceType = "organisation"
	ResAccount      ResourceType = "account"
	ResAuditLog     ResourceType = "audit_log"
	// ResStructure is a structure's directory entry with its offers,
	// contacts and documents.
	ResStructure ResourceType = "structure"
	// ResAvailability is a declaration of available places on an offer.
	ResAvailability ResourceType = "availability"
	// ResHold is a hold or booking of places for a request.
	ResHold ResourceType = "hold"
	// ResCapacityBoard is a territory's capacity board: its view by week
	// and its settings (freshness thresholds, hold duration).
	ResCapacityBoard ResourceType = "capacity_board"
)

// Resource is what an action is about: its type and the facts the rules
// need (never loaded by the policy itself, so that it stays pure).
type Resource struct {
	Type ResourceType
	ID   string
	// OrganisationIDs are the organisations the record belongs to: the
	// organisation itself, or the organisations an account is a member of.
	OrganisationIDs []string
	// Role is the role granted by a membership being created or changed.
	Role Role
	// Departement is the territory of the record (a structure's département).
	Departement string
	// AccountID is the person a record is about: the foster carer of a relay
	// stay, the account that holds a place.
	AccountID string
	// ProviderID is the structure whose places a hold takes.
	ProviderID string
	// Section is the part of a child's record asked for (ResChild).
	Section Section
	// Child holds the facts about a child the record rules need.
	Child *ChildFacts
	// RecipientIDs are the structures a request went to (ResRequest).
	RecipientIDs []string
	// MemberIDs are the accounts of the group a record belongs to: the
	// members of a crisis cell (ResCrisis…).
	MemberIDs []string
	// Status is the record's stage where the rules depend on it: a draft
	// agreement or article is read by fewer people than a published one.
	Status string
	// Region is the INSEE region of a regional dashboard (ResDashboard).
	Region string
}

// Rule allows an action on a resource type when Allow says so.
type Rule struct {
	Resource ResourceType
	Action   Action
	Who      string // the rule in words, for documentation and test names
	Allow    func(a Actor, r Resource) bool
}

// rules is the table of the policy. Absent means refused.
var rules = []Rule{
	{ResOrganisation, ActionList, "every account", authenticated},
	{ResOrganisation, ActionView, "every account", authenticated},
	{ResOrganisation, ActionCreate, "administrators", admin},
	{ResOrganisation, ActionUpdate, "administrators, directors of the organisation", anyOf(admin, directorOfOne)},
	{ResOrganisation, ActionDeactivate, "administrators", admin},

	{ResAccount, ActionList, "administrators, directors (their organisations' accounts)", anyOf(admin, isDirector)},
	{ResAccount, ActionView, "administrators, the account itself, directors of one of its organisations", anyOf(admin, self, directorOfOne)},
	{ResAccount, ActionCreate, "administrators; directors for staff roles of their organisation; ASE referents for parents in their service", anyOf(admin, directorInvitingStaff, referentInvitingParent)},
	{ResAccount, ActionUpdate, "administrators, the account itself", anyOf(admin, self)},
	{ResAccount, ActionDeactivate, "administrators; directors for other accounts of their organisation", anyOf(admin, directorNotSelf)},

	{ResStructure, ActionList, "every account", authenticated},
	{ResStructure, ActionView, "every account", authenticated},
	{ResStructure, ActionExport, "every account", authenticated},
	{ResStructure, ActionCreate, "administrators, steering of the département", anyOf(admin, steeringOfTerritory)},
	{ResStructure, ActionUpdate, "administrators, directors of the structure, steering of its département", anyOf(admin, directorOfOne, steeringOfTerritory)},
	{ResStructure, ActionViewHistory, "administrators, directors of the structure, steering of its département", anyOf(admin, directorOfOne, steeringOfTerritory)},
	{ResStructure, ActionViewAddress, "administrators, members of the structure, ASE referents and steering of its département", anyOf(admin, memberOfOne, aseOrSteeringOfTerritory)},
	{ResStructure, ActionImport, "administrators", admin},

	{ResAvailability, ActionList, "every account", authenticated},
	{ResAvailability, ActionView, "every account", authenticated},
	{ResAvailability, ActionUpdate, "administrators, directors of the structure, its foster carers for their own relay stays", anyOf(admin, directorOfOne, carerHimself)},
	{ResAvailability, ActionViewHistory, "administrators, directors of the structure, steering of its département", anyOf(admin, directorOfOne, steeringOfTerritory)},

	{ResHold, ActionCreate, "administrators, ASE referents, directors of a structure", anyOf(admin, holdsRole(RoleASEReferent, RoleDirector))},
	{ResHold, ActionView, "administrators, professionals of the holder's organisation, professionals of the structure providing the place", anyOf(admin, staffOfOne, staffOfProvider)},
	{ResHold, ActionConfirm, "administrators, the holder, ASE referents and directors of the holder's organisation", anyOf(admin, holderSide)},
	{ResHold, ActionCancel, "administrators, the holder, ASE referents and directors of the holder's organisation, directors of the structure providing the place", anyOf(admin, holderSide, directorOfProvider)},

	{ResCapacityBoard, ActionView, "administrators, ASE referents and steering of the département", anyOf(admin, aseOrSteeringOfTerritory)},
	{ResCapacityBoard, ActionExport, "administrators, ASE referents and steering of the département", anyOf(admin, aseOrSteeringOfTerritory)},
	{ResCapacityBoard, ActionUpdate, "administrators, steering of the département", anyOf(admin, steeringOfTerritory)},

	{ResChild, ActionList, "every account; the list holds only the children the account is related to (ChildScope)", authenticated},
	{ResChild, ActionCreate, "ASE referents, in their service", aseReferentOf},
	{ResChild, ActionView, "by section: see childView", sectionRule(childView)},
	{ResChild, ActionUpdate, "by section: see childWrite", sectionRule(childWrite)},
	{ResChild, ActionExport, "ASE referents of the service that owns the record", referentOfRecord},
	{ResChild, ActionBreakGlass, "professionals not related to the child, with a written reason", breakGlassAllowed},

	{ResChildReport, ActionView, "steering of the département", steeringOfTerritory},
	{ResSchoolHolidays, ActionList, "every account", authenticated},
	{ResSchoolHolidays, ActionUpdate, "administrators, steering of the département", anyOf(admin, steeringOfTerritory)},

	{ResAuditLog, ActionList, "administrators", admin},
	{ResAuditLog, ActionView, "administrators", admin},
}

// Rules returns a copy of the table (for documentation and tests).
func Rules() []Rule { return slices.Clone(rules) }

// Can reports whether the actor may do the action on the resource. The
// system actor (background jobs, and the command line run by the operator,
// who holds the database anyway) may do everything; it is audited as such.
func Can(a Actor, act Action, r Resource) bool {
	if a.System {
		return true
	}
	if !a.Authenticated() {
		return false
	}
	for _, rule := range rules {
		if rule.Resource == r.Type && rule.Action == act && rule.Allow(a, r) {
			return true
		}
	}
	return false
}

// Check is Can as an error: Forbidden with a French message, or nil.
func Check(ctx context.Context, act Action, r Resource) error {
	a := ActorFrom(ctx)
	if !a.Authenticated() && !a.System {
		return apperr.New(apperr.Unauthorized, "Vous devez vous connecter.")
	}
	if !Can(a, act, r) {
		return apperr.New(apperr.Forbidden, "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	return nil
}

// AccountScope returns the SQL condition limiting an account list to what
// the actor may see; idColumn is the accounts.id column of the query.
func AccountScope(a Actor, idColumn string, args *db.Args) string {
	switch {
	case a.IsAdmin() || a.System:
		return "TRUE"
	case a.Has(RoleDirector):
		return fmt.Sprintf("%s IN (SELECT account_id FROM memberships WHERE organisation_id IN (%s))",
			idColumn, db.List(args, a.OrgsWhere(RoleDirector)))
	case a.Authenticated():
		return idColumn + " = " + args.Add(a.AccountID)
	default:
		return "FALSE"
	}
}

func authenticated(a Actor, _ Resource) bool { return a.Authenticated() || a.System }
func admin(a Actor, _ Resource) bool         { return a.IsAdmin() }
func self(a Actor, r Resource) bool          { return r.ID != "" && r.ID == a.AccountID }
func isDirector(a Actor, _ Resource) bool    { return a.Has(RoleDirector) }

func memberOfOne(a Actor, r Resource) bool {
	return slices.ContainsFunc(r.OrganisationIDs, a.MemberOf)
}

// territorialKinds are the authorities whose steering accounts act for a
// département: the Conseil départemental's ASE, the ARS delegation, the MDPH.
var territorialKinds = []OrgKind{OrgASE, OrgARS, OrgMDPH}

// steeringOfTerritory: a steering account of an authority of the record's
// département.
func steeringOfTerritory(a Actor, r Resource) bool {
	return a.holdsInTerritory(r.Departement, RoleSteering)
}

// aseOrSteeringOfTerritory adds the ASE referents of the département, who
// place children and so need to know where a confidential home is.
func aseOrSteeringOfTerritory(a Actor, r Resource) bool {
	return a.holdsInTerritory(r.Departement, RoleSteering, RoleASEReferent)
}

func directorOfOne(a Actor, r Resource) bool {
	for _, id := range r.OrganisationIDs {
		if a.HasIn(RoleDirector, id) {
			return true
		}
	}
	return false
}

// directorInvitingStaff lets a director add the professionals of their own
// structure, never roles that reach beyond it.
func directorInvitingStaff(a Actor, r Resource) bool {
	staff := r.Role == RoleEducator || r.Role == RoleDirector || r.Role == RoleMobileTeam || r.Role == RoleFosterCarer
	return staff && len(r.OrganisationIDs) > 0 && allOf(r.OrganisationIDs, func(id string) bool { return a.HasIn(RoleDirector, id) })
}

// referentInvitingParent lets an ASE referent give a child's legal
// representative a parent account, held in the referent's service.
func referentInvitingParent(a Actor, r Resource) bool {
	return r.Role == RoleParent && len(r.OrganisationIDs) > 0 &&
		allOf(r.OrganisationIDs, func(id string) bool { return a.HasIn(RoleASEReferent, id) })
}

// carerHimself: a foster carer of the structure, for a record about them.
func carerHimself(a Actor, r Resource) bool {
	if r.AccountID == "" || r.AccountID != a.AccountID {
		return false
	}
	for _, id := range r.OrganisationIDs {
		if a.HasIn(RoleFosterCarer, id) {
			return true
		}
	}
	return false
}

// holdsRole: the actor holds one of roles somewhere.
func holdsRole(roles ...Role) func(Actor, Resource) bool {
	return func(a Actor, _ Resource) bool { return slices.ContainsFunc(roles, a.Has) }
}

// staffOfOne: a member of one of the record's organisations other than as a
// parent: a parent's membership, held in the ASE service that follows the
// child, opens nothing of the service's work.
func staffOfOne(a Actor, r Resource) bool {
	return slices.ContainsFunc(r.OrganisationIDs, a.staffOf)
}

func staffOfProvider(a Actor, r Resource) bool {
	return r.ProviderID != "" && a.staffOf(r.ProviderID)
}

func (a Actor) staffOf(orgID string) bool {
	return slices.ContainsFunc(a.Memberships, func(m Membership) bool { return m.OrganisationID == orgID && m.Role != RoleParent })
}

func directorOfProvider(a Actor, r Resource) bool {
	return r.ProviderID != "" && a.HasIn(RoleDirector, r.ProviderID)
}

// holderSide: the account that holds, or an ASE referent or director of the
// organisation it holds for (a colleague takes over while they are away).
func holderSide(a Actor, r Resource) bool {
	if r.AccountID != "" && r.AccountID == a.AccountID {
		return true
	}
	for _, id := range r.OrganisationIDs {
		if a.HasIn(RoleASEReferent, id) || a.HasIn(RoleDirector, id) {
			return true
		}
	}
	return false
}

func directorNotSelf(a Actor, r Resource) bool { return !self(a, r) && directorOfOne(a, r) }

func anyOf(fs ...func(Actor, Resource) bool) func(Actor, Resource) bool {
	return func(a Actor, r Resource) bool {
		for _, f := range fs {
			if f(a, r) {
				return true
			}
		}
		return false
	}
}

func allOf(ids []string, f func(string) bool) bool {
	for _, id := range ids {
		if !f(id) {
			return false
		}
	}
	return true
}

// HoldScope returns the SQL condition limiting a list of holds to those the
// actor may see (the ResHold view rule): the holds of their organisations
// and the holds on the places of their structures, parents' memberships
// aside.
func HoldScope(a Actor, holderOrgColumn, structureColumn string, args *db.Args) string {
	switch {
	case a.IsAdmin() || a.System:
		return "TRUE"
	case a.Authenticated():
		var orgs []string
		for _, m := range a.Memberships {
			if m.Role != RoleParent && !slices.Contains(orgs, m.OrganisationID) {
				orgs = append(orgs, m.OrganisationID)
			}
		}
		if len(orgs) == 0 {
			return "FALSE"
		}
		list := db.List(args, orgs)
		return fmt.Sprintf("(%s IN (%s) OR %s IN (%s))", holderOrgColumn, list, structureColumn, list)
	default:
		return "FALSE"
	}
}
