package finess

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The FINESS+ "structures" flow (schema-structures-v1.json, ANS) is one JSON
// object: {"schemaVersion", "generatedAt", "gcc": [...], "gco": [...],
// "pmej": [...]}. Each pmej (personne morale / entité juridique) carries
// informationsGeneralesPMEJ and its entités géographiques in "ege"; each ege
// carries informationsGeneralesEGE, its catégorie, etatObjet, "adresse"
// (a list, with coordonneesGeographique) and "contact" (a list of telecom).
// Authorisations ("engagement"), events and groups are not needed and are
// skipped without being built.
//
// Two spellings exist: the schema vendored in shared/data writes
// informationsGeneralesPmej and codes as {"code", "system"} objects, the
// published flow and ANS's newer schema write informationsGeneralesPMEJ and
// codes as plain strings. Go matches field names without regard to case and
// jsonText reads both code shapes, so both are accepted.

type jsonPMEJ struct {
	Info struct {
		Finess   jsonText `json:"numFinessPm"`
		Name     jsonText `json:"denominationPm"`
		LongName jsonText `json:"denominationLonguePmSmsse"`
	} `json:"informationsGeneralesPMEJ"`
	EGE []jsonEGE `json:"ege"`
}

type jsonEGE struct {
	Info struct {
		Finess   jsonText `json:"numFinessEge"`
		Name     jsonText `json:"nomEgeCourt"`
		LongName jsonText `json:"nomEgeLong"`
		Closing  jsonText `json:"dateFermeture"`
	} `json:"informationsGeneralesEGE"`
	Category jsonText      `json:"categorieentiteGeographiqueExercice"`
	State    jsonText      `json:"etatObjet"`
	Address  []jsonAddress `json:"adresse"`
	Contact  []struct {
		Telecom struct {
			Phone jsonText `json:"telephone"`
			Email jsonText `json:"courriel"`
		} `json:"telecom"`
	} `json:"contact"`
}

type jsonAddress struct {
	Number     jsonText `json:"numeroVoie"`
	Index      jsonText `json:"complementVoie"`
	Kind       jsonText `json:"typeVoie"`
	Name       jsonText `json:"libelleVoie"`
	Place      jsonText `json:"lieuDit"`
	Line4      jsonText `json:"ligneQuatre"`
	Commune    jsonText `json:"cogCommune"`
	City       jsonText `json:"ligneAcheminement"`
	PostalCode jsonText `json:"codePostal"`
	Geo        jsonGeo  `json:"coordonneesGeographique"`
}

type jsonGeo struct {
	X         jsonText `json:"coordonneeX"`
	Y         jsonText `json:"coordonneeY"`
	Latitude  jsonText `json:"directionLatitude"`
	Longitude jsonText `json:"directionLongitude"`
}

