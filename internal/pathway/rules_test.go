package pathway_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/pathway"
)

var today = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

func TestNormalizeChild(t *testing.T) {
	ok := pathway.ChildInput{FirstName: " Lina ", LastName: "Roux", BirthDate: "03/04/2015", Sex: "girl"}
	cases := []struct {
		name  string
		edit  func(*pathway.ChildInput)
		field string
	}{
		{"valid, French date", func(*pathway.ChildInput) {}, ""},
		{"ISO date", func(c *pathway.ChildInput) { c.BirthDate = "2015-04-03" }, ""},
		{"no first name", func(c *pathway.ChildInput) { c.FirstName = "  " }, "first_name"},
		{"no last name", func(c *pathway.ChildInput) { c.LastName = "" }, "last_name"},
		{"31 February", func(c *pathway.ChildInput) { c.BirthDate = "31/02/2015" }, "birth_date"},
		{"born tomorrow", func(c *pathway.ChildInput) { c.BirthDate = "2027-03-02" }, "birth_date"},
		{"thirty years old", func(c *pathway.ChildInput) { c.BirthDate = "1997-01-01" }, "birth_date"},
		{"unknown sex", func(c *pathway.ChildInput) { c.Sex = "x" }, "sex"},
		{"lives in a structure not named", func(c *pathway.ChildInput) { c.LivingKind = "structure" }, "living_structure"},
		{"with a carer not named", func(c *pathway.ChildInput) { c.LivingKind = "foster_carer" }, "living_carer"},
		{"unknown school", func(c *pathway.ChildInput) { c.SchoolKind = "lycée" }, "school_kind"},
		{"a name of 101 letters", func(c *pathway.ChildInput) { c.LastName = strings.Repeat("é", 101) }, "last_name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.edit(&in)
			out, err := pathway.NormalizeChild(in, today)
			if c.field == "" {
				if err != nil || out.BirthDate != "2015-04-03" || out.FirstName != "Lina" || out.LivingKind != "family" || out.SchoolKind != "unknown" {
					t.Fatalf("%+v %v", out, err)
				}
				return
			}
			if !slices.Contains(fieldsOf(err), c.field) {
				t.Fatalf("want an error on %s, got %v", c.field, err)
			}
		})
	}
	// A living place of the other kind is dropped, not kept silently.
	out, err := pathway.NormalizeChild(pathway.ChildInput{FirstName: "A", LastName: "B", BirthDate: "2015-01-01", Sex: "boy",
		LivingKind: "structure", LivingStructureID: "s", LivingCarerID: "c"}, today)
	if err != nil || out.LivingCarerID != "" || out.LivingStructureID != "s" {
		t.Fatalf("%+v %v", out, err)
	}
}

func TestNormalizeMeasure(t *testing.T) {
	cases := []struct {
		name  string
		in    pathway.MeasureInput
		field string
	}{
		{"placement with an end", pathway.MeasureInput{Kind: "placement_judiciaire", Authority: "Juge des enfants", From: "2026-09-01", To: "2028-08-31"}, ""},
		{"guardianship without end", pathway.MeasureInput{Kind: "tutelle", Authority: "Juge des tutelles", From: "2020-01-01"}, ""},
		{"placement without end", pathway.MeasureInput{Kind: "placement_judiciaire", Authority: "Juge", From: "2026-09-01"}, "to"},
		{"end before start", pathway.MeasureInput{Kind: "aemo", Authority: "Juge", From: "2026-09-01", To: "2026-08-01"}, "to"},
		{"unknown kind", pathway.MeasureInput{Kind: "placement", Authority: "Juge", From: "2026-09-01", To: "2027-01-01"}, "kind"},
		{"no authority", pathway.MeasureInput{Kind: "aemo", From: "2026-09-01", To: "2027-01-01"}, "authority"},
		{"not a PDF", pathway.MeasureInput{Kind: "aemo", Authority: "Juge", From: "2026-09-01", To: "2027-01-01",
			Document: &pathway.Document{Name: "x.pdf", Data: []byte("<html>")}}, "document"},
		{"too large", pathway.MeasureInput{Kind: "aemo", Authority: "Juge", From: "2026-09-01", To: "2027-01-01",
			Document: &pathway.Document{Name: "x.pdf", Data: append([]byte("%PDF-"), make([]byte, pathway.MaxDocument)...)}}, "document"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := pathway.NormalizeMeasure(c.in)
			if c.field == "" {
				if err != nil || out.DecidedOn != out.From || (c.in.To == "" && out.To != pathway.Forever) {
					t.Fatalf("%+v %v", out, err)
				}
				return
			}
			if !slices.Contains(fieldsOf(err), c.field) {
				t.Fatalf("want an error on %s, got %v", c.field, err)
			}
		})
	}
}

