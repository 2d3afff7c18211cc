package crisis

import (
	"context"
	"time"

	"passerelle/internal/db"
)

// BroadcastRate is how many of a broadcast's structures acknowledged it,
// for the crisis page and the end report.
type BroadcastRate struct {
	ID           string
	Subject      string
	SentAt       time.Time
	Structures   int
	Acknowledged int
}

// BroadcastRates lists the broadcasts of a crisis with their
// acknowledgement counts, oldest first.
func (s *Service) BroadcastRates(ctx context.Context, tx *db.Tx, crisisID string) ([]BroadcastRate, error) {
	return nil, nil
}
