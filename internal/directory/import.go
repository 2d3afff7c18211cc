package directory

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/directory/finess"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// categoryType maps the FINESS categories of the field to a structure type
// and the authority that usually authorises it.
var categoryType = map[string]struct{ Type, Authority string }{
	"159": {"centre_parental", "cd"}, "166": {"centre_maternel", "cd"}, "172": {"pouponniere", "cd"},
	"175": {"foyer_enfance", "cd"}, "176": {"mecs", "cd"}, "177": {"mecs", "cd"},
	"236": {"placement_familial", "cd"}, "411": {"autre_protection", "cd"}, "286": {"prevention", "cd"},
	"295": {"aemo", "cd"}, "378": {"autre_protection", "cd"}, "462": {"lva", "cd"},
	"643": {"mna", "cd"}, "644": {"mna", "cd"},
	"241": {"pjj", "pjj"}, "242": {"pjj", "pjj"}, "440": {"pjj", "pjj"}, "441": {"pjj", "pjj"},
	"182": {"sessad", "ars"}, "183": {"ime", "ars"}, "186": {"itep", "ars"}, "188": {"eeap", "ars"},
	"189": {"cmpp", "ars"}, "190": {"camsp", "cd_ars"}, "192": {"ies", "ars"}, "194": {"ies", "ars"},
	"195": {"ies", "ars"}, "196": {"ies", "ars"}, "238": {"cafs", "ars"}, "377": {"autre_medico_social", "ars"},
	"390": {"accueil_temporaire", "ars"}, "396": {"autre_medico_social", "ars"}, "402": {"autre_medico_social", "ars"},
}

// ImportReport says what a FINESS import did, or would do.
type ImportReport struct {
	Format           string
	DryRun           bool
	Created          int
	Updated          int
	Unchanged        int
	Closed           int // entries deactivated because FINESS says they closed
	Skipped          int // establishments of other categories, or closed and unknown
	OperatorsCreated int
	Rejected         []finess.Problem
	// Kept lists the fields FINESS would change but a person edited by hand.
	Kept []KeptFields
}

// KeptFields are the fields of one entry that an import left alone.
type KeptFields struct {
	Finess, Name string
	Fields       []string
}

// Written reports whether the import changed the database.
func (r ImportReport) Written() bool {
	return !r.DryRun && len(r.Rejected) == 0 && r.Created+r.Updated+r.Closed+r.OperatorsCreated > 0
}

var errDryRun = errors.New("dry run")

// ImportFiness reads a FINESS file (the FINESS+ JSON flow or the CSV
// extract, told apart by their first bytes) and upserts the field's
// establishments by FINESS number. It is all or nothing: a malformed file,
// or a single rejected record, changes nothing and the report lists every
// rejected line. With dryRun the report is computed and nothing written.
func (s *Service) ImportFiness(ctx context.Context, r io.Reader, dryRun bool) (ImportReport, error) {
	rep := ImportReport{DryRun: dryRun}
	if err := access.Check(ctx, access.ActionImport, access.Resource{Type: access.ResStructure}); err != nil {
		return rep, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096)
	keep := func(cat string) bool { _, ok := categoryType[cat]; return ok }
	var res finess.Result
	var err error
	switch rep.Format = finess.Detect(head); rep.Format {
	case "json":
		res, err = finess.ParseJSON(br, keep)
	case "csv":
		res, err = finess.ParseCSV(br, keep)
	default:
		return rep, invalidField("file", "Ce fichier n'est ni le flux FINESS+ JSON « structures » ni l'extraction CSV FINESS des établissements.")
	}
	if err != nil {
		return rep, invalidField("file", "Fichier illisible, rien n'a été importé : "+err.Error())
	}
	rep.Skipped = res.Skipped
	rep.Rejected = append(rep.Rejected, res.Problems...)
	for _, rec := range res.Records {
		if _, ok := geo.CommuneByCode(rec.Address.CommuneCode); !ok && !rec.Closed {
			rep.Rejected = append(rep.Rejected, finess.Problem{Line: rec.Line,
				Reason: fmt.Sprintf("%s : commune %q inconnue du référentiel géographique.", rec.FinessET, rec.Address.CommuneCode)})
		}
	}
	if len(rep.Rejected) > 0 {
		slices.SortStableFunc(rep.Rejected, func(a, b finess.Problem) int { return a.Line - b.Line })
		return rep, apperr.New(apperr.Invalid, fmt.Sprintf("%d enregistrement(s) rejeté(s) : rien n'a été importé.", len(rep.Rejected)))
	}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		im, err := newImporter(ctx, tx, &rep)
		if err != nil {
			return err
		}
		for _, rec := range res.Records {
			if err := im.apply(rec); err != nil {
				return fmt.Errorf("FINESS %s (ligne %d): %w", rec.FinessET, rec.Line, err)
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "directory.import", ResourceType: string(access.ResStructure),
			Details: map[string]any{"format": rep.Format, "created": rep.Created, "updated": rep.Updated,
				"unchanged": rep.Unchanged, "closed": rep.Closed, "operators_created": rep.OperatorsCreated}}); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return rep, err
}

