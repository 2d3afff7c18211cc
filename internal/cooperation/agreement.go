package cooperation

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/apperr"
)

// PartyInput is one party organisation with its role.
type PartyInput struct {
	OrganisationID, Role string
}

// ContactInput is one contact person of an agreement.
type ContactInput struct {
	Name, Function, Phone, Email string
}

// PlacesInput is places of a party structure's offer kept for another
// party. From and To default to the agreement's dates.
type PlacesInput struct {
	OfferID, BeneficiaryID string
	Places                 int
	PerMonth               bool
	From, To               string
}

// Input is an agreement as it is registered or edited.
type Input struct {
	Kind, Title, Reference string
	Children, Support      string // the subject: which children, which support
	SignedOn, StartsOn     string
	// EndsOn, or DurationMonths from which it is computed.
	EndsOn         string
	DurationMonths int
	Tacit          bool
	NoticeMonths   int
	NoticeGivenOn  string
	Parties        []PartyInput
	Contacts       []ContactInput
	Places         []PlacesInput
	// ModelID: the model document it was started from, if any.
	ModelID string
	// partyRows and placeRows are the rows of the parties and places as
	// they were sent, empty ones included (set by Normalize), so that a
	// check made later names the row the user typed.
	partyRows, placeRows []int
}

// row is the row as sent of the i-th kept line.
func row(rows []int, i int) int {
	if i < len(rows) {
		return rows[i]
	}
	return i
}

// Terms returns the dates of in.
func (in Input) Terms() Terms {
	return Terms{SignedOn: in.SignedOn, StartsOn: in.StartsOn, EndsOn: in.EndsOn, DurationMonths: in.DurationMonths,
		Tacit: in.Tacit, NoticeMonths: in.NoticeMonths, NoticeGivenOn: in.NoticeGivenOn}
}

// Limits of what an agreement holds.
const (
	maxParties  = 30
	maxContacts = 10
	maxPlaces   = 10
)

func validDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Normalize trims in, computes the end from the duration, and checks
// everything that needs no database: field messages are French and name
// the field as the API does ("parties/0/role"). today is 'YYYY-MM-DD'.
func Normalize(in Input, today string) (Input, error) {
	var v apperr.Validation
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&in.Kind, &in.Title, &in.Reference, &in.Children, &in.Support, &in.SignedOn, &in.StartsOn,
		&in.EndsOn, &in.NoticeGivenOn, &in.ModelID} {
		trim(s)
	}
	v.Check(known(Kinds, in.Kind), "kind", "Choisissez le type d'accord.")
	v.Check(in.Title != "", "title", "Donnez un intitulé à l'accord.")
	v.Check(!tooLong(in.Title, 200), "title", "200 caractères au plus.")
	v.Check(!tooLong(in.Reference, 100), "reference", "100 caractères au plus.")
	v.Check(!tooLong(in.Children, 4000), "children", "4 000 caractères au plus.")
	v.Check(!tooLong(in.Support, 4000), "support", "4 000 caractères au plus.")
	for field, d := range map[string]string{"signed_on": in.SignedOn, "starts_on": in.StartsOn, "ends_on": in.EndsOn, "notice_given_on": in.NoticeGivenOn} {
		v.Check(d == "" || validDay(d), field, "Date invalide (jj/mm/aaaa).")
	}
	v.Check(in.SignedOn == "" || in.SignedOn <= today || v.Has("signed_on"), "signed_on", "La date de signature ne peut pas être à venir.")
	v.Check(in.SignedOn == "" || in.StartsOn != "", "starts_on", "Un accord signé a une date de début.")
	v.Check(in.DurationMonths >= 0 && in.DurationMonths <= 240, "duration_months", "Une durée de 0 à 240 mois.")
	v.Check(in.NoticeMonths >= 0 && in.NoticeMonths <= 60, "notice_months", "Un préavis de 0 à 60 mois.")
	if in.EndsOn == "" && in.DurationMonths > 0 && validDay(in.StartsOn) {
		in.EndsOn = EndFrom(in.StartsOn, in.DurationMonths)
	}
	v.Check(in.EndsOn == "" || in.StartsOn == "" || v.Has("ends_on") || in.EndsOn >= in.StartsOn, "ends_on", "La fin est avant le début.")
	if in.Tacit {
		v.Check(in.DurationMonths > 0, "duration_months", "Pour une reconduction tacite, indiquez la durée d'une période (en mois).")
		v.Check(in.EndsOn != "" || v.Has("duration_months"), "ends_on", "Pour une reconduction tacite, indiquez la fin de la première période.")
	}
	v.Check(in.NoticeGivenOn == "" || in.NoticeGivenOn <= today || v.Has("notice_given_on"), "notice_given_on", "Le préavis ne peut pas être donné à une date à venir.")

	in.Parties, in.partyRows = normalizeParties(&v, in.Parties)
	in.Contacts = normalizeContacts(&v, in.Contacts)
	in.Places, in.placeRows = normalizePlaces(&v, in)
	return in, v.ErrSaying("L'accord n'est pas enregistré : corrigez les champs signalés.")
}

