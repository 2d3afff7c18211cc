// Command gen converts the reference CSV files of communes and départements
// (see /work/shared/data/README.md) into the compact embedded form read by
// package geo. Run it from the repository root:
//
//	go run ./internal/geo/gen -communes ../shared/data/communes.csv \
//		-departements ../shared/data/departements.csv -out internal/geo/data
//
// or "go generate ./internal/geo". It validates every row, reports each
// malformed one with its line number and the reason, and exits non-zero
// without writing anything if any row is rejected.
//
// Outputs (both gzip-compressed, deterministic for a given input):
//
//   - communes.txt.gz: a columnar text file. The first line is
//     "passerelle-geo communes v1 <n>"; then, for each column in the order of
//     communeColumns, a line "#<column>" followed by exactly n lines of values,
//     one per commune, communes sorted by INSEE code. Storing columns rather
//     than rows lets gzip compress similar values together (about 15% smaller).
//   - departements.csv.gz: CSV with header code,region,nom,lat,lng,chef_lieu,
//     sorted by code.
//
// Communes without coordinates get the centre of their département and
// approx=1. Parent communes of municipal arrondissements (Paris, Lyon,
// Marseille) that are referenced by the arrondissements but missing from the
// input are rebuilt from them: name = the words their names share, postal
// codes = union, population = sum, position = population-weighted mean of the
// arrondissement centres.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// communeColumns is the column order of communes.txt.gz; package geo reads
// the same list.
var communeColumns = []string{
	"code", "kind", "departement", "region", "name", "postal",
	"lat", "lng", "population", "parent", "approx",
}

const communesMagic = "passerelle-geo communes v1"

var (
	communesHeader     = []string{"code_insee", "type", "departement", "region", "nom", "codes_postaux", "lat", "lng", "population_2021", "parent"}
	departementsHeader = []string{"code", "region", "nom", "centre_lat", "centre_lng", "superficie_km2", "chef_lieu"}

	reInsee  = regexp.MustCompile(`^(?:[0-9]{2}|2[AB])[0-9]{3}$`)
	reDep    = regexp.MustCompile(`^(?:0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6])$`)
	reRegion = regexp.MustCompile(`^[0-9]{2}$`)
	rePostal = regexp.MustCompile(`^[0-9]{5}$`)
)

type departement struct {
	code, region, name string
	lat, lng           float64
	chefLieu           string
	line               int
}

type commune struct {
	code, kind, dep, region, name string
	postal                        []string
	lat, lng                      float64
	hasCoords                     bool
	population                    int
	parent                        string
	approx                        bool
	line                          int
}

// rowErrors collects validation errors so that all of them are reported.
type rowErrors struct {
	file string
	list []string
}

func (e *rowErrors) add(line int, format string, args ...any) {
	e.list = append(e.list, fmt.Sprintf("%s:%d: %s", e.file, line, fmt.Sprintf(format, args...)))
}

func main() {
	communesPath := flag.String("communes", "", "fichier CSV des communes (communes.csv)")
	departementsPath := flag.String("departements", "", "fichier CSV des départements (departements.csv)")
	out := flag.String("out", "", "répertoire de sortie (internal/geo/data)")
	flag.Parse()
	if *communesPath == "" || *departementsPath == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage : gen -communes communes.csv -departements departements.csv -out internal/geo/data")
		os.Exit(2)
	}
	if err := run(*communesPath, *departementsPath, *out, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(communesPath, departementsPath, outDir string, log io.Writer) error {
	deps, err := readDepartementsFile(departementsPath)
	if err != nil {
		return err
	}
	communes, err := readCommunesFile(communesPath, deps, log)
	if err != nil {
		return err
	}
	communesGz, err := encodeCommunes(communes)
	if err != nil {
		return err
	}
	depsGz, err := encodeDepartements(deps)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(outDir, "communes.txt.gz"), communesGz); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(outDir, "departements.csv.gz"), depsGz); err != nil {
		return err
	}
	fmt.Fprintf(log, "%d communes (%d octets), %d départements (%d octets) écrits dans %s\n",
		len(communes), len(communesGz), len(deps), len(depsGz), outDir)
	return nil
}

