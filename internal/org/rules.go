package org

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/geo"
)

// Limits of what people type.
const (
	MaxNameLen  = 200
	MaxEmailLen = 254
)

// Normalize checks what can be checked without the database (everything
// but the operator's existence) and returns the input cleaned: trimmed,
// e-mail lower-cased, commune code canonical, phone written "04 77 12 34 56".
// Departement is the département of the commune ("" without one). Errors
// are apperr.Invalid with French messages keyed by field.
func Normalize(in Input) (out Input, departement string, err error) {
	var v apperr.Validation
	out = Input{
		Kind:          access.OrgKind(strings.TrimSpace(string(in.Kind))),
		Name:          strings.TrimSpace(in.Name),
		StructureType: strings.TrimSpace(in.StructureType),
		OperatorID:    strings.TrimSpace(in.OperatorID),
		CommuneCode:   strings.ToUpper(strings.TrimSpace(in.CommuneCode)),
		Email:         strings.ToLower(strings.TrimSpace(in.Email)),
		Phone:         strings.TrimSpace(in.Phone),
	}
	v.Check(out.Kind.Valid(), "kind", "Choisissez la catégorie de l'organisation.")
	if msg := nameProblem(out.Name); msg != "" {
		v.Add("name", msg)
	}
	switch _, known := structureType(out.StructureType); {
	case out.Kind != access.OrgStructure && out.StructureType != "":
		v.Add("structure_type", "Seule une structure a un type de structure : laissez ce champ vide.")
	case out.Kind == access.OrgStructure && out.StructureType == "":
		v.Add("structure_type", "Choisissez le type de structure.")
	case out.Kind == access.OrgStructure && !known:
		v.Add("structure_type", "Type de structure inconnu.")
	}
	if out.CommuneCode != "" {
		if c, ok := geo.CommuneByCode(out.CommuneCode); ok {
			out.CommuneCode, departement = c.Code, c.Departement
		} else {
			v.Add("commune_code", "Commune introuvable : indiquez un code INSEE existant (par exemple 42218 pour Saint-Étienne).")
		}
	}
	if out.Email != "" && !ValidEmail(out.Email) {
		v.Add("email", "Adresse e-mail invalide (exemple : contact@exemple.fr).")
	}
	if out.Phone != "" {
		if p, ok := NormalizePhone(out.Phone); ok {
			out.Phone = p
		} else {
			v.Add("phone", "Numéro de téléphone invalide : 10 chiffres commençant par 0 (par exemple 04 77 12 34 56), ou +33 suivi de 9 chiffres.")
		}
	}
	return out, departement, v.Err()
}

func nameProblem(name string) string {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "Indiquez le nom de l'organisation."
	case n > MaxNameLen:
		return fmt.Sprintf("Le nom ne doit pas dépasser %d caractères.", MaxNameLen)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "Le nom contient des caractères non autorisés."
	}
	return ""
}

// ValidEmail accepts a bare address (no display name), already lower-cased.
func ValidEmail(e string) bool {
	if utf8.RuneCountInString(e) > MaxEmailLen {
		return false
	}
	a, err := mail.ParseAddress(e)
	return err == nil && a.Name == "" && a.Address == e
}

// NormalizePhone accepts a French number as people write it — 10 digits
// starting with 0, or +33 / 0033 followed by 9 digits, possibly "+33 (0)4…",
// grouped with spaces, dots or dashes — and returns it as "04 77 12 34 56".
func NormalizePhone(raw string) (string, bool) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '.' || r == '-' {
			return -1
		}
		return r
	}, raw)
	switch {
	case strings.HasPrefix(s, "+33"):
		s = "0" + strings.TrimPrefix(strings.TrimPrefix(s, "+33"), "(0)")
	case strings.HasPrefix(s, "0033"):
		s = "0" + strings.TrimPrefix(s, "0033")
	}
	if len(s) != 10 || s[0] != '0' || s[1] == '0' {
		return "", false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s[0:2] + " " + s[2:4] + " " + s[4:6] + " " + s[6:8] + " " + s[8:10], true
}
