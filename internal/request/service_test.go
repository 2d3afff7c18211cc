package request_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/auth"
	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
	"passerelle/internal/pathway"
	"passerelle/internal/request"
)

var (
	bg     = context.Background()
	system = access.WithActor(bg, access.SystemActor)
)

// children reads a child's facts from the record's service, as the server
// wires it.
type children struct{ p *pathway.Service }

func (c children) ForRequest(ctx context.Context, id string) (request.ChildFacts, error) {
	f, err := c.p.ForRequest(ctx, id)
	return request.ChildFacts{Name: f.Name, Sex: f.Sex, Departement: f.Departement, Age: f.AgeYears(time.Now()),
		DoubleVulnerability: f.DoubleVulnerability, Basis: f.Basis}, err
}

// env is the demo territory on a controlled clock.
type env struct {
	t     *testing.T
	d     *db.DB
	s     *request.Service
	clock *dbtest.Clock
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	c := dbtest.NewClock(time.Now().UTC().Truncate(time.Hour)).Use(d)
	if _, _, err := demo.Load(bg, d); err != nil {
		t.Fatal(err)
	}
	p := &pathway.Service{DB: d}
	return &env{t: t, d: d, s: &request.Service{DB: d, BaseURL: &url.URL{Scheme: "https", Host: "passerelle.exemple.fr"}, Children: children{p}, Places: capacity.RequestPlaces{}, Record: p}, clock: c}
}

