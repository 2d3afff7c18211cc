package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/audit"
)

type auditPage struct {
	Rows  []audit.Row
	Query url.Values
	Next  string
	Form  Form
}

// auditFilter reads the filters of the log page and API; dates are days in
// Paris time, "au" inclusive.
func auditFilter(q url.Values) (audit.Filter, map[string]string) {
	f := audit.Filter{Actor: strings.TrimSpace(q.Get("acteur")), Action: strings.TrimSpace(q.Get("action")),
		ResourceType: strings.TrimSpace(q.Get("type")), ResourceID: strings.TrimSpace(q.Get("ressource")), Limit: 100}
	bad := map[string]string{}
	if v := q.Get("du"); v != "" {
		if t, err := time.ParseInLocation("2006-01-02", v, paris); err == nil {
			f.From = t
		} else {
			bad["du"] = "Date invalide : attendu AAAA-MM-JJ."
		}
	}
	if v := q.Get("au"); v != "" {
		if t, err := time.ParseInLocation("2006-01-02", v, paris); err == nil {
			f.To = t.AddDate(0, 0, 1)
		} else {
			bad["au"] = "Date invalide : attendu AAAA-MM-JJ."
		}
	}
	if v := q.Get("avant"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			f.BeforeSeq = n
		}
	}
	return f, bad
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, bad := auditFilter(q)
	rows, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		return err
	}
	p := auditPage{Rows: rows, Query: q, Form: Form{Values: q, Errors: bad}}
	if len(bad) > 0 {
		p.Form.Message = "Certains filtres sont invalides et n'ont pas été appliqués."
	}
	if len(rows) == f.Limit {
		p.Next = pageQuery(q, "avant", strconv.FormatInt(rows[len(rows)-1].Seq, 10))
	}
	s.render(w, r, http.StatusOK, "audit", "Journal d'audit", p)
	return nil
}
