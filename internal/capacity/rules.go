package capacity

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/apperr"
)

// Day is a calendar day, stored as its ISO form (YYYY-MM-DD) so that both
// databases compare days as strings.
type Day string

// Forever is the end of a declaration made "until further notice".
const Forever Day = "9999-12-31"

// DayOf returns the day of t in Paris, where every structure is: a figure
// declared at 00:30 in Paris belongs to that day, not to the UTC one before.
func DayOf(t time.Time) Day { return Day(t.In(paris).Format(time.DateOnly)) }

var paris = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// ParseDay reads YYYY-MM-DD, the form date inputs send.
func ParseDay(s string) (Day, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil || t.Year() < 2000 || t.Year() > 9999 {
		return "", false
	}
	return Day(t.Format(time.DateOnly)), true
}

// Time returns the day at midnight UTC.
func (d Day) Time() time.Time {
	t, _ := time.Parse(time.DateOnly, string(d))
	return t
}

// AddDays returns the day n days later.
func (d Day) AddDays(n int) Day { return Day(d.Time().AddDate(0, 0, n).Format(time.DateOnly)) }

// Open reports whether the day is Forever.
func (d Day) Open() bool { return d == Forever }

// Label is the day in French ("3 mars 2027"), "" for Forever.
func (d Day) Label() string {
	if d == "" || d.Open() {
		return ""
	}
	t := d.Time()
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// Days counts the days from d to e, both included.
func Days(d, e Day) int { return int(e.Time().Sub(d.Time()).Hours()/24) + 1 }

// PeriodLabel says a period in French: "du 3 au 7 mars 2027",
// "à partir du 1 septembre 2027", "le 4 mars 2027".
func PeriodLabel(from, to Day, today Day) string {
	switch {
	case to.Open() && from <= today:
		return "dès maintenant, sans date de fin"
	case to.Open():
		return "à partir du " + from.Label()
	case from == to:
		return "le " + from.Label()
	case from <= today:
		return "jusqu'au " + to.Label()
	}
	return "du " + from.Label() + " au " + to.Label()
}

// Weekdays is a set of days of the week: Monday = 1, Tuesday = 2 … Sunday = 64.
type Weekdays int

// EveryDay is the whole week.
const EveryDay Weekdays = 127

// WeekdayNames are the French names, Monday first.
var WeekdayNames = [7]string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}

// bit returns the mask bit of a Go weekday (Sunday = 0 in Go).
func bit(w time.Weekday) Weekdays { return 1 << ((int(w) + 6) % 7) }

// Has reports whether the set holds the i-th day, Monday = 0.
func (w Weekdays) Has(i int) bool { return w&(1<<i) != 0 }

