// Package attach checks the files people attach to what they send (a
// liaison note, a request): a PDF, a PNG or a JPEG, recognised by what the
// file is, not by what its name says, five of them at most, 5 MB each.
package attach

import (
	"bytes"
	"fmt"
	"strings"

	"passerelle/internal/apperr"
)

// File is an attached file; Type is set by Check.
type File struct {
	Name, Type string
	Data       []byte
}

// Limits of what one sends.
const (
	Max     = 5
	MaxSize = 5 << 20
)

// TypeOf returns the type of a PDF, PNG or JPEG file from its first
// bytes, or "".
func TypeOf(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	}
	return ""
}

// Check adds to v, under field, what is wrong with files (too many, too
// large, of another type), and sets the type and a name to each.
func Check(v *apperr.Validation, field string, files []File) {
	v.Check(len(files) <= Max, field, fmt.Sprintf("%d pièces jointes au plus.", Max))
	for i := range files {
		f := &files[i]
		switch {
		case len(f.Data) > MaxSize:
			v.Add(field, fmt.Sprintf("« %s » dépasse 5 Mo.", f.Name))
		case TypeOf(f.Data) == "":
			v.Add(field, fmt.Sprintf("« %s » n'est ni un PDF ni une image (PNG, JPEG).", f.Name))
		default:
			f.Type = TypeOf(f.Data)
			if f.Name = strings.TrimSpace(f.Name); f.Name == "" {
				f.Name = "piece-jointe"
			}
		}
	}
}
