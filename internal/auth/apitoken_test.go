package auth_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

var tokenShape = regexp.MustCompile(`^psl_[a-z2-7]{52}$`)

func TestAPITokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		dir := e.account("dir@a.fr", access.RoleDirector, org)
		ctx := e.as(edu.ID)

		plain, tok, err := e.s.CreateAPIToken(ctx, edu.ID, "  Tableur de suivi ", 0)
		must(t, err)
		if !tokenShape.MatchString(plain) || tok.Name != "Tableur de suivi" || !tok.CreatedAt.Equal(start) || !tok.ExpiresAt.IsZero() {
			t.Fatalf("token %q %+v", plain, tok)
		}
		if n := e.count(`SELECT count(*) FROM api_tokens WHERE token_hash = $1`, plain); n != 0 {
			t.Fatal("plaintext stored")
		}
		id, err := e.s.AuthenticateToken(bg, plain)
		must(t, err)
		if id != edu.ID {
			t.Fatalf("account %s", id)
		}

		authOK := func(p string) {
			t.Helper()
			_, err := e.s.AuthenticateToken(bg, p)
			must(t, err)
		}
		// last_used_at is written at most once a minute.
		lastUsed := func() time.Time {
			list, err := e.s.ListAPITokens(ctx, edu.ID)
			must(t, err)
			return list[0].LastUsedAt
		}
		if !lastUsed().Equal(start) {
			t.Fatalf("last used %v", lastUsed())
		}
		e.clock.Add(45 * time.Second)
		authOK(plain)
		if !lastUsed().Equal(start) {
			t.Fatal("last used written within the minute")
		}
		e.clock.Add(30 * time.Second)
		authOK(plain)
		if !lastUsed().Equal(start.Add(75 * time.Second)) {
			t.Fatalf("last used %v, want a minute later", lastUsed())
		}

		// Expiring token.
		short, _, err := e.s.CreateAPIToken(ctx, edu.ID, "court", time.Hour)
		must(t, err)
		authOK(short)
		e.clock.Add(time.Hour)
		_, err = e.s.AuthenticateToken(bg, short)
		ae := wantCode(t, err, apperr.Unauthorized, "")
		if ae.Message != "Jeton d'accès invalide ou expiré." {
			t.Fatalf("message %q", ae.Message)
		}

		// Revocation.
		must(t, e.s.RevokeAPIToken(ctx, edu.ID, tok.ID))
		_, err = e.s.AuthenticateToken(bg, plain)
		wantCode(t, err, apperr.Unauthorized, "")
		must(t, e.s.RevokeAPIToken(ctx, edu.ID, tok.ID)) // again: nothing to do
		wantCode(t, e.s.RevokeAPIToken(ctx, edu.ID, db.NewID()), apperr.NotFound, "")
		wantCode(t, e.s.RevokeAPIToken(e.as(dir.ID), edu.ID, tok.ID), apperr.Forbidden, "")
		list, err := e.s.ListAPITokens(ctx, edu.ID)
		must(t, err)
		if len(list) != 2 || list[0].Name != "court" || list[1].RevokedAt.IsZero() || list[0].ExpiresAt.IsZero() {
			t.Fatalf("list %+v", list)
		}

		// Garbage never reaches a match.
		for _, bad := range []string{"", "psl_", plain[:len(plain)-1], strings.ToUpper(plain), "Bearer " + plain} {
			_, err := e.s.AuthenticateToken(bg, bad)
			wantCode(t, err, apperr.Unauthorized, "")
		}

		// Who may create.
		_, _, err = e.s.CreateAPIToken(e.as(dir.ID), edu.ID, "x", 0)
		wantCode(t, err, apperr.Forbidden, "")
		_, _, err = e.s.CreateAPIToken(bg, edu.ID, "x", 0)
		wantCode(t, err, apperr.Unauthorized, "")
		_, _, err = e.s.CreateAPIToken(ctx, edu.ID, "", 0)
		wantCode(t, err, apperr.Invalid, "name")
		_, _, err = e.s.CreateAPIToken(ctx, edu.ID, strings.Repeat("n", 81), 0)
		wantCode(t, err, apperr.Invalid, "name")
		_, _, err = e.s.CreateAPIToken(ctx, edu.ID, "x", -time.Hour)
		wantCode(t, err, apperr.Invalid, "ttl")
		cli, _, err := e.s.CreateAPIToken(sys, edu.ID, "intégration", 0)
		must(t, err)
		_, err = e.s.ListAPITokens(e.as(dir.ID), edu.ID)
		wantCode(t, err, apperr.Forbidden, "")

		if e.audits("auth.token_created", edu.ID) != 3 || e.audits("auth.token_revoked", edu.ID) != 1 {
			t.Fatal("tokens not audited")
		}
		e.checkAudit(plain, short, cli)
	})
}
