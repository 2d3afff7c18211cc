package web

import (
	"net/http"
	"slices"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/auth"
	"passerelle/internal/capacity"
	"passerelle/internal/directory"
	"passerelle/internal/org"
)

type homePage struct {
	Actor          access.Actor
	CanHold        bool // may put options on places (ASE referents, directors)
	Structures     int
	Organisations  int
	Accounts       int
	CanSeeAccounts bool
	NeedsTOTP      bool
	Departement    string
	// Children: how many children the account follows (its own, for a
	// referent), how many without solution, invitations to answer.
	FollowsChildren           bool
	Children, WithoutSolution int
	Invitations               int
	IsSteering                bool
	// Entries are the directory entries of the actor's structures, with
	// whether each is to be checked again.
	Entries []homeEntry
}

type homeEntry struct {
	S       directory.Structure
	Stale   bool
	CanEdit bool
	// CanDeclare: the account keeps the structure's capacity figures (its
	// directors, and its foster carers for their relay stays); Figures
	// counts those figures and StaleFigures those to confirm.
	CanDeclare            bool
	Figures, StaleFigures int
}

// home greets the account with what its roles open. Counts come from the
// same scoped lists as the pages, so they never show more than those do.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor := access.ActorFrom(ctx)
	p := homePage{Actor: actor, CanHold: access.Can(actor, access.ActionCreate, access.Resource{Type: access.ResHold})}
	for _, m := range actor.Memberships {
		if m.Departement != "" {
			p.Departement = m.Departement
			break
		}
	}
	var err error
	p.FollowsChildren = slices.ContainsFunc([]access.Role{access.RoleEducator, access.RoleDirector, access.RoleASEReferent,
		access.RoleMobileTeam, access.RoleFosterCarer, access.RoleParent}, actor.Has)
	p.IsSteering = actor.Has(access.RoleSteering)
	if p.FollowsChildren {
		if p.Children, p.WithoutSolution, err = s.Pathway.Count(ctx, actor.Has(access.RoleASEReferent)); err != nil {
			return err
		}
		if actor.Has(access.RoleDirector) {
			if p.Invitations, err = s.Pathway.InvitationCount(ctx); err != nil {
				return err
			}
		}
	}
	if _, p.Structures, err = s.Orgs.List(ctx, org.Filter{Kind: access.OrgStructure, Departement: p.Departement, Limit: 1}); err != nil {
		return err
	}
	if _, p.Organisations, err = s.Orgs.List(ctx, org.Filter{Limit: 1}); err != nil {
		return err
	}
	if access.Can(actor, access.ActionList, access.Resource{Type: access.ResAccount}) {
		p.CanSeeAccounts = true
		if _, p.Accounts, err = s.Auth.ListAccounts(ctx, auth.AccountFilter{Limit: 1}); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, m := range actor.Memberships {
		if m.OrganisationKind != access.OrgStructure || seen[m.OrganisationID] {
			continue
		}
		seen[m.OrganisationID] = true
		st, err := s.Directory.Get(ctx, m.OrganisationID)
		if err != nil {
			return err
		}
		e := homeEntry{S: st, Stale: st.Stale(time.Now()),
			CanEdit: access.Can(actor, access.ActionUpdate, st.Resource()),
			CanDeclare: access.Can(actor, access.ActionUpdate, capacity.Availability{StructureID: st.ID}.Resource(st.Departement)) ||
				actor.HasIn(access.RoleFosterCarer, st.ID)}
		if e.CanDeclare {
			if e.Figures, e.StaleFigures, err = s.capFreshness(ctx, st); err != nil {
				return err
			}
		}
		p.Entries = append(p.Entries, e)
	}
	acc, err := s.Auth.GetAccount(ctx, actor.AccountID)
	if err != nil {
		return err
	}
	p.NeedsTOTP = !acc.TOTPEnabled
	s.render(w, r, http.StatusOK, "home", "Accueil", p)
	return nil
}
