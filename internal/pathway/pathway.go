// Package pathway owns the child's shared record: the child, family,
// measures, MDPH notifications, the circle of structures with the basis of
// each sharing, break-glass openings and the timeline. Every read and write
// goes through the access policy's child rules, section by section, and
// through the audit log; for anyone unrelated, a child does not exist.
package pathway

import (
	"slices"
	"time"

	"passerelle/internal/access"
)

// Forever is the end of what has no end (a measure until further notice).
const Forever = "9999-12-31"

// Child is the identity section of a record.
type Child struct {
	ID                  string
	Pseudonym           string // stable and random, the only identifier of exports
	ASEID, ASEName      string // the ASE service that owns the record
	ReferentID          string
	ReferentName        string
	Departement         string
	FirstName, LastName string
	BirthDate           string // YYYY-MM-DD
	Sex                 string // girl, boy, other
	LivingKind          string // structure, foster_carer, family, other
	LivingStructureID   string
	LivingStructureName string
	LivingCarerID       string
	LivingCarerName     string
	LivingNote          string
	SchoolKind          string
	SchoolNote          string
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// Name is how the child is named in pages: first name, then last name.
func (c Child) Name() string { return c.FirstName + " " + c.LastName }

// Age is the child's age in whole years on day now.
func (c Child) Age(now time.Time) int { return AgeOn(c.BirthDate, now) }

// AgeOn is the age in whole years of someone born on birth (YYYY-MM-DD).
func AgeOn(birth string, now time.Time) int {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		return 0
	}
	age := now.Year() - b.Year()
	if now.Month() < b.Month() || (now.Month() == b.Month() && now.Day() < b.Day()) {
		age--
	}
	return max(age, 0)
}

// Relative is a parent, guardian or relative who matters.
type Relative struct {
	ID           string
	Kind         string // mother, father, guardian, relative, other
	Name         string
	Relationship string // the child's relationship with them, in words
	Authority    string // full, delegated, withdrawn, none
	Phone        string
	Email        string
	Address      string
	AccountID    string // their parent account, once invited
}

// LegalRepresentative reports whether the relative holds parental authority.
func (r Relative) LegalRepresentative() bool {
	return r.Authority == "full" || r.Authority == "delegated" || r.Kind == "guardian"
}

// Measure is an administrative or judicial measure.
type Measure struct {
	ID           string
	Kind         string
	Authority    string // who decided it
	DecidedOn    string
	From, To     string // To is Forever when open
	Reference    string
	RenewsID     string
	RenewedByID  string // the measure that renews this one, if any
	Note         string
	DocumentName string
	HasDocument  bool
	CreatedAt    time.Time
}

// Judicial reports whether the measure was ordered by a judge.
func (m Measure) Judicial() bool { return MeasureKindOf(m.Kind).Judicial }

// Notification is an MDPH orientation decision and what became of it.
type Notification struct {
	ID                    string
	Orientation           string
	Modality              string
	From, To              string
	DecisionRef           string
	Status                string // notified, waiting, admitted, refused, not_carried_out
	WaitingAt             string // the structures whose waiting list holds the child, in words
	AdmittedStructureID   string
	AdmittedStructureName string
	StatusOn              string
}

// Member is a structure of the child's circle.
type Member struct {
	ID               string
	OrganisationID   string
	OrganisationName string
	Capacity         access.Capacity
	Status           string // invited, active, declined, left
	Basis            string // consent, decision, shared_secrecy
	ConsentID        string
	MeasureID        string
	Note             string
	From, To         string
	InvitedBy        string
	InvitedAt        time.Time
	AnsweredAt       *time.Time
	LeftAt           *time.Time
	Staff            []Person
	// BasisLive is false when the consent it rests on was withdrawn or
	// has ended: the member then sees nothing until a new basis.
	BasisLive bool
}

// Person is an account named in a record.
type Person struct {
	ID   string
	Name string
}

// Live reports whether the member opens the record to its staff on day.
func (m Member) Live(day string) bool {
	return m.Status == "active" && m.From <= day && m.To >= day && m.BasisLive
}

// Consent is a legal representative's consent to a sharing.
type Consent struct {
	ID           string
	RelativeID   string
	RelativeName string
	Scope        string // circle, health, respite, other
	Subject      string
	GivenOn      string
	Until        string
	WithdrawnAt  *time.Time
	WithdrawnBy  string
	CreatedBy    string
	// ParentAccountID is the account of who gave it: they may withdraw it.
	ParentAccountID string
}

// Live reports whether the consent holds on day.
func (c Consent) Live(day string) bool {
	return c.WithdrawnAt == nil && c.GivenOn <= day && c.Until >= day
}

// Event is a line of the timeline.
type Event struct {
	ID               string
	At               time.Time
	Kind             string
	Section          access.Section
	Summary          string
	Body             string
	ActorName        string
	OrganisationName string
}

// Code is a value with its French label.
type Code struct {
	Code  string
	Label string
}

// MeasureKind is a kind of measure.
type MeasureKind struct {
	Code     string
	Label    string
	Judicial bool
	// Open: the measure may have no end (guardianship, delegation).
	Open bool
}

