package surveys

// The built-in templates. A survey made from one is a copy: the steering
// edits it freely, the template itself never changes. Questions refer to
// each other by a local key (Question.ID) that the copy replaces.

// TemplateCooperation and TemplateCrisisFlash are the keys of the
// built-in templates.
const (
	TemplateCooperation = "cooperation"
	TemplateCrisisFlash = "crisis_flash"
)

// templateDef is a template with its content.
type templateDef struct {
	Template
	Intro    string
	Sections []Section
}

func num(f float64) *float64 { return &f }

func when(key string, values ...string) *Condition {
	return &Condition{QuestionID: key, Values: values}
}

var templates = []templateDef{
	{
		Template: Template{Key: TemplateCooperation, Title: "Coopération entre protection de l'enfance et médico-social",
			Description: "Qui répond, avec quels partenaires, par quels outils écrits, ce qui fait marcher la coopération et ce qui la freine. Une quinzaine de questions."},
		Intro: "Cette enquête fait le point sur la façon dont votre structure travaille avec celles de l'autre secteur, autour des enfants " +
			"suivis à la fois par l'aide sociale à l'enfance et par le médico-social. Comptez un quart d'heure. Les réponses sont lues par " +
			"le pilotage du territoire ; aucune question ne porte sur un enfant en particulier.",
		Sections: []Section{
			{Title: "Votre structure", Intro: "Pour situer les réponses.", Questions: []Question{
				{ID: "type", Kind: Single, Label: "Quel type de structure représentez-vous ?", Required: true,
					Options: []string{"MECS", "Foyer de l'enfance", "Pouponnière", "Service de placement familial", "Lieu de vie et d'accueil",
						"ITEP ou DITEP", "IME", "SESSAD", "CMPP ou CAMSP", "Équipe mobile", "Pédopsychiatrie", "Autre"}},
				{ID: "sector", Kind: Single, Label: "Dans quel secteur votre structure intervient-elle surtout ?", Required: true,
					Options: []string{"Protection de l'enfance", "Médico-social", "Sanitaire", "Protection de l'enfance et médico-social"}},
				{ID: "role", Kind: Single, Label: "Quelle est votre fonction ?", Required: true,
					Options: []string{"Direction", "Chef ou cheffe de service", "Cadre administratif", "Professionnel ou professionnelle de terrain", "Autre"}},
				{ID: "both", Kind: YesNo, Label: "Votre organisme gestionnaire gère-t-il des structures dans les deux secteurs ?"},
				{ID: "children", Kind: Number, Label: "Combien des enfants que vous accompagnez cette année relèvent à la fois de l'ASE et d'une notification MDPH ?",
					Help: "Une estimation suffit.", Min: num(0), Unit: "enfants"},
			}},
			{Title: "Vos partenaires", Questions: []Question{
				{ID: "partners", Kind: Multiple, Label: "Avec quelles structures de l'autre secteur avez-vous travaillé ces douze derniers mois ?", Required: true,
					Options: []string{"MECS ou foyer de l'enfance", "Placement familial", "ITEP ou DITEP", "IME", "SESSAD", "CMPP ou CAMSP",
						"Pédopsychiatrie (CMP, hôpital de jour)", "Équipe mobile", "MDPH", "Service de l'ASE", "Aucune"}},
				{ID: "policy", Kind: YesNo, Label: "Les autorités de votre territoire affichent-elles des orientations sur la coopération entre les deux secteurs ?"},
				{ID: "policy_topics", Kind: LongText, Label: "Sur quoi portent ces orientations ?", ShowIf: when("policy", Yes)},
			}},
			{Title: "Les outils de la coopération", Questions: []Question{
				{ID: "written", Kind: YesNo, Label: "Vos coopérations sont-elles formalisées par un écrit ?", Required: true},
				{ID: "tools", Kind: Multiple, Label: "Par quels écrits ?", Required: true, ShowIf: when("written", Yes),
					Options: []string{"Convention", "Charte entre établissements", "CPOM", "Réponse à un appel à projets", "Autre"}},
				{ID: "tools_other", Kind: ShortText, Label: "Quel autre écrit ?", ShowIf: when("tools", "Autre")},
				{ID: "since", Kind: Date, Label: "Depuis quand le plus ancien de ces écrits est-il en vigueur ?", Help: "Une date approximative suffit.",
					ShowIf: when("written", Yes)},
				{ID: "grade", Kind: Scale, Label: "Dans l'ensemble, comment jugez-vous votre coopération avec l'autre secteur ?", Required: true,
					Min: num(1), Max: num(5), MinLabel: "Très difficile", MaxLabel: "Très satisfaisante"},
			}},
			{Title: "Ce qui aide, ce qui freine", Questions: []Question{
				{ID: "levers", Kind: Multiple, Label: "Qu'est-ce qui fait fonctionner vos coopérations ?",
					Options: []string{"Des interlocuteurs identifiés et stables", "Des équipes qui se connaissent et se font confiance",
						"Un cadre écrit (convention, fiche de liaison, calendrier)", "Un pilotage du territoire visible et soutenant",
						"Des formations ou des temps d'échange communs", "La place donnée aux familles", "Autre"}},
				{ID: "brakes", Kind: Multiple, Label: "Qu'est-ce qui la freine ?",
					Options: []string{"On connaît mal les métiers et les règles de l'autre secteur", "Le manque de temps ou de places",
						"Les délais et le manque de moyens en pédopsychiatrie", "Des interlocuteurs qui changent souvent",
						"L'urgence des situations de crise", "Des règles de financement ou administratives qui ne s'accordent pas",
						"Le manque de visibilité sur la politique du territoire", "Autre"}},
				{ID: "story", Kind: LongText, Label: "Racontez une coopération qui a bien marché : avec qui, autour de quoi ?"},
				{ID: "help", Kind: LongText, Label: "Qu'est-ce qui vous aiderait à mieux coopérer ?"},
			}},
		},
	},
	{
		Template: Template{Key: TemplateCrisisFlash, Title: "Point de situation flash",
			Description: "Pendant une crise (canicule, épidémie, inondation) : la structure est-elle ouverte, combien de professionnels absents, combien d'enfants touchés, de quoi a-t-elle besoin."},
		Intro: "Quelques questions pour savoir en deux minutes où en est votre structure pendant l'événement en cours. Répondez pour la journée d'aujourd'hui.",
		Sections: []Section{
			{Title: "Votre situation aujourd'hui", Questions: []Question{
				{ID: "state", Kind: Single, Label: "Votre structure fonctionne-t-elle ?", Required: true,
					Options: []string{"Ouverte", "Activité réduite", "Fermée"}},
				{ID: "since", Kind: Date, Label: "Depuis quel jour ?", Required: true, ShowIf: when("state", "Activité réduite", "Fermée")},
				{ID: "absent", Kind: Number, Label: "Combien de professionnels sont absents ?", Required: true, Min: num(0), Max: num(1000), Unit: "professionnels"},
				{ID: "children", Kind: Number, Label: "Combien d'enfants sont touchés (accueil interrompu, déplacés, soins reportés) ?", Required: true,
					Min: num(0), Max: num(10000), Unit: "enfants"},
				{ID: "needs", Kind: Multiple, Label: "De quoi avez-vous besoin ?", Required: true,
					Options: []string{"Renfort de personnel", "Accueil ailleurs pour des enfants", "Matériel ou équipement",
						"Appui médical ou psychologique", "Aide pour informer les familles", "Rien pour l'instant"}},
				{ID: "needs_detail", Kind: LongText, Label: "Précisez vos besoins",
					ShowIf: when("needs", "Renfort de personnel", "Accueil ailleurs pour des enfants", "Matériel ou équipement",
						"Appui médical ou psychologique", "Aide pour informer les familles")},
			}},
		},
	},
}

// Templates lists the built-in templates.
func Templates() []Template {
	out := make([]Template, len(templates))
	for i, t := range templates {
		out[i] = t.Template
	}
	return out
}

func templateByKey(key string) (templateDef, bool) {
	for _, t := range templates {
		if t.Key == key {
			return t, true
		}
	}
	return templateDef{}, false
}
