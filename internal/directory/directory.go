// Package directory owns the territorial directory: each structure's entry
// (identity, FINESS numbers, address, possibly confidential, territory,
// opening), its offers, its contacts by function and its documents; the
// search by need, place, age and travel time; the FINESS import and the
// HSDS export. A structure is an organisation of kind "structure"; its
// entry lives beside it and is written in the same transactions.
package directory

import (
	"time"

	"passerelle/internal/access"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// StaleAfter is how long an entry stays trusted without its director
// confirming it: after that it is shown as unchecked and a reminder goes out.
const StaleAfter = 183 * 24 * time.Hour

// Structure is a directory entry as one viewer may see it.
type Structure struct {
	ID           string
	Name         string
	Type         string // org.StructureTypes code
	OperatorID   string
	OperatorName string
	FinessET     string
	FinessEJ     string
	Sector       string // org.Sectors code
	Authority    string // Authorities code
	Street       string
	PostalCode   string
	CommuneCode  string
	Departement  string
	Lat, Lng     float64 // meaningful when CoordSource is not ""
	CoordSource  string
	// Confidential: the address is shown only to the structure's members and
	// the authorised ASE and steering accounts of its département.
	Confidential bool
	// AddressHidden is true when this viewer may not see the address: Street,
	// PostalCode and the coordinates are then empty, Lat/Lng the commune's.
	AddressHidden bool
	Email, Phone  string
	Website       string
	Description   string
	Territory     Territory
	OpeningDays   int    // days open a year, 0 when unknown
	ClosedPeriods string // e.g. "Fermé du 1er au 21 août"
	CheckedAt     time.Time
	CheckedBy     string
	ManualFields  []string
	Active        bool
	Fictional     bool
	UpdatedAt     time.Time

	Offers    []Offer
	Contacts  []Contact
	Documents []Document
}

// Territory is the area a structure serves.
type Territory struct {
	Departements []string // codes
	Communes     []string // INSEE codes
	MaxMinutes   int      // travel time from the structure, 0 when not set
}

// Offer is one modality of reception or care of a structure.
type Offer struct {
	ID               string
	StructureID      string
	Modality         string
	Label            string
	AgeMin, AgeMax   int
	Public           string // Publics code
	Needs            []string
	Conditions       []string
	PlacesAuthorised int
	PlacesInstalled  int
	Description      string
	Active           bool
	UpdatedAt        time.Time
}

// Contact is a function of a structure and how to reach it.
type Contact struct {
	ID          string
	StructureID string
	Function    string
	Label       string // e.g. "Astreinte éducative 24 h/24"
	Holder      string // the person holding it now, may be ""
	Phone       string
	Email       string
	Hours       string // e.g. "du lundi au vendredi, 9 h – 17 h"
	UpdatedAt   time.Time
}

// Document is a file attached to an entry (its content is read apart).
type Document struct {
	ID          string
	StructureID string
	Kind        string
	Filename    string
	ContentType string
	Size        int64
	CreatedAt   time.Time
}

// TypeLabel, SectorLabel… are for templates.
func (s Structure) TypeLabel() string        { return org.StructureTypeLabel(s.Type) }
func (s Structure) SectorLabel() string      { return org.SectorLabel(s.Sector) }
func (s Structure) AuthorityLabel() string   { return AuthorityLabel(s.Authority) }
func (s Structure) CoordSourceLabel() string { return CoordSourceLabel(s.CoordSource) }

// CommuneName returns the name of the structure's commune.
func (s Structure) CommuneName() string {
	c, _ := geo.CommuneByCode(s.CommuneCode)
	return c.Name
}

// Stale reports whether the entry has gone unchecked for StaleAfter.
func (s Structure) Stale(now time.Time) bool { return Stale(s.CheckedAt, now) }

// Stale reports whether an entry last checked at checkedAt (zero: never)
// should be checked again at now.
func Stale(checkedAt, now time.Time) bool {
	return checkedAt.IsZero() || now.Sub(checkedAt) >= StaleAfter
}

// Resource describes the entry to the access policy.
func (s Structure) Resource() access.Resource { return resource(s.ID, s.Departement) }

func resource(id, dep string) access.Resource {
	return access.Resource{Type: access.ResStructure, ID: id, OrganisationIDs: []string{id}, Departement: dep}
}

// OnDuty returns the on-duty contacts, the ones to call in an emergency.
func (s Structure) OnDuty() []Contact {
	var out []Contact
	for _, c := range s.Contacts {
		if c.Function == "on_duty" {
			out = append(out, c)
		}
	}
	return out
}

func (o Offer) ModalityLabel() string { return ModalityLabel(o.Modality) }
func (o Offer) PublicLabel() string   { return PublicLabel(o.Public) }

// NeedLabels returns the labels of the offer's needs.
func (o Offer) NeedLabels() []string { return labels(Needs, o.Needs) }

// ConditionLabels returns the labels of the offer's conditions.
func (o Offer) ConditionLabels() []string { return labels(Conditions, o.Conditions) }

// Ages says the age range in French: "de 6 à 14 ans".
func (o Offer) Ages() string { return AgesLabel(o.AgeMin, o.AgeMax) }

func (c Contact) FunctionLabel() string { return FunctionLabel(c.Function) }

func labels(list []Code, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = label(list, c)
	}
	return out
}
