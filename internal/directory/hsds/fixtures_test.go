package hsds_test

import (
	"time"

	"passerelle/internal/directory/hsds"
)

// Test data, built in code. Ids are UUIDv7 as the directory gives them.
const (
	structureID = "01920a6e-3b7c-7d40-9a1e-5f2b8c4d6e01"
	operatorID  = "01920a6e-3b7c-7d40-9a1e-5f2b8c4d6e02"
	internatID  = "01920a6e-3b7c-7d40-9a1e-5f2b8c4d6e10"
	repitID     = "01920a6e-3b7c-7d40-9a1e-5f2b8c4d6e11"
	directionID = "01920a6e-3b7c-7d40-9a1e-5f2b8c4d6e20"
	astreinteID = "01920a6e-3b7c-7d40-9a1e-5f2b8c4d6e21"
)

// fullOffer has every field set.
func fullOffer() hsds.Offer {
	return hsds.Offer{
		ID:               internatID,
		Modality:         "internat_complet",
		ModalityLabel:    "Internat complet",
		Label:            "Internat des Tilleuls",
		Description:      "Accueil 365 jours par an en petites unités de vie.",
		AgeMin:           6,
		AgeMax:           18,
		PublicLabel:      "Mixte",
		Needs:            []string{"Troubles du comportement", "Scolarité adaptée"},
		Conditions:       []string{"Mesure de placement ASE", "Notification MDPH"},
		PlacesAuthorised: 24,
		PlacesInstalled:  22,
	}
}

// mecs is a MECS with an operator, an address, contacts and two offers.
func mecs() hsds.Structure {
	return hsds.Structure{
		ID:             structureID,
		Name:           "MECS Les Tilleuls",
		AlternateName:  "Les Tilleuls",
		Description:    "Maison d'enfants à caractère social.",
		Email:          "contact@tilleuls.example.org",
		Website:        "www.tilleuls.example.org",
		FinessET:       "420000012",
		FinessEJ:       "420000004",
		OperatorID:     operatorID,
		OperatorName:   "Association Les Amis de l'Enfance",
		TypeLabel:      "MECS",
		SectorLabel:    "Protection de l'enfance",
		AuthorityLabel: "Conseil départemental",
		Street:         "12 rue des Tilleuls",
		PostalCode:     "42800",
		CommuneName:    "Rive-de-Gier",
		CommuneCode:    "42186",
		Departement:    "42",
		Lat:            45.5271,
		Lng:            4.6182,
		HasCoordinates: true,
		OpeningDays:    365,
		ClosedPeriods:  "Pas de fermeture annuelle",
		Contacts: []hsds.Contact{
			{ID: directionID, Function: "direction", FunctionLabel: "Direction", Label: "Mme Durand", Phone: "04 77 12 34 56", Email: "direction@tilleuls.example.org"},
			{ID: astreinteID, Function: "astreinte", FunctionLabel: "Cadre d'astreinte", Phone: "06 12 34 56 78"},
			{Function: "admissions", FunctionLabel: "Admissions", Email: "admissions@tilleuls.example.org"},
		},
		Offers: []hsds.Offer{
			fullOffer(),
			{ID: repitID, Modality: "repit", ModalityLabel: "Accueil de répit", AgeMin: 0, AgeMax: 0},
		},
		CheckedAt: time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC),
		UpdatedAt: time.Date(2025, 3, 15, 9, 30, 12, 345_000_000, time.UTC),
	}
}

// confidential is a structure whose address is secret (a centre maternel,
// say); its street, postal code and coordinates are distinctive strings that
// appear nowhere else.
func confidential() hsds.Structure {
	s := mecs()
	s.Name = "Centre maternel"
	s.AlternateName = ""
	s.Description = "Accueil de mères avec enfants de moins de 3 ans."
	s.TypeLabel = "Centre maternel"
	s.Confidential = true
	s.Street = "7 impasse du Secret"
	s.PostalCode = "42390"
	s.CommuneName = "Villars"
	s.Lat, s.Lng = 45.46713, 4.35528
	return s
}

// bare is a structure with nothing but what the directory always has.
func bare() hsds.Structure {
	return hsds.Structure{ID: structureID, Name: "SESSAD du Pilat"}
}
