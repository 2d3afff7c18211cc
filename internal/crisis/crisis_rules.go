package crisis

import (
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/apperr"
)

// Code is a coded value with its French label.
type Code struct{ Code, Label string }

// Kinds are the kinds of crisis, in the order the form shows them.
var Kinds = []Code{
	{string(KindEpidemic), "Épidémie"},
	{string(KindHeatwave), "Canicule"},
	{string(KindFlood), "Inondation"},
	{string(KindCyber), "Cyberattaque"},
	{string(KindOther), "Autre"},
}

// State is what a structure says of its activity in a status report.
type State string

const (
	StateOpen    State = "open"
	StateReduced State = "reduced"
	StateClosed  State = "closed"
)

// States are the states of a structure, in the order the form shows them.
var States = []Code{
	{string(StateOpen), "Ouverte"},
	{string(StateReduced), "Activité réduite"},
	{string(StateClosed), "Fermée"},
}

// Label returns the French label of code in codes ("" when unknown).
func Label(codes []Code, code string) string {
	for _, c := range codes {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// Log entry kinds: a meeting note (for the cell) or a decision (for the
// whole territory).
const (
	EntryNote     = "note"
	EntryDecision = "decision"
)

// Limits of the forms.
const (
	maxText        = 4000
	maxShort       = 200
	maxCount       = 100000
	maxCadence     = 168 // a week
	DefaultCadence = 24
	// clockSkew is how far in the future a time typed "now" may be.
	clockSkew = 10 * time.Minute
	// maxBackdate is how far back a crisis may be said to have started.
	maxBackdate = 90 * 24 * time.Hour
)

// ParseTime reads a time typed in a form ("2026-07-01T08:30", Paris
// time) or sent by the API (RFC 3339). Empty gives the zero time.
func ParseTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Paris is the time zone of the forms.
var Paris = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// Activation is what the steering types to activate a crisis.
type Activation struct {
	Departement string
	Kind        Kind
	Start       string // empty: now
	Description string
}

// normalizeActivation checks an activation at now and returns its start.
func normalizeActivation(in *Activation, now time.Time) (time.Time, error) {
	var v apperr.Validation
	in.Description = strings.TrimSpace(in.Description)
	v.Check(Label(Kinds, string(in.Kind)) != "", "kind", "Choisissez la nature de la crise.")
	v.Check(in.Description != "", "description", "Décrivez la situation en quelques mots : c'est ce que le territoire lira.")
	v.Check(utf8.RuneCountInString(in.Description) <= maxText, "description", "La description est trop longue (4 000 caractères au plus).")
	start, ok := ParseTime(in.Start, Paris)
	switch {
	case !ok:
		v.Add("start", "Date et heure de début illisibles (jj/mm/aaaa hh:mm).")
	case start.IsZero():
		start = now
	case start.After(now.Add(clockSkew)):
		v.Add("start", "Le début ne peut pas être dans le futur : activez la crise quand elle commence.")
	case start.Before(now.Add(-maxBackdate)):
		v.Add("start", "Le début est à plus de 90 jours : vérifiez la date.")
	}
	return start.Truncate(time.Microsecond), v.ErrSaying("La crise n'est pas activée : corrigez les champs signalés.")
}

// Ending is what the steering types to end a crisis.
type Ending struct {
	End  string // empty: now
	Note string
}

// normalizeEnding checks the end of a crisis started at start.
func normalizeEnding(in *Ending, start, now time.Time) (time.Time, error) {
	var v apperr.Validation
	in.Note = strings.TrimSpace(in.Note)
	v.Check(in.Note != "", "note", "Écrivez une note de clôture : elle ouvre le rapport de fin de crise.")
	v.Check(utf8.RuneCountInString(in.Note) <= maxText, "note", "La note est trop longue (4 000 caractères au plus).")
	end, ok := ParseTime(in.End, Paris)
	switch {
	case !ok:
		v.Add("end", "Date et heure de fin illisibles.")
	case end.IsZero():
		end = now
	case end.After(now.Add(clockSkew)):
		v.Add("end", "La fin ne peut pas être dans le futur.")
	case end.Before(start):
		v.Add("end", "La fin est avant le début de la crise.")
	}
	return end.Truncate(time.Microsecond), v.ErrSaying("La crise n'est pas terminée : corrigez les champs signalés.")
}

// EntryInput is a note or decision of the cell.
type EntryInput struct {
	Kind string
	At   string // when it was said or decided; empty: now
	Body string
}

func normalizeEntry(in *EntryInput, start, now time.Time) (time.Time, error) {
	var v apperr.Validation
	in.Body = strings.TrimSpace(in.Body)
	v.Check(in.Kind == EntryNote || in.Kind == EntryDecision, "kind", "Choisissez : note de réunion ou décision.")
	v.Check(in.Body != "", "body", "Le texte est vide.")
	v.Check(utf8.RuneCountInString(in.Body) <= maxText, "body", "Le texte est trop long (4 000 caractères au plus).")
	at, ok := ParseTime(in.At, Paris)
	switch {
	case !ok:
		v.Add("at", "Date et heure illisibles.")
	case at.IsZero():
		at = now
	case at.After(now.Add(clockSkew)):
		v.Add("at", "La date ne peut pas être dans le futur.")
	case at.Before(start):
		v.Add("at", "La date est avant le début de la crise.")
	}
	return at.Truncate(time.Microsecond), v.ErrSaying("Rien n'a été ajouté au journal : corrigez les champs signalés.")
}

// MemberInput is a member added to the cell: an account of the platform
// (by its e-mail) or a person named with organisation and function.
type MemberInput struct {
	Email        string
	Name         string
	Organisation string
	Function     string
	Phone        string
}

// CallablePhone reports whether s can be dialled: 10 to 15 digits, written
// with spaces, dots, dashes, a leading + or brackets ("+33 (0)4 …").
func CallablePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" .-+()", r):
		default:
			return false
		}
	}
	return digits >= 10 && digits <= 15
}

