package cooperation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// Model is a model document a territory publishes (a convention
// template, a charter), with the values an agreement started from it
// takes by default.
type Model struct {
	ID, Departement, Title, Kind, Description string
	Children, Support                         string
	DurationMonths                            int
	Tacit                                     bool
	NoticeMonths                              int
	CreatedByName                             string
	UpdatedAt                                 time.Time
	Document                                  *FileInfo
	CanEdit                                   bool
}

func (m *Model) KindLabel() string { return Label(Kinds, m.Kind) }

func (m *Model) resource() access.Resource {
	return access.Resource{Type: access.ResAgreementModel, ID: m.ID, Departement: m.Departement}
}

// Prefill returns the input of a new agreement started from the model.
func (m *Model) Prefill() Input {
	return Input{Kind: m.Kind, Title: m.Title, Children: m.Children, Support: m.Support, DurationMonths: m.DurationMonths,
		Tacit: m.Tacit, NoticeMonths: m.NoticeMonths, ModelID: m.ID}
}

// ModelInput is a model document as the steering writes it.
type ModelInput struct {
	Title, Kind, Description, Children, Support string
	DurationMonths                              int
	Tacit                                       bool
	NoticeMonths                                int
}

// NormalizeModel checks a model document.
func NormalizeModel(in ModelInput) (ModelInput, error) {
	for _, s := range []*string{&in.Title, &in.Kind, &in.Description, &in.Children, &in.Support} {
		*s = strings.TrimSpace(*s)
	}
	var v apperr.Validation
	v.Check(in.Title != "", "title", "Donnez un titre au modèle.")
	v.Check(!tooLong(in.Title, 200), "title", "200 caractères au plus.")
	v.Check(known(Kinds, in.Kind), "kind", "Choisissez le type d'accord.")
	v.Check(!tooLong(in.Description, 4000), "description", "4 000 caractères au plus.")
	v.Check(!tooLong(in.Children, 4000), "children", "4 000 caractères au plus.")
	v.Check(!tooLong(in.Support, 4000), "support", "4 000 caractères au plus.")
	v.Check(in.DurationMonths >= 0 && in.DurationMonths <= 240, "duration_months", "Une durée de 0 à 240 mois.")
	v.Check(in.NoticeMonths >= 0 && in.NoticeMonths <= 60, "notice_months", "Un préavis de 0 à 60 mois.")
	v.Check(!in.Tacit || in.DurationMonths > 0, "duration_months", "Pour une reconduction tacite, indiquez la durée d'une période (en mois).")
	return in, v.ErrSaying("Le modèle n'est pas enregistré : corrigez les champs signalés.")
}

// steeringTerritory is the département where the actor steers.
func steeringTerritory(a access.Actor) string {
	for _, m := range a.Memberships {
		if m.Role == access.RoleSteering && m.Departement != "" && m.OrganisationKind != access.OrgStructure && m.OrganisationKind != access.OrgOperator {
			return m.Departement
		}
	}
	return ""
}

// CreateModel publishes a model document of the steering's territory.
func (s *Service) CreateModel(ctx context.Context, in ModelInput) (string, error) {
	dep := steeringTerritory(access.ActorFrom(ctx))
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResAgreementModel, Departement: dep}); err != nil {
		return "", apperr.New(apperr.Forbidden, "Les modèles sont publiés par le pilotage du territoire.")
	}
	in, err := NormalizeModel(in)
	if err != nil {
		return "", err
	}
	id := db.NewID()
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_models (id, departement, title, kind, description, children, support,
			duration_months, tacit_renewal, notice_months, created_by_name, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`, id, dep, in.Title, in.Kind, in.Description, in.Children,
			in.Support, in.DurationMonths, in.Tacit, in.NoticeMonths, actorName(access.ActorFrom(ctx)), tx.Now); err != nil {
			return fmt.Errorf("insert model: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "agreement_model.create", ResourceType: string(access.ResAgreementModel), ResourceID: id,
			Details: map[string]any{"kind": in.Kind}})
	})
	return id, err
}

// UpdateModel changes a model document.
func (s *Service) UpdateModel(ctx context.Context, id string, in ModelInput) error {
	in, err := NormalizeModel(in)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		m, err := s.loadModel(ctx, tx, id)
		if err != nil {
			return err
		}
		if !access.Can(access.ActorFrom(ctx), access.ActionView, m.resource()) {
			return apperr.New(apperr.NotFound, "Modèle introuvable.")
		}
		if err := access.Check(ctx, access.ActionUpdate, m.resource()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agreement_models SET title = $1, kind = $2, description = $3, children = $4, support = $5,
			duration_months = $6, tacit_renewal = $7, notice_months = $8, updated_at = $9 WHERE id = $10`, in.Title, in.Kind, in.Description,
			in.Children, in.Support, in.DurationMonths, in.Tacit, in.NoticeMonths, tx.Now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "agreement_model.update", ResourceType: string(access.ResAgreementModel), ResourceID: id})
	})
}

