package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"passerelle/internal/capacity"
	"passerelle/internal/cooperation"
	"passerelle/internal/db"
	"passerelle/internal/export"
)

// cooperationResetTables are the tables Reset empties for this feature,
// those that refer to others first.
var cooperationResetTables = []string{"cooperation_files", "article_structures", "article_agreements", "article_structure_types",
	"article_tags", "articles", "agreement_reminders_sent", "agreement_places", "agreement_contacts", "agreement_parties", "agreements",
	"agreement_models"}

// agreementSeed is a demo agreement; dates are months from today (the
// first of the month), so the demo keeps its shape whenever it is loaded.
type agreementSeed struct {
	Kind, Title, Reference, Children, Support string
	Parties                                   [][2]string // organisation key, role
	SignedMonths, StartMonths                 int         // from today; signed 0: a draft
	Draft                                     bool
	Months                                    int // duration; 0 with EndDays 0: no end
	EndDays                                   int // an end this many days from today instead
	Tacit                                     bool
	Notice                                    int
	By                                        string // mailbox of the account that registered it
	Contacts                                  []cooperation.ContactInput
	// Places: the first offer of Modality of Structure, kept for Beneficiary.
	Places []placesSeed
}

type placesSeed struct {
	Structure, Modality, Beneficiary string
	Places                           int
	PerMonth                         bool
}

var agreementSeeds = []agreementSeed{
	{Kind: "convention", Title: "Convention de répit DITEP Le Gier – Relais parental La Parenthèse", Reference: "CONV-2026-014",
		Children:     "Enfants et adolescents de 6 à 12 ans accompagnés par le DITEP Le Gier, dont les familles ou les assistants familiaux ont besoin de souffler.",
		Support:      "Deux places de répit par mois au relais parental, de 1 à 6 jours, demandées par le DITEP ; bilan commun chaque trimestre.",
		Parties:      [][2]string{{"ditep", "signataire"}, {"relais-parental", "signataire"}, {"op-gier", "associe"}},
		SignedMonths: -4, StartMonths: -3, Months: 12, Tacit: true, Notice: 2, By: "directrice-ditep",
		Contacts: []cooperation.ContactInput{{Name: "Isabelle Perrin", Function: "Directrice du DITEP", Phone: "04 99 41 01 01", Email: "directrice-ditep@demo.passerelle.test"},
			{Name: "Nadia Benali", Function: "Cheffe de service du relais parental", Phone: "04 99 31 03 01", Email: "relais-parenthese@demo.passerelle.test"}},
		Places: []placesSeed{{Structure: "relais-parental", Modality: "respite", Beneficiary: "ditep", Places: 2, PerMonth: true}}},
	{Kind: "cpom", Title: "CPOM 2024-2028 — Association Loire Handicap Jeunesse", Reference: "CPOM-ARS-42-2024-03",
		Children:     "Enfants et adolescents en situation de handicap accompagnés par les établissements et services de l'association.",
		Support:      "Objectifs : transformation de l'offre vers le dispositif intégré, réponse aux situations de double vulnérabilité, équipes mobiles.",
		Parties:      [][2]string{{"op-handicap", "signataire"}, {"ars", "financeur"}, {"ase", "associe"}},
		SignedMonths: -26, StartMonths: -24, Months: 60, By: "pilotage",
		Contacts: []cooperation.ContactInput{{Name: "Service des établissements médico-sociaux", Function: "ARS — délégation de la Loire", Phone: "04 99 00 20 00", Email: "ars-dd42@demo.passerelle.test"}}},
	{Kind: "charte", Title: "Charte inter-établissements de la protection de l'enfance de la Loire",
		Children: "Tous les enfants confiés à l'ASE de la Loire et ceux accompagnés par les structures signataires.",
		Support:  "Accueil en urgence solidaire, fiche de liaison commune, pas de sortie sèche : un relais avant toute fin d'accueil.",
		Parties: [][2]string{{"ase", "signataire"}, {"mecs", "signataire"}, {"mecs-roseraie", "signataire"}, {"mecs-colombier", "signataire"},
			{"foyer-se", "signataire"}, {"ditep", "signataire"}, {"placement-familial", "signataire"}},
		SignedMonths: -14, StartMonths: -14, By: "pilotage"},
	{Kind: "convention", Title: "Convention de consultations CMPP du Forez – MECS Beauregard",
		Children:     "Enfants accueillis à la MECS Beauregard ayant besoin d'un suivi psychologique ou orthophonique.",
		Support:      "Un créneau réservé par semaine au CMPP pour les enfants de la MECS ; échanges trimestriels entre équipes.",
		Parties:      [][2]string{{"cmpp", "signataire"}, {"mecs", "signataire"}},
		SignedMonths: -12, StartMonths: -11, EndDays: 25, Notice: 1, By: "directeur",
		Contacts: []cooperation.ContactInput{{Name: "Marc Oliveira", Function: "Directeur de la MECS", Phone: "04 99 11 01 01", Email: "directeur@demo.passerelle.test"}}},
	{Kind: "partenariat", Title: "Partenariat PJJ – MECS Le Colombier : hébergement diversifié",
		Children: "Adolescents suivis à la fois par la PJJ et par l'ASE.",
		Support:  "Projet : deux places d'hébergement diversifié et un éducateur référent commun.",
		Parties:  [][2]string{{"pjj", "signataire"}, {"mecs-colombier", "signataire"}, {"ase", "financeur"}},
		Draft:    true, StartMonths: 2, Months: 24, By: "pilotage"},
	{Kind: "appel_a_projets", Title: "Appel à projets 2023 — équipes mobiles ressources",
		Children:     "Enfants à double vulnérabilité accueillis en protection de l'enfance.",
		Support:      "Financement de deux équipes mobiles (Loire Nord et Loire Sud) pour 24 mois.",
		Parties:      [][2]string{{"ars", "financeur"}, {"ase", "financeur"}, {"op-handicap", "beneficiaire"}},
		SignedMonths: -30, StartMonths: -29, Months: 24, By: "pilotage"},
}

