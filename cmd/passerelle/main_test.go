package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

func runCmd(env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(env["stdin"]), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestAuditVerifyCatchesTampering(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			env := map[string]string{"PASSERELLE_DATABASE_URL": dbtest.URL(t, dialect)}
			if code, _, errs := runCmd(env, "demo", "reset"); code != 0 {
				t.Fatalf("demo reset: %s", errs)
			}
			code, out, _ := runCmd(env, "audit", "verify")
			if code != 0 || !strings.Contains(out, "intact") {
				t.Fatalf("fresh log: %d %s", code, out)
			}
			d, err := db.Open(context.Background(), env["PASSERELLE_DATABASE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if _, err := d.SQL().Exec(`UPDATE audit_log SET actor_label = 'quelqu''un d''autre' WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			code, _, errs := runCmd(env, "audit", "verify")
			if code != 1 || !strings.Contains(errs, "row 3") {
				t.Fatalf("tampered log: exit %d, %q", code, errs)
			}
		})
	}
}

func TestBadConfigurationIsOneClearLine(t *testing.T) {
	code, _, errs := runCmd(map[string]string{"PASSERELLE_ADDR": "pas-une-adresse", "PASSERELLE_DEMO": "peut-être"}, "serve")
	if code == 0 || !strings.Contains(errs, "PASSERELLE_ADDR") || !strings.Contains(errs, "PASSERELLE_DEMO") || strings.Contains(errs, "goroutine") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	code, _, errs = runCmd(nil, "nonsense")
	if code != 2 || !strings.Contains(errs, "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errs)
	}
	code, _, errs = runCmd(map[string]string{"PASSERELLE_DATABASE_URL": "postgres://u:secret@127.0.0.1:1/x?connect_timeout=2"}, "migrate")
	if code == 0 || strings.Contains(errs, "secret") {
		t.Fatalf("unreachable database: exit %d, %q", code, errs)
	}
}

func TestTokenCreate(t *testing.T) {
	env := map[string]string{"PASSERELLE_DATABASE_URL": dbtest.URL(t, db.SQLite)}
	if code, _, errs := runCmd(env, "demo", "reset"); code != 0 {
		t.Fatal(errs)
	}
	code, out, _ := runCmd(env, "token", "create", "--email", "referent@demo.passerelle.test")
	if code != 0 || !strings.HasPrefix(out, "psl_") {
		t.Fatalf("token create: %d %q", code, out)
	}
	code, _, errs := runCmd(env, "token", "create", "--email", "personne@nulle.part")
	if code == 0 || errs == "" {
		t.Fatalf("unknown account: %d %q", code, errs)
	}
}

// An operator who starts without the demo creates the first administrator.
func TestAdminCreateOnEmptyDatabase(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			env := map[string]string{"PASSERELLE_DATABASE_URL": dbtest.URL(t, dialect), "PASSERELLE_DEMO": "off"}
			if code, _, errs := runCmd(env, "migrate"); code != 0 {
				t.Fatal(errs)
			}
			env["stdin"] = "court\n"
			code, _, errs := runCmd(env, "admin", "create", "--email", "dsi@loire.example", "--name", "Camille Dupont")
			if code == 0 || !strings.Contains(errs, "password") {
				t.Fatalf("weak password accepted: %d %q", code, errs)
			}
			env["stdin"] = "une phrase de passe solide\n"
			code, out, errs := runCmd(env, "admin", "create", "--email", "dsi@loire.example", "--name", "Camille Dupont")
			if code != 0 || !strings.Contains(out, "dsi@loire.example") {
				t.Fatalf("admin create: %d %q %q", code, out, errs)
			}
			d, err := db.Open(context.Background(), env["PASSERELLE_DATABASE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			svc := &auth.Service{DB: d}
			res, err := svc.Login(context.Background(), "dsi@loire.example", "une phrase de passe solide")
			if err != nil || !res.TOTPEnrolmentRequired {
				t.Fatalf("the new admin logs in and must enrol TOTP: %+v %v", res, err)
			}
			// A second administrator joins the same platform organisation.
			env["stdin"] = "une autre phrase solide\n"
			if code, _, errs := runCmd(env, "admin", "create", "--email", "rssi@loire.example", "--name", "Sam Roux"); code != 0 {
				t.Fatal(errs)
			}
			var platforms int
			d.SQL().QueryRow(`SELECT count(*) FROM organisations WHERE kind = 'platform'`).Scan(&platforms)
			if platforms != 1 {
				t.Fatalf("%d platform organisations", platforms)
			}
		})
	}
}
