package web

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/export"
	"passerelle/internal/surveys"
)

// surveyResultsPage is a campaign's results for its owner side.
type surveyResultsPage struct {
	R         *surveys.Results
	Questions []surveyQuestionResult
	// Missing are the filtered targets that have not submitted.
	Missing []surveys.Target
	None    int // targets with nothing saved
	Query   url.Values
	Now     time.Time
}

// surveyQuestionResult is one question's results with its chart.
type surveyQuestionResult struct {
	surveys.QuestionResult
	Chart export.Chart
}

// surveyFilter reads the results' filters from the query.
func surveyFilter(q url.Values) surveys.ResultFilter {
	return surveys.ResultFilter{StructureType: q.Get("type"), Departement: q.Get("departement")}
}

func (s *Server) campaignResults(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := surveyFilter(q)
	res, err := s.Surveys.Results(r.Context(), r.PathValue("id"), f)
	if err != nil {
		return err
	}
	p := surveyResultsPage{R: res, Query: url.Values{}, Now: db.Now(s.DB.Clock)}
	for _, k := range []string{"type", "departement"} {
		if q.Get(k) != "" {
			p.Query.Set(k, q.Get(k))
		}
	}
	for _, t := range res.Campaign.Targets {
		if (f.StructureType != "" && t.StructureType != f.StructureType) || (f.Departement != "" && t.Departement != f.Departement) {
			continue
		}
		if t.Status != surveys.Submitted {
			p.Missing = append(p.Missing, t)
		}
		if t.Status == surveys.NotStarted {
			p.None++
		}
	}
	for _, qr := range res.Questions {
		p.Questions = append(p.Questions, surveyQuestionResult{QuestionResult: qr, Chart: surveyChart(qr)})
	}
	s.render(w, r, http.StatusOK, "survey_results", "Résultats — "+res.Campaign.Title, p)
	return nil
}

// surveyChart is the chart of a question's counts: a pie for yes/no, bars
// otherwise (several options may be ticked, or a scale is read in order).
// A question without counts (numbers, texts) has no chart.
func surveyChart(qr surveys.QuestionResult) export.Chart {
	if len(qr.Counts) == 0 {
		return export.Chart{}
	}
	c := export.Chart{Kind: export.ChartBar, Title: qr.Question.Label, Unit: "structures"}
	if qr.Question.Kind == surveys.YesNo {
		c.Kind = export.ChartPie
	}
	series := export.Series{Name: "Structures"}
	for _, oc := range qr.Counts {
		label := oc.Label
		if label == "" {
			label = oc.Value
		}
		c.Categories = append(c.Categories, label)
		series.Values = append(series.Values, export.Value{N: float64(oc.Count)})
	}
	c.Series = []export.Series{series}
	return c
}

// campaignResultsCSV and campaignResultsXLSX download the answers (the
// service checks the reader and audits the export).
func (s *Server) campaignResultsCSV(w http.ResponseWriter, r *http.Request) error {
	return s.campaignDownload(w, r, "csv", s.Surveys.WriteCSV)
}

func (s *Server) campaignResultsXLSX(w http.ResponseWriter, r *http.Request) error {
	return s.campaignDownload(w, r, "xlsx", s.Surveys.WriteXLSX)
}

func (s *Server) campaignDownload(w http.ResponseWriter, r *http.Request, format string,
	write func(context.Context, io.Writer, string, surveys.ResultFilter) error) error {
	// Written to a buffer first, so that a refusal is a French page and
	// not half a file.
	var buf bytes.Buffer
	if err := write(r.Context(), &buf, r.PathValue("id"), surveyFilter(r.URL.Query())); err != nil {
		return err
	}
	typ := export.ContentTypeCSV
	if format == "xlsx" {
		typ = export.ContentTypeXLSX
	}
	name := export.Filename("enquete-resultats", format, time.Now())
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *Server) campaignClose(w http.ResponseWriter, r *http.Request) error {
	if err := s.Surveys.CloseCampaign(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	s.flash(r, "Campagne clôturée : plus aucune réponse n'est prise. Les résultats restent consultables.")
	http.Redirect(w, r, "/campagnes/"+r.PathValue("id")+"/resultats", http.StatusSeeOther)
	return nil
}
