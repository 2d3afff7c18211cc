// Package geo holds the French administrative geography Passerelle needs:
// every commune (and the municipal arrondissements of Paris, Lyon and
// Marseille) with its postal codes, position and population, the
// départements, an accent- and abbreviation-aware commune search, and a
// travel-time estimate between two points.
//
// The data is embedded (internal/geo/data, about 600 KB gzip-compressed),
// produced by the generator in internal/geo/gen from the reference CSV files
// (see the NOTICE file for their origin and licence). It is decoded lazily,
// once, on first use, into an immutable index; every function is safe for
// concurrent use and returns copies, never the index's own slices.
//
// The reference files lack the communes of Paris (75056), Lyon (69123) and
// Marseille (13055) themselves: the generator rebuilds them from their
// arrondissements (population summed, postal codes merged, position at the
// population-weighted mean of the arrondissement centres).
package geo

//go:generate go run ./gen -communes ../../../shared/data/communes.csv -departements ../../../shared/data/departements.csv -out data

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Kinds of Commune.
const (
	KindCommune        = "COM" // a commune
	KindArrondissement = "ARM" // a municipal arrondissement of Paris, Lyon or Marseille
)

// Commune is a French commune or municipal arrondissement.
type Commune struct {
	Code        string   // INSEE code, e.g. "42218", "2A004", "97411"
	Name        string   // official name, e.g. "Saint-Étienne"
	Departement string   // département code, e.g. "42", "2A", "974"
	Region      string   // INSEE region code, e.g. "84"
	PostalCodes []string // sorted, at least one
	Lat, Lng    float64  // WGS84 position of the commune centre
	Population  int      // municipal population 2021
	Kind        string   // KindCommune or KindArrondissement
	// CentreApprox is true when the reference data has no position for the
	// commune: Lat and Lng are then those of its département's centre.
	CentreApprox bool
	// Parent is, for an arrondissement, the INSEE code of its commune
	// (75056, 69123 or 13055); empty otherwise.
	Parent string
}

// Point returns the commune's position.
func (c Commune) Point() Point { return Point{Lat: c.Lat, Lng: c.Lng} }

// Departement is a French département.
type Departement struct {
	Code     string  // "01" … "95", "2A", "2B", "971" … "976"
	Name     string  // e.g. "Loire"
	Region   string  // INSEE region code
	Lat, Lng float64 // geographic centre (IGN), WGS84
	ChefLieu string  // INSEE code of the prefecture's commune
}

// Point returns the département's geographic centre.
func (d Departement) Point() Point { return Point{Lat: d.Lat, Lng: d.Lng} }

var (
	//go:embed data/communes.txt.gz
	communesGz []byte
	//go:embed data/departements.csv.gz
	departementsGz []byte
)

// communeColumns must match the generator's (internal/geo/gen).
var communeColumns = []string{
	"code", "kind", "departement", "region", "name", "postal",
	"lat", "lng", "population", "parent", "approx",
}

const communesMagic = "passerelle-geo communes v1"

// index is the decoded data; never modified after load.
type index struct {
	communes  []Commune // sorted by Code
	codes     []string  // communes[i].Code, for binary search
	deps      []Departement
	depByCode map[string]int
	search    searchIndex
}

var loadIndex = sync.OnceValues(func() (*index, error) {
	return buildIndex(communesGz, departementsGz)
})

// idx returns the index. The embedded data is generated and validated, so a
// decoding failure is a build defect, not a runtime condition.
func idx() *index {
	ix, err := loadIndex()
	if err != nil {
		panic("geo: données embarquées illisibles : " + err.Error())
	}
	return ix
}

