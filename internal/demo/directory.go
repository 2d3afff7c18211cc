package demo

import (
	"context"
	"fmt"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/directory"
)

// entrySeed is the directory entry of a demo structure. Streets are
// invented ("de l'Exemple", "des Démos"…) in real communes; the two homes
// for mothers and young children have confidential addresses.
type entrySeed struct {
	Street, Postal string
	Confidential   bool
	Days           int
	Closed         string
	Minutes        int
	// CheckedDaysAgo: when the director last confirmed the entry; -1 never.
	CheckedDaysAgo int
	Offers         []directory.OfferInput
	OnDuty         string // the on-duty phone, "" for none
}

func offer(modality string, from, to int, places int, needs []string, conditions ...string) directory.OfferInput {
	return directory.OfferInput{Modality: modality, AgeMin: from, AgeMax: to, Needs: needs, Conditions: conditions,
		PlacesAuthorised: places, PlacesInstalled: places, Active: true}
}

var (
	behaviour    = []string{"behaviour"}
	intellectual = []string{"intellectual", "autism"}
	psychic      = []string{"psychic", "behaviour"}
)

const summer = "Fermé trois semaines en août et une semaine entre Noël et le jour de l'an"

// entries are keyed by structure seed key.
var entries = map[string]entrySeed{
	"mecs": {Street: "12 rue de l'Exemple", Postal: "42000", Days: 365, Minutes: 60, CheckedDaysAgo: 20, OnDuty: "04 99 11 01 99",
		Offers: []directory.OfferInput{offer("residential", 6, 18, 32, nil, "ase_measure"), offer("emergency", 13, 18, 2, nil, "ase_measure")}},
	"mecs-roseraie": {Street: "4 avenue des Démos", Postal: "42300", Days: 365, CheckedDaysAgo: 45, OnDuty: "04 99 21 01 99",
		Offers: []directory.OfferInput{offer("residential", 12, 18, 24, nil, "ase_measure"), offer("sequential", 12, 18, 4, nil, "ase_measure")}},
	"mecs-colombier": {Street: "8 chemin du Prototype", Postal: "42230", Days: 365, CheckedDaysAgo: 10, OnDuty: "04 99 31 01 99",
		Offers: []directory.OfferInput{offer("residential", 4, 12, 18, nil, "ase_measure"), offer("respite", 6, 12, 2, behaviour, "ase_measure")}},
	"foyer-se": {Street: "1 place de la Maquette", Postal: "42000", Days: 365, CheckedDaysAgo: 5, OnDuty: "04 99 00 11 99",
		Offers: []directory.OfferInput{offer("emergency", 3, 18, 20, nil, "ase_measure")}},
	"foyer-roanne": {Street: "2 rue de l'Essai", Postal: "42300", Days: 365, CheckedDaysAgo: 230, OnDuty: "04 99 00 12 99",
		Offers: []directory.OfferInput{offer("emergency", 3, 18, 12, nil, "ase_measure")}},
	"pouponniere": {Street: "5 rue de l'Exemple", Postal: "42100", Days: 365, CheckedDaysAgo: 30, OnDuty: "04 99 11 02 99",
		Offers: []directory.OfferInput{offer("residential", 0, 3, 15, nil, "ase_measure"), offer("emergency", 0, 3, 2, nil, "ase_measure")}},
	"centre-maternel": {Street: "9 impasse Discrète", Postal: "42700", Confidential: true, Days: 365, CheckedDaysAgo: 12, OnDuty: "04 99 11 03 99",
		Offers: []directory.OfferInput{offer("residential", 0, 3, 12, []string{"parenthood"}), offer("emergency", 0, 3, 1, []string{"parenthood"})}},
	"centre-parental": {Street: "3 allée Discrète", Postal: "42400", Confidential: true, Days: 365, CheckedDaysAgo: 60, OnDuty: "04 99 31 02 99",
		Offers: []directory.OfferInput{offer("residential", 0, 3, 8, []string{"parenthood"})}},
	"placement-familial": {Street: "14 boulevard du Modèle", Postal: "42170", Days: 365, Minutes: 45, CheckedDaysAgo: 25, OnDuty: "04 99 11 04 99",
		Offers: []directory.OfferInput{offer("foster", 0, 18, 60, nil, "ase_measure"), offer("respite", 3, 18, 4, nil, "ase_measure")}},
	"placement-familial-roannais": {Street: "6 rue du Spécimen", Postal: "42153", Days: 365, CheckedDaysAgo: -1,
		Offers: []directory.OfferInput{offer("foster", 0, 18, 35, nil, "ase_measure")}},
	"relais-parental": {Street: "7 rue de l'Échantillon", Postal: "42800", Days: 300, Closed: "Fermé en août", CheckedDaysAgo: 15,
		Offers: []directory.OfferInput{offer("parental_relay", 0, 12, 6, nil, "parents_request"), offer("respite", 3, 12, 2, nil, "parents_request")}},
	"lva": {Street: "Lieu-dit Les Essais", Postal: "42130", Days: 365, CheckedDaysAgo: 90,
		Offers: []directory.OfferInput{offer("residential", 10, 18, 7, behaviour, "ase_measure")}},
	"ditep": {Street: "20 route du Prototype", Postal: "42400", Days: 210, Closed: summer, Minutes: 45, CheckedDaysAgo: 3, OnDuty: "04 99 41 01 99",
		Offers: []directory.OfferInput{offer("residential", 6, 16, 24, behaviour, "mdph_notification"), offer("day_care", 6, 16, 30, behaviour, "mdph_notification"),
			offer("respite", 6, 14, 3, behaviour, "mdph_notification"), offer("home_school", 6, 18, 25, behaviour, "mdph_notification")}},
	"itep": {Street: "11 rue des Démos", Postal: "42300", Days: 210, Closed: summer, CheckedDaysAgo: 40,
		Offers: []directory.OfferInput{offer("day_care", 8, 16, 20, behaviour, "mdph_notification"), offer("respite", 8, 14, 2, behaviour, "mdph_notification")}},
	"ime-cordee": {Street: "3 rue de la Maquette", Postal: "42500", Days: 210, Closed: summer, CheckedDaysAgo: 35,
		Offers: []directory.OfferInput{offer("day_care", 6, 20, 40, intellectual, "mdph_notification"), offer("respite", 6, 20, 2, intellectual, "mdph_notification"),
			offer("residential", 12, 20, 12, intellectual, "mdph_notification")}},
	"ime-val": {Street: "1 chemin de l'Essai", Postal: "42110", Days: 210, Closed: summer, CheckedDaysAgo: 200,
		Offers: []directory.OfferInput{offer("day_care", 6, 20, 30, []string{"intellectual", "multiple"}, "mdph_notification")}},
	"cmpp": {Street: "2 place du Modèle", Postal: "42600", Days: 220, CheckedDaysAgo: 50,
		Offers: []directory.OfferInput{offer("consultation", 0, 20, 0, psychic)}},
	"sessad-envol": {Street: "16 avenue de l'Exemple", Postal: "42160", Days: 210, CheckedDaysAgo: 70,
		Offers: []directory.OfferInput{offer("home_school", 3, 20, 35, intellectual, "mdph_notification")}},
	"sessad-roannais": {Street: "4 rue du Spécimen", Postal: "42190", Days: 210, CheckedDaysAgo: 20,
		Offers: []directory.OfferInput{offer("home_school", 6, 20, 20, behaviour, "mdph_notification")}},
	"camsp": {Street: "9 rue de l'Échantillon", Postal: "42100", Days: 220, CheckedDaysAgo: 8,
		Offers: []directory.OfferInput{offer("consultation", 0, 6, 0, nil)}},
	"emr-sud": {Street: "12 rue de l'Exemple", Postal: "42000", Days: 250, Minutes: 60, CheckedDaysAgo: 14, OnDuty: "04 99 41 07 99",
		Offers: []directory.OfferInput{offer("mobile", 0, 20, 0, []string{"behaviour", "autism", "psychic"})}},
	"emr-nord": {Street: "11 rue des Démos", Postal: "42300", Days: 250, Minutes: 60, CheckedDaysAgo: 14,
		Offers: []directory.OfferInput{offer("mobile", 0, 20, 0, []string{"behaviour", "autism", "psychic"})}},
	"pedopsy-hdj": {Street: "25 boulevard du Modèle", Postal: "42000", Days: 230, CheckedDaysAgo: 100,
		Offers: []directory.OfferInput{offer("day_care", 3, 16, 15, psychic)}},
	"pedopsy-cmp": {Street: "6 place de l'Essai", Postal: "42340", Days: 230, CheckedDaysAgo: 100,
		Offers: []directory.OfferInput{offer("consultation", 0, 18, 0, psychic)}},
}

