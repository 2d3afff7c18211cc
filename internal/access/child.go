package access

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle/internal/db"
)

// ResChild is a child's shared record. Its rules depend on the actor's
// relation to the child (ChildFacts) and on the section asked for: need to
// know is decided section by section.
const ResChild ResourceType = "child"

// ResChildReport is a territory's report on its children's records (the
// break-glass openings): pseudonyms only.
const ResChildReport ResourceType = "child_report"

// ResSchoolHolidays is a département's school holidays, which plannings
// skip and which the steering enters.
const ResSchoolHolidays ResourceType = "school_holidays"

// ActionBreakGlass opens a record outside one's rights, for a written
// reason and a short time.
const ActionBreakGlass Action = "break_glass"

// Section is a part of the child's record with its own readers and writers.
type Section string

const (
	SecIdentity      Section = "identity"      // names, birth, living place, school
	SecFamily        Section = "family"        // parents, guardian, relatives and contacts
	SecMeasures      Section = "measures"      // administrative and judicial measures (without documents)
	SecDocuments     Section = "documents"     // the documents of judicial measures
	SecNotifications Section = "notifications" // MDPH notifications and what became of them
	SecCircle        Section = "circle"        // the structures involved and their staff
	SecConsents      Section = "consents"      // consents and the basis of each sharing
	SecNotes         Section = "notes"         // professionals' notes in the timeline
	SecCareNotes     Section = "care_notes"    // care notes: care professionals of the circle only
	SecAccessLog     Section = "access_log"    // who read the record, when, why
	// SecLiaison: liaison notes; each note is read by its sender's and
	// recipients' people and the record's referents (the service checks).
	SecLiaison Section = "liaison"
	// SecPlanning: the shared weekly planning; each member edits its own
	// slots (the service checks).
	SecPlanning Section = "planning"
	// SecProject: the common project (PPE and PPA) and its versions; the
	// referent validates a version (the service checks).
	SecProject Section = "project"
	// SecProjectCare: the care items of the project (domain "soins"):
	// care professionals of the circle, and the parents, who are entitled
	// to their child's health information.
	SecProjectCare Section = "project_care"
)

// Sections lists every section, in the order the record shows them.
var Sections = []Section{SecIdentity, SecFamily, SecMeasures, SecDocuments, SecNotifications,
	SecCircle, SecConsents, SecNotes, SecCareNotes, SecLiaison, SecPlanning, SecProject, SecProjectCare, SecAccessLog}

// ChildActions are the actions the policy knows on a child's record; view
// and update are decided per section.
var ChildActions = []Action{ActionList, ActionCreate, ActionView, ActionUpdate, ActionExport, ActionBreakGlass}

// Capacity is what a structure of the circle does for the child.
type Capacity string

const (
	CapLivingPlace  Capacity = "living_place"
	CapMedicoSocial Capacity = "medico_social"
	CapCare         Capacity = "care"
	CapSchool       Capacity = "school"
	CapMobileTeam   Capacity = "mobile_team"
	CapFosterCarer  Capacity = "foster_carer"
)

// Capacities lists every capacity, in the order the interface shows them.
var Capacities = []Capacity{CapLivingPlace, CapMedicoSocial, CapCare, CapSchool, CapMobileTeam, CapFosterCarer}

// Valid reports whether c is a known capacity.
func (c Capacity) Valid() bool { return slices.Contains(Capacities, c) }

// careCapacities are the members whose staff are care professionals.
var careCapacities = []Capacity{CapMedicoSocial, CapCare, CapMobileTeam}

// ChildFacts is what the policy needs to know about a child: loaded by the
// pathway service with the same conditions as ChildScope.
type ChildFacts struct {
	ASEID       string // the ASE service that owns the record
	Departement string
	ReferentID  string
	CarerID     string   // the foster carer the child lives with
	Members     []Member // live members of the circle, and pending invitations
	Parents     []string // accounts of the legal representatives
	BreakGlass  []string // accounts with a live break-glass opening
}

// Member is one structure of the circle as the policy sees it.
type Member struct {
	OrganisationID string
	Capacity       Capacity
	Staff          []string // accounts named to follow the child
	Invited        bool     // invited, not yet accepted
}

// Relation is a way an actor is related to a child.
type Relation string

