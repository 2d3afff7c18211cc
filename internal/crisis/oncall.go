package crisis

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/export"
)

// The on-call rota (astreinte) of the mobile teams: who is on call when,
// for which part of the territory, with the number to call; the team's
// director or members keep it, every professional reads it, and the
// team's staff take it into their calendars by a secret link.

// Team is a mobile team, as its rota shows it.
type Team struct {
	ID, Name, Departement string
	CanEdit, CanFeed      bool
}

// Shift is one on-call period of a team.
type Shift struct {
	ID, TeamID, TeamName string
	PersonName, Phone    string
	AccountID            string
	StartsAt, EndsAt     time.Time
	Territory            string
}

// ShiftInput is a shift as typed: times as "2006-01-02T15:04" (Paris) or
// RFC 3339.
type ShiftInput struct {
	PersonName, Phone, AccountID, Territory string
	StartsAt, EndsAt                        string
}

// MaxShift is the longest on-call period one may record.
const MaxShift = 14 * 24 * time.Hour

func loadTeam(ctx context.Context, tx *db.Tx, id string) (Team, error) {
	var t Team
	if !db.ValidID(id) {
		return t, apperr.New(apperr.NotFound, "Équipe introuvable.")
	}
	err := tx.QueryRowContext(ctx, `SELECT id, name, departement FROM organisations WHERE id = $1 AND kind = 'structure'`, id).
		Scan(&t.ID, &t.Name, &t.Departement)
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.New(apperr.NotFound, "Équipe introuvable.")
	}
	return t, err
}

func (t Team) resource() access.Resource {
	return access.Resource{Type: access.ResOnCallRota, ID: t.ID, OrganisationIDs: []string{t.ID}, Departement: t.Departement}
}

// normalizeShift checks a shift and returns its times.
func normalizeShift(ctx context.Context, tx *db.Tx, teamID string, in *ShiftInput) (start, end time.Time, err error) {
	var v apperr.Validation
	in.PersonName, in.Phone, in.Territory = strings.TrimSpace(in.PersonName), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Territory)
	in.AccountID = strings.TrimSpace(in.AccountID)
	v.Check(in.PersonName != "", "person_name", "Indiquez qui est d'astreinte.")
	v.Check(utf8.RuneCountInString(in.PersonName) <= 100, "person_name", "100 caractères au plus.")
	v.Check(CallablePhone(in.Phone), "phone", "Un numéro de téléphone à appeler (10 chiffres, ou au format international).")
	v.Check(utf8.RuneCountInString(in.Territory) <= 200, "territory", "200 caractères au plus.")
	var ok bool
	start, ok = ParseTime(in.StartsAt, Paris)
	v.Check(ok && !start.IsZero(), "starts_at", "Indiquez le début de l'astreinte (date et heure).")
	end, ok = ParseTime(in.EndsAt, Paris)
	v.Check(ok && !end.IsZero(), "ends_at", "Indiquez la fin de l'astreinte (date et heure).")
	if !v.Has("starts_at") && !v.Has("ends_at") {
		v.Check(end.After(start), "ends_at", "La fin doit venir après le début.")
		v.Check(end.Sub(start) <= MaxShift, "ends_at", "Une astreinte dure 14 jours au plus.")
		v.Check(end.After(tx.Now), "ends_at", "Cette astreinte est déjà finie.")
		v.Check(start.Before(tx.Now.AddDate(2, 0, 0)), "starts_at", "Une astreinte se planifie au plus deux ans à l'avance.")
	}
	if in.AccountID != "" {
		var n int
		if db.ValidID(in.AccountID) {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id AND a.active = TRUE
				WHERE m.account_id = $1 AND m.organisation_id = $2 AND m.role <> 'parent'`, in.AccountID, teamID).Scan(&n); err != nil {
				return start, end, err
			}
		}
		v.Check(n > 0, "account_id", "Ce compte n'est pas un membre de l'équipe.")
	}
	return start, end, v.ErrSaying("L'astreinte n'est pas enregistrée : corrigez les champs signalés.")
}

// Rota returns a team and its shifts that end after from, in order.
func (s *Service) Rota(ctx context.Context, teamID string, from time.Time) (Team, []Shift, error) {
	var t Team
	var out []Shift
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if t, err = loadTeam(ctx, tx, teamID); err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionView, t.resource()); err != nil {
			return err
		}
		out, err = shifts(ctx, tx, `s.team_id = $1 AND s.ends_at > $2`, []any{teamID, from}, 500)
		return err
	})
	a := access.ActorFrom(ctx)
	t.CanEdit = access.Can(a, access.ActionUpdate, t.resource())
	t.CanFeed = access.Can(a, access.ActionExport, t.resource())
	return t, out, err
}

func shifts(ctx context.Context, tx *db.Tx, where string, args []any, limit int) ([]Shift, error) {
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT s.id, s.team_id, o.name, s.person_name, s.phone, COALESCE(s.account_id, ''),
		s.starts_at, s.ends_at, s.territory FROM oncall_shifts s JOIN organisations o ON o.id = s.team_id
		WHERE %s ORDER BY s.starts_at, s.id LIMIT %d`, where, limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Shift
	for rows.Next() {
		var x Shift
		if err := rows.Scan(&x.ID, &x.TeamID, &x.TeamName, &x.PersonName, &x.Phone, &x.AccountID, &x.StartsAt, &x.EndsAt, &x.Territory); err != nil {
			return nil, err
		}
		x.StartsAt, x.EndsAt = x.StartsAt.UTC(), x.EndsAt.UTC()
		out = append(out, x)
	}
	return out, rows.Err()
}

// Shift returns one shift of a team.
func (s *Service) Shift(ctx context.Context, teamID, shiftID string) (Shift, error) {
	var out []Shift
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		t, err := loadTeam(ctx, tx, teamID)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionView, t.resource()); err != nil {
			return err
		}
		out, err = shifts(ctx, tx, `s.team_id = $1 AND s.id = $2`, []any{teamID, shiftID}, 1)
		return err
	})
	if err == nil && len(out) == 0 {
		err = apperr.New(apperr.NotFound, "Astreinte introuvable.")
	}
	if err != nil {
		return Shift{}, err
	}
	return out[0], nil
}

