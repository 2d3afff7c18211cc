package notify

import (
	"context"
	"net/url"

	"passerelle/internal/db"
)

// Recipient is an account to tell and its e-mail address.
type Recipient struct {
	AccountID, Email string
}

// Recipients runs q, which selects an account id and its e-mail, and
// returns them all, read before any is told (a transaction cannot write
// while its rows are open).
func Recipients(ctx context.Context, tx *db.Tx, q string, args ...any) ([]Recipient, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.AccountID, &r.Email); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Absolute is link on base, for an e-mail; link itself when base is not
// known (tests, jobs run without one).
func Absolute(base *url.URL, link string) string {
	if base == nil {
		return link
	}
	return base.ResolveReference(&url.URL{Path: link}).String()
}
