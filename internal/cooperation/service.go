package cooperation

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
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/directory"
	"passerelle/internal/geo"
)

// Party is a party organisation of an agreement.
type Party struct {
	OrganisationID, Name, Role string
	Kind                       access.OrgKind
}

// Contact is a contact person of an agreement.
type Contact struct {
	Name, Function, Phone, Email string
}

// PlacesLine is a reservation of places as an agreement's readers see it.
type PlacesLine struct {
	OfferID, Modality, StructureID, StructureName string
	BeneficiaryID, BeneficiaryName                string
	Places                                        int
	PerMonth                                      bool
	From, To                                      string // as typed: "" means the agreement's dates
}

// ModalityLabel says the offer's modality in French.
func (p PlacesLine) ModalityLabel() string { return directory.ModalityLabel(p.Modality) }

// FileInfo describes a stored file, without its content.
type FileInfo struct {
	ID, Name, Type string
	Size           int64
	At             time.Time
}

// Agreement is an agreement as its reader may see it.
type Agreement struct {
	ID, Departement, Kind, Title, Reference string
	Children, Support                       string
	Terms
	Status            Status
	CurrentEnd        string
	NoticeDeadline    string // the last day to give notice for the current period, "" without tacit renewal
	Renews            bool
	TerminationReason string
	ModelID           string
	CreatedByName     string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Parties           []Party
	Contacts          []Contact
	Places            []PlacesLine
	Document          *FileInfo
	CanEdit, CanRead  bool
	CanDownload       bool
	createdBy         sql.NullString
	modelID           sql.NullString
}

// KindLabel and StatusLabel say the kind and the status in French.
func (a *Agreement) KindLabel() string   { return Label(Kinds, a.Kind) }
func (a *Agreement) StatusLabel() string { return Label(Statuses, string(a.Status)) }

// Resource is the agreement as the policy sees it.
func (a *Agreement) Resource() access.Resource {
	ids := make([]string, len(a.Parties))
	for i, p := range a.Parties {
		ids[i] = p.OrganisationID
	}
	return access.Resource{Type: access.ResAgreement, ID: a.ID, OrganisationIDs: ids, Departement: a.Departement, Status: string(a.Status)}
}

// Input returns the agreement as an input, to edit it.
func (a *Agreement) Input() Input {
	in := Input{Kind: a.Kind, Title: a.Title, Reference: a.Reference, Children: a.Children, Support: a.Support,
		SignedOn: a.SignedOn, StartsOn: a.StartsOn, EndsOn: a.EndsOn, DurationMonths: a.DurationMonths, Tacit: a.Tacit,
		NoticeMonths: a.NoticeMonths, NoticeGivenOn: a.NoticeGivenOn, ModelID: a.ModelID}
	for _, p := range a.Parties {
		in.Parties = append(in.Parties, PartyInput{p.OrganisationID, p.Role})
	}
	for _, c := range a.Contacts {
		in.Contacts = append(in.Contacts, ContactInput(c))
	}
	for _, p := range a.Places {
		in.Places = append(in.Places, PlacesInput{OfferID: p.OfferID, BeneficiaryID: p.BeneficiaryID, Places: p.Places,
			PerMonth: p.PerMonth, From: p.From, To: p.To})
	}
	return in
}

func today(tx *db.Tx) string { return tx.Now.Format(time.DateOnly) }

