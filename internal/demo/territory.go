package demo

import (
	"passerelle/internal/access"
)

// The demo territory: the Loire (42), with real communes and invented
// organisations and people. Every organisation's name says it is fictional,
// every e-mail is under demo.passerelle.test (a reserved top-level domain,
// RFC 2606, so no mail can ever reach anyone) and every phone number is in
// 04 99 xx xx xx, a block chosen for the demo.

// Departement is the demo territory's département (its code).
const Departement = "42"

// DepartementName is its name.
const DepartementName = "Loire"

// mailDomain holds every demo address.
const mailDomain = "demo.passerelle.test"

// orgSeed is one organisation of the demo territory. Key links seeds to each
// other; Operator is the key of the managing organisation.
type orgSeed struct {
	Key      string
	Kind     access.OrgKind
	Name     string
	Type     string // structure type, for structures
	Operator string
	Commune  string // INSEE code of a real commune of the Loire
	Mailbox  string // local part of the contact address
	Phone    string
}

// INSEE codes of the communes used (checked against geo by the tests).
const (
	saintEtienne       = "42218"
	roanne             = "42187"
	montbrison         = "42147"
	firminy            = "42095"
	saintChamond       = "42207"
	riveDeGier         = "42186"
	feurs              = "42094"
	andrezieux         = "42005"
	riorges            = "42184"
	boenSurLignon      = "42019"
	charlieu           = "42052"
	saintJustStRambert = "42279"
	veauche            = "42323"
	chambonFeugerolles = "42044"
	rocheLaMoliere     = "42189"
)

// institutions are the authorities and the platform. They are demo copies
// of real bodies, so they say "(démo)" rather than "(fictif)".
var institutions = []orgSeed{
	// The platform serves every département: it has no commune.
	{Key: "platform", Kind: access.OrgPlatform, Name: "Passerelle — administration de la plateforme (démo)",
		Mailbox: "plateforme", Phone: "04 99 00 00 01"},
	{Key: "ase", Kind: access.OrgASE, Name: "Direction enfance famille — Département de la Loire (démo)",
		Commune: saintEtienne, Mailbox: "enfance-famille", Phone: "04 99 00 10 00"},
	{Key: "ars", Kind: access.OrgARS, Name: "ARS Auvergne-Rhône-Alpes — délégation départementale de la Loire (démo)",
		Commune: saintEtienne, Mailbox: "ars-dd42", Phone: "04 99 00 20 00"},
	{Key: "mdph", Kind: access.OrgMDPH, Name: "MDPH de la Loire (démo)",
		Commune: saintEtienne, Mailbox: "mdph", Phone: "04 99 00 30 00"},
	{Key: "pjj", Kind: access.OrgPJJ, Name: "PJJ — service territorial éducatif de milieu ouvert de la Loire (démo)",
		Commune: saintEtienne, Mailbox: "pjj-stemo", Phone: "04 99 00 40 00"},
}

// operators are invented associations managing the structures.
var operators = []orgSeed{
	{Key: "op-forez", Kind: access.OrgOperator, Name: "Association Forez Enfance Avenir (fictif)",
		Commune: saintEtienne, Mailbox: "forez-enfance", Phone: "04 99 10 00 00"},
	{Key: "op-roannais", Kind: access.OrgOperator, Name: "Association Roannaise pour l'Enfance et la Famille (fictif)",
		Commune: roanne, Mailbox: "roannaise-enfance", Phone: "04 99 20 00 00"},
	{Key: "op-gier", Kind: access.OrgOperator, Name: "Fondation Gier-Pilat Solidarités (fictif)",
		Commune: saintChamond, Mailbox: "gier-pilat", Phone: "04 99 30 00 00"},
	{Key: "op-handicap", Kind: access.OrgOperator, Name: "Association Loire Handicap Jeunesse (fictif)",
		Commune: montbrison, Mailbox: "loire-handicap", Phone: "04 99 40 00 00"},
}

