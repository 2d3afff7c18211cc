package access

import (
	"fmt"
	"slices"

	"passerelle/internal/db"
)

// Surveys. A survey and its campaigns belong to a steering organisation
// and its département (Departement, OrganisationIDs = the owner). A
// campaign's RecipientIDs are its target structures; an answer's
// ProviderID is the structure answering.
const (
	// ResSurvey is a survey definition: its sections and questions.
	ResSurvey ResourceType = "survey"
	// ResSurveyCampaign is a survey sent to structures with a deadline,
	// with its results.
	ResSurveyCampaign ResourceType = "survey_campaign"
	// ResSurveyAnswer is one target structure's answer to a campaign.
	ResSurveyAnswer ResourceType = "survey_answer"
)

// ActionViewResults: read a campaign's results (counts, free texts with
// the structures' names).
const ActionViewResults Action = "view_results"

// surveyRules are the policy's rows for surveys (appended to rules).
var surveyRules = []Rule{
	{ResSurvey, ActionList, "every account; the list holds only the surveys of the steering's départements (SurveyScope)", authenticated},
	{ResSurvey, ActionView, "administrators, steering of the survey's département", anyOf(admin, steeringOfTerritory)},
	{ResSurvey, ActionCreate, "administrators, steering of the survey's département", anyOf(admin, steeringOfTerritory)},
	{ResSurvey, ActionUpdate, "administrators, steering of the survey's département", anyOf(admin, steeringOfTerritory)},

	{ResSurveyCampaign, ActionList, "every account; the list holds the campaigns of the steering's départements and those sent to the account's structures (CampaignScope)", authenticated},
	{ResSurveyCampaign, ActionView, "administrators, steering of the campaign's département, directors and educators of a target structure",
		anyOf(admin, steeringOfTerritory, readerOfTarget)},
	{ResSurveyCampaign, ActionCreate, "administrators, steering of the survey's département (launch)", anyOf(admin, steeringOfTerritory)},
	{ResSurveyCampaign, ActionUpdate, "administrators, steering of the campaign's département (close)", anyOf(admin, steeringOfTerritory)},
	{ResSurveyCampaign, ActionViewResults, "administrators, steering of the campaign's département", anyOf(admin, steeringOfTerritory)},
	{ResSurveyCampaign, ActionExport, "administrators, steering of the campaign's département", anyOf(admin, steeringOfTerritory)},

	{ResSurveyAnswer, ActionView, "directors and educators of the answering target structure; administrators and steering of the département (through the results)",
		anyOf(admin, steeringOfTerritory, readerOfAnsweringTarget)},
	{ResSurveyAnswer, ActionAnswer, "directors of the answering target structure", answererOfTarget},
}

func init() { rules = append(rules, surveyRules...) }

// surveyReaderRoles read a campaign sent to their structure and its answer.
var surveyReaderRoles = []Role{RoleDirector, RoleEducator}

func readerOfTarget(a Actor, r Resource) bool {
	for _, id := range r.RecipientIDs {
		for _, role := range surveyReaderRoles {
			if a.HasIn(role, id) {
				return true
			}
		}
	}
	return false
}

func readerOfAnsweringTarget(a Actor, r Resource) bool {
	if r.ProviderID == "" || !slices.Contains(r.RecipientIDs, r.ProviderID) {
		return false
	}
	return a.HasIn(RoleDirector, r.ProviderID) || a.HasIn(RoleEducator, r.ProviderID)
}

func answererOfTarget(a Actor, r Resource) bool {
	return r.ProviderID != "" && slices.Contains(r.RecipientIDs, r.ProviderID) && a.HasIn(RoleDirector, r.ProviderID)
}

// SurveyScope returns the SQL condition limiting a list of surveys to
// those the actor builds (the ResSurvey view rule); depColumn is the
// survey's département.
func SurveyScope(a Actor, depColumn string, args *db.Args) string {
	switch {
	case a.System || a.IsAdmin():
		return "TRUE"
	case !a.Authenticated():
		return "FALSE"
	}
	deps := SteeringDepartements(a)
	if len(deps) == 0 {
		return "FALSE"
	}
	return fmt.Sprintf("%s IN (%s)", depColumn, db.List(args, deps))
}

// CampaignScope returns the SQL condition limiting a list of campaigns to
// those the actor sees (the ResSurveyCampaign view rule): those of the
// steering's départements, and those sent to a structure where the actor
// is director or educator. depColumn and idColumn are the campaign's.
func CampaignScope(a Actor, depColumn, idColumn string, args *db.Args) string {
	switch {
	case a.System || a.IsAdmin():
		return "TRUE"
	case !a.Authenticated():
		return "FALSE"
	}
	var conds []string
	if deps := SteeringDepartements(a); len(deps) > 0 {
		conds = append(conds, fmt.Sprintf("%s IN (%s)", depColumn, db.List(args, deps)))
	}
	if orgs := SurveyAnswerOrgs(a); len(orgs) > 0 {
		conds = append(conds, fmt.Sprintf("EXISTS (SELECT 1 FROM survey_targets st WHERE st.campaign_id = %s AND st.structure_id IN (%s))",
			idColumn, db.List(args, orgs)))
	}
	switch len(conds) {
	case 0:
		return "FALSE"
	case 1:
		return conds[0]
	}
	return "(" + conds[0] + " OR " + conds[1] + ")"
}

// SurveyAnswerOrgs returns the structures whose campaigns and answers the
// actor reads (as director or educator).
func SurveyAnswerOrgs(a Actor) []string {
	var ids []string
	for _, m := range a.Memberships {
		if slices.Contains(surveyReaderRoles, m.Role) && !slices.Contains(ids, m.OrganisationID) {
			ids = append(ids, m.OrganisationID)
		}
	}
	return ids
}
