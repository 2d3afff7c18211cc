package surveys

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"passerelle/internal/apperr"
)

// fields returns the fields of an Invalid error (nil for none).
func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid {
		t.Fatalf("want an Invalid error, got %v", err)
	}
	return e.Fields
}

var earlier = []Question{
	{ID: "kind", Kind: Single, Label: "Type", Options: []string{"MECS", "IME"}},
	{ID: "ok", Kind: YesNo, Label: "Formalisé ?"},
	{ID: "many", Kind: Number, Label: "Combien ?"},
	{ID: "tools", Kind: Multiple, Label: "Outils", Options: []string{"Convention", "Autre"}},
}

func TestNormalizeQuestion(t *testing.T) {
	cases := []struct {
		name  string
		in    QuestionInput
		field string // "" when valid
		check func(q Question) bool
	}{
		{"single with options", QuestionInput{Kind: Single, Label: " Type ? ", Options: []string{"A", " ", "B "}}, "",
			func(q Question) bool { return q.Label == "Type ?" && reflect.DeepEqual(q.Options, []string{"A", "B"}) }},
		{"unknown kind", QuestionInput{Kind: "essay", Label: "x"}, "kind", nil},
		{"no label", QuestionInput{Kind: ShortText, Label: "  "}, "label", nil},
		{"label too long", QuestionInput{Kind: ShortText, Label: strings.Repeat("é", maxLabel+1)}, "label", nil},
		{"one option", QuestionInput{Kind: Multiple, Label: "x", Options: []string{"A"}}, "options", nil},
		{"duplicate options", QuestionInput{Kind: Single, Label: "x", Options: []string{"Oui", "oui"}}, "options", nil},
		{"options dropped off choices", QuestionInput{Kind: LongText, Label: "x", Options: []string{"A", "B"}}, "",
			func(q Question) bool { return q.Options == nil }},
		{"number bounds with comma", QuestionInput{Kind: Number, Label: "x", Min: "0", Max: "2,5", Unit: "jours"}, "",
			func(q Question) bool { return *q.Min == 0 && *q.Max == 2.5 && q.Unit == "jours" }},
		{"number without bounds", QuestionInput{Kind: Number, Label: "x"}, "",
			func(q Question) bool { return q.Min == nil && q.Max == nil }},
		{"number bad bound", QuestionInput{Kind: Number, Label: "x", Min: "deux"}, "min", nil},
		{"number min above max", QuestionInput{Kind: Number, Label: "x", Min: "5", Max: "5"}, "max", nil},
		{"scale", QuestionInput{Kind: Scale, Label: "x", Min: "1", Max: "5", MinLabel: "Mal", MaxLabel: "Bien"}, "",
			func(q Question) bool { return *q.Min == 1 && *q.Max == 5 && q.MinLabel == "Mal" }},
		{"scale needs ends", QuestionInput{Kind: Scale, Label: "x", Min: "1"}, "max", nil},
		{"scale of decimals", QuestionInput{Kind: Scale, Label: "x", Min: "0,5", Max: "5"}, "min", nil},
		{"scale reversed", QuestionInput{Kind: Scale, Label: "x", Min: "5", Max: "1"}, "max", nil},
		{"scale too long", QuestionInput{Kind: Scale, Label: "x", Min: "0", Max: "20"}, "max", nil},
		{"condition on yes", QuestionInput{Kind: LongText, Label: "x", ShowIfQuestion: "ok", ShowIfValues: []string{Yes, Yes}}, "",
			func(q Question) bool {
				return q.ShowIf.QuestionID == "ok" && reflect.DeepEqual(q.ShowIf.Values, []string{Yes})
			}},
		{"condition on an option of a multiple choice", QuestionInput{Kind: ShortText, Label: "x", ShowIfQuestion: "tools", ShowIfValues: []string{"Autre"}}, "", nil},
		{"condition on a later or unknown question", QuestionInput{Kind: ShortText, Label: "x", ShowIfQuestion: "later", ShowIfValues: []string{"A"}}, "show_if_question", nil},
		{"condition on a number", QuestionInput{Kind: ShortText, Label: "x", ShowIfQuestion: "many", ShowIfValues: []string{"3"}}, "show_if_question", nil},
		{"condition on a value not offered", QuestionInput{Kind: ShortText, Label: "x", ShowIfQuestion: "kind", ShowIfValues: []string{"ITEP"}}, "show_if_values", nil},
		{"condition without values", QuestionInput{Kind: ShortText, Label: "x", ShowIfQuestion: "kind"}, "show_if_values", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := NormalizeQuestion(c.in, earlier)
			f := fields(t, err)
			if c.field == "" {
				if f != nil {
					t.Fatalf("refused: %v", f)
				}
				if c.check != nil && !c.check(q) {
					t.Fatalf("normalized to %+v", q)
				}
				return
			}
			if _, ok := f[c.field]; !ok {
				t.Fatalf("want a message on %q, got %v", c.field, f)
			}
		})
	}
}

