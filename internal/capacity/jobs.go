package capacity

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/notify"
)

// Job kinds of the board, run by every server's jobs runner.
const (
	KindStalePrompt = "capacity.stale_prompt"
	KindExpireHolds = "capacity.expire_holds"
)

// PromptStale asks who declared each figure gone stale to confirm or
// correct it: the directors of the structure, and the foster carer of a
// relay stay, in the app and by e-mail. A figure is prompted once per
// confirmation, so the job may run as often as wanted, on any number of
// servers (the prompt is marked in the transaction that sends it). A
// figure whose places are all held or booked has nothing left to confirm.
// It returns the number of figures prompted.
func (s *Service) PromptStale(ctx context.Context, baseURL *url.URL) (int, error) {
	var n int
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		n = 0
		settings, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		// One day is the shortest threshold a territory may set.
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.structure_id, og.name, og.departement, a.kind, a.confirmed_at,
			COALESCE(a.carer_account_id, '') FROM availabilities a JOIN organisations og ON og.id = a.structure_id
			WHERE a.active = TRUE AND og.active = TRUE AND a.ends_on >= $1 AND a.confirmed_at < $2
			AND (a.prompted_at IS NULL OR a.prompted_at <= a.confirmed_at)
			AND NOT (a.taken > 0 AND a.taken >= a.places) ORDER BY a.structure_id, a.id`,
			string(DayOf(tx.Now)), tx.Now.Add(-24*time.Hour))
		if err != nil {
			return fmt.Errorf("stale figures: %w", err)
		}
		type figure struct {
			id, structure, name, dep, carer string
			kind                            Kind
			confirmed                       time.Time
		}
		var due []figure
		for rows.Next() {
			var f figure
			if err := rows.Scan(&f.id, &f.structure, &f.name, &f.dep, &f.kind, &f.confirmed, &f.carer); err != nil {
				rows.Close()
				return err
			}
			if settings.of(f.dep).Stale(f.kind, f.confirmed, tx.Now) {
				due = append(due, f)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// One prompt per structure and recipient, listing its stale figures.
		type prompt struct {
			structure, name string
			kinds           []string
		}
		prompts := map[string]*prompt{} // by recipient account + structure
		var order []string
		add := func(account string, f figure) {
			key := account + "|" + f.structure
			p := prompts[key]
			if p == nil {
				p = &prompt{structure: f.structure, name: f.name}
				prompts[key] = p
				order = append(order, key)
			}
			if l := f.kind.Label(); !slices.Contains(p.kinds, l) {
				p.kinds = append(p.kinds, l)
			}
		}
		directors := map[string][]string{}
		for _, f := range due {
			ds, ok := directors[f.structure]
			if !ok {
				if ds, err = directorsOf(ctx, tx, f.structure); err != nil {
					return err
				}
				directors[f.structure] = ds
			}
			for _, d := range ds {
				add(d, f)
			}
			if f.carer != "" {
				add(f.carer, f)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE availabilities SET prompted_at = $1 WHERE id = $2`, tx.Now, f.id); err != nil {
				return fmt.Errorf("mark prompted: %w", err)
			}
		}
		for _, key := range order {
			account, _, _ := strings.Cut(key, "|")
			p := prompts[key]
			if err := sendPrompt(ctx, tx, account, p.structure, p.name, p.kinds, baseURL); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

func directorsOf(ctx context.Context, tx *db.Tx, structureID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.id FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE m.organisation_id = $1 AND m.role = 'director' AND a.active = TRUE ORDER BY a.id`, structureID)
	if err != nil {
		return nil, fmt.Errorf("directors: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// sendPrompt notifies one account and mails it the link to the structure's
// board, where one tap confirms a figure (the page needs a session: a link
// in a mail never confirms anything by itself).
func sendPrompt(ctx context.Context, tx *db.Tx, account, structureID, name string, kinds []string, baseURL *url.URL) error {
	var email, who string
	var active bool
	if err := tx.QueryRowContext(ctx, `SELECT email, display_name, active FROM accounts WHERE id = $1`, account).
		Scan(&email, &who, &active); err != nil || !active {
		return err
	}
	link := "/disponibilites/structures/" + structureID
	title := "Disponibilités à confirmer : " + name
	body := "Ces chiffres n'ont pas été confirmés à temps et s'affichent comme périmés dans les recherches : " +
		strings.Join(kinds, ", ") + ". Confirmez-les (« Toujours vrai ») ou corrigez-les."
	return notify.Tell(ctx, tx, notify.Notification{AccountID: account, Kind: KindStalePrompt, Title: title, Body: body, Link: link},
		notify.Mail{To: email, Subject: title, Text: "Bonjour " + who + ",\n\n" + body + "\n\n" + baseURL.JoinPath(link).String() +
			"\n\n(Le lien ouvre la page de vos disponibilités une fois connecté.)\n\nPasserelle"}, false)
}

// ExpireHolds releases the holds past their expiry and tells their holders.
// Each hold is released by a conditional update, so the job is idempotent
// and any number of servers may run it at once: a hold's places come back
// once. It returns the number of holds released by this call.
func (s *Service) ExpireHolds(ctx context.Context) (int, error) {
	var n int
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `SELECT `+holdCols+holdFrom+` WHERE h.status = 'held' AND h.expires_at <= $1
			ORDER BY h.expires_at LIMIT 500`, tx.Now)
		if err != nil {
			return fmt.Errorf("expired holds: %w", err)
		}
		var due []Hold
		for rows.Next() {
			h, err := scanHold(rows)
			if err != nil {
				rows.Close()
				return err
			}
			due = append(due, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, h := range due {
			released, err := release(ctx, tx, h, HoldExpired, "Passerelle (expiration)", "")
			if err != nil {
				return err
			}
			if !released {
				continue // another server's run released it first
			}
			n++
			if h.HolderAccountID != "" {
				if err := notify.Notify(ctx, tx, notify.Notification{AccountID: h.HolderAccountID, Kind: KindExpireHolds,
					Title: "Option expirée : " + h.StructureName,
					Body:  "Votre option « " + h.RequestRef + " » n'a pas été confirmée à temps : la place est revenue au tableau.",
					Link:  "/disponibilites/options"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return n, err
}
