package hsds

import (
	"fmt"
	"strings"
)

// OrganizationOf returns the structure as a fully nested HSDS organization,
// as GET /organizations/{id} serves it: contacts, location, identifiers,
// attributes and its services (without their organization, which is this).
func OrganizationOf(s Structure) Organization {
	o := organization(s)
	o.Services = services(s, nil)
	return o
}

// OperatorOf returns the structure's operator (organisme gestionnaire) as the
// organization its parent_organization_id points to, with the FINESS EJ
// number that identifies it; false when the structure has no operator.
func OperatorOf(s Structure) (Organization, bool) {
	if s.OperatorID == "" {
		return Organization{}, false
	}
	o := Organization{
		ID:          s.OperatorID,
		Name:        s.OperatorName,
		Description: "Organisme gestionnaire.",
	}
	if id, ok := identifier(s.OperatorID, "finess-ej", "FINESS EJ (entité juridique)", s.FinessEJ); ok {
		o.OrganizationIdentifiers = []OrganizationIdentifier{id}
	}
	return o, true
}

// Basic returns the organization's one-to-one fields only, the shape of the
// items of GET /organizations (schema/compiled/organization_list.json).
func (o Organization) Basic() Organization {
	return Organization{
		ID:                   o.ID,
		Name:                 o.Name,
		AlternateName:        o.AlternateName,
		Description:          o.Description,
		Email:                o.Email,
		Website:              o.Website,
		ParentOrganizationID: o.ParentOrganizationID,
	}
}

// organization is the structure without its services.
func organization(s Structure) Organization {
	return Organization{
		ID:                      s.ID,
		Name:                    s.Name,
		AlternateName:           s.AlternateName,
		Description:             organizationDescription(s),
		Email:                   email(s.Email),
		Website:                 website(s.Website),
		ParentOrganizationID:    s.OperatorID,
		Contacts:                contacts(s),
		Locations:               []Location{location(s)},
		OrganizationIdentifiers: identifiers(s),
		Attributes: attributes(s.ID,
			[2]string{termStructureType, s.TypeLabel},
			[2]string{termSector, s.SectorLabel},
			[2]string{termAuthority, s.AuthorityLabel},
			[2]string{termOperator, s.OperatorName},
		),
	}
}

// organizationDescription is the structure's own description or, since HSDS
// requires one, its type and commune ("MECS à Rive-de-Gier").
func organizationDescription(s Structure) string {
	if d := strings.TrimSpace(s.Description); d != "" {
		return d
	}
	switch {
	case s.TypeLabel != "" && s.CommuneName != "":
		return s.TypeLabel + " à " + s.CommuneName
	case s.TypeLabel != "":
		return s.TypeLabel
	}
	return s.Name
}

// identifiers gives the FINESS numbers. The EJ number identifies the legal
// entity, that is the operator when there is one: it goes on the operator
// (OperatorOf), not here, lest consumers merge every structure of an operator.
// FINESS has no org-id.guide scheme, so identifier_type names it.
func identifiers(s Structure) []OrganizationIdentifier {
	var out []OrganizationIdentifier
	if id, ok := identifier(s.ID, "finess-et", "FINESS ET (établissement)", s.FinessET); ok {
		out = append(out, id)
	}
	if s.OperatorID == "" {
		if id, ok := identifier(s.ID, "finess-ej", "FINESS EJ (entité juridique)", s.FinessEJ); ok {
			out = append(out, id)
		}
	}
	return out
}

func identifier(owner, key, kind, number string) (OrganizationIdentifier, bool) {
	number = strings.TrimSpace(number)
	if number == "" {
		return OrganizationIdentifier{}, false
	}
	return OrganizationIdentifier{
		ID:             derivedID(owner, "identifier", key),
		IdentifierType: kind,
		Identifier:     number,
	}, true
}

// contacts gives the structure's contacts by function, each with its phone.
func contacts(s Structure) []ContactPoint {
	var out []ContactPoint
	for _, c := range s.Contacts {
		id := c.ID
		if id == "" {
			id = derivedID(s.ID, "contact", c.Function)
		}
		cp := ContactPoint{
			ID:    id,
			Name:  strings.TrimSpace(c.Label),
			Title: strings.TrimSpace(c.FunctionLabel),
			Email: email(c.Email),
		}
		if n := strings.TrimSpace(c.Phone); n != "" {
			cp.Phones = []Phone{{ID: derivedID(id, "phone"), Number: n}}
		}
		out = append(out, cp)
	}
	return out
}

// location is the structure's place. A confidential structure's location
// has neither address nor coordinates: only the commune, in the description,
// since an HSDS 3.0 address cannot go without street and postal code.
func location(s Structure) Location {
	l := Location{
		ID:           derivedID(s.ID, "location"),
		LocationType: "physical",
		Name:         s.Name,
		Schedules:    schedules(s),
	}
	if s.Confidential {
		l.Description = "Adresse confidentielle : seule la commune est publiée." + commune(s)
		return l
	}
	if s.Street != "" && s.PostalCode != "" && s.CommuneName != "" {
		l.Addresses = []Address{{
			ID:            derivedID(s.ID, "address"),
			Address1:      s.Street,
			City:          s.CommuneName,
			StateProvince: s.Departement,
			PostalCode:    s.PostalCode,
			Country:       "FR",
			AddressType:   "physical",
		}}
	} else {
		l.Description = strings.TrimSpace(commune(s))
	}
	if s.HasCoordinates {
		lat, lng := s.Lat, s.Lng
		l.Latitude, l.Longitude = &lat, &lng
	}
	return l
}

// commune is " Commune : Saint-Étienne (42)." or "" when the commune is
// unknown.
func commune(s Structure) string {
	if s.CommuneName == "" {
		return ""
	}
	if s.Departement == "" {
		return fmt.Sprintf(" Commune : %s.", s.CommuneName)
	}
	return fmt.Sprintf(" Commune : %s (%s).", s.CommuneName, s.Departement)
}

// schedules turns the opening pattern into a schedule: a rule for every day
// when the structure is open all year, text otherwise.
func schedules(s Structure) []Schedule {
	closed := strings.TrimSpace(s.ClosedPeriods)
	if s.OpeningDays <= 0 && closed == "" {
		return nil
	}
	sc := Schedule{ID: derivedID(s.ID, "schedule"), Notes: closed}
	if s.OpeningDays > 0 {
		sc.Description = fmt.Sprintf("Ouvert %d jours par an.", s.OpeningDays)
	}
	if s.OpeningDays >= 365 {
		sc.Freq, sc.ByDay = "WEEKLY", "MO,TU,WE,TH,FR,SA,SU"
	}
	return []Schedule{sc}
}