func normalizeParties(v *apperr.Validation, ps []PartyInput) ([]PartyInput, []int) {
	var out []PartyInput
	var rows []int
	seen := map[string]bool{}
	for i, p := range ps {
		p.OrganisationID, p.Role = strings.TrimSpace(p.OrganisationID), strings.TrimSpace(p.Role)
		if p.OrganisationID == "" && p.Role == "" {
			continue
		}
		f := fmt.Sprintf("parties/%d/", i)
		v.Check(p.OrganisationID != "", f+"organisation_id", "Choisissez l'organisation.")
		v.Check(known(PartyRoles, p.Role), f+"role", "Choisissez son rôle dans l'accord.")
		v.Check(!seen[p.OrganisationID] || p.OrganisationID == "", f+"organisation_id", "Cette organisation est déjà partie à l'accord.")
		seen[p.OrganisationID] = true
		out = append(out, p)
		rows = append(rows, i)
	}
	v.Check(len(out) > 0, "parties", "Indiquez au moins une partie.")
	v.Check(len(out) <= maxParties, "parties", fmt.Sprintf("%d parties au plus.", maxParties))
	return out, rows
}

func normalizeContacts(v *apperr.Validation, cs []ContactInput) []ContactInput {
	var out []ContactInput
	for i, c := range cs {
		c.Name, c.Function, c.Phone, c.Email = strings.TrimSpace(c.Name), strings.TrimSpace(c.Function), strings.TrimSpace(c.Phone), strings.TrimSpace(c.Email)
		if c == (ContactInput{}) {
			continue
		}
		f := fmt.Sprintf("contacts/%d/", i)
		v.Check(c.Name != "", f+"name", "Indiquez le nom du contact.")
		v.Check(!tooLong(c.Name, 120) && !tooLong(c.Function, 120), f+"name", "120 caractères au plus.")
		v.Check(!tooLong(c.Phone, 30), f+"phone", "30 caractères au plus.")
		if c.Email != "" {
			a, err := mail.ParseAddress(c.Email)
			v.Check(err == nil && a.Address == c.Email, f+"email", "Adresse e-mail invalide.")
		}
		out = append(out, c)
	}
	v.Check(len(out) <= maxContacts, "contacts", fmt.Sprintf("%d contacts au plus.", maxContacts))
	return out
}

// normalizePlaces checks the reserved places against the agreement's
// parties and dates; that the offer is a party structure's is checked
// with the database.
func normalizePlaces(v *apperr.Validation, in Input) ([]PlacesInput, []int) {
	parties := map[string]bool{}
	for _, p := range in.Parties {
		parties[p.OrganisationID] = true
	}
	var out []PlacesInput
	var rows []int
	for i, p := range in.Places {
		p.OfferID, p.BeneficiaryID, p.From, p.To = strings.TrimSpace(p.OfferID), strings.TrimSpace(p.BeneficiaryID), strings.TrimSpace(p.From), strings.TrimSpace(p.To)
		if p.OfferID == "" && p.BeneficiaryID == "" && p.Places == 0 && p.From == "" && p.To == "" {
			continue
		}
		f := fmt.Sprintf("places/%d/", i)
		v.Check(p.OfferID != "", f+"offer_id", "Choisissez l'offre dont les places sont réservées.")
		v.Check(p.BeneficiaryID != "", f+"beneficiary_id", "Choisissez pour qui les places sont réservées.")
		v.Check(p.BeneficiaryID == "" || parties[p.BeneficiaryID], f+"beneficiary_id", "Le bénéficiaire doit être partie à l'accord.")
		v.Check(p.Places >= 1 && p.Places <= 500, f+"places", "De 1 à 500 places.")
		v.Check(p.From == "" || validDay(p.From), f+"from", "Date invalide (jj/mm/aaaa).")
		v.Check(p.To == "" || validDay(p.To), f+"to", "Date invalide (jj/mm/aaaa).")
		from, to := p.From, p.To
		if from == "" {
			from = in.StartsOn
		}
		if to == "" {
			to = in.EndsOn
		}
		switch {
		case v.Has(f+"from") || v.Has(f+"to"):
		case from == "":
			v.Add(f+"from", "Indiquez à partir de quand (ou la date de début de l'accord).")
		case to == "":
			v.Add(f+"to", "Indiquez jusqu'à quand : l'accord n'a pas de fin.")
		case to < from:
			v.Add(f+"to", "La fin est avant le début.")
		case in.StartsOn != "" && from < in.StartsOn:
			v.Add(f+"from", "Les places sont réservées pendant l'accord : pas avant son début.")
		case in.EndsOn != "" && !in.Tacit && to > in.EndsOn:
			v.Add(f+"to", "Les places sont réservées pendant l'accord : pas après sa fin.")
		}
		out = append(out, p)
		rows = append(rows, i)
	}
	v.Check(len(out) <= maxPlaces, "places", fmt.Sprintf("%d réservations au plus.", maxPlaces))
	return out, rows
}

// Termination is the early end of an agreement by a party.
type Termination struct {
	On, Reason string
}

// NormalizeTermination checks a termination.
func NormalizeTermination(t Termination) (Termination, error) {
	t.On, t.Reason = strings.TrimSpace(t.On), strings.TrimSpace(t.Reason)
	var v apperr.Validation
	v.Check(validDay(t.On), "terminated_on", "Indiquez la date à laquelle la résiliation prend effet.")
	v.Check(t.Reason != "", "reason", "Indiquez le motif de la résiliation.")
	v.Check(!tooLong(t.Reason, 2000), "reason", "2 000 caractères au plus.")
	return t, v.ErrSaying("La résiliation n'est pas enregistrée : corrigez les champs signalés.")
}
