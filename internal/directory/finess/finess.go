// Package finess reads the two public FINESS files that feed the directory —
// the FINESS+ open-data "structures" JSON flow and the long-standing etalab CSV
// extract of the établissements — into plain Records, one per entité
// géographique (établissement). It owns the format knowledge only: no
// database, no HTTP, no decision about what to write.
//
// Both parsers stream their input, keep only the categories the caller asks
// for (FieldCategories by default) and sort what they meet into three
// outcomes: Records, Skipped (other categories) and Problems (bad records, with
// line and reason in French). A structural defect (not JSON, a CSV line with
// the wrong number of columns…) is an error and yields no Result at all.
//
// The caller (passerelle import finess) must write nothing when Problems is
// not empty: an import is all or nothing, so a malformed file changes nothing.
package finess

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Record is one geographic establishment (entité géographique) as Passerelle
// needs it.
type Record struct {
	FinessET string // the establishment's FINESS number (9 characters)
	FinessEJ string // its legal entity's (organisme gestionnaire) FINESS number

	Name     string // raison sociale (short form)
	LongName string // raison sociale longue, when given

	Category      string // catégorie d'établissement code, e.g. "177"
	CategoryLabel string // its label, from the file or FieldCategories

	Address Address

	Phone string
	Email string // only the JSON flow carries one

	// Lat and Lng are WGS84 degrees (RGF93, equal to WGS84 at the metre), valid
	// only when HasCoordinates is true.
	Lat, Lng       float64
	HasCoordinates bool

	OperatorName string // raison sociale of the legal entity; JSON flow only

	// Closed is true when the flow says the establishment is closed (JSON
	// etatObjet "I", or a dateFermeture): the caller should not create it, and
	// may mark an existing entry closed. The CSV extract has no such column.
	Closed bool

	// Line locates the record for reports: the source line for CSV, the
	// 1-based position of the entité géographique in the file for JSON (a flow
	// may well be a single line).
	Line int
}

// Address is a postal address as FINESS gives it.
type Address struct {
	Street      string // number, repetition index, street type and name
	PostalCode  string
	CommuneCode string // INSEE code (5 characters), when known
	City        string // ligne d'acheminement without the postal code
}

// Problem is a record left out of Result.Records, with the reason in French.
type Problem struct {
	Line   int
	Reason string
}

// Result is what a parser found.
type Result struct {
	Records  []Record
	Skipped  int // establishments of categories keep() refused
	Problems []Problem
}

// Detect tells which parser reads a file from its first bytes: "json", "csv",
// or "" when it is neither.
func Detect(head []byte) string {
	head = bytes.TrimPrefix(head, utf8BOM)
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return "json"
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	first = bytes.ToLower(first)
	for _, prefix := range []string{"finess;", "structureet;"} {
		if bytes.HasPrefix(first, []byte(prefix)) {
			return "csv"
		}
	}
	return ""
}

var utf8BOM = []byte("\xEF\xBB\xBF")

