package request

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// ChildFacts is what a request carries of a child, read from the record
// by a sender who may ask on the child's behalf.
type ChildFacts struct {
	Name, Sex, Departement string
	Age                    int
	DoubleVulnerability    bool
	Basis                  string // decision, consent
}

// Children reads a child's facts for a request (the record's service).
type Children interface {
	ForRequest(ctx context.Context, childID string) (ChildFacts, error)
}

// Places is what requests need of the capacity board, inside their
// transactions: an accepted stay takes a place the structure declared,
// the sender's confirmation books it, an ending gives it back.
type Places interface {
	// Take holds a place; "" when the structure declares none for the stay.
	Take(ctx context.Context, tx *db.Tx, structureID, kind, from, to, holderOrg, holderAccount, holderName, ref string) (string, error)
	Book(ctx context.Context, tx *db.Tx, holdID, from, to string) error
	Release(ctx context.Context, tx *db.Tx, holdID, by, reason string) error
}

// Record is what a confirmed request does on the child's record: the
// structure chosen is invited into the circle, a respite stay goes on the
// planning.
type Record interface {
	InviteForRequest(ctx context.Context, childID, orgID, note string) (bool, error)
	PlaceRespite(ctx context.Context, childID, holdID string) (string, error)
}

// Service runs the requests' use cases; the actor comes from the context.
// Places and Record may be nil (then no place is taken, nothing written in
// the record).
type Service struct {
	DB *db.DB
	// BaseURL makes the links of the e-mails absolute.
	BaseURL  *url.URL
	Children Children
	Places   Places
	Record   Record

	// audits commits the audit lines of concurrent reads together.
	audits audit.Group
}

// Recipient is one structure a request went to, with its answer.
type Recipient struct {
	StructureID, StructureName string
	Status                     Status
	Deadline                   *time.Time
	Step                       Step
	SeenAt, FirstAnswerAt      *time.Time
	DecidedAt                  *time.Time
	Reason, Answer             string
}

// Late reports whether the recipient owes an answer past its deadline.
func (r Recipient) Late(now time.Time) bool {
	return r.Status.Awaiting() && r.Deadline != nil && now.After(*r.Deadline)
}

// Line is one step of a request's history.
type Line struct {
	At            time.Time
	StructureName string
	Event         string
	ActorName     string
	Text          string
}

// Request is a request as its reader may see it.
type Request struct {
	ID                         string
	Kind                       Kind
	SenderOrgID, SenderOrgName string
	SenderName, Departement    string
	ChildID                    string
	ChildName                  string // only for the sender's side and structures that accepted
	ChildAge                   int
	ChildSex                   string
	Basis                      string
	From, To                   string
	Weekdays                   int
	Need, Tried                string
	Criteria                   Criteria
	Priority                   Priority
	Draft                      bool
	CreatedAt                  time.Time
	SentAt, EndedAt            *time.Time
	Recipients                 []Recipient
	History                    []Line
	// Attachments: only for the readers who may read the child's name.
	Attachments          []AttachmentInfo
	Sender               bool       // the reader is on the sender's side
	Mine                 *Recipient // the reader's structure among the recipients
	CanAnswer, CanDecide bool
	Outcome              string // where the request stands, in words
	statusCol            string
	senderAccount        sql.NullString
}

// Resource is the request as the policy sees it.
func (r *Request) Resource() access.Resource {
	ids := make([]string, 0, len(r.Recipients))
	for _, x := range r.Recipients {
		ids = append(ids, x.StructureID)
	}
	return access.Resource{Type: access.ResRequest, ID: r.ID, OrganisationIDs: []string{r.SenderOrgID},
		AccountID: r.senderAccount.String, RecipientIDs: ids, Departement: r.Departement}
}

