package cooperation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/db"
)

// Owners of the files in cooperation_files.
const (
	ownerAgreement = "agreement" // its signed document (one)
	ownerModel     = "model"     // the model's PDF (one)
	ownerArticle   = "article"   // attachments (several)
)

// checkPDF checks a document that must be a PDF (a signed agreement, a model).
func checkPDF(f *attach.File) error {
	var v apperr.Validation
	files := []attach.File{*f}
	attach.Check(&v, "document", files)
	if !v.Has("document") && files[0].Type != "application/pdf" {
		v.Add("document", "Le document doit être un PDF.")
	}
	v.Check(len(f.Data) > 0, "document", "Le fichier est vide.")
	if err := v.ErrSaying("Le document n'est pas enregistré."); err != nil {
		return err
	}
	*f = files[0]
	return nil
}

// replaceFile stores f as the one file of its owner.
func replaceFile(ctx context.Context, tx *db.Tx, owner, ownerID string, f attach.File) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM cooperation_files WHERE owner_type = $1 AND owner_id = $2`, owner, ownerID); err != nil {
		return err
	}
	return addFile(ctx, tx, owner, ownerID, f)
}

func addFile(ctx context.Context, tx *db.Tx, owner, ownerID string, f attach.File) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO cooperation_files (id, owner_type, owner_id, name, content_type, size, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, db.NewID(), owner, ownerID, f.Name, f.Type, len(f.Data), f.Data, tx.Now)
	if err != nil {
		return fmt.Errorf("insert file: %w", err)
	}
	return nil
}

func listFiles(ctx context.Context, tx *db.Tx, owner, ownerID string) ([]FileInfo, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, content_type, size, created_at FROM cooperation_files
		WHERE owner_type = $1 AND owner_id = $2 ORDER BY created_at, id`, owner, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FileInfo
	for rows.Next() {
		var f FileInfo
		if err := rows.Scan(&f.ID, &f.Name, &f.Type, &f.Size, &f.At); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// readFile returns a file of the owner; fileID "" reads its only one.
func readFile(ctx context.Context, tx *db.Tx, owner, ownerID, fileID string) (attach.File, error) {
	var f attach.File
	q := `SELECT name, content_type, data FROM cooperation_files WHERE owner_type = $1 AND owner_id = $2`
	args := []any{owner, ownerID}
	if fileID != "" {
		q += ` AND id = $3`
		args = append(args, fileID)
	}
	err := tx.QueryRowContext(ctx, q+` ORDER BY created_at DESC LIMIT 1`, args...).Scan(&f.Name, &f.Type, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return f, apperr.New(apperr.NotFound, "Document introuvable.")
	}
	return f, err
}
