package auth_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

const (
	resetPrefix  = "http://127.0.0.1:8080/mot-de-passe/reinitialiser/"
	invitePrefix = "http://127.0.0.1:8080/invitation/"
	newPassword  = "Nouveau-Départ-2026"
)

func wantLinkInvalid(t *testing.T, err error) {
	t.Helper()
	ae := wantCode(t, err, apperr.Invalid, "")
	if ae.Message != "Ce lien n'est plus valable. Demandez-en un nouveau." {
		t.Fatalf("message %q", ae.Message)
	}
}

func TestPasswordReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		apiToken, _, err := e.s.CreateAPIToken(sys, edu.ID, "export", 0)
		must(t, err)

		must(t, e.s.RequestPasswordReset(bg, " Edu@A.fr "))
		mails := e.mails()
		if len(mails) != 1 || mails[0].To != "edu@a.fr" || !strings.Contains(mails[0].Subject, "mot de passe") {
			t.Fatalf("mails %+v", mails)
		}
		token := linkToken(t, mails[0], resetPrefix)
		if len(token) != 43 {
			t.Fatalf("token %q", token)
		}
		email, err := e.s.CheckOneTimeToken(bg, "reset", token)
		must(t, err)
		if email != "edu@a.fr" {
			t.Fatalf("email %q", email)
		}
		_, err = e.s.CheckOneTimeToken(bg, "invite", token)
		wantLinkInvalid(t, err)
		_, err = e.s.CheckOneTimeToken(bg, "other", token)
		wantLinkInvalid(t, err)

		// A refused password does not use the link up.
		wantCode(t, e.s.ResetPassword(bg, token, "court"), apperr.Invalid, "password")
		wantCode(t, e.s.ResetPassword(bg, token, "edu-2026-edu-2026"), apperr.Invalid, "password")
		// Failures before the reset do not block the person afterwards.
		for range 5 {
			e.s.Login(bg, "edu@a.fr", "oublié")
		}
		must(t, e.s.ResetPassword(bg, token, newPassword))
		wantLinkInvalid(t, e.s.ResetPassword(bg, token, newPassword+"!"))
		_, err = e.s.CheckOneTimeToken(bg, "reset", token)
		wantLinkInvalid(t, err)

		_, err = e.s.Login(bg, "edu@a.fr", goodPassword)
		wantCode(t, err, apperr.Unauthorized, "")
		if _, err := e.s.Login(bg, "edu@a.fr", newPassword); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
		if id, err := e.s.AuthenticateToken(bg, apiToken); err != nil || id != edu.ID {
			t.Fatalf("API token after reset: %v", err)
		}
		if e.audits("auth.password_reset_requested", edu.ID) != 1 || e.audits("auth.password_reset", edu.ID) != 1 {
			t.Fatal("reset not audited")
		}
		e.checkAudit(token, newPassword, apiToken)
	})
}

func TestPasswordResetSendsNothingToUnknownOrInactive(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		off := e.account("parti@a.fr", access.RoleEducator, org)
		must(t, e.s.SetAccountActive(sys, off.ID, false))
		e.account("edu@a.fr", access.RoleEducator, org)

		must(t, e.s.RequestPasswordReset(bg, "inconnu@a.fr"))
		must(t, e.s.RequestPasswordReset(bg, "parti@a.fr"))
		if n := len(e.mails()); n != 0 {
			t.Fatalf("%d mails sent", n)
		}
		wantCode(t, e.s.RequestPasswordReset(bg, "pas une adresse"), apperr.Invalid, "email")

		// At most three mails an hour for one account.
		for range 5 {
			must(t, e.s.RequestPasswordReset(bg, "edu@a.fr"))
			e.clock.Add(time.Minute)
		}
		if n := len(e.mails()); n != 3 {
			t.Fatalf("%d mails within the hour, want 3", n)
		}
		e.clock.Add(time.Hour)
		must(t, e.s.RequestPasswordReset(bg, "edu@a.fr"))
		mails := e.mails()
		if len(mails) != 4 {
			t.Fatalf("%d mails after the hour, want 4", len(mails))
		}
		// Links expire after an hour.
		last := linkToken(t, mails[3], resetPrefix)
		e.clock.Add(59 * time.Minute)
		if _, err := e.s.CheckOneTimeToken(bg, "reset", last); err != nil {
			t.Fatalf("link refused before expiry: %v", err)
		}
		e.clock.Add(time.Minute)
		_, err := e.s.CheckOneTimeToken(bg, "reset", last)
		wantLinkInvalid(t, err)
		wantLinkInvalid(t, e.s.ResetPassword(bg, last, newPassword))
	})
}

func TestPasswordResetLinkIsUsedOnceUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		must(t, e.s.RequestPasswordReset(bg, "edu@a.fr"))
		token := linkToken(t, e.mails()[0], resetPrefix)

		const n = 10
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = e.s.ResetPassword(bg, token, newPassword+string(rune('A'+i)))
			})
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("calls %d and %d both succeeded", winner, i)
			case err == nil:
				winner = i
			default:
				wantLinkInvalid(t, err)
			}
		}
		if winner < 0 {
			t.Fatal("no call succeeded")
		}
		if _, err := e.s.Login(bg, "edu@a.fr", newPassword+string(rune('A'+winner))); err != nil {
			t.Fatalf("the winner's password does not work: %v", err)
		}
		if n := e.audits("auth.password_reset", edu.ID); n != 1 {
			t.Fatalf("%d resets audited", n)
		}
		e.checkAudit(token)
	})
}

func TestInvitation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		dir := e.account("dir@a.fr", access.RoleDirector, org)
		in := newInvite("nouvelle@a.fr", org)
		a, err := e.s.CreateAccount(e.as(dir.ID), in)
		must(t, err)
		if a.HasPassword {
			t.Fatal("invited account has a password")
		}
		mails := e.mails()
		if len(mails) != 1 || mails[0].To != "nouvelle@a.fr" || !strings.Contains(mails[0].Text, dir.Name) {
			t.Fatalf("mails %+v", mails)
		}
		token := linkToken(t, mails[0], invitePrefix)
		var payload string
		must(t, d.SQL().QueryRow(`SELECT payload FROM jobs WHERE kind = 'mail.send'`).Scan(&payload))
		if !strings.Contains(payload, invitePrefix+token) {
			t.Fatalf("job payload without the link: %s", payload)
		}
		_, err = e.s.Login(bg, "nouvelle@a.fr", goodPassword)
		wantCode(t, err, apperr.Unauthorized, "")

		email, err := e.s.CheckOneTimeToken(bg, "invite", token)
		must(t, err)
		if email != "nouvelle@a.fr" {
			t.Fatalf("email %q", email)
		}
		_, err = e.s.AcceptInvitation(bg, token, "nouvelle-nouvelle")
		wantCode(t, err, apperr.Invalid, "password")
		id, err := e.s.AcceptInvitation(bg, token, newPassword)
		must(t, err)
		if id != a.ID {
			t.Fatalf("id %s", id)
		}
		_, err = e.s.AcceptInvitation(bg, token, newPassword)
		wantLinkInvalid(t, err)
		if _, err := e.s.Login(bg, "nouvelle@a.fr", newPassword); err != nil {
			t.Fatalf("login after accepting: %v", err)
		}
		if e.audits("auth.invitation_accepted", a.ID) != 1 {
			t.Fatal("acceptance not audited")
		}

		// A reset link cannot serve as an invitation.
		must(t, e.s.RequestPasswordReset(bg, "nouvelle@a.fr"))
		reset := linkToken(t, e.mails()[1], resetPrefix)
		_, err = e.s.AcceptInvitation(bg, reset, newPassword+"!")
		wantLinkInvalid(t, err)
		_, err = e.s.AcceptInvitation(bg, "", newPassword)
		wantLinkInvalid(t, err)

		// An invitation is valid seven days.
		_, err = e.s.CreateAccount(sys, newInvite("tardif@a.fr", org))
		must(t, err)
		late := linkToken(t, e.mails()[2], invitePrefix)
		e.clock.Add(7*24*time.Hour - time.Second)
		if _, err := e.s.CheckOneTimeToken(bg, "invite", late); err != nil {
			t.Fatalf("refused before expiry: %v", err)
		}
		e.clock.Add(time.Second)
		_, err = e.s.AcceptInvitation(bg, late, newPassword)
		wantLinkInvalid(t, err)
		e.checkAudit(token, reset, late, newPassword)
	})
}