// actorName is how the actor is named on what they write.
func actorName(a access.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Label()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// territoryFor is the département an agreement is registered in: the
// steering's, else that of the party the actor directs, else the actor's.
func territoryFor(a access.Actor, parties []string) string {
	if dep := steeringTerritory(a); dep != "" {
		return dep
	}
	for _, m := range a.Memberships {
		if m.Role == access.RoleDirector && slices.Contains(parties, m.OrganisationID) && m.Departement != "" {
			return m.Departement
		}
	}
	for _, m := range a.Memberships {
		if m.Departement != "" {
			return m.Departement
		}
	}
	return ""
}

// Create registers an agreement and returns its id.
func (s *Service) Create(ctx context.Context, in Input) (string, error) {
	a := access.ActorFrom(ctx)
	var err error
	if in, err = Normalize(in, db.Now(s.DB.Clock).Format(time.DateOnly)); err != nil {
		return "", err
	}
	ids := partyIDs(in.Parties)
	dep := territoryFor(a, ids)
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResAgreement, OrganisationIDs: ids, Departement: dep}); err != nil {
		return "", apperr.New(apperr.Forbidden, "Un accord est enregistré par le pilotage du territoire ou par la direction d'une des parties.")
	}
	id := db.NewID()
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := s.checkReferences(ctx, tx, in, nil); err != nil {
			return err
		}
		if in.ModelID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM agreement_models WHERE id = $1 AND departement = $2`, in.ModelID, dep).Scan(&n); err != nil || n == 0 {
				in.ModelID = "" // a model removed meanwhile, or of another territory: the agreement stands without it
			}
		}
		var by any
		if a.AccountID != "" {
			by = a.AccountID
		}
		st, end := StatusOn(in.Terms(), today(tx)), CurrentEnd(in.Terms(), today(tx))
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreements (id, departement, kind, title, reference, children, support, signed_on,
			starts_on, ends_on, duration_months, tacit_renewal, notice_months, notice_given_on, status, current_end, model_id, created_by,
			created_by_name, search_text, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)`,
			id, dep, in.Kind, in.Title, in.Reference, in.Children, in.Support, in.SignedOn, in.StartsOn, in.EndsOn, in.DurationMonths,
			in.Tacit, in.NoticeMonths, in.NoticeGivenOn, string(st), end, nullable(in.ModelID), by, actorName(a),
			SearchText(in.Title, in.Reference, in.Children, in.Support), tx.Now); err != nil {
			return fmt.Errorf("insert agreement: %w", err)
		}
		if err := writeParts(ctx, tx, id, in); err != nil {
			return err
		}
		if err := s.reserve(ctx, tx, id, in, st); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "agreement.create", ResourceType: string(access.ResAgreement), ResourceID: id,
			Details: map[string]any{"kind": in.Kind, "status": st, "parties": len(in.Parties), "places": len(in.Places)}})
	})
	return id, err
}

