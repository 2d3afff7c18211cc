package demo

import (
	"context"
	"fmt"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
	"passerelle/internal/pathway"
)

// The demo children: invented, each with a pathway the field will
// recognise, all followed by the demo referent. Dates are relative to the
// day the demo is loaded, so that the alerts and the "without solution"
// flag show whatever the day.

type childSeed struct {
	Key, First, Last, Sex string
	AgeYears              int
	Living                string // structure key, "carer:" + mailbox, or "family"
	School, SchoolNote    string
	Relatives             []relativeSeed
	Measures              []measureSeed
	Notifications         []notificationSeed
	Circle                []memberSeed
	Notes                 []string
}

type relativeSeed struct {
	Kind, Name, Relationship, Authority, Mailbox string // Mailbox: a demo parent account
}

type measureSeed struct {
	Kind, Authority string
	FromDays, ToDay int // days from today; ToDay 0: no end
}

type notificationSeed struct {
	Orientation, Modality, Status, WaitingAt, Admitted string
	FromDays, ToDays                                   int
}

type memberSeed struct {
	Org      string
	Capacity access.Capacity
	Basis    string // consent (given by the first relative), decision (the first judicial measure), shared_secrecy
	Staff    []string
	FromDays int
}

var children = []childSeed{
	{Key: "lucas", First: "Lucas", Last: "Fontaine", Sex: "boy", AgeYears: 9, Living: "mecs", School: "ulis",
		SchoolNote: "CM1 avec ULIS, école Jules-Ferry",
		Relatives: []relativeSeed{
			{Kind: "mother", Name: "Aurélie Fontaine", Relationship: "Visites un samedi sur deux, appels le mercredi", Authority: "full", Mailbox: "famille"},
			{Kind: "relative", Name: "Jeanne Fontaine", Relationship: "Grand-mère, accueille Lucas pendant les vacances", Authority: "none"},
		},
		Measures: []measureSeed{
			{Kind: "opp", Authority: "Juge des enfants de Saint-Étienne", FromDays: -430, ToDay: -400},
			{Kind: "placement_judiciaire", Authority: "Juge des enfants de Saint-Étienne", FromDays: -399, ToDay: 45},
		},
		Notifications: []notificationSeed{{Orientation: "ditep", Modality: "Accueil de jour et internat séquentiel", Status: "admitted",
			Admitted: "ditep", FromDays: -680, ToDays: 50}},
		Circle: []memberSeed{
			{Org: "mecs", Capacity: access.CapLivingPlace, Basis: "decision", Staff: []string{"educatrice-mecs", "directeur"}, FromDays: -399},
			{Org: "ditep", Capacity: access.CapMedicoSocial, Basis: "consent", Staff: []string{"educateur"}, FromDays: -250},
		},
		Notes: []string{"Rentrée au DITEP bien passée ; deux jours d'internat par semaine à partir d'octobre.",
			"Point avec la MECS : Lucas dort mal les soirs de visite, on ajuste le retour du samedi."}},
	{Key: "ines", First: "Inès", Last: "Benali", Sex: "girl", AgeYears: 7, Living: "carer:assistante-familiale", School: "part_time",
		SchoolNote: "CE1, scolarité le matin",
		Relatives:  []relativeSeed{{Kind: "father", Name: "Karim Benali", Relationship: "Visites médiatisées une fois par mois", Authority: "full"}},
		Measures:   []measureSeed{{Kind: "placement_judiciaire", Authority: "Juge des enfants de Roanne", FromDays: -200, ToDay: 530}},
		Notifications: []notificationSeed{{Orientation: "sessad", Modality: "Accompagnement en milieu ordinaire", Status: "waiting",
			WaitingAt: "SESSAD L'Envol, SESSAD du Brionnais-Roannais", FromDays: -150, ToDays: 580}},
		Circle: []memberSeed{
			{Org: "placement-familial", Capacity: access.CapFosterCarer, Basis: "decision", Staff: []string{"assistante-familiale"}, FromDays: -200},
			{Org: "emr-sud", Capacity: access.CapMobileTeam, Basis: "shared_secrecy", Staff: []string{"equipe-mobile"}, FromDays: -30},
		},
		Notes: []string{"Inès attend une place en SESSAD depuis cinq mois ; l'équipe mobile passe chaque semaine chez l'assistante familiale."}},
	{Key: "nathan", First: "Nathan", Last: "Roche", Sex: "boy", AgeYears: 13, Living: "family", School: "ordinary",
		SchoolNote:    "5e, collège Gambetta, exclusions temporaires répétées",
		Relatives:     []relativeSeed{{Kind: "mother", Name: "Sandrine Roche", Authority: "full"}, {Kind: "father", Name: "David Roche", Authority: "full"}},
		Measures:      []measureSeed{{Kind: "aemo", Authority: "Juge des enfants de Saint-Étienne", FromDays: -330, ToDay: 25}},
		Notifications: []notificationSeed{{Orientation: "itep", Modality: "Externat", Status: "notified", FromDays: -40, ToDays: 690}},
		Circle:        []memberSeed{{Org: "cmpp", Capacity: access.CapCare, Basis: "consent", FromDays: -120}}},
	{Key: "chloe", First: "Chloé", Last: "Mercier", Sex: "girl", AgeYears: 2, Living: "pouponniere", School: "too_young",
		Relatives: []relativeSeed{{Kind: "mother", Name: "Laura Mercier", Relationship: "Visites trois fois par semaine à la pouponnière", Authority: "full"}},
		Measures:  []measureSeed{{Kind: "opp", Authority: "Juge des enfants de Saint-Étienne", FromDays: -20, ToDay: 160}},
		Circle:    []memberSeed{{Org: "pouponniere", Capacity: access.CapLivingPlace, Basis: "decision", FromDays: -20}}},
}