// jsonText is a string field that tolerates what the flow's two schemas put
// there: a string, a number, null, or a coding object {"code": …}.
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || b[0] == 'n':
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = jsonText(clean(s))
	case b[0] == '{':
		var c struct {
			Code json.RawMessage `json:"code"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		if len(c.Code) > 0 && c.Code[0] == '{' { // not nested codings: no recursion
			return errors.New("texte attendu")
		}
		return t.UnmarshalJSON(c.Code)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*t = jsonText(b)
	default:
		return errors.New("texte attendu")
	}
	return nil
}

// ParseJSON reads a FINESS+ "structures" flow, one pmej at a time, so that a
// large file is never held in memory whole. It also accepts several such
// objects in a row (JSON lines) or in an array. keep selects categories (nil:
// FieldCategories). Records are numbered by their position among the
// entités géographiques of the file.
func ParseJSON(r io.Reader, keep func(category string) bool) (Result, error) {
	lc := &lineCounter{r: r}
	p := &jsonParser{dec: json.NewDecoder(lc), lines: lc, c: newCollector(keep, "entité n°")}
	if err := p.parse(); err != nil {
		return Result{}, err
	}
	return p.c.res, nil
}

type jsonParser struct {
	dec   *json.Decoder
	lines *lineCounter
	c     *collector
	ege   int // entités géographiques met so far
	pmej  int // entités juridiques met so far
}

// fail builds a structural error naming the line the decoder stopped at.
func (p *jsonParser) fail(err error, format string, args ...any) error {
	return p.failAt(p.dec.InputOffset(), err, format, args...)
}

// failValue is fail for a value that Decode began at start. encoding/json
// counts a type error's offset from the value's start, but a syntax error's
// from an internal count, so that one is found again in the buffered value.
func (p *jsonParser) failValue(start int64, err error, format string, args ...any) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		start = max(p.lines.read-1, 0) // the last line, not the empty one after a final newline
	case errors.As(err, &typ):
		start += typ.Offset
	case errors.As(err, &syntax):
		buffered, _ := io.ReadAll(p.dec.Buffered())
		if errors.As(json.Unmarshal(buffered, new(json.RawMessage)), &syntax) {
			start += syntax.Offset
		}
	}
	return p.failAt(start, err, format, args...)
}

func (p *jsonParser) failAt(offset int64, err error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if err != nil && !errors.Is(err, errNotStructures) {
		msg += " : " + frenchJSONError(err)
	}
	return fmt.Errorf("ligne %d : %s", p.lines.lineAt(offset), msg)
}

var errNotStructures = errors.New("not a structures flow")

func (p *jsonParser) parse() error {
	objects := 0
	for {
		tok, err := p.dec.Token()
		if err == io.EOF && objects > 0 {
			return nil
		}
		if err != nil {
			return p.fail(err, "JSON illisible")
		}
		switch tok {
		case json.Delim('{'):
			err = p.structures()
		case json.Delim('['):
			err = p.array()
		default:
			err = p.fail(errNotStructures, "objet « structures » FINESS attendu")
		}
		if err != nil {
			return err
		}
		objects++
	}
}

// array reads a list of structures objects.
func (p *jsonParser) array() error {
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return p.fail(err, "JSON illisible")
		}
		if tok != json.Delim('{') {
			return p.fail(errNotStructures, "objet « structures » FINESS attendu")
		}
		if err := p.structures(); err != nil {
			return err
		}
	}
	_, err := p.dec.Token() // ']'
	if err != nil {
		return p.fail(err, "JSON illisible")
	}
	return nil
}

// structures reads one flow object whose '{' was consumed.
func (p *jsonParser) structures() error {
	sawPMEJ := false
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return p.fail(err, "JSON illisible")
		}
		key, _ := tok.(string)
		if strings.EqualFold(key, "pmej") {
			sawPMEJ = true
			err = p.pmejList()
		} else {
			err = p.skip()
		}
		if err != nil {
			return err
		}
	}
	if _, err := p.dec.Token(); err != nil { // '}'
		return p.fail(err, "JSON illisible")
	}
	if !sawPMEJ {
		return p.fail(errNotStructures, "clé « pmej » absente : ce n'est pas un flux « structures » FINESS")
	}
	return nil
}

func (p *jsonParser) pmejList() error {
	tok, err := p.dec.Token()
	if err != nil {
		return p.fail(err, "JSON illisible")
	}
	if tok == nil { // "pmej": null
		return nil
	}
	if tok != json.Delim('[') {
		return p.fail(errNotStructures, "« pmej » doit être une liste")
	}
	for p.dec.More() {
		p.pmej++
		start := p.dec.InputOffset()
		var pm jsonPMEJ
		if err := p.dec.Decode(&pm); err != nil {
			return p.failValue(start, err, "entité juridique n°%d illisible", p.pmej)
		}
		p.addPMEJ(&pm)
		p.lines.advance(p.dec.InputOffset())
	}
	if _, err := p.dec.Token(); err != nil { // ']'
		return p.fail(err, "JSON illisible")
	}
	return nil
}

// skip consumes one value without building it.
func (p *jsonParser) skip() error {
	depth := 0
	for {
		tok, err := p.dec.Token()
		if err != nil {
			return p.fail(err, "JSON illisible")
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			p.lines.advance(p.dec.InputOffset())
			return nil
		}
	}
}

func (p *jsonParser) addPMEJ(pm *jsonPMEJ) {
	operator := string(pm.Info.LongName)
	if operator == "" {
		operator = string(pm.Info.Name)
	}
	ej := normalizeFiness(string(pm.Info.Finess))
	for i := range pm.EGE {
		p.ege++
		p.c.add(egeRecord(&pm.EGE[i], ej, operator, p.ege))
	}
}

func egeRecord(g *jsonEGE, ej, operator string, line int) Record {
	r := Record{
		FinessET:     normalizeFiness(string(g.Info.Finess)),
		FinessEJ:     ej,
		Name:         string(g.Info.Name),
		LongName:     string(g.Info.LongName),
		Category:     string(g.Category),
		OperatorName: operator,
		Line:         line,
	}
	if r.Name == "" {
		r.Name = r.LongName
	}
	state := strings.ToUpper(string(g.State))
	r.Closed = state == "I" || (state == "" && g.Info.Closing != "")
	for _, c := range g.Contact {
		if r.Phone == "" {
			r.Phone = string(c.Telecom.Phone)
		}
		if r.Email == "" {
			r.Email = string(c.Telecom.Email)
		}
	}
	if len(g.Address) > 0 {
		a := &g.Address[0]
		r.Address = Address{
			Street:      string(a.Line4),
			PostalCode:  string(a.PostalCode),
			CommuneCode: strings.ToUpper(string(a.Commune)),
			City:        string(a.City),
		}
		if r.Address.Street == "" {
			r.Address.Street = street(string(a.Number), string(a.Index), string(a.Kind), string(a.Name))
		}
		if r.Address.Street == "" {
			r.Address.Street = string(a.Place)
		}
		metro := !overseas(r.Address.CommuneCode) && !overseas(r.FinessET)
		r.Lat, r.Lng, r.HasCoordinates = jsonCoordinates(a.Geo, metro)
	}
	return r
}

// frenchJSONError says in French what encoding/json found wrong.
func frenchJSONError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "fin de fichier inattendue"
	case errors.As(err, &syntax):
		return "syntaxe JSON invalide (" + syntax.Error() + ")"
	case errors.As(err, &typ):
		return fmt.Sprintf("type inattendu pour « %s » (%s)", typ.Field, typ.Value)
	}
	return err.Error()
}

// lineCounter counts the lines of what the decoder has read so that a byte
// offset can be reported as a line. It remembers only the newlines the
// decoder has read ahead and not yet passed, so memory stays small.
type lineCounter struct {
	r      io.Reader
	read   int64   // bytes read so far
	line   int     // newlines before the last offset passed to advance
	ahead  []int64 // offsets of newlines read; those before head are counted
	head   int
	passed int64
}

func (l *lineCounter) Read(b []byte) (int, error) {
	n, err := l.r.Read(b)
	for i := 0; i < n; i++ {
		if b[i] == '\n' {
			l.ahead = append(l.ahead, l.read+int64(i))
		}
	}
	l.read += int64(n)
	return n, err
}

// advance counts the newlines before offset and forgets them.
func (l *lineCounter) advance(offset int64) {
	for l.head < len(l.ahead) && l.ahead[l.head] < offset {
		l.head++
		l.line++
	}
	if l.head > 1024 && l.head > len(l.ahead)/2 {
		l.ahead = append(l.ahead[:0], l.ahead[l.head:]...)
		l.head = 0
	}
	l.passed = max(l.passed, offset)
}

// lineAt returns the 1-based line of offset, or of the last offset passed to
// advance if offset is before it.
func (l *lineCounter) lineAt(offset int64) int {
	l.advance(offset)
	return l.line + 1
}
