package access_test

import (
	"slices"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// An agreement of the Loire between A and B, signed and as a draft; an
// article of A's educator "eduA", as a draft and published.
var (
	agreementAB = access.Resource{Type: access.ResAgreement, ID: "ag", OrganisationIDs: []string{orgA, orgB}, Departement: "42", Status: "in_force"}
	draftAB     = access.Resource{Type: access.ResAgreement, ID: "ag", OrganisationIDs: []string{orgA, orgB}, Departement: "42", Status: access.StatusDraft}
	newAB       = access.Resource{Type: access.ResAgreement, OrganisationIDs: []string{orgA, orgB}, Departement: "42"}
	placesOfA   = access.Resource{Type: access.ResAgreement, ID: "ag", OrganisationIDs: []string{orgA}, Departement: "42"}
	model42     = access.Resource{Type: access.ResAgreementModel, ID: "md", Departement: "42"}
	articleDraf = access.Resource{Type: access.ResArticle, ID: "ar", OrganisationIDs: []string{orgA}, AccountID: "eduA", Departement: "42", Status: access.StatusDraft}
	articlePub  = access.Resource{Type: access.ResArticle, ID: "ar", OrganisationIDs: []string{orgA}, AccountID: "eduA", Departement: "42", Status: access.StatusPublished}
	newArticleA = access.Resource{Type: access.ResArticle, OrganisationIDs: []string{orgA}, Departement: "42"}

	steerers42 = []string{"steering of 42", "ARS steering of 42", "system"}
	partiesAB  = []string{"director of A", "director of B"}
	staffOfA   = []string{"director of A", "educator of A", "educator (the self)"}
)

func coopWith(lists ...[]string) []string { return slices.Concat(lists...) }

func init() {
	matrix = append(matrix,
		matrixRow{access.ActionList, agreementAB, "agreements", everyAccount},
		matrixRow{access.ActionView, agreementAB, "a signed agreement of 42 between A and B",
			coopWith(steerers42, partiesAB, []string{"admin", "referent of 42", "steering in a structure of 42"})},
		matrixRow{access.ActionView, draftAB, "a draft agreement of 42 between A and B", coopWith(steerers42, partiesAB, []string{"admin"})},
		matrixRow{access.ActionCreate, newAB, "an agreement of 42 between A and B", coopWith(steerers42, partiesAB)},
		matrixRow{access.ActionUpdate, agreementAB, "an agreement of 42 between A and B", coopWith(steerers42, partiesAB, []string{"admin"})},
		matrixRow{access.ActionReserve, placesOfA, "places of A by an agreement of 42", coopWith(steerers42, []string{"director of A"})},
		matrixRow{access.ActionDownload, agreementAB, "the signed document of an agreement between A and B",
			coopWith(steerers42, staffOfA, []string{"admin", "director of B", "mobile team", "foster carer"})},

		matrixRow{access.ActionList, model42, "model documents", everyAccount},
		matrixRow{access.ActionView, model42, "a model document of 42",
			coopWith(steerers42, []string{"admin", "referent of 42", "steering in a structure of 42"})},
		matrixRow{access.ActionCreate, model42, "a model document of 42", steerers42},
		matrixRow{access.ActionUpdate, model42, "a model document of 42", coopWith(steerers42, []string{"admin"})},

		matrixRow{access.ActionList, articlePub, "articles", everyAccount},
		matrixRow{access.ActionView, articleDraf, "a draft article of A's educator", coopWith(steerers42, staffOfA, []string{"admin"})},
		matrixRow{access.ActionView, articlePub, "a published article of A's educator",
			coopWith(steerers42, staffOfA, []string{"admin", "referent of 42", "steering in a structure of 42"})},
		matrixRow{access.ActionCreate, newArticleA, "an article for A", coopWith(steerers42, staffOfA)},
		matrixRow{access.ActionUpdate, articleDraf, "an article of A's educator", coopWith(steerers42, []string{"admin", "educator of A"})},
		matrixRow{access.ActionReview, articleDraf, "an article of 42", steerers42},
		matrixRow{access.ActionPublish, articleDraf, "an article of 42", steerers42},
	)
}

// The list conditions agree with the view rules: a professional of 42
// reads the signed agreements of 42, a director also the drafts of their
// organisations, the steering every agreement of its département, a
// parent nothing.
func TestCooperationScopes(t *testing.T) {
	cases := []struct {
		actor, want string
		args        []any
	}{
		{"referent of 42", "((a.status <> 'draft' AND a.departement IN ($1)))", []any{"42"}},
		{"steering of 42", "((a.status <> 'draft' AND a.departement IN ($1)) OR a.departement IN ($2))", []any{"42", "42"}},
		{"director of A", "(EXISTS (SELECT 1 FROM agreement_parties ap WHERE ap.agreement_id = a.id AND ap.organisation_id IN ($1)))", []any{orgA}},
		{"parent", "FALSE", nil},
		{"anonymous", "FALSE", nil},
		{"system", "TRUE", nil},
	}
	for _, c := range cases {
		var args db.Args
		if got := access.AgreementScope(actors[c.actor], "a.departement", "a.status", "a.id", &args); got != c.want || !slices.Equal(args.Values(), c.args) {
			t.Errorf("%s: %s %v, want %s %v", c.actor, got, args.Values(), c.want, c.args)
		}
	}
	var args db.Args
	got := access.ArticleScope(actors["educator of A"], "x.departement", "x.status", "x.organisation_id", "x.author_account_id", &args)
	if want := "(x.author_account_id = $1 OR x.organisation_id IN ($2))"; got != want || !slices.Equal(args.Values(), []any{"eduA", orgA}) {
		t.Errorf("articles of A's educator: %s %v", got, args.Values())
	}
	args = db.Args{}
	if got := access.ModelScope(actors["parent"], "m.departement", &args); got != "FALSE" {
		t.Errorf("models of a parent: %s", got)
	}
}