// Update replaces an agreement's terms, parties, contacts and places.
func (s *Service) Update(ctx context.Context, id string, in Input) error {
	var err error
	if in, err = Normalize(in, db.Now(s.DB.Clock).Format(time.DateOnly)); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		old, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !access.Can(access.ActorFrom(ctx), access.ActionView, old.Resource()) {
			return apperr.New(apperr.NotFound, "Accord introuvable.")
		}
		if err := access.Check(ctx, access.ActionUpdate, old.Resource()); err != nil {
			return err
		}
		if old.Status == Terminated {
			return apperr.New(apperr.Conflict, "Cet accord est résilié : il ne peut plus être modifié.")
		}
		// A director may change the parties, but must stay one of them:
		// otherwise the agreement would slip out of their hands unseen.
		a := access.ActorFrom(ctx)
		if !access.Can(a, access.ActionUpdate, access.Resource{Type: access.ResAgreement, OrganisationIDs: partyIDs(in.Parties), Departement: old.Departement}) {
			return &apperr.Error{Code: apperr.Invalid, Message: "L'accord n'est pas enregistré : corrigez les champs signalés.",
				Fields: map[string]string{"parties": "Votre organisation doit rester partie à l'accord."}}
		}
		if err := s.checkReferences(ctx, tx, in, old); err != nil {
			return err
		}
		st, end := StatusOn(in.Terms(), today(tx)), CurrentEnd(in.Terms(), today(tx))
		if _, err := tx.ExecContext(ctx, `UPDATE agreements SET kind = $1, title = $2, reference = $3, children = $4, support = $5,
			signed_on = $6, starts_on = $7, ends_on = $8, duration_months = $9, tacit_renewal = $10, notice_months = $11,
			notice_given_on = $12, status = $13, current_end = $14, search_text = $15, updated_at = $16 WHERE id = $17`,
			in.Kind, in.Title, in.Reference, in.Children, in.Support, in.SignedOn, in.StartsOn, in.EndsOn, in.DurationMonths, in.Tacit,
			in.NoticeMonths, in.NoticeGivenOn, string(st), end, SearchText(in.Title, in.Reference, in.Children, in.Support), tx.Now, id); err != nil {
			return fmt.Errorf("update agreement: %w", err)
		}
		for _, t := range []string{"agreement_parties", "agreement_contacts", "agreement_places"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE agreement_id = $1`, id); err != nil {
				return err
			}
		}
		if err := writeParts(ctx, tx, id, in); err != nil {
			return err
		}
		if err := s.reserve(ctx, tx, id, in, st); err != nil {
			return err
		}
		details := map[string]any{"status": st, "parties": len(in.Parties), "places": len(in.Places)}
		if st != old.Status {
			details["from_status"] = old.Status
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "agreement.update", ResourceType: string(access.ResAgreement), ResourceID: id, Details: details})
	})
}

// Terminate records the early end of an agreement: from its day, it is
// terminated and its places are released.
func (s *Service) Terminate(ctx context.Context, id string, t Termination) error {
	t, err := NormalizeTermination(t)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		ag, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !access.Can(access.ActorFrom(ctx), access.ActionView, ag.Resource()) {
			return apperr.New(apperr.NotFound, "Accord introuvable.")
		}
		if err := access.Check(ctx, access.ActionUpdate, ag.Resource()); err != nil {
			return err
		}
		if ag.Status == Draft || ag.Status == Terminated || ag.Status == Expired {
			return apperr.New(apperr.Conflict, "Seul un accord signé ou en vigueur peut être résilié.")
		}
		if t.On < ag.SignedOn {
			return &apperr.Error{Code: apperr.Invalid, Message: "La résiliation n'est pas enregistrée : corrigez les champs signalés.",
				Fields: map[string]string{"terminated_on": "La résiliation ne peut pas précéder la signature."}}
		}
		terms := ag.Terms
		terms.TerminatedOn = t.On
		st := StatusOn(terms, today(tx))
		if _, err := tx.ExecContext(ctx, `UPDATE agreements SET terminated_on = $1, termination_reason = $2, status = $3, updated_at = $4
			WHERE id = $5`, t.On, t.Reason, string(st), tx.Now, id); err != nil {
			return err
		}
		if err := s.reserve(ctx, tx, id, ag.Input(), st); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "agreement.terminate", ResourceType: string(access.ResAgreement), ResourceID: id,
			Reason: t.Reason, Details: map[string]any{"on": t.On, "from_status": ag.Status, "status": st}})
	})
}

func partyIDs(ps []PartyInput) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.OrganisationID
	}
	return out
}

// SearchText is what the text filter looks in, folded.
func SearchText(parts ...string) string { return geo.Fold(strings.Join(parts, " ")) }

// checkReferences checks, in the database, that the parties are active
// organisations that may sign (not the platform), that each offer is one
// of a party structure, and that whoever changes a reservation may keep
// that structure's places (a right of the structure's own département).
// old is the agreement before an edit (nil on creation): places left as
// they were, over no more days, need no right.
func (s *Service) checkReferences(ctx context.Context, tx *db.Tx, in Input, old *Agreement) error {
	var v apperr.Validation
	type orgRow struct {
		kind, departement string
		operator          sql.NullString
	}
	orgs := map[string]orgRow{}
	for i, p := range in.Parties {
		var o orgRow
		err := tx.QueryRowContext(ctx, `SELECT kind, departement, operator_id FROM organisations WHERE id = $1 AND active = TRUE`,
			p.OrganisationID).Scan(&o.kind, &o.departement, &o.operator)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && o.kind == string(access.OrgPlatform)) || !db.ValidID(p.OrganisationID) {
			v.Add(fmt.Sprintf("parties/%d/organisation_id", row(in.partyRows, i)), "Organisation inconnue.")
			continue
		}
		if err != nil {
			return err
		}
		orgs[p.OrganisationID] = o
	}
	a := access.ActorFrom(ctx)
	day := today(tx)
	var oldPlaces []PlacesLine
	var oldTerms Terms
	terms := in.Terms()
	if old != nil {
		oldPlaces, oldTerms = old.Places, old.Terms
		terms.TerminatedOn = old.TerminatedOn // an edit keeps the termination to come
	}
	refused := map[string]bool{} // structures already said
	for i, p := range in.Places {
		f := fmt.Sprintf("places/%d/", row(in.placeRows, i))
		var structure string
		err := tx.QueryRowContext(ctx, `SELECT structure_id FROM offers WHERE id = $1 AND active = TRUE`, p.OfferID).Scan(&structure)
		if errors.Is(err, sql.ErrNoRows) || !db.ValidID(p.OfferID) {
			v.Add(f+"offer_id", "Offre inconnue.")
			continue
		}
		if err != nil {
			return err
		}
		o, party := orgs[structure]
		if !party {
			v.Add(f+"offer_id", "Cette offre n'est pas celle d'une structure partie à l'accord.")
			continue
		}
		if p.BeneficiaryID == structure {
			v.Add(f+"beneficiary_id", "Les places sont réservées pour une autre partie que la structure qui les offre.")
		}
		// Unchanged: the same line, and the agreement's new dates keep its
		// places no longer than before (a party may give notice, not
		// extend another structure's places).
		w := ReservedWindow(p.From, p.To, terms, day)
		unchanged := slices.ContainsFunc(oldPlaces, func(x PlacesLine) bool {
			return x.OfferID == p.OfferID && x.BeneficiaryID == p.BeneficiaryID && x.Places == p.Places && x.PerMonth == p.PerMonth &&
				x.From == p.From && x.To == p.To && !w.Widens(ReservedWindow(x.From, x.To, oldTerms, day))
		})
		res := access.Resource{Type: access.ResAgreement, OrganisationIDs: []string{structure, o.operator.String}, Departement: o.departement}
		if !unchanged && !access.Can(a, access.ActionReserve, res) {
			v.Add(f+"offer_id", "Seuls la direction de cette structure (ou de son organisme gestionnaire) et le pilotage de son territoire réservent ses places.")
			refused[structure] = true
		}
	}
	// Places removed are given back to the structure: the same right.
	for _, x := range oldPlaces {
		kept := slices.ContainsFunc(in.Places, func(p PlacesInput) bool {
			return x.OfferID == p.OfferID && x.BeneficiaryID == p.BeneficiaryID && x.Places == p.Places && x.PerMonth == p.PerMonth && x.From == p.From && x.To == p.To
		})
		if kept || refused[x.StructureID] {
			continue
		}
		var operator sql.NullString
		var dep string
		if err := tx.QueryRowContext(ctx, `SELECT operator_id, departement FROM organisations WHERE id = $1`, x.StructureID).Scan(&operator, &dep); err != nil {
			return err
		}
		if !access.Can(a, access.ActionReserve, access.Resource{Type: access.ResAgreement, OrganisationIDs: []string{x.StructureID, operator.String}, Departement: dep}) {
			v.Add("places", fmt.Sprintf("Seuls la direction de %s et le pilotage de son territoire changent les places qu'elle réserve.", x.StructureName))
		}
	}
	return v.ErrSaying("L'accord n'est pas enregistré : corrigez les champs signalés.")
}

func writeParts(ctx context.Context, tx *db.Tx, id string, in Input) error {
	for i, p := range in.Parties {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_parties (agreement_id, organisation_id, role, position) VALUES ($1, $2, $3, $4)`,
			id, p.OrganisationID, p.Role, i); err != nil {
			return fmt.Errorf("insert party: %w", err)
		}
	}
	for i, c := range in.Contacts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_contacts (id, agreement_id, name, function, phone, email, position)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), id, c.Name, c.Function, c.Phone, c.Email, i); err != nil {
			return fmt.Errorf("insert contact: %w", err)
		}
	}
	for i, p := range in.Places {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_places (id, agreement_id, offer_id, structure_id, beneficiary_id, places,
			per_month, starts_on, ends_on, position) SELECT $1, $2, o.id, o.structure_id, $3, $4, $5, $6, $7, $8 FROM offers o WHERE o.id = $9`,
			db.NewID(), id, p.BeneficiaryID, p.Places, p.PerMonth, p.From, p.To, i, p.OfferID); err != nil {
			return fmt.Errorf("insert places: %w", err)
		}
	}
	return nil
}

// reserve keeps the board in step with the agreement: its places while it
// is signed or in force, none otherwise.
func (s *Service) reserve(ctx context.Context, tx *db.Tx, id string, in Input, st Status) error {
	if s.Places == nil {
		return nil
	}
	var rs []Reservation
	if st.Reserving() {
		end := CurrentEnd(in.Terms(), today(tx))
		// A termination to come ends the places the day before it.
		var terminatedOn string
		if err := tx.QueryRowContext(ctx, `SELECT terminated_on FROM agreements WHERE id = $1`, id).Scan(&terminatedOn); err != nil {
			return err
		}
		var last time.Time
		if t, err := time.Parse(time.DateOnly, terminatedOn); err == nil {
			last = t.AddDate(0, 0, -1)
		}
		for _, p := range in.Places {
			from, to := p.From, p.To
			if from == "" {
				from = in.StartsOn
			}
			if to == "" {
				to = end
			}
			f, err1 := time.Parse(time.DateOnly, from)
			t, err2 := time.Parse(time.DateOnly, to)
			if err1 != nil || err2 != nil {
				continue
			}
			if !last.IsZero() && t.After(last) {
				t = last
			}
			if t.Before(f) {
				continue
			}
			var structure string
			if err := tx.QueryRowContext(ctx, `SELECT structure_id FROM offers WHERE id = $1`, p.OfferID).Scan(&structure); err != nil {
				return err
			}
			rs = append(rs, Reservation{OfferID: p.OfferID, StructureID: structure, BeneficiaryID: p.BeneficiaryID, Places: p.Places,
				PerMonth: p.PerMonth, From: f, To: t})
		}
	}
	return s.Places.Reserve(ctx, tx, id, rs)
}

// Get returns an agreement if the actor may read it (not found otherwise).
func (s *Service) Get(ctx context.Context, id string) (*Agreement, error) {
	var ag *Agreement
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if ag, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !access.Can(a, access.ActionView, ag.Resource()) {
			return apperr.New(apperr.NotFound, "Accord introuvable.")
		}
		ag.CanRead = true
		ag.CanEdit = ag.Status != Terminated && access.Can(a, access.ActionUpdate, ag.Resource())
		ag.CanDownload = access.Can(a, access.ActionDownload, ag.Resource())
		return nil
	})
	return ag, err
}

// load reads an agreement with its parts, without any access check.
func (s *Service) load(ctx context.Context, tx *db.Tx, id string) (*Agreement, error) {
	if !db.ValidID(id) {
		return nil, apperr.New(apperr.NotFound, "Accord introuvable.")
	}
	ag := &Agreement{ID: id}
	var status string
	err := tx.QueryRowContext(ctx, `SELECT departement, kind, title, reference, children, support, signed_on, starts_on, ends_on,
		duration_months, tacit_renewal, notice_months, notice_given_on, terminated_on, termination_reason, status, current_end, model_id,
		created_by, created_by_name, created_at, updated_at FROM agreements WHERE id = $1`, id).Scan(&ag.Departement, &ag.Kind, &ag.Title,
		&ag.Reference, &ag.Children, &ag.Support, &ag.SignedOn, &ag.StartsOn, &ag.EndsOn, &ag.DurationMonths, &ag.Tacit, &ag.NoticeMonths,
		&ag.NoticeGivenOn, &ag.TerminatedOn, &ag.TerminationReason, &status, &ag.CurrentEnd, &ag.modelID, &ag.createdBy, &ag.CreatedByName,
		&ag.CreatedAt, &ag.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Accord introuvable.")
	}
	if err != nil {
		return nil, err
	}
	ag.ModelID = ag.modelID.String
	// The status is the rule's on the day, even before the job has run.
	t := today(tx)
	ag.Status, ag.CurrentEnd = StatusOn(ag.Terms, t), CurrentEnd(ag.Terms, t)
	ag.Renews = Renews(ag.Terms, t)
	if ag.Tacit && ag.CurrentEnd != "" {
		ag.NoticeDeadline = NoticeDeadline(ag.CurrentEnd, ag.NoticeMonths)
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.organisation_id, o.name, o.kind, p.role FROM agreement_parties p
		JOIN organisations o ON o.id = p.organisation_id WHERE p.agreement_id = $1 ORDER BY p.position`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p Party
		if err := rows.Scan(&p.OrganisationID, &p.Name, &p.Kind, &p.Role); err != nil {
			rows.Close()
			return nil, err
		}
		ag.Parties = append(ag.Parties, p)
	}
	rows.Close()
	if rows, err = tx.QueryContext(ctx, `SELECT name, function, phone, email FROM agreement_contacts WHERE agreement_id = $1 ORDER BY position`, id); err != nil {
		return nil, err
	}
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.Name, &c.Function, &c.Phone, &c.Email); err != nil {
			rows.Close()
			return nil, err
		}
		ag.Contacts = append(ag.Contacts, c)
	}
	rows.Close()
	if rows, err = tx.QueryContext(ctx, `SELECT p.offer_id, o.modality, p.structure_id, s.name, p.beneficiary_id, b.name, p.places,
		p.per_month, p.starts_on, p.ends_on FROM agreement_places p JOIN offers o ON o.id = p.offer_id
		JOIN organisations s ON s.id = p.structure_id JOIN organisations b ON b.id = p.beneficiary_id
		WHERE p.agreement_id = $1 ORDER BY p.position`, id); err != nil {
		return nil, err
	}
	for rows.Next() {
		var p PlacesLine
		if err := rows.Scan(&p.OfferID, &p.Modality, &p.StructureID, &p.StructureName, &p.BeneficiaryID, &p.BeneficiaryName, &p.Places,
			&p.PerMonth, &p.From, &p.To); err != nil {
			rows.Close()
			return nil, err
		}
		ag.Places = append(ag.Places, p)
	}
	rows.Close()
	files, err := listFiles(ctx, tx, ownerAgreement, id)
	if err != nil {
		return nil, err
	}
	if len(files) > 0 {
		ag.Document = &files[0]
	}
	return ag, rows.Err()
}
