package directory

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"passerelle/internal/apperr"
	"passerelle/internal/directory/finess"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// Limits of what people type.
const (
	MaxAge              = 25 // contrats jeunes majeurs run to 21; some services to 25
	MaxPlaces           = 9999
	MaxTerritoryMinutes = 240
	maxShort            = 200
	maxLong             = 2000
	// maxPositionKm is how far typed coordinates may lie from the commune
	// centre: farther, they are most likely swapped or mistyped.
	maxPositionKm = 40
)

// EntryInput is what a person types to create or change an entry.
type EntryInput struct {
	Name, Type, OperatorID string
	FinessET, FinessEJ     string
	Sector, Authority      string
	Street, PostalCode     string
	CommuneCode            string
	// Lat and Lng are the position typed by the structure; nil leaves it to
	// the FINESS geolocation or the commune centre.
	Lat, Lng      *float64
	Confidential  bool
	Email, Phone  string
	Website       string
	Description   string
	Territory     Territory
	OpeningDays   int
	ClosedPeriods string
}

// OfferInput is what a person types to create or change an offer.
type OfferInput struct {
	Modality         string
	Label            string
	AgeMin, AgeMax   int
	Public           string
	Needs            []string
	Conditions       []string
	PlacesAuthorised int
	PlacesInstalled  int
	Description      string
	Active           bool
}

// ContactInput is what a person types to create or change a contact.
type ContactInput struct {
	Function, Label, Holder, Phone, Email, Hours string
}

func text(v *apperr.Validation, field, s string, max int, required string) string {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required != "":
		v.Add(field, required)
	case n > max:
		v.Add(field, fmt.Sprintf("%d caractères au plus.", max))
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0:
		v.Add(field, "Ce texte contient des caractères non autorisés.")
	}
	return s
}

// NormalizeEntry checks an entry without the database (the operator's
// existence and the FINESS numbers' uniqueness are checked by the service)
// and returns it cleaned. Errors are apperr.Invalid keyed by field.
func NormalizeEntry(in EntryInput) (EntryInput, error) {
	var v apperr.Validation
	out := in
	out.Name = text(&v, "name", in.Name, org.MaxNameLen, "Indiquez le nom de la structure.")
	out.Type = strings.TrimSpace(in.Type)
	switch {
	case out.Type == "":
		v.Add("type", "Choisissez le type de structure.")
	case !org.ValidStructureType(out.Type):
		v.Add("type", "Type de structure inconnu.")
	}
	out.OperatorID = strings.TrimSpace(in.OperatorID)
	out.Sector = strings.TrimSpace(in.Sector)
	if out.Sector == "" {
		out.Sector = org.StructureTypeSector(out.Type)
	} else if !slices.Contains(org.Sectors, out.Sector) {
		v.Add("sector", "Secteur inconnu.")
	}
	out.Authority = strings.TrimSpace(in.Authority)
	v.Check(out.Authority == "" || known(Authorities, out.Authority), "authority", "Autorité inconnue.")

	out.CommuneCode = strings.ToUpper(strings.TrimSpace(in.CommuneCode))
	commune, hasCommune := geo.CommuneByCode(out.CommuneCode)
	switch {
	case out.CommuneCode == "":
		v.Add("commune_code", "Indiquez la commune de la structure.")
	case !hasCommune:
		v.Add("commune_code", "Commune introuvable : choisissez-la dans la liste proposée.")
	default:
		out.CommuneCode = commune.Code
	}
	out.FinessET = finessNumber(&v, "finess_et", in.FinessET, commune.Departement)
	out.FinessEJ = finessNumber(&v, "finess_ej", in.FinessEJ, "")
	out.Street = text(&v, "street", in.Street, maxShort, "")
	out.PostalCode = strings.ReplaceAll(strings.TrimSpace(in.PostalCode), " ", "")
	if out.PostalCode != "" {
		switch {
		case len(out.PostalCode) != 5 || strings.Trim(out.PostalCode, "0123456789") != "":
			v.Add("postal_code", "Un code postal a 5 chiffres.")
		case hasCommune && !slices.Contains(commune.PostalCodes, out.PostalCode):
			v.Add("postal_code", fmt.Sprintf("Ce code postal n'est pas celui de %s (%s).", commune.Name, strings.Join(commune.PostalCodes, ", ")))
		}
	}
	checkPosition(&v, in.Lat, in.Lng, commune, hasCommune)

	out.Email = strings.ToLower(strings.TrimSpace(in.Email))
	v.Check(out.Email == "" || org.ValidEmail(out.Email), "email", "Adresse e-mail invalide (exemple : contact@exemple.fr).")
	out.Phone = phone(&v, "phone", in.Phone)
	out.Website = strings.TrimSpace(in.Website)
	if out.Website != "" {
		u, err := url.Parse(out.Website)
		v.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(out.Website) <= 300,
			"website", "Adresse de site invalide : elle commence par https://.")
	}
	out.Description = text(&v, "description", in.Description, maxLong, "")
	out.Territory = territory(&v, in.Territory)
	v.Check(in.OpeningDays >= 0 && in.OpeningDays <= 366, "opening_days", "Un nombre de jours entre 0 (inconnu) et 366.")
	out.ClosedPeriods = text(&v, "closed_periods", in.ClosedPeriods, maxShort, "")
	return out, v.Err()
}

