package hsds

import "strings"

// HSDS 3.0 has no field for what makes a structure or an offer in Passerelle
// (its type, sector, authority, operator; an offer's modality, public, needs,
// conditions and places), so these travel as attributes: one term per kind of
// fact, the fact itself in the attribute's value. The terms form a small
// embedded taxonomy with fixed ids, in French.

// taxonomy is the embedded Passerelle taxonomy.
var taxonomy = Taxonomy{
	ID:          derivedID("taxonomy", "passerelle"),
	Name:        "Passerelle",
	Description: "Caractéristiques des structures et des offres de l'annuaire Passerelle (protection de l'enfance et médico-social).",
	Version:     "1",
}

// Codes of the terms.
const (
	termStructureType    = "type_structure"
	termSector           = "secteur"
	termAuthority        = "autorite"
	termOperator         = "organisme_gestionnaire"
	termModality         = "modalite"
	termPublic           = "public"
	termNeed             = "besoin"
	termCondition        = "condition_admission"
	termPlacesAuthorised = "places_autorisees"
	termPlacesInstalled  = "places_installees"
)

// terms gives each code its French name and description.
var terms = map[string][2]string{
	termStructureType:    {"Type de structure", "Catégorie de l'établissement ou du service (MECS, DITEP, IME…)."},
	termSector:           {"Secteur", "Secteur de la structure : protection de l'enfance ou médico-social."},
	termAuthority:        {"Autorité", "Autorité qui autorise et finance la structure (conseil départemental, ARS, PJJ)."},
	termOperator:         {"Organisme gestionnaire", "Association, fondation ou organisme public qui gère la structure."},
	termModality:         {"Modalité d'accueil", "Modalité d'accueil ou d'accompagnement de l'offre (internat, accueil de jour, répit…)."},
	termPublic:           {"Public accueilli", "Public auquel l'offre s'adresse (mixte, garçons, filles…)."},
	termNeed:             {"Besoin", "Besoin auquel l'offre répond."},
	termCondition:        {"Condition d'admission", "Condition à remplir pour être admis dans l'offre."},
	termPlacesAuthorised: {"Places autorisées", "Nombre de places autorisées par l'autorité."},
	termPlacesInstalled:  {"Places installées", "Nombre de places effectivement installées."},
}

// term returns the taxonomy term of code.
func term(code string) *TaxonomyTerm {
	t := terms[code]
	detail := taxonomy
	return &TaxonomyTerm{
		ID:             derivedID("taxonomy", "passerelle", code),
		Code:           code,
		Name:           t[0],
		Description:    t[1],
		Taxonomy:       taxonomy.Name,
		TaxonomyID:     taxonomy.ID,
		Language:       "fr",
		TaxonomyDetail: &detail,
	}
}

// attribute states value for the term code on the object owner; an empty
// value gives no attribute. The id depends on the value too, so that an offer with
// several needs gets one attribute per need.
func attribute(owner, code, value string) (Attribute, bool) {
	if value == "" {
		return Attribute{}, false
	}
	t := term(code)
	return Attribute{
		ID:             derivedID(owner, "attribute", code, value),
		TaxonomyTermID: t.ID,
		Value:          value,
		TaxonomyTerm:   t,
	}, true
}

// attributes builds the attributes of owner from (code, value) pairs, in
// order, skipping empty values and repeated pairs.
func attributes(owner string, pairs ...[2]string) []Attribute {
	var out []Attribute
	seen := map[[2]string]bool{}
	for _, p := range pairs {
		p[1] = strings.TrimSpace(p[1])
		if seen[p] {
			continue
		}
		seen[p] = true
		if a, ok := attribute(owner, p[0], p[1]); ok {
			out = append(out, a)
		}
	}
	return out
}
