package auth_test

import (
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

func TestLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		off := e.account("parti@a.fr", access.RoleEducator, org)
		must(t, e.s.SetAccountActive(sys, off.ID, false))
		e.account("pilotage@cd35.fr", access.RoleSteering, org)
		_, err := e.s.CreateAccount(sys, newInvite("invite@a.fr", org))
		must(t, err)

		ctx := fromIP(bg, "203.0.113.7")
		res, err := e.s.Login(ctx, " EDU@a.fr ", goodPassword)
		must(t, err)
		if res.AccountID != edu.ID || res.TOTPRequired || res.TOTPEnrolmentRequired {
			t.Fatalf("result %+v", res)
		}
		a, _ := e.s.GetAccount(sys, edu.ID)
		if !a.LastLoginAt.Equal(start) {
			t.Fatalf("last login %v, want %v", a.LastLoginAt, start)
		}
		var actorID, ip string
		must(t, d.SQL().QueryRow(`SELECT actor_id, ip FROM audit_log WHERE action = 'auth.login'`).Scan(&actorID, &ip))
		if actorID != edu.ID || ip != "203.0.113.7" {
			t.Fatalf("login audited as %q from %q", actorID, ip)
		}

		res, err = e.s.Login(ctx, "pilotage@cd35.fr", goodPassword)
		must(t, err)
		if !res.TOTPEnrolmentRequired || res.TOTPRequired {
			t.Fatalf("steering role must enrol: %+v", res)
		}

		refused := []struct{ name, email, password, reason string }{
			{"wrong password", "edu@a.fr", goodPassword + "x", "bad_password"},
			{"unknown e-mail", "personne@a.fr", goodPassword, "unknown_email"},
			{"deactivated account", "parti@a.fr", goodPassword, "inactive"},
			{"invitation not accepted", "invite@a.fr", goodPassword, "no_password"},
			{"huge password", "edu@a.fr", strings.Repeat("x", 5000), "bad_password"},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				audited := func() int {
					return e.count(`SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed' AND actor_label = $1
						AND details LIKE $2`, c.email, "%"+c.reason+"%")
				}
				before, beforeAudit := e.count(`SELECT count(*) FROM login_failures`), audited()
				_, err := e.s.Login(ctx, c.email, c.password)
				ae := wantCode(t, err, apperr.Unauthorized, "")
				if ae.Message != "Adresse e-mail ou mot de passe incorrect." {
					t.Fatalf("message %q", ae.Message)
				}
				if e.count(`SELECT count(*) FROM login_failures`) != before+1 {
					t.Fatal("failure not counted")
				}
				if audited() != beforeAudit+1 {
					t.Fatal("failure not audited with the typed e-mail and the reason")
				}
			})
		}
		_, err = e.s.Login(ctx, "", "")
		wantCode(t, err, apperr.Invalid, "email")

		// A typed e-mail of any length is recorded, cut to 254 characters.
		long := strings.Repeat("z", 400) + "@a.fr"
		_, err = e.s.Login(ctx, long, goodPassword)
		wantCode(t, err, apperr.Unauthorized, "")
		if e.count(`SELECT count(*) FROM audit_log WHERE actor_label = $1`, long[:254]) != 1 {
			t.Fatal("long e-mail not truncated in the audit log")
		}

		must(t, e.s.RecordLogout(e.as(edu.ID)))
		if e.audits("auth.logout", edu.ID) != 1 {
			t.Fatal("logout not audited")
		}
		must(t, e.s.RecordLogout(bg)) // nobody: nothing to record
		e.checkAudit()
	})
}

func TestLoginThrottledByEmail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		e.account("cible@a.fr", access.RoleEducator, org)
		e.account("voisin@a.fr", access.RoleEducator, org)
		first := e.clock.Now()
		for i := range 5 {
			ctx := fromIP(bg, "198.51.100."+string(rune('1'+i))) // a different address each time
			_, err := e.s.Login(ctx, "cible@a.fr", "mauvais mot de passe")
			wantCode(t, err, apperr.Unauthorized, "")
			e.clock.Add(time.Minute)
		}
		// The 6th attempt is refused unchecked, even with the right password.
		_, err := e.s.Login(fromIP(bg, "192.0.2.50"), "Cible@a.fr", goodPassword)
		ae := wantCode(t, err, apperr.TooMany, "")
		if want := first.Add(15 * time.Minute); !ae.RetryAt.Equal(want) {
			t.Fatalf("retry at %v, want %v", ae.RetryAt, want)
		}
		// 13:17 UTC + 15 min = 13:32 UTC = 14 h 32 in Paris (winter).
		if ae.Message != "Trop de tentatives de connexion. Réessayez à 14 h 32." {
			t.Fatalf("message %q", ae.Message)
		}
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'auth.login_throttled'`); n != 1 {
			t.Fatalf("%d throttled rows", n)
		}
		if n := e.count(`SELECT count(*) FROM login_failures`); n != 5 {
			t.Fatalf("a throttled attempt was counted: %d failures", n)
		}
		// Other accounts are not affected.
		if _, err := e.s.Login(bg, "voisin@a.fr", goodPassword); err != nil {
			t.Fatalf("other e-mail throttled: %v", err)
		}
		// Still refused just before the oldest failure leaves the window…
		e.clock.Set(first.Add(15*time.Minute - time.Second))
		_, err = e.s.Login(bg, "cible@a.fr", goodPassword)
		wantCode(t, err, apperr.TooMany, "")
		// …and allowed when it does.
		e.clock.Set(first.Add(15 * time.Minute))
		if _, err := e.s.Login(bg, "cible@a.fr", goodPassword); err != nil {
			t.Fatalf("login after the window: %v", err)
		}

		// Purging old failures is for the system and administrators.
		must(t, e.s.PurgeLoginFailures(sys, first.Add(3*time.Minute)))
		if n := e.count(`SELECT count(*) FROM login_failures`); n != 2 {
			t.Fatalf("%d failures left after purge, want 2", n)
		}
		wantCode(t, e.s.PurgeLoginFailures(bg, first), apperr.Unauthorized, "")
		e.checkAudit()
	})
}

func TestLoginThrottledByAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		e.account("vraie@a.fr", access.RoleEducator, org)
		attacker := fromIP(bg, "2001:db8::66")
		first := e.clock.Now()
		// 29 failures from the address, each for another e-mail (seeded:
		// each real attempt costs a password hash)…
		for i := range 29 {
			e.exec(`INSERT INTO login_failures (id, email, ip, at) VALUES ($1, $2, $3, $4)`, db.NewID(),
				"essai"+string(rune('a'+i))+"@a.fr", "2001:db8::66", first.Add(time.Duration(i)*10*time.Second))
		}
		e.clock.Add(5 * time.Minute)
		// …then a real one: an unknown e-mail counts for the address too.
		_, err := e.s.Login(attacker, "inconnu@a.fr", "x")
		wantCode(t, err, apperr.Unauthorized, "")
		_, err = e.s.Login(attacker, "vraie@a.fr", goodPassword)
		ae := wantCode(t, err, apperr.TooMany, "")
		if want := first.Add(15 * time.Minute); !ae.RetryAt.Equal(want) {
			t.Fatalf("retry at %v, want %v", ae.RetryAt, want)
		}
		if _, err := e.s.Login(fromIP(bg, "2001:db8::1"), "vraie@a.fr", goodPassword); err != nil {
			t.Fatalf("another address throttled: %v", err)
		}
		e.clock.Set(first.Add(15 * time.Minute))
		if _, err := e.s.Login(attacker, "vraie@a.fr", goodPassword); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}
