// Package capacity is the live capacity and respite board: what each offer
// of the directory can take and when (declarations of availability), how
// fresh each figure is, the holds and bookings that take places, and the
// territory's view by week. The last place is never taken twice: places
// move only through conditional updates the database arbitrates, so the
// rule holds across any number of servers.
package capacity

import (
	"time"

	"passerelle/internal/access"
)

// Kind is what a declaration offers.
type Kind string

const (
	KindPermanent  Kind = "permanent"  // a place for a lasting placement or admission
	KindEmergency  Kind = "emergency"  // a place kept for emergencies
	KindRespite    Kind = "respite"    // a respite stay of 1 to 6 days
	KindSequential Kind = "sequential" // sequential or shared reception, some days a week
	KindRelay      Kind = "relay"      // a relay stay with a foster carer
	KindStaff      Kind = "staff"      // staff the structure can lend
)

// KindInfo describes a kind for pages and validation.
type KindInfo struct {
	Kind  Kind
	Label string
	// StaleDays is the default number of days a figure stays fresh.
	StaleDays int
}

// Kinds lists the kinds, in the order the interface shows them.
var Kinds = []KindInfo{
	{KindPermanent, "Place permanente", 7},
	{KindEmergency, "Place d'urgence", 2},
	{KindRespite, "Accueil de répit (1 à 6 jours)", 2},
	{KindSequential, "Accueil séquentiel ou partagé", 7},
	{KindRelay, "Séjour relais chez un assistant familial", 7},
	{KindStaff, "Personnel pouvant être mis à disposition", 7},
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	_, ok := kindInfo(k)
	return ok
}

// Label is the French name of the kind.
func (k Kind) Label() string {
	if i, ok := kindInfo(k); ok {
		return i.Label
	}
	return string(k)
}

func kindInfo(k Kind) (KindInfo, bool) {
	for _, i := range Kinds {
		if i.Kind == k {
			return i, true
		}
	}
	return KindInfo{}, false
}

// MaxRespiteDays is the longest respite stay: the field asks for respite
// shorter than a week.
const MaxRespiteDays = 6

// DefaultHoldHours is how long a hold lasts unless confirmed.
const DefaultHoldHours = 48

// Availability is one declaration: places of a kind on an offer, for a
// period, possibly some days of the week only.
type Availability struct {
	ID          string
	OfferID     string
	StructureID string
	Kind        Kind
	Places      int // declared
	Taken       int // by live holds and bookings
	From, To    Day // To is Forever for "until further notice"
	Weekdays    Weekdays
	// Profession and Conditions describe lent staff ("éducatrice
	// spécialisée", "deux jours par semaine, frais de déplacement à charge");
	// Conditions is a free note for the other kinds.
	Profession      string
	Conditions      string
	CarerID         string // the foster carer of a relay stay, "" otherwise
	CarerName       string
	ReservedFor     string // organisation the places are reserved for, "" when open to all
	ReservedForName string
	ConfirmedAt     time.Time
	ConfirmedBy     string
	Active          bool
	UpdatedAt       time.Time
}

// Free is the number of places still to take.
func (a Availability) Free() int { return max(a.Places-a.Taken, 0) }

// Resource is the declaration as the policy sees it.
func (a Availability) Resource(dep string) access.Resource {
	return access.Resource{Type: access.ResAvailability, ID: a.ID, OrganisationIDs: []string{a.StructureID},
		Departement: dep, AccountID: a.CarerID}
}

// HoldStatus is where a hold stands.
type HoldStatus string

const (
	HoldHeld      HoldStatus = "held"
	HoldBooked    HoldStatus = "booked"
	HoldCancelled HoldStatus = "cancelled"
	HoldExpired   HoldStatus = "expired"
)

// Label is the French name of the status.
func (s HoldStatus) Label() string {
	switch s {
	case HoldHeld:
		return "Option posée"
	case HoldBooked:
		return "Réservation confirmée"
	case HoldCancelled:
		return "Annulée"
	case HoldExpired:
		return "Expirée"
	}
	return string(s)
}

// Live reports whether the hold still takes its places.
func (s HoldStatus) Live() bool { return s == HoldHeld || s == HoldBooked }

// Hold is places of a declaration held, then booked, for a request.
type Hold struct {
	ID             string
	AvailabilityID string
	StructureID    string
	StructureName  string
	OfferLabel     string
	Kind           Kind
	Places         int
	Status         HoldStatus
	// RequestRef names the request or situation the hold is for. Until the
	// child's record exists, a hold never names a child.
	RequestRef      string
	Note            string
	HolderOrgID     string
	HolderOrgName   string
	HolderAccountID string
	HolderName      string
	From, To        Day
	ExpiresAt       time.Time
	CreatedAt       time.Time
	BookedAt        time.Time
	ClosedAt        time.Time
	ClosedBy        string
	Departement     string
}

// Resource is the hold as the policy sees it.
func (h Hold) Resource() access.Resource {
	return access.Resource{Type: access.ResHold, ID: h.ID, OrganisationIDs: []string{h.HolderOrgID},
		AccountID: h.HolderAccountID, ProviderID: h.StructureID, Departement: h.Departement}
}
