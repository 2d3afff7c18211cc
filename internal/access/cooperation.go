package access

import (
	"fmt"
	"slices"

	"passerelle/internal/db"
)

// Cooperation: agreements, model documents and the knowledge base.
//
// An agreement's facts: Departement its territory, OrganisationIDs its
// party organisations, Status "draft" while it is not signed. Knowing who
// works with whom is the point, so a signed agreement is read by every
// professional of the territory; a draft only by the parties' directors
// and the steering.
//
// A reservation of places (ActionReserve): OrganisationIDs is the
// structure whose places are kept and its operator, so that no party
// reserves another structure's places without it.
//
// An article's facts: Departement, OrganisationIDs the author's
// organisation, AccountID the author, Status draft, reviewed or published.
const (
	// ResAgreement is an agreement with its parties, contacts, reserved
	// places and signed document.
	ResAgreement ResourceType = "agreement"
	// ResAgreementModel is a model document a territory publishes.
	ResAgreementModel ResourceType = "agreement_model"
	// ResArticle is an article of the knowledge base.
	ResArticle ResourceType = "article"
)

const (
	// ActionReserve: keep places of a structure's offer by an agreement.
	ActionReserve Action = "reserve"
	// ActionDownload: download an agreement's signed document.
	ActionDownload Action = "download"
	// ActionReview: mark an article reviewed, or send it back to draft.
	ActionReview Action = "review"
	// ActionPublish: publish an article.
	ActionPublish Action = "publish"
)

// Stages of agreements and articles the rules look at.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

var cooperationRules = []Rule{
	{ResAgreement, ActionList, "every account; the list holds what the account may read (AgreementScope)", authenticated},
	{ResAgreement, ActionView, "signed: professionals of the département; draft: directors of a party, steering of the département; administrators",
		anyOf(admin, steeringOfTerritory, directorOfOne, signedForTerritory)},
	{ResAgreement, ActionCreate, "steering of the département, directors of a party organisation", anyOf(steeringOfTerritory, directorOfOne)},
	{ResAgreement, ActionUpdate, "steering of the département, directors of a party organisation, administrators",
		anyOf(admin, steeringOfTerritory, directorOfOne)},
	{ResAgreement, ActionReserve, "steering of the département, directors of the structure whose places are kept or of its operator",
		anyOf(steeringOfTerritory, directorOfOne)},
	{ResAgreement, ActionDownload, "professionals of a party organisation, steering of the département, administrators",
		anyOf(admin, steeringOfTerritory, staffOfOne)},

	{ResAgreementModel, ActionList, "every account; the list holds the models of its départements", authenticated},
	{ResAgreementModel, ActionView, "professionals of the département, administrators", anyOf(admin, professionalOfTerritory)},
	{ResAgreementModel, ActionCreate, "steering of the département", steeringOfTerritory},
	{ResAgreementModel, ActionUpdate, "steering of the département, administrators", anyOf(admin, steeringOfTerritory)},

	{ResArticle, ActionList, "every account; the list holds what the account may read (ArticleScope)", authenticated},
	{ResArticle, ActionView, "published: professionals of the département; otherwise the author, professionals of the author's organisation, steering of the département; administrators",
		anyOf(admin, steeringOfTerritory, publishedForTerritory, author, staffOfOne)},
	{ResArticle, ActionCreate, "steering of the département, directors and educators of a structure (for their structure)",
		anyOf(steeringOfTerritory, writerOfStructure)},
	{ResArticle, ActionUpdate, "the author, steering of the département, administrators", anyOf(admin, steeringOfTerritory, author)},
	{ResArticle, ActionReview, "steering of the département", steeringOfTerritory},
	{ResArticle, ActionPublish, "steering of the département", steeringOfTerritory},
}

func init() { rules = append(rules, cooperationRules...) }

// professionalOfTerritory: a member of an organisation of the record's
// département other than as a parent.
func professionalOfTerritory(a Actor, r Resource) bool {
	return r.Departement != "" && slices.ContainsFunc(a.Memberships, func(m Membership) bool {
		return m.Departement == r.Departement && m.Role != RoleParent
	})
}

// signedForTerritory: an agreement past its draft, for a professional of
// its département.
func signedForTerritory(a Actor, r Resource) bool {
	return r.Status != "" && r.Status != StatusDraft && professionalOfTerritory(a, r)
}

