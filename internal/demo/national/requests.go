package national

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/request"
)

// A year of requests between structures about the children, and the
// rupture alerts sent to their referents, for the territorial dashboards.
// Like the rest of a child, they are drawn from the child's own generator
// (another stream than its record's), so that a batch draws them when it
// writes them.
//
// Volumes, as a département sees them: RequestShare of the children have
// requests in the year, one to four each (about 0.8 a child on average),
// each sent to one to three structures of the département. Each recipient
// answers after a log-normal delay whose median is a quarter of the
// kind's deadline (so that about one answer in ten comes late), or never
// (SilentShare); a refusal has a coded reason, no place first. Requests
// end confirmed, withdrawn, or with nobody to take the child; the recent
// ones are still open. AlertShare of the children had one to three
// rupture alerts in the year.

const (
	// RequestShare of the children have requests in the year.
	RequestShare = 0.4
	// SilentShare of the recipients never answer.
	SilentShare = 0.12
	// AlertShare of the children had rupture alerts in the year.
	AlertShare = 0.25
	// expireAfter: a recipient silent this long past its deadline is
	// expired, as the timing job does after its escalations.
	expireAfter = 7 * day
)

// drawnRequest is a request sent about a child; times are before the load.
type drawnRequest struct {
	Kind       request.Kind
	Emergency  bool
	Sent       time.Duration // before the load
	From, To   int           // the stay, in days from the load; both 0 when the kind has none
	Weekdays   int           // sequential reception: ISO days as bits
	Status     string        // open, confirmed, withdrawn, ended
	Ended      time.Duration // after Sent; -1 while open
	Recipients []drawnRecipient
}

// drawnRecipient is one structure's side; times are after the sending,
// -1 when it has not happened.
type drawnRecipient struct {
	Structure            int // among the structures of the département
	Status               request.Status
	Seen, First, Decided time.Duration
	Reason               string
	Closed               time.Duration // confirm, close, withdraw or expire: the last step, -1 none
}

// The kinds of requests, reasons of refusal and alerts, with how often
// each is drawn.
var (
	requestKinds = []request.Kind{request.KindAdmission, request.KindRespite, request.KindSequential,
		request.KindMobileTeam, request.KindConsultation, request.KindRelay}
	requestKindWeights = []float64{35, 20, 10, 12, 13, 10}
	refusalReasons     = []string{"no_place", "needs_beyond", "outside_authorisation", "territory",
		"notification_missing", "file_incomplete", "other"}
	refusalWeights = []float64{45, 15, 12, 8, 7, 8, 5}
	alertKinds     = []struct {
		section access.Section
		title   string // pathway's, after "Alerte envoyée au référent : "
	}{{access.SecMeasures, "Fin de mesure sans renouvellement"},
		{access.SecNotifications, "Notification MDPH bientôt échue"}, {access.SecNotifications, "Enfant sans solution"},
		{access.SecPlanning, "Planning : personne n'a l'enfant"}, {access.SecPlanning, "Planning : deux lieux en même temps"},
		{access.SecProject, "Révision du projet à préparer"}, {access.SecProject, "Révision du projet en retard"}}
	alertWeights = []float64{35, 18, 12, 12, 8, 10, 5}
)

// drawActivity draws the year of requests and alerts of child i of the
// plan, opened opened days ago, in a département of structures structures.
func (cp ChildPlan) drawActivity(i, opened, structures int) ([]drawnRequest, []drawnEvent) {
	r := rand.New(rand.NewPCG(cp.Seed, 0x7e9e57+uint64(i)))
	var reqs []drawnRequest
	if structures > 0 && r.Float64() < RequestShare {
		for range 1 + r.IntN(4) {
			reqs = append(reqs, drawRequest(r, min(opened, 365), structures))
		}
	}
	var alerts []drawnEvent
	if r.Float64() < AlertShare {
		for range 1 + r.IntN(3) {
			a := alertKinds[weighted(r, alertWeights)]
			ago := time.Duration(1+r.IntN(max(min(opened, 365), 1)))*day - time.Duration(r.IntN(8*3600))*time.Second
			alerts = append(alerts, drawnEvent{At: ago, Kind: "alert", Section: string(a.section),
				Summary: "Alerte envoyée au référent : " + a.title})
		}
	}
	return reqs, alerts
}

