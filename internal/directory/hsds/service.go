package hsds

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ServicesOf returns the structure's offers as fully nested HSDS services,
// as GET /services/{id} serves them: each with its organization (the
// structure, without services), its place, language and attributes.
func ServicesOf(s Structure) []Service {
	o := organization(s)
	return services(s, &o)
}

// Basic returns the service's one-to-one fields and its basic organization,
// the shape of the items of GET /services (schema/compiled/service_list.json).
func (v Service) Basic() Service {
	b := Service{
		ID:                     v.ID,
		OrganizationID:         v.OrganizationID,
		Name:                   v.Name,
		Description:            v.Description,
		Status:                 v.Status,
		ApplicationProcess:     v.ApplicationProcess,
		EligibilityDescription: v.EligibilityDescription,
		MinimumAge:             v.MinimumAge,
		MaximumAge:             v.MaximumAge,
		AssuredDate:            v.AssuredDate,
		LastModified:           v.LastModified,
	}
	if v.Organization != nil {
		o := v.Organization.Basic()
		b.Organization = &o
	}
	return b
}

// services converts the offers; org, when not nil, is nested in each.
func services(s Structure, org *Organization) []Service {
	if len(s.Offers) == 0 {
		return nil
	}
	loc := location(s)
	out := make([]Service, 0, len(s.Offers))
	for i, f := range s.Offers {
		out = append(out, service(s, f, i, org, loc))
	}
	return out
}

func service(s Structure, f Offer, i int, org *Organization, loc Location) Service {
	id := f.ID
	if id == "" {
		id = derivedID(s.ID, "offer", strconv.Itoa(i))
	}
	v := Service{
		ID:                     id,
		OrganizationID:         s.ID,
		Name:                   serviceName(s, f),
		Description:            strings.TrimSpace(f.Description),
		Status:                 "active",
		ApplicationProcess:     labelled("Conditions d'admission", f.Conditions),
		EligibilityDescription: eligibility(f),
		AssuredDate:            date(s.CheckedAt),
		LastModified:           timestamp(s.UpdatedAt),
		Organization:           org,
		ServiceAtLocations: []ServiceAtLocation{{
			ID:       derivedID(id, "service_at_location"),
			Location: &loc,
		}},
		Languages: []Language{{ID: derivedID(id, "language", "fr"), Name: "Français", Code: "fr"}},
	}
	v.MinimumAge, v.MaximumAge = ages(f)
	pairs := [][2]string{
		{termModality, f.ModalityLabel},
		{termPublic, f.PublicLabel},
	}
	for _, n := range f.Needs {
		pairs = append(pairs, [2]string{termNeed, n})
	}
	for _, c := range f.Conditions {
		pairs = append(pairs, [2]string{termCondition, c})
	}
	pairs = append(pairs,
		[2]string{termPlacesAuthorised, count(f.PlacesAuthorised)},
		[2]string{termPlacesInstalled, count(f.PlacesInstalled)},
	)
	v.Attributes = attributes(id, pairs...)
	return v
}

// serviceName is the offer's label, else its modality, else the structure's
// name: HSDS requires a name.
func serviceName(s Structure, f Offer) string {
	for _, n := range []string{f.Label, f.ModalityLabel, s.Name} {
		if n = strings.TrimSpace(n); n != "" {
			return n
		}
	}
	return ""
}

// ages gives minimum_age and maximum_age. A maximum of 0 means unknown (no
// offer is for children up to 0 years), and then a minimum of 0 too.
func ages(f Offer) (minimum, maximum *int) {
	if f.AgeMax > 0 {
		hi := f.AgeMax
		maximum = &hi
	}
	if f.AgeMin > 0 || maximum != nil {
		lo := f.AgeMin
		minimum = &lo
	}
	return minimum, maximum
}

// eligibility is the French text of who the offer is for:
// "Public : Mixte. Âge : de 6 à 18 ans. Besoins : a ; b."
func eligibility(f Offer) string {
	var parts []string
	if p := strings.TrimSpace(f.PublicLabel); p != "" {
		parts = append(parts, "Public : "+p+".")
	}
	switch lo, hi := ages(f); {
	case lo != nil && hi != nil:
		parts = append(parts, fmt.Sprintf("Âge : de %d à %d ans.", *lo, *hi))
	case lo != nil:
		parts = append(parts, fmt.Sprintf("Âge : à partir de %d ans.", *lo))
	}
	if n := labelled("Besoins", f.Needs); n != "" {
		parts = append(parts, n)
	}
	return strings.Join(parts, " ")
}

// labelled is "Title : a ; b." or "" when items has no text.
func labelled(title string, items []string) string {
	var kept []string
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			kept = append(kept, it)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return title + " : " + strings.Join(kept, " ; ") + "."
}

// count is n as an attribute value, "" when 0 (unknown).
func count(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// date is t as the YYYY-MM-DD of HSDS dates, "" when zero. The day is taken
// in t's own location.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// timestamp is t in UTC with milliseconds, as HSDS asks for last_modified.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
