package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/export"
	"passerelle/internal/pathway"
)

// The child's common project: the current version, the draft the circle
// writes, the referent's validation, the comparison of two versions and
// the PDF of a version.

func (s *Server) projectRoutes() {
	m := s.mux
	m.HandleFunc("GET /enfants/{id}/projet", s.page(s.projectView))
	m.HandleFunc("POST /enfants/{id}/projet/brouillon/nouveau", s.page(s.projectStart))
	m.HandleFunc("GET /enfants/{id}/projet/brouillon", s.page(s.projectDraftForm))
	m.HandleFunc("POST /enfants/{id}/projet/brouillon", s.page(s.projectDraftSave))
	m.HandleFunc("POST /enfants/{id}/projet/brouillon/abandon", s.page(s.projectDiscard))
	m.HandleFunc("POST /enfants/{id}/projet/validation", s.page(s.projectValidate))
	m.HandleFunc("GET /enfants/{id}/projet/ecarts", s.page(s.projectCompare))
	m.HandleFunc("GET /enfants/{id}/projet/versions/{n}/projet.pdf", s.page(s.projectPDF))
}

// projectPage is the project page, with the validation form.
type projectPage struct {
	P    pathway.Project
	Form Form
}

func versionParam(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, apperr.New(apperr.NotFound, "Cette version du projet n'existe pas.")
	}
	return n, nil
}

func (s *Server) projectShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	n, err := versionParam(r.URL.Query().Get("version"))
	if err != nil {
		return err
	}
	p, err := s.Pathway.Project(r.Context(), r.PathValue("id"), pathway.ProjectOptions{Version: n})
	if err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{}
	}
	if form.Values.Get("review_on") == "" && p.Draft != nil {
		// A year is the longest; six months is what most projects take.
		today, _ := time.Parse(time.DateOnly, p.Today)
		form.Values.Set("review_on", today.AddDate(0, 6, 0).Format(time.DateOnly))
	}
	s.render(w, r, status, "child_project", "Projet de "+p.ChildName, projectPage{P: p, Form: form})
	return nil
}

func (s *Server) projectView(w http.ResponseWriter, r *http.Request) error {
	return s.projectShow(w, r, http.StatusOK, Form{Errors: map[string]string{}})
}

