// Package access is Passerelle's one authorization policy: who may do what to
// which record. Pages, API, exports and jobs all ask it, and list queries take
// their row conditions from it so that lists and counts never leak.
package access

import (
	"context"
	"slices"
	"time"
)

// Role is what an account does in an organisation.
type Role string

const (
	RoleEducator    Role = "educator"     // any professional of a structure
	RoleDirector    Role = "director"     // director or head of service of a structure
	RoleASEReferent Role = "ase_referent" // référent ASE of the département
	RoleMobileTeam  Role = "mobile_team"  // équipe mobile ressource
	RoleFosterCarer Role = "foster_carer" // assistant familial
	RoleParent      Role = "parent"       // parent or legal representative
	RoleSteering    Role = "steering"     // pilotage territorial: CD, ARS, MDPH
	RoleAdmin       Role = "admin"        // platform administrator
)

// Roles lists every role, in the order the interface shows them.
var Roles = []Role{RoleEducator, RoleDirector, RoleASEReferent, RoleMobileTeam,
	RoleFosterCarer, RoleParent, RoleSteering, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// RequiresTwoFactor reports whether accounts holding r must use TOTP.
func (r Role) RequiresTwoFactor() bool { return r == RoleAdmin || r == RoleSteering }

// OrgKind is the kind of an organisation.
type OrgKind string

const (
	OrgStructure OrgKind = "structure" // ESSMS: MECS, DITEP, IME…
	OrgOperator  OrgKind = "operator"  // organisme gestionnaire
	OrgASE       OrgKind = "ase"       // ASE service of a département
	OrgARS       OrgKind = "ars"       // ARS delegation
	OrgMDPH      OrgKind = "mdph"
	OrgPJJ       OrgKind = "pjj"
	OrgPlatform  OrgKind = "platform"
)

// OrgKinds lists every organisation kind.
var OrgKinds = []OrgKind{OrgStructure, OrgOperator, OrgASE, OrgARS, OrgMDPH, OrgPJJ, OrgPlatform}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

// Membership is one role of an account in one organisation.
type Membership struct {
	OrganisationID   string
	OrganisationName string
	OrganisationKind OrgKind
	Departement      string
	Role             Role
}

// Actor is who acts: an account with its memberships, or the system (jobs).
type Actor struct {
	AccountID   string
	Email       string
	Name        string
	Memberships []Membership
	System      bool // background work; allowed what jobs need, audited as such
	// SessionsValidFrom is when the password or second factor last changed:
	// sessions opened before it no longer act for the account.
	SessionsValidFrom time.Time
}

// SystemActor is the actor of background jobs.
var SystemActor = Actor{Name: "Passerelle (tâche automatique)", System: true}

// Authenticated reports whether the actor is a logged-in account.
func (a Actor) Authenticated() bool { return a.AccountID != "" }

// Has reports whether the actor holds role in any organisation.
func (a Actor) Has(role Role) bool {
	for _, m := range a.Memberships {
		if m.Role == role {
			return true
		}
	}
	return false
}

// HasIn reports whether the actor holds role in the organisation.
func (a Actor) HasIn(role Role, orgID string) bool {
	for _, m := range a.Memberships {
		if m.Role == role && m.OrganisationID == orgID {
			return true
		}
	}
	return false
}

// MemberOf reports whether the actor belongs to the organisation in any role.
func (a Actor) MemberOf(orgID string) bool {
	for _, m := range a.Memberships {
		if m.OrganisationID == orgID {
			return true
		}
	}
	return false
}

// holdsInTerritory reports whether the actor holds one of roles in an
// ASE, ARS or MDPH organisation of the département dep.
func (a Actor) holdsInTerritory(dep string, roles ...Role) bool {
	if dep == "" {
		return false
	}
	for _, m := range a.Memberships {
		if m.Departement == dep && slices.Contains(roles, m.Role) && slices.Contains(territorialKinds, m.OrganisationKind) {
			return true
		}
	}
	return false
}

// OrgsWhere returns the organisations in which the actor holds role.
func (a Actor) OrgsWhere(role Role) []string {
	var ids []string
	for _, m := range a.Memberships {
		if m.Role == role && !slices.Contains(ids, m.OrganisationID) {
			ids = append(ids, m.OrganisationID)
		}
	}
	return ids
}

// IsAdmin reports whether the actor is a platform administrator.
func (a Actor) IsAdmin() bool { return a.Has(RoleAdmin) }

// RequiresTwoFactor reports whether any of the actor's roles needs TOTP.
func (a Actor) RequiresTwoFactor() bool {
	for _, m := range a.Memberships {
		if m.Role.RequiresTwoFactor() {
			return true
		}
	}
	return false
}

// Label is how the actor appears in the audit log and in pages.
func (a Actor) Label() string {
	if a.System {
		return a.Name
	}
	if a.Email != "" {
		return a.Email
	}
	return "anonyme"
}

type actorKey struct{}

// WithActor returns ctx carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, or the zero (anonymous) actor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}