// outcome says where a request stands as a whole.
func outcome(r *Request) string {
	if r.Draft {
		return "Brouillon"
	}
	open, accepted := 0, 0
	for _, x := range r.Recipients {
		switch {
		case x.Status == Confirmed:
			return "Confirmée avec " + x.StructureName
		case x.Status == Withdrawn:
			return "Retirée"
		case x.Status == Accepted:
			accepted++
		}
		if x.Status.Open() {
			open++
		}
	}
	switch {
	case accepted > 0:
		return fmt.Sprintf("%d acceptation(s) : à confirmer", accepted)
	case open > 0:
		return "En attente de réponse"
	}
	return "Sans réponse favorable"
}

// senderOrganisation is the organisation a request is sent for: the
// actor's ASE service, else the structure they direct, else the
// placement service of a foster carer.
func senderOrganisation(a access.Actor) (string, error) {
	for _, role := range []access.Role{access.RoleASEReferent, access.RoleDirector, access.RoleFosterCarer} {
		if orgs := a.OrgsWhere(role); len(orgs) > 0 {
			return orgs[0], nil
		}
	}
	return "", apperr.New(apperr.Forbidden, "Les demandes sont faites par les référents ASE, les directions et les assistants familiaux.")
}

// actorName is how a person appears in a request's history.
func actorName(a access.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Label()
}

// Create records a request, as a draft or sent at once, and returns its id.
func (s *Service) Create(ctx context.Context, in Input, send bool) (string, error) {
	a := access.ActorFrom(ctx)
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResRequest}); err != nil {
		return "", err
	}
	org, err := senderOrganisation(a)
	if err != nil {
		return "", err
	}
	in, err = Normalize(in, db.Now(s.DB.Clock).Format(time.DateOnly), send)
	if err != nil {
		return "", err
	}
	var child ChildFacts
	if in.ChildID != "" {
		if child, err = s.Children.ForRequest(ctx, in.ChildID); err != nil {
			return "", err
		}
	}
	id := db.NewID()
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		var orgName, dep string
		if err := tx.QueryRowContext(ctx, `SELECT name, departement FROM organisations WHERE id = $1`, org).Scan(&orgName, &dep); err != nil {
			return err
		}
		crit := in.Criteria
		crit.DoubleVulnerability = child.DoubleVulnerability
		crit.YoungAge = in.ChildID != "" && child.Age < 6
		prio := PriorityOf(crit)
		var days int
		for _, d := range in.Weekdays {
			days |= 1 << (d - 1)
		}
		var account any
		if a.AccountID != "" {
			account = a.AccountID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO requests (id, kind, sender_org_id, sender_org_name, sender_account_id, sender_name,
			departement, child_id, child_name, child_age, child_sex, basis, starts_on, ends_on, weekdays, need, tried, loss_of_chance,
			double_vulnerability, young_age, crisis, emergency, priority, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 'draft', $24)`,
			id, string(in.Kind), org, orgName, account, actorName(a), dep, nullable(in.ChildID), child.Name, child.Age, child.Sex,
			child.Basis, in.From, in.To, days, in.Need, in.Tried, crit.LossOfChance, crit.DoubleVulnerability, crit.YoungAge,
			crit.Crisis, crit.Emergency, prio.Score(), tx.Now); err != nil {
			return fmt.Errorf("insert request: %w", err)
		}
		if err := s.setRecipients(ctx, tx, id, in.Recipients); err != nil {
			return err
		}
		for _, f := range in.Attachments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO request_attachments (id, request_id, name, content_type, size, data, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), id, f.Name, f.Type, len(f.Data), f.Data, tx.Now); err != nil {
				return fmt.Errorf("insert attachment: %w", err)
			}
		}
		if err := history(ctx, tx, id, "", "created", ""); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "request.create", ResourceType: string(access.ResRequest), ResourceID: id,
			Details: map[string]any{"kind": in.Kind, "child": in.ChildID, "recipients": len(in.Recipients)}}); err != nil {
			return err
		}
		if send {
			return s.send(ctx, tx, id)
		}
		return nil
	})
	return id, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// setRecipients records the recipient structures of a draft: active
// structures of the directory, the sender's own aside.
func (s *Service) setRecipients(ctx context.Context, tx *db.Tx, id string, structures []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM request_recipients WHERE request_id = $1`, id); err != nil {
		return err
	}
	var v apperr.Validation
	for _, st := range structures {
		var name string
		err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1 AND kind = 'structure' AND active = TRUE`, st).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) || !db.ValidID(st) {
			v.Add("recipients", "Une des structures choisies n'est pas dans l'annuaire.")
			continue
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO request_recipients (request_id, structure_id, structure_name, status)
			VALUES ($1, $2, $3, 'draft')`, id, st, name); err != nil {
			return err
		}
	}
	return v.ErrSaying("La demande n'a pas été enregistrée : corrigez les champs signalés.")
}