// insertChildren writes the demo children, their pathways and circles.
func insertChildren(ctx context.Context, tx *db.Tx, ids map[string]string) error {
	account := func(mailbox string) (string, error) {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE email = $1`, address(mailbox)).Scan(&id)
		return id, err
	}
	referent, err := account("referent")
	if err != nil {
		return err
	}
	today := time.Date(tx.Now.Year(), tx.Now.Month(), tx.Now.Day(), 0, 0, 0, 0, time.UTC)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	childIDs := map[string]string{}
	for i, c := range children {
		id := db.NewID()
		childIDs[c.Key] = id
		birth := today.AddDate(-c.AgeYears, -(i*3 + 2), -i*7).Format(time.DateOnly)
		var structure, carer any
		kind := "family"
		switch {
		case c.Living == "family":
		case len(c.Living) > 6 && c.Living[:6] == "carer:":
			kind = "foster_carer"
			if carer, err = account(c.Living[6:]); err != nil {
				return err
			}
		default:
			kind, structure = "structure", ids[c.Living]
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO children (id, pseudonym, ase_id, referent_id, departement, first_name, last_name,
			search_name, birth_date, sex, living_kind, living_structure_id, living_carer_id, school_kind, school_note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)`,
			id, fmt.Sprintf("E-DEMO-%04d", i+1), ids["ase"], referent, Departement, c.First, c.Last, geo.Fold(c.Last+" "+c.First),
			birth, c.Sex, kind, structure, carer, c.School, c.SchoolNote, tx.Now); err != nil {
			return fmt.Errorf("child %s: %w", c.Key, err)
		}
		ev := func(at time.Time, kind string, section access.Section, summary, body string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO child_events (id, child_id, at, kind, section, summary, body, actor_id, actor_name,
				organisation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'Sophie Duret', $9)`,
				db.NewID(), id, at, kind, string(section), summary, body, referent, ids["ase"])
			return err
		}
		opened := tx.Now.AddDate(0, 0, -450)
		if err := ev(opened, "created", access.SecIdentity, "Dossier ouvert", ""); err != nil {
			return err
		}
		var relatives []string
		for _, r := range c.Relatives {
			rid := db.NewID()
			var acc any
			if r.Mailbox != "" {
				if acc, err = account(r.Mailbox); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO child_relatives (id, child_id, kind, name, relationship, authority, account_id,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, rid, id, r.Kind, r.Name, r.Relationship,
				r.Authority, acc, tx.Now); err != nil {
				return err
			}
			relatives = append(relatives, rid)
		}
		var judicial, previous string
		for _, m := range c.Measures {
			mid := db.NewID()
			to := "9999-12-31"
			if m.ToDay != 0 {
				to = day(m.ToDay)
			}
			var renews any
			if previous != "" {
				renews = previous
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO child_measures (id, child_id, kind, authority, decided_on, starts_on, ends_on,
				renews_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, 'Sophie Duret')`,
				mid, id, m.Kind, m.Authority, day(m.FromDays), to, renews, tx.Now); err != nil {
				return err
			}
			if judicial == "" && m.Kind != "accueil_provisoire" && m.Kind != "aed" {
				judicial = mid
			}
			previous = mid
			if err := ev(tx.Now.AddDate(0, 0, m.FromDays), "measure", access.SecMeasures, pathway.MeasureKindOf(m.Kind).Label+" — "+m.Authority, ""); err != nil {
				return err
			}
		}
		for _, n := range c.Notifications {
			var admitted any
			if n.Admitted != "" {
				admitted = ids[n.Admitted]
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO child_notifications (id, child_id, orientation, modality, starts_on, ends_on,
				status, waiting_at, admitted_structure_id, status_on, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $5, $10, $10)`, db.NewID(), id, n.Orientation, n.Modality,
				day(n.FromDays), day(n.ToDays), n.Status, n.WaitingAt, admitted, tx.Now); err != nil {
				return err
			}
			if err := ev(tx.Now.AddDate(0, 0, n.FromDays), "notification", access.SecNotifications,
				"Notification MDPH : orientation "+pathway.Label(pathway.Orientations, n.Orientation), ""); err != nil {
				return err
			}
		}
		var consent any
		if len(relatives) > 0 {
			cid := db.NewID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO child_consents (id, child_id, relative_id, scope, subject, given_on, until_on,
				created_at, created_by) VALUES ($1, $2, $3, 'circle', 'Partage avec les structures qui accompagnent l''enfant', $4,
				'9999-12-31', $5, 'Sophie Duret')`, cid, id, relatives[0], day(-260), tx.Now); err != nil {
				return err
			}
			consent = cid
		}
		for _, m := range c.Circle {
			mid := db.NewID()
			var cons, meas any
			switch m.Basis {
			case "consent":
				cons = consent
			case "decision":
				meas = judicial
			}
			status := "active"
			var answered any = tx.Now.AddDate(0, 0, m.FromDays)
			if len(m.Staff) == 0 {
				status, answered = "invited", nil
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO child_circle (id, child_id, organisation_id, capacity, status, basis, consent_id,
				measure_id, starts_on, ends_on, invited_by, invited_at, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
				'9999-12-31', 'Sophie Duret', $10, $11)`, mid, id, ids[m.Org], string(m.Capacity), status, m.Basis, cons, meas,
				day(m.FromDays), tx.Now.AddDate(0, 0, m.FromDays-2), answered); err != nil {
				return fmt.Errorf("circle %s: %w", m.Org, err)
			}
			for _, s := range m.Staff {
				acc, err := account(s)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO child_circle_staff (member_id, account_id) VALUES ($1, $2)`, mid, acc); err != nil {
					return err
				}
			}
		}
		for j, n := range c.Notes {
			if err := ev(tx.Now.AddDate(0, 0, -14*(len(c.Notes)-j)), "note", access.SecNotes, "Note", n); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "demo.child", ResourceType: string(access.ResChild), ResourceID: id}); err != nil {
			return err
		}
	}
	if err := insertPlannings(ctx, tx, ids, childIDs); err != nil {
		return err
	}
	return insertProjects(ctx, tx, childIDs["lucas"])
}