func normalizeMember(in *MemberInput) error {
	var v apperr.Validation
	for _, p := range []*string{&in.Email, &in.Name, &in.Organisation, &in.Function, &in.Phone} {
		*p = strings.TrimSpace(*p)
	}
	in.Email = strings.ToLower(in.Email)
	if in.Email == "" {
		v.Check(in.Name != "", "name", "Donnez le nom de la personne, ou l'adresse de son compte Passerelle.")
		v.Check(in.Organisation != "", "organisation", "Donnez son organisation (CD, ARS, MDPH, organisme gestionnaire…).")
	} else {
		v.Check(strings.Contains(in.Email, "@"), "email", "Adresse e-mail invalide.")
	}
	v.Check(in.Phone == "" || CallablePhone(in.Phone), "phone", "Un numéro de téléphone (10 chiffres, ou au format international).")
	for f, s := range map[string]string{"email": in.Email, "name": in.Name, "organisation": in.Organisation, "function": in.Function, "phone": in.Phone} {
		v.Check(utf8.RuneCountInString(s) <= maxShort, f, "Trop long (200 caractères au plus).")
	}
	return v.ErrSaying("Personne n'a été ajouté à la cellule : corrigez les champs signalés.")
}

// StatusInput is a structure's status report.
type StatusInput struct {
	StructureID      string
	State            State
	StaffAbsent      int
	ChildrenAffected int
	Needs            string
}

func normalizeStatus(in *StatusInput) error {
	var v apperr.Validation
	in.Needs = strings.TrimSpace(in.Needs)
	v.Check(in.StructureID != "", "structure_id", "Choisissez la structure.")
	v.Check(Label(States, string(in.State)) != "", "state", "Dites si la structure est ouverte, en activité réduite ou fermée.")
	v.Check(in.StaffAbsent >= 0 && in.StaffAbsent <= maxCount, "staff_absent", "Un nombre entre 0 et 100 000 est attendu.")
	v.Check(in.ChildrenAffected >= 0 && in.ChildrenAffected <= maxCount, "children_affected", "Un nombre entre 0 et 100 000 est attendu.")
	v.Check(utf8.RuneCountInString(in.Needs) <= maxText, "needs", "Le texte est trop long (4 000 caractères au plus).")
	return v.ErrSaying("L'état n'est pas transmis : corrigez les champs signalés.")
}

// checkCadence checks a reporting cadence in hours.
func checkCadence(hours int) error {
	var v apperr.Validation
	v.Check(hours >= 1 && hours <= maxCadence, "report_every_hours", "Un nombre d'heures entre 1 et 168 (une semaine) est attendu.")
	return v.ErrSaying("Le rythme n'est pas changé.")
}

// DueAt is when a structure owes its next report: a cadence after its
// last report, or after the start of the crisis when it sent none.
func DueAt(start, last time.Time, every time.Duration) time.Time {
	if last.After(start) {
		start = last
	}
	return start.Add(every)
}

// Late reports whether a structure is late at now.
func Late(start, last time.Time, every time.Duration, now time.Time) bool {
	return now.After(DueAt(start, last, every))
}

// Period numbers the cadence periods since the start of a crisis, from 0:
// a late structure is reminded at most once per period.
func Period(start, now time.Time, every time.Duration) int {
	if every <= 0 || now.Before(start) {
		return 0
	}
	return int(now.Sub(start) / every)
}
