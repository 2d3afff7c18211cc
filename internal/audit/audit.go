// Package audit owns the append-only audit log. Each row carries a SHA-256
// hash over its content and the previous row's hash, so that Verify finds any
// row changed, removed or inserted out of order.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// Entry is what a feature records. Actor, time and request come from the
// context and the transaction.
type Entry struct {
	Action         string // e.g. "auth.login", "account.create"
	ResourceType   string
	ResourceID     string
	OrganisationID string
	Reason         string         // written reason (break-glass, refusal…)
	Details        map[string]any // small, no secrets
	// ActorLabel overrides the label when there is no actor yet (failed login).
	ActorLabel string
}

// Row is a stored entry.
type Row struct {
	Seq            int64
	At             time.Time
	ActorID        string
	ActorLabel     string
	OrganisationID string
	Action         string
	ResourceType   string
	ResourceID     string
	Reason         string
	RequestID      string
	IP             string
	Details        string
	PrevHash       string
	Hash           string
}

// Request is what the web layer knows of the request being served.
type Request struct {
	ID string
	IP string
}

type requestKey struct{}

// WithRequest returns ctx carrying the request's id and address.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request carried by ctx.
func RequestFrom(ctx context.Context) Request {
	r, _ := ctx.Value(requestKey{}).(Request)
	return r
}

// Record appends e inside tx. Taking the head row first serialises appends
// (one writer on SQLite, a row lock on PostgreSQL), so the chain never forks.
func Record(ctx context.Context, tx *db.Tx, e Entry) error {
	actor := access.ActorFrom(ctx)
	req := RequestFrom(ctx)
	row := Row{
		At:             tx.Now,
		ActorID:        actor.AccountID,
		ActorLabel:     actor.Label(),
		OrganisationID: e.OrganisationID,
		Action:         e.Action,
		ResourceType:   e.ResourceType,
		ResourceID:     e.ResourceID,
		Reason:         e.Reason,
		RequestID:      req.ID,
		IP:             req.IP,
	}
	if e.ActorLabel != "" && !actor.Authenticated() {
		row.ActorLabel = e.ActorLabel
	}
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return fmt.Errorf("audit details: %w", err)
		}
		row.Details = string(b)
	}
	if err := tx.QueryRowContext(ctx,
		`UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&row.Seq, &row.PrevHash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	row.Hash = row.computeHash()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_label, organisation_id,
		action, resource_type, resource_id, reason, request_id, ip, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		row.Seq, row.At, row.ActorID, row.ActorLabel, row.OrganisationID, row.Action, row.ResourceType,
		row.ResourceID, row.Reason, row.RequestID, row.IP, row.Details, row.PrevHash, row.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, row.Hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// computeHash hashes the previous hash and every field of the row, encoded
// as a JSON array so that no two different rows share an encoding.
func (r Row) computeHash() string {
	fields, _ := json.Marshal([]any{r.Seq, r.At.UTC().Format(time.RFC3339Nano), r.ActorID, r.ActorLabel,
		r.OrganisationID, r.Action, r.ResourceType, r.ResourceID, r.Reason, r.RequestID, r.IP, r.Details})
	h := sha256.New()
	h.Write([]byte(r.PrevHash))
	h.Write([]byte{'\n'})
	h.Write(fields)
	return hex.EncodeToString(h.Sum(nil))
}
