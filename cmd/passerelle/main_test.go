package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

func runCmd(env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
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
