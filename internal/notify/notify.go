// Package notify owns in-app notifications and the e-mail outbox. Mails are
// jobs of kind KindMail written in the caller's transaction, so a mail leaves
// only if the change that asked for it was committed.
package notify

import (
	"context"
	"fmt"

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
