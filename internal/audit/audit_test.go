package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

var admin = access.Actor{AccountID: "a1", Email: "admin@x.test",
	Memberships: []access.Membership{{OrganisationID: "p", Role: access.RoleAdmin}}}

func record(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := audit.WithRequest(access.WithActor(context.Background(), admin), audit.Request{ID: "req", IP: "127.0.0.1"})
	for i := range n {
		err := d.Write(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Entry{Action: "test.write", ResourceType: "thing",
				ResourceID: fmt.Sprint(i), Details: map[string]any{"i": i, "note": "é\"\n"}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	cases := []struct {
		name, sql, want string
	}{
		{"intact", "", ""},
		{"row changed", `UPDATE audit_log SET actor_label = 'someone@else' WHERE seq = 3`, "ligne 3 modifiée"},
		{"row removed", `DELETE FROM audit_log WHERE seq = 2`, "ligne 2 absente"},
		{"last row removed", `DELETE FROM audit_log WHERE seq = 5`, "s'arrête à la ligne 4"},
		{"row replaced with a recomputed-looking one", `UPDATE audit_log SET prev_hash = 'x' WHERE seq = 4`, "ligne 4 ne suit pas"},
		{"time changed", `UPDATE audit_log SET at = created WHERE seq = 1`, "ligne 1 modifiée"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				record(t, d, 5)
				if c.sql != "" {
					q := c.sql
					if strings.Contains(q, "created") { // shift one row's time by a second
						q = `UPDATE audit_log SET at = (SELECT at FROM audit_log WHERE seq = 2) WHERE seq = 1`
					}
					if _, err := d.SQL().Exec(q); err != nil {
						t.Fatal(err)
					}
				}
				rep, err := audit.Verify(context.Background(), d)
				if err != nil {
					t.Fatal(err)
				}
				if c.want == "" {
					if !rep.Intact || rep.Rows != 5 {
						t.Fatalf("want intact log of 5 rows, got %+v", rep)
					}
					return
				}
				if rep.Intact || !strings.Contains(rep.Problem, c.want) {
					t.Fatalf("want problem %q, got %+v", c.want, rep)
				}
			})
		})
	}
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { record(t, d, 10) })
		}
		wg.Wait()
		rep, err := audit.Verify(context.Background(), d)
		if err != nil || !rep.Intact || rep.Rows != 80 {
			t.Fatalf("want intact chain of 80 rows, got %+v, %v", rep, err)
		}
	})
}

func TestListIsForAdminsAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		record(t, d, 3)
		educator := access.Actor{AccountID: "e", Email: "e@x.test",
			Memberships: []access.Membership{{OrganisationID: "s", Role: access.RoleEducator}}}
		_, err := audit.List(access.WithActor(context.Background(), educator), d, audit.Filter{})
		if !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("educator: want forbidden, got %v", err)
		}
		ctx := access.WithActor(context.Background(), admin)
		rows, err := audit.List(ctx, d, audit.Filter{Actor: "ADMIN@", ResourceID: "1"})
		if err != nil || len(rows) != 1 || rows[0].ResourceID != "1" || rows[0].IP != "127.0.0.1" {
			t.Fatalf("filter: %+v %v", rows, err)
		}
		rows, err = audit.List(ctx, d, audit.Filter{Action: "test.", Limit: 2})
		if err != nil || len(rows) != 2 || rows[0].Seq != 3 {
			t.Fatalf("prefix + newest first: %+v %v", rows, err)
		}
		rows, _ = audit.List(ctx, d, audit.Filter{Action: "test.", BeforeSeq: 2})
		if len(rows) != 1 || rows[0].Seq != 1 {
			t.Fatalf("paging: %+v", rows)
		}
		rows, _ = audit.List(ctx, d, audit.Filter{Actor: "%"})
		if len(rows) != 0 {
			t.Fatalf("LIKE wildcards must be escaped, got %d rows", len(rows))
		}
	})
}

// Entries recorded at once by many callers through a Group are all in the
// log, once each, and the chain holds.
func TestGroupCommitsConcurrentEntries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var g audit.Group
		const n = 200
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := access.WithActor(context.Background(), admin)
				if i%7 == 0 {
					// A caller whose request ends does not fail the others.
					c, cancel := context.WithCancel(ctx)
					cancel()
					ctx = c
				}
				errs <- g.Record(ctx, d, audit.Entry{Action: "test.group", ResourceType: "thing", ResourceID: fmt.Sprint(i)})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var rows, distinct int
		if err := d.Read(context.Background(), func(tx *db.Tx) error {
			return tx.QueryRowContext(context.Background(), `SELECT count(*), count(DISTINCT resource_id) FROM audit_log
				WHERE action = 'test.group'`).Scan(&rows, &distinct)
		}); err != nil {
			t.Fatal(err)
		}
		if rows != n || distinct != n {
			t.Fatalf("%d rows, %d distinct, want %d", rows, distinct, n)
		}
		rep, err := audit.Verify(context.Background(), d)
		if err != nil || !rep.Intact {
			t.Fatalf("chain: %+v %v", rep, err)
		}
	})
}
