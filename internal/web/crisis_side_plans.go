package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/crisis"
)

// plansPage is the territory's list of continuity plans.
type plansPage struct {
	Departement string
	Lines       []crisis.PlanLine
	Counts      crisis.PlanCounts
	Type, State string
}

// planList shows the steering the plans of its territory; a structure's
// staff go to their structure's plan.
func (s *Server) planList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := access.ActorFrom(ctx)
	dep := sideDepartement(r)
	if !access.Can(a, access.ActionList, access.Resource{Type: access.ResContinuityPlan, Departement: dep}) {
		if mine := staffStructures(a); len(mine) > 0 {
			http.Redirect(w, r, "/crise/plans/"+mine[0], http.StatusSeeOther)
			return nil
		}
	}
	q := r.URL.Query()
	p := plansPage{Departement: dep, Type: q.Get("type"), State: q.Get("etat")}
	var err error
	p.Lines, p.Counts, err = s.Crisis.Plans(ctx, dep, crisis.PlanFilter{Type: p.Type, State: p.State})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "plans", "Plans de continuité du territoire "+dep, p)
	return nil
}

// planPage is one structure's plan, with its form for the director.
type planPage struct {
	P    crisis.Plan
	Form Form
}

func (s *Server) planShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	p, err := s.Crisis.Plan(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if form.Values == nil {
		form = Form{Values: url.Values{"minimum_staffing": {p.MinimumStaffing}, "priorities": {p.Priorities},
			"children_procedure": {p.ChildrenProcedure}, "children_at_risk": {strconv.Itoa(p.ChildrenAtRisk)},
			"emergency_contacts": {p.EmergencyContacts}}, Errors: map[string]string{}}
	}
	s.render(w, r, status, "plan", "Plan de continuité — "+p.StructureName, planPage{P: p, Form: form})
	return nil
}

func (s *Server) planView(w http.ResponseWriter, r *http.Request) error {
	return s.planShow(w, r, http.StatusOK, Form{})
}

func (s *Server) planSave(w http.ResponseWriter, r *http.Request) error {
	files, err := postedFiles(r, "document")
	if err != nil {
		return err
	}
	v := r.PostForm
	form := formFrom(r)
	in := crisis.PlanInput{MinimumStaffing: v.Get("minimum_staffing"), Priorities: v.Get("priorities"),
		ChildrenProcedure: v.Get("children_procedure"), EmergencyContacts: v.Get("emergency_contacts"),
		RemoveDocument: v.Get("remove_document") == "1"}
	if n := strings.TrimSpace(v.Get("children_at_risk")); n != "" {
		if in.ChildrenAtRisk, err = strconv.Atoi(n); err != nil {
			in.ChildrenAtRisk = -1 // refused with its field
		}
	}
	if len(files) > 0 && len(files[0].Data) > 0 {
		in.Document = &files[0]
	}
	err = s.Crisis.SavePlan(r.Context(), r.PathValue("id"), in)
	if formError(&form, err) {
		return s.planShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Plan de continuité enregistré et revu aujourd'hui.")
	http.Redirect(w, r, "/crise/plans/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) planReviewed(w http.ResponseWriter, r *http.Request) error {
	err := s.Crisis.MarkReviewed(r.Context(), r.PathValue("id"))
	if apperr.Is(err, apperr.Conflict) {
		return s.planShow(w, r, http.StatusConflict, Form{Values: url.Values{}, Errors: map[string]string{}, Message: apperrMessage(err)})
	}
	if err != nil {
		return err
	}
	s.flash(r, "Merci : le plan est noté revu aujourd'hui.")
	http.Redirect(w, r, "/crise/plans/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) planDocument(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Crisis.PlanDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}
