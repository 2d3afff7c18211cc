package request

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/notify"
)

// TimingFor returns the territory's timing for kind k, or the default.
func TimingFor(ctx context.Context, tx *db.Tx, dep string, k Kind) (Timing, error) {
	own, err := ownTimings(ctx, tx, dep)
	return own.of(dep, k), err
}

// tellStructure notifies the people who answer for a structure (its
// directors, mobile team and foster carers; only the directors when
// directors is true), in the app and by an e-mail that names no child.
func tellStructure(ctx context.Context, tx *db.Tx, base *url.URL, structureID, kind, title, body, link string, directors bool) error {
	roles := []string{string(access.RoleDirector), string(access.RoleMobileTeam), string(access.RoleFosterCarer)}
	if directors {
		roles = roles[:1]
	}
	var args db.Args
	q := `SELECT DISTINCT a.id, a.email FROM memberships m JOIN accounts a ON a.id = m.account_id AND a.active = TRUE
		WHERE m.organisation_id = ` + args.Add(structureID) + ` AND m.role IN (` + db.List(&args, roles) + `)`
	return tellAll(ctx, tx, base, q, args.Values(), kind, title, body, link)
}

// tellAll notifies each account a query returns (id, email); the e-mail
// carries the address of link on base (when known).
func tellAll(ctx context.Context, tx *db.Tx, base *url.URL, q string, args []any, kind, title, body, link string) error {
	all, err := notify.Recipients(ctx, tx, q, args...)
	if err != nil {
		return err
	}
	for _, t := range all {
		address := notify.Absolute(base, link)
		// An escalation is sent at once, whatever the account chose.
		if err := notify.Tell(ctx, tx, notify.Notification{AccountID: t.AccountID, Kind: kind, Title: title, Body: body, Link: link},
			notify.Mail{To: t.Email, Subject: "Passerelle — " + title,
				Text: title + ".\n\nConnectez-vous à Passerelle pour la lire et y répondre : " + address + "\n"},
			kind == "request.escalation"); err != nil {
			return err
		}
	}
	return nil
}

// tellSender notifies the sender's side: the sender, or the referents and
// directors of the sender's organisation when the sender's account is gone.
func tellSender(ctx context.Context, tx *db.Tx, base *url.URL, r *Request, title, body string) error {
	link := "/demandes/" + r.ID
	if r.senderAccount.Valid {
		return tellAll(ctx, tx, base, `SELECT id, email FROM accounts WHERE id = $1 AND active = TRUE`, []any{r.senderAccount.String},
			"request.answer", title, body, link)
	}
	return tellAll(ctx, tx, base, `SELECT DISTINCT a.id, a.email FROM memberships m JOIN accounts a ON a.id = m.account_id AND a.active = TRUE
		WHERE m.organisation_id = $1 AND m.role IN ('ase_referent', 'director')`, []any{r.SenderOrgID}, "request.answer", title, body, link)
}

// move changes the status of structure's row of request id by event ev,
// if the current status allows it: the database decides, so that two
// answers at once cannot both apply. It returns the new status.
func move(ctx context.Context, tx *db.Tx, id, structure string, ev Event, who Who, set string, args ...any) (Status, error) {
	var from string
	err := tx.QueryRowContext(ctx, `SELECT status FROM request_recipients WHERE request_id = $1 AND structure_id = $2`, id, structure).Scan(&from)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNoRequest()
	}
	if err != nil {
		return "", err
	}
	to, ok := Next(Status(from), ev, who)
	if !ok {
		return "", apperr.Errorf(apperr.Conflict, "La demande est %s pour cette structure : ce n'est plus possible.", lower(StatusLabels[Status(from)]))
	}
	q := `UPDATE request_recipients SET status = $1`
	if set != "" {
		q += `, ` + set
	}
	all := append([]any{string(to), id, structure, from}, args...)
	res, err := tx.ExecContext(ctx, q+` WHERE request_id = $2 AND structure_id = $3 AND status = $4`, all...)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", apperr.New(apperr.Conflict, "La demande vient de changer : rechargez la page.")
	}
	return to, nil
}

