package request_test

import (
	"slices"
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/request"
)

var statuses = []request.Status{request.Draft, request.Sent, request.Seen, request.InfoRequested, request.Accepted,
	request.Refused, request.Confirmed, request.Closed, request.Withdrawn, request.Expired}

var whos = []request.Who{request.BySender, request.ByRecipient, request.BySystem}

// Every event from every status by every side: the allowed ones are
// listed, everything else must be refused.
func TestTransitions(t *testing.T) {
	type key struct {
		from request.Status
		ev   request.Event
		who  request.Who
	}
	allowed := map[key]request.Status{
		{request.Draft, request.EvSend, request.BySender}:              request.Sent,
		{request.Sent, request.EvOpen, request.ByRecipient}:            request.Seen,
		{request.Sent, request.EvAccept, request.ByRecipient}:          request.Accepted,
		{request.Seen, request.EvAccept, request.ByRecipient}:          request.Accepted,
		{request.Sent, request.EvRefuse, request.ByRecipient}:          request.Refused,
		{request.Seen, request.EvRefuse, request.ByRecipient}:          request.Refused,
		{request.InfoRequested, request.EvRefuse, request.ByRecipient}: request.Refused,
		{request.Accepted, request.EvRefuse, request.ByRecipient}:      request.Refused,
		{request.Sent, request.EvAskInfo, request.ByRecipient}:         request.InfoRequested,
		{request.Seen, request.EvAskInfo, request.ByRecipient}:         request.InfoRequested,
		{request.InfoRequested, request.EvGiveInfo, request.BySender}:  request.Seen,
		{request.Accepted, request.EvConfirm, request.BySender}:        request.Confirmed,
		{request.Accepted, request.EvUnaccept, request.ByRecipient}:    request.Seen,
	}
	for _, from := range []request.Status{request.Sent, request.Seen, request.InfoRequested, request.Accepted} {
		allowed[key{from, request.EvClose, request.BySystem}] = request.Closed
		allowed[key{from, request.EvExpire, request.BySystem}] = request.Expired
		allowed[key{from, request.EvWithdraw, request.BySender}] = request.Withdrawn
	}
	allowed[key{request.Draft, request.EvWithdraw, request.BySender}] = request.Withdrawn
	events := []request.Event{request.EvSend, request.EvOpen, request.EvAccept, request.EvRefuse, request.EvAskInfo,
		request.EvGiveInfo, request.EvConfirm, request.EvClose, request.EvWithdraw, request.EvExpire, request.EvUnaccept}
	n := 0
	for _, from := range statuses {
		for _, ev := range events {
			for _, who := range whos {
				to, ok := request.Next(from, ev, who)
				want, wantOK := allowed[key{from, ev, who}]
				if ok != wantOK || (ok && to != want) {
					t.Errorf("%s %s by %s: got %s %v, want %s %v", from, ev, who, to, ok, want, wantOK)
				}
				if ok {
					n++
				}
			}
		}
	}
	if n != len(allowed) {
		t.Errorf("%d transitions allowed, %d listed", n, len(allowed))
	}
	// Ended statuses are final.
	for _, s := range []request.Status{request.Refused, request.Confirmed, request.Closed, request.Withdrawn, request.Expired} {
		if s.Open() {
			t.Errorf("%s is still open", s)
		}
	}
}

func TestPriority(t *testing.T) {
	cases := []struct {
		c     request.Criteria
		words string
		level int
	}{
		{request.Criteria{}, "priorité normale", 0},
		{request.Criteria{DoubleVulnerability: true, YoungAge: true}, "prioritaire : double vulnérabilité, moins de 6 ans", 1},
		{request.Criteria{LossOfChance: true}, "prioritaire : perte de chance", 1},
		{request.Criteria{Crisis: true, YoungAge: true}, "urgente : situation de crise, moins de 6 ans", 2},
		{request.Criteria{Emergency: true}, "urgente : urgence", 2},
	}
	for _, c := range cases {
		p := request.PriorityOf(c.c)
		if p.Words() != c.words || p.Level != c.level {
			t.Errorf("%+v: %q level %d, want %q level %d", c.c, p.Words(), p.Level, c.words, c.level)
		}
	}
	a := request.PriorityOf(request.Criteria{DoubleVulnerability: true, YoungAge: true})
	b := request.PriorityOf(request.Criteria{LossOfChance: true})
	u := request.PriorityOf(request.Criteria{Crisis: true})
	if !(u.Score() > a.Score() && a.Score() > b.Score() && b.Score() > request.PriorityOf(request.Criteria{}).Score()) {
		t.Errorf("scores: urgent %d, two reasons %d, one %d", u.Score(), a.Score(), b.Score())
	}
}