// as is the context of a demo account.
func (e *env) as(mailbox string) context.Context {
	e.t.Helper()
	a := &auth.Service{DB: e.d, BaseURL: &url.URL{Scheme: "https", Host: "passerelle.exemple.fr"}}
	id, err := a.AccountIDByEmail(system, mailbox+"@demo.passerelle.test")
	if err != nil {
		e.t.Fatal(err)
	}
	actor, err := a.LoadActor(system, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return access.WithActor(bg, actor)
}

func (e *env) id(q string, args ...any) string {
	e.t.Helper()
	var id string
	if err := e.d.Read(system, func(tx *db.Tx) error { return tx.QueryRowContext(system, q, args...).Scan(&id) }); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.Read(system, func(tx *db.Tx) error { return tx.QueryRowContext(system, q, args...).Scan(&n) }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A respite request for Lucas to three structures: the recipients read
// his age, not his name, until they accept; one asks a question, one
// refuses with a reason, one accepts; the referent confirms and the
// others are closed; nobody outside sees it.
func TestRespiteRequestToThree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		lucas := e.id(`SELECT id FROM children WHERE first_name = 'Lucas'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		mecs := e.id(`SELECT id FROM organisations WHERE name = 'MECS Beauregard (fictif)'`)
		emr := e.id(`SELECT o.id FROM organisations o JOIN memberships m ON m.organisation_id = o.id JOIN accounts a ON a.id = m.account_id
			WHERE a.email = 'equipe-mobile@demo.passerelle.test'`)
		today := time.Now().UTC()
		in := request.Input{Kind: request.KindRespite, ChildID: lucas, From: today.AddDate(0, 0, 10).Format(time.DateOnly),
			To: today.AddDate(0, 0, 12).Format(time.DateOnly), Need: "Trois jours de répit pour la MECS avant les vacances.",
			Recipients: []string{ditep, mecs, emr}}
		if _, err := e.s.Create(e.as("educateur"), in, true); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("an educator sends a request: %v", err)
		}
		if _, err := e.s.Create(e.as("assistante-familiale"), in, true); err == nil {
			t.Fatal("the foster carer of another child asks for Lucas")
		}
		id := must(e.s.Create(ref, in, true))

		sent := must(e.s.Get(ref, id))
		if !sent.Sender || sent.ChildName != "Lucas Fontaine" || len(sent.Recipients) != 3 || sent.Priority.Level != 1 ||
			!slices.Contains(sent.Priority.Reasons, "double vulnérabilité") {
			t.Fatalf("the sender reads %+v", sent)
		}
		// The DITEP's director reads the age, not the name; opening marks it seen.
		seen := must(e.s.Get(e.as("directrice-ditep"), id))
		if seen.ChildName != "" || seen.ChildAge != 9 || !seen.CanAnswer || len(seen.Recipients) != 1 || seen.Mine.Status != request.Seen {
			t.Fatalf("the DITEP reads %+v", seen)
		}
		// The DITEP's educator reads it, does not answer for the structure.
		if r := must(e.s.Get(e.as("educateur"), id)); r.CanAnswer {
			t.Fatal("an educator answers for the structure")
		}
		if err := e.s.Respond(e.as("educateur"), id, ditep, request.Answer{Event: request.EvAccept}); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the educator accepts: %v", err)
		}
		for _, who := range []string{"assistante-familiale", "famille"} {
			if _, err := e.s.Get(e.as(who), id); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s reads the request: %v", who, err)
			}
		}
		// The steering follows the territory's requests, never a child's name.
		if r := must(e.s.Get(e.as("pilotage"), id)); r.ChildName != "" || r.Sender || r.CanAnswer {
			t.Fatalf("the steering reads %+v", r)
		}
		// The mobile team asks a question; the MECS refuses; the DITEP accepts.
		if err := e.s.Respond(e.as("equipe-mobile"), id, emr, request.Answer{Event: request.EvAskInfo, Text: "Quel traitement ?"}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Respond(e.as("directeur"), id, mecs, request.Answer{Event: request.EvRefuse}); !slices.Contains(fields(err), "reason") {
			t.Fatalf("a refusal without reason: %v", err)
		}
		if err := e.s.Respond(e.as("directeur"), id, mecs, request.Answer{Event: request.EvRefuse, Reason: "no_place"}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Respond(e.as("directeur"), id, mecs, request.Answer{Event: request.EvAccept}); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("accepting after refusing: %v", err)
		}
		if err := e.s.Respond(e.as("directrice-ditep"), id, ditep, request.Answer{Event: request.EvAccept}); err != nil {
			t.Fatal(err)
		}
		if r := must(e.s.Get(e.as("directrice-ditep"), id)); r.ChildName != "Lucas Fontaine" {
			t.Fatalf("after accepting, the DITEP reads %q", r.ChildName)
		}
		if err := e.s.Confirm(e.as("directrice-ditep"), id, ditep); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a recipient confirms: %v", err)
		}
		if err := e.s.Confirm(ref, id, ditep); err != nil {
			t.Fatal(err)
		}
		done := must(e.s.Get(ref, id))
		status := map[string]request.Status{}
		for _, x := range done.Recipients {
			status[x.StructureID] = x.Status
		}
		if status[ditep] != request.Confirmed || status[mecs] != request.Refused || status[emr] != request.Closed ||
			done.Outcome != "Confirmée avec DITEP Le Gier (fictif)" {
			t.Fatalf("after confirming: %v %q", status, done.Outcome)
		}
		if err := e.s.Withdraw(ref, id, ""); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("withdrawing a settled request: %v", err)
		}
		// Every step is in the history, and the reads about Lucas are audited.
		if n := len(done.History); n < 7 {
			t.Fatalf("history of %d lines: %+v", n, done.History)
		}
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'request.read' AND resource_id = $1`, id); n < 4 {
			t.Fatalf("%d reads audited", n)
		}
		told := e.count(`SELECT count(*) FROM notifications WHERE kind = 'request.closed'`)
		if told == 0 {
			t.Fatal("the mobile team was not told the request is closed")
		}
		// The inbox of the DITEP and the outbox of the ASE.
		in1 := must(e.s.Inbox(e.as("directrice-ditep"), false))
		if len(in1) != 1 || in1[0].Status != request.Confirmed {
			t.Fatalf("DITEP inbox %+v", in1)
		}
		out := must(e.s.Outbox(ref))
		if len(out) != 1 || out[0].Answered != 3 {
			t.Fatalf("outbox %+v", out)
		}
		times := must(e.s.ResponseTimes(e.as("directrice-ditep"), request.Scope{StructureID: ditep}, today.AddDate(0, 0, -1)))
		if len(times) != 1 || times[0].Received != 1 || times[0].OnTime != 1 || times[0].Accepted != 1 {
			t.Fatalf("DITEP times %+v", times)
		}
		if _, err := e.s.ResponseTimes(e.as("directrice-ditep"), request.Scope{StructureID: mecs}, today); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the DITEP reads the MECS's times: %v", err)
		}
		terr := must(e.s.ResponseTimes(e.as("pilotage"), request.Scope{Departement: "42"}, today.AddDate(0, 0, -1)))
		if len(terr) != 1 || terr[0].Received != 3 || terr[0].Refusals["no_place"] != 1 {
			t.Fatalf("territory times %+v", terr)
		}
	})
}

