// Package request holds the requests between structures: admission,
// respite, sequential reception, mobile team, consultation, relay stay,
// lent staff. A request goes to one or more recipient structures, each of
// which answers by a deadline; unanswered, it is recalled, then escalated.
package request

import (
	"strings"
	"time"
)

// Kind is what a request asks for.
type Kind string

const (
	KindAdmission    Kind = "admission"
	KindRespite      Kind = "respite"
	KindSequential   Kind = "sequential"
	KindMobileTeam   Kind = "mobile_team"
	KindConsultation Kind = "consultation"
	KindRelay        Kind = "relay"
	KindStaff        Kind = "staff"
)

// KindInfo is a kind with its label and its rules.
type KindInfo struct {
	Kind  Kind
	Label string
	// Deadline is the default time to answer, before the territory sets it.
	Deadline time.Duration
	// Dates: the request names a stay (from, to); MaxDays bounds it (0: no bound).
	Dates   bool
	MaxDays int
	// Rhythm: the request says which days (sequential reception).
	Rhythm bool
	// Child: the request is about a child (lent staff is not).
	Child bool
	// Books: an accepted request takes a place on the capacity board.
	Books bool
}

const day = 24 * time.Hour

// Kinds lists every kind, in the order the interface shows them.
var Kinds = []KindInfo{
	{KindAdmission, "Admission", 15 * day, true, 0, false, true, false},
	{KindRespite, "Accueil de répit (1 à 6 jours)", 2 * day, true, 6, false, true, true},
	{KindSequential, "Accueil séquentiel ou partagé", 7 * day, true, 0, true, true, true},
	{KindMobileTeam, "Intervention de l'équipe mobile", 2 * day, false, 0, false, true, false},
	{KindConsultation, "Consultation (CMPP, pédopsychiatrie)", 7 * day, false, 0, false, true, false},
	{KindRelay, "Séjour relais chez un assistant familial", 2 * day, true, 6, false, true, true},
	{KindStaff, "Mise à disposition de personnel", 7 * day, true, 0, false, false, false},
}

// KindOf returns the information of kind k (ok false when unknown).
func KindOf(k Kind) (KindInfo, bool) {
	for _, i := range Kinds {
		if i.Kind == k {
			return i, true
		}
	}
	return KindInfo{}, false
}

// Status is where a request stands for one recipient.
type Status string

const (
	Draft         Status = "draft"          // written, not sent
	Sent          Status = "sent"           // sent, not opened yet
	Seen          Status = "seen"           // opened by the recipient
	InfoRequested Status = "info_requested" // the recipient asks for more
	Accepted      Status = "accepted"       // the recipient can take the child
	Refused       Status = "refused"        // the recipient cannot, with a coded reason
	Confirmed     Status = "confirmed"      // the sender chose this acceptance
	Closed        Status = "closed"         // another recipient was chosen
	Withdrawn     Status = "withdrawn"      // the sender withdrew the request
	Expired       Status = "expired"        // nobody answered in time, or the stay is past
)

// StatusLabels says each status in French.
var StatusLabels = map[Status]string{Draft: "Brouillon", Sent: "Envoyée", Seen: "Lue", InfoRequested: "Précisions demandées",
	Accepted: "Acceptée", Refused: "Refusée", Confirmed: "Confirmée", Closed: "Close (autre structure retenue)",
	Withdrawn: "Retirée", Expired: "Expirée"}

// Open reports whether the recipient still has something to do or to
// expect: the request has not ended for it.
func (s Status) Open() bool {
	return s == Sent || s == Seen || s == InfoRequested || s == Accepted
}

// Awaiting reports whether the recipient owes an answer.
func (s Status) Awaiting() bool { return s == Sent || s == Seen }

// Event is what happens to a request for one recipient.
type Event string

const (
	EvSend     Event = "send"      // the sender sends the draft
	EvOpen     Event = "open"      // the recipient opens it
	EvAccept   Event = "accept"    // the recipient accepts
	EvRefuse   Event = "refuse"    // the recipient refuses, with a reason
	EvAskInfo  Event = "ask_info"  // the recipient asks for more
	EvGiveInfo Event = "give_info" // the sender answers
	EvConfirm  Event = "confirm"   // the sender chooses this acceptance
	EvClose    Event = "close"     // the sender chose another recipient
	EvWithdraw Event = "withdraw"  // the sender withdraws the request
	EvExpire   Event = "expire"    // no answer, or the stay is past
	EvUnaccept Event = "unaccept"  // the recipient takes back its acceptance before it is confirmed
)

