package surveys

import (
	"reflect"
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	at := time.Date(2026, 7, 3, 12, 0, 0, 0, time.UTC)
	targets := []Target{
		{Status: Submitted, SubmittedAt: &at, OnTime: true},
		{Status: Submitted, SubmittedAt: &at, OnTime: true},
		{Status: Submitted, SubmittedAt: &at, OnTime: false},
		{Status: Drafted},
		{Status: NotStarted},
	}
	got := Count(targets)
	want := Counts{Targets: 5, Submitted: 3, OnTime: 2, Late: 1, Drafts: 1, ResponseRate: 60, OnTimeRate: 40}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := Count(nil); got != (Counts{}) {
		t.Errorf("no target: %+v", got)
	}
}

func TestFilterTargets(t *testing.T) {
	ts := []Target{
		{TargetStructure: TargetStructure{ID: "a", StructureType: "mecs", Departement: "42"}},
		{TargetStructure: TargetStructure{ID: "b", StructureType: "ime", Departement: "42"}},
		{TargetStructure: TargetStructure{ID: "c", StructureType: "mecs", Departement: "43"}},
	}
	ids := func(f ResultFilter) []string {
		var out []string
		for _, x := range FilterTargets(ts, f) {
			out = append(out, x.ID)
		}
		return out
	}
	for _, c := range []struct {
		f    ResultFilter
		want []string
	}{
		{ResultFilter{}, []string{"a", "b", "c"}},
		{ResultFilter{StructureType: "mecs"}, []string{"a", "c"}},
		{ResultFilter{Departement: "42"}, []string{"a", "b"}},
		{ResultFilter{StructureType: "mecs", Departement: "42"}, []string{"a"}},
		{ResultFilter{StructureType: "itep"}, nil},
	} {
		if got := ids(c.f); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.f, got, c.want)
		}
	}
}

func TestStats(t *testing.T) {
	cases := []struct {
		in   []float64
		want *NumberStats
	}{
		{nil, nil},
		{[]float64{4}, &NumberStats{N: 1, Sum: 4, Mean: 4, Median: 4, Min: 4, Max: 4}},
		{[]float64{5, 1, 3}, &NumberStats{N: 3, Sum: 9, Mean: 3, Median: 3, Min: 1, Max: 5}},
		{[]float64{10, 0, 2, 4}, &NumberStats{N: 4, Sum: 16, Mean: 4, Median: 3, Min: 0, Max: 10}},
	}
	for _, c := range cases {
		if got := Stats(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestAggregate(t *testing.T) {
	one, three := 1.0, 3.0
	qs := []Question{
		{ID: "state", Kind: Single, Options: []string{"Ouverte", "Réduite", "Fermée"}},
		{ID: "needs", Kind: Multiple, Options: []string{"Personnel", "Matériel"}},
		{ID: "ok", Kind: YesNo},
		{ID: "grade", Kind: Scale, Min: &one, Max: &three, MinLabel: "Mal", MaxLabel: "Bien"},
		{ID: "staff", Kind: Number},
		{ID: "since", Kind: Date},
		{ID: "why", Kind: LongText},
	}
	sheets := []Sheet{
		{"MECS B", Values{"state": {"Ouverte"}, "needs": {"Personnel", "Matériel"}, "ok": {Yes}, "grade": {"3"}, "staff": {"2"}, "why": {"Chaleur."}}},
		{"IME A", Values{"state": {"Fermée"}, "needs": {"Personnel"}, "ok": {No}, "grade": {"1"}, "staff": {"5"}, "since": {"2026-07-02"}, "why": {"Panne."}}},
		{"Foyer C", Values{"state": {"Ouverte"}, "ok": {Yes}, "grade": {"3"}, "since": {"2026-07-01"}}},
		{"SESSAD D", Values{}},
	}
	r := Aggregate(qs, sheets)
	counts := func(i int) []OptionCount { return r[i].Counts }
	if got := counts(0); !reflect.DeepEqual(got, []OptionCount{
		{"Ouverte", "Ouverte", 2, 200.0 / 3}, {"Réduite", "Réduite", 0, 0}, {"Fermée", "Fermée", 1, 100.0 / 3}}) || r[0].Answered != 3 {
		t.Errorf("single: %+v (%d answered)", got, r[0].Answered)
	}
	// A multiple choice: shares of the structures that answered (sum over 100).
	if got := counts(1); !reflect.DeepEqual(got, []OptionCount{{"Personnel", "Personnel", 2, 100}, {"Matériel", "Matériel", 1, 50}}) {
		t.Errorf("multiple: %+v", got)
	}
	if got := counts(2); !reflect.DeepEqual(got, []OptionCount{{Yes, "Oui", 2, 200.0 / 3}, {No, "Non", 1, 100.0 / 3}}) {
		t.Errorf("yes/no: %+v", got)
	}
	if got := counts(3); !reflect.DeepEqual(got, []OptionCount{{"1", "1 – Mal", 1, 100.0 / 3}, {"2", "2", 0, 0}, {"3", "3 – Bien", 2, 200.0 / 3}}) {
		t.Errorf("scale: %+v", got)
	}
	if got := r[4].Numbers; !reflect.DeepEqual(got, &NumberStats{N: 2, Sum: 7, Mean: 3.5, Median: 3.5, Min: 2, Max: 5}) || r[4].Counts != nil {
		t.Errorf("number: %+v", got)
	}
	if got := r[5].Texts; !reflect.DeepEqual(got, []TextAnswer{{"Foyer C", "01/07/2026"}, {"IME A", "02/07/2026"}}) {
		t.Errorf("dates: %+v", got)
	}
	if got := r[6].Texts; !reflect.DeepEqual(got, []TextAnswer{{"IME A", "Panne."}, {"MECS B", "Chaleur."}}) {
		t.Errorf("texts: %+v", got)
	}
	if empty := Aggregate(qs[:1], nil); empty[0].Answered != 0 || empty[0].Counts[0].Percent != 0 {
		t.Errorf("no answer: %+v", empty)
	}
}

func TestDueReminder(t *testing.T) {
	deadline := time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	launched := deadline.Add(-10 * day)
	cases := []struct {
		name     string
		launched time.Time
		now      time.Time
		want     int
	}{
		{"a week before", launched, deadline.Add(-7 * day), 0},
		{"three days before", launched, deadline.Add(-3 * day), 3},
		{"two days before", launched, deadline.Add(-2 * day), 3},
		{"a day before", launched, deadline.Add(-day), 1},
		{"an hour before", launched, deadline.Add(-time.Hour), 1},
		{"at the deadline", launched, deadline, 0},
		{"after it", launched, deadline.Add(time.Hour), 0},
		{"launched two days before: no three-day reminder", deadline.Add(-2 * day), deadline.Add(-2*day + time.Hour), 0},
		{"launched two days before: the one-day reminder", deadline.Add(-2 * day), deadline.Add(-day), 1},
		{"launched an hour before: nothing", deadline.Add(-time.Hour), deadline.Add(-time.Minute), 0},
	}
	for _, c := range cases {
		if got := DueReminder(c.launched, deadline, c.now); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}