func (s *Server) projectStart(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v, err := s.Pathway.StartDraft(r.Context(), id)
	if apperr.Is(err, apperr.Conflict) {
		s.flash(r, apperrMessage(err))
		http.Redirect(w, r, "/enfants/"+id+"/projet/brouillon", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Brouillon de la version %d ouvert, à partir de la version en cours : le cercle peut y écrire.", v))
	http.Redirect(w, r, "/enfants/"+id+"/projet/brouillon", http.StatusSeeOther)
	return nil
}

func apperrMessage(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Message
	}
	return err.Error()
}

func (s *Server) projectDiscard(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Pathway.DiscardDraft(r.Context(), id); err != nil {
		return err
	}
	s.flash(r, "Brouillon abandonné : la version en cours reste le projet de l'enfant.")
	http.Redirect(w, r, "/enfants/"+id+"/projet", http.StatusSeeOther)
	return nil
}

func (s *Server) projectValidate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	v := r.PostForm
	rev, _ := strconv.Atoi(v.Get("revision"))
	n, err := s.Pathway.ValidateDraft(r.Context(), id, pathway.ValidationInput{Revision: rev, Agreement: v.Get("agreement"),
		AgreementNote: v.Get("agreement_note"), ReviewOn: v.Get("review_on")})
	form := formFrom(r)
	if formError(&form, err) {
		return s.projectShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.projectShow(w, r, http.StatusConflict, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Version %d validée : c'est désormais le projet de l'enfant, et le cercle en est prévenu.", n))
	http.Redirect(w, r, "/enfants/"+id+"/projet", http.StatusSeeOther)
	return nil
}

// projectRow is one row of the draft form.
type projectRow struct {
	N                            int
	Key, Part, Domain, Text, Who string
	Due                          string
	PartErr, DomainErr, TextErr  string
	WhoErr, DueErr               string
}

// projectFormPage is the draft form.
type projectFormPage struct {
	P    pathway.Project
	Form Form
	Rows []projectRow
}

// blankRows are the empty rows offered under the items.
const blankRows = 3

func (s *Server) projectDraftShow(w http.ResponseWriter, r *http.Request, status int, form Form, rows []projectRow) error {
	p, err := s.Pathway.Project(r.Context(), r.PathValue("id"), pathway.ProjectOptions{})
	if err != nil {
		return err
	}
	if p.Draft == nil {
		s.flash(r, "Il n'y a pas de brouillon en cours : préparez une nouvelle version.")
		http.Redirect(w, r, "/enfants/"+p.ChildID+"/projet", http.StatusSeeOther)
		return nil
	}
	if !p.CanDraft {
		return apperr.New(apperr.Forbidden, "Vous lisez le projet ; ce sont les professionnels du cercle qui l'écrivent.")
	}
	if form.Values == nil {
		form.Values = url.Values{"revision": {strconv.Itoa(p.Draft.Revision)}, "review": {p.Draft.Text.Review},
			"child_words": {p.Draft.Text.ChildWords}, "parents_words": {p.Draft.Text.ParentsWords}}
		for i, it := range p.Draft.Items {
			rows = append(rows, projectRow{N: i, Key: it.Key, Part: it.Part, Domain: it.Domain, Text: it.Text, Who: it.Who, Due: it.Due})
		}
	}
	for range blankRows {
		rows = append(rows, projectRow{N: len(rows), Part: "objective"})
	}
	for i := range rows {
		e := func(f string) string { return form.Errors[fmt.Sprintf("items.%d.%s", rows[i].N, f)] }
		rows[i].PartErr, rows[i].DomainErr, rows[i].TextErr, rows[i].WhoErr, rows[i].DueErr = e("part"), e("domain"), e("text"), e("who"), e("due")
	}
	s.render(w, r, status, "child_project_form", fmt.Sprintf("Projet de %s : brouillon", p.ChildName),
		projectFormPage{P: p, Form: form, Rows: rows})
	return nil
}

func (s *Server) projectDraftForm(w http.ResponseWriter, r *http.Request) error {
	return s.projectDraftShow(w, r, http.StatusOK, Form{Errors: map[string]string{}}, nil)
}

// postedRows reads the rows of the draft form as typed.
func postedRows(v url.Values) []projectRow {
	n, _ := strconv.Atoi(v.Get("rows"))
	n = min(max(n, 0), pathway.MaxProjectItems+2*blankRows)
	var rows []projectRow
	for i := range n {
		g := func(f string) string { return v.Get(fmt.Sprintf("%s.%d", f, i)) }
		rows = append(rows, projectRow{N: i, Key: g("key"), Part: g("part"), Domain: g("domain"), Text: g("text"), Who: g("who"), Due: g("due")})
	}
	return rows
}

func (s *Server) projectDraftSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	v := r.PostForm
	rows := postedRows(v)
	form := formFrom(r)
	if v.Get("more") != "" {
		// More rows asked for: nothing saved yet, everything kept.
		return s.projectDraftShow(w, r, http.StatusOK, form, rows)
	}
	rev, _ := strconv.Atoi(v.Get("revision"))
	in := pathway.ProjectInput{Revision: rev, Text: pathway.ProjectText{Review: v.Get("review"), ChildWords: v.Get("child_words"),
		ParentsWords: v.Get("parents_words")}}
	for _, row := range rows {
		in.Items = append(in.Items, pathway.ProjectItem{Key: row.Key, Part: row.Part, Domain: row.Domain, Text: row.Text, Who: row.Who, Due: row.Due})
	}
	err := s.Pathway.SaveDraft(r.Context(), id, in)
	if formError(&form, err) {
		return s.projectDraftShow(w, r, http.StatusUnprocessableEntity, form, rows)
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.projectDraftShow(w, r, http.StatusConflict, form, rows)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Brouillon enregistré.")
	http.Redirect(w, r, "/enfants/"+id+"/projet#brouillon", http.StatusSeeOther)
	return nil
}

// comparePage compares two versions.
type comparePage struct {
	C pathway.Comparison
}

func (s *Server) projectCompare(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, err1 := versionParam(q.Get("de"))
	to, err2 := versionParam(q.Get("a"))
	if err1 != nil || err2 != nil || from == 0 || to == 0 {
		return apperr.New(apperr.NotFound, "Choisissez deux versions du projet à comparer.")
	}
	c, err := s.Pathway.CompareProject(r.Context(), r.PathValue("id"), from, to)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "child_project_compare", fmt.Sprintf("Projet de %s : versions %d et %d", c.ChildName, from, to),
		comparePage{C: c})
	return nil
}

// projectPDF prints a version for a meeting or the judge: the child named
// only for a reader who may see the identity, care items only for those
// who read care, and the version's status on every page.
func (s *Server) projectPDF(w http.ResponseWriter, r *http.Request) error {
	n, err := versionParam(r.PathValue("n"))
	if err != nil || n == 0 {
		return apperr.New(apperr.NotFound, "Cette version du projet n'existe pas.")
	}
	p, err := s.Pathway.Project(r.Context(), r.PathValue("id"), pathway.ProjectOptions{Version: n, Print: true})
	if err != nil {
		return err
	}
	v := p.Shown
	status := "Brouillon — non validé"
	if !v.Draft() {
		status = "Validée le " + v.ValidatedAt.In(paris).Format("02/01/2006") + " par " + v.ValidatedBy
	}
	doc := export.NewPDF(fmt.Sprintf("Projet de %s — version %d", p.ChildName, v.Version),
		fmt.Sprintf("Confidentiel — projet de %s, version %d (%s)", p.ChildName, v.Version, status))
	doc.Title("Projet pour l'enfant")
	doc.Subtitle(fmt.Sprintf("%s — version %d", p.ChildName, v.Version))
	fields := [][2]string{{"Statut", status}}
	if !v.Draft() {
		fields = append(fields, [2]string{"Accord des parents", pathway.Label(pathway.Agreements, v.Agreement)})
		if v.AgreementNote != "" {
			fields = append(fields, [2]string{"Précision", v.AgreementNote})
		}
		fields = append(fields, [2]string{"Prochaine révision", pathway.DayLabel(v.ReviewOn)})
	}
	fields = append(fields, [2]string{"Rédigée par", v.CreatedBy + ", le " + v.CreatedAt.In(paris).Format("02/01/2006")},
		[2]string{"Imprimée le", db.Now(s.DB.Clock).In(paris).Format("02/01/2006 à 15:04")})
	doc.Fields(fields)
	if v.Text.Review != "" {
		doc.Heading("Bilan de la version précédente")
		doc.Paragraph(v.Text.Review)
	}
	for _, part := range pathway.ProjectParts {
		items := v.Part(part.Code)
		if len(items) == 0 {
			continue
		}
		doc.Heading(part.Label)
		if part.Code == "action" {
			var rows [][]string
			for _, it := range items {
				due := ""
				if it.Due != "" {
					due = pathway.DayLabel(it.Due)
				}
				rows = append(rows, []string{it.Text, it.Who, due, pathway.Label(pathway.ProjectDomains, it.Domain)})
			}
			doc.Table([]string{"Action", "Qui", "Échéance", "Domaine"}, []float64{5, 2.5, 2.2, 2.5}, rows)
			continue
		}
		var lines []string
		for _, it := range items {
			lines = append(lines, pathway.Label(pathway.ProjectDomains, it.Domain)+" — "+it.Text)
		}
		doc.Bullets(lines)
	}
	if v.Text.ChildWords != "" {
		doc.Heading("Ce que dit l'enfant")
		doc.Paragraph(v.Text.ChildWords)
	}
	if v.Text.ParentsWords != "" {
		doc.Heading("Ce que disent les parents")
		doc.Paragraph(v.Text.ParentsWords)
	}
	if v.HiddenCare > 0 {
		doc.Note(fmt.Sprintf("%d élément(s) de soins ne figurent pas dans ce document : ils sont réservés aux soignants du cercle et aux parents.", v.HiddenCare))
	}
	var buf bytes.Buffer
	if err := doc.Write(&buf); err != nil {
		return err
	}
	return sendDocument(w, "inline", fmt.Sprintf("projet-version-%d.pdf", v.Version), "application/pdf", buf.Bytes())
}
