package auth_test

import (
	"bytes"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// code returns the TOTP code of secret at t.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol enables TOTP on the account and returns the secret.
func (e *env) enrol(accountID string) string {
	e.t.Helper()
	ctx := e.as(accountID)
	en, err := e.s.BeginTOTPEnrolment(ctx, accountID)
	must(e.t, err)
	must(e.t, e.s.ConfirmTOTPEnrolment(ctx, accountID, en.Secret, code(e.t, en.Secret, e.clock.Now())))
	return en.Secret
}

func TestTOTPEnrolment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		dir := e.account("dir@a.fr", access.RoleDirector, org)
		ctx := e.as(edu.ID)

		en, err := e.s.BeginTOTPEnrolment(ctx, edu.ID)
		must(t, err)
		u, err := url.Parse(en.URL)
		must(t, err)
		q := u.Query()
		if u.Scheme != "otpauth" || u.Host != "totp" || q.Get("issuer") != "Passerelle" || q.Get("secret") != en.Secret ||
			q.Get("period") != "30" || q.Get("digits") != "6" || !strings.Contains(u.Path, "edu@a.fr") {
			t.Fatalf("URL %s", en.URL)
		}
		img, err := png.Decode(bytes.NewReader(en.QRPNG))
		must(t, err)
		if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
			t.Fatalf("QR code %v", b)
		}
		// Only the person enrols their own device.
		_, err = e.s.BeginTOTPEnrolment(e.as(dir.ID), edu.ID)
		wantCode(t, err, apperr.Forbidden, "")
		_, err = e.s.BeginTOTPEnrolment(bg, edu.ID)
		wantCode(t, err, apperr.Unauthorized, "")
		wantCode(t, e.s.ConfirmTOTPEnrolment(e.as(dir.ID), edu.ID, en.Secret, code(t, en.Secret, start)), apperr.Forbidden, "")

		// Nothing is stored before confirmation.
		a, _ := e.s.GetAccount(sys, edu.ID)
		if a.TOTPEnabled {
			t.Fatal("enabled before confirmation")
		}
		wrong := code(t, en.Secret, start.Add(10*time.Minute))
		wantCode(t, e.s.ConfirmTOTPEnrolment(ctx, edu.ID, en.Secret, wrong), apperr.Invalid, "code")
		wantCode(t, e.s.ConfirmTOTPEnrolment(ctx, edu.ID, en.Secret, "12a456"), apperr.Invalid, "code")
		wantCode(t, e.s.ConfirmTOTPEnrolment(ctx, edu.ID, "not base32!", "123456"), apperr.Invalid, "code")
		c := code(t, en.Secret, start)
		must(t, e.s.ConfirmTOTPEnrolment(ctx, edu.ID, en.Secret, c[:3]+" "+c[3:]))
		a, _ = e.s.GetAccount(sys, edu.ID)
		if !a.TOTPEnabled {
			t.Fatal("not enabled after confirmation")
		}
		if e.audits("auth.totp_enabled", edu.ID) != 1 {
			t.Fatal("enrolment not audited")
		}
		e.checkAudit(en.Secret, c)
	})
}

func TestTOTPLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		secret := e.enrol(edu.ID)

		res, err := e.s.Login(bg, "edu@a.fr", goodPassword)
		must(t, err)
		if !res.TOTPRequired || res.TOTPEnrolmentRequired || res.AccountID != edu.ID {
			t.Fatalf("result %+v", res)
		}
		if a, _ := e.s.GetAccount(sys, edu.ID); !a.LastLoginAt.IsZero() || e.audits("auth.login", edu.ID) != 0 {
			t.Fatal("login recorded before the second factor")
		}
		// The code used to confirm enrolment cannot log in.
		err = e.s.CheckTOTP(bg, edu.ID, code(t, secret, start))
		wantCode(t, err, apperr.Invalid, "code")

		steps := []struct {
			name   string
			after  time.Duration // clock moves by this first
			codeAt time.Duration // the code is that of now + codeAt
			ok     bool
		}{
			{"next period", 30 * time.Second, 0, true},
			{"same code again", 0, 0, false},
			{"code of the previous period", 0, -30 * time.Second, false},
			{"phone a little behind", 60 * time.Second, -30 * time.Second, true},
			{"phone a little ahead", 0, 30 * time.Second, true},
			{"ahead code reused a period later", 30 * time.Second, 0, false},
			{"too far ahead", 0, 90 * time.Second, false},
			// Past the window, the four failures above no longer throttle.
			{"later, fine again", 15 * time.Minute, 0, true},
		}
		for _, s := range steps {
			e.clock.Add(s.after)
			err := e.s.CheckTOTP(bg, edu.ID, code(t, secret, e.clock.Now().Add(s.codeAt)))
			if s.ok && err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if !s.ok {
				if _, ok := apperr.As(err); !ok || apperr.CodeOf(err) != apperr.Invalid {
					t.Fatalf("%s: want refusal, got %v", s.name, err)
				}
			}
		}
		a, _ := e.s.GetAccount(sys, edu.ID)
		if !a.LastLoginAt.Equal(e.clock.Now()) {
			t.Fatalf("last login %v, want %v", a.LastLoginAt, e.clock.Now())
		}
		if n := e.audits("auth.login", edu.ID); n != 4 {
			t.Fatalf("%d logins audited, want 4", n)
		}
		if n := e.audits("auth.totp_failed", edu.ID); n != 5 {
			t.Fatalf("%d TOTP failures audited, want 5", n)
		}
		// An unknown or malformed account cannot pass.
		wantCode(t, e.s.CheckTOTP(bg, db.NewID(), "123456"), apperr.Unauthorized, "")
		wantCode(t, e.s.CheckTOTP(bg, edu.ID, "12345"), apperr.Invalid, "code")
		e.checkAudit(secret)
	})
}

