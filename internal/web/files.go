package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/export"
)

// sendDocument sends a stored document the browser will not run: its own
// type, no sniffing, a sandbox, kept in no cache; disposition is "inline"
// or "attachment", and the file name is encoded as RFC 6266 says (accents
// included).
func sendDocument(w http.ResponseWriter, disposition, name, contentType string, data []byte) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, err := w.Write(data)
	return err
}

// sendTable writes an export as CSV or XLSX, named after base and today.
func sendTable(w http.ResponseWriter, format, base string, t export.Table) error {
	h := w.Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": export.Filename(base, format, time.Now())}))
	h.Set("Cache-Control", "no-store")
	if format == "csv" {
		h.Set("Content-Type", export.ContentTypeCSV)
		return export.WriteCSV(w, t)
	}
	h.Set("Content-Type", export.ContentTypeXLSX)
	return export.WriteXLSX(w, t)
}

// postedFiles parses a form, multipart or not, and returns the files of
// field (each read up to one byte past attach.MaxSize, so that the check
// says which is too large).
func postedFiles(r *http.Request, field string) ([]attach.File, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return nil, r.ParseForm()
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if err := tooLarge(err); err != nil {
			if _, ok := apperr.As(err); ok {
				return nil, err
			}
		}
		return nil, apperr.New(apperr.Invalid, "Envoi illisible : recommencez, en choisissant à nouveau les pièces jointes.")
	}
	var files []attach.File
	for _, fh := range r.MultipartForm.File[field] {
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, attach.MaxSize+1))
		f.Close()
		if err != nil {
			return nil, tooLarge(err)
		}
		files = append(files, attach.File{Name: fh.Filename, Data: data})
	}
	return files, nil
}