// A draft stays the sender's; sent, two structures accept at once and the
// sender confirms both at once: exactly one confirmation holds.
func TestConfirmOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		lucas := e.id(`SELECT id FROM children WHERE first_name = 'Lucas'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		mecs := e.id(`SELECT id FROM organisations WHERE name = 'MECS Beauregard (fictif)'`)
		id := must(e.s.Create(ref, request.Input{Kind: request.KindConsultation, ChildID: lucas, Need: "Un avis sur le sommeil.",
			Recipients: []string{ditep, mecs}}, false))
		// A draft is the sender's alone.
		if _, err := e.s.Get(e.as("directrice-ditep"), id); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a recipient reads a draft: %v", err)
		}
		if err := e.s.Respond(e.as("directrice-ditep"), id, ditep, request.Answer{Event: request.EvAccept}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a recipient answers a draft: %v", err)
		}
		if err := e.s.Send(ref, id); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []struct {
			ctx context.Context
			org string
		}{{e.as("directrice-ditep"), ditep}, {e.as("directeur"), mecs}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = e.s.Respond(who.ctx, id, who.org, request.Answer{Event: request.EvAccept})
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("acceptances: %v", errs)
		}
		for i, org := range []string{ditep, mecs} {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = e.s.Confirm(ref, id, org) }()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !apperr.Is(err, apperr.Conflict) {
				t.Fatalf("confirm: %v", err)
			}
		}
		if n := e.count(`SELECT count(*) FROM request_recipients WHERE request_id = $1 AND status = 'confirmed'`, id); ok != 1 || n != 1 {
			t.Fatalf("%d confirmations succeeded, %d recorded", ok, n)
		}
	})
}

// Unanswered: reminded before the deadline, sent to the directors at it,
// to the steering after; expired when the stay begins. The sender sees
// each step.
func TestReminderEscalationExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		lucas := e.id(`SELECT id FROM children WHERE first_name = 'Lucas'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		start := e.clock.Now().AddDate(0, 0, 5).Format(time.DateOnly)
		id := must(e.s.Create(ref, request.Input{Kind: request.KindRespite, ChildID: lucas, From: start, To: start,
			Need: "Une nuit.", Recipients: []string{ditep}}, true))
		step := func() int { return must(e.s.Timing(system)) }
		if n := step(); n != 0 {
			t.Fatalf("at once: %d steps", n)
		}
		e.clock.Add(37 * time.Hour)
		if n := step(); n != 1 || e.count(`SELECT count(*) FROM notifications WHERE kind = 'request.reminder'`) == 0 {
			t.Fatalf("reminder: %d", n)
		}
		if n := step(); n != 0 {
			t.Fatalf("reminded twice: %d", n)
		}
		e.clock.Add(12 * time.Hour) // 49 h: past the deadline
		if n := step(); n != 1 {
			t.Fatalf("escalation to the directors: %d", n)
		}
		r := must(e.s.Get(ref, id))
		if r.Recipients[0].Step != request.StepDirector || !r.Recipients[0].Late(e.clock.Now()) {
			t.Fatalf("the sender sees %+v", r.Recipients[0])
		}
		e.clock.Add(24 * time.Hour) // 73 h
		if n := step(); n != 1 || e.count(`SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
			WHERE n.kind = 'request.escalation' AND a.email = 'pilotage@demo.passerelle.test'`) != 1 {
			t.Fatalf("escalation to the steering: %d", n)
		}
		e.clock.Add(3 * 24 * time.Hour) // the stay begins
		if n := step(); n != 1 {
			t.Fatalf("expiry: %d", n)
		}
		r = must(e.s.Get(ref, id))
		if r.Recipients[0].Status != request.Expired || r.Outcome != "Sans réponse favorable" {
			t.Fatalf("expired: %+v %q", r.Recipients[0], r.Outcome)
		}
	})
}