type importer struct {
	ctx        context.Context
	tx         *db.Tx
	rep        *ImportReport
	structures map[string]string // FINESS ET → id
	operators  map[string]string // FINESS EJ → id
}

func newImporter(ctx context.Context, tx *db.Tx, rep *ImportReport) (*importer, error) {
	im := &importer{ctx: ctx, tx: tx, rep: rep, structures: map[string]string{}, operators: map[string]string{}}
	rows, err := tx.QueryContext(ctx, `SELECT kind, finess, id FROM organisations WHERE finess <> '' AND kind IN ('structure', 'operator')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, n, id string
		if err := rows.Scan(&kind, &n, &id); err != nil {
			return nil, err
		}
		if kind == string(access.OrgStructure) {
			im.structures[n] = id
		} else {
			im.operators[n] = id
		}
	}
	return im, rows.Err()
}

// operator returns the operator organisation of a legal entity, created
// when the file names it and it is not known yet.
func (im *importer) operator(rec finess.Record) (string, error) {
	if rec.FinessEJ == "" {
		return "", nil
	}
	if id, ok := im.operators[rec.FinessEJ]; ok {
		return id, nil
	}
	name := strings.TrimSpace(rec.OperatorName)
	if name == "" {
		return "", nil // the CSV extract does not name legal entities
	}
	id := db.NewID()
	if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO organisations (id, kind, name, finess, active, fictional, created_at, updated_at)
		VALUES ($1, 'operator', $2, $3, TRUE, FALSE, $4, $4)`, id, truncate(name, org.MaxNameLen), rec.FinessEJ, im.tx.Now); err != nil {
		return "", fmt.Errorf("create operator: %w", err)
	}
	im.operators[rec.FinessEJ] = id
	im.rep.OperatorsCreated++
	return id, nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// fromFiness is the entry as FINESS describes it.
func fromFiness(rec finess.Record, operatorID string) Structure {
	m := categoryType[rec.Category]
	name := rec.LongName
	if name == "" {
		name = rec.Name
	}
	s := Structure{Name: truncate(name, org.MaxNameLen), Type: m.Type, OperatorID: operatorID,
		FinessET: rec.FinessET, FinessEJ: rec.FinessEJ, Street: truncate(rec.Address.Street, maxShort),
		CommuneCode: rec.Address.CommuneCode}
	if c, ok := geo.CommuneByCode(rec.Address.CommuneCode); ok && slices.Contains(c.PostalCodes, rec.Address.PostalCode) {
		s.PostalCode = rec.Address.PostalCode
	}
	if p, ok := org.NormalizePhone(rec.Phone); ok {
		s.Phone = p
	}
	if e := strings.ToLower(strings.TrimSpace(rec.Email)); org.ValidEmail(e) {
		s.Email = e
	}
	if rec.HasCoordinates {
		s.Lat, s.Lng, s.CoordSource = rec.Lat, rec.Lng, CoordFiness
	} else if c, ok := geo.CommuneByCode(s.CommuneCode); ok {
		s.Lat, s.Lng, s.CoordSource = c.Lat, c.Lng, CoordCommune
	}
	return s
}

func (im *importer) apply(rec finess.Record) error {
	id, exists := im.structures[rec.FinessET]
	if rec.Closed {
		if !exists {
			im.rep.Skipped++
			return nil
		}
		return im.close(id)
	}
	opID, err := im.operator(rec)
	if err != nil {
		return err
	}
	want := fromFiness(rec, opID)
	if !exists {
		return im.create(want, rec.Category)
	}
	cur, err := load(im.ctx, im.tx, id)
	if err != nil {
		return err
	}
	next, applied, kept := merge(cur.Structure, want)
	if len(kept) > 0 {
		im.rep.Kept = append(im.rep.Kept, KeptFields{Finess: rec.FinessET, Name: cur.Name, Fields: kept})
	}
	if len(applied) == 0 {
		im.rep.Unchanged++
		return nil
	}
	im.rep.Updated++
	if err := store(im.ctx, im.tx, next); err != nil {
		return err
	}
	if _, err := im.tx.ExecContext(im.ctx, `UPDATE structures SET finess_imported_at = $1 WHERE id = $2`, im.tx.Now, id); err != nil {
		return err
	}
	return audit.Record(im.ctx, im.tx, audit.Entry{Action: "structure.import_update", ResourceType: string(access.ResStructure),
		ResourceID: id, OrganisationID: id, Details: map[string]any{"fields": applied, "kept": kept}})
}

// merge applies FINESS's values to cur except on the fields edited by hand;
// it returns the entry, the fields changed and the fields kept.
func merge(cur, want Structure) (next Structure, applied, kept []string) {
	next = cur
	set := func(field string, differ bool, apply func()) {
		switch {
		case !differ:
		case slices.Contains(cur.ManualFields, field):
			kept = append(kept, field)
		default:
			apply()
			applied = append(applied, field)
		}
	}
	set("name", cur.Name != want.Name, func() { next.Name = want.Name })
	set("type", cur.Type != want.Type, func() { next.Type = want.Type })
	set("operator_id", want.OperatorID != "" && cur.OperatorID != want.OperatorID, func() { next.OperatorID = want.OperatorID })
	set("finess_ej", cur.FinessEJ != want.FinessEJ, func() { next.FinessEJ = want.FinessEJ })
	set("street", cur.Street != want.Street, func() { next.Street = want.Street })
	set("postal_code", want.PostalCode != "" && cur.PostalCode != want.PostalCode, func() { next.PostalCode = want.PostalCode })
	set("commune_code", cur.CommuneCode != want.CommuneCode, func() { next.CommuneCode = want.CommuneCode })
	// A FINESS position replaces a commune centre or an older FINESS one;
	// without one, a commune change moves the entry to the new centre.
	set("position", (want.CoordSource == CoordFiness || cur.CoordSource != CoordDirector) &&
		(cur.Lat != want.Lat || cur.Lng != want.Lng || cur.CoordSource != want.CoordSource),
		func() { next.Lat, next.Lng, next.CoordSource = want.Lat, want.Lng, want.CoordSource })
	set("phone", want.Phone != "" && cur.Phone != want.Phone, func() { next.Phone = want.Phone })
	set("email", want.Email != "" && cur.Email != want.Email, func() { next.Email = want.Email })
	return next, applied, kept
}

func (im *importer) create(s Structure, category string) error {
	c, _ := geo.CommuneByCode(s.CommuneCode)
	id := db.NewID()
	if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO organisations (id, kind, name, structure_type, commune_code,
		departement, finess, active, fictional, created_at, updated_at) VALUES ($1, 'structure', $2, $3, $4, $5, $6, TRUE, FALSE, $7, $7)`,
		id, s.Name, s.Type, s.CommuneCode, c.Departement, s.FinessET, im.tx.Now); err != nil {
		return fmt.Errorf("insert structure: %w", err)
	}
	if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO structures (id, finess_category, finess_imported_at) VALUES ($1, $2, $3)`,
		id, category, im.tx.Now); err != nil {
		return fmt.Errorf("insert entry: %w", err)
	}
	s.ID, s.Active = id, true
	s.Sector = org.StructureTypeSector(s.Type)
	s.Authority = categoryType[category].Authority
	if err := store(im.ctx, im.tx, s); err != nil {
		return err
	}
	im.structures[s.FinessET] = id
	im.rep.Created++
	return audit.Record(im.ctx, im.tx, audit.Entry{Action: "structure.import_create", ResourceType: string(access.ResStructure),
		ResourceID: id, OrganisationID: id, Details: map[string]any{"finess": s.FinessET, "category": category}})
}

func (im *importer) close(id string) error {
	var active bool
	if err := im.tx.QueryRowContext(im.ctx, `SELECT active FROM organisations WHERE id = $1`, id).Scan(&active); err != nil {
		return err
	}
	if !active {
		im.rep.Unchanged++
		return nil
	}
	if _, err := im.tx.ExecContext(im.ctx, `UPDATE organisations SET active = FALSE, updated_at = $1 WHERE id = $2`, im.tx.Now, id); err != nil {
		return err
	}
	im.rep.Closed++
	return audit.Record(im.ctx, im.tx, audit.Entry{Action: "structure.import_close", ResourceType: string(access.ResStructure),
		ResourceID: id, OrganisationID: id})
}