// history appends a step to the request's history.
func history(ctx context.Context, tx *db.Tx, id, structure, event, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO request_events (id, request_id, structure_id, at, event, actor_name, text)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), id, structure, tx.Now, event, actorName(access.ActorFrom(ctx)), text)
	return err
}

// Send sends a draft to its recipients.
func (s *Service) Send(ctx context.Context, id string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		r, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionConfirm, r.Resource()); err != nil {
			return err
		}
		return s.send(ctx, tx, id)
	})
}

// send moves a draft to sent: each recipient gets its deadline and is told.
func (s *Service) send(ctx context.Context, tx *db.Tx, id string) error {
	r, err := load(ctx, tx, id)
	if err != nil {
		return err
	}
	if !r.Draft {
		return apperr.New(apperr.Conflict, "Cette demande est déjà envoyée.")
	}
	if len(r.Recipients) == 0 {
		var v apperr.Validation
		v.Add("recipients", "Choisissez au moins une structure.")
		return v.ErrSaying("La demande n'a pas été envoyée.")
	}
	t, err := TimingFor(ctx, tx, r.Departement, r.Kind)
	if err != nil {
		return err
	}
	deadline := tx.Now.Add(t.Deadline)
	if _, err := tx.ExecContext(ctx, `UPDATE request_recipients SET status = 'sent', deadline_at = $1 WHERE request_id = $2`, deadline, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'open', sent_at = $1 WHERE id = $2`, tx.Now, id); err != nil {
		return err
	}
	for _, x := range r.Recipients {
		if err := tellStructure(ctx, tx, s.BaseURL, x.StructureID, "request.received", "Nouvelle demande : "+lower(kindLabel(r.Kind)),
			fmt.Sprintf("%s vous adresse une demande (%s), réponse attendue avant le %s.", r.SenderOrgName, r.Priority.Words(),
				deadline.In(paris).Format("02/01 à 15:04")), "/demandes/"+id, false); err != nil {
			return err
		}
	}
	if err := history(ctx, tx, id, "", "sent", ""); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "request.send", ResourceType: string(access.ResRequest), ResourceID: id,
		Details: map[string]any{"recipients": len(r.Recipients)}})
}

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return l
}()

func kindLabel(k Kind) string {
	i, _ := KindOf(k)
	return i.Label
}

func lower(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// requestCols are the columns load reads.
const requestCols = `r.id, r.kind, r.sender_org_id, r.sender_org_name, r.sender_account_id, r.sender_name, r.departement,
	COALESCE(r.child_id, ''), r.child_name, r.child_age, r.child_sex, r.basis, r.starts_on, r.ends_on, r.weekdays, r.need, r.tried,
	r.loss_of_chance, r.double_vulnerability, r.young_age, r.crisis, r.emergency, r.status, r.created_at, r.sent_at, r.ended_at`

func scanRequest(row interface{ Scan(...any) error }) (*Request, error) {
	r := &Request{}
	var sent, ended sql.NullTime
	var kind string
	err := row.Scan(&r.ID, &kind, &r.SenderOrgID, &r.SenderOrgName, &r.senderAccount, &r.SenderName, &r.Departement,
		&r.ChildID, &r.ChildName, &r.ChildAge, &r.ChildSex, &r.Basis, &r.From, &r.To, &r.Weekdays, &r.Need, &r.Tried,
		&r.Criteria.LossOfChance, &r.Criteria.DoubleVulnerability, &r.Criteria.YoungAge, &r.Criteria.Crisis, &r.Criteria.Emergency,
		&r.statusCol, &r.CreatedAt, &sent, &ended)
	if err != nil {
		return nil, err
	}
	r.Kind = Kind(kind)
	r.Draft = r.statusCol == "draft"
	r.SentAt, r.EndedAt = utcOrNil(sent), utcOrNil(ended)
	r.CreatedAt = r.CreatedAt.UTC()
	r.Priority = PriorityOf(r.Criteria)
	return r, nil
}

func utcOrNil(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// AttachmentInfo describes an attachment without its content.
type AttachmentInfo struct {
	ID, Name, Type string
	Size           int64
}

// errNoRequest is what anyone who may not see a request gets, whether it
// exists or not.
func errNoRequest() error {
	return apperr.New(apperr.NotFound, "Cette demande n'existe pas, ou elle ne vous concerne pas.")
}

// load reads request id with its recipients (no policy check).
func load(ctx context.Context, tx *db.Tx, id string) (*Request, error) {
	if !db.ValidID(id) {
		return nil, errNoRequest()
	}
	r, err := scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestCols+` FROM requests r WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoRequest()
	}
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	by, err := loadRecipients(ctx, tx, []string{id})
	r.Recipients = by[id]
	return r, err
}