// publishedForTerritory: a published article, for a professional of its
// département.
func publishedForTerritory(a Actor, r Resource) bool {
	return r.Status == StatusPublished && professionalOfTerritory(a, r)
}

func author(a Actor, r Resource) bool { return r.AccountID != "" && r.AccountID == a.AccountID }

// writerOfStructure: a director or educator of the structure the article
// is written for.
func writerOfStructure(a Actor, r Resource) bool {
	return slices.ContainsFunc(r.OrganisationIDs, func(id string) bool {
		return a.HasIn(RoleDirector, id) || a.HasIn(RoleEducator, id)
	})
}

// territories returns the départements where the actor is a professional
// (parents aside) and those where they hold a steering role in an
// authority.
func (a Actor) territories() (professional, steering []string) {
	for _, m := range a.Memberships {
		if m.Departement == "" || m.Role == RoleParent {
			continue
		}
		if !slices.Contains(professional, m.Departement) {
			professional = append(professional, m.Departement)
		}
		if m.Role == RoleSteering && slices.Contains(territorialKinds, m.OrganisationKind) && !slices.Contains(steering, m.Departement) {
			steering = append(steering, m.Departement)
		}
	}
	return professional, steering
}

// AgreementScope returns the SQL condition limiting a list of agreements
// to those the actor may read (the ResAgreement view rule). depColumn,
// statusColumn and idColumn are the agreement's columns.
func AgreementScope(a Actor, depColumn, statusColumn, idColumn string, args *db.Args) string {
	switch {
	case a.System || a.IsAdmin():
		return "TRUE"
	case !a.Authenticated():
		return "FALSE"
	}
	pro, steer := a.territories()
	var conds []string
	if len(pro) > 0 {
		conds = append(conds, fmt.Sprintf("(%s <> 'draft' AND %s IN (%s))", statusColumn, depColumn, db.List(args, pro)))
	}
	if len(steer) > 0 {
		conds = append(conds, fmt.Sprintf("%s IN (%s)", depColumn, db.List(args, steer)))
	}
	if dirs := a.OrgsWhere(RoleDirector); len(dirs) > 0 {
		conds = append(conds, fmt.Sprintf("EXISTS (SELECT 1 FROM agreement_parties ap WHERE ap.agreement_id = %s AND ap.organisation_id IN (%s))",
			idColumn, db.List(args, dirs)))
	}
	return orConds(conds)
}

// ArticleScope returns the SQL condition limiting a list of articles to
// those the actor may read (the ResArticle view rule).
func ArticleScope(a Actor, depColumn, statusColumn, orgColumn, authorColumn string, args *db.Args) string {
	switch {
	case a.System || a.IsAdmin():
		return "TRUE"
	case !a.Authenticated():
		return "FALSE"
	}
	pro, steer := a.territories()
	conds := []string{fmt.Sprintf("%s = %s", authorColumn, args.Add(a.AccountID))}
	if len(pro) > 0 {
		conds = append(conds, fmt.Sprintf("(%s = 'published' AND %s IN (%s))", statusColumn, depColumn, db.List(args, pro)))
	}
	if len(steer) > 0 {
		conds = append(conds, fmt.Sprintf("%s IN (%s)", depColumn, db.List(args, steer)))
	}
	var orgs []string
	for _, m := range a.Memberships {
		if m.Role != RoleParent && !slices.Contains(orgs, m.OrganisationID) {
			orgs = append(orgs, m.OrganisationID)
		}
	}
	if len(orgs) > 0 {
		conds = append(conds, fmt.Sprintf("%s IN (%s)", orgColumn, db.List(args, orgs)))
	}
	return orConds(conds)
}

// ModelScope returns the condition limiting model documents to the
// départements where the actor is a professional.
func ModelScope(a Actor, depColumn string, args *db.Args) string {
	switch {
	case a.System || a.IsAdmin():
		return "TRUE"
	case !a.Authenticated():
		return "FALSE"
	}
	pro, _ := a.territories()
	if len(pro) == 0 {
		return "FALSE"
	}
	return fmt.Sprintf("%s IN (%s)", depColumn, db.List(args, pro))
}

func orConds(conds []string) string {
	if len(conds) == 0 {
		return "FALSE"
	}
	out := "(" + conds[0]
	for _, c := range conds[1:] {
		out += " OR " + c
	}
	return out + ")"
}
