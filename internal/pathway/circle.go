package pathway

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/notify"
)

var monthNames = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// DayLabel writes a YYYY-MM-DD day in French ("3 mars 2027").
func DayLabel(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil || d == Forever {
		return ""
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthNames[t.Month()-1], t.Year())
}

// Invite brings a structure into the circle: its directors are told, and
// one of them accepts and names who of the staff follow the child.
func (s *Service) Invite(ctx context.Context, childID string, in InviteInput) (string, error) {
	id := db.NewID()
	err := s.change(ctx, childID, access.SecCircle, "child.circle.invite", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		var err error
		if in, err = NormalizeInvite(in, dayOf(tx.Now)); err != nil {
			return nil, err
		}
		var v apperr.Validation
		var orgName string
		if db.ValidID(in.OrganisationID) {
			err = tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1 AND kind IN ('structure', 'pjj') AND active = TRUE`,
				in.OrganisationID).Scan(&orgName)
		} else {
			err = sql.ErrNoRows
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add("organisation", "Cette structure n'est pas dans l'annuaire.")
		case err != nil:
			return nil, err
		}
		if in.ConsentID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM child_consents WHERE id = $1 AND child_id = $2
				AND withdrawn_at IS NULL AND until_on >= $3`, in.ConsentID, childID, dayOf(tx.Now)).Scan(&n); err != nil && db.ValidID(in.ConsentID) {
				return nil, err
			}
			v.Check(n > 0, "consent", "Cet accord n'est pas en vigueur dans le dossier.")
		}
		if in.MeasureID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM child_measures WHERE id = $1 AND child_id = $2`,
				in.MeasureID, childID).Scan(&n); err != nil && db.ValidID(in.MeasureID) {
				return nil, err
			}
			v.Check(n > 0, "measure", "Cette décision n'est pas dans le dossier.")
		}
		if err := v.ErrSaying("L'invitation n'a pas été envoyée : corrigez les champs signalés."); err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO child_circle (id, child_id, organisation_id, capacity, status, basis, consent_id,
			measure_id, note, starts_on, ends_on, invited_by, invited_at) VALUES ($1, $2, $3, $4, 'invited', $5, $6, $7, $8, $9, $10, $11, $12)`,
			id, childID, in.OrganisationID, string(in.Capacity), in.Basis, nullable(in.ConsentID), nullable(in.MeasureID), in.Note,
			in.From, in.To, actorName(access.ActorFrom(ctx)), tx.Now)
		if db.IsUniqueViolation(err) {
			return nil, apperr.New(apperr.Conflict, orgName+" est déjà dans le cercle ou déjà invitée.")
		}
		if err != nil {
			return nil, fmt.Errorf("invite: %w", err)
		}
		if err := tellDirectors(ctx, tx, in.OrganisationID, "child.invited", "Invitation dans le cercle d'un enfant",
			"Le service ASE vous invite à suivre un enfant ("+Label(CapacityLabels, string(in.Capacity))+"). Acceptez et nommez qui le suit.",
			"/enfants/invitations"); err != nil {
			return nil, err
		}
		return map[string]any{"member": id, "organisation": in.OrganisationID, "basis": in.Basis},
			event(ctx, tx, childID, "circle_invite", access.SecCircle, orgName+" invitée dans le cercle ("+
				Label(CapacityLabels, string(in.Capacity))+", "+Label(Bases, in.Basis)+")", "")
	})
	return id, err
}

// tellDirectors notifies the active directors of an organisation, in the
// app and by e-mail. The message names no child: the link leads to a page
// that checks who reads it.
func tellDirectors(ctx context.Context, tx *db.Tx, orgID, kind, title, body, link string) error {
	all, err := notify.Recipients(ctx, tx, `SELECT a.id, a.email FROM memberships ms JOIN accounts a ON a.id = ms.account_id
		WHERE ms.organisation_id = $1 AND ms.role = 'director' AND a.active = TRUE ORDER BY a.id`, orgID)
	if err != nil {
		return err
	}
	for _, t := range all {
		if err := tell(ctx, tx, t.AccountID, t.Email, kind, title, body, link); err != nil {
			return err
		}
	}
	return nil
}

// tell notifies one account in the app and by e-mail. The e-mail, which
// leaves Passerelle, carries the title only: what concerns a child is read
// after logging in.
func tell(ctx context.Context, tx *db.Tx, accountID, email, kind, title, body, link string) error {
	// A break-glass opening is told at once, whatever the account chose.
	return notify.Tell(ctx, tx, notify.Notification{AccountID: accountID, Kind: kind, Title: title, Body: body, Link: link},
		notify.Mail{To: email, Subject: "Passerelle — " + title,
			Text: title + ".\n\nConnectez-vous à Passerelle et ouvrez vos notifications pour en savoir plus.\n"},
		kind == "child.break_glass")
}

