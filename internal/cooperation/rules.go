package cooperation

import (
	"time"
)

// Kind is the kind of an agreement.
type Kind string

// Code is a value with its French label.
type Code struct {
	Code, Label string
}

// Kinds lists the kinds of agreements, in the order the interface shows them.
var Kinds = []Code{
	{"convention", "Convention"},
	{"charte", "Charte"},
	{"cpom", "CPOM (contrat pluriannuel d'objectifs et de moyens)"},
	{"appel_a_projets", "Appel à projets"},
	{"partenariat", "Partenariat"},
	{"gcsms", "Groupement (GCSMS)"},
	{"autre", "Autre"},
}

// Status is where an agreement stands, computed from its dates.
type Status string

const (
	Draft      Status = "draft"      // not signed yet
	Signed     Status = "signed"     // signed, not started
	InForce    Status = "in_force"   // between its start and its end
	Expired    Status = "expired"    // past its end, not renewed
	Terminated Status = "terminated" // ended early by a party
)

// Statuses lists the statuses with their labels.
var Statuses = []Code{
	{string(Draft), "Projet"},
	{string(Signed), "Signée"},
	{string(InForce), "En vigueur"},
	{string(Expired), "Échue"},
	{string(Terminated), "Résiliée"},
}

// PartyRoles are the roles of a party in an agreement.
var PartyRoles = []Code{
	{"signataire", "Signataire"},
	{"beneficiaire", "Bénéficiaire"},
	{"financeur", "Financeur"},
	{"associe", "Partenaire associé"},
}

// Label returns the label of code c in list, or c.
func Label(list []Code, c string) string {
	for _, x := range list {
		if x.Code == c {
			return x.Label
		}
	}
	return c
}

func known(list []Code, c string) bool {
	for _, x := range list {
		if x.Code == c {
			return true
		}
	}
	return false
}

// Terms are the dates of an agreement that its status depends on. Dates
// are 'YYYY-MM-DD', "" when absent.
type Terms struct {
	SignedOn, StartsOn, EndsOn string
	// DurationMonths is the length of a period: of the first, when EndsOn
	// is computed from it, and of each tacit renewal.
	DurationMonths int
	Tacit          bool
	NoticeMonths   int
	// NoticeGivenOn: a party said it will not renew.
	NoticeGivenOn string
	// TerminatedOn: the day the termination takes effect.
	TerminatedOn string
}

const maxRenewals = 1200 // a hundred years of monthly periods: a bound, never reached

// EndFrom returns the last day of a period of months starting on start
// (a year from 1 March ends on 28 or 29 February), "" if start is not a date.
func EndFrom(start string, months int) string {
	t, err := time.Parse(time.DateOnly, start)
	if err != nil || months <= 0 {
		return ""
	}
	return addMonths(t, months).AddDate(0, 0, -1).Format(time.DateOnly)
}

// addMonths adds months without Go's overflow into the next month: 31
// January plus one month is 28 (or 29) February.
func addMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}

// NoticeDeadline returns the last day a party may give notice so that the
// period ending on end is not renewed: notice months before the end.
func NoticeDeadline(end string, noticeMonths int) string {
	t, err := time.Parse(time.DateOnly, end)
	if err != nil {
		return ""
	}
	return addMonths(t, -noticeMonths).Format(time.DateOnly)
}

// CurrentEnd returns the last day of the period that contains today, or
// of the last period when the agreement will not be renewed: a tacit
// renewal extends the end by the duration, unless notice was given in
// time (then the agreement ends with the period whose notice deadline the
// notice met). "" when the agreement has no end.
func CurrentEnd(t Terms, today string) string {
	end := t.EndsOn
	if end == "" || !t.Tacit || t.DurationMonths <= 0 {
		return end
	}
	for range maxRenewals {
		if t.NoticeGivenOn != "" && t.NoticeGivenOn <= NoticeDeadline(end, t.NoticeMonths) {
			return end // notice met this period's deadline: no renewal
		}
		if today <= end {
			return end
		}
		next, _ := time.Parse(time.DateOnly, end)
		end = EndFrom(next.AddDate(0, 0, 1).Format(time.DateOnly), t.DurationMonths)
	}
	return end
}

