package surveys

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/apperr"
)

// Limits on what the builder takes.
const (
	maxTitle    = 200
	maxIntro    = 4000
	maxLabel    = 500
	maxHelp     = 1000
	maxOption   = 200
	maxOptions  = 30
	maxUnit     = 30
	maxEndLabel = 100
	maxScale    = 10 // a scale has at most 11 steps (0 to 10)
	maxText     = 4000
	maxShort    = 300
	// maxNumber bounds numbers (answers and bounds) so that sums and
	// means over every structure stay finite: no count of days, places or
	// people comes near it.
	maxNumber = 1e12
)

// tooBig says why a number is refused for its size, "" when it is not.
func tooBig(f float64) string {
	if math.Abs(f) > maxNumber {
		return "Ce nombre est trop grand : au plus 1 000 000 000 000 (en valeur absolue)."
	}
	return ""
}

// kindKnown reports whether k is a question kind.
func kindKnown(k QuestionKind) bool {
	return slices.ContainsFunc(QuestionKinds, func(i KindInfo) bool { return i.Kind == k })
}

// KindLabel says a question kind in French.
func KindLabel(k QuestionKind) string {
	for _, i := range QuestionKinds {
		if i.Kind == k {
			return i.Label
		}
	}
	return string(k)
}

// Choice reports whether a question of kind k is answered among fixed
// values (options or yes/no), so that a condition may point to it.
func (k QuestionKind) Choice() bool { return k == Single || k == Multiple || k == YesNo }

// ChoiceValues returns the values a choice question accepts: its options,
// or Yes and No.
func (q Question) ChoiceValues() []string {
	switch q.Kind {
	case Single, Multiple:
		return q.Options
	case YesNo:
		return []string{Yes, No}
	}
	return nil
}

// ValueLabel says an answer's value as the interface shows it.
func (q Question) ValueLabel(v string) string {
	if q.Kind == YesNo {
		switch v {
		case Yes:
			return "Oui"
		case No:
			return "Non"
		}
	}
	if q.Kind == Date {
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			return d.Format("02/01/2006")
		}
	}
	return v
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// NormalizeSurvey trims a survey's title and introduction and checks them.
func NormalizeSurvey(in SurveyInput) (SurveyInput, error) {
	in.Title, in.Intro = strings.TrimSpace(in.Title), strings.TrimSpace(in.Intro)
	in.Template = strings.TrimSpace(in.Template)
	var v apperr.Validation
	if in.Title == "" && in.Template == "" {
		v.Add("title", "Donnez un titre à l'enquête.")
	}
	v.Check(!tooLong(in.Title, maxTitle), "title", fmt.Sprintf("Le titre dépasse %d caractères.", maxTitle))
	v.Check(!tooLong(in.Intro, maxIntro), "intro", fmt.Sprintf("L'introduction dépasse %d caractères.", maxIntro))
	if in.Template != "" {
		_, ok := templateByKey(in.Template)
		v.Check(ok, "template", "Ce modèle n'existe pas.")
	}
	return in, v.ErrSaying("L'enquête n'a pas été enregistrée : corrigez les champs signalés.")
}

// NormalizeSection trims a section's title and introduction and checks them.
func NormalizeSection(in SectionInput) (SectionInput, error) {
	in.Title, in.Intro = strings.TrimSpace(in.Title), strings.TrimSpace(in.Intro)
	var v apperr.Validation
	v.Check(in.Title != "", "title", "Donnez un titre à la partie.")
	v.Check(!tooLong(in.Title, maxTitle), "title", fmt.Sprintf("Le titre dépasse %d caractères.", maxTitle))
	v.Check(!tooLong(in.Intro, maxIntro), "intro", fmt.Sprintf("L'introduction dépasse %d caractères.", maxIntro))
	return in, v.ErrSaying("La partie n'a pas été enregistrée : corrigez les champs signalés.")
}

