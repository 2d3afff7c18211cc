package web

import (
	"mime"
	"net/http"
	"strconv"
	"time"

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
