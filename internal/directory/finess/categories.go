package finess

// FieldCategories maps the FINESS catégories d'établissement of Passerelle's
// field (child protection, youth justice, and medico-social care of disabled
// children) to their label.
//
// Source: the ANS nomenclature TRE-R397 « Catégorie entité géographique
// exercice » (which replaces TRE_R66 « Catégorie d'établissement »), version
// 20260601120000, read in the ANS terminology guide; every code and label
// below is copied from it, and the aggregate each one sits under (4501, 4502,
// 4504, 4505, 41xx…) was checked against ASS_X10 « Agrégat catégorie
// d'établissement ». Labels keep the nomenclature's spelling.
//
// Deliberately left out: 156 CMP and 425 CATTP (psychiatry for all ages — no
// FINESS category is specific to child psychiatry, and hôpitaux de jour are
// not a category at all); 221 BAPU (students); 223 PMI; 701 Maison des
// adolescents (the nomenclature says FINESS records none); the categories
// closed in 2005 (184 IMP, 185 IMPro, 191, 193). Pass a keep function to
// ParseJSON or ParseCSV to import others.
var FieldCategories = map[string]string{
	// Aide sociale à l'enfance: accommodation (aggregate 4501).
	"159": "Centre Parental", // closed on 2026-05-05 in favour of 166; kept for entries not yet recoded
	"166": "Centre Parents-Enfants de moins de 3 ans",
	"172": "Pouponnière à Caractère Social",
	"175": "Foyer de l'Enfance",
	"176": "Village d'Enfants",
	"177": "Maison d'Enfants à Caractère Social",
	"236": "Service de placement familial",
	"411": "Intermédiaire de Placement Social",

	// Child protection: services and experiments (4504, 4505, 4605).
	"286": "Service de prévention spécialisée",
	"295": "Service AEMO et AED",
	"378": "Etablissement Expérimental Enfance Protégée",
	"462": "Lieux de Vie et d’Accueil",
	"643": "Serv. d'éval de la minorité de l'isolement pour les pers. se déclarant mineures",
	"644": "Etab. de mise à l'abri pour les pers. se déclarant mineures non accompagnées",

	// Protection judiciaire de la jeunesse (4502).
	"241": "Établissement de Placement",
	"242": "Service d’Activité de Jour",
	"440": "Service d’Investigation Educative",
	"441": "Service d’Intervention Educative en Milieu Ouvert",

	// Disabled children and adolescents (41xx).
	"182": "Service d'Éducation Spéciale et de Soins à Domicile",
	"183": "Institut Médico-Educatif (I.M.E.)",
	"186": "Institut Thérapeutique Éducatif et Pédagogique (I.T.E.P.)",
	"188": "Etablissement pour Enfants ou Adolescents Polyhandicapés",
	"189": "Centre Médico-Psycho-Pédagogique (C.M.P.P.)",
	"190": "Centre Action Médico-Sociale Précoce (C.A.M.S.P.)",
	"192": "Institut d'éducation motrice",
	"194": "Institut pour Déficients Visuels",
	"195": "Institut pour Déficients Auditifs",
	"196": "Institut d'Education Sensorielle Sourd-Aveugle",
	"238": "Centre d'Accueil Familial Spécialisé",
	"377": "Etablissement Expérimental pour Enfance Handicapée", // closed on 2018-10-26; kept for entries not yet recoded
	"390": "Etablissement d'Accueil Temporaire d'Enfants Handicapés",
	"396": "Foyer Hébergement Enfants et Adolescents Handicapés",
	"402": "Jardin d'Enfants Spécialisé",
}