// holidays are the demo's school holidays of the Loire for a year (dates
// of demonstration, close to zone A's).
var holidays = []struct{ name, from, to string }{
	{"Vacances de la Toussaint", "2026-10-17", "2026-11-01"},
	{"Vacances de Noël", "2026-12-19", "2027-01-03"},
	{"Vacances d'hiver", "2027-02-06", "2027-02-21"},
	{"Vacances de printemps", "2027-04-03", "2027-04-18"},
	{"Pont de l'Ascension", "2027-05-06", "2027-05-09"},
	{"Vacances d'été", "2027-07-03", "2027-08-31"},
	{"Vacances de la Toussaint", "2027-10-16", "2027-10-31"},
}

// plannings are the demo children's weeks: Lucas sleeps at the MECS, spends
// weekdays at the DITEP (closed in the school holidays: the gaps show) and
// has a visit with his mother next Saturday during the MECS's day (the
// conflict shows).
type slotSeed struct {
	child, org, kind, label, start, end string
	weekdays                            int
	skipHolidays                        bool
	onceInDays                          int // > 0: once, that many days from today (moved to a Saturday)
}

var plannings = []slotSeed{
	{child: "lucas", org: "mecs", kind: "living", start: "16:30", end: "09:00", weekdays: 127},
	{child: "lucas", org: "mecs", kind: "living", start: "09:00", end: "16:30", weekdays: 32 | 64},
	{child: "lucas", org: "ditep", kind: "day_care", start: "09:00", end: "16:30", weekdays: 31, skipHolidays: true},
	{child: "lucas", org: "ase", kind: "family", label: "Visite avec sa mère", start: "14:00", end: "17:00", onceInDays: 7},
	{child: "ines", org: "placement-familial", kind: "living", start: "00:00", end: "23:59", weekdays: 127},
}

