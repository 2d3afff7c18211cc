package pathway

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// A liaison note (fiche de liaison) goes from one member of the circle to
// others: what the context is, what happened, what to watch, what is
// asked. Each recipient structure acknowledges receipt; the sender sees
// who read it and when. A note is read by the people of its sender and
// recipients and by the record's referents, nobody else of the circle.

// Liaison is a note with its recipients and attachments.
type Liaison struct {
	ID            string
	SenderOrgID   string
	SenderOrgName string
	AuthorName    string
	Context       string
	Happened      string
	Watch         string
	Asked         string
	CreatedAt     time.Time
	Recipients    []Receipt
	Attachments   []AttachmentInfo
	// Mine: the reader's structure is a recipient that has not
	// acknowledged yet.
	ToAcknowledge bool
}

// Receipt is a recipient and when it acknowledged.
type Receipt struct {
	OrganisationID   string
	OrganisationName string
	AcknowledgedAt   *time.Time
	AcknowledgedBy   string
}

// AttachmentInfo describes an attachment without its content.
type AttachmentInfo struct {
	ID, Name, Type string
	Size           int64
}

// LiaisonInput is a note as typed; errors by field: recipients, text,
// attachments.
type LiaisonInput struct {
	Context, Happened, Watch, Asked string
	Recipients                      []string // organisations of the circle
	Attachments                     []Document
}

// Attachment limits.
const (
	MaxAttachments    = attach.Max
	MaxAttachmentSize = attach.MaxSize
)

// NormalizeLiaison checks a note.
func NormalizeLiaison(in LiaisonInput) (LiaisonInput, error) {
	var v apperr.Validation
	for _, s := range []*string{&in.Context, &in.Happened, &in.Watch, &in.Asked} {
		trim(s)
		checkLen(&v, "text", *s, maxNote)
	}
	v.Check(in.Context+in.Happened+in.Watch+in.Asked != "", "text", "Écrivez au moins une des quatre parties de la fiche.")
	in.Recipients = slices.Compact(slices.Sorted(slices.Values(in.Recipients)))
	in.Recipients = slices.DeleteFunc(in.Recipients, func(s string) bool { return strings.TrimSpace(s) == "" })
	v.Check(len(in.Recipients) > 0, "recipients", "Choisissez à qui envoyer la fiche.")
	files := make([]attach.File, len(in.Attachments))
	for i, a := range in.Attachments {
		files[i] = attach.File(a)
	}
	attach.Check(&v, "attachments", files)
	for i, f := range files {
		in.Attachments[i] = Document(f)
	}
	return in, v.ErrSaying("La fiche n'a pas été envoyée : corrigez les champs signalés.")
}

// liaisonOrgs returns the organisations through which the actor takes
// part in liaison notes about the child, and whether they see every note
// (the referents of the record).
func liaisonOrgs(a access.Actor, f *access.ChildFacts) (orgs []string, all bool) {
	rels := access.ChildRelations(a, f)
	if slices.Contains(rels, access.RelReferent) {
		return []string{f.ASEID}, true
	}
	for _, m := range f.Members {
		if !m.Invited && (a.HasIn(access.RoleDirector, m.OrganisationID) || slices.Contains(m.Staff, a.AccountID)) {
			orgs = append(orgs, m.OrganisationID)
		}
	}
	if slices.Contains(rels, access.RelCarer) {
		orgs = append(orgs, a.OrgsWhere(access.RoleFosterCarer)...)
	}
	return slices.Compact(slices.Sorted(slices.Values(orgs))), false
}

// LiaisonRecipients returns who a note may go to: the live members of the
// circle and the ASE service, the sender's own structure aside.
func (s *Service) LiaisonRecipients(ctx context.Context, childID string) ([]Member, error) {
	var out []Member
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionUpdate, access.SecLiaison)
		if err != nil {
			return err
		}
		out, err = recipients(ctx, tx, childID, f)
		return err
	})
	return out, err
}

func recipients(ctx context.Context, tx *db.Tx, childID string, f *access.ChildFacts) ([]Member, error) {
	mine, _ := liaisonOrgs(access.ActorFrom(ctx), f)
	var ase Member
	if err := tx.QueryRowContext(ctx, `SELECT id, name FROM organisations WHERE id = $1`, f.ASEID).
		Scan(&ase.OrganisationID, &ase.OrganisationName); err != nil {
		return nil, err
	}
	out := []Member{ase}
	circle, err := loadCircle(ctx, tx, childID, dayOf(tx.Now))
	if err != nil {
		return nil, err
	}
	for _, m := range circle {
		if m.Live(dayOf(tx.Now)) {
			out = append(out, m)
		}
	}
	return slices.DeleteFunc(out, func(m Member) bool { return slices.Contains(mine, m.OrganisationID) }), nil
}

