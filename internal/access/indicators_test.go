package access_test

import "passerelle/internal/access"

// Dashboards of the Loire (42), of its region Auvergne-Rhône-Alpes (84,
// which holds the Rhône, 69, too), of Île-de-France (11) and of the nation.
var (
	dashboard42   = access.Resource{Type: access.ResDashboard, Departement: "42"}
	dashboard84   = access.Resource{Type: access.ResDashboard, Region: "84"}
	dashboard11   = access.Resource{Type: access.ResDashboard, Region: "11"}
	dashboardFR   = access.Resource{Type: access.ResDashboard}
	steeringOf84  = []string{"admin", "steering of 42", "ARS steering of 42", "steering of 69", "system"}
	dashboardRows = func() []matrixRow {
		var rows []matrixRow
		for _, act := range []access.Action{access.ActionView, access.ActionExport} {
			rows = append(rows,
				matrixRow{act, dashboard42, "the dashboard of 42", []string{"admin", "steering of 42", "ARS steering of 42", "system"}},
				matrixRow{act, dashboard84, "the dashboard of region 84", steeringOf84},
				matrixRow{act, dashboard11, "the dashboard of region 11", []string{"admin", "system"}},
				matrixRow{act, dashboardFR, "the national dashboard", steeringOf84},
			)
		}
		return rows
	}()
)

func init() { matrix = append(matrix, dashboardRows...) }