// Respond records the answer of structure to request id: accepted,
// refused with its coded reason, or a question to the sender.
func (s *Service) Respond(ctx context.Context, id, structure string, a Answer) error {
	a, err := NormalizeAnswer(a)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		r, err := lockAndLoad(ctx, tx, id)
		if err != nil {
			return err
		}
		res := r.Resource()
		if !visible(ctx, r) {
			return errNoRequest()
		}
		res.ProviderID = structure
		if err := access.Check(ctx, access.ActionAnswer, res); err != nil {
			return err
		}
		hold, err := s.holdFor(ctx, tx, r, structure, a.Event)
		if err != nil {
			return err
		}
		set := `first_answer_at = COALESCE(first_answer_at, $5), seen_at = COALESCE(seen_at, $5), reason = $6, answer = $7, hold_id = $8`
		if a.Event != EvAskInfo {
			set += `, decided_at = $5`
		}
		if _, err := move(ctx, tx, id, structure, a.Event, ByRecipient, set, tx.Now, a.Reason, a.Text, hold); err != nil {
			return err
		}
		text := a.Text
		if a.Event == EvRefuse {
			text = Label(RefusalReasons, a.Reason) + nonEmpty(" — ", a.Text)
		}
		if err := history(ctx, tx, id, structure, string(a.Event), text); err != nil {
			return err
		}
		if err := endIfSettled(ctx, tx, id); err != nil {
			return err
		}
		name := structureName(r, structure)
		title := map[Event]string{EvAccept: "Demande acceptée par " + name, EvRefuse: "Demande refusée par " + name,
			EvAskInfo: name + " demande des précisions"}[a.Event]
		if err := tellSender(ctx, tx, s.BaseURL, r, title, title+" ("+lower(kindLabel(r.Kind))+")."); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "request." + string(a.Event), ResourceType: string(access.ResRequest),
			ResourceID: id, Details: map[string]any{"structure": structure, "reason": a.Reason}})
	})
}

// holdFor takes a place for an acceptance of a stay (the structure's own
// declarations; none declared, the acceptance stands on its word), and
// gives back the place of an acceptance taken back. It returns the hold
// the recipient's row keeps (nil: none).
func (s *Service) holdFor(ctx context.Context, tx *db.Tx, r *Request, structure string, ev Event) (any, error) {
	info, _ := KindOf(r.Kind)
	current, err := holdOf(ctx, tx, r.ID, structure)
	if err != nil || s.Places == nil || !info.Books || r.From == "" {
		return nullable(current), err
	}
	switch ev {
	case EvAccept:
		id, err := s.Places.Take(ctx, tx, structure, string(r.Kind), r.From, r.To, r.SenderOrgID, r.senderAccount.String,
			r.SenderName, "Demande de "+r.SenderOrgName)
		if apperr.Is(err, apperr.Conflict) {
			return nil, apperr.New(apperr.Conflict, "Vos places déclarées pour ces dates viennent d'être prises par une autre demande : "+
				"mettez à jour vos disponibilités, ou refusez faute de place.")
		}
		return nullable(id), err
	case EvRefuse:
		if current != "" {
			return nil, s.Places.Release(ctx, tx, current, actorName(access.ActorFrom(ctx)), "acceptation reprise")
		}
	}
	return nullable(current), nil
}

