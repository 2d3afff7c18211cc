package capacity

import (
	"context"

	"passerelle/internal/cooperation"
	"passerelle/internal/db"
)

// AgreementPlaces is the capacity board as agreements see it: the places
// an agreement reserves for its beneficiary.
type AgreementPlaces struct{}

var _ cooperation.Places = AgreementPlaces{}

// Reserve replaces the places the agreement reserved with rs.
func (AgreementPlaces) Reserve(ctx context.Context, tx *db.Tx, agreementID string, rs []cooperation.Reservation) error {
	return nil
}
