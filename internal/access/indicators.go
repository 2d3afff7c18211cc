package access

import "passerelle/internal/geo"

// Territorial dashboards: aggregates by département, region or nation.
//
// A dashboard's facts: Departement for a département's dashboard, Region
// for a region's, neither for the nation's. Its figures are aggregates
// under statistical secrecy, not a child's data, so reading one is not
// audited; an export is.
const ResDashboard ResourceType = "dashboard"

var indicatorRules = []Rule{
	{ResDashboard, ActionView, "administrators; steering of a département for its département, its region and the nation", anyOf(admin, steeringOfDashboard)},
	{ResDashboard, ActionExport, "administrators; steering of a département for its département, its region and the nation", anyOf(admin, steeringOfDashboard)},
}

func init() { rules = append(rules, indicatorRules...) }

// steeringOfDashboard: a steering account of an authority (ASE, ARS,
// MDPH) of the dashboard's département, of a département of its region, or
// of any département for the nation's.
func steeringOfDashboard(a Actor, r Resource) bool {
	for _, m := range a.Memberships {
		if m.Role != RoleSteering || m.Departement == "" || !isTerritorial(m.OrganisationKind) {
			continue
		}
		switch {
		case r.Departement != "":
			if m.Departement == r.Departement {
				return true
			}
		case r.Region != "":
			if d, ok := geo.DepartementByCode(m.Departement); ok && d.Region == r.Region {
				return true
			}
		default:
			return true
		}
	}
	return false
}

func isTerritorial(k OrgKind) bool {
	for _, t := range territorialKinds {
		if t == k {
			return true
		}
	}
	return false
}
