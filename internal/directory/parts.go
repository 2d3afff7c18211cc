package directory

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

func recordPart(ctx context.Context, tx *db.Tx, structureID, action, partID string, details map[string]any) error {
	if err := touch(ctx, tx, structureID); err != nil {
		return err
	}
	if details == nil {
		details = map[string]any{}
	}
	details["id"] = partID
	return audit.Record(ctx, tx, audit.Entry{Action: action, ResourceType: string(access.ResStructure),
		ResourceID: structureID, OrganisationID: structureID, Details: details})
}

// SaveOffer creates (offerID "") or changes an offer of the structure.
func (s *Service) SaveOffer(ctx context.Context, structureID, offerID string, in OfferInput) (Offer, error) {
	var o Offer
	action := "structure.offer_update"
	if offerID == "" {
		action = "structure.offer_create"
	}
	err := s.change(ctx, structureID, action, func(tx *db.Tx, _ stored) error {
		in, err := NormalizeOffer(in)
		if err != nil {
			return err
		}
		if offerID == "" {
			offerID = db.NewID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO offers (id, structure_id, modality, age_min, age_max, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6)`, offerID, structureID, in.Modality, in.AgeMin, in.AgeMax, tx.Now); err != nil {
				return fmt.Errorf("insert offer: %w", err)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE offers SET modality = $1, label = $2, age_min = $3, age_max = $4,
			public_sex = $5, needs = $6, conditions = $7, places_authorised = $8, places_installed = $9,
			description = $10, active = $11, updated_at = $12 WHERE id = $13 AND structure_id = $14`,
			in.Modality, in.Label, in.AgeMin, in.AgeMax, in.Public, joinList(in.Needs), joinList(in.Conditions),
			in.PlacesAuthorised, in.PlacesInstalled, in.Description, in.Active, tx.Now, offerID, structureID)
		if err != nil {
			return fmt.Errorf("update offer: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Offre introuvable.")
		}
		if o, err = scanOffer(tx.QueryRowContext(ctx, `SELECT `+offerColumns+` FROM offers f WHERE f.id = $1`, offerID)); err != nil {
			return err
		}
		return recordPart(ctx, tx, structureID, action, offerID, map[string]any{"modality": in.Modality})
	})
	return o, err
}

// DeleteOffer removes an offer of the structure.
func (s *Service) DeleteOffer(ctx context.Context, structureID, offerID string) error {
	return s.deletePart(ctx, structureID, "offers", offerID, "structure.offer_delete", "Offre introuvable.")
}

