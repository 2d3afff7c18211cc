package auth

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of what people type.
const (
	MaxEmailLen     = 254
	MaxNameLen      = 120
	MinPasswordLen  = 12
	MaxPasswordLen  = 256
	MaxTokenNameLen = 80
)

// NormalizeEmail trims and lower-cases an address and checks that it is a
// bare address (no display name). It returns a French message on failure.
func NormalizeEmail(raw string) (email, problem string) {
	e := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case e == "":
		return "", "Indiquez une adresse e-mail."
	case utf8.RuneCountInString(e) > MaxEmailLen:
		return "", fmt.Sprintf("L'adresse e-mail ne doit pas dépasser %d caractères.", MaxEmailLen)
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e {
		return "", "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr)."
	}
	return e, ""
}

// loginKey is the form of a typed e-mail used to look up the account and to
// count failures: like NormalizeEmail but never refused, only truncated.
func loginKey(raw string) string {
	return truncate(strings.ToLower(strings.TrimSpace(raw)), MaxEmailLen)
}

// truncate keeps the first n characters of s.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// NameProblem returns a French message when name (already trimmed) is not
// an acceptable display name, else "".
func NameProblem(name string) string {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "Indiquez un nom."
	case n > MaxNameLen:
		return fmt.Sprintf("Le nom ne doit pas dépasser %d caractères.", MaxNameLen)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "Le nom contient des caractères non autorisés."
	}
	return ""
}

// PasswordProblem returns a French message when password may not be chosen
// by the account with this e-mail, else "". Length is counted in characters.
func PasswordProblem(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return fmt.Sprintf("Le mot de passe doit compter au moins %d caractères.", MinPasswordLen)
	case n > MaxPasswordLen:
		return fmt.Sprintf("Le mot de passe ne doit pas dépasser %d caractères.", MaxPasswordLen)
	case strings.Count(password, string([]rune(password)[:1])) == n:
		return "Le mot de passe ne doit pas répéter un seul caractère."
	}
	// The local part is checked from 3 characters: "jo@…" must not forbid
	// every password containing "jo".
	local := email
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		local = email[:i]
	}
	if utf8.RuneCountInString(local) >= 3 && strings.Contains(strings.ToLower(password), strings.ToLower(local)) {
		return "Le mot de passe ne doit pas contenir votre adresse e-mail."
	}
	return ""
}

// TokenNameProblem returns a French message when name (already trimmed)
// is not an acceptable API token name, else "".
func TokenNameProblem(name string) string {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "Donnez un nom à ce jeton (par exemple l'outil qui l'utilise)."
	case n > MaxTokenNameLen:
		return fmt.Sprintf("Le nom du jeton ne doit pas dépasser %d caractères.", MaxTokenNameLen)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "Le nom du jeton contient des caractères non autorisés."
	}
	return ""
}

// clockTime formats t as French people read a time: "14 h 32", in Paris.
// Seconds are rounded up so that "retry at" is never too early.
func clockTime(t time.Time) string {
	t = t.In(paris)
	if t.Second() != 0 || t.Nanosecond() != 0 {
		t = t.Truncate(time.Minute).Add(time.Minute)
	}
	return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute())
}

// normalizeCode removes the spaces people type in the middle of a code
// ("123 456") and reports whether six digits remain.
func normalizeCode(raw string) (string, bool) {
	code := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, raw)
	if len(code) != 6 {
		return code, false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return code, false
		}
	}
	return code, true
}
