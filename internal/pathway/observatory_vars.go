package pathway

import (
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/org"
)

// ObservatoryTable is one CSV file of the observatory export.
type ObservatoryTable struct {
	Name    string // the file is Name + ".csv"
	Meaning string // one line, in French
}

// ObservatoryVariable is one column of the export, as variables.csv and
// docs/observatory-export.md document it.
type ObservatoryVariable struct {
	Name, Table, Type, Meaning string
}

// Types of the variables, in French.
const (
	obsText  = "texte"
	obsCode  = "code"
	obsDay   = "date (AAAA-MM-JJ)"
	obsMonth = "mois (AAAA-MM)"
	obsInt   = "entier"
	obsBool  = "booléen (oui/non)"
)

// ObservatoryTables are the files of the export, in the order written.
var ObservatoryTables = []ObservatoryTable{
	{"enfants", "Un enfant du département par ligne."},
	{"mesures", "Les mesures (administratives, judiciaires) de chaque enfant."},
	{"notifications", "Les notifications MDPH (décisions de la CDAPH) et ce qu'il en est advenu."},
	{"cercle", "Les structures du cercle de l'enfant : qui l'accompagne, à quel titre, depuis quand."},
	{"evenements", "Le fil des événements du dossier (sans aucun texte)."},
	{"demandes", "Les demandes entre structures au sujet de l'enfant et leurs réponses."},
	{"alertes", "Les alertes de rupture envoyées au référent."},
}

// codes lists a code list for a meaning: "a (libellé), b (libellé)".
func codes(list []Code) string {
	parts := make([]string, len(list))
	for i, c := range list {
		parts[i] = c.Code + " (" + c.Label + ")"
	}
	return strings.Join(parts, ", ")
}

func measureCodes() string {
	list := make([]Code, len(MeasureKinds))
	for i, k := range MeasureKinds {
		list[i] = Code{k.Code, k.Label}
	}
	return codes(list)
}

func structureTypeCodes() string {
	list := make([]Code, len(org.StructureTypes))
	for i, t := range org.StructureTypes {
		list[i] = Code{t.Code, t.Label}
	}
	return codes(list)
}

// sectionCodes are the record's sections an event or an alert belongs to.
func sectionCodes() string {
	list := make([]Code, 0, len(access.Sections))
	for _, s := range access.Sections {
		list = append(list, Code{string(s), Label(SectionLabels, string(s))})
	}
	return codes(list)
}

// requestKindCodes and requestOutcomes mirror internal/request (which
// pathway does not import: request depends on pathway through the web).
var (
	requestKindCodes = []Code{{"admission", "Admission"}, {"respite", "Accueil de répit"},
		{"sequential", "Accueil séquentiel ou partagé"}, {"mobile_team", "Intervention de l'équipe mobile"},
		{"consultation", "Consultation"}, {"relay", "Séjour relais chez un assistant familial"},
		{"staff", "Mise à disposition de personnel"}}
	requestOutcomes = []Code{{"open", "En cours"}, {"confirmed", "Une structure retenue, place confirmée"},
		{"withdrawn", "Retirée par le demandeur"}, {"ended", "Terminée sans structure retenue (refus ou sans réponse)"}}
	refusalCodes = []Code{{"no_place", "Pas de place"}, {"outside_authorisation", "Hors de l'autorisation"},
		{"needs_beyond", "Besoins au-delà de ce que la structure peut apporter"}, {"territory", "Hors du territoire"},
		{"notification_missing", "Notification MDPH absente"}, {"file_incomplete", "Dossier incomplet"}, {"other", "Autre raison"}}
	modalityCodes = []Code{{"residential", "Internat"}, {"sequential", "Internat séquentiel, accueil partagé"},
		{"day_care", "Accueil de jour, externat"}, {"respite", "Accueil temporaire ou de répit"},
		{"emergency", "Accueil d'urgence"}, {"home_school", "Intervention à domicile ou à l'école (SESSAD…)"},
		{"foster", "Accueil familial"}, {"mobile", "Équipe mobile"}, {"consultation", "Consultation"},
		{"other", "Autre"}}
)

const keyOf = "Pseudonyme stable de l'enfant (clé de la table enfants)."