func (s *Service) deletePart(ctx context.Context, structureID, table, id, action, notFound string) error {
	return s.change(ctx, structureID, action, func(tx *db.Tx, _ stored) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = $1 AND structure_id = $2`, id, structureID)
		if table == "offers" && db.IsForeignKeyViolation(err) {
			return apperr.New(apperr.Conflict, "Cette offre a des disponibilités déclarées au tableau des places : "+
				"suspendez-la plutôt (décochez « Offre proposée actuellement »), les options et réservations en cours sont gardées.")
		}
		if err != nil {
			return fmt.Errorf("delete from %s: %w", table, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, notFound)
		}
		return recordPart(ctx, tx, structureID, action, id, nil)
	})
}

// SaveContact creates (contactID "") or changes a contact of the structure.
func (s *Service) SaveContact(ctx context.Context, structureID, contactID string, in ContactInput) (Contact, error) {
	var c Contact
	action := "structure.contact_update"
	if contactID == "" {
		action = "structure.contact_create"
	}
	err := s.change(ctx, structureID, action, func(tx *db.Tx, _ stored) error {
		in, err := NormalizeContact(in)
		if err != nil {
			return err
		}
		if contactID == "" {
			contactID = db.NewID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO structure_contacts (id, structure_id, function, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $4)`, contactID, structureID, in.Function, tx.Now); err != nil {
				return fmt.Errorf("insert contact: %w", err)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE structure_contacts SET function = $1, label = $2, holder = $3, phone = $4,
			email = $5, hours = $6, updated_at = $7 WHERE id = $8 AND structure_id = $9`,
			in.Function, in.Label, in.Holder, in.Phone, in.Email, in.Hours, tx.Now, contactID, structureID)
		if err != nil {
			return fmt.Errorf("update contact: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Contact introuvable.")
		}
		c = Contact{ID: contactID, StructureID: structureID, Function: in.Function, Label: in.Label, Holder: in.Holder,
			Phone: in.Phone, Email: in.Email, Hours: in.Hours, UpdatedAt: tx.Now}
		return recordPart(ctx, tx, structureID, action, contactID, map[string]any{"function": in.Function})
	})
	return c, err
}

// DeleteContact removes a contact of the structure.
func (s *Service) DeleteContact(ctx context.Context, structureID, contactID string) error {
	return s.deletePart(ctx, structureID, "structure_contacts", contactID, "structure.contact_delete", "Contact introuvable.")
}

// Documents: PDF only, checked by content and not by the name or the type
// the browser claims.
const (
	MaxDocumentBytes = 5 << 20
	MaxDocuments     = 10
)

// CheckDocument validates an uploaded document and returns its cleaned
// file name.
func CheckDocument(kind, filename string, data []byte) (string, error) {
	var v apperr.Validation
	v.Check(known(DocumentKinds, kind), "kind", "Choisissez le type de document.")
	switch {
	case len(data) == 0:
		v.Add("file", "Choisissez un fichier PDF.")
	case len(data) > MaxDocumentBytes:
		v.Add("file", fmt.Sprintf("Le fichier dépasse %d Mo.", MaxDocumentBytes>>20))
	case !bytes.HasPrefix(data, []byte("%PDF-")):
		v.Add("file", "Seuls les fichiers PDF sont acceptés.")
	}
	return cleanFilename(filename), v.Err()
}

// cleanFilename keeps the base name, printable, ending in .pdf.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) || r == '"' || r == '/' {
			return '_'
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	if name == "" || name == "." || name == "_" {
		name = "document"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name += ".pdf"
	}
	return name
}

// AddDocument attaches a PDF to the entry.
func (s *Service) AddDocument(ctx context.Context, structureID, kind, filename string, data []byte) (Document, error) {
	var d Document
	err := s.change(ctx, structureID, "structure.document_add", func(tx *db.Tx, _ stored) error {
		name, err := CheckDocument(kind, filename, data)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM structure_documents WHERE structure_id = $1`, structureID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxDocuments {
			return invalidField("file", fmt.Sprintf("Une structure a %d documents au plus : supprimez-en un d'abord.", MaxDocuments))
		}
		d = Document{ID: db.NewID(), StructureID: structureID, Kind: kind, Filename: name, ContentType: "application/pdf",
			Size: int64(len(data)), CreatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO structure_documents (id, structure_id, kind, filename, content_type,
			size, data, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			d.ID, structureID, kind, name, d.ContentType, d.Size, data, tx.Now, access.ActorFrom(ctx).AccountID); err != nil {
			return fmt.Errorf("insert document: %w", err)
		}
		return recordPart(ctx, tx, structureID, "structure.document_add", d.ID, map[string]any{"kind": kind, "size": d.Size})
	})
	return d, err
}

// Document returns a document and its content.
func (s *Service) Document(ctx context.Context, structureID, docID string) (Document, []byte, error) {
	if err := access.Check(ctx, access.ActionView, access.Resource{Type: access.ResStructure, ID: structureID}); err != nil {
		return Document{}, nil, err
	}
	var d Document
	var data []byte
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		if !db.ValidID(docID) || !db.ValidID(structureID) {
			return sql.ErrNoRows
		}
		return tx.QueryRowContext(ctx, `SELECT id, structure_id, kind, filename, content_type, size, created_at, data
			FROM structure_documents WHERE id = $1 AND structure_id = $2`, docID, structureID).
			Scan(&d.ID, &d.StructureID, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.CreatedAt, &data)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, nil, apperr.New(apperr.NotFound, "Document introuvable.")
	}
	return d, data, err
}

// DeleteDocument removes a document of the entry.
func (s *Service) DeleteDocument(ctx context.Context, structureID, docID string) error {
	return s.deletePart(ctx, structureID, "structure_documents", docID, "structure.document_delete", "Document introuvable.")
}
