package export

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxFilenameBase keeps names readable in a download bar.
const maxFilenameBase = 60

// Filename builds a download name such as "annuaire-2026-11-23.csv": base
// folded to lower-case ASCII letters, digits and hyphens (accents removed, any
// other run of characters becomes one hyphen, "export" if nothing is left),
// then the date of at in Paris, then ext with or without its dot.
func Filename(base string, ext string, at time.Time) string {
	name := foldASCII(base)
	if len(name) > maxFilenameBase {
		name = strings.TrimRight(name[:maxFilenameBase], "-")
	}
	if name == "" {
		name = "export"
	}
	name += "-" + at.In(paris).Format("2006-01-02")
	if ext = foldASCII(ext); ext != "" {
		name += "." + ext
	}
	return name
}

// ligatures are letters that Unicode does not decompose into a base letter.
var ligatures = map[rune]string{
	'æ': "ae", 'œ': "oe", 'ß': "ss", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th",
}

// foldASCII keeps lower-case ASCII letters and digits, drops accents and
// joins the words with single hyphens.
func foldASCII(s string) string {
	var b strings.Builder
	pendingHyphen := false
	keep := func(word string) {
		if pendingHyphen && b.Len() > 0 {
			b.WriteByte('-')
		}
		pendingHyphen = false
		b.WriteString(word)
	}
	for _, r := range norm.NFD.String(s) {
		r = unicode.ToLower(r)
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			keep(string(r))
		case unicode.Is(unicode.Mn, r):
			// accent of the previous letter
		case ligatures[r] != "":
			keep(ligatures[r])
		default:
			pendingHyphen = true
		}
	}
	return b.String()
}