// SendLiaison sends a note to members of the circle; their people are told.
func (s *Service) SendLiaison(ctx context.Context, childID string, in LiaisonInput) (string, error) {
	id := db.NewID()
	err := s.change(ctx, childID, access.SecLiaison, "child.liaison.send", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		var err error
		if in, err = NormalizeLiaison(in); err != nil {
			return nil, err
		}
		a := access.ActorFrom(ctx)
		mine, _ := liaisonOrgs(a, f)
		if len(mine) == 0 {
			return nil, apperr.New(apperr.Forbidden, "Seuls les membres du cercle envoient une fiche de liaison.")
		}
		allowed, err := recipients(ctx, tx, childID, f)
		if err != nil {
			return nil, err
		}
		names := map[string]string{}
		for _, m := range allowed {
			names[m.OrganisationID] = m.OrganisationName
		}
		var v apperr.Validation
		for _, r := range in.Recipients {
			v.Check(names[r] != "", "recipients", "Une fiche va aux structures du cercle et au service ASE, pas à la vôtre.")
		}
		if err := v.ErrSaying("La fiche n'a pas été envoyée : corrigez les champs signalés."); err != nil {
			return nil, err
		}
		var senderName string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, mine[0]).Scan(&senderName); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO liaison_notes (id, child_id, sender_org_id, sender_org_name, author_id, author_name,
			context, happened, watch, asked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			id, childID, mine[0], senderName, a.AccountID, actorName(a), in.Context, in.Happened, in.Watch, in.Asked, tx.Now); err != nil {
			return nil, fmt.Errorf("insert liaison: %w", err)
		}
		for _, r := range in.Recipients {
			if _, err := tx.ExecContext(ctx, `INSERT INTO liaison_recipients (note_id, organisation_id, organisation_name)
				VALUES ($1, $2, $3)`, id, r, names[r]); err != nil {
				return nil, err
			}
			if err := tellOrg(ctx, tx, f, childID, r, "child.liaison", "Nouvelle fiche de liaison",
				senderName+" vous adresse une fiche de liaison : accusez-en réception.", "/enfants/"+childID+"/liaisons/"+id); err != nil {
				return nil, err
			}
		}
		for _, d := range in.Attachments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO liaison_attachments (id, note_id, name, content_type, size, data, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), id, d.Name, d.Type, len(d.Data), d.Data, tx.Now); err != nil {
				return nil, err
			}
		}
		to := make([]string, len(in.Recipients))
		for i, r := range in.Recipients {
			to[i] = names[r]
		}
		return map[string]any{"liaison": id, "recipients": len(in.Recipients)}, event(ctx, tx, childID, "liaison", access.SecLiaison,
			"Fiche de liaison de "+senderName+" à "+strings.Join(to, ", "), "")
	})
	return id, err
}