// The DITEP has declared one respite place in four days: accepting Lucas's
// stay takes it, so accepting Inès's for the same days is refused; the
// referent's confirmation books it and puts the stay on Lucas's planning;
// Inès's request, withdrawn, leaves the board as it was.
func TestAcceptanceTakesTheLastPlace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		from := e.clock.Now().AddDate(0, 0, 4).Format(time.DateOnly)
		to := e.clock.Now().AddDate(0, 0, 6).Format(time.DateOnly)
		free := func() int {
			return e.count(`SELECT places - taken FROM availabilities WHERE structure_id = $1 AND kind = 'respite'`, ditep)
		}
		if free() != 1 {
			t.Fatalf("the DITEP declares %d free places", free())
		}
		ask := func(first string) string {
			child := e.id(`SELECT id FROM children WHERE first_name = $1`, first)
			return must(e.s.Create(ref, request.Input{Kind: request.KindRespite, ChildID: child, From: from, To: to,
				Need: "Trois jours de répit.", Recipients: []string{ditep}}, true))
		}
		lucas, ines := ask("Lucas"), ask("Inès")
		dir := e.as("directrice-ditep")
		if err := e.s.Respond(dir, lucas, ditep, request.Answer{Event: request.EvAccept}); err != nil {
			t.Fatal(err)
		}
		if free() != 0 {
			t.Fatal("the acceptance took no place")
		}
		if err := e.s.Respond(dir, ines, ditep, request.Answer{Event: request.EvAccept}); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("the last place accepted twice: %v", err)
		}
		if err := e.s.Confirm(ref, lucas, ditep); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT count(*) FROM capacity_holds WHERE structure_id = $1 AND status = 'booked' AND starts_on = $2 AND ends_on = $3`,
			ditep, from, to); n != 1 {
			t.Fatalf("%d bookings", n)
		}
		lucasID := e.id(`SELECT id FROM children WHERE first_name = 'Lucas'`)
		week := must((&pathway.Service{DB: d}).Week(ref, lucasID, from))
		if !slices.ContainsFunc(week.Slots, func(sl pathway.Slot) bool { return sl.Kind == "respite" && sl.OrganisationID == ditep }) {
			t.Fatalf("the stay is not on Lucas's planning: %+v", week.Slots)
		}
		if r := must(e.s.Get(ref, lucas)); !slices.ContainsFunc(r.History, func(l request.Line) bool { return l.Event == "record" && strings.Contains(l.Text, "planning") }) {
			t.Fatal("the history does not say the stay is planned")
		}
		if err := e.s.Withdraw(ref, ines, "Une autre solution"); err != nil {
			t.Fatal(err)
		}
		if free() != 0 {
			t.Fatalf("withdrawing Inès's request changed the board: %d free", free())
		}
	})
}

// Confirmed, a request brings the structure into the child's circle: the
// DITEP, which does not follow Nathan, is invited on his measure.
func TestConfirmationInvitesIntoTheCircle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		nathan := e.id(`SELECT id FROM children WHERE first_name = 'Nathan'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		id := must(e.s.Create(ref, request.Input{Kind: request.KindConsultation, ChildID: nathan, Need: "Un avis sur les exclusions.",
			Recipients: []string{ditep}}, true))
		if err := e.s.Respond(e.as("directrice-ditep"), id, ditep, request.Answer{Event: request.EvAccept}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Confirm(ref, id, ditep); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT count(*) FROM child_circle WHERE child_id = $1 AND organisation_id = $2 AND status = 'invited'
			AND basis = 'decision' AND capacity = 'medico_social'`, nathan, ditep); n != 1 {
			t.Fatalf("%d invitations of the DITEP", n)
		}
		r := must(e.s.Get(ref, id))
		if !slices.ContainsFunc(r.History, func(l request.Line) bool { return strings.Contains(l.Text, "invitée dans le cercle") }) {
			t.Fatalf("history %+v", r.History)
		}
	})
}

// Attachments: refused when not a PDF or an image; read by the sender, by
// a recipient once it has accepted, not before.
func TestAttachments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		lucas := e.id(`SELECT id FROM children WHERE first_name = 'Lucas'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		in := request.Input{Kind: request.KindConsultation, ChildID: lucas, Need: "Un avis.", Recipients: []string{ditep},
			Attachments: []attach.File{{Name: "bilan.exe", Data: []byte("MZ\x90\x00")}}}
		if _, err := e.s.Create(ref, in, true); !slices.Contains(fields(err), "attachments") {
			t.Fatalf("an executable attached: %v", err)
		}
		in.Attachments = []attach.File{{Name: "bilan orthophonique.pdf", Data: []byte("%PDF-1.4 bilan de Lucas")}}
		id := must(e.s.Create(ref, in, true))
		sent := must(e.s.Get(ref, id))
		if len(sent.Attachments) != 1 || sent.Attachments[0].Type != "application/pdf" {
			t.Fatalf("the sender's attachments %+v", sent.Attachments)
		}
		aid := sent.Attachments[0].ID
		dir := e.as("directrice-ditep")
		if r := must(e.s.Get(dir, id)); len(r.Attachments) != 0 {
			t.Fatal("the recipient reads the attachments before accepting")
		}
		if _, err := e.s.Attachment(dir, id, aid); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the recipient opens an attachment before accepting: %v", err)
		}
		if _, err := e.s.Attachment(e.as("famille"), id, aid); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("the mother opens the attachment: %v", err)
		}
		if err := e.s.Respond(dir, id, ditep, request.Answer{Event: request.EvAccept}); err != nil {
			t.Fatal(err)
		}
		f := must(e.s.Attachment(dir, id, aid))
		if f.Name != "bilan orthophonique.pdf" || string(f.Data) != "%PDF-1.4 bilan de Lucas" {
			t.Fatalf("attachment %+v", f)
		}
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'request.attachment' AND resource_id = $1`, id); n != 1 {
			t.Fatalf("%d readings audited", n)
		}
	})
}
