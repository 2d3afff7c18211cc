package crisis

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// Broadcasts: during a crisis, the cell (the steering of the
// département) sends a message to a chosen set of structures; each one
// acknowledges it, those that do not are reminded, and the cell sees the
// rate.

// BroadcastRate is how many of a broadcast's structures acknowledged it,
// for the crisis page and the end report.
type BroadcastRate struct {
	ID           string
	Subject      string
	SentAt       time.Time
	Structures   int
	Acknowledged int
}

// Percent is the rate in whole per cent.
func (r BroadcastRate) Percent() int { return AckRate(r.Acknowledged, r.Structures) }

// BroadcastRates lists the broadcasts of a crisis with their
// acknowledgement counts, oldest first. It reads inside the caller's
// transaction and checks nothing: the caller has.
func (s *Service) BroadcastRates(ctx context.Context, tx *db.Tx, crisisID string) ([]BroadcastRate, error) {
	rows, err := tx.QueryContext(ctx, `SELECT b.id, b.subject, b.sent_at, count(r.structure_id), count(r.acknowledged_at)
		FROM crisis_broadcasts b LEFT JOIN crisis_broadcast_recipients r ON r.broadcast_id = b.id
		WHERE b.crisis_id = $1 GROUP BY b.id, b.subject, b.sent_at ORDER BY b.sent_at, b.id`, crisisID)
	if err != nil {
		return nil, fmt.Errorf("broadcast rates: %w", err)
	}
	defer rows.Close()
	var out []BroadcastRate
	for rows.Next() {
		var r BroadcastRate
		if err := rows.Scan(&r.ID, &r.Subject, &r.SentAt, &r.Structures, &r.Acknowledged); err != nil {
			return nil, err
		}
		r.SentAt = r.SentAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// Selection is the set of structures a broadcast goes to: an explicit
// list, or the active structures of the département narrowed by types
// and communes (none: the whole département).
type Selection struct {
	Types        []string
	Communes     []string
	StructureIDs []string
}

// Words says the selection in French.
func (sel Selection) Words() string {
	if len(sel.StructureIDs) > 0 {
		return fmt.Sprintf("liste de %d structure(s)", len(sel.StructureIDs))
	}
	var parts []string
	if len(sel.Types) > 0 {
		labels := make([]string, len(sel.Types))
		for i, t := range sel.Types {
			labels[i] = org.StructureTypeLabel(t)
		}
		parts = append(parts, "types : "+strings.Join(labels, ", "))
	}
	if len(sel.Communes) > 0 {
		names := make([]string, len(sel.Communes))
		for i, c := range sel.Communes {
			names[i] = c
			if cm, ok := geo.CommuneByCode(c); ok {
				names[i] = cm.Name
			}
		}
		parts = append(parts, "communes : "+strings.Join(names, ", "))
	}
	if len(parts) == 0 {
		return "tout le département"
	}
	return strings.Join(parts, " ; ")
}

// Target is a structure a broadcast would go to.
type Target struct {
	ID, Name, Type, Commune string
}

// checkSelection reports what is wrong with a selection for département dep.
func checkSelection(v *apperr.Validation, dep string, sel *Selection) {
	sel.Types = slices.Compact(slices.Sorted(slices.Values(sel.Types)))
	sel.Communes = slices.Compact(slices.Sorted(slices.Values(sel.Communes)))
	sel.StructureIDs = slices.Compact(slices.Sorted(slices.Values(sel.StructureIDs)))
	for _, t := range sel.Types {
		if org.StructureTypeLabel(t) == t {
			v.Add("types", fmt.Sprintf("Type de structure inconnu : %q.", t))
		}
	}
	for _, c := range sel.Communes {
		if cm, ok := geo.CommuneByCode(c); !ok || cm.Departement != dep {
			v.Add("communes", fmt.Sprintf("La commune %q n'est pas du département %s.", c, dep))
		}
	}
	for _, id := range sel.StructureIDs {
		if !db.ValidID(id) {
			v.Add("structure_ids", "Identifiant de structure invalide.")
		}
	}
	v.Check(len(sel.StructureIDs) <= 2000, "structure_ids", "2 000 structures au plus.")
}

// targets returns the structures of a checked selection.
func targets(ctx context.Context, tx *db.Tx, dep string, sel Selection) ([]Target, error) {
	var args db.Args
	q := `SELECT id, name, structure_type, commune_code FROM organisations WHERE kind = 'structure' AND active = TRUE AND departement = ` + args.Add(dep)
	if len(sel.StructureIDs) > 0 {
		q += ` AND id IN (` + db.List(&args, sel.StructureIDs) + `)`
	}
	if len(sel.Types) > 0 {
		q += ` AND structure_type IN (` + db.List(&args, sel.Types) + `)`
	}
	if len(sel.Communes) > 0 {
		q += ` AND commune_code IN (` + db.List(&args, sel.Communes) + `)`
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY name, id`, args.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var t Target
		if err := rows.Scan(&t.ID, &t.Name, &t.Type, &t.Commune); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Preview returns the structures a selection reaches in département dep,
// for the cell to see the count before sending.
func (s *Service) Preview(ctx context.Context, dep string, sel Selection) ([]Target, error) {
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResBroadcast, Departement: dep}); err != nil {
		return nil, err
	}
	var v apperr.Validation
	checkSelection(&v, dep, &sel)
	if err := v.ErrSaying("Le choix des structures est à corriger."); err != nil {
		return nil, err
	}
	var out []Target
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		out, err = targets(ctx, tx, dep, sel)
		if err == nil && len(sel.StructureIDs) > len(out) {
			return &apperr.Error{Code: apperr.Invalid, Message: "Le choix des structures est à corriger.", Fields: map[string]string{
				"structure_ids": fmt.Sprintf("%d structure(s) de la liste ne sont pas des structures ouvertes du département.", len(sel.StructureIDs)-len(out))}}
		}
		return err
	})
	return out, err
}

// BroadcastInput is what the cell sends.
type BroadcastInput struct {
	Departement   string
	Subject, Body string
	Document      *attach.File
	Selection     Selection
}

// Send sends a broadcast of the active crisis of the input's département
// to the structures of its selection, and tells each structure's staff at
// once. It returns the broadcast's id.
func (s *Service) Send(ctx context.Context, in BroadcastInput) (string, error) {
	a := access.ActorFrom(ctx)
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResBroadcast, Departement: in.Departement}); err != nil {
		return "", err
	}
	var v apperr.Validation
	in.Subject, in.Body = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	v.Check(in.Subject != "", "subject", "Donnez un objet au message.")
	v.Check(utf8.RuneCountInString(in.Subject) <= 200, "subject", "200 caractères au plus.")
	v.Check(in.Body != "", "body", "Écrivez le message.")
	v.Check(utf8.RuneCountInString(in.Body) <= 10000, "body", "10 000 caractères au plus.")
	if in.Document != nil {
		files := []attach.File{*in.Document}
		attach.Check(&v, "document", files)
		if !v.Has("document") && files[0].Type != "application/pdf" {
			v.Add("document", "Le document joint doit être un PDF.")
		}
		*in.Document = files[0]
	}
	checkSelection(&v, in.Departement, &in.Selection)
	if err := v.ErrSaying("Le message n'est pas envoyé : corrigez les champs signalés."); err != nil {
		return "", err
	}
	id := db.NewID()
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var crisisID string
		err := tx.QueryRowContext(ctx, `SELECT id FROM crises WHERE departement = $1 AND ended_at IS NULL`, in.Departement).Scan(&crisisID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "Aucune crise n'est en cours dans ce département : les diffusions se font pendant une crise.")
		}
		if err != nil {
			return err
		}
		to, err := targets(ctx, tx, in.Departement, in.Selection)
		if err != nil {
			return err
		}
		if len(to) == 0 || len(in.Selection.StructureIDs) > len(to) {
			return &apperr.Error{Code: apperr.Invalid, Message: "Le message n'est pas envoyé : corrigez les champs signalés.", Fields: map[string]string{
				selectionField(in.Selection): "Aucune structure ouverte du département ne correspond à ce choix, ou la liste en contient d'autres."}}
		}
		var doc struct {
			name, typ string
			data      []byte
		}
		if in.Document != nil {
			doc.name, doc.typ, doc.data = in.Document.Name, in.Document.Type, in.Document.Data
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crisis_broadcasts (id, crisis_id, departement, subject, body, selection,
			document_name, document_type, document, sent_at, sent_by, sent_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			id, crisisID, in.Departement, in.Subject, in.Body, in.Selection.Words(), doc.name, doc.typ, doc.data, tx.Now,
			accountArg(a), actorName(a)); err != nil {
			return fmt.Errorf("insert broadcast: %w", err)
		}
		link := "/crise/diffusions/" + id
		for _, t := range to {
			if _, err := tx.ExecContext(ctx, `INSERT INTO crisis_broadcast_recipients (broadcast_id, structure_id, structure_name) VALUES ($1, $2, $3)`,
				id, t.ID, t.Name); err != nil {
				return err
			}
			if err := tellStructureStaff(ctx, tx, s.BaseURL, t.ID, ackRoles, "crisis.broadcast", "Message de la cellule de crise : "+in.Subject,
				"La cellule de crise vous adresse un message. Lisez-le et accusez réception pour votre structure.", link, true); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "broadcast.send", ResourceType: string(access.ResBroadcast), ResourceID: id,
			Details: map[string]any{"crisis": crisisID, "structures": len(to), "selection": in.Selection.Words()}})
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// selectionField is the field an empty selection is reported on.
func selectionField(sel Selection) string {
	if len(sel.StructureIDs) > 0 {
		return "structure_ids"
	}
	return "selection"
}

// ackRoles are the roles told of a broadcast, who may acknowledge it.
var ackRoles = []access.Role{access.RoleDirector, access.RoleEducator, access.RoleMobileTeam}

// BroadcastItem is a line of the list of broadcasts.
type BroadcastItem struct {
	ID, Subject, Departement string
	SentAt                   time.Time
	Structures, Acknowledged int
	// Pending is how many of the reader's structures still owe an
	// acknowledgement.
	Pending int
}

// Percent is the acknowledgement rate in whole per cent.
func (b BroadcastItem) Percent() int { return AckRate(b.Acknowledged, b.Structures) }

// Broadcasts lists the broadcasts the actor may see, newest first: all
// of them, or those of one crisis.
func (s *Service) Broadcasts(ctx context.Context, crisisID string) ([]BroadcastItem, error) {
	a := access.ActorFrom(ctx)
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResBroadcast}); err != nil {
		return nil, err
	}
	var mine []string
	for _, m := range a.Memberships {
		if m.Role != access.RoleParent && !slices.Contains(mine, m.OrganisationID) {
			mine = append(mine, m.OrganisationID)
		}
	}
	if len(mine) == 0 {
		mine = []string{""}
	}
	var out []BroadcastItem
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		pending := `SUM(CASE WHEN r.acknowledged_at IS NULL AND r.structure_id IN (` + db.List(&args, mine) + `) THEN 1 ELSE 0 END)`
		q := `SELECT b.id, b.subject, b.departement, b.sent_at, count(r.structure_id), count(r.acknowledged_at), ` + pending + `
			FROM crisis_broadcasts b JOIN crisis_broadcast_recipients r ON r.broadcast_id = b.id
			WHERE ` + access.BroadcastScope(a, "b.id", "b.departement", &args)
		if crisisID != "" {
			q += ` AND b.crisis_id = ` + args.Add(crisisID)
		}
		rows, err := tx.QueryContext(ctx, q+` GROUP BY b.id, b.subject, b.departement, b.sent_at ORDER BY b.sent_at DESC, b.id LIMIT 500`, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b BroadcastItem
			if err := rows.Scan(&b.ID, &b.Subject, &b.Departement, &b.SentAt, &b.Structures, &b.Acknowledged, &b.Pending); err != nil {
				return err
			}
			b.SentAt = b.SentAt.UTC()
			out = append(out, b)
		}
		return rows.Err()
	})
	return out, err
}

// Broadcast is a broadcast as its reader may see it.
type Broadcast struct {
	ID, CrisisID, Departement string
	Subject, Body, Selection  string
	DocumentName              string
	SentAt                    time.Time
	SentName                  string
	Structures, Acknowledged  int
	// Cell: the reader is of the crisis cell and sees every structure;
	// otherwise Recipients holds only the reader's structures.
	Cell       bool
	Recipients []BroadcastRecipient
}

// Percent is the acknowledgement rate in whole per cent.
func (b *Broadcast) Percent() int { return AckRate(b.Acknowledged, b.Structures) }

// Waiting lists the structures that have not acknowledged.
func (b *Broadcast) Waiting() []BroadcastRecipient {
	var out []BroadcastRecipient
	for _, r := range b.Recipients {
		if r.AcknowledgedAt == nil {
			out = append(out, r)
		}
	}
	return out
}

// BroadcastRecipient is one structure of a broadcast.
type BroadcastRecipient struct {
	StructureID, StructureName string
	AcknowledgedAt             *time.Time
	AcknowledgedName           string
	Reminders                  int
	CanAcknowledge             bool
}

// Broadcast returns a broadcast the actor may see.
func (s *Service) Broadcast(ctx context.Context, id string) (*Broadcast, error) {
	a := access.ActorFrom(ctx)
	var b *Broadcast
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		b, err = loadBroadcast(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !access.Can(a, access.ActionView, b.resource("")) {
		return nil, apperr.New(apperr.NotFound, "Message introuvable.")
	}
	b.Cell = access.Can(a, access.ActionCreate, access.Resource{Type: access.ResBroadcast, Departement: b.Departement})
	all := b.Recipients
	b.Recipients = nil
	for _, r := range all {
		r.CanAcknowledge = r.AcknowledgedAt == nil && access.Can(a, access.ActionAcknowledge, b.resourceWith(all, r.StructureID))
		if b.Cell || a.MemberOf(r.StructureID) {
			b.Recipients = append(b.Recipients, r)
		}
	}
	b.Recipients = nonNilRecipients(b.Recipients)
	return b, nil
}

func nonNilRecipients(r []BroadcastRecipient) []BroadcastRecipient {
	if r == nil {
		return []BroadcastRecipient{}
	}
	return r
}

func loadBroadcast(ctx context.Context, tx *db.Tx, id string) (*Broadcast, error) {
	if !db.ValidID(id) {
		return nil, apperr.New(apperr.NotFound, "Message introuvable.")
	}
	b := &Broadcast{}
	err := tx.QueryRowContext(ctx, `SELECT id, crisis_id, departement, subject, body, selection, document_name, sent_at, sent_name
		FROM crisis_broadcasts WHERE id = $1`, id).Scan(&b.ID, &b.CrisisID, &b.Departement, &b.Subject, &b.Body, &b.Selection,
		&b.DocumentName, &b.SentAt, &b.SentName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Message introuvable.")
	}
	if err != nil {
		return nil, err
	}
	b.SentAt = b.SentAt.UTC()
	rows, err := tx.QueryContext(ctx, `SELECT r.structure_id, r.structure_name, r.acknowledged_at, r.acknowledged_name,
		(SELECT count(*) FROM crisis_broadcast_reminders x WHERE x.broadcast_id = r.broadcast_id AND x.structure_id = r.structure_id)
		FROM crisis_broadcast_recipients r WHERE r.broadcast_id = $1 ORDER BY r.acknowledged_at IS NOT NULL, r.structure_name, r.structure_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r BroadcastRecipient
		var at sql.NullTime
		if err := rows.Scan(&r.StructureID, &r.StructureName, &at, &r.AcknowledgedName, &r.Reminders); err != nil {
			return nil, err
		}
		if at.Valid {
			t := at.Time.UTC()
			r.AcknowledgedAt = &t
			b.Acknowledged++
		}
		b.Structures++
		b.Recipients = append(b.Recipients, r)
	}
	return b, rows.Err()
}

func (b *Broadcast) resource(provider string) access.Resource {
	return b.resourceWith(b.Recipients, provider)
}

func (b *Broadcast) resourceWith(rs []BroadcastRecipient, provider string) access.Resource {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.StructureID
	}
	return access.Resource{Type: access.ResBroadcast, ID: b.ID, Departement: b.Departement, RecipientIDs: ids, ProviderID: provider}
}

// Acknowledge records that a structure received a broadcast. Without a
// structure, it is the one structure of the actor the broadcast went to.
// Acknowledging twice is no error: already says so.
func (s *Service) Acknowledge(ctx context.Context, id, structureID string) (already bool, err error) {
	a := access.ActorFrom(ctx)
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		b, err := loadBroadcast(ctx, tx, id)
		if err != nil {
			return err
		}
		if !access.Can(a, access.ActionView, b.resource("")) {
			return apperr.New(apperr.NotFound, "Message introuvable.")
		}
		if structureID == "" {
			var mine []string
			for _, r := range b.Recipients {
				if access.Can(a, access.ActionAcknowledge, b.resource(r.StructureID)) {
					mine = append(mine, r.StructureID)
				}
			}
			switch len(mine) {
			case 0:
				return apperr.New(apperr.Forbidden, "Seules les équipes d'une structure destinataire accusent réception.")
			case 1:
				structureID = mine[0]
			default:
				return &apperr.Error{Code: apperr.Invalid, Message: "Choisissez la structure pour laquelle vous accusez réception.",
					Fields: map[string]string{"structure_id": "Vous travaillez dans plusieurs structures destinataires : choisissez-en une."}}
			}
		}
		if err := access.Check(ctx, access.ActionAcknowledge, b.resource(structureID)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE crisis_broadcast_recipients SET acknowledged_at = $1, acknowledged_by = $2, acknowledged_name = $3
			WHERE broadcast_id = $4 AND structure_id = $5 AND acknowledged_at IS NULL`, tx.Now, accountArg(a), actorName(a), id, structureID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			already = true
			return nil
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "broadcast.acknowledge", ResourceType: string(access.ResBroadcast), ResourceID: id,
			OrganisationID: structureID})
	})
	return already, err
}

// BroadcastDocument returns the PDF joined to a broadcast.
func (s *Service) BroadcastDocument(ctx context.Context, id string) (attach.File, error) {
	if _, err := s.Broadcast(ctx, id); err != nil {
		return attach.File{}, err
	}
	var f attach.File
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT document_name, document_type, document FROM crisis_broadcasts WHERE id = $1 AND document IS NOT NULL`, id).
			Scan(&f.Name, &f.Type, &f.Data)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Ce message n'a pas de document joint.")
		}
		return err
	})
	return f, err
}

