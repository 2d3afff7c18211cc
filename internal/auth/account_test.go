package auth_test

import (
	"strings"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

func TestCreateAccountValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		orgA := e.org("MECS Les Tilleuls")
		closed := e.org("IME fermé")
		e.exec(`UPDATE organisations SET active = FALSE WHERE id = $1`, closed)
		ok := func(in auth.NewAccount) auth.NewAccount {
			if in.Email == "" {
				in.Email = "claire.martin@exemple.fr"
			}
			if in.Name == "" {
				in.Name = "Claire Martin"
			}
			if in.Memberships == nil {
				in.Memberships = []auth.MembershipInput{{OrganisationID: orgA, Role: access.RoleEducator}}
			}
			return in
		}
		cases := []struct {
			name  string
			in    auth.NewAccount
			field string
		}{
			{"blank e-mail", auth.NewAccount{Email: "   "}, "email"},
			{"not an e-mail", auth.NewAccount{Email: "claire.martin"}, "email"},
			{"display name in e-mail", auth.NewAccount{Email: "Claire <claire@exemple.fr>"}, "email"},
			{"two addresses", auth.NewAccount{Email: "a@exemple.fr, b@exemple.fr"}, "email"},
			{"e-mail too long", auth.NewAccount{Email: strings.Repeat("a", 250) + "@exemple.fr"}, "email"},
			{"blank name", auth.NewAccount{Name: " \t "}, "name"},
			{"name too long", auth.NewAccount{Name: strings.Repeat("é", 121)}, "name"},
			{"name with a newline", auth.NewAccount{Name: "Claire\nMartin"}, "name"},
			{"no membership", auth.NewAccount{Memberships: []auth.MembershipInput{}}, "memberships"},
			{"unknown role", auth.NewAccount{Memberships: []auth.MembershipInput{{OrganisationID: orgA, Role: "boss"}}}, "memberships"},
			{"no organisation", auth.NewAccount{Memberships: []auth.MembershipInput{{Role: access.RoleEducator}}}, "memberships"},
			{"unknown organisation", auth.NewAccount{Memberships: []auth.MembershipInput{{OrganisationID: db.NewID(), Role: access.RoleEducator}}}, "memberships"},
			{"inactive organisation", auth.NewAccount{Memberships: []auth.MembershipInput{{OrganisationID: closed, Role: access.RoleEducator}}}, "memberships"},
			{"password too short", auth.NewAccount{Password: "Court-2026"}, "password"},
			{"password too long", auth.NewAccount{Password: strings.Repeat("ab", 129)}, "password"},
			{"password of one character", auth.NewAccount{Password: strings.Repeat("x", 14)}, "password"},
			{"password holds the e-mail", auth.NewAccount{Password: "Claire.Martin-2026!"}, "password"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.s.CreateAccount(sys, ok(c.in))
				wantCode(t, err, apperr.Invalid, c.field)
			})
		}
		if n := e.count(`SELECT count(*) FROM accounts`); n != 0 {
			t.Fatalf("%d accounts written by refused creations", n)
		}
		if n := e.count(`SELECT count(*) FROM audit_log`); n != 0 {
			t.Fatalf("%d audit rows written by refused creations", n)
		}
		// The same input, corrected, passes; the e-mail is normalised.
		a, err := e.s.CreateAccount(sys, ok(auth.NewAccount{Email: "  Claire.Martin@Exemple.FR ", Name: "  Claire Martin ",
			Password: goodPassword}))
		must(t, err)
		if a.Email != "claire.martin@exemple.fr" || a.Name != "Claire Martin" || !a.Active || !a.HasPassword ||
			len(a.Memberships) != 1 || a.Memberships[0].OrganisationName != "MECS Les Tilleuls" || !a.CreatedAt.Equal(start) {
			t.Fatalf("created %+v", a)
		}
		if e.audits("account.create", a.ID) != 1 {
			t.Fatal("no audit row for the creation")
		}
		e.checkAudit()
	})
}

func TestCreateAccountDuplicateEmail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("DITEP du Littoral")
		e.account("jean.dupont@exemple.fr", access.RoleEducator, org)
		_, err := e.s.CreateAccount(sys, auth.NewAccount{Email: " JEAN.DUPONT@exemple.fr", Name: "Autre",
			Memberships: []auth.MembershipInput{{OrganisationID: org, Role: access.RoleDirector}}})
		ae := wantCode(t, err, apperr.Invalid, "email")
		if ae.Fields["email"] != "Un compte existe déjà avec cette adresse." {
			t.Fatalf("message %q", ae.Fields["email"])
		}
		if n := e.count(`SELECT count(*) FROM accounts`); n != 1 {
			t.Fatalf("%d accounts", n)
		}
		if n := e.count(`SELECT count(*) FROM jobs`); n != 0 {
			t.Fatalf("refused creation left %d jobs", n)
		}
	})
}

