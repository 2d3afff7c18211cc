package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"passerelle/internal/db"
)

// An account that chose the daily summary gets no e-mail per
// notification: once a day, from DigestHour (Paris), one e-mail lists the
// titles of the day's notifications. What cannot wait (an escalation, a
// break-glass opening) is sent at once all the same.

// KindDigest is the job that sends the daily summaries.
const KindDigest = "notify.digest"

// DigestHour is the Paris hour from which the day's summary leaves.
const DigestHour = 17

// digestMax is how many titles a summary lists.
const digestMax = 30

// MailNow reports whether a notification to account should go by e-mail
// now: always when urgent, else unless the account chose the summary.
func MailNow(ctx context.Context, tx *db.Tx, accountID string, urgent bool) (bool, error) {
	if urgent {
		return true, nil
	}
	var digest bool
	err := tx.QueryRowContext(ctx, `SELECT mail_digest FROM accounts WHERE id = $1`, accountID).Scan(&digest)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	return !digest, err
}

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return l
}()

// Digest sends the day's summary to each account that chose it and has
// not had today's, listing the notifications since its last summary (the
// last day at most for the first); base makes the link absolute. The
// accounts are read first; each is marked in its own transaction, the one
// that queues its e-mail, so the job may run hourly and on several
// servers without holding the database for all of them. It returns how
// many were queued.
func Digest(ctx context.Context, d *db.DB, base *url.URL) (int, error) {
	type account struct {
		id, email string
		last      sql.NullTime
	}
	var all []account
	var since time.Time
	err := d.Read(ctx, func(tx *db.Tx) error {
		local := tx.Now.In(paris)
		if local.Hour() < DigestHour {
			return nil
		}
		since = time.Date(local.Year(), local.Month(), local.Day(), DigestHour, 0, 0, 0, paris)
		rows, err := tx.QueryContext(ctx, `SELECT id, email, digest_sent_at FROM accounts
			WHERE mail_digest = TRUE AND active = TRUE AND (digest_sent_at IS NULL OR digest_sent_at < $1)`, since)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a account
			if err := rows.Scan(&a.id, &a.email, &a.last); err != nil {
				return err
			}
			all = append(all, a)
		}
		return rows.Err()
	})
	sent := 0
	for _, a := range all {
		if err != nil {
			break
		}
		queued := false
		err = d.Write(ctx, func(tx *db.Tx) error {
			queued = false
			res, err := tx.ExecContext(ctx, `UPDATE accounts SET digest_sent_at = $1 WHERE id = $2
				AND (digest_sent_at IS NULL OR digest_sent_at < $3)`, tx.Now, a.id, since)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // another server sent it
			}
			from := tx.Now.Add(-24 * time.Hour)
			if a.last.Valid && a.last.Time.After(from) {
				from = a.last.Time
			}
			titles, n, err := digestTitles(ctx, tx, a.id, from)
			if err != nil || n == 0 {
				return err
			}
			link := Absolute(base, "/notifications")
			text := fmt.Sprintf("Votre résumé du jour : %d notification(s) dans Passerelle.\n\n- %s\n", n, strings.Join(titles, "\n- "))
			if n > len(titles) {
				text += fmt.Sprintf("- … et %d autre(s).\n", n-len(titles))
			}
			text += "\nPour les lire : " + link + "\n"
			if err := EnqueueMail(ctx, tx, Mail{To: a.email, Subject: fmt.Sprintf("Passerelle — résumé du jour (%d)", n), Text: text}); err != nil {
				return err
			}
			queued = true
			return nil
		})
		if err == nil && queued {
			sent++
		}
	}
	return sent, err
}

// digestTitles returns the titles of the account's notifications since
// from (the latest first, digestMax at most) and how many there are, in
// one query.
func digestTitles(ctx context.Context, tx *db.Tx, accountID string, from time.Time) ([]string, int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT title, count(*) OVER () FROM notifications WHERE account_id = $1 AND created_at > $2
		ORDER BY created_at DESC LIMIT $3`, accountID, from, digestMax)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var titles []string
	n := 0
	for rows.Next() {
		var t string
		if err := rows.Scan(&t, &n); err != nil {
			return nil, 0, err
		}
		titles = append(titles, t)
	}
	return titles, n, rows.Err()
}

// Tell notifies n in the application and sends m by e-mail, now when the
// account wants each e-mail or the matter is urgent, else in the day's
// summary (m is then dropped: the summary lists n's title). m without a
// recipient sends nothing.
func Tell(ctx context.Context, tx *db.Tx, n Notification, m Mail, urgent bool) error {
	if err := Notify(ctx, tx, n); err != nil {
		return err
	}
	if m.To == "" {
		return nil
	}
	now, err := MailNow(ctx, tx, n.AccountID, urgent)
	if err != nil || !now {
		return err
	}
	return EnqueueMail(ctx, tx, m)
}