// parseNumber reads a number as typed in France or in JSON: "12", "12,5",
// "-3.25"; ok false for anything else (and for NaN or infinities).
func parseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	s = strings.ReplaceAll(s, " ", "")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// formatNumber writes a number without useless digits.
func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// FormatNumber writes a number the French way (decimal comma), for pages
// and exports.
func FormatNumber(f float64) string {
	return strings.Replace(strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64), ".", ",", 1)
}

// NormalizeQuestion checks a question as typed in the builder and returns
// it ready to store (ID, SectionID and positions are the caller's).
// earlier are the questions before it in the survey: a condition may only
// point to one of them.
func NormalizeQuestion(in QuestionInput, earlier []Question) (Question, error) {
	var v apperr.Validation
	q := Question{Kind: in.Kind, Label: strings.TrimSpace(in.Label), Help: strings.TrimSpace(in.Help), Required: in.Required}
	if !kindKnown(q.Kind) {
		v.Add("kind", "Choisissez le type de la question.")
	}
	v.Check(q.Label != "", "label", "Écrivez la question.")
	v.Check(!tooLong(q.Label, maxLabel), "label", fmt.Sprintf("La question dépasse %d caractères.", maxLabel))
	v.Check(!tooLong(q.Help, maxHelp), "help", fmt.Sprintf("L'aide dépasse %d caractères.", maxHelp))
	switch q.Kind {
	case Single, Multiple:
		for _, o := range in.Options {
			if o = strings.TrimSpace(o); o != "" {
				if slices.ContainsFunc(q.Options, func(x string) bool { return strings.EqualFold(x, o) }) {
					v.Add("options", fmt.Sprintf("L'option « %s » est en double.", o))
				}
				if tooLong(o, maxOption) {
					v.Add("options", fmt.Sprintf("Une option dépasse %d caractères.", maxOption))
				}
				q.Options = append(q.Options, o)
			}
		}
		v.Check(len(q.Options) >= 2, "options", "Donnez au moins deux options, une par ligne.")
		v.Check(len(q.Options) <= maxOptions, "options", fmt.Sprintf("Pas plus de %d options.", maxOptions))
	case Number:
		q.Unit = strings.TrimSpace(in.Unit)
		v.Check(!tooLong(q.Unit, maxUnit), "unit", fmt.Sprintf("L'unité dépasse %d caractères.", maxUnit))
		for _, b := range []struct {
			field, typed string
			dst          **float64
		}{{"min", in.Min, &q.Min}, {"max", in.Max, &q.Max}} {
			if strings.TrimSpace(b.typed) == "" {
				continue
			}
			f, ok := parseNumber(b.typed)
			switch {
			case !ok:
				v.Add(b.field, "Écrivez un nombre, par exemple 12 ou 2,5.")
			case tooBig(f) != "":
				v.Add(b.field, tooBig(f))
			default:
				*b.dst = &f
			}
		}
		if q.Min != nil && q.Max != nil && *q.Min >= *q.Max {
			v.Add("max", "Le maximum doit être plus grand que le minimum.")
		}
	case Scale:
		q.MinLabel, q.MaxLabel = strings.TrimSpace(in.MinLabel), strings.TrimSpace(in.MaxLabel)
		v.Check(!tooLong(q.MinLabel, maxEndLabel), "min_label", fmt.Sprintf("Le libellé dépasse %d caractères.", maxEndLabel))
		v.Check(!tooLong(q.MaxLabel, maxEndLabel), "max_label", fmt.Sprintf("Le libellé dépasse %d caractères.", maxEndLabel))
		for _, b := range []struct {
			field, typed string
			dst          **float64
		}{{"min", in.Min, &q.Min}, {"max", in.Max, &q.Max}} {
			f, ok := parseNumber(b.typed)
			if !ok || f != math.Trunc(f) {
				v.Add(b.field, "Écrivez un nombre entier, par exemple 1 ou 5.")
				continue
			}
			if msg := tooBig(f); msg != "" {
				v.Add(b.field, msg)
				continue
			}
			*b.dst = &f
		}
		if q.Min != nil && q.Max != nil {
			switch {
			case *q.Min >= *q.Max:
				v.Add("max", "La fin de l'échelle doit être plus grande que son début.")
			case *q.Max-*q.Min > maxScale:
				v.Add("max", fmt.Sprintf("Une échelle compte au plus %d crans.", maxScale+1))
			}
		}
	}
	if in.ShowIfQuestion != "" {
		c := &Condition{QuestionID: in.ShowIfQuestion}
		i := slices.IndexFunc(earlier, func(e Question) bool { return e.ID == in.ShowIfQuestion })
		switch {
		case i < 0:
			v.Add("show_if_question", "La condition doit porter sur une question placée avant celle-ci.")
		case !earlier[i].Kind.Choice():
			v.Add("show_if_question", "La condition doit porter sur une question à choix ou oui/non.")
		default:
			allowed := earlier[i].ChoiceValues()
			for _, x := range in.ShowIfValues {
				if x = strings.TrimSpace(x); x == "" || slices.Contains(c.Values, x) {
					continue
				}
				if !slices.Contains(allowed, x) {
					v.Add("show_if_values", fmt.Sprintf("« %s » n'est pas une réponse possible à la question choisie.", x))
				}
				c.Values = append(c.Values, x)
			}
			v.Check(len(c.Values) > 0, "show_if_values", "Choisissez les réponses qui font apparaître la question.")
		}
		q.ShowIf = c
	}
	return q, v.ErrSaying("La question n'a pas été enregistrée : corrigez les champs signalés.")
}