// ValidFiness reports whether s has the shape of a FINESS number: nine
// characters, a département prefix (01–95 except 20, 2A, 2B, or 97/98 for the
// overseas départements and collectivités: Guadeloupe 9701…, Mayotte 9805…,
// Wallis-et-Futuna 9806… were seen in the published files) and seven digits.
//
// The last digit looks like a Luhn check digit (every published number we
// sampled passes it, Corsica's letters counting A=1, B=2), but no FINESS or
// ANS documentation we could find says so, so it is not checked: rejecting a
// real establishment would cost more than letting a typo through.
func ValidFiness(s string) bool {
	if len(s) != 9 || !allDigits(s[2:]) {
		return false
	}
	dep := s[:2]
	switch {
	case dep == "2A" || dep == "2B" || dep == "97" || dep == "98":
		return true
	case !allDigits(dep):
		return false
	default:
		return dep != "00" && dep != "20" && dep <= "95"
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalizeFiness trims a FINESS number and upper-cases Corsica's letter.
func normalizeFiness(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// overseas reports whether a FINESS number or INSEE commune code belongs to
// an overseas département or collectivité, where Lambert-93 does not apply.
func overseas(code string) bool {
	return strings.HasPrefix(code, "97") || strings.HasPrefix(code, "98")
}

// streetTypes expands the abbreviated street types FINESS stores (typvoie,
// typeVoie) so that both formats give the same Street; the JSON flow's own
// ligneQuatre confirms R, AV and BD. Unknown abbreviations are kept as given.
var streetTypes = map[string]string{
	"ALL": "ALLEE",
	"AV":  "AVENUE",
	"BD":  "BOULEVARD",
	"CHE": "CHEMIN",
	"CRS": "COURS",
	"FG":  "FAUBOURG",
	"IMP": "IMPASSE",
	"PL":  "PLACE",
	"R":   "RUE",
	"RTE": "ROUTE",
	"SQ":  "SQUARE",
}

// street joins number, repetition index, street type and name, skipping
// empty parts.
func street(number, index, kind, name string) string {
	kind = strings.TrimSpace(kind)
	if long, ok := streetTypes[strings.ToUpper(kind)]; ok {
		kind = long
	}
	return joinNonEmpty(number, index, kind, name)
}

func joinNonEmpty(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		p = clean(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

// clean trims a value and collapses the runs of spaces FINESS pads names with.
func clean(s string) string {
	tidy := true
	for i := 0; i < len(s) && tidy; i++ {
		switch c := s[i]; {
		case c == ' ':
			tidy = i > 0 && i < len(s)-1 && s[i+1] != ' '
		case c < ' ' || c >= 0x80: // control characters, or Unicode spaces
			tidy = false
		}
	}
	if tidy {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// excerpt shortens a value quoted in an error message.
func excerpt(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// checkRecord returns the reason a record cannot be kept, or "".
func checkRecord(r *Record) string {
	switch {
	case !ValidFiness(r.FinessET):
		return "numéro FINESS de l'établissement invalide : « " + excerpt(r.FinessET) + " »"
	case !ValidFiness(r.FinessEJ):
		return "numéro FINESS de l'entité juridique invalide : « " + excerpt(r.FinessEJ) + " »"
	case r.Name == "":
		return "raison sociale absente"
	}
	return ""
}

// keepFunc returns keep, or membership in FieldCategories when keep is nil.
func keepFunc(keep func(string) bool) func(string) bool {
	if keep != nil {
		return keep
	}
	return func(category string) bool {
		_, ok := FieldCategories[category]
		return ok
	}
}

// collector gathers a parser's outcomes and refuses duplicate numbers.
type collector struct {
	res   Result
	keep  func(string) bool
	index map[string]int // FinessET → index in res.Records, -1 if skipped or refused
	lines map[string]int // FinessET → Line of first occurrence
	unit  string         // how Line reads in French: "ligne" or "entité n°"
}

func newCollector(keep func(string) bool, unit string) *collector {
	return &collector{keep: keepFunc(keep), index: map[string]int{}, lines: map[string]int{}, unit: unit}
}

func (c *collector) problem(line int, reason string) {
	c.res.Problems = append(c.res.Problems, Problem{Line: line, Reason: reason})
}

// add files r under Records, Skipped or Problems. Numbers are remembered
// even for skipped records, so that their geolocalisation is no problem.
func (c *collector) add(r Record) {
	first, dup := c.lines[r.FinessET]
	if !c.keep(r.Category) {
		c.res.Skipped++
		if !dup {
			c.lines[r.FinessET], c.index[r.FinessET] = r.Line, -1
		}
		return
	}
	if dup {
		c.problem(r.Line, "numéro FINESS "+excerpt(r.FinessET)+" en double (déjà vu : "+c.unit+" "+strconv.Itoa(first)+")")
		return
	}
	c.lines[r.FinessET], c.index[r.FinessET] = r.Line, -1
	if reason := checkRecord(&r); reason != "" {
		c.problem(r.Line, reason)
		return
	}
	if r.CategoryLabel == "" {
		r.CategoryLabel = FieldCategories[r.Category]
	}
	c.index[r.FinessET] = len(c.res.Records)
	c.res.Records = append(c.res.Records, r)
}
