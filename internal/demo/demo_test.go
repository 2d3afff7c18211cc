package demo_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

var bg = context.Background()

// wantAccounts is the documented list: address, role, and where it belongs.
var wantAccounts = []struct {
	email string
	role  access.Role
	kind  access.OrgKind
	typ   string
}{
	{"admin@demo.passerelle.test", access.RoleAdmin, access.OrgPlatform, ""},
	{"referent@demo.passerelle.test", access.RoleASEReferent, access.OrgASE, ""},
	{"directeur@demo.passerelle.test", access.RoleDirector, access.OrgStructure, "mecs"},
	{"educateur@demo.passerelle.test", access.RoleEducator, access.OrgStructure, "ditep"},
	{"famille@demo.passerelle.test", access.RoleParent, access.OrgASE, ""},
	{"pilotage@demo.passerelle.test", access.RoleSteering, access.OrgASE, ""},
	{"equipe-mobile@demo.passerelle.test", access.RoleMobileTeam, access.OrgStructure, "emr"},
	{"assistante-familiale@demo.passerelle.test", access.RoleFosterCarer, access.OrgStructure, "placement_familial"},
	{"directrice-ditep@demo.passerelle.test", access.RoleDirector, access.OrgStructure, "ditep"},
	{"educatrice-mecs@demo.passerelle.test", access.RoleEducator, access.OrgStructure, "mecs"},
}

func TestAccountsDocumented(t *testing.T) {
	if n := utf8.RuneCountInString(demo.Password); n < auth.MinPasswordLen {
		t.Fatalf("demo password has %d characters", n)
	}
	got := demo.Accounts()
	if len(got) != len(wantAccounts) {
		t.Fatalf("%d accounts, want %d", len(got), len(wantAccounts))
	}
	roles := map[access.Role]bool{}
	for i, a := range got {
		w := wantAccounts[i]
		if a.Email != w.email || a.Role != org.RoleLabel(w.role) || a.Organisation == "" {
			t.Errorf("account %d: %+v, want %s %s", i, a, w.email, w.role)
		}
		if p := auth.PasswordProblem(demo.Password, a.Email); p != "" {
			t.Errorf("%s cannot use the demo password: %s", a.Email, p)
		}
		if w.role.RequiresTwoFactor() != strings.Contains(a.Note, "double authentification") {
			t.Errorf("%s: note %q", a.Email, a.Note)
		}
		roles[w.role] = true
	}
	for _, r := range access.Roles {
		if !roles[r] {
			t.Errorf("no demo account for role %s", r)
		}
	}
}

// orgRow is an organisation as stored.
type orgRow struct {
	id, kind, name, typ, operator, commune, dep, email, phone string
	active, fictional                                         bool
}