// CheckConditions checks that, in the survey's order, every condition
// still points to an earlier choice question and to values it offers (a
// move, an edit or a deletion must not break one). The error names the
// first question at fault.
func CheckConditions(qs []Question) error {
	for i, q := range qs {
		if q.ShowIf == nil {
			continue
		}
		j := slices.IndexFunc(qs[:i], func(e Question) bool { return e.ID == q.ShowIf.QuestionID })
		msg := ""
		switch {
		case j < 0:
			msg = fmt.Sprintf("La question « %s » dépend d'une question qui ne serait plus placée avant elle.", q.Label)
		case !qs[j].Kind.Choice():
			msg = fmt.Sprintf("La question « %s » dépend d'une question qui ne serait plus à choix.", q.Label)
		default:
			for _, x := range q.ShowIf.Values {
				if !slices.Contains(qs[j].ChoiceValues(), x) {
					msg = fmt.Sprintf("La question « %s » dépend de la réponse « %s », qui ne serait plus proposée.", q.Label, x)
					break
				}
			}
		}
		if msg != "" {
			return apperr.New(apperr.Conflict, msg+" Modifiez d'abord sa condition.")
		}
	}
	return nil
}

// Visible returns, for each question in order, whether it is shown with
// the answers v: a question is shown when it has no condition, or when the
// question it depends on is shown and answered with one of the values.
func Visible(qs []Question, v Values) map[string]bool {
	shown := make(map[string]bool, len(qs))
	for _, q := range qs {
		if q.ShowIf == nil {
			shown[q.ID] = true
			continue
		}
		shown[q.ID] = shown[q.ShowIf.QuestionID] && slices.ContainsFunc(v[q.ShowIf.QuestionID], func(x string) bool {
			return slices.Contains(q.ShowIf.Values, x)
		})
	}
	return shown
}