func readDepartementsFile(path string) ([]departement, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readDepartements(f, path)
}

func readCommunesFile(path string, deps []departement, log io.Writer) ([]commune, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCommunes(f, path, deps, log)
}

// readCSV reads all records, checking the header and the number of fields,
// and calls row for every data record with its line number.
func readCSV(r io.Reader, name string, header []string, errs *rowErrors, row func(line int, rec []string)) error {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs.add(pe.Line, "CSV invalide : %v", pe.Err)
				return nil // the reader cannot resynchronise reliably
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if len(rec) > 0 {
				rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			}
			if !slices.Equal(rec, header) {
				errs.add(line, "en-tête inattendu %q, attendu %q", strings.Join(rec, ","), strings.Join(header, ","))
				return nil
			}
			continue
		}
		if len(rec) != len(header) {
			errs.add(line, "%d champs au lieu de %d", len(rec), len(header))
			continue
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		row(line, rec)
	}
	if first {
		errs.add(1, "fichier vide")
	}
	return nil
}

func (e *rowErrors) err() error {
	if len(e.list) == 0 {
		return nil
	}
	const max = 50
	msg := e.list
	more := ""
	if len(msg) > max {
		more = fmt.Sprintf("\n… et %d autres erreurs", len(msg)-max)
		msg = msg[:max]
	}
	return fmt.Errorf("%d ligne(s) rejetée(s) :\n%s%s", len(e.list), strings.Join(msg, "\n"), more)
}