const (
	RelReferent    Relation = "referent"     // an ASE referent of the service that owns the record
	RelMember      Relation = "member"       // staff of a structure of the circle (named, or its director)
	RelLivingPlace Relation = "living_place" // … of the structure the child lives in
	RelCare        Relation = "care"         // … of a care member (medico-social, care, mobile team)
	RelCarer       Relation = "carer"        // the foster carer who hosts the child
	RelInvited     Relation = "invited"      // director of a structure invited into the circle
	RelParent      Relation = "parent"       // a legal representative's account
	RelBreakGlass  Relation = "break_glass"  // a live break-glass opening
)

// ChildRelations returns the actor's relations to the child.
func ChildRelations(a Actor, f *ChildFacts) []Relation {
	if f == nil || !a.Authenticated() {
		return nil
	}
	var rels []Relation
	add := func(r Relation) {
		if !slices.Contains(rels, r) {
			rels = append(rels, r)
		}
	}
	if f.ASEID != "" && a.HasIn(RoleASEReferent, f.ASEID) {
		add(RelReferent)
	}
	if f.CarerID != "" && f.CarerID == a.AccountID && a.Has(RoleFosterCarer) {
		add(RelCarer)
	}
	for _, m := range f.Members {
		director := a.HasIn(RoleDirector, m.OrganisationID)
		named := slices.Contains(m.Staff, a.AccountID) && a.staffOf(m.OrganisationID)
		switch {
		case m.Invited:
			if director {
				add(RelInvited)
			}
		case director || named:
			add(RelMember)
			switch {
			case m.Capacity == CapLivingPlace:
				add(RelLivingPlace)
			case slices.Contains(careCapacities, m.Capacity):
				add(RelCare)
			case m.Capacity == CapFosterCarer && named && a.HasIn(RoleFosterCarer, m.OrganisationID):
				add(RelCarer)
			}
		}
	}
	if slices.Contains(f.Parents, a.AccountID) && a.Has(RoleParent) {
		add(RelParent)
	}
	if slices.Contains(f.BreakGlass, a.AccountID) {
		add(RelBreakGlass)
	}
	return rels
}

// childView and childWrite are the need-to-know table: who reads and who
// writes each section. Absent means nobody.
var childView = map[Section][]Relation{
	SecIdentity:      {RelReferent, RelMember, RelCarer, RelInvited, RelParent, RelBreakGlass},
	SecFamily:        {RelReferent, RelMember, RelCarer, RelBreakGlass},
	SecMeasures:      {RelReferent, RelMember, RelCarer, RelParent, RelBreakGlass},
	SecDocuments:     {RelReferent, RelLivingPlace},
	SecNotifications: {RelReferent, RelMember, RelCarer, RelBreakGlass},
	SecCircle:        {RelReferent, RelMember, RelCarer, RelParent, RelBreakGlass},
	SecConsents:      {RelReferent, RelMember, RelParent},
	SecNotes:         {RelReferent, RelMember, RelCarer, RelBreakGlass},
	SecCareNotes:     {RelCare},
	SecLiaison:       {RelReferent, RelMember, RelCarer},
	SecPlanning:      {RelReferent, RelMember, RelCarer, RelParent, RelBreakGlass},
	SecProject:       {RelReferent, RelMember, RelCarer, RelParent, RelBreakGlass},
	SecProjectCare:   {RelCare, RelParent},
	SecAccessLog:     {RelReferent, RelParent},
}

var childWrite = map[Section][]Relation{
	SecIdentity:      {RelReferent},
	SecFamily:        {RelReferent},
	SecMeasures:      {RelReferent},
	SecDocuments:     {RelReferent},
	SecNotifications: {RelReferent, RelCare},
	SecCircle:        {RelReferent},
	// A parent withdraws the consents they gave; the service checks whose.
	SecConsents:  {RelReferent, RelParent},
	SecNotes:     {RelReferent, RelMember, RelCarer},
	SecCareNotes: {RelCare},
	SecLiaison:   {RelReferent, RelMember, RelCarer},
	SecPlanning:  {RelReferent, RelMember, RelCarer},
	// Drafting is shared by the professionals of the circle; the parents'
	// words are taken down by them.
	SecProject:     {RelReferent, RelMember, RelCarer},
	SecProjectCare: {RelCare},
}

func sectionRule(table map[Section][]Relation) func(Actor, Resource) bool {
	return func(a Actor, r Resource) bool {
		allowed := table[r.Section]
		return slices.ContainsFunc(ChildRelations(a, r.Child), func(rel Relation) bool { return slices.Contains(allowed, rel) })
	}
}

func related(a Actor, r Resource) bool { return len(ChildRelations(a, r.Child)) > 0 }

