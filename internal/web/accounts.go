package web

import (
	"net/http"
	"net/url"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/auth"
	"passerelle/internal/org"
)

type accountListPage struct {
	Accounts  []auth.Account
	Query     url.Values
	Pager     pager
	Orgs      []org.Organisation
	CanCreate bool
}

// orgChoices lists the organisations the actor may attach accounts to:
// all of them for an administrator, their own structures for a director.
func (s *Server) orgChoices(r *http.Request) ([]org.Organisation, error) {
	actor := access.ActorFrom(r.Context())
	if actor.IsAdmin() {
		orgs, _, err := s.Orgs.List(r.Context(), org.Filter{Limit: 200})
		return orgs, err
	}
	var orgs []org.Organisation
	for _, id := range actor.OrgsWhere(access.RoleDirector) {
		o, err := s.Orgs.Get(r.Context(), id)
		if err != nil {
			return nil, err
		}
		orgs = append(orgs, o)
	}
	return orgs, nil
}

func (s *Server) accountList(w http.ResponseWriter, r *http.Request) error {
	if err := access.Check(r.Context(), access.ActionList, access.Resource{Type: access.ResAccount}); err != nil {
		return err
	}
	q := r.URL.Query()
	f := auth.AccountFilter{Q: strings.TrimSpace(q.Get("q")), OrganisationID: q.Get("organisation"),
		Role: access.Role(q.Get("role")), IncludeInactive: q.Get("inactifs") == "1", Limit: pageSize, Offset: offsetOf(q)}
	if f.Role != "" && !f.Role.Valid() {
		f.Role = ""
	}
	accounts, total, err := s.Auth.ListAccounts(r.Context(), f)
	if err != nil {
		return err
	}
	orgs, err := s.orgChoices(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "account_list", "Comptes", accountListPage{Accounts: accounts, Query: q,
		Pager: newPager(q, f.Offset, len(accounts), total), Orgs: orgs, CanCreate: len(orgs) > 0})
	return nil
}

type accountFormPage struct {
	Form  Form
	Orgs  []org.Organisation
	Roles []access.Role
}

// rolesFor lists the roles the actor may grant.
func rolesFor(a access.Actor) []access.Role {
	if a.IsAdmin() {
		return access.Roles
	}
	return []access.Role{access.RoleEducator, access.RoleDirector, access.RoleMobileTeam, access.RoleFosterCarer}
}

func (s *Server) accountFormPage(w http.ResponseWriter, r *http.Request, form Form, status int) error {
	orgs, err := s.orgChoices(r)
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return access.Check(r.Context(), access.ActionCreate, access.Resource{Type: access.ResAccount, Role: access.RoleAdmin})
	}
	s.render(w, r, status, "account_form", "Nouveau compte", accountFormPage{Form: form, Orgs: orgs, Roles: rolesFor(access.ActorFrom(r.Context()))})
	return nil
}

func (s *Server) accountNewForm(w http.ResponseWriter, r *http.Request) error {
	v := url.Values{"organisation_id": {r.URL.Query().Get("organisation")}, "role": {"educator"}, "invite": {"1"}}
	return s.accountFormPage(w, r, Form{Values: v}, http.StatusOK)
}

func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	form := formFrom(r)
	v := r.PostForm
	in := auth.NewAccount{Email: v.Get("email"), Name: v.Get("name"), Invite: true,
		Memberships: []auth.MembershipInput{{OrganisationID: v.Get("organisation_id"), Role: access.Role(v.Get("role"))}}}
	acc, err := s.Auth.CreateAccount(r.Context(), in)
	if err != nil {
		if !formError(&form, err) {
			return err
		}
		if msg, ok := form.Errors["memberships"]; ok {
			form.Errors["organisation_id"] = msg
			delete(form.Errors, "memberships")
		}
		return s.accountFormPage(w, r, form, http.StatusUnprocessableEntity)
	}
	s.flash(r, "Le compte de "+acc.Name+" est créé ; une invitation a été envoyée à "+acc.Email+".")
	http.Redirect(w, r, "/admin/comptes/"+acc.ID, http.StatusSeeOther)
	return nil
}

type accountViewPage struct {
	Account   auth.Account
	CanToggle bool
	Self      bool
}

func (s *Server) accountView(w http.ResponseWriter, r *http.Request) error {
	acc, err := s.Auth.GetAccount(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	actor := access.ActorFrom(r.Context())
	res := access.Resource{Type: access.ResAccount, ID: acc.ID, OrganisationIDs: orgIDs(acc)}
	s.render(w, r, http.StatusOK, "account_view", acc.Name, accountViewPage{Account: acc,
		CanToggle: access.Can(actor, access.ActionDeactivate, res), Self: acc.ID == actor.AccountID})
	return nil
}

func orgIDs(acc auth.Account) []string {
	ids := make([]string, 0, len(acc.Memberships))
	for _, m := range acc.Memberships {
		ids = append(ids, m.OrganisationID)
	}
	return ids
}

func (s *Server) accountSetActive(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	id := r.PathValue("id")
	active := r.PostForm.Get("active") == "1"
	if err := s.Auth.SetAccountActive(r.Context(), id, active); err != nil {
		return err
	}
	if active {
		s.flash(r, "Le compte est réactivé.")
	} else {
		s.flash(r, "Le compte est désactivé : la personne ne peut plus se connecter.")
	}
	http.Redirect(w, r, "/admin/comptes/"+id, http.StatusSeeOther)
	return nil
}