func readDepartements(r io.Reader, name string) ([]departement, error) {
	errs := &rowErrors{file: name}
	var deps []departement
	seen := map[string]int{}
	err := readCSV(r, name, departementsHeader, errs, func(line int, rec []string) {
		d := departement{code: rec[0], region: rec[1], name: rec[2], chefLieu: rec[6], line: line}
		ok := true
		if !reDep.MatchString(d.code) {
			errs.add(line, "code de département invalide %q", d.code)
			ok = false
		} else if prev, dup := seen[d.code]; dup {
			errs.add(line, "département %s en double (déjà ligne %d)", d.code, prev)
			ok = false
		}
		if !reRegion.MatchString(d.region) {
			errs.add(line, "code de région invalide %q", d.region)
			ok = false
		}
		if d.name == "" {
			errs.add(line, "nom vide")
			ok = false
		}
		var err error
		if d.lat, d.lng, err = parseLatLng(rec[3], rec[4]); err != nil {
			errs.add(line, "%v", err)
			ok = false
		} else if math.IsNaN(d.lat) {
			errs.add(line, "centre du département manquant")
			ok = false
		}
		if rec[5] != "" {
			if v, err := strconv.ParseFloat(rec[5], 64); err != nil || v <= 0 || math.IsInf(v, 0) {
				errs.add(line, "superficie invalide %q", rec[5])
				ok = false
			}
		}
		if !reInsee.MatchString(d.chefLieu) {
			errs.add(line, "code INSEE du chef-lieu invalide %q", d.chefLieu)
			ok = false
		} else if !strings.HasPrefix(d.chefLieu, d.code) {
			errs.add(line, "chef-lieu %s hors du département %s", d.chefLieu, d.code)
			ok = false
		}
		if ok {
			seen[d.code] = line
			deps = append(deps, d)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	if len(deps) == 0 {
		return nil, fmt.Errorf("%s: aucun département", name)
	}
	slices.SortFunc(deps, func(a, b departement) int { return strings.Compare(a.code, b.code) })
	return deps, nil
}

// parseLatLng parses a WGS84 position; both empty gives NaN, NaN.
func parseLatLng(latS, lngS string) (lat, lng float64, err error) {
	if latS == "" && lngS == "" {
		return math.NaN(), math.NaN(), nil
	}
	if latS == "" || lngS == "" {
		return 0, 0, fmt.Errorf("coordonnées incomplètes (lat %q, lng %q)", latS, lngS)
	}
	lat, err1 := strconv.ParseFloat(latS, 64)
	lng, err2 := strconv.ParseFloat(lngS, 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lng) {
		return 0, 0, fmt.Errorf("coordonnées non numériques (lat %q, lng %q)", latS, lngS)
	}
	if lat < -90 || lat > 90 || lng < -180 || lng > 180 {
		return 0, 0, fmt.Errorf("coordonnées hors limites (lat %q, lng %q)", latS, lngS)
	}
	return lat, lng, nil
}

// depOfInsee returns the département an INSEE commune code belongs to.
func depOfInsee(code string) string {
	if strings.HasPrefix(code, "97") {
		return code[:3]
	}
	return code[:2]
}

func readCommunes(r io.Reader, name string, deps []departement, log io.Writer) ([]commune, error) {
	depByCode := map[string]departement{}
	for _, d := range deps {
		depByCode[d.code] = d
	}
	errs := &rowErrors{file: name}
	var communes []commune
	seen := map[string]int{}
	err := readCSV(r, name, communesHeader, errs, func(line int, rec []string) {
		c := commune{code: rec[0], kind: rec[1], dep: rec[2], region: rec[3], name: rec[4], parent: rec[9], line: line}
		ok := true
		bad := func(format string, args ...any) {
			errs.add(line, format, args...)
			ok = false
		}
		if !reInsee.MatchString(c.code) {
			bad("code INSEE invalide %q", c.code)
		} else if prev, dup := seen[c.code]; dup {
			bad("commune %s en double (déjà ligne %d)", c.code, prev)
		}
		if c.kind != "COM" && c.kind != "ARM" {
			bad("type %q inconnu (attendu COM ou ARM)", c.kind)
		}
		d, depOK := depByCode[c.dep]
		switch {
		case !depOK:
			bad("département %q inconnu", c.dep)
		case reInsee.MatchString(c.code) && depOfInsee(c.code) != c.dep:
			bad("le code %s n'appartient pas au département %s", c.code, c.dep)
		case c.region != d.region:
			bad("région %q différente de celle du département %s (%s)", c.region, d.code, d.region)
		}
		if c.name == "" || strings.ContainsAny(c.name, "\t\r\n") {
			bad("nom vide ou invalide %q", c.name)
		}
		c.postal = strings.Fields(rec[5])
		if len(c.postal) == 0 {
			bad("aucun code postal")
		}
		for _, p := range c.postal {
			if !rePostal.MatchString(p) {
				bad("code postal invalide %q", p)
			}
		}
		slices.Sort(c.postal)
		c.postal = slices.Compact(c.postal)
		lat, lng, err := parseLatLng(rec[6], rec[7])
		switch {
		case err != nil:
			bad("%v", err)
		case math.IsNaN(lat):
			if depOK {
				c.lat, c.lng, c.approx = d.lat, d.lng, true
			}
		default:
			c.lat, c.lng, c.hasCoords = lat, lng, true
		}
		if p, err := strconv.Atoi(rec[8]); err != nil || p < 0 {
			bad("population invalide %q", rec[8])
		} else {
			c.population = p
		}
		switch {
		case c.kind == "ARM" && !reInsee.MatchString(c.parent):
			bad("arrondissement sans commune parente valide (%q)", c.parent)
		case c.kind == "ARM" && reInsee.MatchString(c.code) && depOfInsee(c.parent) != depOfInsee(c.code):
			bad("commune parente %s hors du département", c.parent)
		case c.kind == "COM" && c.parent != "":
			bad("une commune (COM) ne doit pas avoir de parent (%q)", c.parent)
		}
		if ok {
			seen[c.code] = line
			communes = append(communes, c)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	communes, err = addMissingParents(communes, log)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	slices.SortFunc(communes, func(a, b commune) int { return strings.Compare(a.code, b.code) })
	byCode := map[string]bool{}
	for _, c := range communes {
		byCode[c.code] = true
	}
	depErrs := &rowErrors{file: "departements"}
	for _, d := range deps {
		if !byCode[d.chefLieu] {
			depErrs.add(d.line, "chef-lieu %s du département %s absent des communes", d.chefLieu, d.code)
		}
	}
	if err := depErrs.err(); err != nil {
		return nil, err
	}
	for _, c := range communes {
		if c.approx {
			fmt.Fprintf(log, "%s:%d: commune %s (%s) sans coordonnées, centre du département %s utilisé\n", name, c.line, c.code, c.name, c.dep)
		}
	}
	return communes, nil
}

// addMissingParents rebuilds the communes that arrondissements refer to as
// their parent when the input does not contain them.
func addMissingParents(communes []commune, log io.Writer) ([]commune, error) {
	present := map[string]bool{}
	children := map[string][]commune{}
	var order []string
	for _, c := range communes {
		present[c.code] = true
		if c.kind == "ARM" {
			if _, ok := children[c.parent]; !ok {
				order = append(order, c.parent)
			}
			children[c.parent] = append(children[c.parent], c)
		}
	}
	for _, code := range order {
		if present[code] {
			continue
		}
		arms := children[code]
		p := commune{code: code, kind: "COM", dep: arms[0].dep, region: arms[0].region}
		var words []string
		var wsum, lat, lng float64
		for i, a := range arms {
			if a.dep != p.dep {
				return nil, fmt.Errorf("ligne %d : l'arrondissement %s et ses voisins de %s sont dans des départements différents", a.line, a.code, code)
			}
			w := strings.Fields(a.name)
			if i == 0 {
				words = w
			} else {
				n := 0
				for n < len(words) && n < len(w) && words[n] == w[n] {
					n++
				}
				words = words[:n]
			}
			p.postal = append(p.postal, a.postal...)
			p.population += a.population
			if a.hasCoords {
				wt := float64(max(a.population, 1))
				wsum += wt
				lat += wt * a.lat
				lng += wt * a.lng
			}
		}
		if len(words) == 0 {
			return nil, fmt.Errorf("commune %s absente et impossible à reconstituer : ses arrondissements n'ont pas de nom commun", code)
		}
		if wsum == 0 {
			return nil, fmt.Errorf("commune %s absente et impossible à reconstituer : aucun arrondissement n'a de coordonnées", code)
		}
		p.name = strings.Join(words, " ")
		slices.Sort(p.postal)
		p.postal = slices.Compact(p.postal)
		p.lat = math.Round(lat/wsum*1e5) / 1e5
		p.lng = math.Round(lng/wsum*1e5) / 1e5
		p.hasCoords = true
		fmt.Fprintf(log, "commune %s (%s) absente, reconstituée à partir de %d arrondissements\n", code, p.name, len(arms))
		communes = append(communes, p)
	}
	return communes, nil
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func encodeCommunes(communes []commune) ([]byte, error) {
	var text bytes.Buffer
	fmt.Fprintf(&text, "%s %d\n", communesMagic, len(communes))
	for _, col := range communeColumns {
		text.WriteString("#" + col + "\n")
		for _, c := range communes {
			var v string
			switch col {
			case "code":
				v = c.code
			case "kind":
				v = c.kind
			case "departement":
				v = c.dep
			case "region":
				v = c.region
			case "name":
				v = c.name
			case "postal":
				v = strings.Join(c.postal, " ")
			case "lat":
				v = fmtFloat(c.lat)
			case "lng":
				v = fmtFloat(c.lng)
			case "population":
				v = strconv.Itoa(c.population)
			case "parent":
				v = c.parent
			case "approx":
				if c.approx {
					v = "1"
				}
			default:
				return nil, fmt.Errorf("colonne inconnue %q", col)
			}
			text.WriteString(v)
			text.WriteByte('\n')
		}
	}
	return gzipBytes(text.Bytes())
}

func encodeDepartements(deps []departement) ([]byte, error) {
	var text bytes.Buffer
	w := csv.NewWriter(&text)
	_ = w.Write([]string{"code", "region", "nom", "lat", "lng", "chef_lieu"})
	for _, d := range deps {
		_ = w.Write([]string{d.code, d.region, d.name, fmtFloat(d.lat), fmtFloat(d.lng), d.chefLieu})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return gzipBytes(text.Bytes())
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeFile replaces path atomically.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