// drawRequest draws one request sent in the last within days.
func drawRequest(r *rand.Rand, within, structures int) drawnRequest {
	kind := requestKinds[weighted(r, requestKindWeights)]
	info, _ := request.KindOf(kind)
	sentDays := r.IntN(max(within, 1))
	q := drawnRequest{Kind: kind, Emergency: r.IntN(10) == 0, Ended: -1,
		Sent: time.Duration(sentDays)*day + time.Duration(r.IntN(10*3600))*time.Second}
	if info.Dates {
		q.From = -sentDays + 1 + r.IntN(30)
		switch {
		case info.MaxDays > 0:
			q.To = q.From + r.IntN(info.MaxDays)
		case kind == request.KindSequential:
			q.To = q.From + 90 + r.IntN(90)
		default:
			q.To = q.From + 365
		}
	}
	if info.Rhythm {
		q.Weekdays = 1<<5 | 1<<6 // the weekends
	}
	elapsed := q.Sent
	deadline := info.Deadline
	// Withdrawn by the sender before the end of its deadline, for some.
	withdrawn := time.Duration(-1)
	if r.IntN(20) == 0 {
		withdrawn = time.Duration(float64(min(deadline, elapsed)) * r.Float64())
	}
	happened := func(t time.Duration) bool { return t >= 0 && t <= elapsed && (withdrawn < 0 || t <= withdrawn) }
	used := map[int]bool{}
	for range min(1+r.IntN(3), structures) {
		st := r.IntN(structures)
		for used[st] {
			st = (st + 1) % structures
		}
		used[st] = true
		x := drawnRecipient{Structure: st, Status: request.Sent, Seen: -1, First: -1, Decided: -1, Closed: -1}
		answer := time.Duration(-1)
		if r.Float64() >= SilentShare {
			// Log-normal: the median a quarter of the deadline, p90 about three times it.
			median := float64(deadline) / 4
			answer = time.Duration(median * math.Exp(0.9*r.NormFloat64()))
			answer = max(answer, 10*time.Minute)
		}
		seen := time.Duration(-1)
		switch {
		case answer >= 0:
			seen = time.Duration(float64(answer) * (0.2 + 0.7*r.Float64()))
		case r.IntN(2) == 0:
			seen = time.Duration(float64(deadline) * r.Float64())
		}
		if happened(seen) {
			x.Seen, x.Status = seen, request.Seen
		}
		if happened(answer) {
			x.First = answer
			switch o := r.IntN(100); {
			case o < 35:
				x.Status, x.Decided = request.Accepted, answer
			case o < 90:
				x.Status, x.Decided = request.Refused, answer
				x.Reason = refusalReasons[weighted(r, refusalWeights)]
			default:
				x.Status = request.InfoRequested
			}
		}
		if x.Status.Awaiting() && happened(deadline+expireAfter) {
			x.Status, x.Closed = request.Expired, deadline+expireAfter
		}
		q.Recipients = append(q.Recipients, x)
	}
	settle(r, &q, withdrawn, elapsed)
	return q
}

// settle ends the request as its sender would: withdrawn, an acceptance
// confirmed a few hours or days after it came (the others closed), or
// ended when nobody is left to answer.
func settle(r *rand.Rand, q *drawnRequest, withdrawn, elapsed time.Duration) {
	if withdrawn >= 0 && withdrawn <= elapsed {
		q.Status, q.Ended = "withdrawn", withdrawn
		for i := range q.Recipients {
			if x := &q.Recipients[i]; x.Status.Open() {
				x.Status, x.Closed = request.Withdrawn, withdrawn
			}
		}
		return
	}
	chosen := -1
	for i, x := range q.Recipients {
		if x.Status == request.Accepted && (chosen < 0 || x.Decided < q.Recipients[chosen].Decided) {
			chosen = i
		}
	}
	if chosen >= 0 {
		confirm := q.Recipients[chosen].Decided + 2*time.Hour + time.Duration(r.IntN(3*24*3600))*time.Second
		if confirm <= elapsed {
			q.Status, q.Ended = "confirmed", confirm
			for i := range q.Recipients {
				x := &q.Recipients[i]
				switch {
				case i == chosen:
					x.Status, x.Closed = request.Confirmed, confirm
				case x.Status.Open():
					x.Status, x.Closed = request.Closed, confirm
				}
			}
			return
		}
	}
	q.Status = "open"
	last := time.Duration(0)
	for _, x := range q.Recipients {
		if x.Status.Open() {
			return
		}
		last = max(last, x.Decided, x.Closed)
	}
	q.Status, q.Ended = "ended", last
}

// events is the history of the request: created and sent, then each
// recipient's steps, as internal/request writes them.
func (q drawnRequest) events() []requestEvent {
	evs := []requestEvent{{-1, 0, "created"}, {-1, 0, "sent"}}
	for i, x := range q.Recipients {
		if x.Seen >= 0 {
			evs = append(evs, requestEvent{i, x.Seen, string(request.EvOpen)})
		}
		if x.First >= 0 {
			ev := request.EvAskInfo
			switch {
			case x.Status == request.Refused:
				ev = request.EvRefuse
			case x.Decided >= 0:
				ev = request.EvAccept
			}
			evs = append(evs, requestEvent{i, x.First, string(ev)})
		}
		if x.Closed >= 0 {
			ev := map[request.Status]request.Event{request.Confirmed: request.EvConfirm, request.Closed: request.EvClose,
				request.Expired: request.EvExpire}[x.Status]
			if ev != "" {
				evs = append(evs, requestEvent{i, x.Closed, string(ev)})
			}
		}
	}
	if q.Status == "withdrawn" {
		evs = append(evs, requestEvent{-1, q.Ended, string(request.EvWithdraw)})
	}
	return evs
}

