package pathway

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/export"
)

// A structure's feed is a secret link, for a calendar application, to the
// plannings of the children a structure has time with, as one of its staff
// may read them when the calendar asks: the same minimal data as a child's
// feed (initials, kind of time, structure). It stops when revoked, when its
// owner's account is inactive, or when the owner no longer works there.

// feedRoles are the roles of a structure's staff, who may link its agenda.
var feedRoles = []access.Role{access.RoleDirector, access.RoleEducator, access.RoleMobileTeam, access.RoleFosterCarer}

// maxFeedChildren bounds the children of one structure's feed.
const maxFeedChildren = 500

// StructureFeed is a structure's feed as its owner sees it (never its
// token, shown once).
type StructureFeed struct {
	ID               string
	OrganisationID   string
	OrganisationName string
	CreatedAt        time.Time
	UsedAt           *time.Time
}

// FeedStructures returns the structures whose agenda the actor may link:
// those where they work.
func FeedStructures(a access.Actor) []access.Membership {
	var out []access.Membership
	for _, m := range a.Memberships {
		if m.OrganisationKind == access.OrgStructure && slices.Contains(feedRoles, m.Role) &&
			!slices.ContainsFunc(out, func(o access.Membership) bool { return o.OrganisationID == m.OrganisationID }) {
			out = append(out, m)
		}
	}
	return out
}

func worksAt(a access.Actor, orgID string) bool {
	return slices.ContainsFunc(FeedStructures(a), func(m access.Membership) bool { return m.OrganisationID == orgID })
}

// feedLive is the SQL condition that feed f is live: not revoked, its
// owner's account active and still one of the structure's staff.
func feedLive(args *db.Args) string {
	roles := make([]string, len(feedRoles))
	for i, r := range feedRoles {
		roles[i] = string(r)
	}
	return `f.revoked_at IS NULL AND EXISTS (SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id
		JOIN organisations o ON o.id = m.organisation_id WHERE m.account_id = f.account_id AND m.organisation_id = f.organisation_id
		AND a.active = TRUE AND o.active = TRUE AND o.kind = 'structure' AND m.role IN (` + db.List(args, roles) + `))`
}

func structureEntry(action, orgID string, details map[string]any) audit.Entry {
	return audit.Entry{Action: action, ResourceType: string(access.ResOrganisation), ResourceID: orgID, OrganisationID: orgID,
		Details: details}
}