func buildIndex(communesData, depsData []byte) (*index, error) {
	deps, err := decodeDepartements(depsData)
	if err != nil {
		return nil, fmt.Errorf("departements: %w", err)
	}
	communes, err := decodeCommunes(communesData)
	if err != nil {
		return nil, fmt.Errorf("communes: %w", err)
	}
	ix := &index{communes: communes, deps: deps, depByCode: make(map[string]int, len(deps))}
	for i, d := range deps {
		ix.depByCode[d.Code] = i
	}
	ix.codes = make([]string, len(communes))
	for i, c := range communes {
		if i > 0 && c.Code <= communes[i-1].Code {
			return nil, fmt.Errorf("communes: codes non triés ou en double près de %s", c.Code)
		}
		if _, ok := ix.depByCode[c.Departement]; !ok {
			return nil, fmt.Errorf("communes: %s: département %q inconnu", c.Code, c.Departement)
		}
		ix.codes[i] = c.Code
	}
	ix.search = newSearchIndex(communes)
	return ix, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

func decodeDepartements(data []byte) ([]Departement, error) {
	raw, err := gunzip(data)
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) < 2 || !slices.Equal(recs[0], []string{"code", "region", "nom", "lat", "lng", "chef_lieu"}) {
		return nil, errors.New("en-tête inattendu")
	}
	deps := make([]Departement, 0, len(recs)-1)
	for _, r := range recs[1:] {
		lat, err1 := strconv.ParseFloat(r[3], 64)
		lng, err2 := strconv.ParseFloat(r[4], 64)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%s: %w", r[0], err)
		}
		deps = append(deps, Departement{Code: r[0], Region: r[1], Name: r[2], Lat: lat, Lng: lng, ChefLieu: r[5]})
	}
	if !slices.IsSortedFunc(deps, func(a, b Departement) int { return strings.Compare(a.Code, b.Code) }) {
		return nil, errors.New("départements non triés")
	}
	return deps, nil
}

func decodeCommunes(data []byte) ([]Commune, error) {
	raw, err := gunzip(data)
	if err != nil {
		return nil, err
	}
	// One string for the whole text: every field is a substring of it.
	text := string(raw)
	next := func() (string, bool) {
		if text == "" {
			return "", false
		}
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		return line, true
	}
	head, _ := next()
	n, err := strconv.Atoi(strings.TrimPrefix(head, communesMagic+" "))
	if !strings.HasPrefix(head, communesMagic+" ") || err != nil || n <= 0 {
		return nil, fmt.Errorf("en-tête inattendu %q", head)
	}
	communes := make([]Commune, n)
	interned := map[string]string{}
	intern := func(s string) string {
		if v, ok := interned[s]; ok {
			return v
		}
		interned[s] = s
		return s
	}
	for _, col := range communeColumns {
		if h, _ := next(); h != "#"+col {
			return nil, fmt.Errorf("colonne %q attendue, trouvé %q", col, h)
		}
		for i := range communes {
			v, ok := next()
			if !ok {
				return nil, fmt.Errorf("colonne %s tronquée", col)
			}
			c := &communes[i]
			var err error
			switch col {
			case "code":
				c.Code = v
			case "kind":
				c.Kind = intern(v)
			case "departement":
				c.Departement = intern(v)
			case "region":
				c.Region = intern(v)
			case "name":
				c.Name = v
			case "postal":
				c.PostalCodes = strings.Fields(v)
			case "lat":
				c.Lat, err = strconv.ParseFloat(v, 64)
			case "lng":
				c.Lng, err = strconv.ParseFloat(v, 64)
			case "population":
				c.Population, err = strconv.Atoi(v)
			case "parent":
				c.Parent = v
			case "approx":
				c.CentreApprox = v == "1"
			}
			if err != nil {
				return nil, fmt.Errorf("colonne %s, ligne %d : %w", col, i+1, err)
			}
		}
	}
	if text != "" {
		return nil, errors.New("données en trop après la dernière colonne")
	}
	return communes, nil
}

// Load decodes the embedded data now rather than on first use, for instance
// at server start, and reports whether it could.
func Load() error {
	_, err := loadIndex()
	return err
}

// clone returns a copy of c that shares no memory the caller could modify.
func clone(c Commune) Commune {
	c.PostalCodes = slices.Clone(c.PostalCodes)
	return c
}

// CommuneByCode returns the commune or arrondissement with this INSEE code
// ("42218", "2A004"; letters are case-insensitive).
func CommuneByCode(code string) (Commune, bool) {
	ix := idx()
	code = strings.ToUpper(strings.TrimSpace(code))
	i, ok := slices.BinarySearch(ix.codes, code)
	if !ok {
		return Commune{}, false
	}
	return clone(ix.communes[i]), true
}

// DepartementByCode returns the département with this code ("42", "2a",
// "974").
func DepartementByCode(code string) (Departement, bool) {
	ix := idx()
	i, ok := ix.depByCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Departement{}, false
	}
	return ix.deps[i], true
}

// Departements returns all départements sorted by code ("01" … "19", "21" …,
// "2A", "2B", "30" … "95", "971" … "976").
func Departements() []Departement {
	return slices.Clone(idx().deps)
}