// Who is the side that makes an event happen.
type Who string

const (
	BySender    Who = "sender"
	ByRecipient Who = "recipient"
	BySystem    Who = "system"
)

// transition is one allowed change.
type transition struct {
	from []Status
	by   Who
	to   Status
}

// transitions is the state machine: what each event does, from where, by whom.
var transitions = map[Event]transition{
	EvSend:     {[]Status{Draft}, BySender, Sent},
	EvOpen:     {[]Status{Sent}, ByRecipient, Seen},
	EvAccept:   {[]Status{Sent, Seen}, ByRecipient, Accepted},
	EvRefuse:   {[]Status{Sent, Seen, InfoRequested, Accepted}, ByRecipient, Refused},
	EvAskInfo:  {[]Status{Sent, Seen}, ByRecipient, InfoRequested},
	EvGiveInfo: {[]Status{InfoRequested}, BySender, Seen},
	EvConfirm:  {[]Status{Accepted}, BySender, Confirmed},
	EvClose:    {[]Status{Sent, Seen, InfoRequested, Accepted}, BySystem, Closed},
	EvWithdraw: {[]Status{Draft, Sent, Seen, InfoRequested, Accepted}, BySender, Withdrawn},
	EvExpire:   {[]Status{Sent, Seen, InfoRequested, Accepted}, BySystem, Expired},
	EvUnaccept: {[]Status{Accepted}, ByRecipient, Seen},
}

// Next returns the status after event ev by who from status from, or ok
// false when the event is not allowed there (or not by who).
func Next(from Status, ev Event, who Who) (Status, bool) {
	t, ok := transitions[ev]
	if !ok || t.by != who {
		return from, false
	}
	for _, f := range t.from {
		if f == from {
			return t.to, true
		}
	}
	return from, false
}

// RefusalReasons are the coded reasons of a refusal, so that the territory
// sees why children are not taken.
var RefusalReasons = []Code{
	{"no_place", "Pas de place"},
	{"outside_authorisation", "Âge ou public hors de l'autorisation"},
	{"needs_beyond", "Besoins au-delà de ce que la structure peut apporter"},
	{"territory", "Hors du territoire couvert"},
	{"notification_missing", "Notification MDPH absente"},
	{"file_incomplete", "Dossier incomplet"},
	{"other", "Autre raison"},
}

// Code is a value with its French label.
type Code struct {
	Code, Label string
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

// Criteria are the priority criteria of a request: declared by the sender
// (loss of chance, crisis, emergency) or read from the child's record
// (double vulnerability, young age).
type Criteria struct {
	LossOfChance        bool // care delayed would cost the child a chance
	DoubleVulnerability bool // an ASE measure and an MDPH notification
	YoungAge            bool // under 6
	Crisis              bool
	Emergency           bool
}

// Priority is a request's rank in the inboxes, with its reasons in words.
type Priority struct {
	Level   int    // 2 urgent, 1 prioritaire, 0 normal
	Label   string // "urgent", "prioritaire", "normale"
	Reasons []string
}

// Words says the priority as the inbox shows it: "prioritaire : double
// vulnérabilité, moins de 6 ans".
func (p Priority) Words() string {
	if len(p.Reasons) == 0 {
		return "priorité " + p.Label
	}
	return p.Label + " : " + strings.Join(p.Reasons, ", ")
}

// Score sorts requests: the level first, then the number of reasons.
func (p Priority) Score() int { return p.Level*10 + len(p.Reasons) }

// PriorityOf computes the priority from the criteria: an emergency or a
// crisis makes a request urgent; any other criterion makes it a priority.
func PriorityOf(c Criteria) Priority {
	var p Priority
	add := func(on bool, words string) {
		if on {
			p.Reasons = append(p.Reasons, words)
		}
	}
	add(c.Emergency, "urgence")
	add(c.Crisis, "situation de crise")
	add(c.LossOfChance, "perte de chance")
	add(c.DoubleVulnerability, "double vulnérabilité")
	add(c.YoungAge, "moins de 6 ans")
	switch {
	case c.Emergency || c.Crisis:
		p.Level, p.Label = 2, "urgente"
	case len(p.Reasons) > 0:
		p.Level, p.Label = 1, "prioritaire"
	default:
		p.Label = "normale"
	}
	return p
}
