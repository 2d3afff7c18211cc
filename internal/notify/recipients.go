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

// TellStaff notifies the active accounts holding one of roles in an
// organisation, and mails them the link (at once when urgent, else as each
// chose); action introduces the link in the mail ("Pour répondre").
func TellStaff(ctx context.Context, tx *db.Tx, base *url.URL, orgID string, roles []string, kind, title, body, link, action string, urgent bool) error {
	var args db.Args
	all, err := Recipients(ctx, tx, `SELECT DISTINCT a.id, a.email FROM memberships m JOIN accounts a ON a.id = m.account_id AND a.active = TRUE
		WHERE m.organisation_id = `+args.Add(orgID)+` AND m.role IN (`+db.List(&args, roles)+`) ORDER BY a.id`, args.Values()...)
	if err != nil {
		return err
	}
	address := Absolute(base, link)
	for _, r := range all {
		if err := Tell(ctx, tx, Notification{AccountID: r.AccountID, Kind: kind, Title: title, Body: body, Link: link},
			Mail{To: r.Email, Subject: "Passerelle — " + title, Text: body + "\n\n" + action + " : " + address + "\n"}, urgent); err != nil {
			return err
		}
	}
	return nil
}