// articleSeed is a demo article of the knowledge base.
type articleSeed struct {
	By, Org, Status     string
	Title, Summary      string
	Body                []string
	Tags, Types         []string
	Agreements, Structs []string // agreement titles, structure keys
}

var articleSeeds = []articleSeed{
	{By: "directrice-ditep", Org: "ditep", Status: cooperation.ArticlePublished,
		Title:   "Organiser le répit d'un enfant de DITEP avec un relais parental",
		Summary: "Deux places par mois réservées par convention : comment le DITEP et le relais parental s'organisent pour que le répit soit prévu, et non subi.",
		Body: []string{"Le constat : les familles d'enfants accompagnés par le DITEP demandaient du répit trop tard, en situation de crise, quand plus aucune place n'était libre.",
			"La convention réserve deux places de répit par mois au relais parental. Le DITEP les propose aux familles lors des synthèses, trois semaines à l'avance ; le relais connaît l'enfant avant son premier séjour grâce à une visite et à la fiche de liaison.",
			"Ce qui marche : un référent de chaque côté, un bilan trimestriel, et la règle de rendre les places non utilisées au territoire dix jours avant le début du mois."},
		Tags: []string{"répit", "double vulnérabilité", "convention"}, Types: []string{"ditep", "relais_parental"},
		Agreements: []string{"Convention de répit DITEP Le Gier – Relais parental La Parenthèse"}, Structs: []string{"ditep", "relais-parental"}},
	{By: "directeur", Org: "mecs", Status: cooperation.ArticlePublished,
		Title:   "L'accueil séquentiel partagé entre une MECS et un DITEP",
		Summary: "Un enfant alterne entre la MECS (soirs et week-ends) et l'internat du DITEP : les conditions pour que l'alternance tienne.",
		Body: []string{"L'accueil séquentiel partagé évite la rupture quand aucune structure ne peut tout porter seule.",
			"Les conditions : un planning commun connu de l'enfant, des transmissions écrites à chaque passage, une même personne qui parle aux parents, et une réunion commune par mois.",
			"Le piège : chacun attend de l'autre qu'il décide. Le projet pour l'enfant nomme qui décide de quoi."},
		Tags: []string{"accueil séquentiel", "double vulnérabilité"}, Types: []string{"mecs", "ditep"}, Structs: []string{"mecs", "ditep"}},
	{By: "pilotage", Org: "ase", Status: cooperation.ArticlePublished,
		Title:   "Une fiche de liaison commune à tout le territoire",
		Summary: "Une seule fiche de liaison, la même pour la protection de l'enfance et le médico-social, transmise à chaque changement de lieu d'accueil.",
		Body: []string{"Avant la charte inter-établissements, chaque structure avait sa fiche ; les informations se perdaient à chaque passage.",
			"La fiche commune tient en une page : santé et traitements, scolarité, liens familiaux et droits de visite, points de vigilance, rendez-vous à venir. Elle est remplie dans Passerelle et transmise avec l'enfant.",
			"Les structures signataires de la charte s'engagent à la remplir avant tout accueil de plus de 48 heures."},
		Tags: []string{"fiche de liaison", "charte"}, Types: []string{"mecs", "foyer_enfance", "ditep", "placement_familial"},
		Agreements: []string{"Charte inter-établissements de la protection de l'enfance de la Loire"}},
	{By: "pilotage", Org: "ase", Status: cooperation.ArticlePublished,
		Title:   "L'évaluation conjointe ASE – MDPH pour les enfants à double vulnérabilité",
		Summary: "Une évaluation menée ensemble par le référent ASE et l'équipe pluridisciplinaire de la MDPH, plutôt que deux évaluations successives.",
		Body: []string{"Les enfants suivis à la fois par l'ASE et par la MDPH étaient évalués deux fois, à plusieurs mois d'écart, par des équipes qui ne se parlaient pas.",
			"L'évaluation conjointe réunit le référent ASE, l'évaluateur de la MDPH et la structure qui accueille l'enfant, en une séance, avec les parents.",
			"Résultat : des orientations mieux comprises, et des notifications qui arrivent avant la fin de la mesure plutôt qu'après."},
		Tags: []string{"évaluation", "double vulnérabilité", "mdph"}, Types: []string{"ditep", "ime", "mecs"}},
	{By: "educatrice-mecs", Org: "mecs", Status: cooperation.ArticleDraft,
		Title:   "Préparer un retour en famille le week-end",
		Summary: "Brouillon : ce que l'équipe de la MECS prépare avec l'enfant et ses parents avant un premier week-end en famille.",
		Body:    []string{"À compléter avec l'équipe : la check-list du vendredi, l'appel du samedi, le retour du dimanche soir."},
		Tags:    []string{"famille"}, Types: []string{"mecs"}},
}

