package access

// ResObservatory is the pseudonymised longitudinal export of a
// département's children for the departmental observatory (ODPE). Its
// fact: Departement, the département exported.
const ResObservatory ResourceType = "observatory_export"

// observatoryRules: only the territory's steering (and administrators)
// run the export; no professional of a structure, no referent, no parent.
var observatoryRules = []Rule{
	{ResObservatory, ActionExport, "administrators, steering of the département", anyOf(admin, steeringOfTerritory)},
}

func init() { rules = append(rules, observatoryRules...) }
