package cooperation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// Filter narrows the territory list of agreements.
type Filter struct {
	Departement string
	Kind        string
	Status      string
	PartyID     string // an organisation party to the agreement
	// EndingWithin: agreements whose current period ends within so many
	// days (0: no filter).
	EndingWithin int
	Text         string
	Limit        int
}

// Item is a line of the list of agreements.
type Item struct {
	ID, Kind, Title, Departement string
	Status                       Status
	StartsOn, CurrentEnd         string
	Parties                      []string // names
	Places                       int      // reservations
}

func (i Item) KindLabel() string   { return Label(Kinds, i.Kind) }
func (i Item) StatusLabel() string { return Label(Statuses, string(i.Status)) }

// CheckFilter returns the filter's mistakes, named as the query parameters.
func CheckFilter(f Filter) error {
	var v apperr.Validation
	v.Check(f.Kind == "" || known(Kinds, f.Kind), "kind", "Type d'accord inconnu.")
	v.Check(f.Status == "" || known(Statuses, f.Status), "status", "Statut inconnu.")
	v.Check(f.EndingWithin >= 0 && f.EndingWithin <= 3650, "ending_within", "Un nombre de jours de 0 à 3 650.")
	v.Check(f.PartyID == "" || db.ValidID(f.PartyID), "party", "Organisation inconnue.")
	return v.ErrSaying("La recherche est à corriger.")
}

