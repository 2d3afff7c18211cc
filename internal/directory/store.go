package directory

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

func errNotFound() error {
	return apperr.New(apperr.NotFound, "Structure introuvable dans l'annuaire.")
}

const entryColumns = `o.id, o.name, o.structure_type, COALESCE(o.operator_id, ''), COALESCE(op.name, ''),
	o.finess, s.finess_ej, s.sector, s.authority, s.street, s.postal_code, o.commune_code, o.departement,
	s.lat, s.lng, s.coord_source, s.public_lat, s.public_lng, s.confidential, o.email, o.phone, s.website,
	s.description, s.territory_deps, s.territory_communes, s.territory_minutes, s.opening_days,
	s.closed_periods, s.checked_at, s.checked_by, s.manual_fields, o.active, o.fictional, o.updated_at`

const entryFrom = ` FROM organisations o JOIN structures s ON s.id = o.id
	LEFT JOIN organisations op ON op.id = o.operator_id`

// stored is an entry as stored, with what search uses.
type stored struct {
	Structure
	publicLat, publicLng float64
	placed               bool // the public position is known
}

// scanEntry reads the entryColumns, then extra columns into extra.
func scanEntry(sc interface{ Scan(...any) error }, extra ...any) (stored, error) {
	var e stored
	var lat, lng, plat, plng sql.NullFloat64
	var checked sql.NullTime
	var deps, communes, manual string
	dest := []any{&e.ID, &e.Name, &e.Type, &e.OperatorID, &e.OperatorName, &e.FinessET, &e.FinessEJ,
		&e.Sector, &e.Authority, &e.Street, &e.PostalCode, &e.CommuneCode, &e.Departement,
		&lat, &lng, &e.CoordSource, &plat, &plng, &e.Confidential, &e.Email, &e.Phone, &e.Website,
		&e.Description, &deps, &communes, &e.Territory.MaxMinutes, &e.OpeningDays,
		&e.ClosedPeriods, &checked, &e.CheckedBy, &manual, &e.Active, &e.Fictional, &e.UpdatedAt}
	err := sc.Scan(append(dest, extra...)...)
	if err != nil {
		return e, err
	}
	e.Lat, e.Lng = lat.Float64, lng.Float64
	e.publicLat, e.publicLng, e.placed = plat.Float64, plng.Float64, plat.Valid && plng.Valid
	if checked.Valid {
		e.CheckedAt = checked.Time.UTC()
	}
	e.UpdatedAt = e.UpdatedAt.UTC()
	e.Territory.Departements, e.Territory.Communes = splitList(deps), splitList(communes)
	e.ManualFields = splitList(manual)
	return e, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func joinList(l []string) string { return strings.Join(l, ",") }

// load reads one entry inside tx, unredacted; NotFound when absent.
func load(ctx context.Context, tx *db.Tx, id string) (stored, error) {
	if !db.ValidID(id) {
		return stored{}, errNotFound()
	}
	e, err := scanEntry(tx.QueryRowContext(ctx, `SELECT `+entryColumns+entryFrom+` WHERE o.id = $1 AND o.kind = 'structure'`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return stored{}, errNotFound()
	}
	return e, err
}

// loadFull adds the offers, contacts and documents.
func loadFull(ctx context.Context, tx *db.Tx, id string) (stored, error) {
	e, err := load(ctx, tx, id)
	if err != nil {
		return e, err
	}
	offers, err := loadOffers(ctx, tx, []string{id}, true)
	if err != nil {
		return e, err
	}
	e.Offers = offers[id]
	if e.Contacts, err = loadContacts(ctx, tx, id); err != nil {
		return e, err
	}
	e.Documents, err = loadDocuments(ctx, tx, id)
	return e, err
}

const offerColumns = `f.id, f.structure_id, f.modality, f.label, f.age_min, f.age_max, f.public_sex, f.needs,
	f.conditions, f.places_authorised, f.places_installed, f.description, f.active, f.updated_at`

func scanOffer(sc interface{ Scan(...any) error }) (Offer, error) {
	var o Offer
	var needs, conds string
	err := sc.Scan(&o.ID, &o.StructureID, &o.Modality, &o.Label, &o.AgeMin, &o.AgeMax, &o.Public, &needs,
		&conds, &o.PlacesAuthorised, &o.PlacesInstalled, &o.Description, &o.Active, &o.UpdatedAt)
	o.Needs, o.Conditions = splitList(needs), splitList(conds)
	o.UpdatedAt = o.UpdatedAt.UTC()
	return o, err
}

// loadOffers returns the offers of the structures by structure: the
// active ones, or all of them for the entry's own page.
func loadOffers(ctx context.Context, tx *db.Tx, ids []string, all bool) (map[string][]Offer, error) {
	out := map[string][]Offer{}
	if len(ids) == 0 {
		return out, nil
	}
	var args db.Args
	q := `SELECT ` + offerColumns + ` FROM offers f WHERE f.structure_id IN (` + db.List(&args, ids) + `)`
	if !all {
		q += ` AND f.active = TRUE`
	}
	rows, err := tx.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("load offers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, err
		}
		out[o.StructureID] = append(out[o.StructureID], o)
	}
	for _, offers := range out {
		sortOffers(offers)
	}
	return out, rows.Err()
}

// listOrder is an SQL expression that sorts a column of codes in the
// order of list (Modalities, ContactFunctions), unknown codes last.
func listOrder(column string, list []Code) string {
	var b strings.Builder
	b.WriteString("CASE " + column)
	for i, c := range list {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", c.Code, i)
	}
	b.WriteString(" ELSE 99 END")
	return b.String()
}

// sortOffers puts offers in the order of Modalities, then by age and
// label, the same on both databases whatever their collation.
func sortOffers(offers []Offer) {
	slices.SortFunc(offers, func(a, b Offer) int {
		return cmp.Or(cmp.Compare(modalityRank(a.Modality), modalityRank(b.Modality)),
			cmp.Compare(a.AgeMin, b.AgeMin), strings.Compare(a.Label, b.Label), strings.Compare(a.ID, b.ID))
	})
}

func modalityRank(code string) int {
	if i := codeIndex(Modalities, code); i >= 0 {
		return i
	}
	return len(Modalities)
}

func loadContacts(ctx context.Context, tx *db.Tx, id string) ([]Contact, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, structure_id, function, label, holder, phone, email, hours, updated_at
		FROM structure_contacts WHERE structure_id = $1 ORDER BY `+listOrder("function", ContactFunctions)+`, label, id`, id)
	if err != nil {
		return nil, fmt.Errorf("load contacts: %w", err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.ID, &c.StructureID, &c.Function, &c.Label, &c.Holder, &c.Phone, &c.Email, &c.Hours, &c.UpdatedAt); err != nil {
			return nil, err
		}
		c.UpdatedAt = c.UpdatedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

func loadDocuments(ctx context.Context, tx *db.Tx, id string) ([]Document, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, structure_id, kind, filename, content_type, size, created_at
		FROM structure_documents WHERE structure_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("load documents: %w", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.StructureID, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.CreatedAt); err != nil {
			return nil, err
		}
		d.CreatedAt = d.CreatedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// reindex rewrites what search uses for an entry: the folded name and
// text and the public position.
func reindex(ctx context.Context, tx *db.Tx, id string) error {
	e, err := load(ctx, tx, id)
	if err != nil {
		return err
	}
	plat, plng, ok := publicPosition(e.Lat, e.Lng, e.CoordSource, e.CommuneCode, e.Confidential)
	var pubLat, pubLng any
	if ok {
		pubLat, pubLng = plat, plng
	}
	text := searchText(e.Structure)
	if _, err := tx.ExecContext(ctx, `UPDATE structures SET sort_name = $1, search_text = $2, public_lat = $3, public_lng = $4
		WHERE id = $5`, sortName(e.Name), text, pubLat, pubLng, id); err != nil {
		return fmt.Errorf("reindex structure: %w", err)
	}
	return nil
}

// EnsureEntry gives an organisation its directory entry when it is a
// structure, and refreshes the entry's index. The organisation service
// calls it in the transaction of every change, so that a structure created
// or renamed from the administration pages is found at once.
func EnsureEntry(ctx context.Context, tx *db.Tx, orgID string, kind access.OrgKind) error {
	if kind != access.OrgStructure {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO structures (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, orgID); err != nil {
		return fmt.Errorf("ensure entry: %w", err)
	}
	// A structure with no position takes its commune's centre.
	if _, err := tx.ExecContext(ctx, `UPDATE structures SET coord_source = '' WHERE id = $1 AND coord_source = $2`, orgID, CoordCommune); err != nil {
		return err
	}
	if err := placeAtCommune(ctx, tx, orgID); err != nil {
		return err
	}
	return reindex(ctx, tx, orgID)
}

// placeAtCommune puts an entry without coordinates at its commune centre.
func placeAtCommune(ctx context.Context, tx *db.Tx, id string) error {
	e, err := load(ctx, tx, id)
	if err != nil || e.CoordSource != "" {
		return err
	}
	lat, lng, src := position(Structure{}, EntryInput{CommuneCode: e.CommuneCode})
	var la, ln any
	if src != "" {
		la, ln = lat, lng
	}
	_, err = tx.ExecContext(ctx, `UPDATE structures SET lat = $1, lng = $2, coord_source = $3 WHERE id = $4`, la, ln, src, id)
	return err
}

// Reindex fills the search columns of the entries that lack them (those
// created by a migration or an older version). It runs at start.
func (s *Service) Reindex(ctx context.Context) (int, error) {
	var n int
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT s.id FROM structures s WHERE s.sort_name = ''`)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if err := placeAtCommune(ctx, tx, id); err != nil {
				return err
			}
			if err := reindex(ctx, tx, id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// Seed writes a whole entry inside tx, as the system (the demo territory
// and the benchmark data use it): the entry of an existing structure, its
// offers and contacts, and when it was last checked (zero: never).
func Seed(ctx context.Context, tx *db.Tx, id string, in EntryInput, offers []OfferInput, contacts []ContactInput, checkedAt time.Time) error {
	in, err := NormalizeEntry(in)
	if err != nil {
		return fmt.Errorf("entry %s: %w", in.Name, err)
	}
	if err := EnsureEntry(ctx, tx, id, access.OrgStructure); err != nil {
		return err
	}
	cur, err := load(ctx, tx, id)
	if err != nil {
		return err
	}
	if _, err := write(access.WithActor(ctx, access.SystemActor), tx, cur, in, true); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE structures SET checked_at = $1 WHERE id = $2`, nullTime(checkedAt), id); err != nil {
		return err
	}
	for _, o := range offers {
		if o, err = NormalizeOffer(o); err != nil {
			return fmt.Errorf("offer of %s: %w", in.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO offers (id, structure_id, modality, label, age_min, age_max, public_sex,
			needs, conditions, places_authorised, places_installed, description, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, TRUE, $13, $13)`, db.NewID(), id, o.Modality, o.Label,
			o.AgeMin, o.AgeMax, o.Public, joinList(o.Needs), joinList(o.Conditions), o.PlacesAuthorised, o.PlacesInstalled,
			o.Description, tx.Now); err != nil {
			return fmt.Errorf("insert offer: %w", err)
		}
	}
	for _, c := range contacts {
		if c, err = NormalizeContact(c); err != nil {
			return fmt.Errorf("contact of %s: %w", in.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO structure_contacts (id, structure_id, function, label, holder, phone,
			email, hours, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, db.NewID(), id,
			c.Function, c.Label, c.Holder, c.Phone, c.Email, c.Hours, tx.Now); err != nil {
			return fmt.Errorf("insert contact: %w", err)
		}
	}
	return nil
}

func queryIDs(ctx context.Context, tx *db.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list structures: %w", err)
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
