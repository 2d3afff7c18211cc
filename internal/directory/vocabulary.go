package directory

// Code is one value of a closed list, with its French label.
type Code struct{ Code, Label string }

// label returns the label of code in list, the code itself when unknown.
func label(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

func known(list []Code, code string) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Modalities of an offer (DOMAIN.md, "Modality").
var Modalities = []Code{
	{"residential", "Internat (accueil avec hébergement)"},
	{"day_care", "Accueil de jour, externat"},
	{"sequential", "Accueil séquentiel ou partagé"},
	{"respite", "Accueil temporaire ou de répit"},
	{"emergency", "Accueil d'urgence"},
	{"home_school", "Intervention à domicile et à l'école"},
	{"foster", "Accueil familial"},
	{"parental_relay", "Relais parental"},
	{"mobile", "Intervention d'équipe mobile"},
	{"consultation", "Consultation"},
}

// Needs are the disabilities and needs an offer is meant for.
var Needs = []Code{
	{"autism", "Troubles du spectre de l'autisme"},
	{"behaviour", "Troubles du comportement et de la conduite"},
	{"intellectual", "Déficience intellectuelle"},
	{"multiple", "Polyhandicap"},
	{"psychic", "Troubles psychiques"},
	{"motor", "Déficience motrice"},
	{"sensory", "Déficience sensorielle (vue, audition)"},
	{"parenthood", "Soutien à la parentalité (parents et jeunes enfants)"},
}

// Conditions of admission to an offer.
var Conditions = []Code{
	{"mdph_notification", "Notification MDPH nécessaire"},
	{"ase_measure", "Mesure ASE nécessaire"},
	{"judicial_decision", "Décision judiciaire nécessaire"},
	{"parents_request", "À la demande des parents"},
}

// Publics: who an offer takes, by sex.
var Publics = []Code{
	{"mixed", "Mixte"},
	{"boys", "Garçons"},
	{"girls", "Filles"},
}

// ContactFunctions: a structure is reached through functions, not persons,
// so that the entry survives a change of holder.
var ContactFunctions = []Code{
	{"on_duty", "Cadre d'astreinte (urgences)"},
	{"direction", "Direction"},
	{"admissions", "Admissions"},
	{"secretariat", "Secrétariat"},
	{"partnership", "Référent partenariats"},
	{"other", "Autre"},
}

// Authorities that authorise structures.
var Authorities = []Code{
	{"cd", "Conseil départemental"},
	{"ars", "ARS"},
	{"cd_ars", "Conjointe CD / ARS"},
	{"pjj", "PJJ"},
	{"state", "État"},
}

// Where a structure's coordinates come from.
const (
	CoordFiness   = "finess"   // the FINESS geolocation
	CoordDirector = "director" // typed by the structure
	CoordCommune  = "commune"  // the commune centre
)

// CoordSources labels the coordinate sources.
var CoordSources = []Code{
	{CoordFiness, "Position FINESS"},
	{CoordDirector, "Position indiquée par la structure"},
	{CoordCommune, "Centre de la commune"},
}

// DocumentKinds are the documents an entry may carry.
var DocumentKinds = []Code{
	{"booklet", "Livret d'accueil"},
	{"presentation", "Présentation"},
}

// ModalityLabel, NeedLabel… return the French label of a code.
func ModalityLabel(c string) string    { return label(Modalities, c) }
func NeedLabel(c string) string        { return label(Needs, c) }
func ConditionLabel(c string) string   { return label(Conditions, c) }
func PublicLabel(c string) string      { return label(Publics, c) }
func FunctionLabel(c string) string    { return label(ContactFunctions, c) }
func AuthorityLabel(c string) string   { return label(Authorities, c) }
func CoordSourceLabel(c string) string { return label(CoordSources, c) }
func DocumentKindLabel(c string) string {
	return label(DocumentKinds, c)
}