// holdOf returns the hold a recipient's acceptance took, or "".
func holdOf(ctx context.Context, tx *db.Tx, id, structure string) (string, error) {
	var hold sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT hold_id FROM request_recipients WHERE request_id = $1 AND structure_id = $2`, id, structure).Scan(&hold)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return hold.String, err
}

// releaseHold gives back the place held for a recipient, if any.
func (s *Service) releaseHold(ctx context.Context, tx *db.Tx, id, structure, reason string) error {
	if s.Places == nil {
		return nil
	}
	hold, err := holdOf(ctx, tx, id, structure)
	if err != nil || hold == "" {
		return err
	}
	return s.Places.Release(ctx, tx, hold, actorName(access.ActorFrom(ctx)), reason)
}

func nonEmpty(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

func structureName(r *Request, id string) string {
	for _, x := range r.Recipients {
		if x.StructureID == id {
			return x.StructureName
		}
	}
	return ""
}

// GiveInfo answers a recipient's question: the request is back with it.
func (s *Service) GiveInfo(ctx context.Context, id, structure, text string) error {
	return s.senderStep(ctx, id, func(tx *db.Tx, r *Request) error {
		if text == "" {
			var v apperr.Validation
			v.Add("text", "Écrivez votre réponse.")
			return v.ErrSaying("La réponse n'a pas été envoyée.")
		}
		if _, err := move(ctx, tx, id, structure, EvGiveInfo, BySender, ""); err != nil {
			return err
		}
		if err := history(ctx, tx, id, structure, string(EvGiveInfo), text); err != nil {
			return err
		}
		return tellStructure(ctx, tx, s.BaseURL, structure, "request.info", "Précisions reçues sur une demande",
			r.SenderOrgName+" a répondu à votre question.", "/demandes/"+id, false)
	})
}

// lockAndLoad reads request id for a change, after taking its row: the
// changes of one request run one after the other (on PostgreSQL two
// confirmations at once would otherwise each close the other's row).
func lockAndLoad(ctx context.Context, tx *db.Tx, id string) (*Request, error) {
	if db.ValidID(id) {
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = status WHERE id = $1`, id); err != nil {
			return nil, err
		}
	}
	return load(ctx, tx, id)
}

// senderStep runs a step of the sender's side on request id.
func (s *Service) senderStep(ctx context.Context, id string, fn func(*db.Tx, *Request) error) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		r, err := lockAndLoad(ctx, tx, id)
		if err != nil {
			return err
		}
		if !visible(ctx, r) {
			return errNoRequest()
		}
		if err := access.Check(ctx, access.ActionConfirm, r.Resource()); err != nil {
			return err
		}
		return fn(tx, r)
	})
}

