package web

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"passerelle/internal/surveys"
)

// The question form: options one per line (blanks dropped), decimal
// commas, and only the condition values of the question chosen.
func TestSurveyQuestionInput(t *testing.T) {
	in := surveyQuestionInput(url.Values{"kind": {"number"}, "label": {"  Places  "}, "options": {"Oui\r\n\n Non \n"},
		"min": {"1,5"}, "max": {"10"}, "required": {"1"}, "show_if_question": {"q1"},
		"show_if_values": {"q1:yes", "q2:no", "q1:Autre: préciser"}})
	if in.Label != "Places" || !in.Required || in.Min != "1.5" || in.Max != "10" || !slices.Equal(in.Options, []string{"Oui", "Non"}) ||
		!slices.Equal(in.ShowIfValues, []string{"yes", "Autre: préciser"}) {
		t.Fatalf("%+v", in)
	}
	// And back: a question fills its form so that it reads the same.
	lo := 1.5
	v := surveyQuestionValues(surveys.Question{Kind: surveys.Number, Label: "Places", Min: &lo, Required: true,
		ShowIf: &surveys.Condition{QuestionID: "q1", Values: []string{"yes"}}})
	if v.Get("min") != "1,5" || v.Get("required") != "1" || v.Get("show_if_values") != "q1:yes" {
		t.Fatalf("%v", v)
	}
}

func TestSurveyStatus(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	closed := now.Add(-time.Hour)
	for _, c := range []struct {
		c    surveys.Campaign
		want string
	}{
		{surveys.Campaign{Deadline: now.Add(time.Hour), MyStatus: surveys.NotStarted}, "À remplir"},
		{surveys.Campaign{Deadline: now.Add(time.Hour), MyStatus: surveys.Drafted}, "Brouillon"},
		{surveys.Campaign{Deadline: now.Add(-time.Hour), MyStatus: surveys.Drafted}, "Brouillon, en retard"},
		{surveys.Campaign{Deadline: now.Add(-time.Hour), MyStatus: surveys.NotStarted}, "En retard"},
		{surveys.Campaign{Deadline: now.Add(-time.Hour), MyStatus: surveys.Submitted}, "Envoyée"},
		{surveys.Campaign{Deadline: now.Add(-2 * time.Hour), ClosedAt: &closed}, "Clôturée sans réponse"},
	} {
		if got := surveyStatus(c.c, now).Label; got != c.want {
			t.Errorf("%+v: %q, want %q", c.c, got, c.want)
		}
	}
}

func TestSurveyBounds(t *testing.T) {
	zero, ten := 0.0, 10.0
	for _, c := range []struct {
		q    surveys.Question
		want string
	}{
		{surveys.Question{Kind: surveys.Number, Min: &zero, Unit: "enfants"}, ""},
		{surveys.Question{Kind: surveys.Number, Min: &zero, Max: &ten, Unit: "places"}, "Entre 0 et 10 places."},
		{surveys.Question{Kind: surveys.Number, Max: &ten}, "Au plus 10."},
		{surveys.Question{Kind: surveys.Number, Min: &ten}, "Au moins 10."},
		{surveys.Question{Kind: surveys.Scale, Min: &zero, Max: &ten}, ""},
	} {
		if got := surveyBounds(c.q); got != c.want {
			t.Errorf("%+v: %q, want %q", c.q, got, c.want)
		}
	}
}