// Label says the set in French: "tous les jours", "mercredi, samedi, dimanche".
func (w Weekdays) Label() string {
	if w == EveryDay || w == 0 {
		return "tous les jours"
	}
	var names []string
	for i, n := range WeekdayNames {
		if w.Has(i) {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// WeekdaysOf returns the days of the week met between from and to, both
// included; a week or more meets them all.
func WeekdaysOf(from, to Day) Weekdays {
	if Days(from, to) >= 7 {
		return EveryDay
	}
	var w Weekdays
	for d := from; d <= to; d = d.AddDays(1) {
		w |= bit(d.Time().Weekday())
	}
	return w
}

// Settings are a territory's freshness thresholds and hold duration.
type Settings struct {
	StaleDays map[Kind]int
	HoldHours int
}

// DefaultSettings: a week for most figures, two days for respite and
// emergency places, which change fastest; holds last 48 hours.
func DefaultSettings() Settings {
	s := Settings{StaleDays: map[Kind]int{}, HoldHours: DefaultHoldHours}
	for _, k := range Kinds {
		s.StaleDays[k.Kind] = k.StaleDays
	}
	return s
}

// MaxStaleDays and MaxHoldHours bound what a territory may set.
const (
	MaxStaleDays = 90
	MaxHoldHours = 24 * 14
)

// Stale reports whether a figure confirmed at confirmed is past its
// territory's threshold at now.
func (s Settings) Stale(k Kind, confirmed, now time.Time) bool {
	days := s.StaleDays[k]
	if days <= 0 {
		days = 7
	}
	return now.Sub(confirmed) > time.Duration(days)*24*time.Hour
}

// Declaration is what a director (or a foster carer) declares.
type Declaration struct {
	Kind       Kind
	Places     int // places free now: the service adds those already taken
	From, To   Day // To "" or Forever: until further notice
	Weekdays   Weekdays
	Profession string
	Conditions string
	CarerID    string // relay stays: the foster carer concerned
}

// MaxPlaces bounds a declaration: no structure has more free places of one kind.
const MaxPlaces = 500

// NormalizeDeclaration checks d against the rules and fills the defaults
// (from today, every day, until further notice); today is the declaring day.
func NormalizeDeclaration(d Declaration, today Day) (Declaration, error) {
	var v apperr.Validation
	if !d.Kind.Valid() {
		v.Add("kind", "Choisissez ce que vous déclarez (place permanente, répit, urgence…).")
	}
	if d.Places < 0 || d.Places > MaxPlaces {
		v.Add("places", fmt.Sprintf("Le nombre de places va de 0 à %d.", MaxPlaces))
	}
	if d.From == "" {
		d.From = today
	}
	if d.To == "" {
		d.To = Forever
	}
	if _, ok := ParseDay(string(d.From)); !ok {
		v.Add("from", "Date de début invalide (jj/mm/aaaa).")
	}
	if _, ok := ParseDay(string(d.To)); !ok {
		v.Add("to", "Date de fin invalide (jj/mm/aaaa).")
	}
	if d.From < today {
		d.From = today // a period already begun counts from today
	}
	if d.To < d.From && !v.Has("from") && !v.Has("to") {
		v.Add("to", "La date de fin précède la date de début (ou est passée).")
	}
	if d.Weekdays == 0 {
		d.Weekdays = EveryDay
	}
	if d.Weekdays < 0 || d.Weekdays > EveryDay {
		v.Add("weekdays", "Jours de la semaine invalides.")
	}
	if d.Kind == KindSequential && d.Weekdays == EveryDay {
		v.Add("weekdays", "Un accueil séquentiel se déclare sur certains jours : cochez-les.")
	}
	d.Profession = strings.TrimSpace(d.Profession)
	d.Conditions = strings.TrimSpace(d.Conditions)
	if d.Kind == KindStaff && d.Profession == "" {
		v.Add("profession", "Indiquez la profession du personnel proposé.")
	}
	if utf8.RuneCountInString(d.Profession) > 120 {
		v.Add("profession", "120 caractères au plus.")
	}
	if utf8.RuneCountInString(d.Conditions) > 1000 {
		v.Add("conditions", "1 000 caractères au plus.")
	}
	if d.Kind != KindRelay {
		d.CarerID = ""
	}
	return d, v.ErrSaying("La déclaration n'a pas été enregistrée : corrigez les champs signalés.")
}

// HoldInput is what the one who holds a place says.
type HoldInput struct {
	Places     int // default 1
	RequestRef string
	Note       string
}

// NormalizeHold checks a hold's input.
func NormalizeHold(in HoldInput) (HoldInput, error) {
	var v apperr.Validation
	if in.Places == 0 {
		in.Places = 1
	}
	if in.Places < 1 || in.Places > 20 {
		v.Add("places", "Une option porte sur 1 à 20 places.")
	}
	in.RequestRef = strings.TrimSpace(in.RequestRef)
	in.Note = strings.TrimSpace(in.Note)
	switch n := utf8.RuneCountInString(in.RequestRef); {
	case n == 0:
		v.Add("request_ref", "Indiquez la référence de la demande ou de la situation (jamais le nom de l'enfant).")
	case n > 80:
		v.Add("request_ref", "80 caractères au plus.")
	}
	if utf8.RuneCountInString(in.Note) > 1000 {
		v.Add("note", "1 000 caractères au plus.")
	}
	return in, v.ErrSaying("L'option n'a pas été posée : corrigez les champs signalés.")
}

// CheckBooking checks the dates of a booking against its declaration: they
// lie within its period, and a respite stay lasts 1 to MaxRespiteDays days.
func CheckBooking(a Availability, from, to Day, today Day) error {
	var v apperr.Validation
	switch {
	case from == "" || to == "":
		v.Add("from", "Indiquez les dates de l'accueil.")
	case to < from:
		v.Add("to", "La date de fin précède la date de début.")
	case from < today:
		v.Add("from", "La date de début est passée.")
	case from < a.From || to > a.To:
		v.Add("from", "Ces dates sortent de la période déclarée ("+PeriodLabel(a.From, a.To, today)+").")
	case a.Kind == KindRespite && Days(from, to) > MaxRespiteDays:
		v.Add("to", fmt.Sprintf("Un répit dure de 1 à %d jours.", MaxRespiteDays))
	}
	return v.ErrSaying("La réservation n'a pas été confirmée : corrigez les dates.")
}