// tellReferent notifies the referent of a child.
func tellReferent(ctx context.Context, tx *db.Tx, f *access.ChildFacts, childID, kind, title, body string) error {
	if f.ReferentID == "" {
		return nil
	}
	var email string
	if err := tx.QueryRowContext(ctx, `SELECT email FROM accounts WHERE id = $1 AND active = TRUE`, f.ReferentID).Scan(&email); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	}
	return tell(ctx, tx, f.ReferentID, email, kind, title, body, "/enfants/"+childID)
}

// Invitation is a pending invitation as the invited structure sees it.
type Invitation struct {
	MemberID         string
	ChildID          string
	ChildName        string
	Age              int
	OrganisationID   string
	OrganisationName string
	Capacity         access.Capacity
	Note             string
	InvitedBy        string
	InvitedAt        time.Time
	Staff            []Person // who may be named: the structure's staff
}

// Invitations lists the invitations waiting for the actor's structures.
func (s *Service) Invitations(ctx context.Context) ([]Invitation, error) {
	a := access.ActorFrom(ctx)
	orgs := a.OrgsWhere(access.RoleDirector)
	if len(orgs) == 0 {
		return nil, nil
	}
	var out []Invitation
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		rows, err := tx.QueryContext(ctx, `SELECT m.id, c.id, c.first_name, c.last_name, c.birth_date, m.organisation_id, o.name,
			m.capacity, m.note, m.invited_by, m.invited_at FROM child_circle m JOIN children c ON c.id = m.child_id
			JOIN organisations o ON o.id = m.organisation_id
			WHERE m.status = 'invited' AND m.organisation_id IN (`+db.List(&args, orgs)+`) ORDER BY m.invited_at`, args.Values()...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var in Invitation
			var first, last, birth string
			if err := rows.Scan(&in.MemberID, &in.ChildID, &first, &last, &birth, &in.OrganisationID, &in.OrganisationName,
				&in.Capacity, &in.Note, &in.InvitedBy, &in.InvitedAt); err != nil {
				rows.Close()
				return err
			}
			in.ChildName, in.Age = first+" "+last, AgeOn(birth, tx.Now)
			out = append(out, in)
		}
		rows.Close()
		// One query per structure, not per invitation.
		staff := map[string][]Person{}
		for i := range out {
			org := out[i].OrganisationID
			if _, ok := staff[org]; !ok {
				if staff[org], err = Staff(ctx, tx, org); err != nil {
					return err
				}
			}
			out[i].Staff = staff[org]
		}
		return nil
	})
	return out, err
}