// demoPDF makes a small PDF for the demo's documents, once per process.
var demoPDF = sync.OnceValues(func() ([]byte, error) {
	p := export.NewPDF("Modèle de convention de répit entre structures", "Passerelle — démonstration (document fictif)")
	p.Title("Convention de répit entre structures")
	p.Paragraph("Modèle publié par la Direction enfance famille de la Loire (démonstration).")
	p.Heading("Article 1 — Objet")
	p.Paragraph("La structure d'accueil réserve des places de répit pour les enfants accompagnés par la structure bénéficiaire.")
	p.Heading("Article 2 — Durée")
	p.Paragraph("La convention est conclue pour un an, reconduite tacitement, sauf dénonciation trois mois avant son terme.")
	var b bytes.Buffer
	err := p.Write(&b)
	return b.Bytes(), err
})

// insertCooperation adds the demo's agreements (one reserving respite
// places on the board), a model convention and the knowledge base.
func insertCooperation(ctx context.Context, tx *db.Tx, ids map[string]string) error {
	account := func(mailbox string) (string, string, error) {
		var id, name string
		err := tx.QueryRowContext(ctx, `SELECT id, display_name FROM accounts WHERE email = $1`, address(mailbox)).Scan(&id, &name)
		return id, name, err
	}
	today := tx.Now.Format(time.DateOnly)
	first := time.Date(tx.Now.Year(), tx.Now.Month(), 1, 0, 0, 0, 0, time.UTC)
	month := func(n int) string { return first.AddDate(0, n, 0).Format(time.DateOnly) }
	agreementIDs := map[string]string{}
	for _, s := range agreementSeeds {
		by, byName, err := account(s.By)
		if err != nil {
			return fmt.Errorf("agreement %q: %w", s.Title, err)
		}
		t := cooperation.Terms{StartsOn: month(s.StartMonths), DurationMonths: s.Months, Tacit: s.Tacit, NoticeMonths: s.Notice}
		if !s.Draft {
			t.SignedOn = month(s.SignedMonths)
		}
		switch {
		case s.EndDays > 0:
			t.EndsOn = tx.Now.AddDate(0, 0, s.EndDays).Format(time.DateOnly)
		case s.Months > 0:
			t.EndsOn = cooperation.EndFrom(t.StartsOn, s.Months)
		}
		st := cooperation.StatusOn(t, today)
		id := db.NewID()
		agreementIDs[s.Title] = id
		if _, err := tx.ExecContext(ctx, `INSERT INTO agreements (id, departement, kind, title, reference, children, support, signed_on,
			starts_on, ends_on, duration_months, tacit_renewal, notice_months, status, current_end, created_by, created_by_name, search_text,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)`,
			id, Departement, s.Kind, s.Title, s.Reference, s.Children, s.Support, t.SignedOn, t.StartsOn, t.EndsOn, t.DurationMonths,
			t.Tacit, t.NoticeMonths, string(st), cooperation.CurrentEnd(t, today), by, byName,
			cooperation.SearchText(s.Title, s.Reference, s.Children, s.Support), tx.Now); err != nil {
			return fmt.Errorf("agreement %q: %w", s.Title, err)
		}
		for i, p := range s.Parties {
			if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_parties (agreement_id, organisation_id, role, position) VALUES ($1, $2, $3, $4)`,
				id, ids[p[0]], p[1], i); err != nil {
				return fmt.Errorf("agreement party %s: %w", p[0], err)
			}
		}
		for i, c := range s.Contacts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_contacts (id, agreement_id, name, function, phone, email, position)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), id, c.Name, c.Function, c.Phone, c.Email, i); err != nil {
				return err
			}
		}
		var rs []cooperation.Reservation
		for i, p := range s.Places {
			var offer string
			if err := tx.QueryRowContext(ctx, `SELECT id FROM offers WHERE structure_id = $1 AND modality = $2 ORDER BY created_at, id LIMIT 1`,
				ids[p.Structure], p.Modality).Scan(&offer); err != nil {
				return fmt.Errorf("agreement places of %s: %w", p.Structure, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_places (id, agreement_id, offer_id, structure_id, beneficiary_id, places,
				per_month, starts_on, ends_on, position) VALUES ($1, $2, $3, $4, $5, $6, $7, '', '', $8)`,
				db.NewID(), id, offer, ids[p.Structure], ids[p.Beneficiary], p.Places, p.PerMonth, i); err != nil {
				return err
			}
			from, _ := time.Parse(time.DateOnly, t.StartsOn)
			to, _ := time.Parse(time.DateOnly, cooperation.CurrentEnd(t, today))
			rs = append(rs, cooperation.Reservation{OfferID: offer, StructureID: ids[p.Structure], BeneficiaryID: ids[p.Beneficiary],
				Places: p.Places, PerMonth: p.PerMonth, From: from, To: to})
		}
		if st.Reserving() && len(rs) > 0 {
			if err := (capacity.AgreementPlaces{}).Reserve(ctx, tx, id, rs); err != nil {
				return fmt.Errorf("agreement places: %w", err)
			}
		}
	}
	pdf, err := demoPDF()
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cooperation_files (id, owner_type, owner_id, name, content_type, size, data, created_at)
		VALUES ($1, 'agreement', $2, 'convention-repit-signee.pdf', 'application/pdf', $3, $4, $5)`,
		db.NewID(), agreementIDs[agreementSeeds[0].Title], len(pdf), pdf, tx.Now); err != nil {
		return err
	}
	model := db.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO agreement_models (id, departement, title, kind, description, children, support,
		duration_months, tacit_renewal, notice_months, created_by_name, created_at, updated_at)
		VALUES ($1, $2, $3, 'convention', $4, $5, $6, 12, TRUE, 3, 'Hélène Vial', $7, $7)`, model, Departement,
		"Convention de répit entre structures",
		"Le modèle du territoire pour réserver des places de répit d'une structure au bénéfice des enfants d'une autre : objet, durée, engagements de chacun, bilan.",
		"Enfants accompagnés par la structure bénéficiaire dont la famille ou le lieu d'accueil a besoin de répit.",
		"Places de répit réservées chaque mois ; séjours de 1 à 6 jours demandés au moins quinze jours à l'avance ; bilan commun chaque trimestre.",
		tx.Now); err != nil {
		return fmt.Errorf("agreement model: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cooperation_files (id, owner_type, owner_id, name, content_type, size, data, created_at)
		VALUES ($1, 'model', $2, 'modele-convention-repit.pdf', 'application/pdf', $3, $4, $5)`, db.NewID(), model, len(pdf), pdf, tx.Now); err != nil {
		return err
	}
	for i, s := range articleSeeds {
		by, byName, err := account(s.By)
		if err != nil {
			return fmt.Errorf("article %q: %w", s.Title, err)
		}
		id := db.NewID()
		body := strings.Join(s.Body, "\n\n")
		at := tx.Now.Add(-time.Duration(len(articleSeeds)-i) * 24 * time.Hour)
		var reviewed, published any
		reviewer := ""
		if s.Status == cooperation.ArticlePublished {
			reviewed, published, reviewer = at, at, "Hélène Vial"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO articles (id, departement, organisation_id, author_account_id, author_name, title, summary,
			body, status, reviewed_by_name, reviewed_at, published_at, search_text, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`, id, Departement, ids[s.Org], by, byName, s.Title,
			s.Summary, body, s.Status, reviewer, reviewed, published, cooperation.SearchText(s.Title, s.Summary, body, strings.Join(s.Tags, " ")), at); err != nil {
			return fmt.Errorf("article %q: %w", s.Title, err)
		}
		for _, t := range s.Tags {
			if _, err := tx.ExecContext(ctx, `INSERT INTO article_tags (article_id, tag) VALUES ($1, $2)`, id, t); err != nil {
				return err
			}
		}
		for _, t := range s.Types {
			if _, err := tx.ExecContext(ctx, `INSERT INTO article_structure_types (article_id, structure_type) VALUES ($1, $2)`, id, t); err != nil {
				return err
			}
		}
		for _, a := range s.Agreements {
			if _, err := tx.ExecContext(ctx, `INSERT INTO article_agreements (article_id, agreement_id) VALUES ($1, $2)`, id, agreementIDs[a]); err != nil {
				return fmt.Errorf("article link %q: %w", a, err)
			}
		}
		for _, k := range s.Structs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO article_structures (article_id, structure_id) VALUES ($1, $2)`, id, ids[k]); err != nil {
				return err
			}
		}
	}
	return nil
}