// structures cover every structure type. "MECS Beauregard" must stay the
// first MECS by name: web tests take it as the director's.
var structures = []orgSeed{
	// Child protection.
	{Key: "mecs", Type: "mecs", Name: "MECS Beauregard (fictif)", Operator: "op-forez",
		Commune: saintEtienne, Mailbox: "mecs-beauregard", Phone: "04 99 11 01 01"},
	{Key: "mecs-roseraie", Type: "mecs", Name: "MECS La Roseraie (fictif)", Operator: "op-roannais",
		Commune: roanne, Mailbox: "mecs-roseraie", Phone: "04 99 21 01 01"},
	{Key: "mecs-colombier", Type: "mecs", Name: "MECS Le Colombier (fictif)", Operator: "op-gier",
		Commune: rocheLaMoliere, Mailbox: "mecs-colombier", Phone: "04 99 31 01 01"},
	// The foyers de l'enfance are run by the Département itself: no operator.
	{Key: "foyer-se", Type: "foyer_enfance", Name: "Foyer départemental de l'enfance — site de Saint-Étienne (fictif)",
		Commune: saintEtienne, Mailbox: "foyer-saint-etienne", Phone: "04 99 00 11 00"},
	{Key: "foyer-roanne", Type: "foyer_enfance", Name: "Foyer départemental de l'enfance — site de Roanne (fictif)",
		Commune: roanne, Mailbox: "foyer-roanne", Phone: "04 99 00 12 00"},
	{Key: "pouponniere", Type: "pouponniere", Name: "Pouponnière Les Petits Pas (fictif)", Operator: "op-forez",
		Commune: saintEtienne, Mailbox: "pouponniere-petits-pas", Phone: "04 99 11 02 01"},
	{Key: "centre-maternel", Type: "centre_maternel", Name: "Centre maternel Les Glycines (fictif)", Operator: "op-forez",
		Commune: firminy, Mailbox: "centre-maternel-glycines", Phone: "04 99 11 03 01"},
	{Key: "centre-parental", Type: "centre_parental", Name: "Centre parental L'Escale (fictif)", Operator: "op-gier",
		Commune: saintChamond, Mailbox: "centre-parental-escale", Phone: "04 99 31 02 01"},
	{Key: "placement-familial", Type: "placement_familial", Name: "Service de placement familial Forez-Pilat (fictif)", Operator: "op-forez",
		Commune: saintJustStRambert, Mailbox: "placement-familial-forez", Phone: "04 99 11 04 01"},
	{Key: "placement-familial-roannais", Type: "placement_familial", Name: "Service de placement familial du Roannais (fictif)", Operator: "op-roannais",
		Commune: riorges, Mailbox: "placement-familial-roannais", Phone: "04 99 21 02 01"},
	{Key: "relais-parental", Type: "relais_parental", Name: "Relais parental La Parenthèse (fictif)", Operator: "op-gier",
		Commune: riveDeGier, Mailbox: "relais-parenthese", Phone: "04 99 31 03 01"},
	{Key: "lva", Type: "lva", Name: "Lieu de vie Les Genêts (fictif)", Operator: "op-roannais",
		Commune: boenSurLignon, Mailbox: "lva-genets", Phone: "04 99 21 03 01"},
	// Medico-social.
	{Key: "ditep", Type: "ditep", Name: "DITEP Le Gier (fictif)", Operator: "op-handicap",
		Commune: saintChamond, Mailbox: "ditep-gier", Phone: "04 99 41 01 01"},
	{Key: "itep", Type: "itep", Name: "ITEP Les Sapins (fictif)", Operator: "op-handicap",
		Commune: roanne, Mailbox: "itep-sapins", Phone: "04 99 41 02 01"},
	{Key: "ime-cordee", Type: "ime", Name: "IME La Cordée (fictif)", Operator: "op-handicap",
		Commune: chambonFeugerolles, Mailbox: "ime-cordee", Phone: "04 99 41 03 01"},
	{Key: "ime-val", Type: "ime", Name: "IME Le Val de Loire (fictif)", Operator: "op-roannais",
		Commune: feurs, Mailbox: "ime-val-de-loire", Phone: "04 99 21 04 01"},
	{Key: "cmpp", Type: "cmpp", Name: "CMPP du Forez (fictif)", Operator: "op-handicap",
		Commune: montbrison, Mailbox: "cmpp-forez", Phone: "04 99 41 04 01"},
	{Key: "sessad-envol", Type: "sessad", Name: "SESSAD L'Envol (fictif)", Operator: "op-handicap",
		Commune: andrezieux, Mailbox: "sessad-envol", Phone: "04 99 41 05 01"},
	{Key: "sessad-roannais", Type: "sessad", Name: "SESSAD du Brionnais-Roannais (fictif)", Operator: "op-roannais",
		Commune: charlieu, Mailbox: "sessad-brionnais", Phone: "04 99 21 05 01"},
	{Key: "camsp", Type: "camsp", Name: "CAMSP Arc-en-ciel (fictif)", Operator: "op-handicap",
		Commune: saintEtienne, Mailbox: "camsp-arc-en-ciel", Phone: "04 99 41 06 01"},
	{Key: "emr-sud", Type: "emr", Name: "Équipe mobile ressource Loire Sud (fictif)", Operator: "op-handicap",
		Commune: saintEtienne, Mailbox: "emr-loire-sud", Phone: "04 99 41 07 01"},
	{Key: "emr-nord", Type: "emr", Name: "Équipe mobile ressource Loire Nord (fictif)", Operator: "op-handicap",
		Commune: roanne, Mailbox: "emr-loire-nord", Phone: "04 99 41 08 01"},
	// Health: hospital services, outside any association.
	{Key: "pedopsy-hdj", Type: "pedopsychiatrie", Name: "Hôpital de jour pédopsychiatrique Les Lucioles (fictif)",
		Commune: saintEtienne, Mailbox: "hdj-lucioles", Phone: "04 99 50 01 01"},
	{Key: "pedopsy-cmp", Type: "pedopsychiatrie", Name: "CMP enfants et adolescents de Veauche (fictif)",
		Commune: veauche, Mailbox: "cmp-veauche", Phone: "04 99 50 02 01"},
}