// AddShift records a shift of a team and returns its id.
func (s *Service) AddShift(ctx context.Context, teamID string, in ShiftInput) (string, error) {
	id := db.NewID()
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		t, err := loadTeam(ctx, tx, teamID)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionUpdate, t.resource()); err != nil {
			return err
		}
		start, end, err := normalizeShift(ctx, tx, teamID, &in)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO oncall_shifts (id, team_id, person_name, phone, account_id, starts_at, ends_at, territory,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
			id, teamID, in.PersonName, in.Phone, nullable(in.AccountID), start, end, in.Territory, tx.Now); err != nil {
			return fmt.Errorf("insert shift: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "oncall.shift_create", ResourceType: string(access.ResOnCallRota), ResourceID: id,
			OrganisationID: teamID, Details: map[string]any{"starts_at": start, "ends_at": end}})
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// DeleteShift removes a shift of a team.
func (s *Service) DeleteShift(ctx context.Context, teamID, shiftID string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		t, err := loadTeam(ctx, tx, teamID)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionUpdate, t.resource()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM oncall_shifts WHERE id = $1 AND team_id = $2`, shiftID, teamID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Astreinte introuvable.")
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "oncall.shift_delete", ResourceType: string(access.ResOnCallRota), ResourceID: shiftID,
			OrganisationID: teamID})
	})
}

// TeamOnCall is who is on call for a team now, and who comes next.
type TeamOnCall struct {
	Team
	Now  []Shift
	Next *Shift
}

// OnCall returns, for each mobile team of a département (a structure of
// type "emr", with mobile team accounts, or with a rota), who is on call
// now and next.
func (s *Service) OnCall(ctx context.Context, departement string) ([]TeamOnCall, error) {
	if err := access.Check(ctx, access.ActionView, access.Resource{Type: access.ResOnCallRota, Departement: departement}); err != nil {
		return nil, err
	}
	var out []TeamOnCall
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, o.departement FROM organisations o WHERE o.kind = 'structure' AND o.active = TRUE
			AND o.departement = $1 AND (o.structure_type = 'emr'
			OR EXISTS (SELECT 1 FROM memberships m WHERE m.organisation_id = o.id AND m.role = 'mobile_team')
			OR EXISTS (SELECT 1 FROM oncall_shifts s WHERE s.team_id = o.id)) ORDER BY o.name, o.id`, departement)
		if err != nil {
			return err
		}
		for rows.Next() {
			var t TeamOnCall
			if err := rows.Scan(&t.ID, &t.Name, &t.Departement); err != nil {
				rows.Close()
				return err
			}
			out = append(out, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return onCallOf(ctx, tx, out)
	})
	a := access.ActorFrom(ctx)
	for i := range out {
		out[i].CanEdit = access.Can(a, access.ActionUpdate, out[i].resource())
	}
	return out, err
}

// onCallOf fills who is on call now and next for each team, in two
// statements whatever the number of teams.
func onCallOf(ctx context.Context, tx *db.Tx, teams []TeamOnCall) error {
	if len(teams) == 0 {
		return nil
	}
	at := make(map[string]*TeamOnCall, len(teams))
	ids := make([]string, len(teams))
	for i := range teams {
		at[teams[i].ID], ids[i] = &teams[i], teams[i].ID
	}
	var args db.Args
	in := db.List(&args, ids)
	now := args.Add(tx.Now)
	current, err := shifts(ctx, tx, `s.team_id IN (`+in+`) AND s.starts_at <= `+now+` AND s.ends_at > `+now, args.Values(), 20*len(teams))
	if err != nil {
		return err
	}
	for _, x := range current {
		at[x.TeamID].Now = append(at[x.TeamID].Now, x)
	}
	next, err := shifts(ctx, tx, `s.team_id IN (`+in+`) AND s.id = (SELECT x.id FROM oncall_shifts x
		WHERE x.team_id = s.team_id AND x.starts_at > `+now+` ORDER BY x.starts_at, x.id LIMIT 1)`, args.Values(), len(teams))
	if err != nil {
		return err
	}
	for _, x := range next {
		at[x.TeamID].Next = &x
	}
	return nil
}

