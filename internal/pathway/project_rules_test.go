package pathway_test

import (
	"slices"
	"strings"
	"testing"

	"passerelle/internal/pathway"
)

func TestNormalizeProject(t *testing.T) {
	obj := func(domain, text string) pathway.ProjectItem {
		return pathway.ProjectItem{Part: "objective", Domain: domain, Text: text}
	}
	cases := []struct {
		name    string
		items   []pathway.ProjectItem
		mayCare bool
		fields  []string
		kept    int
	}{
		{"a need, an objective, an action", []pathway.ProjectItem{
			{Part: "need", Domain: "school", Text: "Lire couramment"}, obj("school", "Entrer en 6e avec une AESH"),
			{Part: "action", Domain: "school", Text: "Demander l'AESH", Who: "Référente ASE", Due: "15/06/2027"}}, false, nil, 3},
		{"an empty row is removed", []pathway.ProjectItem{obj("school", "  "), obj("daily", "Prendre le bus seul")}, false, nil, 1},
		{"unknown part and domain", []pathway.ProjectItem{{Part: "wish", Domain: "sport", Text: "Foot"}}, false,
			[]string{"items.0.part", "items.0.domain"}, 1},
		{"care by a care professional", []pathway.ProjectItem{obj("care", "Suivi orthophonique hebdomadaire")}, true, nil, 1},
		{"care by anyone else", []pathway.ProjectItem{obj("school", "x"), obj("care", "Suivi orthophonique")}, false,
			[]string{"items.1.domain"}, 2},
		{"a bad deadline", []pathway.ProjectItem{{Part: "action", Domain: "family", Text: "Visite", Due: "31/02/2027"}}, false,
			[]string{"items.0.due"}, 1},
		{"too long", []pathway.ProjectItem{obj("family", strings.Repeat("é", 2001))}, false, []string{"items.0.text"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := pathway.NormalizeProject(pathway.ProjectInput{Items: c.items}, c.mayCare)
			if f := fieldsOf(err); !sameSet(f, c.fields) {
				t.Fatalf("fields %v, want %v (%v)", f, c.fields, err)
			}
			if len(got.Items) != c.kept {
				t.Fatalf("kept %d items, want %d", len(got.Items), c.kept)
			}
		})
	}
	// Who and when belong to actions; a day is written ISO.
	got, _ := pathway.NormalizeProject(pathway.ProjectInput{Items: []pathway.ProjectItem{
		{Part: "need", Domain: "daily", Text: "x", Who: "MECS", Due: "2027-01-01"},
		{Part: "action", Domain: "daily", Text: "y", Who: "MECS", Due: "01/02/2027"}}}, false)
	if got.Items[0].Who != "" || got.Items[0].Due != "" || got.Items[1].Due != "2027-02-01" {
		t.Fatalf("items %+v", got.Items)
	}
	many := make([]pathway.ProjectItem, pathway.MaxProjectItems+1)
	for i := range many {
		many[i] = obj("daily", "x")
	}
	if _, err := pathway.NormalizeProject(pathway.ProjectInput{Items: many}, false); !slices.Contains(fieldsOf(err), "items") {
		t.Fatalf("61 items: %v", err)
	}
}

func TestNormalizeValidation(t *testing.T) {
	cases := []struct {
		name   string
		in     pathway.ValidationInput
		fields []string
	}{
		{"agreed, review in six months", pathway.ValidationInput{Agreement: "agreed", ReviewOn: "2027-09-01"}, nil},
		{"no answer", pathway.ValidationInput{ReviewOn: "2027-09-01"}, []string{"agreement"}},
		{"disagreed without why", pathway.ValidationInput{Agreement: "disagreed", ReviewOn: "2027-09-01"}, []string{"agreement_note"}},
		{"disagreed with why", pathway.ValidationInput{Agreement: "disagreed", AgreementNote: "La mère refuse l'internat.",
			ReviewOn: "01/09/2027"}, nil},
		{"no review", pathway.ValidationInput{Agreement: "agreed"}, []string{"review_on"}},
		{"review today", pathway.ValidationInput{Agreement: "agreed", ReviewOn: "2027-03-01"}, []string{"review_on"}},
		{"review in a year", pathway.ValidationInput{Agreement: "agreed", ReviewOn: "2028-03-01"}, nil},
		{"review in more than a year", pathway.ValidationInput{Agreement: "agreed", ReviewOn: "2028-03-03"}, []string{"review_on"}},
		{"unknown answer", pathway.ValidationInput{Agreement: "maybe", AgreementNote: "?", ReviewOn: "2027-09-01"}, []string{"agreement"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := pathway.NormalizeValidation(c.in, "2027-03-01")
			if f := fieldsOf(err); !sameSet(f, c.fields) {
				t.Fatalf("fields %v, want %v (%v)", f, c.fields, err)
			}
		})
	}
}

func TestDiffItems(t *testing.T) {
	it := func(key, text string) pathway.ProjectItem {
		return pathway.ProjectItem{Key: key, Part: "objective", Domain: "school", Text: text}
	}
	a, b, c, d := it("a", "A"), it("b", "B"), it("c", "C"), it("d", "D")
	b2 := it("b", "B revu")
	type line struct {
		change pathway.Change
		text   string
	}
	cases := []struct {
		name     string
		old, new []pathway.ProjectItem
		want     []line
	}{
		{"nothing changed", []pathway.ProjectItem{a, b}, []pathway.ProjectItem{a, b},
			[]line{{pathway.Same, "A"}, {pathway.Same, "B"}}},
		{"first version", nil, []pathway.ProjectItem{a}, []line{{pathway.Added, "A"}}},
		{"changed text", []pathway.ProjectItem{a, b}, []pathway.ProjectItem{a, b2},
			[]line{{pathway.Same, "A"}, {pathway.Changed, "B revu"}}},
		{"removed in the middle stays in place", []pathway.ProjectItem{a, b, c}, []pathway.ProjectItem{a, c, d},
			[]line{{pathway.Same, "A"}, {pathway.Removed, "B"}, {pathway.Same, "C"}, {pathway.Added, "D"}}},
		{"removed first", []pathway.ProjectItem{a, b}, []pathway.ProjectItem{b},
			[]line{{pathway.Removed, "A"}, {pathway.Same, "B"}}},
		{"everything removed", []pathway.ProjectItem{a, b}, nil, []line{{pathway.Removed, "A"}, {pathway.Removed, "B"}}},
		{"moved", []pathway.ProjectItem{a, b}, []pathway.ProjectItem{b, a}, []line{{pathway.Same, "B"}, {pathway.Same, "A"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []line
			for _, d := range pathway.DiffItems(c.old, c.new) {
				text := d.New.Text
				if d.Change == pathway.Removed {
					text = d.Old.Text
				}
				got = append(got, line{d.Change, text})
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