func TestDirectorCreatesAccountsOfTheirStructure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		orgA, orgB := e.org("MECS A"), e.org("MECS B")
		dir := e.account("directrice@a.fr", access.RoleDirector, orgA)
		ctx := e.as(dir.ID)
		before := e.count(`SELECT count(*) FROM audit_log`)

		refused := []struct {
			name string
			ms   []auth.MembershipInput
		}{
			{"administrator", []auth.MembershipInput{{OrganisationID: orgA, Role: access.RoleAdmin}}},
			{"steering role", []auth.MembershipInput{{OrganisationID: orgA, Role: access.RoleSteering}}},
			{"other structure", []auth.MembershipInput{{OrganisationID: orgB, Role: access.RoleEducator}}},
			{"own and other structure", []auth.MembershipInput{{OrganisationID: orgA, Role: access.RoleEducator},
				{OrganisationID: orgB, Role: access.RoleEducator}}},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.s.CreateAccount(ctx, auth.NewAccount{Email: "nouveau@a.fr", Name: "Nouveau", Memberships: c.ms})
				wantCode(t, err, apperr.Forbidden, "")
			})
		}
		_, err := e.s.CreateAccount(bg, auth.NewAccount{Email: "nouveau@a.fr", Name: "Nouveau",
			Memberships: []auth.MembershipInput{{OrganisationID: orgA, Role: access.RoleEducator}}})
		wantCode(t, err, apperr.Unauthorized, "")
		if n := e.count(`SELECT count(*) FROM accounts`); n != 1 {
			t.Fatalf("refusals wrote accounts: %d", n)
		}
		if n := e.count(`SELECT count(*) FROM audit_log`); n != before {
			t.Fatalf("refusals wrote audit rows: %d, want %d", n, before)
		}
		if n := e.count(`SELECT count(*) FROM jobs`); n != 0 {
			t.Fatalf("refusals wrote jobs: %d", n)
		}

		edu, err := e.s.CreateAccount(ctx, auth.NewAccount{Email: "educ@a.fr", Name: "Éducatrice",
			Memberships: []auth.MembershipInput{{OrganisationID: orgA, Role: access.RoleEducator}}})
		must(t, err)
		var actorID string
		if err := d.SQL().QueryRow(`SELECT actor_id FROM audit_log WHERE action = 'account.create' AND resource_id = $1`,
			edu.ID).Scan(&actorID); err != nil || actorID != dir.ID {
			t.Fatalf("creation audited as %q (%v), want the director", actorID, err)
		}
		e.checkAudit()
	})
}

func TestGetAccountVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		orgA, orgB := e.org("A"), e.org("B")
		dir := e.account("dir@a.fr", access.RoleDirector, orgA)
		eduA := e.account("edu@a.fr", access.RoleEducator, orgA)
		eduB := e.account("edu@b.fr", access.RoleEducator, orgB)
		cases := []struct {
			name   string
			actor  string
			target string
			want   apperr.Code // "" for success
		}{
			{"director sees their educator", dir.ID, eduA.ID, ""},
			{"director does not see another structure", dir.ID, eduB.ID, apperr.NotFound},
			{"educator sees themselves", eduA.ID, eduA.ID, ""},
			{"educator does not see their director", eduA.ID, dir.ID, apperr.NotFound},
			{"absent account", dir.ID, db.NewID(), apperr.NotFound},
			{"malformed id", dir.ID, "../etc", apperr.NotFound},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				a, err := e.s.GetAccount(e.as(c.actor), c.target)
				if c.want == "" {
					must(t, err)
					if a.ID != c.target {
						t.Fatalf("got %s", a.ID)
					}
					return
				}
				ae := wantCode(t, err, c.want, "")
				if ae.Message != "Compte introuvable." {
					t.Fatalf("message %q", ae.Message)
				}
			})
		}
		_, err := e.s.GetAccount(bg, eduA.ID)
		wantCode(t, err, apperr.Unauthorized, "")
		a, err := e.s.GetAccount(sys, eduB.ID)
		must(t, err)
		if a.Email != "edu@b.fr" || len(a.Memberships) != 1 || a.Memberships[0].Departement != "35" ||
			a.Memberships[0].OrganisationKind != access.OrgStructure {
			t.Fatalf("got %+v", a)
		}
	})
}

func TestListAccountsScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		orgA, orgB, orgC := e.org("A"), e.org("B"), e.org("C")
		admin := e.account("admin@plateforme.fr", access.RoleAdmin, orgC)
		dir := e.account("dir@a.fr", access.RoleDirector, orgA)
		e.account("alice@a.fr", access.RoleEducator, orgA)
		e.account("bruno@a.fr", access.RoleMobileTeam, orgA, orgB)
		e.account("chloe@b.fr", access.RoleEducator, orgB)
		off := e.account("denis@a.fr", access.RoleEducator, orgA)
		must(t, e.s.SetAccountActive(sys, off.ID, false))

		emails := func(as []auth.Account) string {
			var s []string
			for _, a := range as {
				s = append(s, strings.SplitN(a.Email, "@", 2)[0])
			}
			return strings.Join(s, ",")
		}
		cases := []struct {
			name      string
			actor     string
			f         auth.AccountFilter
			want      string
			wantTotal int
		}{
			{"admin sees all active", admin.ID, auth.AccountFilter{}, "admin,alice,bruno,chloe,dir", 5},
			{"admin includes inactive", admin.ID, auth.AccountFilter{IncludeInactive: true}, "admin,alice,bruno,chloe,denis,dir", 6},
			{"director sees their structure", dir.ID, auth.AccountFilter{}, "alice,bruno,dir", 3},
			{"director with inactive", dir.ID, auth.AccountFilter{IncludeInactive: true}, "alice,bruno,denis,dir", 4},
			{"director filters another structure", dir.ID, auth.AccountFilter{OrganisationID: orgB}, "bruno", 1},
			{"director searches outside", dir.ID, auth.AccountFilter{Q: "chloe"}, "", 0},
			{"search by name, any case", admin.ID, auth.AccountFilter{Q: "PERSONNE CH"}, "chloe", 1},
			{"search with a wildcard is literal", admin.ID, auth.AccountFilter{Q: "%"}, "", 0},
			{"by role", admin.ID, auth.AccountFilter{Role: access.RoleEducator}, "alice,chloe", 2},
			{"by organisation and role", admin.ID, auth.AccountFilter{OrganisationID: orgB, Role: access.RoleEducator}, "chloe", 1},
			{"page keeps the total", dir.ID, auth.AccountFilter{Limit: 2, Offset: 1}, "bruno,dir", 3},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, total, err := e.s.ListAccounts(e.as(c.actor), c.f)
				must(t, err)
				if emails(got) != c.want || total != c.wantTotal {
					t.Fatalf("got %s (%d), want %s (%d)", emails(got), total, c.want, c.wantTotal)
				}
			})
		}
		list, _, err := e.s.ListAccounts(e.as(admin.ID), auth.AccountFilter{Q: "bruno"})
		must(t, err)
		if len(list) != 1 || len(list[0].Memberships) != 2 {
			t.Fatalf("memberships not loaded: %+v", list)
		}
		edu := e.account("eve@a.fr", access.RoleEducator, orgA)
		_, _, err = e.s.ListAccounts(e.as(edu.ID), auth.AccountFilter{})
		wantCode(t, err, apperr.Forbidden, "")
		_, _, err = e.s.ListAccounts(e.as(admin.ID), auth.AccountFilter{Role: "chef"})
		wantCode(t, err, apperr.Invalid, "role")
	})
}