// TeamOnCallNow returns who is on call for one team now and next (for
// its directory entry); a team without any shift has neither.
func (s *Service) TeamOnCallNow(ctx context.Context, teamID string) (TeamOnCall, error) {
	var t TeamOnCall
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if t.Team, err = loadTeam(ctx, tx, teamID); err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionView, t.resource()); err != nil {
			return err
		}
		teams := []TeamOnCall{t}
		err = onCallOf(ctx, tx, teams)
		t = teams[0]
		return err
	})
	return t, err
}

// RotaFeed is one of the actor's secret links to a team's rota.
type RotaFeed struct {
	ID        string
	CreatedAt time.Time
}

func rotaTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateRotaFeed makes a secret calendar link to a team's rota for the
// actor and returns its token (shown once).
func (s *Service) CreateRotaFeed(ctx context.Context, teamID string) (string, error) {
	a := access.ActorFrom(ctx)
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		t, err := loadTeam(ctx, tx, teamID)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionExport, t.resource()); err != nil {
			return err
		}
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO oncall_feeds (id, token_hash, team_id, account_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
			id, rotaTokenHash(token), teamID, a.AccountID, tx.Now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "oncall.feed_create", ResourceType: string(access.ResOnCallRota), ResourceID: teamID,
			OrganisationID: teamID, Details: map[string]any{"feed": id}})
	})
	return token, err
}

// RotaFeeds lists the actor's live links to a team's rota.
func (s *Service) RotaFeeds(ctx context.Context, teamID string) ([]RotaFeed, error) {
	a := access.ActorFrom(ctx)
	var out []RotaFeed
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, created_at FROM oncall_feeds WHERE team_id = $1 AND account_id = $2 AND revoked_at IS NULL
			ORDER BY created_at, id`, teamID, a.AccountID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f RotaFeed
			if err := rows.Scan(&f.ID, &f.CreatedAt); err != nil {
				return err
			}
			f.CreatedAt = f.CreatedAt.UTC()
			out = append(out, f)
		}
		return rows.Err()
	})
	return out, err
}

// RevokeRotaFeed revokes one of the actor's links at once.
func (s *Service) RevokeRotaFeed(ctx context.Context, feedID string) error {
	a := access.ActorFrom(ctx)
	if !a.Authenticated() {
		return apperr.New(apperr.Unauthorized, "Vous devez vous connecter.")
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		var teamID string
		err := tx.QueryRowContext(ctx, `UPDATE oncall_feeds SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL
			RETURNING team_id`, tx.Now, feedID, a.AccountID).Scan(&teamID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Ce lien n'existe pas ou est déjà révoqué.")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "oncall.feed_revoke", ResourceType: string(access.ResOnCallRota), ResourceID: teamID,
			OrganisationID: teamID, Details: map[string]any{"feed": feedID}})
	})
}

// Feed window: the past week and the coming three months.
const (
	feedPast  = 7 * 24 * time.Hour
	feedAhead = 92 * 24 * time.Hour
)

// RotaFeedEvents returns the calendar of a secret link: the team's name
// and its shifts. The link works while it is not revoked and its owner is
// still an active member of the team; otherwise it is not found.
func (s *Service) RotaFeedEvents(ctx context.Context, token string) (string, []export.Event, error) {
	notFound := apperr.New(apperr.NotFound, "Ce lien d'agenda n'existe pas ou a été révoqué.")
	if len(token) < 20 || len(token) > 100 {
		return "", nil, notFound
	}
	var name string
	var events []export.Event
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var teamID string
		err := tx.QueryRowContext(ctx, `SELECT f.team_id, o.name FROM oncall_feeds f JOIN organisations o ON o.id = f.team_id
			WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND o.active = TRUE AND EXISTS (SELECT 1 FROM memberships m
			JOIN accounts a ON a.id = m.account_id WHERE m.account_id = f.account_id AND m.organisation_id = f.team_id
			AND a.active = TRUE AND m.role <> 'parent')`, rotaTokenHash(token)).Scan(&teamID, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound
		}
		if err != nil {
			return err
		}
		list, err := shifts(ctx, tx, `s.team_id = $1 AND s.ends_at > $2 AND s.starts_at < $3`,
			[]any{teamID, tx.Now.Add(-feedPast), tx.Now.Add(feedAhead)}, 2000)
		if err != nil {
			return err
		}
		for _, x := range list {
			desc := "Numéro à appeler : " + x.Phone
			if x.Territory != "" {
				desc += "\nTerritoire : " + x.Territory
			}
			events = append(events, export.Event{UID: "astreinte-" + x.ID + "@passerelle", Summary: "Astreinte : " + x.PersonName + " — " + x.Phone,
				Location: x.Territory, Start: x.StartsAt, End: x.EndsAt, Description: desc})
		}
		return nil
	})
	return "Astreintes — " + name, events, err
}
