package pathway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/export"
)

// A planning feed is a secret link to a child's planning for a calendar
// application. It carries minimal data: the child's initials, the kind of
// time and the structure, never a label or a diagnosis. It works while its
// owner may read the planning, and until revoked.

// Feed is a feed as its owner sees it (never its token, shown once).
type Feed struct {
	ID        string
	CreatedAt time.Time
	UsedAt    *time.Time
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateFeed makes a secret link to the child's planning for the actor and
// returns its token (shown once).
func (s *Service) CreateFeed(ctx context.Context, childID string) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionView, access.SecPlanning)
		if err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !a.Authenticated() {
			return apperr.New(apperr.Forbidden, "Un lien d'agenda appartient à un compte.")
		}
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO planning_feeds (id, token_hash, child_id, account_id, created_at)
			VALUES ($1, $2, $3, $4, $5)`, id, tokenHash(token), childID, a.AccountID, tx.Now); err != nil {
			return err
		}
		return record(ctx, tx, f, childID, "child.planning.feed_create", map[string]any{"feed": id})
	})
	return token, err
}

// Feeds lists the actor's live links to the child's planning.
func (s *Service) Feeds(ctx context.Context, childID string) ([]Feed, error) {
	var out []Feed
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		if _, err := open(ctx, tx, childID, access.ActionView, access.SecPlanning); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, created_at, used_at FROM planning_feeds WHERE child_id = $1 AND account_id = $2
			AND revoked_at IS NULL ORDER BY created_at`, childID, access.ActorFrom(ctx).AccountID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f Feed
			var used sql.NullTime
			if err := rows.Scan(&f.ID, &f.CreatedAt, &used); err != nil {
				return err
			}
			f.CreatedAt = f.CreatedAt.UTC()
			f.UsedAt = utcOrNil(used)
			out = append(out, f)
		}
		return rows.Err()
	})
	return out, err
}

// RevokeFeed revokes one of the actor's links at once.
func (s *Service) RevokeFeed(ctx context.Context, childID, feedID string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionView, access.SecPlanning)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE planning_feeds SET revoked_at = $1 WHERE id = $2 AND child_id = $3 AND account_id = $4
			AND revoked_at IS NULL`, tx.Now, feedID, childID, access.ActorFrom(ctx).AccountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Ce lien n'existe pas ou est déjà révoqué.")
		}
		return record(ctx, tx, f, childID, "child.planning.feed_revoke", map[string]any{"feed": feedID})
	})
}

// FeedOwner returns the account and child of a live feed token; the
// caller loads that account's rights before FeedEvents.
func (s *Service) FeedOwner(ctx context.Context, token string) (accountID, childID string, err error) {
	if len(token) < 20 || len(token) > 100 {
		return "", "", errNoFeed()
	}
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT account_id, child_id FROM planning_feeds WHERE token_hash = $1 AND revoked_at IS NULL`,
			tokenHash(token)).Scan(&accountID, &childID)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", errNoFeed()
	}
	return accountID, childID, err
}

func errNoFeed() error {
	return apperr.New(apperr.NotFound, "Ce lien d'agenda n'existe pas ou a été révoqué.")
}

// FeedEvents returns the feed of the child's planning from a week ago to
// PlanningWeeksAhead weeks ahead, as the feed's owner (the actor) may read
// it; a read of the feed is audited like a read of the planning.
func (s *Service) FeedEvents(ctx context.Context, childID, token string) (string, []export.Event, error) {
	var events []export.Event
	var name string
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, childID, access.ActionView, access.SecPlanning); err != nil {
			return errNoFeed()
		}
		c, err := loadChild(ctx, tx, childID)
		if err != nil {
			return err
		}
		name = "Planning de " + initials(c)
		from, to := feedWindow(tx.Now)
		slots, err := loadSlots(ctx, tx, childID, from)
		if err != nil {
			return err
		}
		holidays, err := loadHolidays(ctx, tx, f.Departement, from)
		if err != nil {
			return err
		}
		events = feedEvents(c, slots, holidays, from, to)
		return nil
	}, func() audit.Entry { return entry(ctx, f, childID, "child.planning.feed", nil) })
	if err != nil {
		return "", nil, err
	}
	// When the link was last used helps its owner decide to revoke it; a
	// failure to note it must not withhold the planning.
	_ = s.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE planning_feeds SET used_at = $1 WHERE token_hash = $2`, tx.Now, tokenHash(token))
		return err
	})
	return name, events, nil
}

// feedWindow is the days a feed covers: from the Monday of a week ago to
// PlanningWeeksAhead weeks ahead.
func feedWindow(now time.Time) (from, to string) {
	from = MondayOf(dayOf(now.AddDate(0, 0, -7)))
	monday, _ := time.Parse(time.DateOnly, from)
	return from, monday.AddDate(0, 0, 7*(PlanningWeeksAhead+1)-1).Format(time.DateOnly)
}

// feedEvents are the calendar events of a child's slots between the days
// from and to: the child's initials, the kind of time and the structure,
// never a slot's label.
func feedEvents(c Child, slots []Slot, holidays []Holiday, from, to string) []export.Event {
	var out []export.Event
	for _, o := range Occurrences(slots, holidays, from, to, paris) {
		out = append(out, export.Event{UID: o.Slot.ID + "-" + o.Start.UTC().Format("20060102T1504") + "@passerelle",
			Summary: initials(c) + " — " + Label(SlotKinds, o.Slot.Kind) + " (" + o.Slot.OrganisationName + ")",
			Start:   o.Start, End: o.End})
	}
	return out
}

// initials are how a feed names a child: "L. F.".
func initials(c Child) string { return initial(c.FirstName) + ". " + initial(c.LastName) + "." }

func initial(s string) string {
	for _, r := range strings.TrimSpace(s) {
		return strings.ToUpper(string(r))
	}
	return "?"
}
