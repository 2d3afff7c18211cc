package pathway

import (
	"fmt"
	"strings"
	"time"

	"passerelle/internal/apperr"
)

// The common project brings together the ASE's projet pour l'enfant and
// the medico-social projet personnalisé d'accompagnement: the child's
// needs, the objectives, the actions (who does what by when), the child's
// and the parents' words, and the review of the previous version.

// ProjectParts are the kinds of items, in the order a version shows them.
var ProjectParts = []Code{{"need", "Besoins"}, {"objective", "Objectifs"}, {"action", "Actions"}}

// ProjectDomains are the areas of the child's life an item is about. Items
// of the care domain are read by the care professionals of the circle and
// the parents only.
var ProjectDomains = []Code{{"health", "Santé et développement"}, {"care", "Soins (réservé aux soignants)"},
	{"school", "Scolarité et apprentissages"}, {"daily", "Vie quotidienne et autonomie"},
	{"family", "Famille et relations"}, {"social", "Loisirs et vie sociale"}, {"safety", "Sécurité et protection"}}

// CareDomain is the domain whose items are care information.
const CareDomain = "care"

// Agreements are what the parents said of a version at its validation.
var Agreements = []Code{{"agreed", "Les parents sont d'accord"}, {"disagreed", "Les parents ne sont pas d'accord"},
	{"not_reached", "Les parents n'ont pas pu être joints"}, {"not_applicable", "Sans objet (autorité parentale retirée)"}}

// MaxProjectItems bounds a version: a project is read in a meeting.
const MaxProjectItems = 60

// MaxReviewDelay is the longest time before a version must be reviewed.
const MaxReviewDelay = 366 * 24 * time.Hour

// ProjectItem is a need, an objective or an action.
type ProjectItem struct {
	Key    string // the same from version to version
	Part   string // see ProjectParts
	Domain string // see ProjectDomains
	Text   string
	Who    string // actions: who does it
	Due    string // actions: by when (a day), or ""
}

// Care reports whether the item is care information.
func (i ProjectItem) Care() bool { return i.Domain == CareDomain }

// ProjectText is the free text of a version: the review of the previous
// version, the child's words and the parents' words.
type ProjectText struct {
	Review, ChildWords, ParentsWords string
}

// ProjectInput is a draft as typed. Item errors are keyed "items.N.text",
// "items.N.part", "items.N.domain", "items.N.due" (N from 0); the texts'
// "review", "child_words", "parents_words".
type ProjectInput struct {
	Revision int // the draft's revision the form was opened on
	Text     ProjectText
	Items    []ProjectItem
}

// NormalizeProject checks a draft: rows without text are dropped (that is
// how a row is removed), an action's due day is a day, the care domain is
// written by care professionals only (mayCare).
func NormalizeProject(in ProjectInput, mayCare bool) (ProjectInput, error) {
	var v apperr.Validation
	for _, s := range []*string{&in.Text.Review, &in.Text.ChildWords, &in.Text.ParentsWords} {
		trim(s)
	}
	checkLen(&v, "review", in.Text.Review, maxNote)
	checkLen(&v, "child_words", in.Text.ChildWords, maxNote)
	checkLen(&v, "parents_words", in.Text.ParentsWords, maxNote)
	var items []ProjectItem
	for i, it := range in.Items {
		for _, s := range []*string{&it.Part, &it.Domain, &it.Text, &it.Who, &it.Due, &it.Key} {
			trim(s)
		}
		if it.Text == "" {
			continue
		}
		f := func(name string) string { return fmt.Sprintf("items.%d.%s", i, name) }
		v.Check(known(ProjectParts, it.Part), f("part"), "Besoin, objectif ou action ?")
		v.Check(known(ProjectDomains, it.Domain), f("domain"), "Choisissez le domaine.")
		v.Check(mayCare || it.Domain != CareDomain, f("domain"), "Seuls les soignants du cercle écrivent dans le domaine des soins.")
		checkLen(&v, f("text"), it.Text, maxText)
		checkLen(&v, f("who"), it.Who, maxName)
		if it.Due != "" {
			d, ok := validDay(it.Due)
			v.Check(ok, f("due"), "Date invalide : écrivez-la jj/mm/aaaa.")
			it.Due = d
		}
		if it.Part != "action" {
			it.Who, it.Due = "", ""
		}
		items = append(items, it)
	}
	v.Check(len(items) <= MaxProjectItems, "items", fmt.Sprintf("Un projet compte au plus %d lignes.", MaxProjectItems))
	in.Items = items
	return in, v.ErrSaying("Le brouillon n'a pas été enregistré : corrigez les champs signalés.")
}

