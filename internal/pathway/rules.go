package pathway

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
)

// Input lengths.
const (
	maxName   = 100
	maxText   = 2000
	maxNote   = 10000
	maxReason = 1000
	// MinReason is the shortest break-glass reason: a word is not a reason.
	MinReason = 15
)

// ChildInput is the identity section as typed. Errors are keyed by field:
// first_name, last_name, birth_date, sex, living_kind, living_structure,
// living_carer, school_kind.
type ChildInput struct {
	FirstName, LastName string
	BirthDate           string
	Sex                 string
	LivingKind          string
	LivingStructureID   string
	LivingCarerID       string
	LivingNote          string
	SchoolKind          string
	SchoolNote          string
	ReferentID          string // empty: the author
}

func trim(s *string) { *s = strings.TrimSpace(*s) }

func checkLen(v *apperr.Validation, field, s string, n int) {
	v.Check(utf8.RuneCountInString(s) <= n, field, "Texte trop long.")
}

// validDay parses a YYYY-MM-DD day as typed (also accepting DD/MM/YYYY).
func validDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1900 && t.Year() <= 9999 {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// day checks a required day field.
func day(v *apperr.Validation, field, s, missing string) string {
	if strings.TrimSpace(s) == "" {
		v.Add(field, missing)
		return ""
	}
	d, ok := validDay(s)
	v.Check(ok, field, "Date invalide : écrivez-la jj/mm/aaaa.")
	return d
}

// endDay checks an optional end day: empty is Forever.
func endDay(v *apperr.Validation, field, s string) string {
	if strings.TrimSpace(s) == "" {
		return Forever
	}
	d, ok := validDay(s)
	v.Check(ok, field, "Date invalide : écrivez-la jj/mm/aaaa.")
	return d
}

// NormalizeChild checks the identity section; today bounds the birth date.
func NormalizeChild(in ChildInput, today time.Time) (ChildInput, error) {
	var v apperr.Validation
	for _, s := range []*string{&in.FirstName, &in.LastName, &in.BirthDate, &in.Sex, &in.LivingKind,
		&in.LivingStructureID, &in.LivingCarerID, &in.LivingNote, &in.SchoolKind, &in.SchoolNote} {
		trim(s)
	}
	v.Check(in.FirstName != "", "first_name", "Indiquez le prénom.")
	v.Check(in.LastName != "", "last_name", "Indiquez le nom.")
	checkLen(&v, "first_name", in.FirstName, maxName)
	checkLen(&v, "last_name", in.LastName, maxName)
	if d := day(&v, "birth_date", in.BirthDate, "Indiquez la date de naissance."); d != "" {
		in.BirthDate = d
		t, _ := time.Parse(time.DateOnly, d)
		switch {
		case t.After(today):
			v.Add("birth_date", "La date de naissance est dans le futur.")
		case AgeOn(d, today) > 25:
			v.Add("birth_date", "Passerelle suit des enfants et des jeunes majeurs de moins de 26 ans.")
		}
	}
	v.Check(known(Sexes, in.Sex), "sex", "Choisissez le sexe.")
	if in.LivingKind == "" {
		in.LivingKind = "family"
	}
	v.Check(known(LivingKinds, in.LivingKind), "living_kind", "Lieu de vie inconnu.")
	switch in.LivingKind {
	case "structure":
		v.Check(in.LivingStructureID != "", "living_structure", "Choisissez la structure où vit l'enfant.")
		in.LivingCarerID = ""
	case "foster_carer":
		v.Check(in.LivingCarerID != "", "living_carer", "Choisissez l'assistante familiale.")
		in.LivingStructureID = ""
	default:
		in.LivingStructureID, in.LivingCarerID = "", ""
	}
	checkLen(&v, "living_note", in.LivingNote, maxText)
	if in.SchoolKind == "" {
		in.SchoolKind = "unknown"
	}
	v.Check(known(SchoolKinds, in.SchoolKind), "school_kind", "Situation scolaire inconnue.")
	checkLen(&v, "school_note", in.SchoolNote, maxText)
	return in, v.ErrSaying("La fiche n'a pas été enregistrée : corrigez les champs signalés.")
}

// RelativeInput is a relative as typed; errors by field: kind, name,
// authority, email, phone.
type RelativeInput struct {
	Kind, Name, Relationship, Authority, Phone, Email, Address string
}

// NormalizeRelative checks a relative.
func NormalizeRelative(in RelativeInput) (RelativeInput, error) {
	var v apperr.Validation
	for _, s := range []*string{&in.Kind, &in.Name, &in.Relationship, &in.Authority, &in.Phone, &in.Email, &in.Address} {
		trim(s)
	}
	v.Check(known(RelativeKinds, in.Kind), "kind", "Choisissez le lien avec l'enfant.")
	v.Check(in.Name != "", "name", "Indiquez le nom.")
	checkLen(&v, "name", in.Name, maxName)
	if in.Authority == "" {
		in.Authority = "none"
	}
	v.Check(known(Authorities, in.Authority), "authority", "Autorité parentale inconnue.")
	in.Email = strings.ToLower(in.Email)
	v.Check(in.Email == "" || (strings.Count(in.Email, "@") == 1 && !strings.ContainsAny(in.Email, " <>,;") &&
		strings.Contains(in.Email[strings.Index(in.Email, "@"):], ".")), "email", "Adresse e-mail invalide.")
	checkLen(&v, "email", in.Email, 254)
	checkLen(&v, "phone", in.Phone, 30)
	checkLen(&v, "relationship", in.Relationship, maxText)
	checkLen(&v, "address", in.Address, maxText)
	return in, v.ErrSaying("Le proche n'a pas été enregistré : corrigez les champs signalés.")
}

// MeasureInput is a measure as typed; errors by field: kind, authority,
// decided_on, from, to, document.
type MeasureInput struct {
	Kind, Authority, DecidedOn, From, To, Reference, RenewsID, Note string
	Document                                                        *Document
}

// Document is an uploaded file.
type Document struct {
	Name, Type string
	Data       []byte
}

// MaxDocument is the largest document a measure carries.
const MaxDocument = 5 << 20

// NormalizeMeasure checks a measure. Judicial measures have an end (the
// judge decides for at most two years), except guardianship and delegation.
func NormalizeMeasure(in MeasureInput) (MeasureInput, error) {
	var v apperr.Validation
	for _, s := range []*string{&in.Kind, &in.Authority, &in.DecidedOn, &in.From, &in.To, &in.Reference, &in.RenewsID, &in.Note} {
		trim(s)
	}
	k := MeasureKindOf(in.Kind)
	v.Check(slices.ContainsFunc(MeasureKinds, func(m MeasureKind) bool { return m.Code == in.Kind }), "kind", "Choisissez la mesure.")
	v.Check(in.Authority != "", "authority", "Indiquez qui a décidé (juge des enfants de…, président du Département…).")
	checkLen(&v, "authority", in.Authority, maxName*2)
	in.From = day(&v, "from", in.From, "Indiquez le début.")
	if in.DecidedOn == "" {
		in.DecidedOn = in.From
	} else {
		in.DecidedOn = day(&v, "decided_on", in.DecidedOn, "")
	}
	if in.To == "" && !k.Open {
		v.Add("to", "Indiquez la fin de la mesure.")
	}
	in.To = endDay(&v, "to", in.To)
	if !v.Has("from") && !v.Has("to") && in.To < in.From {
		v.Add("to", "La fin précède le début.")
	}
	checkLen(&v, "reference", in.Reference, maxName)
	checkLen(&v, "note", in.Note, maxText)
	if d := in.Document; d != nil {
		switch {
		case len(d.Data) == 0:
			in.Document = nil
		case len(d.Data) > MaxDocument:
			v.Add("document", "Le document dépasse 5 Mo.")
		case !strings.HasPrefix(string(d.Data), "%PDF-"):
			v.Add("document", "Le document doit être un PDF.")
		default:
			d.Type = "application/pdf"
			d.Name = strings.TrimSpace(d.Name)
			if d.Name == "" {
				d.Name = "decision.pdf"
			}
		}
	}
	return in, v.ErrSaying("La mesure n'a pas été enregistrée : corrigez les champs signalés.")
}

// NotificationInput is an MDPH notification as typed; errors by field:
// orientation, from, to, status.
type NotificationInput struct {
	Orientation, Modality, From, To, DecisionRef, Status, WaitingAt, AdmittedStructureID, StatusOn string
}

// NormalizeNotification checks a notification; today is the default day of
// its status.
func NormalizeNotification(in NotificationInput, today string) (NotificationInput, error) {
	var v apperr.Validation
	for _, s := range []*string{&in.Orientation, &in.Modality, &in.From, &in.To, &in.DecisionRef, &in.Status,
		&in.WaitingAt, &in.AdmittedStructureID, &in.StatusOn} {
		trim(s)
	}
	v.Check(known(Orientations, in.Orientation), "orientation", "Choisissez l'orientation.")
	in.From = day(&v, "from", in.From, "Indiquez le début de validité.")
	in.To = day(&v, "to", in.To, "Indiquez la fin de validité.")
	if !v.Has("from") && !v.Has("to") && in.To < in.From {
		v.Add("to", "La fin précède le début.")
	}
	if in.Status == "" {
		in.Status = "notified"
	}
	v.Check(known(NotificationStatuses, in.Status), "status", "Suite inconnue.")
	v.Check(in.Status != "admitted" || in.AdmittedStructureID != "", "admitted_structure", "Choisissez la structure qui a admis l'enfant.")
	if in.Status != "admitted" {
		in.AdmittedStructureID = ""
	}
	if in.StatusOn == "" {
		in.StatusOn = today
	} else {
		in.StatusOn = day(&v, "status_on", in.StatusOn, "")
	}
	checkLen(&v, "modality", in.Modality, maxName*2)
	checkLen(&v, "decision_ref", in.DecisionRef, maxName)
	checkLen(&v, "waiting_at", in.WaitingAt, maxText)
	return in, v.ErrSaying("La notification n'a pas été enregistrée : corrigez les champs signalés.")
}

// InviteInput brings a structure into the circle; errors by field:
// organisation, capacity, basis, consent, measure, from, to.
type InviteInput struct {
	OrganisationID string
	Capacity       access.Capacity
	Basis          string
	ConsentID      string
	MeasureID      string
	From, To       string
	Note           string
}

// NormalizeInvite checks an invitation; today is the default start.
func NormalizeInvite(in InviteInput, today string) (InviteInput, error) {
	var v apperr.Validation
	for _, s := range []*string{&in.OrganisationID, &in.Basis, &in.ConsentID, &in.MeasureID, &in.From, &in.To, &in.Note} {
		trim(s)
	}
	v.Check(in.OrganisationID != "", "organisation", "Choisissez la structure.")
	v.Check(in.Capacity.Valid(), "capacity", "Choisissez à quel titre la structure intervient.")
	v.Check(known(Bases, in.Basis), "basis", "Choisissez la base légale du partage.")
	switch in.Basis {
	case "consent":
		v.Check(in.ConsentID != "", "consent", "Choisissez l'accord des parents sur lequel repose le partage.")
		in.MeasureID = ""
	case "decision":
		v.Check(in.MeasureID != "", "measure", "Choisissez la décision qui fonde le partage.")
		in.ConsentID = ""
	default:
		in.ConsentID, in.MeasureID = "", ""
	}
	if in.From == "" {
		in.From = today
	} else {
		in.From = day(&v, "from", in.From, "")
	}
	in.To = endDay(&v, "to", in.To)
	if !v.Has("from") && !v.Has("to") && in.To < in.From {
		v.Add("to", "La fin précède le début.")
	}
	checkLen(&v, "note", in.Note, maxText)
	return in, v.ErrSaying("L'invitation n'a pas été envoyée : corrigez les champs signalés.")
}

// ConsentInput is a consent as typed; errors by field: relative, scope,
// given_on, until.
type ConsentInput struct {
	RelativeID, Scope, Subject, GivenOn, Until string
}

// NormalizeConsent checks a consent; today is the default day it was given.
func NormalizeConsent(in ConsentInput, today string) (ConsentInput, error) {
	var v apperr.Validation
	for _, s := range []*string{&in.RelativeID, &in.Scope, &in.Subject, &in.GivenOn, &in.Until} {
		trim(s)
	}
	v.Check(in.RelativeID != "", "relative", "Choisissez qui a donné son accord.")
	v.Check(known(ConsentScopes, in.Scope), "scope", "Choisissez sur quoi porte l'accord.")
	checkLen(&v, "subject", in.Subject, maxText)
	if in.GivenOn == "" {
		in.GivenOn = today
	} else {
		in.GivenOn = day(&v, "given_on", in.GivenOn, "")
	}
	v.Check(v.Has("given_on") || in.GivenOn <= today, "given_on", "Un accord se note une fois donné : la date est dans le futur.")
	in.Until = endDay(&v, "until", in.Until)
	if !v.Has("given_on") && !v.Has("until") && in.Until < in.GivenOn {
		v.Add("until", "La fin précède la date de l'accord.")
	}
	return in, v.ErrSaying("L'accord n'a pas été enregistré : corrigez les champs signalés.")
}

// NormalizeNote checks a note of the timeline; errors on "text".
func NormalizeNote(text string) (string, error) {
	var v apperr.Validation
	text = strings.TrimSpace(text)
	v.Check(text != "", "text", "Écrivez la note.")
	checkLen(&v, "text", text, maxNote)
	return text, v.ErrSaying("La note n'a pas été enregistrée.")
}

// NormalizeReason checks a break-glass reason; errors on "reason".
func NormalizeReason(reason string) (string, error) {
	var v apperr.Validation
	reason = strings.TrimSpace(reason)
	v.Check(utf8.RuneCountInString(reason) >= MinReason, "reason",
		"Expliquez en une phrase l'urgence qui justifie l'accès : elle sera lue par le référent et le pilotage.")
	checkLen(&v, "reason", reason, maxReason)
	return reason, v.ErrSaying("L'accès d'urgence n'a pas été ouvert.")
}