func TestNormalizeInviteAndConsent(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    pathway.InviteInput
		field string
	}{
		{"shared secrecy", pathway.InviteInput{OrganisationID: "o", Capacity: access.CapCare, Basis: "shared_secrecy"}, ""},
		{"consent without the consent", pathway.InviteInput{OrganisationID: "o", Capacity: access.CapCare, Basis: "consent"}, "consent"},
		{"decision without the decision", pathway.InviteInput{OrganisationID: "o", Capacity: access.CapCare, Basis: "decision"}, "measure"},
		{"no basis", pathway.InviteInput{OrganisationID: "o", Capacity: access.CapCare}, "basis"},
		{"unknown capacity", pathway.InviteInput{OrganisationID: "o", Capacity: "friend", Basis: "shared_secrecy"}, "capacity"},
		{"no structure", pathway.InviteInput{Capacity: access.CapCare, Basis: "shared_secrecy"}, "organisation"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := pathway.NormalizeInvite(c.in, "2027-03-01")
			if c.field == "" {
				if err != nil || out.From != "2027-03-01" || out.To != pathway.Forever {
					t.Fatalf("%+v %v", out, err)
				}
				return
			}
			if !slices.Contains(fieldsOf(err), c.field) {
				t.Fatalf("want an error on %s, got %v", c.field, err)
			}
		})
	}
	if _, err := pathway.NormalizeConsent(pathway.ConsentInput{RelativeID: "r", Scope: "circle", GivenOn: "2027-03-05"}, "2027-03-01"); !slices.Contains(fieldsOf(err), "given_on") {
		t.Fatalf("a consent given in the future: %v", err)
	}
	if _, err := pathway.NormalizeReason("urgence"); !slices.Contains(fieldsOf(err), "reason") {
		t.Fatalf("a one-word reason: %v", err)
	}
}

func TestAgeOn(t *testing.T) {
	for _, c := range []struct {
		birth string
		want  int
	}{{"2017-03-01", 10}, {"2017-03-02", 9}, {"2016-02-29", 11}, {"2027-03-01", 0}, {"bad", 0}} {
		if got := pathway.AgeOn(c.birth, today); got != c.want {
			t.Errorf("AgeOn(%s) = %d, want %d", c.birth, got, c.want)
		}
	}
}

// Typed input never panics and a day that comes out is a real day.
func FuzzNormalizeChild(f *testing.F) {
	for _, s := range []string{"03/04/2015", "2015-04-03", "31/02/2015", "", "0000-00-00", "99/99/9999", "2015-4-3"} {
		f.Add("Lina", "Roux", s, "girl", "structure")
	}
	f.Fuzz(func(t *testing.T, first, last, birth, sex, living string) {
		out, err := pathway.NormalizeChild(pathway.ChildInput{FirstName: first, LastName: last, BirthDate: birth, Sex: sex, LivingKind: living}, today)
		if err == nil {
			if _, perr := time.Parse(time.DateOnly, out.BirthDate); perr != nil {
				t.Fatalf("accepted birth date %q", out.BirthDate)
			}
		}
	})
}

// Reads are never shown as changes in the access log.
func TestActionLabel(t *testing.T) {
	for _, read := range []string{"child.view", "child.liaison.list", "child.liaison.read", "child.planning.read", "child.planning.feed",
		"child.document.read", "child.access_log", "child.relative.read", "child.liaison.attachment",
		"child.liaison.print", "child.project.read", "child.project.compare", "child.project.print"} {
		if l := pathway.ActionLabel(read); strings.Contains(l, "modifié") {
			t.Errorf("%s reads as %q", read, l)
		}
	}
	if l := pathway.ActionLabel("child.measure.add"); l != "a modifié le dossier" {
		t.Errorf("a change reads as %q", l)
	}
}