// requestEvent is a step: the recipient's index (-1: the request's own),
// its time after the sending, its event.
type requestEvent struct {
	recipient int
	after     time.Duration
	event     string
}

// requestRows writes the requests of a batch of children.
type requestRows struct {
	requests, recipients, events *rowWriter
}

func newRequestRows(ctx context.Context, tx *db.Tx) requestRows {
	return requestRows{
		requests: newRows(ctx, tx, "requests", "id", "kind", "sender_org_id", "sender_org_name", "sender_account_id", "sender_name",
			"departement", "child_id", "child_name", "child_age", "child_sex", "basis", "starts_on", "ends_on", "weekdays", "need",
			"emergency", "priority", "status", "created_at", "sent_at", "ended_at"),
		recipients: newRows(ctx, tx, "request_recipients", "request_id", "structure_id", "structure_name", "status", "deadline_at",
			"step", "seen_at", "first_answer_at", "decided_at", "reason", "answer"),
		events: newRows(ctx, tx, "request_events", "id", "request_id", "structure_id", "at", "event", "actor_name", "text"),
	}
}

// childRequests is what the rows of a child's requests need to know.
type childRequests struct {
	child                 drawnChild
	childID, dep          string
	aseID, aseName, refID string
	structures            []string // the département's, as the plan's indexes
	names                 map[string]string
	ids                   []string // the requests' identifiers
	now                   time.Time
	dayText               func(days int) string
	basis                 string
}

// addRequests writes the requests themselves (stage 0) or their
// recipients and history (stage 1, once the requests are written).
func (w requestRows) add(stage int, c childRequests) error {
	at := func(q drawnRequest, after time.Duration) time.Time { return c.now.Add(-q.Sent + after) }
	nullable := func(q drawnRequest, after time.Duration) any {
		if after < 0 {
			return nil
		}
		return at(q, after)
	}
	for j, q := range c.child.Requests {
		id := c.ids[j]
		info, _ := request.KindOf(q.Kind)
		if stage == 0 {
			from, to := "", ""
			if info.Dates {
				from, to = c.dayText(q.From), c.dayText(q.To)
			}
			age := (-c.child.BirthDays - int(q.Sent/day)) / 365
			priority := 0
			if q.Emergency {
				priority = request.PriorityOf(request.Criteria{Emergency: true}).Score()
			}
			if err := w.requests.add(id, string(q.Kind), c.aseID, c.aseName, c.refID, "Référent ASE"+Fictional, c.dep, c.childID,
				c.child.First+" "+c.child.Last, age, c.child.Sex, c.basis, from, to, q.Weekdays,
				"Besoin décrit par le référent (texte fictif).", q.Emergency, priority, q.Status, at(q, -time.Hour), at(q, 0),
				nullable(q, q.Ended)); err != nil {
				return err
			}
			continue
		}
		for _, x := range q.Recipients {
			sid := c.structures[x.Structure]
			answer := ""
			if x.Reason == "other" {
				answer = "Motif précisé par la structure (texte fictif)."
			}
			if err := w.recipients.add(id, sid, c.names[sid], string(x.Status), at(q, info.Deadline), 0, nullable(q, x.Seen),
				nullable(q, x.First), nullable(q, x.Decided), x.Reason, answer); err != nil {
				return err
			}
		}
		for _, ev := range q.events() {
			sid, actor := "", "Référent ASE"+Fictional
			if ev.recipient >= 0 {
				sid, actor = c.structures[q.Recipients[ev.recipient].Structure], "Direction"+Fictional
			}
			if ev.event == string(request.EvExpire) || ev.event == string(request.EvClose) {
				actor = "Passerelle"
			}
			if err := w.events.add(db.NewID(), id, sid, at(q, ev.after), ev.event, actor, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// addAlerts writes the child's alerts into its timeline (the events
// writer of the batch), as pathway's alert job does: by the system.
func addAlerts(events *rowWriter, c drawnChild, childID string, at func(time.Duration) time.Time) error {
	for _, e := range c.Alerts {
		if err := events.add(db.NewID(), childID, at(e.At), e.Kind, e.Section, e.Summary, "", "", "Passerelle", ""); err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
	}
	return nil
}

// addActivity counts a child's requests and alerts.
func (s *ChildSummary) addActivity(c drawnChild) {
	s.Alerts += len(c.Alerts)
	for _, q := range c.Requests {
		s.Requests++
		s.RequestEvents += len(q.events())
		s.Recipients += len(q.Recipients)
		info, _ := request.KindOf(q.Kind)
		for _, x := range q.Recipients {
			if x.Status == request.Refused {
				s.Refusals++
			}
			if x.First > info.Deadline || (x.First < 0 && x.Status == request.Expired) {
				s.Late++
			}
		}
	}
}