// MeasureKinds are the measures the record knows.
var MeasureKinds = []MeasureKind{
	{Code: "accueil_provisoire", Label: "Accueil provisoire (à la demande des parents)"},
	{Code: "contrat_jeune_majeur", Label: "Contrat jeune majeur"},
	{Code: "aed", Label: "Aide éducative à domicile (AED)"},
	{Code: "placement_judiciaire", Label: "Placement ordonné par le juge des enfants", Judicial: true},
	{Code: "opp", Label: "Ordonnance de placement provisoire (OPP)", Judicial: true},
	{Code: "aemo", Label: "Assistance éducative en milieu ouvert (AEMO)", Judicial: true},
	{Code: "pjj", Label: "Mesure de la PJJ", Judicial: true},
	{Code: "tutelle", Label: "Tutelle", Judicial: true, Open: true},
	{Code: "delegation_autorite_parentale", Label: "Délégation de l'autorité parentale", Judicial: true, Open: true},
}

// MeasureKindOf returns the kind with code c (the zero kind if unknown).
func MeasureKindOf(c string) MeasureKind {
	i := slices.IndexFunc(MeasureKinds, func(k MeasureKind) bool { return k.Code == c })
	if i < 0 {
		return MeasureKind{Code: c, Label: c}
	}
	return MeasureKinds[i]
}

// Label lists and their lookups.
var (
	Sexes       = []Code{{"girl", "Fille"}, {"boy", "Garçon"}, {"other", "Autre / non précisé"}}
	LivingKinds = []Code{{"structure", "Une structure"}, {"foster_carer", "Chez une assistante familiale"},
		{"family", "Dans sa famille"}, {"other", "Autre"}}
	SchoolKinds = []Code{{"unknown", "Non renseignée"}, {"ordinary", "Classe ordinaire"}, {"ulis", "Classe ordinaire avec ULIS"},
		{"unit", "Unité d'enseignement en établissement"}, {"part_time", "Scolarité partielle"},
		{"none", "Non scolarisé"}, {"training", "Formation, apprentissage"}, {"too_young", "Pas encore en âge"}}
	RelativeKinds = []Code{{"mother", "Mère"}, {"father", "Père"}, {"guardian", "Tuteur ou tutrice"},
		{"relative", "Autre proche"}, {"other", "Autre"}}
	Authorities = []Code{{"full", "Autorité parentale exercée"}, {"delegated", "Autorité parentale déléguée"},
		{"withdrawn", "Autorité parentale retirée"}, {"none", "Sans autorité parentale"}}
	Orientations = []Code{{"ditep", "DITEP"}, {"itep", "ITEP"}, {"ime", "IME"}, {"sessad", "SESSAD"},
		{"cmpp", "CMPP"}, {"camsp", "CAMSP"}, {"iem", "IEM"}, {"other", "Autre"}}
	NotificationStatuses = []Code{{"notified", "Notifiée, sans suite encore"}, {"waiting", "En liste d'attente"},
		{"admitted", "Admis"}, {"refused", "Refusée par les structures"}, {"not_carried_out", "Non mise en œuvre"}}
	Bases = []Code{{"consent", "Accord des parents"}, {"decision", "Décision de justice"},
		{"shared_secrecy", "Secret professionnel partagé"}}
	ConsentScopes = []Code{{"circle", "Partage avec une structure"}, {"health", "Informations de santé"},
		{"respite", "Séjour de répit"}, {"other", "Autre"}}
	CapacityLabels = []Code{{string(access.CapLivingPlace), "Lieu de vie"}, {string(access.CapMedicoSocial), "Accompagnement médico-social"},
		{string(access.CapCare), "Soin"}, {string(access.CapSchool), "Scolarité"}, {string(access.CapMobileTeam), "Équipe mobile"},
		{string(access.CapFosterCarer), "Assistant familial"}}
	MemberStatuses = []Code{{"invited", "Invitée"}, {"active", "Dans le cercle"}, {"declined", "A décliné"}, {"left", "Sortie du cercle"}}
	SectionLabels  = []Code{{string(access.SecIdentity), "Identité"}, {string(access.SecFamily), "Famille"},
		{string(access.SecMeasures), "Mesures"}, {string(access.SecDocuments), "Documents judiciaires"},
		{string(access.SecNotifications), "Notifications MDPH"}, {string(access.SecCircle), "Cercle"},
		{string(access.SecConsents), "Accords et bases légales"}, {string(access.SecNotes), "Notes"},
		{string(access.SecCareNotes), "Notes de soin"}, {string(access.SecLiaison), "Fiches de liaison"},
		{string(access.SecPlanning), "Planning"}, {string(access.SecProject), "Projet de l'enfant"},
		{string(access.SecProjectCare), "Projet : soins"}, {string(access.SecAccessLog), "Accès au dossier"}}
)

// Label returns the label of code c in list, or c itself.
func Label(list []Code, c string) string {
	for _, x := range list {
		if x.Code == c {
			return x.Label
		}
	}
	return c
}

func known(list []Code, c string) bool {
	return slices.ContainsFunc(list, func(x Code) bool { return x.Code == c })
}