func organisations(t *testing.T, d *db.DB) []orgRow {
	t.Helper()
	rows, err := d.SQL().Query(`SELECT id, kind, name, structure_type, coalesce(operator_id, ''), commune_code,
		departement, email, phone, active, fictional FROM organisations ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []orgRow
	for rows.Next() {
		var o orgRow
		if err := rows.Scan(&o.id, &o.kind, &o.name, &o.typ, &o.operator, &o.commune, &o.dep, &o.email,
			&o.phone, &o.active, &o.fictional); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.SQL().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func checkAudit(t *testing.T, d *db.DB) {
	t.Helper()
	rep, err := audit.Verify(bg, d)
	if err != nil || !rep.Intact {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}
}

// checkTerritory checks everything Load promises about the database.
func checkTerritory(t *testing.T, d *db.DB, s demo.Summary) {
	t.Helper()
	orgs := organisations(t, d)
	if s.Departement != "42" || s.Organisations != len(orgs) || !reflect.DeepEqual(s.Accounts, demo.Accounts()) {
		t.Fatalf("summary %+v for %d organisations", s, len(orgs))
	}
	byID := map[string]orgRow{}
	kinds := map[string]int{}
	types := map[string]int{}
	communes := map[string]bool{}
	for _, o := range orgs {
		byID[o.id] = o
		kinds[o.kind]++
		if o.typ != "" {
			types[o.typ]++
		}
		if !o.fictional || !o.active {
			t.Errorf("%s: fictional %v, active %v", o.name, o.fictional, o.active)
		}
		if !strings.HasSuffix(o.name, " (fictif)") && !strings.HasSuffix(o.name, " (démo)") {
			t.Errorf("%s: the name does not say it is fictional", o.name)
		}
		if !strings.HasSuffix(o.email, "@demo.passerelle.test") || !strings.HasPrefix(o.phone, "04 99 ") {
			t.Errorf("%s: contact %s %s", o.name, o.email, o.phone)
		}
		if o.kind == string(access.OrgPlatform) {
			if o.commune != "" {
				t.Errorf("the platform has commune %s", o.commune)
			}
			continue
		}
		c, ok := geo.CommuneByCode(o.commune)
		if !ok || c.Departement != "42" || o.dep != "42" || c.Code != o.commune {
			t.Errorf("%s: commune %q (found %v, %+v), département %q", o.name, o.commune, ok, c, o.dep)
		}
		communes[o.commune] = true
	}
	if s.Structures != kinds["structure"] || s.Structures < 20 || s.Structures > 30 {
		t.Errorf("%d structures (summary %d), want about 25", kinds["structure"], s.Structures)
	}
	if kinds["operator"] < 3 || kinds["operator"] > 4 {
		t.Errorf("%d operators", kinds["operator"])
	}
	for _, k := range []string{"ase", "ars", "mdph", "pjj", "platform"} {
		if kinds[k] != 1 {
			t.Errorf("%d organisations of kind %s", kinds[k], k)
		}
	}
	// Every type DOMAIN.md names; the others come from FINESS categories.
	for _, st := range org.StructureTypes {
		if types[st.Code] == 0 && !finessOnly[st.Code] {
			t.Errorf("no structure of type %s", st.Code)
		}
	}
	names := map[string]bool{}
	for code := range communes {
		c, _ := geo.CommuneByCode(code)
		names[c.Name] = true
	}
	for _, n := range []string{"Saint-Étienne", "Roanne", "Montbrison", "Firminy", "Saint-Chamond", "Rive-de-Gier",
		"Feurs", "Andrézieux-Bouthéon", "Riorges", "Boën-sur-Lignon", "Charlieu", "Saint-Just-Saint-Rambert",
		"Veauche", "Le Chambon-Feugerolles", "Roche-la-Molière"} {
		if !names[n] {
			t.Errorf("no organisation in %s", n)
		}
	}
	for _, o := range orgs {
		if o.operator != "" && byID[o.operator].kind != string(access.OrgOperator) {
			t.Errorf("%s: operator %s is not an operator", o.name, o.operator)
		}
		if o.kind == "structure" && o.operator != "" {
			kinds["managed"]++
		}
	}
	if kinds["managed"] < 15 {
		t.Errorf("only %d structures have an operator", kinds["managed"])
	}

	// Accounts: one membership each, with the documented role and place.
	orgOf := map[string]string{}
	for _, w := range wantAccounts {
		rows, err := d.SQL().Query(`SELECT m.role, m.organisation_id, a.totp_enabled, a.active
			FROM accounts a JOIN memberships m ON m.account_id = a.id WHERE a.email = $1`, w.email)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var role, orgID string
			var totp, active bool
			if err := rows.Scan(&role, &orgID, &totp, &active); err != nil {
				t.Fatal(err)
			}
			o := byID[orgID]
			if role != string(w.role) || o.kind != string(w.kind) || o.typ != w.typ || totp || !active {
				t.Errorf("%s: role %s in %s (%s %s), totp %v, active %v", w.email, role, o.name, o.kind, o.typ, totp, active)
			}
			orgOf[w.email] = orgID
			n++
		}
		rows.Close()
		if n != 1 {
			t.Errorf("%s: %d memberships", w.email, n)
		}
	}
	if n := count(t, d, `SELECT count(*) FROM accounts`); n != len(wantAccounts) {
		t.Errorf("%d accounts", n)
	}
	if orgOf["directeur@demo.passerelle.test"] != orgOf["educatrice-mecs@demo.passerelle.test"] ||
		orgOf["directrice-ditep@demo.passerelle.test"] != orgOf["educateur@demo.passerelle.test"] {
		t.Error("the directors do not lead the teams of their structures")
	}
	// Web tests take the first MECS by name as the director's.
	ctx := access.WithActor(bg, access.Actor{AccountID: "x", Memberships: []access.Membership{{Role: access.RoleEducator}}})
	mecs, _, err := (&org.Service{DB: d}).List(ctx, org.Filter{StructureType: "mecs"})
	if err != nil || len(mecs) == 0 || mecs[0].ID != orgOf["directeur@demo.passerelle.test"] {
		t.Errorf("the director's MECS is not the first by name: %v", err)
	}

	// One hash for all, and it is the demo password's.
	var hash string
	if err := d.SQL().QueryRow(`SELECT password_hash FROM accounts WHERE email = 'admin@demo.passerelle.test'`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !auth.CheckPassword(hash, demo.Password) {
		t.Error("the admin's hash does not match the demo password")
	}
	if n := count(t, d, `SELECT count(DISTINCT password_hash) FROM accounts`); n != 1 {
		t.Errorf("%d distinct hashes", n)
	}
	if n := count(t, d, `SELECT count(*) FROM audit_log WHERE action = 'demo.load' AND seq > (SELECT coalesce(max(seq), 0) FROM audit_log WHERE action = 'demo.reset')`); n != len(orgs)+len(wantAccounts) {
		t.Errorf("%d demo.load audit rows for %d organisations and %d accounts", n, len(orgs), len(wantAccounts))
	}
	checkAudit(t, d)
}

func TestLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, loaded, err := demo.Load(bg, d)
		if err != nil || !loaded {
			t.Fatalf("first load: %v, loaded %v", err, loaded)
		}
		checkTerritory(t, d, s)
		auditRows := count(t, d, `SELECT count(*) FROM audit_log`)

		again, loaded, err := demo.Load(bg, d)
		if err != nil || loaded {
			t.Fatalf("second load: %v, loaded %v", err, loaded)
		}
		if !reflect.DeepEqual(again, s) {
			t.Fatalf("second load summary\n%+v\nwant\n%+v", again, s)
		}
		checkTerritory(t, d, again)
		if n := count(t, d, `SELECT count(*) FROM audit_log`); n != auditRows {
			t.Fatalf("second load wrote %d audit rows", n-auditRows)
		}

		// A demo account deactivated is no longer announced.
		if _, err := d.SQL().Exec(`UPDATE accounts SET active = FALSE WHERE email = 'famille@demo.passerelle.test'`); err != nil {
			t.Fatal(err)
		}
		again, _, err = demo.Load(bg, d)
		if err != nil || len(again.Accounts) != len(s.Accounts)-1 {
			t.Fatalf("after deactivation: %d accounts, %v", len(again.Accounts), err)
		}
	})
}

func TestLoadLeavesRealDataAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if err := d.Write(bg, func(tx *db.Tx) error {
			_, err := tx.ExecContext(bg, `INSERT INTO organisations (id, kind, name, created_at, updated_at)
				VALUES ($1, 'ase', 'ASE du Rhône', $2, $2)`, db.NewID(), tx.Now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		s, loaded, err := demo.Load(bg, d)
		if err != nil || loaded || !reflect.DeepEqual(s, demo.Summary{}) {
			t.Fatalf("load on real data: %+v, loaded %v, %v", s, loaded, err)
		}
		if n := count(t, d, `SELECT count(*) FROM organisations`) + count(t, d, `SELECT count(*) FROM accounts`); n != 1 {
			t.Fatalf("load on real data wrote rows: %d", n)
		}
	})
}

func TestReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		first, err := demo.Reset(bg, d) // on an empty database: a plain load
		if err != nil {
			t.Fatal(err)
		}
		checkTerritory(t, d, first)
		before := organisations(t, d)

		// What people did since: a new organisation, a session, a failed login, a job.
		if err := d.Write(bg, func(tx *db.Tx) error {
			for _, q := range []string{
				`INSERT INTO organisations (id, kind, name, created_at, updated_at) VALUES ('` + db.NewID() + `', 'structure', 'Ajoutée', $1, $1)`,
				`INSERT INTO sessions (token, data, expiry) VALUES ('tok', 'x', $1)`,
				`INSERT INTO login_failures (id, email, ip, at) VALUES ('` + db.NewID() + `', 'x@y.z', '127.0.0.1', $1)`,
				`INSERT INTO jobs (id, kind, run_at, created_at) VALUES ('` + db.NewID() + `', 'mail.send', $1, $1)`,
				`INSERT INTO api_tokens (id, account_id, name, token_hash, created_at)
					SELECT '` + db.NewID() + `', id, 'test', 'h', $1 FROM accounts WHERE email = 'admin@demo.passerelle.test'`,
			} {
				if _, err := tx.ExecContext(bg, q, tx.Now); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		second, err := demo.Reset(bg, d)
		if err != nil {
			t.Fatal(err)
		}
		checkTerritory(t, d, second)
		if _, err := demo.Reset(bg, d); err != nil {
			t.Fatal(err)
		}
		checkTerritory(t, d, first)
		after := organisations(t, d)
		if len(after) != len(before) || after[0].id == before[0].id {
			t.Fatalf("reset did not replace the organisations: %d then %d", len(before), len(after))
		}
		for _, table := range []string{"sessions", "login_failures", "jobs", "api_tokens"} {
			if n := count(t, d, `SELECT count(*) FROM `+table); n != 0 {
				t.Errorf("%s keeps %d rows", table, n)
			}
		}
		if n := count(t, d, `SELECT count(*) FROM audit_log WHERE action = 'demo.reset'`); n != 3 {
			t.Errorf("%d demo.reset audit rows", n)
		}
		if n := count(t, d, `SELECT count(*) FROM audit_log WHERE action = 'demo.load'`); n != 3*(len(before)+len(wantAccounts)) {
			t.Errorf("%d demo.load audit rows: the log lost rows", n)
		}
		checkAudit(t, d)
	})
}

// Several servers starting at once on the same empty database load it once.
func TestConcurrentLoads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		type result struct {
			s      demo.Summary
			loaded bool
			err    error
		}
		results := make(chan result, 3)
		for range 3 {
			go func() {
				s, loaded, err := demo.Load(bg, d)
				results <- result{s, loaded, err}
			}()
		}
		loads := 0
		for range 3 {
			r := <-results
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.loaded {
				loads++
			}
			if len(r.s.Accounts) != len(wantAccounts) {
				t.Errorf("summary with %d accounts", len(r.s.Accounts))
			}
		}
		if loads != 1 {
			t.Fatalf("%d loads", loads)
		}
		s, _, err := demo.Load(bg, d)
		if err != nil {
			t.Fatal(err)
		}
		checkTerritory(t, d, s)
	})
}

// finessOnly are the structure types that only FINESS imports bring.
var finessOnly = map[string]bool{"aemo": true, "prevention": true, "mna": true, "autre_protection": true, "eeap": true,
	"ies": true, "accueil_temporaire": true, "cafs": true, "autre_medico_social": true, "pjj": true}