// insertEntry writes the directory entry of a demo structure.
func insertEntry(ctx context.Context, tx *db.Tx, seed orgSeed, id, operatorID string) error {
	e, ok := entries[seed.Key]
	if !ok {
		return fmt.Errorf("no directory entry for %q", seed.Key)
	}
	in := directory.EntryInput{Name: seed.Name, Type: seed.Type, OperatorID: operatorID, Street: e.Street, PostalCode: e.Postal,
		CommuneCode: seed.Commune, Confidential: e.Confidential, Email: address(seed.Mailbox), Phone: seed.Phone,
		Territory: directory.Territory{Departements: []string{Departement}, MaxMinutes: e.Minutes}, OpeningDays: e.Days,
		ClosedPeriods: e.Closed}
	contacts := []directory.ContactInput{
		{Function: "direction", Label: "Direction", Email: "direction-" + address(seed.Mailbox)},
		{Function: "secretariat", Label: "Secrétariat", Phone: seed.Phone, Hours: "du lundi au vendredi, 9 h – 17 h"},
		{Function: "admissions", Label: "Admissions", Email: "admissions-" + address(seed.Mailbox)},
	}
	if e.OnDuty != "" {
		contacts = append([]directory.ContactInput{{Function: "on_duty", Label: "Cadre d'astreinte", Phone: e.OnDuty,
			Hours: "soirs, week-ends et jours fériés"}}, contacts...)
	}
	var checked time.Time
	if e.CheckedDaysAgo >= 0 {
		checked = tx.Now.AddDate(0, 0, -e.CheckedDaysAgo)
	}
	return directory.Seed(ctx, tx, id, in, e.Offers, contacts, checked)
}