// professional: an account that works with children (break-glass is theirs;
// parents, steering and administrators never open a record).
func professional(a Actor, _ Resource) bool {
	return slices.ContainsFunc([]Role{RoleEducator, RoleDirector, RoleASEReferent, RoleMobileTeam, RoleFosterCarer}, a.Has)
}

func referentOfRecord(a Actor, r Resource) bool {
	return slices.Contains(ChildRelations(a, r.Child), RelReferent)
}

// aseReferentOf: an ASE referent of the organisation that will own the record.
func aseReferentOf(a Actor, r Resource) bool {
	return slices.ContainsFunc(r.OrganisationIDs, func(id string) bool { return a.HasIn(RoleASEReferent, id) })
}

// breakGlassAllowed: a professional with no relation to the child yet.
func breakGlassAllowed(a Actor, r Resource) bool { return professional(a, r) && !related(a, r) }

// ChildScope returns the SQL condition limiting a list of children to those
// the actor is related to; idColumn is children.id, aseColumn children.ase_id
// and carerColumn children.living_carer_id of the query. The conditions are
// those ChildRelations applies to the facts the pathway service loads.
func ChildScope(a Actor, idColumn, aseColumn, carerColumn string, now time.Time, args *db.Args) string {
	if a.System {
		return "TRUE"
	}
	if !a.Authenticated() {
		return "FALSE"
	}
	today := now.UTC().Format(time.DateOnly)
	var or []string
	if orgs := a.OrgsWhere(RoleASEReferent); len(orgs) > 0 {
		or = append(or, fmt.Sprintf("%s IN (%s)", aseColumn, db.List(args, orgs)))
	}
	if a.Has(RoleFosterCarer) {
		or = append(or, carerColumn+" = "+args.Add(a.AccountID))
	}
	var staffOrgs []string
	for _, m := range a.Memberships {
		if m.Role != RoleParent && !slices.Contains(staffOrgs, m.OrganisationID) {
			staffOrgs = append(staffOrgs, m.OrganisationID)
		}
	}
	if directed := a.OrgsWhere(RoleDirector); len(directed) > 0 || len(staffOrgs) > 0 {
		var who []string
		if len(directed) > 0 {
			who = append(who, "m.organisation_id IN ("+db.List(args, directed)+")")
		}
		if len(staffOrgs) > 0 {
			who = append(who, "(m.organisation_id IN ("+db.List(args, staffOrgs)+") AND EXISTS (SELECT 1 FROM child_circle_staff cs WHERE cs.member_id = m.id AND cs.account_id = "+args.Add(a.AccountID)+"))")
		}
		t := args.Add(today)
		live := "m.status = 'active' AND m.starts_on <= " + t + " AND m.ends_on >= " + t + " AND " + ConsentLive("m", t)
		pending := "FALSE"
		if len(directed) > 0 {
			pending = "m.status = 'invited' AND m.organisation_id IN (" + db.List(args, directed) + ")"
		}
		or = append(or, fmt.Sprintf("%s IN (SELECT m.child_id FROM child_circle m WHERE ((%s) AND (%s)) OR (%s))",
			idColumn, live, strings.Join(who, " OR "), pending))
	}
	if a.Has(RoleParent) {
		or = append(or, idColumn+" IN (SELECT r.child_id FROM child_relatives r WHERE r.account_id = "+args.Add(a.AccountID)+")")
	}
	or = append(or, idColumn+" IN (SELECT g.child_id FROM child_break_glass g WHERE g.account_id = "+args.Add(a.AccountID)+
		" AND g.expires_at > "+args.Add(now.UTC())+")")
	return "(" + strings.Join(or, " OR ") + ")"
}

// ConsentLive is the SQL condition that a circle member m's basis holds:
// a decision or shared secrecy, or a consent neither withdrawn nor past;
// today is a placeholder already added to the arguments.
func ConsentLive(m, today string) string {
	return fmt.Sprintf("(%[1]s.basis <> 'consent' OR EXISTS (SELECT 1 FROM child_consents k WHERE k.id = %[1]s.consent_id AND k.withdrawn_at IS NULL AND k.given_on <= %[2]s AND k.until_on >= %[2]s))", m, today)
}

// ChildExportScope returns the SQL condition limiting an export of
// children to those the actor may export (the ActionExport rule: the
// records of the ASE services where the actor is a referent).
func ChildExportScope(a Actor, aseColumn string, args *db.Args) string {
	if a.System {
		return "TRUE"
	}
	orgs := a.OrgsWhere(RoleASEReferent)
	if len(orgs) == 0 {
		return "FALSE"
	}
	return aseColumn + " IN (" + db.List(args, orgs) + ")"
}
