package indicators

import (
	"context"
	"slices"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/geo"
)

// Regions are the INSEE regions, by code, with their French names.
var Regions = map[string]string{
	"01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
	"11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté", "28": "Normandie",
	"32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire", "53": "Bretagne",
	"75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
	"93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
}

// Keys of the pre-aggregated rows of a region and of the nation, beside
// those of the départements (their codes).
const nationKey = "FR"

func regionKey(code string) string { return "R:" + code }

// check validates sc and returns its key in the facts table, its label
// and the resource the policy judges.
func (sc Scope) check() (key, label string, res access.Resource, err error) {
	res = access.Resource{Type: access.ResDashboard}
	switch sc.Level {
	case LevelDepartement:
		d, ok := geo.DepartementByCode(strings.ToUpper(sc.Code))
		if !ok {
			return "", "", res, invalid("code", "Département inconnu : donnez son code (« 42 », « 2A », « 974 »).")
		}
		res.Departement = d.Code
		return d.Code, d.Name + " (" + d.Code + ")", res, nil
	case LevelRegion:
		name, ok := Regions[sc.Code]
		if !ok {
			return "", "", res, invalid("code", "Région inconnue : donnez son code INSEE (« 84 » pour Auvergne-Rhône-Alpes).")
		}
		res.Region = sc.Code
		return regionKey(sc.Code), name, res, nil
	case LevelNational:
		if sc.Code != "" {
			return "", "", res, invalid("code", "Le tableau national n'a pas de code de territoire.")
		}
		return nationKey, "France", res, nil
	}
	return "", "", res, invalid("level", "Niveau inconnu : « departement », « region » ou « national ».")
}

// Scopes are the dashboards the actor may open, nearest first (their
// département, its region, the nation); an administrator has the nation,
// every region and every département.
func (s *Service) Scopes(ctx context.Context) ([]Scope, error) {
	a := access.ActorFrom(ctx)
	var out []Scope
	add := func(sc Scope) {
		if slices.Contains(out, sc) {
			return
		}
		if _, _, res, err := sc.check(); err == nil && access.Can(a, access.ActionView, res) {
			out = append(out, sc)
		}
	}
	if a.IsAdmin() || a.System {
		add(Scope{Level: LevelNational})
		for _, code := range sortedRegions() {
			add(Scope{Level: LevelRegion, Code: code})
		}
		for _, d := range geo.Departements() {
			add(Scope{Level: LevelDepartement, Code: d.Code})
		}
		return out, nil
	}
	var regions []string
	for _, m := range a.Memberships {
		if m.Role != access.RoleSteering || m.Departement == "" {
			continue
		}
		add(Scope{Level: LevelDepartement, Code: m.Departement})
		if d, ok := geo.DepartementByCode(m.Departement); ok {
			regions = append(regions, d.Region)
		}
	}
	for _, r := range regions {
		add(Scope{Level: LevelRegion, Code: r})
	}
	add(Scope{Level: LevelNational})
	if len(out) == 0 {
		return nil, apperr.New(apperr.Forbidden, "Les tableaux de bord territoriaux sont réservés au pilotage (département, ARS, MDPH).")
	}
	return out, nil
}

// Label names a scope in French: "Loire (42)", "Auvergne-Rhône-Alpes", "France".
func (sc Scope) Label() string {
	_, label, _, err := sc.check()
	if err != nil {
		return ""
	}
	return label
}

func sortedRegions() []string {
	codes := make([]string, 0, len(Regions))
	for c := range Regions {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// invalid is a validation error on one field.
func invalid(field, message string) error {
	var v apperr.Validation
	v.Add(field, message)
	return v.ErrSaying("Le territoire demandé n'est pas valide.")
}
