package auth_test

import (
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		admin := e.account("admin@plateforme.fr", access.RoleAdmin, org)
		ctx := e.as(edu.ID)
		must(t, e.s.RequestPasswordReset(bg, "edu@a.fr"))
		pending := linkToken(t, e.mails()[0], resetPrefix)

		cases := []struct {
			name, current, next, field string
		}{
			{"no current password", "", newPassword, "current_password"},
			{"weak new password", goodPassword, "court", "password"},
			{"new password holds the e-mail", goodPassword, "edu-edu-edu-edu", "password"},
			{"same as before", goodPassword, goodPassword, "password"},
			{"wrong current password", "pas le bon", newPassword, "current_password"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantCode(t, e.s.ChangePassword(ctx, edu.ID, c.current, c.next), apperr.Invalid, c.field)
			})
		}
		// Nobody else changes it, not even an administrator (who sends a reset link instead).
		wantCode(t, e.s.ChangePassword(e.as(admin.ID), edu.ID, goodPassword, newPassword), apperr.Forbidden, "")
		wantCode(t, e.s.ChangePassword(bg, edu.ID, goodPassword, newPassword), apperr.Unauthorized, "")

		must(t, e.s.ChangePassword(ctx, edu.ID, goodPassword, newPassword))
		_, err := e.s.Login(bg, "edu@a.fr", goodPassword)
		wantCode(t, err, apperr.Unauthorized, "")
		if _, err := e.s.Login(bg, "edu@a.fr", newPassword); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
		// A reset link sent before the change no longer works.
		wantLinkInvalid(t, e.s.ResetPassword(bg, pending, "Encore-Autre-2026"))
		if e.audits("auth.password_changed", edu.ID) != 1 {
			t.Fatal("change not audited")
		}

		// The command line sets a password without the current one; nobody else does.
		wantCode(t, e.s.SetPassword(e.as(admin.ID), edu.ID, goodPassword), apperr.Forbidden, "")
		wantCode(t, e.s.SetPassword(sys, edu.ID, "court"), apperr.Invalid, "password")
		must(t, e.s.SetPassword(sys, edu.ID, goodPassword))
		if _, err := e.s.Login(bg, "edu@a.fr", goodPassword); err != nil {
			t.Fatalf("login after SetPassword: %v", err)
		}
		e.checkAudit(newPassword, pending)
	})
}