// CreateStructureFeed makes a secret link to the agenda of one of the
// actor's structures and returns its token (shown once).
func (s *Service) CreateStructureFeed(ctx context.Context, orgID string) (string, error) {
	a := access.ActorFrom(ctx)
	if !a.Authenticated() {
		return "", apperr.New(apperr.Unauthorized, "Vous devez vous connecter.")
	}
	if !worksAt(a, orgID) {
		return "", apperr.New(apperr.Forbidden, "Seules les personnes qui travaillent dans une structure créent un lien vers son agenda.")
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO planning_structure_feeds (id, token_hash, organisation_id, account_id, created_at)
			VALUES ($1, $2, $3, $4, $5)`, id, tokenHash(token), orgID, a.AccountID, tx.Now); err != nil {
			return fmt.Errorf("insert structure feed: %w", err)
		}
		return audit.Record(ctx, tx, structureEntry("planning.structure_feed_create", orgID, map[string]any{"feed": id}))
	})
	return token, err
}

// StructureFeeds lists the actor's live links to their structures' agendas.
func (s *Service) StructureFeeds(ctx context.Context) ([]StructureFeed, error) {
	a := access.ActorFrom(ctx)
	orgs := FeedStructures(a)
	if len(orgs) == 0 {
		return nil, nil
	}
	var out []StructureFeed
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		ids := make([]string, len(orgs))
		for i, m := range orgs {
			ids[i] = m.OrganisationID
		}
		rows, err := tx.QueryContext(ctx, `SELECT f.id, f.organisation_id, o.name, f.created_at, f.used_at
			FROM planning_structure_feeds f JOIN organisations o ON o.id = f.organisation_id
			WHERE f.account_id = `+args.Add(a.AccountID)+` AND f.revoked_at IS NULL AND f.organisation_id IN (`+db.List(&args, ids)+`)
			ORDER BY o.name, f.created_at, f.id`, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f StructureFeed
			var used sql.NullTime
			if err := rows.Scan(&f.ID, &f.OrganisationID, &f.OrganisationName, &f.CreatedAt, &used); err != nil {
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

// RevokeStructureFeed revokes one of the actor's structure links at once.
func (s *Service) RevokeStructureFeed(ctx context.Context, feedID string) error {
	a := access.ActorFrom(ctx)
	if !a.Authenticated() {
		return apperr.New(apperr.Unauthorized, "Vous devez vous connecter.")
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		var orgID string
		err := tx.QueryRowContext(ctx, `UPDATE planning_structure_feeds SET revoked_at = $1 WHERE id = $2 AND account_id = $3
			AND revoked_at IS NULL RETURNING organisation_id`, tx.Now, feedID, a.AccountID).Scan(&orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Ce lien n'existe pas ou est déjà révoqué.")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, structureEntry("planning.structure_feed_revoke", orgID, map[string]any{"feed": feedID}))
	})
}

// StructureFeedOwner returns the account of a live structure feed token;
// the caller loads that account's rights before StructureFeedEvents.
func (s *Service) StructureFeedOwner(ctx context.Context, token string) (accountID string, err error) {
	if len(token) < 20 || len(token) > 100 {
		return "", errNoFeed()
	}
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		return tx.QueryRowContext(ctx, `SELECT f.account_id FROM planning_structure_feeds f WHERE f.token_hash = `+
			args.Add(tokenHash(token))+` AND `+feedLive(&args), args.Values()...).Scan(&accountID)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNoFeed()
	}
	return accountID, err
}

// feedChild is a child of a structure's feed, with the facts its read was
// allowed on (for the audit line).
type feedChild struct {
	id    string
	facts *access.ChildFacts
}

// StructureFeedEvents returns the feed of a structure: the plannings, from
// a week ago to PlanningWeeksAhead weeks ahead, of the children the
// structure has time with in that window and whose planning the feed's
// owner (the actor) reads now. Each child's reading is audited, like a
// child's feed, and the feed's reading itself.
func (s *Service) StructureFeedEvents(ctx context.Context, token string) (string, []export.Event, error) {
	a := access.ActorFrom(ctx)
	if len(token) < 20 || len(token) > 100 || !a.Authenticated() {
		return "", nil, errNoFeed()
	}
	var feedID, orgID, name string
	var events []export.Event
	var children []feedChild
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT f.id, f.organisation_id, f.account_id, o.name FROM planning_structure_feeds f
			JOIN organisations o ON o.id = f.organisation_id WHERE f.token_hash = `+args.Add(tokenHash(token))+` AND `+feedLive(&args),
			args.Values()...).Scan(&feedID, &orgID, &owner, &name)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (owner != a.AccountID || !worksAt(a, orgID))) {
			return errNoFeed()
		}
		if err != nil {
			return err
		}
		from, to := feedWindow(tx.Now)
		args = db.Args{}
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.first_name, c.last_name FROM children c WHERE `+
			access.ChildScope(a, "c.id", "c.ase_id", "c.living_carer_id", tx.Now, &args)+`
			AND EXISTS (SELECT 1 FROM planning_slots s LEFT JOIN capacity_holds h ON h.id = s.hold_id WHERE s.child_id = c.id
				AND s.organisation_id = `+args.Add(orgID)+` AND s.valid_to >= `+args.Add(from)+` AND s.valid_from <= `+args.Add(to)+`
				AND `+slotLive+`)
			ORDER BY c.search_name, c.id LIMIT `+args.Add(maxFeedChildren), args.Values()...)
		if err != nil {
			return fmt.Errorf("feed children: %w", err)
		}
		var found []Child
		for rows.Next() {
			var c Child
			if err := rows.Scan(&c.ID, &c.FirstName, &c.LastName); err != nil {
				rows.Close()
				return err
			}
			found = append(found, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		byDep := map[string][]Holiday{}
		for _, c := range found {
			f, err := loadFacts(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			// The planning as the policy lets the owner read it now; a
			// break-glass opening is for an emergency, not a subscription.
			rels := access.ChildRelations(a, f)
			if !access.Can(a, access.ActionView, access.Resource{Type: access.ResChild, ID: c.ID, Section: access.SecPlanning,
				Child: f, Departement: f.Departement}) || slices.Equal(rels, []access.Relation{access.RelBreakGlass}) {
				continue
			}
			slots, err := loadSlots(ctx, tx, c.ID, from)
			if err != nil {
				return err
			}
			holidays, ok := byDep[f.Departement]
			if !ok {
				if holidays, err = loadHolidays(ctx, tx, f.Departement, from); err != nil {
					return err
				}
				byDep[f.Departement] = holidays
			}
			events = append(events, feedEvents(c, slots, holidays, from, to)...)
			children = append(children, feedChild{c.ID, f})
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	// Nothing read is returned unless its audit lines are committed.
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		for _, c := range children {
			if err := record(ctx, tx, c.facts, c.id, "child.planning.feed", map[string]any{"structure_feed": feedID}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE planning_structure_feeds SET used_at = $1 WHERE id = $2`, tx.Now, feedID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, structureEntry("planning.structure_feed", orgID,
			map[string]any{"feed": feedID, "children": len(children)}))
	})
	if err != nil {
		return "", nil, err
	}
	return "Planning — " + name, events, nil
}