// finessNumber checks a FINESS number; a geographic one (dep != "") must
// start with its commune's département, as FINESS numbers do.
func finessNumber(v *apperr.Validation, field, s, dep string) string {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	switch {
	case s == "":
	case !finess.ValidFiness(s):
		v.Add(field, "Un numéro FINESS a 9 caractères : le département (2 caractères) puis 7 chiffres.")
	case len(dep) == 2 && s[:2] != dep:
		v.Add(field, fmt.Sprintf("Ce numéro FINESS commence par %s : il devrait commencer par %s, le département de la commune.", s[:2], dep))
	}
	return s
}

func checkPosition(v *apperr.Validation, lat, lng *float64, c geo.Commune, hasCommune bool) {
	switch {
	case lat == nil && lng == nil:
		return
	case lat == nil || lng == nil:
		v.Add("lat", "Indiquez la latitude et la longitude, ou aucune des deux.")
		return
	}
	p := geo.Point{Lat: *lat, Lng: *lng}
	if math.IsNaN(p.Lat) || math.IsNaN(p.Lng) || !p.Valid() {
		v.Add("lat", "Position invalide : latitude entre -90 et 90, longitude entre -180 et 180 (par exemple 45,4397 et 4,3872).")
		return
	}
	if hasCommune {
		if km := geo.Distance(p, c.Point()); km > maxPositionKm {
			v.Add("lat", fmt.Sprintf("Cette position est à %.0f km de %s : vérifiez-la (latitude et longitude inversées ?).", km, c.Name))
		}
	}
}

func phone(v *apperr.Validation, field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	p, ok := org.NormalizePhone(s)
	if !ok {
		v.Add(field, "Numéro de téléphone invalide : 10 chiffres commençant par 0 (par exemple 04 77 12 34 56).")
		return s
	}
	return p
}

func territory(v *apperr.Validation, t Territory) Territory {
	var out Territory
	for _, d := range t.Departements {
		d = strings.ToUpper(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if _, ok := geo.DepartementByCode(d); !ok {
			v.Add("territory_departements", fmt.Sprintf("Département inconnu : %s.", d))
			continue
		}
		if !slices.Contains(out.Departements, d) {
			out.Departements = append(out.Departements, d)
		}
	}
	for _, c := range t.Communes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		if _, ok := geo.CommuneByCode(c); !ok {
			v.Add("territory_communes", fmt.Sprintf("Commune inconnue : %s.", c))
			continue
		}
		if !slices.Contains(out.Communes, c) {
			out.Communes = append(out.Communes, c)
		}
	}
	v.Check(t.MaxMinutes >= 0 && t.MaxMinutes <= MaxTerritoryMinutes, "territory_minutes",
		fmt.Sprintf("Un temps de trajet entre 0 (non précisé) et %d minutes.", MaxTerritoryMinutes))
	out.MaxMinutes = t.MaxMinutes
	return out
}

// NormalizeOffer checks an offer and returns it cleaned.
func NormalizeOffer(in OfferInput) (OfferInput, error) {
	var v apperr.Validation
	out := in
	out.Modality = strings.TrimSpace(in.Modality)
	v.Check(known(Modalities, out.Modality), "modality", "Choisissez la modalité d'accueil ou d'accompagnement.")
	out.Label = text(&v, "label", in.Label, 120, "")
	v.Check(in.AgeMin >= 0 && in.AgeMin <= MaxAge, "age_min", fmt.Sprintf("Un âge entre 0 et %d ans.", MaxAge))
	v.Check(in.AgeMax >= 0 && in.AgeMax <= MaxAge, "age_max", fmt.Sprintf("Un âge entre 0 et %d ans.", MaxAge))
	if !v.Has("age_min") && !v.Has("age_max") {
		v.Check(in.AgeMin <= in.AgeMax, "age_max", "L'âge maximum doit être supérieur ou égal à l'âge minimum.")
	}
	out.Public = strings.TrimSpace(in.Public)
	if out.Public == "" {
		out.Public = "mixed"
	}
	v.Check(known(Publics, out.Public), "public", "Public inconnu.")
	out.Needs = codes(&v, "needs", Needs, in.Needs, "Besoin inconnu.")
	out.Conditions = codes(&v, "conditions", Conditions, in.Conditions, "Condition inconnue.")
	v.Check(in.PlacesAuthorised >= 0 && in.PlacesAuthorised <= MaxPlaces, "places_authorised", fmt.Sprintf("Un nombre entre 0 et %d.", MaxPlaces))
	v.Check(in.PlacesInstalled >= 0 && in.PlacesInstalled <= MaxPlaces, "places_installed", fmt.Sprintf("Un nombre entre 0 et %d.", MaxPlaces))
	if !v.Has("places_authorised") && !v.Has("places_installed") && in.PlacesAuthorised > 0 {
		v.Check(in.PlacesInstalled <= in.PlacesAuthorised, "places_installed", "Les places installées ne peuvent dépasser les places autorisées.")
	}
	out.Description = text(&v, "description", in.Description, maxLong, "")
	return out, v.Err()
}

