package national

// kind is how one structure type looks in the national directory: its
// share, its names, who runs it and the offers it may have. Shares follow
// the orders of magnitude of the field (SESSAD, IME and MECS first; a few
// pouponnières and centres parentaux).
type kind struct {
	Type     string   // org.StructureTypes code
	Weight   float64  // relative share of structures
	Prefixes []string // name prefixes, one chosen per structure
	// Public: run by the Département, a hospital or the State, so it has no
	// operator and is named after its commune.
	Public bool
	// AllYear: open every day with an on-duty line; otherwise closed in
	// summer like a school.
	AllYear bool
	// Minutes: how far from it the service goes to children, 0 when
	// children come to it.
	Minutes      int
	Confidential float64 // probability of a confidential address
	// Specialties: the needs of the structure, one set chosen per
	// structure and given to every offer without needs of its own.
	Specialties [][]string
	Offers      []offerTemplate // at least maxOffers, in display order
}

// offerTemplate is an offer a structure of a kind may have.
type offerTemplate struct {
	Modality       string
	Label          string
	AgeMin, AgeMax int
	Needs          []string // nil: the structure's specialty
	Conditions     []string
	Places         [2]int // authorised places, drawn in [lo, hi]; 0 for open services
	Sexed          bool   // some take only boys or only girls
}

var (
	ase      = []string{"ase_measure"}
	judge    = []string{"judicial_decision"}
	mdph     = []string{"mdph_notification"}
	parents  = []string{"parents_request"}
	none     = []string{}
	parental = []string{"parenthood"}
)

func o(modality, label string, from, to int, needs, conditions []string, lo, hi int) offerTemplate {
	return offerTemplate{Modality: modality, Label: label, AgeMin: from, AgeMax: to, Needs: needs, Conditions: conditions, Places: [2]int{lo, hi}}
}

func sexed(t offerTemplate) offerTemplate { t.Sexed = true; return t }