// Confirm chooses the acceptance of structure: the request is settled
// with it, the place it took is booked, and the other recipients are
// closed and told. A respite stay then goes on the child's planning.
func (s *Service) Confirm(ctx context.Context, id, structure string) error {
	var booked, childID string
	var kind Kind
	err := s.senderStep(ctx, id, func(tx *db.Tx, r *Request) error {
		childID, kind = r.ChildID, r.Kind
		if _, err := move(ctx, tx, id, structure, EvConfirm, BySender, "decided_at = COALESCE(decided_at, $5)", tx.Now); err != nil {
			return err
		}
		if hold, err := holdOf(ctx, tx, id, structure); err != nil {
			return err
		} else if hold != "" && s.Places != nil {
			if err := s.Places.Book(ctx, tx, hold, r.From, r.To); err != nil {
				return err
			}
			booked = hold
		}
		if err := history(ctx, tx, id, structure, string(EvConfirm), ""); err != nil {
			return err
		}
		chosen := structureName(r, structure)
		for _, x := range r.Recipients {
			if x.StructureID == structure || !x.Status.Open() {
				continue
			}
			if _, err := move(ctx, tx, id, x.StructureID, EvClose, BySystem, ""); err != nil {
				return err
			}
			if err := s.releaseHold(ctx, tx, id, x.StructureID, "autre structure retenue"); err != nil {
				return err
			}
			if err := history(ctx, tx, id, x.StructureID, string(EvClose), ""); err != nil {
				return err
			}
			if err := tellStructure(ctx, tx, s.BaseURL, x.StructureID, "request.closed", "Demande close",
				"La demande de "+r.SenderOrgName+" a trouvé une réponse ailleurs : merci, elle est close.", "/demandes/"+id, false); err != nil {
				return err
			}
		}
		if err := tellStructure(ctx, tx, s.BaseURL, structure, "request.confirmed", "Demande confirmée",
			r.SenderOrgName+" confirme la demande que vous avez acceptée.", "/demandes/"+id, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'confirmed', ended_at = $1 WHERE id = $2`, tx.Now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "request.confirm", ResourceType: string(access.ResRequest), ResourceID: id,
			Details: map[string]any{"structure": structure, "chosen": chosen, "hold": booked}})
	})
	if err != nil || childID == "" || s.Record == nil {
		return err
	}
	// The record is the record's service's: written in its own
	// transactions, by the sender, within the sender's rights; the request
	// is confirmed either way, and its history says what became of it.
	var lines []string
	switch invited, ierr := s.Record.InviteForRequest(ctx, childID, structure, "Demande confirmée : "+lower(kindLabel(kind))+"."); {
	case ierr != nil:
		lines = append(lines, "Structure non invitée dans le cercle de l'enfant : "+message(ierr))
	case invited:
		lines = append(lines, "Structure invitée dans le cercle de l'enfant")
	}
	if booked != "" && kind == KindRespite {
		if _, perr := s.Record.PlaceRespite(ctx, childID, booked); perr != nil {
			lines = append(lines, "Séjour non inscrit au planning de l'enfant : "+message(perr))
		} else {
			lines = append(lines, "Séjour inscrit au planning de l'enfant")
		}
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		for _, l := range lines {
			if err := history(ctx, tx, id, structure, "record", l); err != nil {
				return err
			}
		}
		return nil
	})
}

// message is an error's French message.
func message(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Message
	}
	return "erreur inattendue"
}

// Withdraw withdraws the request from every recipient still concerned.
func (s *Service) Withdraw(ctx context.Context, id, reason string) error {
	return s.senderStep(ctx, id, func(tx *db.Tx, r *Request) error {
		n := 0
		for _, x := range r.Recipients {
			if x.Status != Draft && !x.Status.Open() {
				continue
			}
			if _, err := move(ctx, tx, id, x.StructureID, EvWithdraw, BySender, ""); err != nil {
				return err
			}
			if err := s.releaseHold(ctx, tx, id, x.StructureID, "demande retirée"); err != nil {
				return err
			}
			n++
			if x.Status != Draft {
				if err := tellStructure(ctx, tx, s.BaseURL, x.StructureID, "request.withdrawn", "Demande retirée",
					r.SenderOrgName+" a retiré sa demande.", "/demandes/"+id, false); err != nil {
					return err
				}
			}
		}
		if n == 0 && !r.Draft {
			return apperr.New(apperr.Conflict, "Cette demande est déjà terminée.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'withdrawn', ended_at = $1 WHERE id = $2`, tx.Now, id); err != nil {
			return err
		}
		if err := history(ctx, tx, id, "", string(EvWithdraw), reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "request.withdraw", ResourceType: string(access.ResRequest), ResourceID: id})
	})
}

// KindTiming is the job that reminds, escalates and expires requests.
const KindTiming = "request.timing"