// ValidationInput is the referent's validation of the draft; errors by
// field: agreement, agreement_note, review_on.
type ValidationInput struct {
	Revision      int
	Agreement     string
	AgreementNote string
	ReviewOn      string
}

// NormalizeValidation checks a validation: the parents' agreement is
// recorded, with the reason when it is not given, and the next review is
// set within a year.
func NormalizeValidation(in ValidationInput, today string) (ValidationInput, error) {
	var v apperr.Validation
	trim(&in.Agreement)
	trim(&in.AgreementNote)
	v.Check(known(Agreements, in.Agreement), "agreement", "Dites ce que les parents ont répondu.")
	v.Check(in.Agreement == "agreed" || in.Agreement == "" || in.AgreementNote != "", "agreement_note",
		"Dites pourquoi l'accord des parents n'a pas été recueilli.")
	checkLen(&v, "agreement_note", in.AgreementNote, maxText)
	in.ReviewOn = day(&v, "review_on", in.ReviewOn, "Fixez la date de la prochaine révision.")
	if !v.Has("review_on") {
		t, _ := time.Parse(time.DateOnly, today)
		v.Check(in.ReviewOn > today, "review_on", "La révision se fixe dans le futur.")
		v.Check(in.ReviewOn <= t.Add(MaxReviewDelay).Format(time.DateOnly), "review_on", "Un projet se révise au moins une fois par an.")
	}
	return in, v.ErrSaying("La version n'a pas été validée : corrigez les champs signalés.")
}

// Change is what became of an item from one version to the next.
type Change string

const (
	Same    Change = "same"
	Added   Change = "added"
	Removed Change = "removed"
	Changed Change = "changed"
)

// ItemDiff is one line of the difference between two versions.
type ItemDiff struct {
	Change   Change
	Old, New ProjectItem // Old empty when added, New empty when removed
}

// DiffItems compares two versions item by item (an item keeps its key
// from one version to the next): the new version's items in their order,
// each removed item after the item that preceded it in the old version.
func DiffItems(old, new []ProjectItem) []ItemDiff {
	inNew := map[string]bool{}
	for _, it := range new {
		inNew[it.Key] = true
	}
	oldByKey := map[string]ProjectItem{}
	// removedAfter: the removed items to show after the kept item that
	// preceded them ("": before the first).
	removedAfter := map[string][]ProjectItem{}
	prev := ""
	for _, it := range old {
		oldByKey[it.Key] = it
		if inNew[it.Key] {
			prev = it.Key
			continue
		}
		removedAfter[prev] = append(removedAfter[prev], it)
	}
	var out []ItemDiff
	flush := func(key string) {
		for _, it := range removedAfter[key] {
			out = append(out, ItemDiff{Change: Removed, Old: it})
		}
		delete(removedAfter, key)
	}
	flush("")
	for _, it := range new {
		o, ok := oldByKey[it.Key]
		switch {
		case !ok:
			out = append(out, ItemDiff{Change: Added, New: it})
		case o.Part == it.Part && o.Domain == it.Domain && o.Text == it.Text && o.Who == it.Who && o.Due == it.Due:
			out = append(out, ItemDiff{Change: Same, Old: o, New: it})
		default:
			out = append(out, ItemDiff{Change: Changed, Old: o, New: it})
		}
		flush(it.Key)
	}
	return out
}

// DueLabel says an action's deadline: "d'ici le 3 mars 2027", or "".
func DueLabel(due string) string {
	if strings.TrimSpace(due) == "" {
		return ""
	}
	return "d'ici le " + DayLabel(due)
}