// InvitationCount counts the invitations waiting for the actor's
// structures (the home page and the list show the number, not the list).
func (s *Service) InvitationCount(ctx context.Context) (int, error) {
	orgs := access.ActorFrom(ctx).OrgsWhere(access.RoleDirector)
	if len(orgs) == 0 {
		return 0, nil
	}
	var n int
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM child_circle WHERE status = 'invited' AND organisation_id IN (`+
			db.List(&args, orgs)+`)`, args.Values()...).Scan(&n)
	})
	return n, err
}

// Staff returns the professionals of an organisation who may follow a child.
func Staff(ctx context.Context, tx *db.Tx, orgID string) ([]Person, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT a.id, a.display_name FROM memberships ms JOIN accounts a ON a.id = ms.account_id
		WHERE ms.organisation_id = $1 AND ms.role IN ('educator', 'director', 'mobile_team', 'foster_carer') AND a.active = TRUE
		ORDER BY a.display_name`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// memberOrg returns the organisation, status and child of a circle member.
func memberOrg(ctx context.Context, tx *db.Tx, childID, memberID string) (org, status, name string, err error) {
	if !db.ValidID(memberID) {
		return "", "", "", apperr.New(apperr.NotFound, "Cette structure n'est pas dans le cercle.")
	}
	err = tx.QueryRowContext(ctx, `SELECT m.organisation_id, m.status, o.name FROM child_circle m JOIN organisations o ON o.id = m.organisation_id
		WHERE m.id = $1 AND m.child_id = $2`, memberID, childID).Scan(&org, &status, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", apperr.New(apperr.NotFound, "Cette structure n'est pas dans le cercle.")
	}
	return org, status, name, err
}

// Answer is the invited structure's answer: accepted with the staff who
// follow the child (one at least), or declined.
func (s *Service) Answer(ctx context.Context, childID, memberID string, accept bool, staff []string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := loadFacts(ctx, tx, childID)
		if err != nil {
			return err
		}
		org, status, name, err := memberOrg(ctx, tx, childID, memberID)
		if err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !a.HasIn(access.RoleDirector, org) && !a.System {
			return errNoChild()
		}
		if status != "invited" {
			return apperr.New(apperr.Conflict, "Cette invitation a déjà reçu une réponse.")
		}
		newStatus, summary := "declined", name+" a décliné l'invitation"
		if accept {
			if err := setStaff(ctx, tx, memberID, org, staff); err != nil {
				return err
			}
			newStatus, summary = "active", name+" a rejoint le cercle"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE child_circle SET status = $1, answered_by = $2, answered_at = $3 WHERE id = $4`,
			newStatus, actorName(a), tx.Now, memberID); err != nil {
			return err
		}
		if err := event(ctx, tx, childID, "circle_answer", access.SecCircle, summary, ""); err != nil {
			return err
		}
		if err := tellReferent(ctx, tx, f, childID, "child.circle", "Réponse à une invitation dans le cercle", summary+"."); err != nil {
			return err
		}
		return record(ctx, tx, f, childID, "child.circle.answer", map[string]any{"member": memberID, "status": newStatus})
	})
}

// setStaff replaces who of org follows the child.
func setStaff(ctx context.Context, tx *db.Tx, memberID, org string, staff []string) error {
	people, err := Staff(ctx, tx, org)
	if err != nil {
		return err
	}
	var v apperr.Validation
	v.Check(len(staff) > 0, "staff", "Nommez au moins une personne qui suit l'enfant.")
	for _, id := range staff {
		v.Check(slices.ContainsFunc(people, func(p Person) bool { return p.ID == id }), "staff", "Cette personne n'est pas de la structure.")
	}
	if err := v.ErrSaying("Rien n'a été enregistré : corrigez les champs signalés."); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM child_circle_staff WHERE member_id = $1`, memberID); err != nil {
		return err
	}
	for _, id := range staff {
		if _, err := tx.ExecContext(ctx, `INSERT INTO child_circle_staff (member_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			memberID, id); err != nil {
			return err
		}
	}
	return nil
}

// SetStaff changes who of a member structure follows the child: its
// directors decide.
func (s *Service) SetStaff(ctx context.Context, childID, memberID string, staff []string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionView, access.SecCircle)
		if err != nil {
			return err
		}
		org, status, name, err := memberOrg(ctx, tx, childID, memberID)
		if err != nil {
			return err
		}
		if !access.ActorFrom(ctx).HasIn(access.RoleDirector, org) {
			return apperr.New(apperr.Forbidden, "Seule la direction de la structure nomme qui suit l'enfant.")
		}
		if status != "active" {
			return apperr.New(apperr.Conflict, "La structure n'est pas dans le cercle.")
		}
		if err := setStaff(ctx, tx, memberID, org, staff); err != nil {
			return err
		}
		if err := event(ctx, tx, childID, "circle_staff", access.SecCircle, "Professionnels de "+name+" qui suivent l'enfant mis à jour", ""); err != nil {
			return err
		}
		return record(ctx, tx, f, childID, "child.circle.staff", map[string]any{"member": memberID, "staff": len(staff)})
	})
}

// Leave takes a structure out of the circle: its staff lose the record at
// once. The referent decides, or the structure's director for their own.
func (s *Service) Leave(ctx context.Context, childID, memberID string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionView, access.SecCircle)
		if err != nil {
			return err
		}
		org, status, name, err := memberOrg(ctx, tx, childID, memberID)
		if err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		res := access.Resource{Type: access.ResChild, ID: childID, Section: access.SecCircle, Child: f}
		if !access.Can(a, access.ActionUpdate, res) && !a.HasIn(access.RoleDirector, org) {
			return apperr.New(apperr.Forbidden, "Seuls le référent et la direction de la structure la font sortir du cercle.")
		}
		if status != "active" && status != "invited" {
			return apperr.New(apperr.Conflict, "La structure n'est plus dans le cercle.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE child_circle SET status = 'left', left_at = $1 WHERE id = $2`, tx.Now, memberID); err != nil {
			return err
		}
		if err := event(ctx, tx, childID, "circle_leave", access.SecCircle, name+" est sortie du cercle", ""); err != nil {
			return err
		}
		if !a.HasIn(access.RoleASEReferent, f.ASEID) {
			if err := tellReferent(ctx, tx, f, childID, "child.circle", "Une structure sort du cercle", name+" est sortie du cercle d'un enfant que vous suivez."); err != nil {
				return err
			}
		}
		return record(ctx, tx, f, childID, "child.circle.leave", map[string]any{"member": memberID})
	})
}

