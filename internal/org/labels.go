package org

import "passerelle/internal/access"

// Sectors of a structure type (DOMAIN.md).
const (
	SectorChildProtection = "protection_enfance" // ASE: Conseil départemental
	SectorMedicoSocial    = "medico_social"      // disability services: ARS
	SectorHealth          = "sante"              // child psychiatry
	SectorEducation       = "education_nationale"
	SectorJustice         = "justice" // PJJ
)

// Sectors lists every sector, in the order the interface offers them.
var Sectors = []string{SectorChildProtection, SectorMedicoSocial, SectorHealth, SectorEducation, SectorJustice}

// StructureType is a kind of structure (ESSMS or health service), with its
// French label and its sector.
type StructureType struct {
	Code, Label, Sector string
}

// StructureTypes lists every structure type, child protection first, in the
// order the interface offers them.
var StructureTypes = []StructureType{
	{"mecs", "MECS — Maison d'enfants à caractère social", SectorChildProtection},
	{"foyer_enfance", "Foyer de l'enfance", SectorChildProtection},
	{"pouponniere", "Pouponnière à caractère social", SectorChildProtection},
	{"centre_maternel", "Centre maternel", SectorChildProtection},
	{"centre_parental", "Centre parental", SectorChildProtection},
	{"placement_familial", "Service de placement familial", SectorChildProtection},
	{"relais_parental", "Relais parental", SectorChildProtection},
	{"lva", "Lieu de vie et d'accueil (LVA)", SectorChildProtection},
	{"aemo", "Service d'AEMO / AED (milieu ouvert)", SectorChildProtection},
	{"prevention", "Service de prévention spécialisée", SectorChildProtection},
	{"mna", "Évaluation et mise à l'abri des mineurs non accompagnés", SectorChildProtection},
	{"autre_protection", "Autre établissement de protection de l'enfance", SectorChildProtection},
	{"ditep", "DITEP — Dispositif intégré thérapeutique, éducatif et pédagogique", SectorMedicoSocial},
	{"itep", "ITEP — Institut thérapeutique, éducatif et pédagogique", SectorMedicoSocial},
	{"ime", "IME — Institut médico-éducatif", SectorMedicoSocial},
	{"cmpp", "CMPP — Centre médico-psycho-pédagogique", SectorMedicoSocial},
	{"sessad", "SESSAD — Service d'éducation spéciale et de soins à domicile", SectorMedicoSocial},
	{"camsp", "CAMSP — Centre d'action médico-sociale précoce", SectorMedicoSocial},
	{"emr", "Équipe mobile ressource (EMR)", SectorMedicoSocial},
	{"eeap", "EEAP — Établissement pour enfants polyhandicapés", SectorMedicoSocial},
	{"ies", "Institut d'éducation motrice ou sensorielle (IEM, déficients visuels ou auditifs)", SectorMedicoSocial},
	{"accueil_temporaire", "Établissement d'accueil temporaire d'enfants handicapés", SectorMedicoSocial},
	{"cafs", "CAFS — Centre d'accueil familial spécialisé", SectorMedicoSocial},
	{"autre_medico_social", "Autre établissement pour enfants handicapés", SectorMedicoSocial},
	{"pedopsychiatrie", "Pédopsychiatrie (CMP, hôpital de jour)", SectorHealth},
	{"pjj", "Établissement ou service de la PJJ", SectorJustice},
}

// structureType returns the type with this code.
func structureType(code string) (StructureType, bool) {
	for _, t := range StructureTypes {
		if t.Code == code {
			return t, true
		}
	}
	return StructureType{}, false
}

// StructureTypeSector returns the sector of a structure type code, "" when unknown.
func StructureTypeSector(code string) string {
	t, _ := structureType(code)
	return t.Sector
}

// ValidStructureType reports whether code is a known structure type.
func ValidStructureType(code string) bool {
	_, ok := structureType(code)
	return ok
}

// StructureTypeLabel returns the French label of a structure type code, the
// code itself when unknown, "" for "".
func StructureTypeLabel(code string) string {
	if t, ok := structureType(code); ok {
		return t.Label
	}
	return code
}

// SectorLabel returns the French label of a sector code.
func SectorLabel(sector string) string {
	switch sector {
	case SectorChildProtection:
		return "Protection de l'enfance"
	case SectorMedicoSocial:
		return "Médico-social"
	case SectorHealth:
		return "Santé"
	case SectorEducation:
		return "Éducation nationale"
	case SectorJustice:
		return "Justice (PJJ)"
	}
	return sector
}

// KindLabel returns the French label of an organisation kind.
func KindLabel(k access.OrgKind) string {
	switch k {
	case access.OrgStructure:
		return "Structure"
	case access.OrgOperator:
		return "Organisme gestionnaire"
	case access.OrgASE:
		return "Service ASE du département"
	case access.OrgARS:
		return "Délégation ARS"
	case access.OrgMDPH:
		return "MDPH"
	case access.OrgPJJ:
		return "PJJ"
	case access.OrgPlatform:
		return "Plateforme"
	}
	return string(k)
}

// RoleLabel returns the French label of a role.
func RoleLabel(r access.Role) string {
	switch r {
	case access.RoleEducator:
		return "Professionnel·le de structure"
	case access.RoleDirector:
		return "Direction de structure"
	case access.RoleASEReferent:
		return "Référent·e ASE"
	case access.RoleMobileTeam:
		return "Équipe mobile"
	case access.RoleFosterCarer:
		return "Assistant·e familial·e"
	case access.RoleParent:
		return "Parent ou représentant légal"
	case access.RoleSteering:
		return "Pilotage territorial"
	case access.RoleAdmin:
		return "Administration de la plateforme"
	}
	return string(r)
}