// ObservatoryVariables documents every column of every table, in order:
// the export's headers are read from this list, so the documentation
// cannot differ from the files.
var ObservatoryVariables = []ObservatoryVariable{
	{"pseudonyme", "enfants", obsText, "Pseudonyme de l'enfant propre à l'observatoire (OBS- et 16 caractères, HMAC du pseudonyme du dossier sous une clé secrète du département), le même d'un export à l'autre ; aucun autre identifiant n'est exporté."},
	{"naissance", "enfants", obsMonth, "Année et mois de naissance (le jour n'est jamais exporté)."},
	{"sexe", "enfants", obsCode, codes(Sexes) + "."},
	{"lieu_de_vie", "enfants", obsCode, "Où vit l'enfant : " + codes(LivingKinds) + "."},
	{"lieu_de_vie_type", "enfants", obsCode, "Type de la structure où vit l'enfant (voir structure_type ci-dessous) ; vide hors structure. Ni son nom ni son adresse."},
	{"dossier_ouvert_le", "enfants", obsDay, "Jour de création du dossier dans Passerelle."},

	{"pseudonyme", "mesures", obsText, keyOf},
	{"mesure", "mesures", obsText, "Clé pseudonyme de la mesure : pseudonyme de l'enfant, « -M », rang de la mesure par date de début."},
	{"nature", "mesures", obsCode, measureCodes() + "."},
	{"autorite", "mesures", obsCode, "judiciaire ou administrative, selon la nature de la mesure (le nom de l'autorité saisi dans le dossier n'est pas exporté)."},
	{"decidee_le", "mesures", obsDay, "Jour de la décision (le premier jour de la mesure quand il n'a pas été saisi)."},
	{"debut", "mesures", obsDay, "Premier jour de la mesure."},
	{"fin", "mesures", obsDay, "Dernier jour de la mesure ; vide : sans fin prévue."},
	{"renouvelle", "mesures", obsText, "Clé (colonne mesure) de la mesure que celle-ci renouvelle ; vide sinon."},

	{"pseudonyme", "notifications", obsText, keyOf},
	{"notification", "notifications", obsText, "Clé pseudonyme de la notification : pseudonyme de l'enfant, « -N », rang par date de début."},
	{"orientation", "notifications", obsCode, codes(Orientations) + "."},
	{"modalite", "notifications", obsCode, "Modalité, ramenée à un code depuis la saisie : " + codes(modalityCodes) + " ; vide si non précisée."},
	{"debut", "notifications", obsDay, "Début de validité."},
	{"fin", "notifications", obsDay, "Fin de validité."},
	{"suite", "notifications", obsCode, "Ce qu'il en est advenu : " + codes(NotificationStatuses) + "."},
	{"suite_le", "notifications", obsDay, "Jour où la suite a été constatée."},
	{"structure_admission_type", "notifications", obsCode, "Type de la structure qui a admis l'enfant (voir structure_type) ; vide sans admission."},

	{"pseudonyme", "cercle", obsText, keyOf},
	{"structure_type", "cercle", obsCode, "Type de la structure : " + structureTypeCodes() + " ; pjj pour un service de la PJJ."},
	{"qualite", "cercle", obsCode, "À quel titre la structure accompagne l'enfant : " + codes(CapacityLabels) + "."},
	{"fondement", "cercle", obsCode, "Fondement du partage : " + codes(Bases) + "."},
	{"statut", "cercle", obsCode, codes(MemberStatuses) + "."},
	{"debut", "cercle", obsDay, "Premier jour dans le cercle."},
	{"fin", "cercle", obsDay, "Dernier jour prévu ; vide : sans fin prévue."},

	{"pseudonyme", "evenements", obsText, keyOf},
	{"nature", "evenements", obsCode, "Nature de l'événement (created, identity, measure, notification, notification_status, circle_invite, circle_answer, circle_leave, consent, liaison, planning, note…), sans son texte ni son auteur."},
	{"section", "evenements", obsCode, "Partie du dossier : " + sectionCodes() + "."},
	{"date", "evenements", obsDay, "Jour de l'événement (UTC)."},

	{"pseudonyme", "demandes", obsText, keyOf},
	{"demande", "demandes", obsText, "Clé pseudonyme de la demande : pseudonyme de l'enfant, « -D », rang par date d'envoi."},
	{"nature", "demandes", obsCode, codes(requestKindCodes) + "."},
	{"urgence", "demandes", obsBool, "Demande marquée urgente."},
	{"envoyee_le", "demandes", obsDay, "Jour d'envoi (UTC)."},
	{"terminee_le", "demandes", obsDay, "Jour où la demande s'est terminée ; vide si elle est en cours."},
	{"issue", "demandes", obsCode, codes(requestOutcomes) + "."},
	{"structures_sollicitees", "demandes", obsInt, "Nombre de structures à qui la demande a été adressée."},
	{"structures_types", "demandes", obsText, "Types des structures sollicitées (codes structure_type séparés par « | », sans doublon)."},
	{"acceptations", "demandes", obsInt, "Nombre de structures qui ont accepté (acceptation confirmée ou non)."},
	{"refus", "demandes", obsInt, "Nombre de structures qui ont refusé."},
	{"motifs_refus", "demandes", obsText, "Motifs codés des refus, séparés par « | » : " + codes(refusalCodes) + "."},
	{"delai_premiere_reponse_h", "demandes", obsInt, "Heures entre l'envoi et la première réponse d'une structure (acceptation, refus ou question) ; vide sans réponse."},
	{"reponses_hors_delai", "demandes", obsInt, "Nombre de structures qui ont répondu après l'échéance, ou pas du tout alors qu'elle est passée."},

	{"pseudonyme", "alertes", obsText, keyOf},
	{"section", "alertes", obsCode, "Sujet de l'alerte : measures (fin de mesure), notifications (notification échue, enfant sans solution), planning (trou ou conflit de planning), project (révision du projet)."},
	{"date", "alertes", obsDay, "Jour d'envoi de l'alerte (UTC)."},
}

// ObservatoryColumns returns the header of a table.
func ObservatoryColumns(table string) []string {
	var out []string
	for _, v := range ObservatoryVariables {
		if v.Table == table {
			out = append(out, v.Name)
		}
	}
	return out
}