// tellOrg notifies the people of a recipient organisation about child:
// the record's referent for the ASE service, else the structure's
// directors and the staff named to follow the child.
func tellOrg(ctx context.Context, tx *db.Tx, f *access.ChildFacts, childID, org, kind, title, body, link string) error {
	var people []string
	if org == f.ASEID {
		if f.ReferentID != "" {
			people = []string{f.ReferentID}
		}
	} else {
		for _, m := range f.Members {
			if m.OrganisationID == org && !m.Invited {
				people = append(people, m.Staff...)
			}
		}
		directors, err := strings1(ctx, tx, `SELECT account_id FROM memberships WHERE organisation_id = $1 AND role = 'director'`, org)
		if err != nil {
			return err
		}
		people = append(people, directors...)
	}
	for _, id := range slices.Compact(slices.Sorted(slices.Values(people))) {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT email FROM accounts WHERE id = $1 AND active = TRUE`, id).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if err := tell(ctx, tx, id, email, kind, title, body, link); err != nil {
			return err
		}
	}
	return nil
}

const liaisonCols = `n.id, n.sender_org_id, n.sender_org_name, n.author_name, n.context, n.happened, n.watch, n.asked, n.created_at`

// Liaisons returns the notes the actor may read about the child, newest
// first, with their receipts; reading them is audited.
func (s *Service) Liaisons(ctx context.Context, childID string) ([]Liaison, error) {
	var out []Liaison
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, childID, access.ActionView, access.SecLiaison); err != nil {
			return err
		}
		out, err = readLiaisons(ctx, tx, childID, "", f)
		return err
	}, func() audit.Entry {
		return entry(ctx, f, childID, "child.liaison.list", map[string]any{"shown": len(out)})
	})
	return out, err
}

// Liaison returns one note the actor may read; reading it is audited.
func (s *Service) Liaison(ctx context.Context, childID, id string) (Liaison, error) {
	return s.liaison(ctx, childID, id, "child.liaison.read")
}

// PrintLiaison returns one note the actor may read, to print it: the same
// read as Liaison, audited as a print, since the copy leaves the
// application.
func (s *Service) PrintLiaison(ctx context.Context, childID, id string) (Liaison, error) {
	return s.liaison(ctx, childID, id, "child.liaison.print")
}

// liaison reads one note and records action in the audit log.
func (s *Service) liaison(ctx context.Context, childID, id, action string) (Liaison, error) {
	var out []Liaison
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, childID, access.ActionView, access.SecLiaison); err != nil {
			return err
		}
		if out, err = readLiaisons(ctx, tx, childID, id, f); err != nil {
			return err
		}
		if len(out) == 0 {
			return apperr.New(apperr.NotFound, "Cette fiche n'existe pas, ou ne vous est pas adressée.")
		}
		return nil
	}, func() audit.Entry { return entry(ctx, f, childID, action, map[string]any{"liaison": id}) })
	if err != nil {
		return Liaison{}, err
	}
	return out[0], nil
}

// readLiaisons reads the notes about child (only id when given) that the
// actor's structures sent or received, or all for the referents.
func readLiaisons(ctx context.Context, tx *db.Tx, childID, id string, f *access.ChildFacts) ([]Liaison, error) {
	mine, all := liaisonOrgs(access.ActorFrom(ctx), f)
	if access.ActorFrom(ctx).System {
		all = true
	}
	var args db.Args
	q := `SELECT ` + liaisonCols + ` FROM liaison_notes n WHERE n.child_id = ` + args.Add(childID)
	if id != "" {
		if !db.ValidID(id) {
			return nil, nil
		}
		q += ` AND n.id = ` + args.Add(id)
	}
	if !all {
		list := db.List(&args, mine)
		q += ` AND (n.sender_org_id IN (` + list + `) OR EXISTS (SELECT 1 FROM liaison_recipients r WHERE r.note_id = n.id
			AND r.organisation_id IN (` + list + `)))`
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY n.created_at DESC, n.id DESC LIMIT 200`, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("liaisons: %w", err)
	}
	var out []Liaison
	index := map[string]int{}
	for rows.Next() {
		var l Liaison
		if err := rows.Scan(&l.ID, &l.SenderOrgID, &l.SenderOrgName, &l.AuthorName, &l.Context, &l.Happened, &l.Watch,
			&l.Asked, &l.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		l.CreatedAt = l.CreatedAt.UTC()
		index[l.ID] = len(out)
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	var rargs db.Args
	ids := make([]string, len(out))
	for i, l := range out {
		ids[i] = l.ID
	}
	list := db.List(&rargs, ids)
	rrows, err := tx.QueryContext(ctx, `SELECT note_id, organisation_id, organisation_name, acknowledged_at, acknowledged_by
		FROM liaison_recipients WHERE note_id IN (`+list+`) ORDER BY organisation_name`, rargs.Values()...)
	if err != nil {
		return nil, err
	}
	for rrows.Next() {
		var note string
		var r Receipt
		var at sql.NullTime
		if err := rrows.Scan(&note, &r.OrganisationID, &r.OrganisationName, &at, &r.AcknowledgedBy); err != nil {
			rrows.Close()
			return nil, err
		}
		r.AcknowledgedAt = utcOrNil(at)
		l := &out[index[note]]
		l.Recipients = append(l.Recipients, r)
		if r.AcknowledgedAt == nil && slices.Contains(mine, r.OrganisationID) {
			l.ToAcknowledge = true
		}
	}
	rrows.Close()
	arows, err := tx.QueryContext(ctx, `SELECT note_id, id, name, content_type, size FROM liaison_attachments
		WHERE note_id IN (`+list+`) ORDER BY created_at, id`, rargs.Values()...)
	if err != nil {
		return nil, err
	}
	defer arows.Close()
	for arows.Next() {
		var note string
		var a AttachmentInfo
		if err := arows.Scan(&note, &a.ID, &a.Name, &a.Type, &a.Size); err != nil {
			return nil, err
		}
		out[index[note]].Attachments = append(out[index[note]].Attachments, a)
	}
	return out, arows.Err()
}

// Acknowledge records that the actor's structure received the note.
func (s *Service) Acknowledge(ctx context.Context, childID, id string) error {
	return s.change(ctx, childID, access.SecLiaison, "child.liaison.acknowledge", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		a := access.ActorFrom(ctx)
		mine, _ := liaisonOrgs(a, f)
		if len(mine) == 0 || !db.ValidID(id) {
			return nil, apperr.New(apperr.NotFound, "Cette fiche ne vous est pas adressée.")
		}
		var args db.Args
		res, err := tx.ExecContext(ctx, `UPDATE liaison_recipients SET acknowledged_at = `+args.Add(tx.Now)+`, acknowledged_by = `+
			args.Add(actorName(a))+` WHERE note_id = `+args.Add(id)+` AND acknowledged_at IS NULL AND organisation_id IN (`+
			db.List(&args, mine)+`) AND EXISTS (SELECT 1 FROM liaison_notes n WHERE n.id = note_id AND n.child_id = `+args.Add(childID)+`)`,
			args.Values()...)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, apperr.New(apperr.Conflict, "Rien à accuser : la fiche ne vous est pas adressée, ou sa réception est déjà notée.")
		}
		return map[string]any{"liaison": id}, event(ctx, tx, childID, "liaison_ack", access.SecLiaison,
			"Réception d'une fiche de liaison accusée par "+actorName(a), "")
	})
}

