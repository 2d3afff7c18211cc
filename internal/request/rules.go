package request

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/apperr"
	"passerelle/internal/attach"
)

// MaxRecipients is how many structures one request may go to at once.
const MaxRecipients = 5

// Input is a request as typed. Errors are keyed by field: kind, child,
// from, to, weekdays, need, tried, recipients.
type Input struct {
	Kind       Kind
	ChildID    string // the child's record, for the kinds about a child
	From, To   string // the stay, for the kinds with dates
	Weekdays   []int  // sequential reception: ISO days, Monday 1 … Sunday 7
	Need       string // what is needed
	Tried      string // what was already tried
	Recipients []string
	Criteria   Criteria // the declared ones: loss of chance, crisis, emergency
	// Attachments: PDF, PNG or JPEG, five at most, 5 MB each.
	Attachments []attach.File
}

const (
	maxText = 4000
)

// validDay parses a day typed YYYY-MM-DD or DD/MM/YYYY.
func validDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1900 && t.Year() <= 9999 {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// Normalize checks a request before it is saved (as a draft, or sent when
// send is true: then the recipients are required). today bounds the dates.
func Normalize(in Input, today string, send bool) (Input, error) {
	var v apperr.Validation
	in.Need, in.Tried = strings.TrimSpace(in.Need), strings.TrimSpace(in.Tried)
	info, ok := KindOf(in.Kind)
	v.Check(ok, "kind", "Choisissez ce que vous demandez.")
	v.Check(!ok || !info.Child || strings.TrimSpace(in.ChildID) != "", "child", "Choisissez l'enfant concerné.")
	if ok && !info.Child {
		in.ChildID = ""
	}
	if ok && info.Dates {
		var okFrom, okTo bool
		in.From, okFrom = validDay(in.From)
		v.Check(okFrom, "from", "Indiquez le premier jour (jj/mm/aaaa).")
		if strings.TrimSpace(in.To) == "" && okFrom {
			in.To = in.From
			okTo = true
		} else {
			in.To, okTo = validDay(in.To)
			v.Check(okTo, "to", "Date invalide : écrivez-la jj/mm/aaaa.")
		}
		if okFrom {
			v.Check(in.From >= today, "from", "Le séjour commence dans le passé.")
		}
		if okFrom && okTo {
			v.Check(in.To >= in.From, "to", "La fin précède le début.")
			if info.MaxDays > 0 {
				a, _ := time.Parse(time.DateOnly, in.From)
				b, _ := time.Parse(time.DateOnly, in.To)
				v.Check(int(b.Sub(a).Hours()/24)+1 <= info.MaxDays, "to", "Un accueil de répit ou un séjour relais dure six jours au plus.")
			}
		}
	} else {
		in.From, in.To = "", ""
	}
	if ok && info.Rhythm {
		for _, d := range in.Weekdays {
			v.Check(d >= 1 && d <= 7, "weekdays", "Jour de la semaine inconnu.")
		}
		v.Check(len(in.Weekdays) > 0, "weekdays", "Choisissez les jours de l'accueil.")
		in.Weekdays = slices.Compact(slices.Sorted(slices.Values(in.Weekdays)))
	} else {
		in.Weekdays = nil
	}
	v.Check(in.Need != "", "need", "Décrivez le besoin en quelques lignes.")
	v.Check(utf8.RuneCountInString(in.Need) <= maxText, "need", "Texte trop long.")
	v.Check(utf8.RuneCountInString(in.Tried) <= maxText, "tried", "Texte trop long.")
	var rec []string
	for _, r := range in.Recipients {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(rec, r) {
			rec = append(rec, r)
		}
	}
	in.Recipients = rec
	v.Check(!send || len(rec) > 0, "recipients", "Choisissez au moins une structure.")
	v.Check(len(rec) <= MaxRecipients, "recipients", "Une demande va à cinq structures au plus.")
	attach.Check(&v, "attachments", in.Attachments)
	return in, v.ErrSaying("La demande n'a pas été enregistrée : corrigez les champs signalés.")
}

// Answer is a recipient's answer; errors by field: reason, text.
type Answer struct {
	Event  Event  // accept, refuse, ask_info
	Reason string // refusals: see RefusalReasons
	Text   string
}

// NormalizeAnswer checks an answer: a refusal has a coded reason (and
// words for "other"); a question has words.
func NormalizeAnswer(a Answer) (Answer, error) {
	var v apperr.Validation
	a.Text, a.Reason = strings.TrimSpace(a.Text), strings.TrimSpace(a.Reason)
	switch a.Event {
	case EvAccept:
		a.Reason = ""
	case EvRefuse:
		v.Check(known(RefusalReasons, a.Reason), "reason", "Choisissez la raison du refus : elle compte pour le territoire.")
		v.Check(a.Reason != "other" || a.Text != "", "text", "Dites la raison du refus.")
	case EvAskInfo:
		a.Reason = ""
		v.Check(a.Text != "", "text", "Dites ce qu'il vous manque pour répondre.")
	default:
		v.Add("event", "Acceptez, refusez ou demandez des précisions.")
	}
	v.Check(utf8.RuneCountInString(a.Text) <= maxText, "text", "Texte trop long.")
	return a, v.ErrSaying("La réponse n'a pas été enregistrée : corrigez les champs signalés.")
}
