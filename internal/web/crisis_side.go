package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/crisis"
)

// Crisis mode, the structures' side: continuity plans (/crise/plans),
// broadcasts with acknowledgement (/crise/diffusions) and the mobile
// teams' on-call rota (/astreintes), with their part of the crisis page.

// crisisSideRoutes registers the pages of continuity plans, broadcasts and
// the on-call rota.
func (s *Server) crisisSideRoutes() {
	m := s.mux
	m.HandleFunc("GET /crise/plans", s.page(s.planList))
	m.HandleFunc("GET /crise/plans/{id}", s.page(s.planView))
	m.HandleFunc("POST /crise/plans/{id}", s.page(s.planSave))
	m.HandleFunc("POST /crise/plans/{id}/revu", s.page(s.planReviewed))
	m.HandleFunc("GET /crise/plans/{id}/document", s.page(s.planDocument))

	m.HandleFunc("GET /crise/diffusions", s.page(s.broadcastList))
	m.HandleFunc("GET /crise/diffusions/nouvelle", s.page(s.broadcastForm))
	m.HandleFunc("POST /crise/diffusions/nouvelle", s.page(s.broadcastSubmit))
	m.HandleFunc("GET /crise/diffusions/{id}", s.page(s.broadcastView))
	m.HandleFunc("POST /crise/diffusions/{id}/accuse", s.page(s.broadcastAck))
	m.HandleFunc("GET /crise/diffusions/{id}/document", s.page(s.broadcastDocument))

	m.HandleFunc("GET /astreintes", s.page(s.oncallTerritory))
	m.HandleFunc("GET /astreintes/{team}", s.page(s.oncallTeam))
	m.HandleFunc("POST /astreintes/{team}", s.page(s.oncallAdd))
	m.HandleFunc("POST /astreintes/{team}/{shift}/suppression", s.page(s.oncallDelete))
	m.HandleFunc("POST /astreintes/{team}/lien", s.page(s.oncallFeedCreate))
	m.HandleFunc("POST /astreintes/{team}/liens/{fid}/revocation", s.page(s.oncallFeedRevoke))
	m.HandleFunc("GET /agenda/astreintes/{token}", s.public(s.oncallFeed))
}

func crisisSideFuncs() template.FuncMap {
	return template.FuncMap{
		"planState": func(st crisis.PlanState) string { return crisis.PlanStateLabels[st] },
		"planStates": func() []crisis.PlanState {
			return []crisis.PlanState{crisis.PlanMissing, crisis.PlanOld, crisis.PlanDue, crisis.PlanCurrent}
		},
		"planLate": func(st crisis.PlanState) bool { return st == crisis.PlanMissing || st == crisis.PlanOld },
		// sideTime says a time or a *time.Time (nil: "—"), Paris time.
		"sideTime": func(v any) string {
			switch t := v.(type) {
			case time.Time:
				return formatDateTime(t)
			case *time.Time:
				if t != nil {
					return formatDateTime(*t)
				}
			}
			return "—"
		},
		"sideDay": func(d string) string {
			t, err := time.Parse(time.DateOnly, d)
			if err != nil {
				return "—"
			}
			return formatDate(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, paris))
		},
		// shiftSpan says a shift's times briefly: "lun. 3 mars 20 h → mar. 4 mars 8 h".
		"shiftSpan": shiftSpan,
	}
}

var frShortDays = [...]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}

func shiftSpan(x crisis.Shift) string {
	a, b := x.StartsAt.In(paris), x.EndsAt.In(paris)
	day := func(t time.Time) string {
		return frShortDays[t.Weekday()] + " " + formatDate(t)
	}
	hour := func(t time.Time) string {
		if t.Minute() == 0 {
			return fmt.Sprintf("%d h", t.Hour())
		}
		return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute())
	}
	if a.YearDay() == b.YearDay() && a.Year() == b.Year() {
		return day(a) + ", " + hour(a) + " → " + hour(b)
	}
	return day(a) + " " + hour(a) + " → " + day(b) + " " + hour(b)
}

// crisisSide is what the crisis page shows of continuity plans, broadcasts
// and the on-call rota, rendered by the "crisis_side" template.
type crisisSide struct {
	Departement string
	// Plans: the territory's counts, for those who may list them.
	Plans *crisis.PlanCounts
	// MyPlans: the plans of the reader's structures.
	MyPlans      []crisis.Plan
	Broadcasts   []crisis.BroadcastItem
	CanBroadcast bool
	OnCall       []crisis.TeamOnCall
}

// crisisSideFor loads it for a crisis of a département; what it holds
// depends on the reader (the actor of ctx).
func (s *Server) crisisSideFor(ctx context.Context, departement, crisisID string) (crisisSide, error) {
	a := access.ActorFrom(ctx)
	side := crisisSide{Departement: departement,
		CanBroadcast: access.Can(a, access.ActionCreate, access.Resource{Type: access.ResBroadcast, Departement: departement})}
	if access.Can(a, access.ActionList, access.Resource{Type: access.ResContinuityPlan, Departement: departement}) {
		_, c, err := s.Crisis.Plans(ctx, departement, crisis.PlanFilter{})
		if err != nil {
			return side, err
		}
		side.Plans = &c
	}
	for _, id := range staffStructures(a) {
		if p, err := s.Crisis.Plan(ctx, id); err == nil {
			side.MyPlans = append(side.MyPlans, p)
		}
	}
	var err error
	if side.Broadcasts, err = s.Crisis.Broadcasts(ctx, crisisID); err != nil {
		return side, err
	}
	if access.Can(a, access.ActionView, access.Resource{Type: access.ResOnCallRota, Departement: departement}) {
		if side.OnCall, err = s.Crisis.OnCall(ctx, departement); err != nil {
			return side, err
		}
	}
	return side, nil
}

// staffStructures are the structures the actor works in (parents aside).
func staffStructures(a access.Actor) []string {
	var out []string
	for _, m := range a.Memberships {
		if m.OrganisationKind != access.OrgStructure && m.OrganisationKind != "" || m.Role == access.RoleParent {
			continue
		}
		if !slices.Contains(out, m.OrganisationID) {
			out = append(out, m.OrganisationID)
		}
	}
	return out
}

// sideDepartement is the territory a page is about: the département
// asked for when the actor is its steering, else the actor's own.
func sideDepartement(r *http.Request) string {
	a := access.ActorFrom(r.Context())
	deps := access.SteeringDepartements(a)
	if q := r.URL.Query().Get("departement"); q != "" && (slices.Contains(deps, q) || a.IsAdmin()) {
		return q
	}
	if len(deps) > 0 {
		return deps[0]
	}
	return actorDepartement(r)
}
