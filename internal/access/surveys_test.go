package access_test

import (
	"slices"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// A survey of the Loire's ASE (42), and its campaign sent to A only.
var (
	survey42      = access.Resource{Type: access.ResSurvey, ID: "sv", OrganisationIDs: []string{"auth-42ase"}, Departement: "42"}
	campaignToA   = access.Resource{Type: access.ResSurveyCampaign, ID: "cp", OrganisationIDs: []string{"auth-42ase"}, Departement: "42", RecipientIDs: []string{orgA}}
	surveyAnswerA = func() access.Resource {
		r := campaignToA
		r.Type, r.ProviderID = access.ResSurveyAnswer, orgA
		return r
	}()
	// B was not a target: its director answers nothing, even naming B.
	surveyAnswerB    = func() access.Resource { r := surveyAnswerA; r.ProviderID = orgB; return r }()
	surveyBuilders42 = []string{"admin", "steering of 42", "ARS steering of 42", "system"}
)

func init() {
	matrix = append(matrix,
		matrixRow{access.ActionList, survey42, "surveys", everyAccount},
		matrixRow{access.ActionView, survey42, "the survey of 42", surveyBuilders42},
		matrixRow{access.ActionCreate, survey42, "a survey of 42", surveyBuilders42},
		matrixRow{access.ActionUpdate, survey42, "the survey of 42", surveyBuilders42},
		matrixRow{access.ActionList, campaignToA, "campaigns", everyAccount},
		matrixRow{access.ActionView, campaignToA, "the campaign of 42 sent to A",
			append(slices.Clone(surveyBuilders42), "director of A", "educator of A", "educator (the self)")},
		matrixRow{access.ActionCreate, campaignToA, "a campaign of 42", surveyBuilders42},
		matrixRow{access.ActionUpdate, campaignToA, "the campaign of 42 (close)", surveyBuilders42},
		matrixRow{access.ActionViewResults, campaignToA, "the results of the campaign of 42", surveyBuilders42},
		matrixRow{access.ActionExport, campaignToA, "the answers of the campaign of 42", surveyBuilders42},
		matrixRow{access.ActionView, surveyAnswerA, "A's answer",
			append(slices.Clone(surveyBuilders42), "director of A", "educator of A", "educator (the self)")},
		matrixRow{access.ActionAnswer, surveyAnswerA, "the campaign, for A", []string{"director of A", "system"}},
		matrixRow{access.ActionView, surveyAnswerB, "an answer of B, not a target", surveyBuilders42},
		matrixRow{access.ActionAnswer, surveyAnswerB, "the campaign, for B, not a target", []string{"system"}},
	)
}

func TestSurveyScopes(t *testing.T) {
	cases := []struct {
		actor              string
		survey, campaign   string
		surveyN, campaignN int
	}{
		{"admin", "TRUE", "TRUE", 0, 0},
		{"system", "TRUE", "TRUE", 0, 0},
		{"anonymous", "FALSE", "FALSE", 0, 0},
		{"parent", "FALSE", "FALSE", 0, 0},
		{"referent of 42", "FALSE", "FALSE", 0, 0},
		{"steering", "FALSE", "FALSE", 0, 0}, // steering of no authority
		{"steering of 42", "s.departement IN ($1)", "c.departement IN ($1)", 1, 1},
		{"director of A", "FALSE", "EXISTS (SELECT 1 FROM survey_targets st WHERE st.campaign_id = c.id AND st.structure_id IN ($1))", 0, 1},
	}
	for _, c := range cases {
		a := actors[c.actor]
		var sa, ca db.Args
		if got := access.SurveyScope(a, "s.departement", &sa); got != c.survey || len(sa.Values()) != c.surveyN {
			t.Errorf("%s: survey scope %q %v", c.actor, got, sa.Values())
		}
		if got := access.CampaignScope(a, "c.departement", "c.id", &ca); got != c.campaign || len(ca.Values()) != c.campaignN {
			t.Errorf("%s: campaign scope %q %v", c.actor, got, ca.Values())
		}
	}
	both := access.Actor{AccountID: "x", Memberships: []access.Membership{
		{OrganisationID: "auth-42ase", OrganisationKind: access.OrgASE, Departement: "42", Role: access.RoleSteering},
		{OrganisationID: orgA, Role: access.RoleEducator}}}
	var args db.Args
	if got := access.CampaignScope(both, "c.departement", "c.id", &args); got != "(c.departement IN ($1) OR EXISTS (SELECT 1 FROM survey_targets st WHERE st.campaign_id = c.id AND st.structure_id IN ($2)))" {
		t.Errorf("steering and educator: %q", got)
	}
}
