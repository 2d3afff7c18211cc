package finess

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// The etalab CSV extract of the établissements (data.gouv.fr « FINESS
// Extraction du Fichier des établissements », files etalab-cs11005xx-stock-*)
// has no header row: its first line is a marker such as
// "finess;etalab;111;2026-05-12", then one line per établissement, then one
// geolocalisation line per établissement, fields separated by ';' and quoted
// with '"' when needed (doubled inside). It is published in Windows-1252.
//
// Column order, checked against verbatim lines of the 2026-05-12 extract:
const (
	colSection         = iota // "structureet"
	colFinessET               // nofinesset
	colFinessEJ               // nofinessej
	colName                   // rs
	colLongName               // rslongue
	colNameSupp               // complrs
	colDistribSupp            // compldistrib
	colNumber                 // numvoie
	colStreetKind             // typvoie
	colStreet                 // voie
	colIndex                  // compvoie (repetition index: B, T…)
	colPlace                  // lieuditbp
	colCommune                // commune: 3 characters within the département
	colDepartement            // departement: 01…95, 2A, 2B, 9A…9F, 9J
	colDepLabel               // libdepartement
	colRouting                // ligneacheminement: "01440 VIRIAT"
	colPhone                  // telephone
	colFax                    // telecopie
	colCategory               // categetab
	colCategoryLabel          // libcategetab
	colAggregate              // categagretab
	colAggregateLabel         // libcategagretab
	colSiret                  // siret
	colAPE                    // codeape
	colMFT                    // codemft
	colMFTLabel               // libmft
	colSPH                    // codesph
	colSPHLabel               // libsph
	colOpened                 // dateouv
	colAuthorised             // dateautor
	colUpdated                // datemaj
	colUAI                    // numuai (empty on most lines: the line ends with ';')
	structureetColumns        // 32
)

// geolocalisation;nofinesset;coordxet;coordyet;sourcecoordet;datemaj
const (
	geoFinessET = 1 + iota
	geoX
	geoY
	geoSource
	geoUpdated
	geolocalisationColumns // 6
)

// ParseCSV reads the etalab CSV extract: structureet lines become Records
// (for the categories keep accepts; nil: FieldCategories), geolocalisation
// lines give them coordinates. Lines are decoded from Windows-1252 unless
// they are valid UTF-8, so both the published file and a re-encoded copy are
// read. The file has no legal-entity names: OperatorName stays empty.
func ParseCSV(r io.Reader, keep func(category string) bool) (Result, error) {
	cr := csv.NewReader(&cp1252Reader{br: bufio.NewReaderSize(r, 64*1024)})
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	c := newCollector(keep, "ligne")
	line := 0
	for n := 0; ; n++ {
		fields, err := cr.Read()
		if err == io.EOF {
			return c.res, nil
		}
		if err != nil {
			return Result{}, csvError(err, line+1)
		}
		line, _ = cr.FieldPos(0)
		if err := csvLine(c, fields, line, n == 0); err != nil {
			return Result{}, err
		}
	}
}

// csvLine files one line; only structural defects are errors.
func csvLine(c *collector, fields []string, line int, first bool) error {
	section := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(fields[0], "\uFEFF")))
	switch {
	case first && section == "finess":
		return nil
	case section == "structureet":
		if len(fields) != structureetColumns {
			return fmt.Errorf("ligne %d : ligne « structureet » de %d colonnes, %d attendues", line, len(fields), structureetColumns)
		}
		c.add(structureet(fields, line))
	case section == "geolocalisation":
		if len(fields) != geolocalisationColumns {
			return fmt.Errorf("ligne %d : ligne « geolocalisation » de %d colonnes, %d attendues", line, len(fields), geolocalisationColumns)
		}
		geolocalisation(c, fields, line)
	case len(fields) == 1 && section == "":
		// A blank line (encoding/csv skips empty ones; this is spaces only).
	case first:
		return fmt.Errorf("ligne %d : en-tête « finess;etalab;… » attendu, « %s » trouvé", line, excerpt(fields[0]))
	default:
		return fmt.Errorf("ligne %d : type de ligne inconnu « %s » (structureet ou geolocalisation attendu)", line, excerpt(fields[0]))
	}
	return nil
}