// kinds covers every structure type but "autre" ones that no name can
// describe: child protection, then medico-social, health and justice.
var kinds = []kind{
	{Type: "mecs", Weight: 140, Prefixes: []string{"MECS", "Maison d'enfants"}, AllYear: true, Offers: []offerTemplate{
		sexed(o("residential", "Internat", 6, 18, none, ase, 20, 40)),
		sexed(o("residential", "Internat adolescents", 13, 18, none, ase, 10, 24)),
		o("sequential", "Accueil séquentiel", 6, 18, none, ase, 3, 8),
		o("emergency", "Places d'urgence", 12, 18, none, ase, 2, 4),
		o("day_care", "Accueil de jour", 6, 16, none, ase, 6, 15),
		o("residential", "Appartements jeunes majeurs", 17, 21, none, ase, 4, 12),
		o("respite", "Accueil de répit", 6, 16, []string{"behaviour"}, ase, 2, 3),
	}},
	{Type: "foyer_enfance", Weight: 15, Prefixes: []string{"Foyer départemental de l'enfance"}, Public: true, AllYear: true, Offers: []offerTemplate{
		o("emergency", "Accueil d'urgence", 0, 18, none, ase, 10, 40),
		o("residential", "Accueil après l'urgence", 3, 18, none, ase, 10, 30),
		o("emergency", "Urgence adolescents", 13, 18, none, ase, 4, 10),
		o("residential", "Pouponnière du foyer", 0, 3, none, ase, 6, 15),
		o("sequential", "Accueil séquentiel", 6, 18, none, ase, 2, 6),
		o("day_care", "Accueil de jour", 6, 16, none, ase, 4, 10),
	}},
	{Type: "pouponniere", Weight: 6, Prefixes: []string{"Pouponnière"}, AllYear: true, Offers: []offerTemplate{
		o("residential", "", 0, 3, none, ase, 10, 30),
		o("emergency", "", 0, 3, none, ase, 2, 6),
		o("sequential", "", 0, 6, none, ase, 2, 5),
		o("residential", "Petite enfance 3–6 ans", 3, 6, none, ase, 4, 10),
		o("respite", "", 0, 3, none, ase, 1, 3),
		o("day_care", "", 0, 6, none, ase, 4, 10),
	}},
	{Type: "centre_maternel", Weight: 15, Prefixes: []string{"Centre maternel"}, AllYear: true, Confidential: 0.9, Offers: []offerTemplate{
		o("residential", "Mères et enfants", 0, 3, parental, ase, 8, 30),
		o("emergency", "", 0, 3, parental, ase, 1, 4),
		o("day_care", "Accompagnement de jour", 0, 3, parental, ase, 5, 15),
		o("home_school", "Suivi à domicile après la sortie", 0, 6, parental, ase, 5, 20),
		o("residential", "Futures mères", 0, 1, parental, ase, 3, 8),
	}},
	{Type: "centre_parental", Weight: 4, Prefixes: []string{"Centre parental"}, AllYear: true, Confidential: 0.9, Offers: []offerTemplate{
		o("residential", "Parents et enfants", 0, 3, parental, ase, 5, 15),
		o("day_care", "", 0, 3, parental, ase, 5, 10),
		o("home_school", "Accompagnement à domicile", 0, 3, parental, ase, 5, 15),
		o("emergency", "", 0, 3, parental, ase, 1, 2),
		o("sequential", "", 0, 3, parental, ase, 2, 4),
	}},
	{Type: "placement_familial", Weight: 40, Prefixes: []string{"Service de placement familial"}, AllYear: true, Minutes: 60, Offers: []offerTemplate{
		o("foster", "", 0, 18, none, ase, 20, 80),
		o("foster", "Jeunes majeurs", 18, 21, none, ase, 5, 15),
		o("respite", "Relais des assistants familiaux", 3, 18, none, ase, 2, 6),
		o("emergency", "Accueil familial d'urgence", 0, 18, none, ase, 2, 6),
		o("foster", "Jeunes enfants", 0, 6, none, ase, 5, 20),
		o("foster", "Accueil familial renforcé", 6, 18, []string{"behaviour"}, ase, 3, 10),
	}},
	{Type: "relais_parental", Weight: 6, Prefixes: []string{"Relais parental"}, Offers: []offerTemplate{
		o("parental_relay", "", 0, 12, none, parents, 4, 10),
		o("respite", "", 3, 12, none, parents, 2, 6),
		o("parental_relay", "Petite enfance", 0, 6, none, parents, 3, 8),
		o("day_care", "", 3, 12, none, parents, 4, 8),
		o("sequential", "", 0, 12, none, parents, 2, 4),
		o("parental_relay", "Enfants et préadolescents", 6, 16, none, parents, 3, 6),
	}},
	{Type: "lva", Weight: 55, Prefixes: []string{"Lieu de vie"}, AllYear: true, Offers: []offerTemplate{
		o("residential", "", 10, 18, []string{"behaviour"}, ase, 5, 9),
		o("residential", "Fratries", 6, 18, none, ase, 4, 7),
		o("sequential", "", 12, 18, []string{"behaviour"}, ase, 2, 4),
		o("respite", "", 10, 18, []string{"behaviour"}, ase, 1, 2),
		o("residential", "Jeunes majeurs", 16, 21, none, ase, 2, 4),
		o("emergency", "", 12, 18, none, ase, 1, 2),
	}},
	{Type: "aemo", Weight: 55, Prefixes: []string{"Service d'AEMO", "Service AEMO-AED"}, Minutes: 45, Offers: []offerTemplate{
		o("home_school", "AEMO judiciaire", 0, 18, none, judge, 100, 400),
		o("home_school", "AED (aide éducative à domicile)", 0, 18, none, parents, 50, 200),
		o("home_school", "AEMO renforcée", 0, 18, []string{"behaviour"}, judge, 20, 60),
		o("home_school", "AED petite enfance", 0, 6, parental, parents, 20, 60),
		o("day_care", "Accueil de jour éducatif", 6, 18, none, judge, 6, 12),
	}},
	{Type: "prevention", Weight: 30, Prefixes: []string{"Club de prévention", "Service de prévention spécialisée"}, Minutes: 30, Offers: []offerTemplate{
		o("mobile", "Travail de rue", 11, 21, none, none, 0, 0),
		o("mobile", "Jeunes adultes", 16, 25, none, none, 0, 0),
		o("day_care", "Accueil de jour", 11, 18, none, none, 0, 0),
		o("home_school", "Prévention du décrochage scolaire", 11, 18, none, none, 0, 0),
		o("mobile", "Actions collectives en quartier", 11, 18, none, none, 0, 0),
	}},
	{Type: "mna", Weight: 20, Prefixes: []string{"Dispositif MNA"}, AllYear: true, Confidential: 0.05, Offers: []offerTemplate{
		sexed(o("emergency", "Mise à l'abri", 13, 18, none, ase, 20, 60)),
		sexed(o("residential", "Accueil après évaluation", 15, 18, none, ase, 10, 40)),
		o("residential", "Appartements partagés", 16, 21, none, ase, 10, 30),
		o("day_care", "Évaluation de la minorité", 13, 18, none, ase, 10, 20),
		o("sequential", "", 16, 21, none, ase, 5, 10),
	}},
	{Type: "ditep", Weight: 35, Prefixes: []string{"DITEP"}, Minutes: 45,
		Specialties: [][]string{{"behaviour"}, {"behaviour", "psychic"}}, Offers: []offerTemplate{
			o("residential", "Internat", 6, 16, nil, mdph, 12, 30),
			o("day_care", "Semi-internat", 6, 16, nil, mdph, 15, 40),
			o("respite", "", 6, 14, nil, mdph, 2, 4),
			o("home_school", "SESSAD du dispositif", 6, 18, nil, mdph, 15, 40),
			o("sequential", "", 6, 16, nil, mdph, 4, 10),
			o("residential", "Internat de semaine adolescents", 12, 20, nil, mdph, 6, 12),
		}},
	{Type: "itep", Weight: 10, Prefixes: []string{"ITEP"},
		Specialties: [][]string{{"behaviour"}, {"behaviour", "psychic"}}, Offers: []offerTemplate{
			o("residential", "Internat", 8, 16, nil, mdph, 10, 24),
			o("day_care", "Semi-internat", 8, 16, nil, mdph, 10, 30),
			o("respite", "", 8, 14, nil, mdph, 1, 3),
			o("sequential", "", 8, 16, nil, mdph, 2, 6),
			o("home_school", "", 6, 18, nil, mdph, 10, 25),
		}},
	{Type: "ime", Weight: 110, Prefixes: []string{"IME"}, Minutes: 45,
		Specialties: [][]string{{"intellectual"}, {"intellectual", "autism"}, {"autism"}, {"intellectual", "multiple"}}, Offers: []offerTemplate{
			o("day_care", "Externat et semi-internat", 6, 20, nil, mdph, 20, 60),
			o("residential", "Internat", 12, 20, nil, mdph, 8, 24),
			o("respite", "", 6, 20, nil, mdph, 1, 3),
			o("home_school", "SESSAD de l'IME", 3, 20, nil, mdph, 10, 30),
			o("day_care", "Jeunes enfants", 3, 12, nil, mdph, 6, 12),
			o("day_care", "Section préprofessionnelle", 14, 20, nil, mdph, 10, 30),
		}},
	{Type: "cmpp", Weight: 30, Prefixes: []string{"CMPP"},
		Specialties: [][]string{{"psychic", "behaviour"}, {"psychic"}, {"autism", "psychic"}}, Offers: []offerTemplate{
			o("consultation", "", 0, 20, nil, none, 0, 0),
			o("consultation", "Petite enfance", 0, 6, nil, none, 0, 0),
			o("consultation", "Adolescents", 12, 20, nil, none, 0, 0),
			o("day_care", "Groupes thérapeutiques", 4, 12, nil, none, 0, 0),
			o("consultation", "Bilans et rééducations", 3, 12, nil, none, 0, 0),
		}},
	{Type: "sessad", Weight: 150, Prefixes: []string{"SESSAD"}, Minutes: 45,
		Specialties: [][]string{{"intellectual"}, {"autism"}, {"motor"}, {"sensory"}, {"behaviour"}, {"intellectual", "autism"}}, Offers: []offerTemplate{
			o("home_school", "", 0, 20, nil, mdph, 15, 60),
			o("home_school", "Petite enfance", 0, 6, nil, mdph, 6, 20),
			o("home_school", "Adolescents et insertion", 12, 20, nil, mdph, 6, 20),
			o("home_school", "Inclusion scolaire", 3, 12, nil, mdph, 10, 30),
			o("mobile", "Équipe mobile d'appui à la scolarisation", 3, 18, nil, none, 0, 0),
			o("consultation", "Bilans", 0, 20, nil, mdph, 0, 0),
		}},
	{Type: "camsp", Weight: 30, Prefixes: []string{"CAMSP"},
		Specialties: [][]string{{"multiple"}, {"motor"}, {"sensory"}, {"autism"}, {"intellectual", "motor"}}, Offers: []offerTemplate{
			o("consultation", "", 0, 6, nil, none, 0, 0),
			o("home_school", "À domicile et en crèche", 0, 6, nil, none, 10, 30),
			o("day_care", "Groupes de soins", 0, 6, nil, none, 5, 15),
			o("consultation", "Dépistage précoce", 0, 3, nil, none, 0, 0),
			o("mobile", "Intervention en crèche", 0, 6, nil, none, 0, 0),
		}},
	{Type: "emr", Weight: 8, Prefixes: []string{"Équipe mobile ressource"}, Minutes: 60, Offers: []offerTemplate{
		o("mobile", "", 0, 20, []string{"behaviour", "autism", "psychic"}, none, 0, 0),
		o("mobile", "Enfants", 0, 12, []string{"behaviour", "autism"}, none, 0, 0),
		o("mobile", "Adolescents", 12, 20, []string{"behaviour", "psychic"}, none, 0, 0),
		o("consultation", "Appui aux équipes", 0, 20, []string{"behaviour", "autism", "psychic"}, none, 0, 0),
		o("mobile", "Appui aux familles d'accueil", 0, 18, []string{"behaviour"}, none, 0, 0),
	}},
	{Type: "eeap", Weight: 15, Prefixes: []string{"EEAP"}, Specialties: [][]string{{"multiple"}}, Offers: []offerTemplate{
		o("day_care", "", 3, 20, nil, mdph, 10, 30),
		o("residential", "", 3, 20, nil, mdph, 8, 20),
		o("respite", "", 3, 20, nil, mdph, 1, 3),
		o("home_school", "", 0, 20, nil, mdph, 10, 25),
		o("sequential", "", 3, 20, nil, mdph, 2, 6),
	}},
	{Type: "ies", Weight: 20, Prefixes: []string{"IEM", "Institut d'éducation sensorielle"}, Minutes: 60,
		Specialties: [][]string{{"motor"}, {"sensory"}}, Offers: []offerTemplate{
			o("day_care", "", 3, 20, nil, mdph, 20, 50),
			o("residential", "", 6, 20, nil, mdph, 10, 30),
			o("home_school", "Service à domicile", 0, 20, nil, mdph, 20, 60),
			o("respite", "", 6, 20, nil, mdph, 1, 2),
			o("day_care", "Formation professionnelle", 14, 20, nil, mdph, 10, 20),
		}},
	{Type: "accueil_temporaire", Weight: 6, Prefixes: []string{"Accueil temporaire"},
		Specialties: [][]string{{"multiple"}, {"autism"}, {"intellectual"}, {"behaviour"}}, Offers: []offerTemplate{
			o("respite", "", 3, 20, nil, mdph, 6, 15),
			o("respite", "Petite enfance", 0, 6, nil, mdph, 2, 4),
			o("emergency", "", 6, 20, nil, mdph, 1, 2),
			o("sequential", "", 6, 20, nil, mdph, 2, 4),
			o("day_care", "", 6, 20, nil, mdph, 2, 6),
		}},
	{Type: "cafs", Weight: 4, Prefixes: []string{"CAFS"}, Minutes: 60,
		Specialties: [][]string{{"behaviour", "psychic"}, {"intellectual"}, {"autism"}}, Offers: []offerTemplate{
			o("foster", "", 0, 20, nil, mdph, 10, 30),
			o("respite", "", 3, 20, nil, mdph, 2, 4),
			o("foster", "Jeunes enfants", 0, 6, nil, mdph, 3, 8),
			o("sequential", "", 6, 20, nil, mdph, 2, 6),
			o("foster", "Adolescents", 12, 20, nil, mdph, 3, 8),
		}},
	{Type: "pedopsychiatrie", Weight: 90, Prefixes: []string{"CMP enfants et adolescents", "Hôpital de jour pédopsychiatrique"}, Public: true,
		Specialties: [][]string{{"psychic"}, {"psychic", "behaviour"}, {"autism", "psychic"}}, Offers: []offerTemplate{
			o("consultation", "", 0, 18, nil, none, 0, 0),
			o("day_care", "Hôpital de jour enfants", 3, 12, nil, none, 8, 20),
			o("day_care", "Hôpital de jour adolescents", 12, 18, nil, none, 8, 15),
			o("residential", "Hospitalisation complète adolescents", 12, 18, nil, none, 6, 15),
			o("mobile", "Équipe mobile adolescents", 12, 18, nil, none, 0, 0),
			o("consultation", "Périnatalité", 0, 3, nil, none, 0, 0),
		}},
	{Type: "pjj", Weight: 30, Prefixes: []string{"Unité éducative d'hébergement collectif", "Service territorial éducatif de milieu ouvert"},
		Public: true, AllYear: true, Offers: []offerTemplate{
			sexed(o("residential", "Hébergement collectif", 13, 18, []string{"behaviour"}, judge, 10, 12)),
			o("home_school", "Milieu ouvert", 13, 18, none, judge, 50, 200),
			o("day_care", "Activités de jour", 13, 18, none, judge, 10, 30),
			o("residential", "Hébergement diversifié", 16, 18, none, judge, 6, 12),
			o("emergency", "Accueil immédiat", 13, 18, []string{"behaviour"}, judge, 1, 2),
		}},
}

