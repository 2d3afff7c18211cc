package crisis_test

import (
	"mime"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// A broadcast of the cell to three structures: the selection is counted
// before sending; each structure's staff is told; any of them
// acknowledges for the structure, once; others neither read nor
// acknowledge it; the one that stays silent is reminded after two hours,
// then every four, three times at most, each reminder once whatever the
// number of runs; the rate is 2/3, then 3/3.
func TestBroadcastAcknowledgedAndReminded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cell := e.as("pilotage")
		mecs, ditep, emr := e.orgID("MECS Beauregard (fictif)"), e.orgID("DITEP Le Gier (fictif)"), e.orgID("Équipe mobile ressource Loire Sud (fictif)")
		in := crisis.BroadcastInput{Departement: "42", Subject: "Canicule : consignes", Body: "Hydratez les enfants toutes les heures.",
			Selection: crisis.Selection{StructureIDs: []string{mecs, ditep, emr}}}
		_, err := e.s.Send(cell, in)
		wantCode(t, "no crisis", err, apperr.Conflict)
		crisisID := startCrisis(t, d)

		// The selection, counted before sending.
		mecsAll := must(e.s.Preview(cell, "42", crisis.Selection{Types: []string{"mecs"}}))
		if len(mecsAll) != 3 {
			t.Fatalf("the MECS of the Loire: %v", mecsAll)
		}
		inRoanne := must(e.s.Preview(cell, "42", crisis.Selection{Communes: []string{"42187"}, Types: []string{"mecs", "foyer_enfance"}}))
		if len(inRoanne) != 2 {
			t.Fatalf("MECS and foyers in Roanne: %v", inRoanne)
		}
		if all := must(e.s.Preview(cell, "42", crisis.Selection{})); len(all) < 20 {
			t.Fatalf("the whole département: %d", len(all))
		}
		_, err = e.s.Preview(cell, "42", crisis.Selection{Types: []string{"casino"}, Communes: []string{"69123"}})
		wantCode(t, "an unknown type, a commune of the Rhône", err, apperr.Invalid, "types", "communes")
		_, err = e.s.Preview(e.as("directeur"), "42", crisis.Selection{})
		wantCode(t, "a director", err, apperr.Forbidden)
		_, err = e.s.Preview(cell, "42", crisis.Selection{StructureIDs: []string{mecs, e.orgID("Association Forez Enfance Avenir (fictif)")}})
		wantCode(t, "an operator in the list", err, apperr.Invalid, "structure_ids")

		_, err = e.s.Send(cell, crisis.BroadcastInput{Departement: "42", Document: &attach.File{Name: "a.png", Data: []byte("\x89PNG\r\n\x1a\nxx")},
			Selection: crisis.Selection{Communes: []string{"42094"}, Types: []string{"mecs"}}})
		wantCode(t, "nothing written", err, apperr.Invalid, "subject", "body", "document")
		_, err = e.s.Send(cell, crisis.BroadcastInput{Departement: "42", Subject: "x", Body: "y", Selection: crisis.Selection{Communes: []string{"42094"}, Types: []string{"mecs"}}})
		wantCode(t, "no MECS in Feurs", err, apperr.Invalid, "selection")
		in.Document = &attach.File{Name: "consignes.pdf", Data: []byte("%PDF-1.4 consignes")}
		id := must(e.s.Send(cell, in))
		if n := e.count(`SELECT count(*) FROM notifications WHERE kind = 'crisis.broadcast'`); n != 5 {
			t.Fatalf("%d notifications, want the two directors, two educators and the mobile team", n)
		}

		// The lists.
		if l := must(e.s.Broadcasts(cell, "")); len(l) != 1 || l[0].Structures != 3 || l[0].Acknowledged != 0 {
			t.Fatalf("the cell's list: %+v", l)
		}
		if l := must(e.s.Broadcasts(e.as("educateur"), crisisID)); len(l) != 1 || l[0].Pending != 1 {
			t.Fatalf("the DITEP educator's list: %+v", l)
		}
		for _, who := range []string{"famille", "assistante-familiale"} {
			if l := must(e.s.Broadcasts(e.as(who), "")); len(l) != 0 {
				t.Fatalf("%s lists %+v", who, l)
			}
			_, err := e.s.Broadcast(e.as(who), id)
			wantCode(t, who+" reads", err, apperr.NotFound)
			_, err = e.s.Acknowledge(e.as(who), id, "")
			wantCode(t, who+" acknowledges", err, apperr.NotFound)
		}
		b := must(e.s.Broadcast(e.as("directeur"), id))
		if b.Cell || len(b.Recipients) != 1 || b.Recipients[0].StructureID != mecs || !b.Recipients[0].CanAcknowledge || b.DocumentName != "consignes.pdf" {
			t.Fatalf("the MECS reads %+v", b)
		}
		_, err = e.s.Acknowledge(e.as("directeur"), id, ditep)
		wantCode(t, "the MECS acknowledges for the DITEP", err, apperr.Forbidden)

		// Two structures acknowledge; twice is no error.
		if already := must(e.s.Acknowledge(e.as("educatrice-mecs"), id, "")); already {
			t.Fatal("already acknowledged?")
		}
		if already := must(e.s.Acknowledge(e.as("directeur"), id, mecs)); !already {
			t.Fatal("acknowledged twice")
		}
		must(e.s.Acknowledge(e.as("directrice-ditep"), id, ""))
		b = must(e.s.Broadcast(cell, id))
		if w := b.Waiting(); !b.Cell || b.Structures != 3 || b.Acknowledged != 2 || b.Percent() != 66 || len(w) != 1 || w[0].StructureID != emr {
			t.Fatalf("the cell reads %+v", b)
		}
		if i := slices.IndexFunc(b.Recipients, func(r crisis.BroadcastRecipient) bool { return r.StructureID == mecs }); b.Recipients[i].AcknowledgedName != "Léa Moulin" {
			t.Fatalf("who acknowledged for the MECS: %+v", b.Recipients)
		}

		// The reminders of the mobile team.
		if err := d.Write(system, func(tx *db.Tx) error { _, err := tx.ExecContext(system, `DELETE FROM jobs`); return err }); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			after time.Duration
			want  int
		}{{time.Hour, 0}, {time.Hour, 1}, {0, 0}, {3 * time.Hour, 0}, {time.Hour, 1}, {100 * time.Hour, 1}, {100 * time.Hour, 0}}
		for i, st := range steps {
			e.clock.Add(st.after)
			if n := must(e.s.BroadcastReminders(system)); n != st.want {
				t.Fatalf("step %d (+%s): %d reminders, want %d", i, st.after, n, st.want)
			}
		}
		if b = must(e.s.Broadcast(cell, id)); b.Waiting()[0].Reminders != 3 {
			t.Fatalf("reminders: %+v", b.Waiting())
		}
		var subjects []string
		for _, msg := range sendOutbox(t, d) {
			m, body := readMail(t, msg.Data)
			subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			if msg.To != "equipe-mobile@demo.passerelle.test" || !strings.Contains(body, "https://passerelle.exemple.fr/crise/diffusions/"+id) {
				t.Errorf("reminder to %s: %s", msg.To, body)
			}
			subjects = append(subjects, subj)
		}
		slices.Sort(subjects)
		if want := []string{"Passerelle — Relance 1/3 : accusez réception du message de la cellule de crise",
			"Passerelle — Relance 2/3 : accusez réception du message de la cellule de crise",
			"Passerelle — Relance 3/3 : accusez réception du message de la cellule de crise"}; !slices.Equal(subjects, want) {
			t.Fatalf("mails %q", subjects)
		}

		must(e.s.Acknowledge(e.as("equipe-mobile"), id, ""))
		var rates []crisis.BroadcastRate
		if err := d.Read(system, func(tx *db.Tx) error {
			var err error
			rates, err = e.s.BroadcastRates(system, tx, crisisID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(rates) != 1 || rates[0].Structures != 3 || rates[0].Acknowledged != 3 || rates[0].Subject != "Canicule : consignes" {
			t.Fatalf("rates %+v", rates)
		}
		f := must(e.s.BroadcastDocument(e.as("equipe-mobile"), id))
		if string(f.Data) != "%PDF-1.4 consignes" {
			t.Fatalf("document %q", f.Data)
		}
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'broadcast.acknowledge' AND resource_id = $1`, id); n != 3 {
			t.Fatalf("%d acknowledgements audited", n)
		}
	})
}

// The reminders job runs on several servers at once: each reminder is
// sent once.
func TestBroadcastRemindersConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		startCrisis(t, d)
		must(e.s.Send(e.as("pilotage"), crisis.BroadcastInput{Departement: "42", Subject: "Point", Body: "Point de situation à 18 h.",
			Selection: crisis.Selection{Types: []string{"mecs", "ditep"}}}))
		e.clock.Add(3 * time.Hour)
		done := make(chan int)
		for range 4 {
			go func() {
				n, err := e.s.BroadcastReminders(system)
				if err != nil {
					t.Error(err)
				}
				done <- n
			}()
		}
		total := 0
		for range 4 {
			total += <-done
		}
		if total != 4 {
			t.Fatalf("%d reminders sent, want one to each of the four structures", total)
		}
	})
}
