// Package cooperation is the formal frame of cooperation on a territory:
// agreements (convention, charte, CPOM, call for projects, partnership,
// GCSMS) with their parties, documents, renewal and reserved places, the
// model documents a territory publishes, and the knowledge base of
// practices that work.
package cooperation

import (
	"context"
	"time"

	"passerelle/internal/db"
)

// Service holds the agreements, model documents and knowledge base.
type Service struct {
	DB *db.DB
	// Places keeps the capacity board's reserved places in step with the
	// agreements that reserve them.
	Places Places
}

// Reservation is places of a structure's offer that an agreement keeps for
// one beneficiary organisation.
type Reservation struct {
	OfferID       string // the directory offer
	StructureID   string // the structure that provides the offer
	BeneficiaryID string // the organisation the places are kept for
	Places        int    // how many places
	// PerMonth: the places are kept afresh each calendar month (for
	// example 2 respite places a month); otherwise once over the period.
	PerMonth bool
	From, To time.Time // dates (midnight UTC), To inclusive
}

// Places is the capacity board as agreements see it. Reserve replaces all
// the places an agreement reserved before with rs (an empty rs releases
// them); places already held or booked are kept. It runs in the
// agreement's transaction.
type Places interface {
	Reserve(ctx context.Context, tx *db.Tx, agreementID string, rs []Reservation) error
}