// codes keeps the known codes of list, in the list's order, once each.
func codes(v *apperr.Validation, field string, list []Code, in []string, msg string) []string {
	out := []string{}
	for _, c := range in {
		c = strings.TrimSpace(c)
		if c != "" && !known(list, c) {
			v.Add(field, msg)
		}
	}
	for _, c := range list {
		if slices.ContainsFunc(in, func(s string) bool { return strings.TrimSpace(s) == c.Code }) {
			out = append(out, c.Code)
		}
	}
	return out
}

// NormalizeContact checks a contact and returns it cleaned. A function is
// reached by phone or by e-mail: one of the two is needed.
func NormalizeContact(in ContactInput) (ContactInput, error) {
	var v apperr.Validation
	out := ContactInput{Function: strings.TrimSpace(in.Function)}
	v.Check(known(ContactFunctions, out.Function), "function", "Choisissez la fonction.")
	out.Label = text(&v, "label", in.Label, 120, "")
	out.Holder = text(&v, "holder", in.Holder, 120, "")
	out.Phone = phone(&v, "phone", in.Phone)
	out.Email = strings.ToLower(strings.TrimSpace(in.Email))
	v.Check(out.Email == "" || org.ValidEmail(out.Email), "email", "Adresse e-mail invalide (exemple : astreinte@exemple.fr).")
	out.Hours = text(&v, "hours", in.Hours, maxShort, "")
	if out.Phone == "" && out.Email == "" && !v.Has("phone") && !v.Has("email") {
		v.Add("phone", "Indiquez un téléphone ou une adresse e-mail pour joindre cette fonction.")
	}
	return out, v.Err()
}

// AgesLabel says an age range in French.
func AgesLabel(min, max int) string {
	switch {
	case min == max:
		return fmt.Sprintf("%d ans", min)
	case min == 0:
		return fmt.Sprintf("jusqu'à %d ans", max)
	}
	return fmt.Sprintf("de %d à %d ans", min, max)
}

// position decides an entry's coordinates and their source: typed by the
// structure; else the FINESS geolocation while the address it was made
// for is unchanged; else the commune centre.
func position(cur Structure, in EntryInput) (lat, lng float64, source string) {
	if in.Lat != nil && in.Lng != nil {
		return *in.Lat, *in.Lng, CoordDirector
	}
	sameAddress := cur.Street == in.Street && cur.CommuneCode == in.CommuneCode && cur.PostalCode == in.PostalCode
	if cur.CoordSource == CoordFiness && sameAddress {
		return cur.Lat, cur.Lng, CoordFiness
	}
	if c, ok := geo.CommuneByCode(in.CommuneCode); ok {
		return c.Lat, c.Lng, CoordCommune
	}
	return 0, 0, ""
}

// publicPosition is where search places the structure for everyone: its
// commune centre when its address is confidential, so that travel times
// cannot be used to find it.
func publicPosition(lat, lng float64, source, communeCode string, confidential bool) (float64, float64, bool) {
	if confidential || source == "" {
		c, ok := geo.CommuneByCode(communeCode)
		return c.Lat, c.Lng, ok
	}
	return lat, lng, true
}

// searchText is the folded text the full-text index holds for an entry.
func searchText(s Structure) string {
	var words []string
	for _, part := range []string{s.Name, s.OperatorName, s.CommuneName(), s.TypeLabel(), s.FinessET, s.FinessEJ} {
		words = append(words, geo.IndexWords(part)...)
	}
	if !s.Confidential && s.PostalCode != "" {
		words = append(words, s.PostalCode)
	}
	return strings.Join(words, " ")
}

// sortName orders entries by name whatever their accents and capitals.
func sortName(name string) string { return geo.Fold(name) }
