package crisis

import "time"

// PlanState is where a structure's continuity plan stands.
type PlanState string

const (
	PlanMissing PlanState = "missing" // no plan
	PlanOld     PlanState = "old"     // last reviewed more than PlanValidMonths ago
	PlanDue     PlanState = "due"     // to review soon (from PlanDueMonths)
	PlanCurrent PlanState = "current"
)

// A plan is to be reviewed every year: the director is told after
// PlanDueMonths, and the plan counts as old after PlanValidMonths.
const (
	PlanDueMonths   = 11
	PlanValidMonths = 12
)

// PlanStateOf returns the state of a plan last reviewed on reviewedOn
// (YYYY-MM-DD, "" without a plan) on the day today.
func PlanStateOf(reviewedOn string, today time.Time) PlanState {
	if reviewedOn == "" {
		return PlanMissing
	}
	d, err := time.Parse(time.DateOnly, reviewedOn)
	if err != nil {
		return PlanMissing
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case !day.Before(d.AddDate(0, PlanValidMonths, 0)):
		return PlanOld
	case !day.Before(d.AddDate(0, PlanDueMonths, 0)):
		return PlanDue
	}
	return PlanCurrent
}

// PlanStateLabels say the states in French.
var PlanStateLabels = map[PlanState]string{PlanMissing: "aucun plan", PlanOld: "plan de plus d'un an",
	PlanDue: "à revoir bientôt", PlanCurrent: "à jour"}