func TestNormalizeSurveyAndSection(t *testing.T) {
	if f := fields(t, func() error { _, err := NormalizeSurvey(SurveyInput{Title: " "}); return err }()); f["title"] == "" {
		t.Errorf("blank title: %v", f)
	}
	if _, err := NormalizeSurvey(SurveyInput{Template: TemplateCooperation}); err != nil {
		t.Errorf("a template gives the title: %v", err)
	}
	if f := fields(t, func() error { _, err := NormalizeSurvey(SurveyInput{Template: "nope"}); return err }()); f["template"] == "" {
		t.Errorf("unknown template: %v", f)
	}
	if f := fields(t, func() error { _, err := NormalizeSection(SectionInput{Intro: "x"}); return err }()); f["title"] == "" {
		t.Errorf("section without title: %v", f)
	}
}

func TestCheckConditions(t *testing.T) {
	cond := Question{ID: "c", Kind: ShortText, Label: "Précisez", ShowIf: &Condition{QuestionID: "kind", Values: []string{"IME"}}}
	cases := []struct {
		name string
		qs   []Question
		ok   bool
	}{
		{"after its question", []Question{earlier[0], cond}, true},
		{"before its question", []Question{cond, earlier[0]}, false},
		{"its question deleted", []Question{cond}, false},
		{"its option removed", []Question{{ID: "kind", Kind: Single, Label: "Type", Options: []string{"MECS", "ITEP"}}, cond}, false},
		{"its question now a number", []Question{{ID: "kind", Kind: Number, Label: "Type"}, cond}, false},
	}
	for _, c := range cases {
		err := CheckConditions(c.qs)
		if (err == nil) != c.ok || (err != nil && !apperr.Is(err, apperr.Conflict)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestNormalizeAnswer(t *testing.T) {
	one, five := 1.0, 5.0
	zero, hundred := 0.0, 100.0
	qs := []Question{
		{ID: "state", Kind: Single, Label: "État", Required: true, Options: []string{"Ouverte", "Fermée"}},
		{ID: "since", Kind: Date, Label: "Depuis", Required: true, ShowIf: &Condition{QuestionID: "state", Values: []string{"Fermée"}}},
		{ID: "staff", Kind: Number, Label: "Absents", Required: true, Min: &zero, Max: &hundred},
		{ID: "needs", Kind: Multiple, Label: "Besoins", Options: []string{"Personnel", "Matériel"}},
		{ID: "grade", Kind: Scale, Label: "Note", Min: &one, Max: &five},
		{ID: "ok", Kind: YesNo, Label: "OK ?"},
		{ID: "why", Kind: LongText, Label: "Pourquoi", ShowIf: &Condition{QuestionID: "ok", Values: []string{No}}},
	}
	cases := []struct {
		name   string
		in     Values
		submit bool
		want   Values   // when valid
		fields []string // when not
	}{
		{"complete, the date hidden", Values{"state": {"Ouverte"}, "since": {"2026-07-01"}, "staff": {" 3,0 "}, "needs": {"Personnel", "Matériel", "Personnel"}},
			true, Values{"state": {"Ouverte"}, "staff": {"3"}, "needs": {"Personnel", "Matériel"}}, nil},
		{"closed needs the date", Values{"state": {"Fermée"}, "staff": {"0"}}, true, nil, []string{"since"}},
		{"closed with the date", Values{"state": {"Fermée"}, "since": {"2026-07-01"}, "staff": {"0"}}, true,
			Values{"state": {"Fermée"}, "since": {"2026-07-01"}, "staff": {"0"}}, nil},
		{"a draft may be incomplete", Values{"staff": {"2"}, "unknown": {"x"}}, false, Values{"staff": {"2"}}, nil},
		{"a submission may not", Values{"staff": {"2"}}, true, nil, []string{"state"}},
		{"types are checked in a draft", Values{"state": {"Peut-être"}, "staff": {"101"}, "grade": {"6"}, "ok": {"maybe"}, "needs": {"Argent"}},
			false, nil, []string{"state", "staff", "grade", "ok", "needs"}},
		{"a number that is not one", Values{"staff": {"trois"}}, false, nil, []string{"staff"}},
		{"one value only", Values{"state": {"Ouverte", "Fermée"}}, false, nil, []string{"state"}},
		{"a bad date", Values{"state": {"Fermée"}, "since": {"2026-02-30"}}, false, nil, []string{"since"}},
		{"a date typed the French way", Values{"state": {"Fermée"}, "since": {"1/07/2026"}}, false,
			Values{"state": {"Fermée"}, "since": {"2026-07-01"}}, nil},
		{"a bad French date", Values{"state": {"Fermée"}, "since": {"31/06/2026"}}, false, nil, []string{"since"}},
		{"a scale of decimals", Values{"grade": {"2,5"}}, false, nil, []string{"grade"}},
		{"a nested condition", Values{"ok": {No}, "why": {"Parce que."}}, false, Values{"ok": {No}, "why": {"Parce que."}}, nil},
		{"a nested condition not met", Values{"ok": {Yes}, "why": {"Parce que."}}, false, Values{"ok": {Yes}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := NormalizeAnswer(qs, c.in, c.submit)
			f := fields(t, err)
			if c.fields == nil {
				if f != nil {
					t.Fatalf("refused: %v", f)
				}
				if !reflect.DeepEqual(got, c.want) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
				return
			}
			if len(f) != len(c.fields) {
				t.Errorf("fields %v, want %v", f, c.fields)
			}
			for _, k := range c.fields {
				if f[k] == "" {
					t.Errorf("no message on %s: %v", k, f)
				}
			}
		})
	}
}

func TestParseDeadline(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	got, err := ParseDeadline("2026-11-30T18:00", now)
	if err != nil || !got.Equal(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("Paris time: %v %v", got, err)
	}
	if got, err := ParseDeadline("2026-12-01T12:00:00Z", now); err != nil || got.Hour() != 12 {
		t.Errorf("RFC 3339: %v %v", got, err)
	}
	for _, bad := range []string{"", "demain", "2026-11-23T09:00", "2026-11-01T12:00", "2028-01-01T12:00"} {
		if f := fields(t, func() error { _, err := ParseDeadline(bad, now); return err }()); f["deadline"] == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTemplatesAreValid(t *testing.T) {
	for _, tpl := range templates {
		var all []Question
		kinds := map[QuestionKind]bool{}
		for _, sec := range tpl.Sections {
			if _, err := NormalizeSection(SectionInput{Title: sec.Title, Intro: sec.Intro}); err != nil {
				t.Errorf("%s: section %q: %v", tpl.Key, sec.Title, err)
			}
			for _, q := range sec.Questions {
				in := QuestionInput{Kind: q.Kind, Label: q.Label, Help: q.Help, Required: q.Required, Options: q.Options,
					Unit: q.Unit, MinLabel: q.MinLabel, MaxLabel: q.MaxLabel}
				if q.Min != nil {
					in.Min = formatNumber(*q.Min)
				}
				if q.Max != nil {
					in.Max = formatNumber(*q.Max)
				}
				if q.ShowIf != nil {
					in.ShowIfQuestion, in.ShowIfValues = q.ShowIf.QuestionID, q.ShowIf.Values
				}
				if _, err := NormalizeQuestion(in, all); err != nil {
					t.Errorf("%s: question %q: %v", tpl.Key, q.Label, err)
				}
				all = append(all, q)
				kinds[q.Kind] = true
			}
		}
		if err := CheckConditions(all); err != nil {
			t.Errorf("%s: %v", tpl.Key, err)
		}
		if tpl.Key == TemplateCooperation && len(kinds) != len(QuestionKinds) {
			t.Errorf("the cooperation template uses %d kinds of %d", len(kinds), len(QuestionKinds))
		}
	}
	if len(Templates()) != 2 {
		t.Errorf("templates: %v", Templates())
	}
}

// Numbers are bounded, so that the results' sums and means stay finite
// (an answer of 1e308 from two structures made the results' JSON fail).
func TestHugeNumbers(t *testing.T) {
	qs := []Question{{ID: "n", Kind: Number, Label: "Combien ?"}}
	for _, x := range []string{"1e308", "-1e13", "1000000000001"} {
		if f := fields(t, func() error { _, err := NormalizeAnswer(qs, Values{"n": {x}}, false); return err }()); !strings.Contains(f["n"], "trop grand") {
			t.Errorf("%s: %v", x, f)
		}
	}
	ok, err := NormalizeAnswer(qs, Values{"n": {"-1e12"}}, true)
	if err != nil || ok["n"][0] != "-1000000000000" {
		t.Fatalf("the bound itself: %v %v", ok, err)
	}
	for _, in := range []QuestionInput{
		{Kind: Number, Label: "Combien ?", Max: "1e300"},
		{Kind: Number, Label: "Combien ?", Min: "-2e12"},
		{Kind: Scale, Label: "Note", Min: "1e300", Max: "1e300"},
	} {
		f := fields(t, func() error { _, err := NormalizeQuestion(in, nil); return err }())
		if !strings.Contains(f["min"]+f["max"], "trop grand") {
			t.Errorf("%+v: %v", in, f)
		}
	}
	// The largest answers from 20,000 structures still sum up.
	xs := make([]float64, 20000)
	for i := range xs {
		xs[i] = maxNumber
	}
	if st := Stats(xs); math.IsInf(st.Sum, 0) || st.Mean != maxNumber || FormatNumber(st.Sum) == "+Inf" {
		t.Fatalf("stats: %+v %s", st, FormatNumber(st.Sum))
	}
	// Answers saved before the bound are left out of the statistics.
	r := Aggregate(qs, []Sheet{{"A", Values{"n": {"1e308"}}}, {"B", Values{"n": {"1e308"}}}, {"C", Values{"n": {"4"}}}})
	if st := r[0].Numbers; st == nil || st.N != 1 || st.Sum != 4 {
		t.Fatalf("aggregate: %+v", st)
	}
}
