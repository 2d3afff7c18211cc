package capacity

import (
	"context"
	"errors"
	"fmt"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// A request between structures (internal/request) that a structure
// accepts takes one of the places it declared, and books it when the
// sender confirms. These functions run inside the request's transaction,
// so that the acceptance and the place stand or fall together; the
// request's service has checked who may do what.

// ErrNoDeclaration: the structure declares no place of the kind for the
// stay; the acceptance stands on its own word.
var ErrNoDeclaration = errors.New("capacity: no declaration for the stay")

// TakeForRequest holds one place of kind at structure for the days
// from..to, for the sender's organisation: on the first active
// declaration covering the stay (not reserved for another organisation)
// that has a free place. Two acceptances of the last place cannot both
// take it: the conditional update decides. It returns ErrNoDeclaration,
// or ErrTaken when the declarations are full.
func TakeForRequest(ctx context.Context, tx *db.Tx, structureID string, kind Kind, from, to Day, holderOrg, holderAccount, holderName, ref string) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM availabilities WHERE structure_id = $1 AND kind = $2 AND active = TRUE
		AND starts_on <= $3 AND ends_on >= $4 AND (reserved_for IS NULL OR reserved_for = $5) ORDER BY places - taken DESC, id`,
		structureID, string(kind), string(from), string(to), holderOrg)
	if err != nil {
		return "", fmt.Errorf("declarations for a request: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return "", err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(ids) == 0 {
		return "", ErrNoDeclaration
	}
	for _, id := range ids {
		res, err := tx.ExecContext(ctx, `UPDATE availabilities SET taken = taken + 1, updated_at = $1 WHERE id = $2 AND taken + 1 <= places`, tx.Now, id)
		if err != nil {
			return "", fmt.Errorf("take a place: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		a, dep, err := loadAvail(ctx, tx, id)
		if err != nil {
			return "", err
		}
		return insertHold(ctx, tx, a, dep, HoldInput{Places: 1, RequestRef: ref}, holder{org: holderOrg, account: holderAccount, name: holderName}, from, to)
	}
	return "", ErrTaken
}

// BookForRequest books the hold of a confirmed request for its stay.
func BookForRequest(ctx context.Context, tx *db.Tx, holdID string, from, to Day) error {
	h, err := loadHold(ctx, tx, holdID)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE capacity_holds SET status = 'booked', starts_on = $1, ends_on = $2, booked_at = $3
		WHERE id = $4 AND status = 'held' AND expires_at > $3`, string(from), string(to), tx.Now, holdID)
	if err != nil {
		return fmt.Errorf("book: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return holdGone(h, tx.Now)
	}
	a, dep, err := loadAvail(ctx, tx, h.AvailabilityID)
	if err != nil {
		return err
	}
	return recordHold(ctx, tx, a, dep, "booked", holdID, map[string]any{"from": from, "to": to})
}

// ReleaseForRequest gives back the place of a request that ended without
// it (refused after all, another structure chosen, withdrawn, expired).
// A hold already released is left as it is.
func ReleaseForRequest(ctx context.Context, tx *db.Tx, holdID, by, reason string) error {
	h, err := loadHold(ctx, tx, holdID)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !h.Status.Live() {
		return nil
	}
	_, err = release(ctx, tx, h, HoldCancelled, by, reason)
	return err
}

// RequestPlaces gives the requests' service the places of the board,
// inside its transactions (the request kinds that book places, respite,
// sequential reception and relay stays, are named as the board's kinds).
type RequestPlaces struct{}

// Take holds a place for an accepted request; "" when the structure
// declares no place for the stay.
func (RequestPlaces) Take(ctx context.Context, tx *db.Tx, structureID, kind, from, to, holderOrg, holderAccount, holderName, ref string) (string, error) {
	id, err := TakeForRequest(ctx, tx, structureID, Kind(kind), Day(from), Day(to), holderOrg, holderAccount, holderName, ref)
	if errors.Is(err, ErrNoDeclaration) {
		return "", nil
	}
	return id, err
}

// Book books the place of a confirmed request.
func (RequestPlaces) Book(ctx context.Context, tx *db.Tx, holdID, from, to string) error {
	return BookForRequest(ctx, tx, holdID, Day(from), Day(to))
}

// Release gives back the place of a request that ended without it.
func (RequestPlaces) Release(ctx context.Context, tx *db.Tx, holdID, by, reason string) error {
	return ReleaseForRequest(ctx, tx, holdID, by, reason)
}