// Timing runs the clock of the open requests: each recipient owing an
// answer is reminded before its deadline, its directors told at the
// deadline, the territory's steering after; a request whose stay has
// begun (or, undated, waited a month) expires. Each step is marked in the
// transaction that sends it, so the job may run often and on several
// servers. It returns how many steps were taken.
func (s *Service) Timing(ctx context.Context) (int, error) {
	type row struct {
		id, structure, dep, kind, from, sender string
		status                                 Status
		step                                   Step
		sent                                   time.Time
	}
	var due []row
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT r.id, rr.structure_id, r.departement, r.kind, r.starts_on, r.sender_org_name,
			rr.status, rr.step, r.sent_at FROM request_recipients rr JOIN requests r ON r.id = rr.request_id
			WHERE rr.status IN ('sent', 'seen', 'info_requested', 'accepted') ORDER BY r.sent_at`)
		if err != nil {
			return err
		}
		var open []row
		for rows.Next() {
			var x row
			var status string
			if err := rows.Scan(&x.id, &x.structure, &x.dep, &x.kind, &x.from, &x.sender, &status, &x.step, &x.sent); err != nil {
				rows.Close()
				return err
			}
			x.status = Status(status)
			open = append(open, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Only the rows with a step to take get a write transaction: the
		// job runs every quarter of an hour over every open request. The
		// territories' timings are read once, all of them (a small table).
		own, err := ownTimings(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, x := range open {
			t := own.of(x.dep, Kind(x.kind))
			if !tx.Now.Before(ExpiresAt(x.sent, x.from, paris)) || x.status.Awaiting() && DueStep(x.sent, tx.Now, t) > x.step {
				due = append(due, x)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, x := range due {
		err := s.DB.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = status WHERE id = $1`, x.id); err != nil {
				return err
			}
			if !tx.Now.Before(ExpiresAt(x.sent, x.from, paris)) {
				if _, err := move(ctx, tx, x.id, x.structure, EvExpire, BySystem, ""); err != nil {
					return ignoreConflict(err)
				}
				if err := s.releaseHold(ctx, tx, x.id, x.structure, "demande expirée"); err != nil {
					return err
				}
				n++
				if err := history(ctx, tx, x.id, x.structure, string(EvExpire), ""); err != nil {
					return err
				}
				return endIfSettled(ctx, tx, x.id)
			}
			if !x.status.Awaiting() {
				return nil
			}
			t, err := TimingFor(ctx, tx, x.dep, Kind(x.kind))
			if err != nil {
				return err
			}
			step := DueStep(x.sent, tx.Now, t)
			if step <= x.step {
				return nil
			}
			res, err := tx.ExecContext(ctx, `UPDATE request_recipients SET step = $1 WHERE request_id = $2 AND structure_id = $3
				AND step = $4 AND status IN ('sent', 'seen')`, int(step), x.id, x.structure, int(x.step))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // another server took this step
			}
			n++
			link := "/demandes/" + x.id
			label := lower(kindLabel(Kind(x.kind)))
			switch step {
			case StepReminder:
				err = tellStructure(ctx, tx, s.BaseURL, x.structure, "request.reminder", "Demande à laquelle répondre bientôt",
					"La demande de "+x.sender+" ("+label+") attend votre réponse avant son échéance.", link, false)
			case StepDirector:
				err = tellStructure(ctx, tx, s.BaseURL, x.structure, "request.escalation", "Demande sans réponse à l'échéance",
					"La demande de "+x.sender+" ("+label+") n'a pas eu de réponse dans le délai : elle vous est transmise.", link, true)
			case StepSteering:
				err = tellAll(ctx, tx, s.BaseURL, `SELECT DISTINCT a.id, a.email FROM memberships m JOIN accounts a ON a.id = m.account_id AND a.active = TRUE
					JOIN organisations o ON o.id = m.organisation_id WHERE m.role = 'steering' AND o.departement = $1
					AND o.kind IN ('ase', 'ars', 'mdph')`, []any{x.dep}, "request.escalation", "Demande restée sans réponse",
					"Une demande de "+x.sender+" ("+label+") reste sans réponse après l'échéance.", link)
			}
			if err != nil {
				return err
			}
			return history(ctx, tx, x.id, x.structure, fmt.Sprintf("step_%d", step), "")
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func ignoreConflict(err error) error {
	if apperr.Is(err, apperr.Conflict) {
		return nil
	}
	return err
}

// endIfSettled marks a request ended when no recipient is still open.
func endIfSettled(ctx context.Context, tx *db.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'ended', ended_at = $1 WHERE id = $2 AND status = 'open'
		AND NOT EXISTS (SELECT 1 FROM request_recipients WHERE request_id = $2 AND status IN ('sent', 'seen', 'info_requested', 'accepted'))`,
		tx.Now, id)
	return err
}