// KindBroadcastReminders is the job that reminds the structures that
// have not acknowledged a broadcast.
const KindBroadcastReminders = "crisis.broadcast_reminders"

// BroadcastReminders reminds each structure that has not acknowledged a
// broadcast of an active crisis, as RemindersDue says. Each reminder is
// a row of crisis_broadcast_reminders written with its notifications, so
// it is sent once whatever the number of runs and servers. It returns
// how many reminders were sent.
func (s *Service) BroadcastReminders(ctx context.Context) (int, error) {
	type row struct {
		broadcast, structure, subject string
		sent                          time.Time
		reminded                      int
	}
	var due []row
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT r.broadcast_id, r.structure_id, b.subject, b.sent_at,
			(SELECT COALESCE(MAX(x.number), 0) FROM crisis_broadcast_reminders x WHERE x.broadcast_id = r.broadcast_id AND x.structure_id = r.structure_id)
			FROM crisis_broadcast_recipients r JOIN crisis_broadcasts b ON b.id = r.broadcast_id JOIN crises c ON c.id = b.crisis_id
			JOIN organisations o ON o.id = r.structure_id AND o.active = TRUE
			WHERE r.acknowledged_at IS NULL AND c.ended_at IS NULL ORDER BY b.sent_at, r.structure_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var x row
			if err := rows.Scan(&x.broadcast, &x.structure, &x.subject, &x.sent, &x.reminded); err != nil {
				return err
			}
			if RemindersDue(x.sent, tx.Now) > x.reminded {
				due = append(due, x)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, x := range due {
		err := s.DB.Write(ctx, func(tx *db.Tx) error {
			number := RemindersDue(x.sent, tx.Now)
			var waiting int
			// Checked again here: acknowledged, crisis ended or structure
			// closed since the list was read.
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM crisis_broadcast_recipients r
				JOIN crisis_broadcasts b ON b.id = r.broadcast_id JOIN crises c ON c.id = b.crisis_id AND c.ended_at IS NULL
				JOIN organisations o ON o.id = r.structure_id AND o.active = TRUE
				WHERE r.broadcast_id = $1 AND r.structure_id = $2 AND r.acknowledged_at IS NULL`, x.broadcast, x.structure).Scan(&waiting); err != nil || waiting == 0 {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO crisis_broadcast_reminders (broadcast_id, structure_id, number, sent_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, x.broadcast, x.structure, number, tx.Now)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // acknowledged meanwhile, or sent by another server
			}
			n++
			return tellStructureStaff(ctx, tx, s.BaseURL, x.structure, ackRoles, "crisis.broadcast_reminder",
				fmt.Sprintf("Relance %d/%d : accusez réception du message de la cellule de crise", number, MaxReminders),
				"La cellule de crise attend votre accusé de réception pour le message « "+x.subject+" ».", "/crise/diffusions/"+x.broadcast, true)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