func TestDueStep(t *testing.T) {
	sent := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	respite := request.DefaultTiming(request.KindRespite) // 48 h: remind at 36 h, director at 48 h, steering at 72 h
	cases := []struct {
		after time.Duration
		want  request.Step
	}{
		{0, request.StepNone}, {35 * time.Hour, request.StepNone}, {36 * time.Hour, request.StepReminder},
		{47 * time.Hour, request.StepReminder}, {48 * time.Hour, request.StepDirector}, {71 * time.Hour, request.StepDirector},
		{72 * time.Hour, request.StepSteering}, {30 * 24 * time.Hour, request.StepSteering},
	}
	for _, c := range cases {
		if got := request.DueStep(sent, sent.Add(c.after), respite); got != c.want {
			t.Errorf("after %v: step %d, want %d", c.after, got, c.want)
		}
	}
	admission := request.DefaultTiming(request.KindAdmission)
	if admission.Deadline != 15*24*time.Hour {
		t.Errorf("admission deadline %v", admission.Deadline)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	if got := request.ExpiresAt(sent, "2027-03-10", paris); !got.Equal(time.Date(2027, 3, 9, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("a stay's request expires at %v", got)
	}
	if got := request.ExpiresAt(sent, "", paris); !got.Equal(sent.Add(request.UndatedLife)) {
		t.Errorf("an undated request expires at %v", got)
	}
}

func fields(err error) []string {
	e, ok := apperr.As(err)
	if !ok {
		return nil
	}
	var out []string
	for k := range e.Fields {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestNormalize(t *testing.T) {
	const today = "2027-03-01"
	ok := request.Input{Kind: request.KindRespite, ChildID: "c", From: "08/03/2027", To: "2027-03-12", Need: "Souffler avant les vacances",
		Recipients: []string{"a", "b", "a", " "}}
	cases := []struct {
		name   string
		edit   func(*request.Input)
		send   bool
		fields []string
	}{
		{"a respite of five days", func(*request.Input) {}, true, nil},
		{"unknown kind", func(in *request.Input) { in.Kind = "holiday" }, true, []string{"kind"}},
		{"no child", func(in *request.Input) { in.ChildID = "" }, true, []string{"child"}},
		{"seven days of respite", func(in *request.Input) { in.To = "2027-03-14" }, true, []string{"to"}},
		{"in the past", func(in *request.Input) { in.From = "2027-02-27"; in.To = "2027-02-28" }, true, []string{"from"}},
		{"end before start", func(in *request.Input) { in.To = "2027-03-07" }, true, []string{"to"}},
		{"no need", func(in *request.Input) { in.Need = " " }, true, []string{"need"}},
		{"no recipient, sent", func(in *request.Input) { in.Recipients = nil }, true, []string{"recipients"}},
		{"no recipient, draft", func(in *request.Input) { in.Recipients = nil }, false, nil},
		{"six recipients", func(in *request.Input) { in.Recipients = []string{"1", "2", "3", "4", "5", "6"} }, false, []string{"recipients"}},
		{"sequential without days", func(in *request.Input) { in.Kind = request.KindSequential; in.To = "2027-06-30" }, true, []string{"weekdays"}},
		{"sequential on Wednesdays", func(in *request.Input) {
			in.Kind, in.To, in.Weekdays = request.KindSequential, "2027-06-30", []int{3, 3}
		}, true, nil},
		{"a consultation has no dates", func(in *request.Input) { in.Kind = request.KindConsultation; in.From = "x" }, true, nil},
		{"lent staff needs no child", func(in *request.Input) { in.Kind = request.KindStaff; in.ChildID = "" }, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			in.Recipients = slices.Clone(ok.Recipients)
			c.edit(&in)
			got, err := request.Normalize(in, today, c.send)
			if f := fields(err); !slices.Equal(f, c.fields) {
				t.Fatalf("fields %v, want %v (%v)", f, c.fields, err)
			}
			if err == nil && c.name == "a respite of five days" && (got.From != "2027-03-08" || !slices.Equal(got.Recipients, []string{"a", "b"})) {
				t.Fatalf("normalized %+v", got)
			}
		})
	}
}

func TestNormalizeAnswer(t *testing.T) {
	cases := []struct {
		a      request.Answer
		fields []string
	}{
		{request.Answer{Event: request.EvAccept}, nil},
		{request.Answer{Event: request.EvRefuse}, []string{"reason"}},
		{request.Answer{Event: request.EvRefuse, Reason: "no_place"}, nil},
		{request.Answer{Event: request.EvRefuse, Reason: "other"}, []string{"text"}},
		{request.Answer{Event: request.EvAskInfo}, []string{"text"}},
		{request.Answer{Event: request.EvAskInfo, Text: "La notification MDPH, s'il vous plaît."}, nil},
		{request.Answer{Event: request.EvWithdraw}, []string{"event"}},
	}
	for _, c := range cases {
		if _, err := request.NormalizeAnswer(c.a); !slices.Equal(fields(err), c.fields) {
			t.Errorf("%+v: fields %v, want %v", c.a, fields(err), c.fields)
		}
	}
}
