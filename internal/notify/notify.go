// Package notify owns in-app notifications and the e-mail outbox. Mails are
// jobs of kind KindMail written in the caller's transaction, so a mail leaves
// only if the change that asked for it was committed.
package notify

import (
	"context"
	"fmt"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/jobs"
)

// KindMail is the job kind of an outgoing e-mail.
const KindMail = "mail.send"

// Mail is a plain-text e-mail (French), with an optional HTML alternative.
type Mail struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
}

// EnqueueMail puts m in the outbox inside tx.
func EnqueueMail(ctx context.Context, tx *db.Tx, m Mail) error {
	if m.To == "" || m.Subject == "" {
		return fmt.Errorf("mail without recipient or subject")
	}
	return jobs.Enqueue(ctx, tx, jobs.Job{Kind: KindMail, Payload: m})
}

// Notification is an in-app message to one account.
type Notification struct {
	AccountID string
	Kind      string
	Title     string
	Body      string
	Link      string
}

// Notify creates an in-app notification inside tx.
func Notify(ctx context.Context, tx *db.Tx, n Notification) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, account_id, kind, title, body, link, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), n.AccountID, n.Kind, n.Title, n.Body, n.Link, tx.Now)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// Item is a stored notification.
type Item struct {
	ID        string
	Kind      string
	Title     string
	Body      string
	Link      string
	CreatedAt time.Time
	Read      bool
}

// List returns the latest notifications of an account, newest first, and
// how many are unread. Each account reads only its own: the account comes
// from the caller's session, never from input.
func List(ctx context.Context, d *db.DB, accountID string, limit int) ([]Item, int, error) {
	var items []Item
	var unread int
	err := d.Read(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL`,
			accountID).Scan(&unread); err != nil {
			return fmt.Errorf("unread notifications: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, kind, title, body, link, created_at, read_at IS NOT NULL
			FROM notifications WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, accountID, limit)
		if err != nil {
			return fmt.Errorf("notifications: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var it Item
			if err := rows.Scan(&it.ID, &it.Kind, &it.Title, &it.Body, &it.Link, &it.CreatedAt, &it.Read); err != nil {
				return err
			}
			it.CreatedAt = it.CreatedAt.UTC()
			items = append(items, it)
		}
		return rows.Err()
	})
	return items, unread, err
}

// MarkRead marks an account's notifications read: one when id is given,
// all otherwise.
func MarkRead(ctx context.Context, d *db.DB, accountID, id string) error {
	return d.Write(ctx, func(tx *db.Tx) error {
		q := `UPDATE notifications SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL`
		args := []any{tx.Now, accountID}
		if id != "" {
			q += ` AND id = $3`
			args = append(args, id)
		}
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}