// Renews reports whether the period ending on CurrentEnd will be followed
// by another one: not when a termination takes effect by then.
func Renews(t Terms, today string) bool {
	end := CurrentEnd(t, today)
	if end == "" || !t.Tacit || t.DurationMonths <= 0 || terminatedBy(t, end) {
		return false
	}
	return t.NoticeGivenOn == "" || t.NoticeGivenOn > NoticeDeadline(end, t.NoticeMonths)
}

// terminatedBy reports whether a termination takes effect on or before
// the day after end: the period ending on end is the last one, ended by
// the parties themselves.
func terminatedBy(t Terms, end string) bool {
	if t.TerminatedOn == "" {
		return false
	}
	e, err := time.Parse(time.DateOnly, end)
	return err == nil && t.TerminatedOn <= e.AddDate(0, 0, 1).Format(time.DateOnly)
}

// StatusOn returns the status of an agreement on day today: a draft until
// it is signed; terminated from the termination's day; signed before its
// start; in force from its start to its current end; expired after it.
func StatusOn(t Terms, today string) Status {
	switch {
	case t.TerminatedOn != "" && today >= t.TerminatedOn:
		return Terminated
	case t.SignedOn == "":
		return Draft
	case t.StartsOn != "" && today < t.StartsOn:
		return Signed
	}
	if end := CurrentEnd(t, today); end != "" && today > end {
		return Expired
	}
	return InForce
}

// Reserving reports whether an agreement of this status keeps its places
// on the board: once signed, until it ends.
func (s Status) Reserving() bool { return s == Signed || s == InForce }

// Window is the days a line of places keeps on the board: From to To,
// and further at each tacit renewal when Renews.
type Window struct {
	From, To string
	Renews   bool
}

// ReservedWindow returns the window of a line of places under terms on
// day today: its own dates, else the agreement's start and current end
// (then renewed with the agreement).
func ReservedWindow(from, to string, t Terms, today string) Window {
	w := Window{From: from, To: to}
	if w.From == "" {
		w.From = t.StartsOn
	}
	if w.To == "" {
		w.To, w.Renews = CurrentEnd(t, today), Renews(t, today)
	}
	return w
}

// Widens reports whether w keeps days that old did not: an earlier start,
// a later end, or a renewal old did not have.
func (w Window) Widens(old Window) bool {
	return w.From < old.From || w.To > old.To || (w.Renews && !old.Renews)
}

// Reminder is a message the reminders job sends about an agreement.
type Reminder string

const (
	RemindNotice Reminder = "notice"  // 30 days before the last day to give notice
	RemindEnd90  Reminder = "end_90"  // 90 days before the end
	RemindEnd30  Reminder = "end_30"  // 30 days before the end
	RemindEnded  Reminder = "expired" // the agreement has expired
)

// DueReminders returns the reminders due on today for the period ending
// on CurrentEnd, with that end (the key under which each is sent once).
// A reminder whose day has passed is still due (the job may not have run
// that day); one of a period that ended is not, except the expiry.
func DueReminders(t Terms, today string) (end string, due []Reminder) {
	st := StatusOn(t, today)
	end = CurrentEnd(t, today)
	if end == "" || (st != InForce && st != Expired && st != Signed) {
		return end, nil
	}
	days := func(d string, n int) string {
		x, _ := time.Parse(time.DateOnly, d)
		return x.AddDate(0, 0, n).Format(time.DateOnly)
	}
	if terminatedBy(t, end) {
		return end, nil // the parties ended it: nothing to renew, nothing to announce
	}
	if st == Expired {
		// Told once, in the month after the end, not years later.
		if today <= days(end, 30) {
			return end, []Reminder{RemindEnded}
		}
		return end, nil
	}
	if t.Tacit && t.NoticeMonths > 0 && Renews(t, today) {
		deadline := NoticeDeadline(end, t.NoticeMonths)
		if today >= days(deadline, -30) && today <= deadline {
			due = append(due, RemindNotice)
		}
	}
	switch {
	case today >= days(end, -30):
		due = append(due, RemindEnd30)
	case today >= days(end, -90):
		due = append(due, RemindEnd90)
	}
	return end, due
}
