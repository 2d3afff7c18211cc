// Package hsds turns directory structures into Open Referral HSDS 3.0 JSON:
// the structure becomes an organization (its operator a parent organization),
// each offer a service at the structure's location, and lists are wrapped in
// the paginated envelope of the HSDS API. It owns its input types so that it
// depends on no other Passerelle package; the conversions are pure functions.
// A confidential structure's street, postal code and coordinates never leave
// it: its location carries the commune only. The official schemas it follows
// are vendored under schema/ and the tests validate every output against them.
package hsds

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// Version is the HSDS version the output follows, as the API's "/" endpoint
// reports it.
const Version = "3.0"

// Structure is a directory entry as the export may publish it. CommuneCode
// has no HSDS 3.0 field and is not written.
type Structure struct {
	ID, Name, AlternateName, Description, Email, Website string

	FinessET, FinessEJ       string // FINESS numbers, "" when unknown
	OperatorID, OperatorName string // "" when none

	TypeLabel, SectorLabel, AuthorityLabel string

	// Confidential: the street, postal code and coordinates must never appear.
	Confidential                                 bool
	Street, PostalCode, CommuneName, CommuneCode string
	Departement                                  string
	Lat, Lng                                     float64
	HasCoordinates                               bool

	OpeningDays   int    // days open a year, 0 when unknown
	ClosedPeriods string // free text, e.g. "Fermé en août"

	Contacts []Contact
	Offers   []Offer

	CheckedAt, UpdatedAt time.Time // CheckedAt is zero when never checked
}

// Contact is a way to reach a structure through one function (direction,
// on-duty manager, secretariat, admissions…), not through a person.
type Contact struct {
	ID, Function, FunctionLabel, Label, Phone, Email string
}

// Offer is one modality of reception or care of a structure.
type Offer struct {
	ID, Modality, ModalityLabel, Label, Description string
	AgeMin, AgeMax                                  int    // years, inclusive
	PublicLabel                                     string // "Mixte", "Garçons"…
	Needs, Conditions                               []string
	PlacesAuthorised, PlacesInstalled               int
}

// namespace roots the UUIDv5 of the objects HSDS needs and Passerelle does
// not store (locations, addresses, phones, attributes…). Changing it changes
// every derived id a consumer may already hold.
var namespace = uuid.MustParse("ea99718a-e42c-42e8-b8b6-ee369923ffdc")

// derivedID is the stable id of the sub-object named by path under the
// object parent: the same inputs give the same id on every export.
func derivedID(parent string, path ...string) string {
	name := parent + "/" + strings.Join(path, "/")
	return uuid.NewSHA1(namespace, []byte(name)).String()
}