// loadRecipients reads the recipients of requests ids, by request, in one
// query.
func loadRecipients(ctx context.Context, tx *db.Tx, ids []string) (map[string][]Recipient, error) {
	out := map[string][]Recipient{}
	if len(ids) == 0 {
		return out, nil
	}
	var args db.Args
	rows, err := tx.QueryContext(ctx, `SELECT request_id, structure_id, structure_name, status, deadline_at, step, seen_at,
		first_answer_at, decided_at, reason, answer FROM request_recipients WHERE request_id IN (`+db.List(&args, ids)+`)
		ORDER BY structure_name`, args.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, status string
		var x Recipient
		var deadline, seen, first, decided sql.NullTime
		if err := rows.Scan(&id, &x.StructureID, &x.StructureName, &status, &deadline, &x.Step, &seen, &first, &decided,
			&x.Reason, &x.Answer); err != nil {
			return nil, err
		}
		x.Status = Status(status)
		x.Deadline, x.SeenAt, x.FirstAnswerAt, x.DecidedAt = utcOrNil(deadline), utcOrNil(seen), utcOrNil(first), utcOrNil(decided)
		out[id] = append(out[id], x)
	}
	return out, rows.Err()
}

// visible reports whether the actor may see request r: the view rule, and
// a draft only for the sender's side.
func visible(ctx context.Context, r *Request) bool {
	a := access.ActorFrom(ctx)
	if !access.Can(a, access.ActionView, r.Resource()) {
		return false
	}
	return !r.Draft || a.System || senderSide(a, r)
}

// senderSide reports whether the actor works for the sender's
// organisation on children: its parents' and steering memberships aside
// (the steering reads requests, never the children's names).
func senderSide(a access.Actor, r *Request) bool {
	return slices.ContainsFunc(a.Memberships, func(m access.Membership) bool {
		return m.OrganisationID == r.SenderOrgID && m.Role != access.RoleParent && m.Role != access.RoleSteering
	})
}

// forReader fills what the reader's side decides: the child's name only
// for the sender's side and the structures that accepted, the reader's
// own row, what they may do.
func forReader(ctx context.Context, r *Request) {
	a := access.ActorFrom(ctx)
	res := r.Resource()
	r.Sender = a.System || senderSide(a, r)
	r.CanDecide = access.Can(a, access.ActionConfirm, res)
	named := r.Sender
	for i := range r.Recipients {
		x := &r.Recipients[i]
		if a.MemberOf(x.StructureID) && r.Mine == nil {
			r.Mine = x
			res.ProviderID = x.StructureID
			r.CanAnswer = access.Can(a, access.ActionAnswer, res)
			named = named || x.Status == Accepted || x.Status == Confirmed
		}
	}
	if !named {
		r.ChildName = ""
	}
	r.Outcome = outcome(r)
}