func TestSetAccountActive(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		orgA, orgB := e.org("A"), e.org("B")
		admin := e.account("admin@plateforme.fr", access.RoleAdmin, orgB)
		dir := e.account("dir@a.fr", access.RoleDirector, orgA)
		edu := e.account("edu@a.fr", access.RoleEducator, orgA)
		other := e.account("edu@b.fr", access.RoleEducator, orgB)
		token, _, err := e.s.CreateAPIToken(sys, edu.ID, "tableur", 0)
		must(t, err)

		err = e.s.SetAccountActive(e.as(admin.ID), admin.ID, false)
		ae := wantCode(t, err, apperr.Forbidden, "")
		if !strings.Contains(ae.Message, "propre compte") {
			t.Fatalf("message %q", ae.Message)
		}
		wantCode(t, e.s.SetAccountActive(e.as(dir.ID), other.ID, false), apperr.NotFound, "")
		wantCode(t, e.s.SetAccountActive(e.as(edu.ID), dir.ID, false), apperr.NotFound, "")

		must(t, e.s.SetAccountActive(e.as(dir.ID), edu.ID, false))
		_, err = e.s.Login(bg, "edu@a.fr", goodPassword)
		ae = wantCode(t, err, apperr.Unauthorized, "")
		if ae.Message != "Adresse e-mail ou mot de passe incorrect." {
			t.Fatalf("message %q", ae.Message)
		}
		_, err = e.s.LoadActor(bg, edu.ID)
		wantCode(t, err, apperr.NotFound, "")
		_, err = e.s.AuthenticateToken(bg, token)
		wantCode(t, err, apperr.Unauthorized, "")
		if e.audits("account.deactivate", edu.ID) != 1 {
			t.Fatal("deactivation not audited")
		}
		// Twice is a no-op, not a second audit row.
		must(t, e.s.SetAccountActive(e.as(dir.ID), edu.ID, false))
		if e.audits("account.deactivate", edu.ID) != 1 {
			t.Fatal("no-op audited")
		}

		must(t, e.s.SetAccountActive(e.as(admin.ID), edu.ID, true))
		if _, err := e.s.Login(bg, "edu@a.fr", goodPassword); err != nil {
			t.Fatalf("login after reactivation: %v", err)
		}
		if _, err := e.s.AuthenticateToken(bg, token); err != nil {
			t.Fatalf("token after reactivation: %v", err)
		}
		if e.audits("account.reactivate", edu.ID) != 1 {
			t.Fatal("reactivation not audited")
		}
		e.checkAudit(token)
	})
}

func TestUpdateName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		org := e.org("A")
		dir := e.account("dir@a.fr", access.RoleDirector, org)
		edu := e.account("edu@a.fr", access.RoleEducator, org)
		must(t, e.s.UpdateName(e.as(edu.ID), edu.ID, "  Élodie Bernard "))
		a, err := e.s.GetAccount(sys, edu.ID)
		must(t, err)
		if a.Name != "Élodie Bernard" {
			t.Fatalf("name %q", a.Name)
		}
		wantCode(t, e.s.UpdateName(e.as(edu.ID), edu.ID, ""), apperr.Invalid, "name")
		wantCode(t, e.s.UpdateName(e.as(dir.ID), edu.ID, "Autre"), apperr.Forbidden, "")
		wantCode(t, e.s.UpdateName(e.as(edu.ID), dir.ID, "Autre"), apperr.NotFound, "")
		if e.audits("account.update", edu.ID) != 1 {
			t.Fatal("update not audited once")
		}
	})
}

func TestLoadActor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		orgA, orgB := e.org("A"), e.org("B")
		a := e.account("multi@a.fr", access.RoleMobileTeam, orgA, orgB)
		e.exec(`UPDATE organisations SET active = FALSE WHERE id = $1`, orgB)
		actor, err := e.s.LoadActor(bg, a.ID)
		must(t, err)
		if actor.AccountID != a.ID || actor.Email != "multi@a.fr" || actor.Name != a.Name {
			t.Fatalf("actor %+v", actor)
		}
		if len(actor.Memberships) != 1 || actor.Memberships[0].OrganisationID != orgA ||
			actor.Memberships[0].OrganisationName != "A" || actor.Memberships[0].Role != access.RoleMobileTeam {
			t.Fatalf("memberships %+v (the deactivated organisation must not count)", actor.Memberships)
		}
		for _, id := range []string{db.NewID(), "", "x"} {
			_, err := e.s.LoadActor(bg, id)
			wantCode(t, err, apperr.NotFound, "")
		}
	})
}

func TestAccountIDByEmail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		orgA, orgB := e.org("A"), e.org("B")
		a := e.account("cible@b.fr", access.RoleEducator, orgB)
		dir := e.account("dir@a.fr", access.RoleDirector, orgA)
		id, err := e.s.AccountIDByEmail(sys, " Cible@B.fr")
		must(t, err)
		if id != a.ID {
			t.Fatalf("got %s", id)
		}
		_, err = e.s.AccountIDByEmail(e.as(dir.ID), "cible@b.fr")
		wantCode(t, err, apperr.NotFound, "")
		_, err = e.s.AccountIDByEmail(sys, "personne@b.fr")
		wantCode(t, err, apperr.NotFound, "")
		_, err = e.s.AccountIDByEmail(sys, "pas une adresse")
		wantCode(t, err, apperr.Invalid, "email")
		_, err = e.s.AccountIDByEmail(bg, "cible@b.fr")
		wantCode(t, err, apperr.Unauthorized, "")
	})
}