func TestTOTPFailuresAreThrottled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		secret := e.enrol(edu.ID)
		e.clock.Add(time.Minute)
		first := e.clock.Now()
		bad := code(t, secret, first.Add(time.Hour))
		for range 5 {
			wantCode(t, e.s.CheckTOTP(bg, edu.ID, bad), apperr.Invalid, "code")
			e.clock.Add(time.Second)
		}
		// Right code, but too many failures: refused unchecked.
		err := e.s.CheckTOTP(bg, edu.ID, code(t, secret, e.clock.Now()))
		ae := wantCode(t, err, apperr.TooMany, "")
		if !ae.RetryAt.Equal(first.Add(15 * time.Minute)) {
			t.Fatalf("retry at %v", ae.RetryAt)
		}
		// The failures count for the password too: they share the e-mail.
		_, err = e.s.Login(bg, "edu@a.fr", goodPassword)
		wantCode(t, err, apperr.TooMany, "")
		e.clock.Set(first.Add(15 * time.Minute))
		must(t, e.s.CheckTOTP(bg, edu.ID, code(t, secret, e.clock.Now())))
	})
}

func TestTOTPEnrolmentRequiredByRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("ARS")
		steer := e.account("pilote@ars.fr", access.RoleSteering, org)
		res, err := e.s.Login(bg, "pilote@ars.fr", goodPassword)
		must(t, err)
		if !res.TOTPEnrolmentRequired || res.TOTPRequired {
			t.Fatalf("result %+v", res)
		}
		// The web layer enrols with the pending account as actor.
		secret := e.enrol(steer.ID)
		res, err = e.s.Login(bg, "pilote@ars.fr", goodPassword)
		must(t, err)
		if res.TOTPEnrolmentRequired || !res.TOTPRequired {
			t.Fatalf("after enrolment %+v", res)
		}
		// The role requires it: it cannot be turned off by its holder…
		err = e.s.DisableTOTP(e.as(steer.ID), steer.ID, goodPassword)
		ae := wantCode(t, err, apperr.Forbidden, "")
		if !strings.Contains(ae.Message, "obligatoire") {
			t.Fatalf("message %q", ae.Message)
		}
		// …but an administrator can reset it for a lost phone; enrolment is then asked again.
		admin := e.account("admin@plateforme.fr", access.RoleAdmin, org)
		wantCode(t, e.s.ResetTOTP(e.as(steer.ID), steer.ID), apperr.Forbidden, "")
		must(t, e.s.ResetTOTP(e.as(admin.ID), steer.ID))
		res, err = e.s.Login(bg, "pilote@ars.fr", goodPassword)
		must(t, err)
		if !res.TOTPEnrolmentRequired {
			t.Fatalf("after reset %+v", res)
		}
		if e.audits("auth.totp_disabled", steer.ID) != 1 {
			t.Fatal("reset not audited")
		}
		e.checkAudit(secret)
	})
}

func TestDisableTOTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		dir := e.account("dir@a.fr", access.RoleDirector, org)
		e.enrol(edu.ID)
		ctx := e.as(edu.ID)
		wantCode(t, e.s.DisableTOTP(ctx, edu.ID, ""), apperr.Invalid, "password")
		wantCode(t, e.s.DisableTOTP(ctx, edu.ID, "pas le bon mot de passe"), apperr.Invalid, "password")
		if n := e.count(`SELECT count(*) FROM login_failures WHERE email = 'edu@a.fr'`); n != 1 {
			t.Fatalf("wrong password not counted: %d", n)
		}
		wantCode(t, e.s.DisableTOTP(e.as(dir.ID), edu.ID, goodPassword), apperr.Forbidden, "")
		must(t, e.s.DisableTOTP(ctx, edu.ID, goodPassword))
		a, _ := e.s.GetAccount(sys, edu.ID)
		if a.TOTPEnabled {
			t.Fatal("still enabled")
		}
		res, err := e.s.Login(bg, "edu@a.fr", goodPassword)
		must(t, err)
		if res.TOTPRequired {
			t.Fatal("code still asked")
		}
		if e.audits("auth.totp_disabled", edu.ID) != 1 {
			t.Fatal("not audited")
		}
		var secret string
		must(t, d.SQL().QueryRow(`SELECT totp_secret FROM accounts WHERE id = $1`, edu.ID).Scan(&secret))
		if secret != "" {
			t.Fatal("secret kept after disabling")
		}
	})
}