// Get returns request id as the actor may see it, with its history; the
// reading is audited when the request is about a child. A recipient who
// opens a request sent to it marks it seen.
func (s *Service) Get(ctx context.Context, id string) (*Request, error) {
	var r *Request
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if r, err = load(ctx, tx, id); err != nil {
			return err
		}
		if !visible(ctx, r) {
			return errNoRequest()
		}
		forReader(ctx, r)
		if r.History, err = readHistory(ctx, tx, r); err != nil {
			return err
		}
		if r.Sender || r.ChildName != "" || r.ChildID == "" && r.Mine != nil {
			r.Attachments, err = attachments(ctx, tx, id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	// Only a recipient opening a request sent to it writes: it is seen.
	if r.Mine != nil && r.CanAnswer && r.Mine.Status == Sent {
		if err := s.DB.Write(ctx, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE request_recipients SET status = 'seen', seen_at = $1
				WHERE request_id = $2 AND structure_id = $3 AND status = 'sent'`, tx.Now, id, r.Mine.StructureID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			r.Mine.Status, r.Mine.SeenAt = Seen, &tx.Now
			return history(ctx, tx, id, r.Mine.StructureID, string(EvOpen), "")
		}); err != nil {
			return nil, err
		}
	}
	if !r.Sender && r.Mine != nil {
		mine := *r.Mine
		r.Recipients = []Recipient{mine}
		r.Mine = &r.Recipients[0]
	}
	// The reading of a request about a child is audited; concurrent
	// readings commit their lines together.
	if r.ChildID != "" {
		if err := s.audits.Record(ctx, s.DB, audit.Entry{Action: "request.read", ResourceType: string(access.ResRequest), ResourceID: id,
			Details: map[string]any{"child": r.ChildID}}); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// readHistory reads the steps of request r; a recipient reads its own
// exchanges and the request's own steps, not what the others answered.
func readHistory(ctx context.Context, tx *db.Tx, r *Request) ([]Line, error) {
	rows, err := tx.QueryContext(ctx, `SELECT e.at, COALESCE(rr.structure_name, ''), e.event, e.actor_name, e.text
		FROM request_events e LEFT JOIN request_recipients rr ON rr.request_id = e.request_id AND rr.structure_id = e.structure_id
		WHERE e.request_id = $1 ORDER BY e.at, e.id`, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.At, &l.StructureName, &l.Event, &l.ActorName, &l.Text); err != nil {
			return nil, err
		}
		l.At = l.At.UTC()
		if !r.Sender && r.Mine != nil && l.StructureName != "" && l.StructureName != r.Mine.StructureName {
			continue
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// attachments lists the files attached to request id.
func attachments(ctx context.Context, tx *db.Tx, id string) ([]AttachmentInfo, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, content_type, size FROM request_attachments WHERE request_id = $1
		ORDER BY created_at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AttachmentInfo
	for rows.Next() {
		var a AttachmentInfo
		if err := rows.Scan(&a.ID, &a.Name, &a.Type, &a.Size); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Attachment returns one file of request id to a reader who may read
// the child's name (the sender's side, a recipient that accepted); the
// reading is audited.
func (s *Service) Attachment(ctx context.Context, id, attachmentID string) (attach.File, error) {
	var f attach.File
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		r, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !visible(ctx, r) {
			return errNoRequest()
		}
		forReader(ctx, r)
		if !r.Sender && r.ChildName == "" && (r.ChildID != "" || r.Mine == nil) {
			return apperr.New(apperr.Forbidden, "Les pièces jointes se lisent une fois la demande acceptée.")
		}
		if !db.ValidID(attachmentID) {
			return apperr.New(apperr.NotFound, "Cette pièce jointe n'existe pas.")
		}
		err = tx.QueryRowContext(ctx, `SELECT name, content_type, data FROM request_attachments WHERE id = $1 AND request_id = $2`,
			attachmentID, id).Scan(&f.Name, &f.Type, &f.Data)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Cette pièce jointe n'existe pas.")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "request.attachment", ResourceType: string(access.ResRequest), ResourceID: id,
			Details: map[string]any{"attachment": attachmentID, "child": r.ChildID}})
	})
	return f, err
}