// AddConsent records a legal representative's consent.
func (s *Service) AddConsent(ctx context.Context, childID string, in ConsentInput) (string, error) {
	id := db.NewID()
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionUpdate, access.SecConsents)
		if err != nil {
			return err
		}
		if !access.ActorFrom(ctx).HasIn(access.RoleASEReferent, f.ASEID) && !access.ActorFrom(ctx).System {
			return apperr.New(apperr.Forbidden, "Le référent enregistre les accords des parents.")
		}
		if in, err = NormalizeConsent(in, dayOf(tx.Now)); err != nil {
			return err
		}
		var name, kind, authority string
		err = tx.QueryRowContext(ctx, `SELECT name, kind, authority FROM child_relatives WHERE id = $1 AND child_id = $2`,
			in.RelativeID, childID).Scan(&name, &kind, &authority)
		if errors.Is(err, sql.ErrNoRows) || (err != nil && !db.ValidID(in.RelativeID)) {
			var v apperr.Validation
			v.Add("relative", "Ce proche n'est pas dans le dossier.")
			return v.ErrSaying("L'accord n'a pas été enregistré : corrigez les champs signalés.")
		}
		if err != nil {
			return err
		}
		if !(Relative{Kind: kind, Authority: authority}).LegalRepresentative() {
			var v apperr.Validation
			v.Add("relative", "Seul un représentant légal donne un accord.")
			return v.ErrSaying("L'accord n'a pas été enregistré : corrigez les champs signalés.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO child_consents (id, child_id, relative_id, scope, subject, given_on, until_on,
			created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, childID, in.RelativeID, in.Scope, in.Subject,
			in.GivenOn, in.Until, tx.Now, actorName(access.ActorFrom(ctx))); err != nil {
			return fmt.Errorf("insert consent: %w", err)
		}
		if err := event(ctx, tx, childID, "consent", access.SecConsents, "Accord de "+name+" : "+Label(ConsentScopes, in.Scope)+
			consentSubject(in.Subject)+", "+period(in.GivenOn, in.Until), ""); err != nil {
			return err
		}
		return record(ctx, tx, f, childID, "child.consent.add", map[string]any{"consent": id, "scope": in.Scope})
	})
	return id, err
}

func consentSubject(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// WithdrawConsent withdraws a consent at once: the referent, or the parent
// who gave it. Circle members resting on it lose the record at once.
func (s *Service) WithdrawConsent(ctx context.Context, childID, consentID string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionUpdate, access.SecConsents)
		if err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		var account, name, scope string
		var withdrawn sql.NullTime
		err = tx.QueryRowContext(ctx, `SELECT COALESCE(r.account_id, ''), r.name, k.scope, k.withdrawn_at FROM child_consents k
			JOIN child_relatives r ON r.id = k.relative_id WHERE k.id = $1 AND k.child_id = $2`, consentID, childID).
			Scan(&account, &name, &scope, &withdrawn)
		if errors.Is(err, sql.ErrNoRows) || (err != nil && !db.ValidID(consentID)) {
			return apperr.New(apperr.NotFound, "Cet accord n'est pas dans le dossier.")
		}
		if err != nil {
			return err
		}
		byReferent := a.HasIn(access.RoleASEReferent, f.ASEID) || a.System
		if !byReferent && account != a.AccountID {
			return apperr.New(apperr.Forbidden, "Vous ne pouvez retirer que les accords que vous avez donnés.")
		}
		if withdrawn.Valid {
			return apperr.New(apperr.Conflict, "Cet accord est déjà retiré.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE child_consents SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3`,
			tx.Now, actorName(a), consentID); err != nil {
			return err
		}
		summary := "Accord de " + name + " retiré (" + Label(ConsentScopes, scope) + ")"
		if err := event(ctx, tx, childID, "consent_withdrawn", access.SecConsents, summary, ""); err != nil {
			return err
		}
		if !byReferent {
			if err := tellReferent(ctx, tx, f, childID, "child.consent", "Un parent a retiré son accord", summary+"."); err != nil {
				return err
			}
		}
		return record(ctx, tx, f, childID, "child.consent.withdraw", map[string]any{"consent": consentID})
	})
}

// StaffChoices returns the member's structure's professionals and those
// who follow the child now, for its directors choosing who follows it.
func (s *Service) StaffChoices(ctx context.Context, childID, memberID string) (org string, people, named []Person, err error) {
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		if _, err := open(ctx, tx, childID, access.ActionView, access.SecCircle); err != nil {
			return err
		}
		var status string
		if org, status, _, err = memberOrg(ctx, tx, childID, memberID); err != nil {
			return err
		}
		if !access.ActorFrom(ctx).HasIn(access.RoleDirector, org) {
			return apperr.New(apperr.Forbidden, "Seule la direction de la structure nomme qui suit l'enfant.")
		}
		if status != "active" {
			return apperr.New(apperr.Conflict, "La structure n'est pas dans le cercle.")
		}
		if people, err = Staff(ctx, tx, org); err != nil {
			return err
		}
		ids, err := strings1(ctx, tx, `SELECT account_id FROM child_circle_staff WHERE member_id = $1`, memberID)
		for _, p := range people {
			if slices.Contains(ids, p.ID) {
				named = append(named, p)
			}
		}
		return err
	})
	return org, people, named, err
}
