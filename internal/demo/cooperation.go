package demo

import (
	"context"

	"passerelle/internal/db"
)

// cooperationResetTables are the tables Reset empties for this feature,
// those that refer to others first.
var cooperationResetTables = []string{}

// insertCooperation adds the demo's agreements (one reserving respite places), model documents and knowledge base articles.
func insertCooperation(ctx context.Context, tx *db.Tx, ids map[string]string) error {
	return nil
}