// words name structures; all invented, some start with "Saint" like many
// real ones.
var words = []string{
	"Les Tilleuls", "Le Colombier", "Les Hirondelles", "La Roseraie", "Les Cèdres", "L'Arc-en-ciel",
	"Les Lucioles", "Le Petit Prince", "Les Écureuils", "La Source", "Les Peupliers", "Le Moulin",
	"Les Glycines", "La Clairière", "Les Acacias", "Le Verger", "Les Mésanges", "L'Envol",
	"La Boussole", "L'Escale", "Le Phare", "Les Marronniers", "La Ribambelle", "Les Coquelicots",
	"Le Chêne", "Les Sources", "La Rivière", "Les Alizés", "L'Horizon", "La Bergerie", "Les Lilas",
	"Beauregard", "Bellevue", "Montjoie", "Les Saules", "La Garenne", "Le Val", "Les Genêts",
	"La Farandole", "Les Bruyères", "Le Rocher", "La Maison Verte", "Les Pins", "La Colline",
	"L'Éclaircie", "Les Capucines", "Le Tremplin", "La Courte Échelle", "L'Étoile", "Les Sorbiers",
	"Le Pré Fleuri", "Saint-Joseph", "Sainte-Marie", "Saint-Vincent", "Saint-Exupéry", "Les Oliviers",
}

// operatorNames are the first words of the invented associations.
var operatorNames = []string{
	"Association Enfance et Familles", "Association Jeunesse Avenir", "Sauvegarde de l'enfance",
	"Fondation Solidarités Jeunesse", "Association Handicap et Avenir", "Les Amis de l'enfance",
	"Association Entraide éducative", "Fondation Accueil et Soins", "Association Grandir ensemble",
	"Œuvre des enfants", "Association Cap Jeunesse", "Fondation Horizons",
}

// streets are invented, as in the demo territory.
var streets = []string{
	"rue de l'Exemple", "avenue des Démos", "chemin du Prototype", "place de la Maquette",
	"rue de l'Essai", "boulevard du Modèle", "rue du Spécimen", "rue de l'Échantillon",
	"allée de la Fiction", "impasse de l'Invention",
}