// accountSeed is one demo account with its single membership.
type accountSeed struct {
	Mailbox string
	Name    string
	Role    access.Role
	Org     string // organisation key
	Note    string
}

const noteTOTP = "double authentification à configurer à la première connexion"

// people are the demo accounts, one per role at least.
var people = []accountSeed{
	{"admin", "Julien Marchand", access.RoleAdmin, "platform", noteTOTP},
	{"referent", "Sophie Duret", access.RoleASEReferent, "ase", ""},
	{"directeur", "Marc Oliveira", access.RoleDirector, "mecs", ""},
	{"educateur", "Karim Haddad", access.RoleEducator, "ditep", ""},
	// A parent belongs to no organisation, but an account is given its roles
	// through memberships: the parent's is held in the ASE service that
	// follows the child, which is also who invites parents.
	{"famille", "Aurélie Fontaine", access.RoleParent, "ase", "parent : rattachée au service ASE, faute de structure"},
	{"pilotage", "Hélène Vial", access.RoleSteering, "ase", noteTOTP},
	{"equipe-mobile", "Thomas Roux", access.RoleMobileTeam, "emr-sud", ""},
	{"assistante-familiale", "Martine Chazelle", access.RoleFosterCarer, "placement-familial", ""},
	{"directrice-ditep", "Isabelle Perrin", access.RoleDirector, "ditep", ""},
	{"educatrice-mecs", "Léa Moulin", access.RoleEducator, "mecs", ""},
}

// seeds returns every organisation seed, operators before the structures
// that point to them.
func seeds() []orgSeed {
	out := make([]orgSeed, 0, len(institutions)+len(operators)+len(structures))
	out = append(out, institutions...)
	out = append(out, operators...)
	for _, s := range structures {
		s.Kind = access.OrgStructure
		out = append(out, s)
	}
	return out
}

func address(mailbox string) string { return mailbox + "@" + mailDomain }
