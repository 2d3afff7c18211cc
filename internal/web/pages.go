package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/directory"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

//go:embed templates
var templateFS embed.FS

// pageSet holds one parsed template per page, each with the layout.
type pageSet struct {
	pages map[string]*template.Template
}

func parsePages(assets *assetSet) (*pageSet, error) {
	funcs := template.FuncMap{
		"asset":         assets.URL,
		"date":          formatDate,
		"datetime":      formatDateTime,
		"roleLabel":     func(r access.Role) string { return org.RoleLabel(r) },
		"kindLabel":     func(k access.OrgKind) string { return org.KindLabel(k) },
		"typeLabel":     org.StructureTypeLabel,
		"roles":         func() []access.Role { return access.Roles },
		"kinds":         func() []access.OrgKind { return access.OrgKinds },
		"types":         func() []org.StructureType { return org.StructureTypes },
		"checked":       func(f Form, name, v string) bool { return containsString(f.Values[name], v) },
		"add":           func(a, b int) int { return a + b },
		"query":         pageQuery,
		"input":         input,
		"communeLabel":  communeLabel,
		"tel":           telURL,
		"fieldErr":      func(f Form, name string) string { return f.Errors[name] },
		"modalities":    func() []directory.Code { return directory.Modalities },
		"minuteChoices": func() []int { return []int{15, 30, 45, 60, 90, 120} },
		// withQuery appends an encoded query to a path of ours.
		"withQuery": func(path string, q url.Values) template.URL {
			q = cloneValues(q)
			q.Del("page")
			return template.URL(path + "?" + q.Encode())
		},
		"needs":         func() []directory.Code { return directory.Needs },
		"conditions":    func() []directory.Code { return directory.Conditions },
		"publics":       func() []directory.Code { return directory.Publics },
		"functions":     func() []directory.Code { return directory.ContactFunctions },
		"authorities":   func() []directory.Code { return directory.Authorities },
		"documentKinds": func() []directory.Code { return directory.DocumentKinds },
		"docKindLabel":  directory.DocumentKindLabel,
		"sectors":       func() []string { return org.Sectors },
		"sectorLabel":   org.SectorLabel,
		"departements":  geo.Departements,
		"historyLabel":  historyLabel,
		"fieldLabel":    func(f string) string { return fieldLabels[f] },
		"historyFields": historyFields,
		"sizeLabel":     sizeLabel,
		"has":           func(list []string, s string) bool { return containsString(list, s) },
		"communeName": func(code string) string {
			if c, ok := geo.CommuneByCode(code); ok {
				return c.Name
			}
			return ""
		},
	}
	for k, v := range capacityFuncs() {
		funcs[k] = v
	}
	for k, v := range childrenFuncs() {
		funcs[k] = v
	}
	for _, more := range []template.FuncMap{requestsFuncs(), cooperationFuncs(), crisisFuncs(), crisisSideFuncs(), chartFuncs(), surveysFuncs(), indicatorsFuncs()} {
		for k, v := range more {
			funcs[k] = v
		}
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	ps := &pageSet{pages: map[string]*template.Template{}}
	for _, n := range names {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		ps.pages[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return ps, nil
}

// Form carries what the user typed and the messages per field, so that a
// page shown again after an error keeps every value.
type Form struct {
	Values url.Values
	Errors map[string]string
	// Message is a general message above the form.
	Message string
}

// view is what every page template receives.
type view struct {
	Title     string
	Actor     access.Actor
	Nav       []navItem
	Flash     string
	Demo      bool
	RequestID string
	Path      string
	Data      any
	// Crises are the active crises of the actor's départements (banner).
	Crises []crisisBanner
}

type navItem struct {
	Label, Href string
	Current     bool
}

// render writes a full page (or, for htmx requests asking for a fragment,
// the same page: htmx selects what it needs).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	t, ok := s.pages.pages[name]
	if !ok {
		s.Logger.Error("unknown page template", "name", name)
		http.Error(w, "Erreur interne", http.StatusInternalServerError)
		return
	}
	actor := access.ActorFrom(r.Context())
	v := view{
		Title:     title,
		Actor:     actor,
		Nav:       navFor(actor, r.URL.Path),
		Demo:      s.Demo,
		RequestID: audit.RequestFrom(r.Context()).ID,
		Path:      r.URL.Path,
		Data:      data,
		Crises:    s.crisisBanners(r.Context(), actor),
	}
	if hasSession(r) {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.Logger.Error("template", "name", name, "request_id", v.RequestID, "error", err.Error())
		http.Error(w, "Erreur interne (gabarit). Numéro de requête : "+v.RequestID, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// flash stores a message shown once on the next page.
func (s *Server) flash(r *http.Request, msg string) { s.Sessions.Put(r.Context(), sessFlash, msg) }

// navFor lists the sections the actor's roles open, in French.
func navFor(a access.Actor, current string) []navItem {
	if !a.Authenticated() {
		return nil
	}
	items := []navItem{{Label: "Accueil", Href: "/"}}
	if slices.ContainsFunc([]access.Role{access.RoleEducator, access.RoleDirector, access.RoleASEReferent, access.RoleMobileTeam,
		access.RoleFosterCarer, access.RoleParent}, a.Has) {
		label := "Enfants"
		if a.Has(access.RoleParent) && len(a.Memberships) == 1 {
			label = "Mon enfant"
		}
		items = append(items, navItem{Label: label, Href: "/enfants"})
	}
	if slices.ContainsFunc([]access.Role{access.RoleEducator, access.RoleDirector, access.RoleASEReferent, access.RoleMobileTeam,
		access.RoleFosterCarer, access.RoleSteering}, a.Has) {
		items = append(items, navItem{Label: "Demandes", Href: "/demandes"})
	}
	items = append(items, navItem{Label: "Annuaire", Href: "/annuaire"},
		navItem{Label: "Disponibilités", Href: "/disponibilites"}, navItem{Label: "Organisations", Href: "/organisations"})
	if slices.ContainsFunc([]access.Role{access.RoleEducator, access.RoleDirector, access.RoleASEReferent, access.RoleMobileTeam,
		access.RoleSteering, access.RoleAdmin}, a.Has) {
		items = append(items, navItem{Label: "Coopération", Href: "/cooperation"}, navItem{Label: "Crise", Href: "/crise"})
	}
	if slices.ContainsFunc([]access.Role{access.RoleDirector, access.RoleSteering, access.RoleAdmin}, a.Has) {
		items = append(items, navItem{Label: "Enquêtes", Href: "/enquetes"})
	}
	if a.Has(access.RoleSteering) || a.IsAdmin() {
		items = append(items, navItem{Label: "Tableaux de bord", Href: "/tableaux-de-bord"})
	}
	if a.IsAdmin() {
		items = append(items, navItem{Label: "Comptes", Href: "/admin/comptes"}, navItem{Label: "Import FINESS", Href: "/admin/import-finess"},
			navItem{Label: "Journal d'audit", Href: "/admin/journal"})
	} else if a.Has(access.RoleDirector) {
		items = append(items, navItem{Label: "Équipe", Href: "/admin/comptes"})
	}
	items = append(items, navItem{Label: "Notifications", Href: "/notifications"}, navItem{Label: "Mon compte", Href: "/compte"})
	for i := range items {
		h := items[i].Href
		items[i].Current = current == h || (h != "/" && strings.HasPrefix(current, h))
	}
	return items
}

var paris = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

var frMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(paris)
	return fmt.Sprintf("%d %s %d", t.Day(), frMonths[t.Month()-1], t.Year())
}

func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(paris)
	return fmt.Sprintf("%s à %d h %02d", formatDate(t), t.Hour(), t.Minute())
}

// pageQuery rebuilds the current query string with one parameter changed,
// so that paging links keep the filters.
func pageQuery(q url.Values, key, value string) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Set(key, value)
	return "?" + c.Encode()
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// formFrom starts a Form from the request's posted values.
func formFrom(r *http.Request) Form {
	return Form{Values: r.PostForm, Errors: map[string]string{}}
}

// formError fills form with the fields of err when it is an invalid-input
// error and reports whether it was one.
func formError(form *Form, err error) bool {
	// A conflict about a field (a FINESS number already taken) is shown on
	// that field like an invalid value.
	e, ok := apperr.As(err)
	if !ok || (e.Code != apperr.Invalid && len(e.Fields) == 0) {
		return false
	}
	if form.Errors == nil {
		form.Errors = map[string]string{}
	}
	for k, v := range e.Fields {
		form.Errors[k] = v
	}
	form.Message = e.Message
	return true
}

// telURL makes a tap-to-call link from a phone number, keeping only digits
// and a leading +, so that it is safe to mark as a URL.
func telURL(phone string) template.URL {
	var b strings.Builder
	for i, r := range phone {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return template.URL("tel:" + b.String())
}

// historyFields returns the field names recorded with a change, in French.
func historyFields(details string) []string {
	var d struct {
		Fields []string `json:"fields"`
	}
	if json.Unmarshal([]byte(details), &d) != nil {
		return nil
	}
	out := make([]string, 0, len(d.Fields))
	for _, f := range d.Fields {
		if l, ok := fieldLabels[f]; ok {
			out = append(out, l)
		}
	}
	return out
}

// sizeLabel says a file size in French units.
func sizeLabel(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f Mo", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d Ko", n>>10)
	}
	return fmt.Sprintf("%d octets", n)
}

func cloneValues(q url.Values) url.Values {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	return c
}