const modelColumns = `m.id, m.departement, m.title, m.kind, m.description, m.children, m.support, m.duration_months, m.tacit_renewal,
	m.notice_months, m.created_by_name, m.updated_at`

func scanModel(row interface{ Scan(...any) error }) (*Model, error) {
	m := &Model{}
	err := row.Scan(&m.ID, &m.Departement, &m.Title, &m.Kind, &m.Description, &m.Children, &m.Support, &m.DurationMonths, &m.Tacit,
		&m.NoticeMonths, &m.CreatedByName, &m.UpdatedAt)
	return m, err
}

func (s *Service) loadModel(ctx context.Context, tx *db.Tx, id string) (*Model, error) {
	if !db.ValidID(id) {
		return nil, apperr.New(apperr.NotFound, "Modèle introuvable.")
	}
	m, err := scanModel(tx.QueryRowContext(ctx, `SELECT `+modelColumns+` FROM agreement_models m WHERE m.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Modèle introuvable.")
	}
	if err != nil {
		return nil, err
	}
	files, err := listFiles(ctx, tx, ownerModel, id)
	if len(files) > 0 {
		m.Document = &files[0]
	}
	return m, err
}

// GetModel returns a model document of the actor's territory.
func (s *Service) GetModel(ctx context.Context, id string) (*Model, error) {
	var m *Model
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if m, err = s.loadModel(ctx, tx, id); err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !access.Can(a, access.ActionView, m.resource()) {
			return apperr.New(apperr.NotFound, "Modèle introuvable.")
		}
		m.CanEdit = access.Can(a, access.ActionUpdate, m.resource())
		return nil
	})
	return m, err
}

// Models lists the model documents of the actor's territories.
func (s *Service) Models(ctx context.Context) ([]Model, error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResAgreementModel}); err != nil {
		return nil, err
	}
	var out []Model
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		a := access.ActorFrom(ctx)
		var args db.Args
		rows, err := tx.QueryContext(ctx, `SELECT `+modelColumns+` FROM agreement_models m WHERE `+access.ModelScope(a, "m.departement", &args)+
			` ORDER BY m.title LIMIT 500`, args.Values()...)
		if err != nil {
			return err
		}
		byID := map[string]int{}
		for rows.Next() {
			m, err := scanModel(rows)
			if err != nil {
				rows.Close()
				return err
			}
			m.CanEdit = access.Can(a, access.ActionUpdate, m.resource())
			byID[m.ID] = len(out)
			out = append(out, *m)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(out) == 0 {
			return err
		}
		// The documents of all the models in one query: a model has one.
		ids := make([]string, len(out))
		for i, m := range out {
			ids[i] = m.ID
		}
		var fa db.Args
		frows, err := tx.QueryContext(ctx, `SELECT owner_id, id, name, content_type, size, created_at FROM cooperation_files
			WHERE owner_type = `+fa.Add(ownerModel)+` AND owner_id IN (`+db.List(&fa, ids)+`) ORDER BY created_at, id`, fa.Values()...)
		if err != nil {
			return err
		}
		defer frows.Close()
		for frows.Next() {
			var owner string
			var f FileInfo
			if err := frows.Scan(&owner, &f.ID, &f.Name, &f.Type, &f.Size, &f.At); err != nil {
				return err
			}
			if m := &out[byID[owner]]; m.Document == nil {
				m.Document = &f
			}
		}
		return frows.Err()
	})
	return out, err
}

// SetModelDocument stores the model's PDF.
func (s *Service) SetModelDocument(ctx context.Context, id string, f attach.File) error {
	if err := checkPDF(&f); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		m, err := s.loadModel(ctx, tx, id)
		if err != nil {
			return err
		}
		if !access.Can(access.ActorFrom(ctx), access.ActionView, m.resource()) {
			return apperr.New(apperr.NotFound, "Modèle introuvable.")
		}
		if err := access.Check(ctx, access.ActionUpdate, m.resource()); err != nil {
			return err
		}
		if err := replaceFile(ctx, tx, ownerModel, id, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "agreement_model.document", ResourceType: string(access.ResAgreementModel), ResourceID: id,
			Details: map[string]any{"name": f.Name, "size": len(f.Data)}})
	})
}

// ModelDocument returns the model's PDF.
func (s *Service) ModelDocument(ctx context.Context, id string) (attach.File, error) {
	var f attach.File
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		m, err := s.loadModel(ctx, tx, id)
		if err != nil {
			return err
		}
		if !access.Can(access.ActorFrom(ctx), access.ActionView, m.resource()) {
			return apperr.New(apperr.NotFound, "Modèle introuvable.")
		}
		f, err = readFile(ctx, tx, ownerModel, id, "")
		return err
	})
	return f, err
}