// NormalizeAnswer checks the answers of a structure against the questions
// and returns them cleaned: trimmed, numbers written plainly, empty and
// hidden questions' values and unknown questions dropped. Every value is
// type-checked; a submission (submit true) must also answer every
// required question that is shown. Field names are the questions' ids.
func NormalizeAnswer(qs []Question, in Values, submit bool) (Values, error) {
	var v apperr.Validation
	out := Values{}
	// Clean first, so that conditions read clean values.
	for _, q := range qs {
		var vals []string
		for _, x := range in[q.ID] {
			if x = strings.TrimSpace(x); x != "" && !slices.Contains(vals, x) {
				vals = append(vals, x)
			}
		}
		if len(vals) == 0 {
			continue
		}
		if msg := checkValues(q, vals); msg != "" {
			v.Add(q.ID, msg)
			continue
		}
		if q.Kind == Number || q.Kind == Scale {
			f, _ := parseNumber(vals[0])
			vals = []string{formatNumber(f)}
		}
		if q.Kind == Date {
			d, _ := parseDate(vals[0])
			vals = []string{d.Format(time.DateOnly)}
		}
		out[q.ID] = vals
	}
	shown := Visible(qs, out)
	for _, q := range qs {
		if !shown[q.ID] {
			delete(out, q.ID)
			continue
		}
		if submit && q.Required && len(out[q.ID]) == 0 && !v.Has(q.ID) {
			v.Add(q.ID, "Cette question attend une réponse.")
		}
	}
	if submit {
		return out, v.ErrSaying("La réponse n'a pas été envoyée : corrigez ou complétez les questions signalées.")
	}
	return out, v.ErrSaying("Le brouillon n'a pas été enregistré : corrigez les questions signalées.")
}

// parseDate reads a date as the date field sends it (2026-03-15) or as a
// person types it where the browser has no date field (15/03/2026).
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// checkValues returns what is wrong with the non-empty values of one
// question, "" when nothing is.
func checkValues(q Question, vals []string) string {
	if q.Kind != Multiple && len(vals) > 1 {
		return "Une seule réponse est attendue."
	}
	x := vals[0]
	switch q.Kind {
	case Single, Multiple:
		for _, x := range vals {
			if !slices.Contains(q.Options, x) {
				return fmt.Sprintf("« %s » n'est pas une des réponses proposées.", x)
			}
		}
	case YesNo:
		if x != Yes && x != No {
			return "Répondez par oui ou par non."
		}
	case Number:
		f, ok := parseNumber(x)
		switch {
		case !ok:
			return "Écrivez un nombre, par exemple 12 ou 2,5."
		case tooBig(f) != "":
			return tooBig(f)
		case q.Min != nil && f < *q.Min:
			return "Le nombre doit être au moins " + FormatNumber(*q.Min) + "."
		case q.Max != nil && f > *q.Max:
			return "Le nombre doit être au plus " + FormatNumber(*q.Max) + "."
		}
	case Scale:
		f, ok := parseNumber(x)
		if !ok || f != math.Trunc(f) || (q.Min != nil && f < *q.Min) || (q.Max != nil && f > *q.Max) {
			return fmt.Sprintf("Choisissez une valeur de %s à %s.", FormatNumber(deref(q.Min)), FormatNumber(deref(q.Max)))
		}
	case Date:
		if _, ok := parseDate(x); !ok {
			return "Écrivez une date valide (jj/mm/aaaa)."
		}
	case ShortText:
		if tooLong(x, maxShort) {
			return fmt.Sprintf("La réponse dépasse %d caractères.", maxShort)
		}
	case LongText:
		if tooLong(x, maxText) {
			return fmt.Sprintf("La réponse dépasse %d caractères.", maxText)
		}
	}
	return ""
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

// ParseDeadline reads a campaign's deadline: "2006-01-02T15:04" in Paris
// time (an HTML datetime-local field) or RFC 3339. It must be after now.
func ParseDeadline(s string, now time.Time) (time.Time, error) {
	var v apperr.Validation
	s = strings.TrimSpace(s)
	t, err := time.ParseInLocation("2006-01-02T15:04", s, paris)
	if err != nil {
		t, err = time.Parse(time.RFC3339, s)
	}
	switch {
	case s == "":
		v.Add("deadline", "Donnez la date et l'heure limites de réponse.")
	case err != nil:
		v.Add("deadline", "Écrivez une date et une heure valides.")
	case !t.After(now):
		v.Add("deadline", "La date limite doit être dans le futur.")
	case t.After(now.AddDate(1, 0, 0)):
		v.Add("deadline", "La date limite doit être dans moins d'un an.")
	}
	if err := v.ErrSaying("L'enquête n'a pas été lancée : corrigez la date limite."); err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()