// insertPlannings writes the holidays and the demo plannings.
func insertPlannings(ctx context.Context, tx *db.Tx, ids, childIDs map[string]string) error {
	for _, h := range holidays {
		if _, err := tx.ExecContext(ctx, `INSERT INTO school_holidays (id, departement, name, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)`,
			db.NewID(), Departement, h.name+" (dates de démonstration)", h.from, h.to); err != nil {
			return err
		}
	}
	today := time.Date(tx.Now.Year(), tx.Now.Month(), tx.Now.Day(), 0, 0, 0, 0, time.UTC)
	from := today.AddDate(0, -2, 0).Format(time.DateOnly)
	for _, p := range plannings {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, ids[p.org]).Scan(&name); err != nil {
			return fmt.Errorf("planning of %s: %w", p.child, err)
		}
		start, end, weekdays := from, "9999-12-31", p.weekdays
		if p.onceInDays > 0 {
			d := today.AddDate(0, 0, p.onceInDays)
			for d.Weekday() != time.Saturday {
				d = d.AddDate(0, 0, 1)
			}
			start, end, weekdays = d.Format(time.DateOnly), d.Format(time.DateOnly), 32
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO planning_slots (id, child_id, organisation_id, organisation_name, kind, label,
			starts_at, ends_at, weekdays, valid_from, valid_to, skip_holidays, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'Démonstration', $13)`, db.NewID(), childIDs[p.child], ids[p.org],
			name, p.kind, p.label, p.start, p.end, weekdays, start, end, p.skipHolidays, tx.Now); err != nil {
			return fmt.Errorf("planning of %s: %w", p.child, err)
		}
	}
	return nil
}

// Lucas's project: version 1, validated five months ago, is due for review
// in three weeks (the referent's alert shows); version 2 is the draft the
// circle has prepared, ready to be validated and printed.
type itemSeed struct {
	key, part, domain, text, who string
	dueDays                      int // > 0: an action's deadline, days from today
	v1, v2                       string
}

var lucasProject = []itemSeed{
	{key: "n1", part: "need", domain: "daily", text: "Des repères stables entre la MECS, le DITEP et les visites", v1: "=", v2: "="},
	{key: "n2", part: "need", domain: "school", text: "Retrouver confiance à l'école après une année de refus scolaire", v1: "=", v2: "="},
	{key: "o1", part: "objective", domain: "school", text: "Aller en classe ULIS quatre matinées par semaine", v1: "=",
		v2: "Aller en classe ULIS tous les matins"},
	{key: "o2", part: "objective", domain: "family", text: "Des visites avec sa mère qui se passent bien, un samedi sur deux", v1: "=", v2: "="},
	{key: "o3", part: "objective", domain: "care", text: "Séances d'orthophonie au DITEP deux fois par semaine", v1: "=", v2: "="},
	{key: "o4", part: "objective", domain: "social", text: "Une activité sportive hors de la MECS", v2: "="},
	{key: "a1", part: "action", domain: "school", text: "Réunion d'équipe éducative avec l'école", who: "DITEP Le Gier", dueDays: 30, v1: "=", v2: "="},
	{key: "a2", part: "action", domain: "family", text: "Préparer chaque visite avec Lucas le vendredi", who: "MECS", v1: "=", v2: "="},
	{key: "a3", part: "action", domain: "daily", text: "Trajets accompagnés vers le DITEP", who: "MECS", v1: "="},
	{key: "a4", part: "action", domain: "social", text: "Inscription au club de judo du quartier", who: "Référente ASE", dueDays: 60, v2: "="},
}

func insertProjects(ctx context.Context, tx *db.Tx, childID string) error {
	today := time.Date(tx.Now.Year(), tx.Now.Month(), tx.Now.Day(), 0, 0, 0, 0, time.UTC)
	validated := tx.Now.AddDate(0, -5, 0)
	keys := map[string]string{}
	for _, v := range []struct {
		version                                  int
		status, review, childWords, parentsWords string
		agreement, reviewOn, validatedBy         string
	}{
		{1, "validated", "", "Je veux rester aux Tilleuls et voir maman plus souvent.", "Je veux qu'il retourne à l'école normalement.",
			"agreed", today.AddDate(0, 0, 20).Format(time.DateOnly), "Sophie Duret"},
		{2, "draft", "Les trajets accompagnés ont réussi : Lucas va seul au DITEP depuis janvier. Les visites se passent mieux quand elles sont préparées.",
			"Je veux faire du judo comme mon copain Adam.", "", "", "", ""},
	} {
		id := db.NewID()
		var validatedAt any
		if v.status == "validated" {
			validatedAt = validated
		}
		created := validated.AddDate(0, 0, -14)
		if v.status == "draft" {
			created = tx.Now.AddDate(0, 0, -6)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO child_projects (id, child_id, version, status, review_summary, child_words,
			parents_words, review_on, agreement, created_at, created_by_name, updated_at, updated_by_name, validated_at, validated_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'Sophie Duret', $10, 'Léa Moulin', $11, $12)`,
			id, childID, v.version, v.status, v.review, v.childWords, v.parentsWords, v.reviewOn, v.agreement, created, validatedAt,
			v.validatedBy); err != nil {
			return fmt.Errorf("project of the demo: %w", err)
		}
		pos := 0
		for _, it := range lucasProject {
			text := it.v1
			if v.version == 2 {
				text = it.v2
			}
			if text == "" {
				continue
			}
			if text == "=" {
				text = it.text
			}
			if keys[it.key] == "" {
				keys[it.key] = db.NewID()
			}
			due := ""
			if it.dueDays > 0 {
				due = today.AddDate(0, 0, it.dueDays).Format(time.DateOnly)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO child_project_items (id, project_id, item_key, position, part, domain, text, who, due_on)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, db.NewID(), id, keys[it.key], pos, it.part, it.domain, text, it.who, due); err != nil {
				return fmt.Errorf("project of the demo: %w", err)
			}
			pos++
		}
	}
	return nil
}