// List returns the agreements the actor may read, matching f, the ones
// ending first first.
func (s *Service) List(ctx context.Context, f Filter) ([]Item, error) {
	if err := CheckFilter(f); err != nil {
		return nil, err
	}
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResAgreement}); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	var out []Item
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		where := []string{access.AgreementScope(access.ActorFrom(ctx), "a.departement", "a.status", "a.id", &args)}
		if f.Departement != "" {
			where = append(where, "a.departement = "+args.Add(f.Departement))
		}
		if f.Kind != "" {
			where = append(where, "a.kind = "+args.Add(f.Kind))
		}
		if f.Status != "" {
			where = append(where, "a.status = "+args.Add(f.Status))
		}
		if f.PartyID != "" {
			where = append(where, "EXISTS (SELECT 1 FROM agreement_parties fp WHERE fp.agreement_id = a.id AND fp.organisation_id = "+args.Add(f.PartyID)+")")
		}
		if f.EndingWithin > 0 {
			t := today(tx)
			limit := tx.Now.AddDate(0, 0, f.EndingWithin).Format(time.DateOnly)
			where = append(where, fmt.Sprintf("a.status IN ('signed', 'in_force') AND a.current_end <> '' AND a.current_end >= %s AND a.current_end <= %s",
				args.Add(t), args.Add(limit)))
		}
		for _, w := range strings.Fields(geo.Fold(f.Text)) {
			where = append(where, `a.search_text LIKE `+args.Add(db.Like(w))+` ESCAPE '\'`)
		}
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.kind, a.title, a.departement, a.status, a.starts_on, a.current_end,
			(SELECT count(*) FROM agreement_places p WHERE p.agreement_id = a.id)
			FROM agreements a WHERE `+strings.Join(where, " AND ")+`
			ORDER BY CASE WHEN a.current_end = '' THEN 1 ELSE 0 END, a.current_end, a.title LIMIT `+args.Add(f.Limit), args.Values()...)
		if err != nil {
			return err
		}
		byID := map[string]int{}
		for rows.Next() {
			var it Item
			var st string
			if err := rows.Scan(&it.ID, &it.Kind, &it.Title, &it.Departement, &st, &it.StartsOn, &it.CurrentEnd, &it.Places); err != nil {
				rows.Close()
				return err
			}
			it.Status = Status(st)
			byID[it.ID] = len(out)
			out = append(out, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(out) == 0 {
			return err
		}
		ids := make([]string, len(out))
		for i, it := range out {
			ids[i] = it.ID
		}
		var pa db.Args
		prow, err := tx.QueryContext(ctx, `SELECT p.agreement_id, o.name FROM agreement_parties p JOIN organisations o ON o.id = p.organisation_id
			WHERE p.agreement_id IN (`+db.List(&pa, ids)+`) ORDER BY p.agreement_id, p.position`, pa.Values()...)
		if err != nil {
			return err
		}
		defer prow.Close()
		for prow.Next() {
			var id, name string
			if err := prow.Scan(&id, &name); err != nil {
				return err
			}
			out[byID[id]].Parties = append(out[byID[id]].Parties, name)
		}
		return prow.Err()
	})
	return out, err
}

// KindCount is how many agreements of a kind a territory has.
type KindCount struct {
	Kind, Label string
	Total       int // every agreement the reader may see
	InForce     int // signed or in force
}

// CountsByKind counts the agreements of a département by kind, every kind
// listed (0 included), within what the actor may read.
func (s *Service) CountsByKind(ctx context.Context, departement string) ([]KindCount, error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResAgreement}); err != nil {
		return nil, err
	}
	counts := map[string]*KindCount{}
	out := make([]KindCount, len(Kinds))
	for i, k := range Kinds {
		out[i] = KindCount{Kind: k.Code, Label: k.Label}
		counts[k.Code] = &out[i]
	}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		scope := access.AgreementScope(access.ActorFrom(ctx), "a.departement", "a.status", "a.id", &args)
		rows, err := tx.QueryContext(ctx, `SELECT a.kind, count(*), sum(CASE WHEN a.status IN ('signed', 'in_force') THEN 1 ELSE 0 END)
			FROM agreements a WHERE a.departement = `+args.Add(departement)+` AND `+scope+` GROUP BY a.kind`, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var total, inForce int
			if err := rows.Scan(&k, &total, &inForce); err != nil {
				return err
			}
			if c, ok := counts[k]; ok {
				c.Total, c.InForce = total, inForce
			}
		}
		return rows.Err()
	})
	return out, err
}

// SetDocument stores the signed document of an agreement (a PDF),
// replacing the previous one.
func (s *Service) SetDocument(ctx context.Context, id string, f attach.File) error {
	if err := checkPDF(&f); err != nil {
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
		if err := replaceFile(ctx, tx, ownerAgreement, id, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "agreement.document", ResourceType: string(access.ResAgreement), ResourceID: id,
			Details: map[string]any{"name": f.Name, "size": len(f.Data)}})
	})
}

// Document returns the signed document, for the parties and the steering.
func (s *Service) Document(ctx context.Context, id string) (attach.File, error) {
	var f attach.File
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		ag, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !access.Can(a, access.ActionView, ag.Resource()) {
			return apperr.New(apperr.NotFound, "Accord introuvable.")
		}
		if err := access.Check(ctx, access.ActionDownload, ag.Resource()); err != nil {
			return apperr.New(apperr.Forbidden, "Le document signé est réservé aux parties et au pilotage du territoire.")
		}
		f, err = readFile(ctx, tx, ownerAgreement, id, "")
		return err
	})
	return f, err
}

// Choice is an organisation or an offer for the forms.
type Choice struct {
	ID, Name, Kind string
	// For an offer: its structure and modality.
	StructureID, StructureName, Modality string
}

// PartyChoices lists the organisations of a département that may be party
// to an agreement (structures, operators, authorities), by name.
func (s *Service) PartyChoices(ctx context.Context, departement string) ([]Choice, error) {
	var out []Choice
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name, kind FROM organisations WHERE active = TRUE AND kind <> 'platform'
			AND departement = $1 ORDER BY name LIMIT 3000`, departement)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Choice
			if err := rows.Scan(&c.ID, &c.Name, &c.Kind); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// OfferChoices lists the active offers of the structures of a département,
// by structure, for reserving places.
func (s *Service) OfferChoices(ctx context.Context, departement string) ([]Choice, error) {
	var out []Choice
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.modality, o.label, s.id, s.name FROM offers o JOIN organisations s ON s.id = o.structure_id
			WHERE o.active = TRUE AND s.active = TRUE AND s.departement = $1 ORDER BY s.name, o.created_at, o.id LIMIT 5000`, departement)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Choice
			if err := rows.Scan(&c.ID, &c.Modality, &c.Name, &c.StructureID, &c.StructureName); err != nil {
				return err
			}
			c.Kind = "offer"
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// Territory returns the département the actor works in for cooperation:
// the steering's, else that of their first membership ("" for none).
func Territory(a access.Actor) string { return territoryFor(a, nil) }