func structureet(f []string, line int) Record {
	r := Record{
		FinessET:      normalizeFiness(f[colFinessET]),
		FinessEJ:      normalizeFiness(f[colFinessEJ]),
		Name:          clean(f[colName]),
		LongName:      clean(f[colLongName]),
		Category:      strings.TrimSpace(f[colCategory]),
		CategoryLabel: clean(f[colCategoryLabel]),
		Phone:         strings.TrimSpace(f[colPhone]),
		Line:          line,
	}
	if r.Name == "" {
		r.Name = r.LongName
	}
	r.Address.Street = street(f[colNumber], f[colIndex], f[colStreetKind], f[colStreet])
	if r.Address.Street == "" {
		r.Address.Street = clean(f[colPlace])
	}
	r.Address.PostalCode, r.Address.City = splitRouting(f[colRouting])
	r.Address.CommuneCode = inseeCode(f[colDepartement], f[colCommune])
	return r
}

// splitRouting splits "42000 ST ETIENNE" into postal code and city.
func splitRouting(s string) (postalCode, city string) {
	s = clean(s)
	code, rest, _ := strings.Cut(s, " ")
	if len(code) == 5 && allDigits(code) {
		return code, rest
	}
	return "", s
}

// inseeCode rebuilds the INSEE commune code from the extract's département
// and 3-character commune. Overseas, the extract writes the département as a
// letter code and the commune with the département's last digit first:
// 9A (Guadeloupe, with Saint-Martin and Saint-Barthélemy) "123" → 97123,
// 9B Martinique "207" → 97207, 9C Guyane "302" → 97302, 9D La Réunion
// "411" → 97411, 9F Mayotte "606" → 97606 and 9J Wallis-et-Futuna
// "613" → 98613 were checked on published lines; 9E (Saint-Pierre-et-
// Miquelon) follows the same pattern but was not seen. Other codes give "".
func inseeCode(departement, commune string) string {
	dep := strings.ToUpper(strings.TrimSpace(departement))
	com := strings.TrimSpace(commune)
	if com == "" || len(com) > 3 || !allDigits(com) {
		return ""
	}
	com = strings.Repeat("0", 3-len(com)) + com
	switch {
	case len(dep) == 2 && dep >= "9A" && dep <= "9F":
		return "97" + com
	case dep == "9J":
		return "98" + com
	case dep == "2A" || dep == "2B":
		return dep + com
	case len(dep) == 2 && allDigits(dep) && dep >= "01" && dep <= "95" && dep != "20":
		return dep + com
	}
	return ""
}

func geolocalisation(c *collector, f []string, line int) {
	et := normalizeFiness(f[geoFinessET])
	i, known := c.index[et]
	if !known {
		c.problem(line, "géolocalisation d'un établissement absent du fichier : « "+excerpt(et)+" »")
		return
	}
	if i < 0 { // skipped category or refused record
		return
	}
	r := &c.res.Records[i]
	metro := !overseas(r.FinessET) && !overseas(r.Address.CommuneCode)
	r.Lat, r.Lng, r.HasCoordinates = csvCoordinates(f[geoX], f[geoY], f[geoSource], metro)
}

func csvError(err error, line int) error {
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return fmt.Errorf("ligne %d : CSV illisible (%v)", perr.Line, perr.Err)
	}
	return fmt.Errorf("ligne %d : lecture impossible : %w", line, err)
}

// cp1252Reader passes UTF-8 lines through and decodes the others from
// Windows-1252 (a superset of ISO-8859-1 for printable characters), by hand.
type cp1252Reader struct {
	br      *bufio.Reader
	pending []byte // what Read hands out next
	long    []byte // a line longer than br's buffer
	out     []byte // a decoded line
	err     error
}

func (c *cp1252Reader) Read(p []byte) (int, error) {
	for len(c.pending) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		c.fill()
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// fill reads the next line and decodes it if it is not UTF-8.
func (c *cp1252Reader) fill() {
	line, err := c.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		c.long = append(c.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = c.br.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	c.err = err
	if utf8.Valid(line) {
		c.pending = line
		return
	}
	c.out = c.out[:0]
	for _, b := range line {
		c.out = utf8.AppendRune(c.out, cp1252[b])
	}
	c.pending = c.out
}

// cp1252 maps every Windows-1252 byte to its rune; the five bytes the code
// page leaves undefined map to the C1 control of the same value, as WHATWG's
// decoder does.
var cp1252 = func() (t [256]rune) {
	for i := range t {
		t[i] = rune(i)
	}
	high := []rune{
		'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
		0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
	}
	copy(t[0x80:], high)
	return t
}()