// LiaisonAttachment returns an attachment of a note the actor may read;
// reading it is audited.
func (s *Service) LiaisonAttachment(ctx context.Context, childID, noteID, id string) (Document, error) {
	var d Document
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, childID, access.ActionView, access.SecLiaison); err != nil {
			return err
		}
		notes, err := readLiaisons(ctx, tx, childID, noteID, f)
		if err != nil {
			return err
		}
		if len(notes) == 0 || !db.ValidID(id) {
			return apperr.New(apperr.NotFound, "Cette pièce jointe n'existe pas.")
		}
		err = tx.QueryRowContext(ctx, `SELECT name, content_type, data FROM liaison_attachments WHERE id = $1 AND note_id = $2`,
			id, noteID).Scan(&d.Name, &d.Type, &d.Data)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Cette pièce jointe n'existe pas.")
		}
		return err
	}, func() audit.Entry {
		return entry(ctx, f, childID, "child.liaison.attachment", map[string]any{"liaison": noteID, "attachment": id})
	})
	return d, err
}

// KindLiaisonReminders is the job that reminds of unread liaison notes.
const KindLiaisonReminders = "pathway.liaison_reminders"

func (s *Service) liaisonRemindAfter() time.Duration {
	if s.LiaisonRemindAfter > 0 {
		return s.LiaisonRemindAfter
	}
	return 48 * time.Hour
}

// RemindLiaisons reminds, once, the sender and each recipient of a note
// left unacknowledged past LiaisonRemindAfter. It returns how many
// recipients were reminded.
func (s *Service) RemindLiaisons(ctx context.Context) (int, error) {
	n := 0
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `SELECT r.note_id, r.organisation_id, r.organisation_name, n.child_id, n.author_id
			FROM liaison_recipients r JOIN liaison_notes n ON n.id = r.note_id
			WHERE r.acknowledged_at IS NULL AND r.reminded_at IS NULL AND n.created_at <= $1 ORDER BY n.created_at LIMIT 500`,
			tx.Now.Add(-s.liaisonRemindAfter()))
		if err != nil {
			return err
		}
		type late struct{ note, org, orgName, child, author string }
		var all []late
		for rows.Next() {
			var l late
			if err := rows.Scan(&l.note, &l.org, &l.orgName, &l.child, &l.author); err != nil {
				rows.Close()
				return err
			}
			all = append(all, l)
		}
		rows.Close()
		for _, l := range all {
			f, err := loadFacts(ctx, tx, l.child)
			if err != nil {
				return err
			}
			link := "/enfants/" + l.child + "/liaisons/" + l.note
			if err := tellOrg(ctx, tx, f, l.child, l.org, "child.liaison", "Fiche de liaison non lue",
				"Une fiche de liaison attend votre accusé de réception depuis plus de deux jours.", link); err != nil {
				return err
			}
			var email string
			if err := tx.QueryRowContext(ctx, `SELECT email FROM accounts WHERE id = $1`, l.author).Scan(&email); err == nil {
				if err := tell(ctx, tx, l.author, email, "child.liaison", "Fiche de liaison non lue",
					l.orgName+" n'a pas encore accusé réception de votre fiche de liaison.", link); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE liaison_recipients SET reminded_at = $1 WHERE note_id = $2 AND organisation_id = $3`,
				tx.Now, l.note, l.org); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
