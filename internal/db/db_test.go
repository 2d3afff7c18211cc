package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

func TestTransactionsAndConstraints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fixed := time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("x", 3600))
		d.Clock = func() time.Time { return fixed }
		id := db.NewID()
		insert := func(tx *db.Tx, id, email string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, email, display_name, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $4)`, id, email, "Test", tx.Now)
			return err
		}
		if err := d.Write(ctx, func(tx *db.Tx) error { return insert(tx, id, "a@example.test") }); err != nil {
			t.Fatal(err)
		}
		// A failing function rolls back.
		boom := errors.New("boom")
		err := d.Write(ctx, func(tx *db.Tx) error {
			if err := insert(tx, db.NewID(), "b@example.test"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("want boom, got %v", err)
		}
		// Unique violations are recognised by code, not by text.
		err = d.Write(ctx, func(tx *db.Tx) error { return insert(tx, db.NewID(), "a@example.test") })
		if !db.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
		var n int
		var created time.Time
		if err := d.Read(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts`).Scan(&n); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT created_at FROM accounts WHERE id = $1`, id).Scan(&created)
		}); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("want 1 account after rollback, got %d", n)
		}
		want := fixed.UTC().Truncate(time.Microsecond)
		if !created.Equal(want) {
			t.Fatalf("stored time %v, want %v", created, want)
		}
		// Foreign keys are enforced on both.
		err = d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO memberships (account_id, organisation_id, role, created_at)
				VALUES ($1, 'nope', 'educator', $2)`, id, tx.Now)
			return err
		})
		if !db.IsForeignKeyViolation(err) {
			t.Fatalf("want foreign key violation, got %v", err)
		}
	})
}

func TestOpenRejectsUnreachablePostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := db.Open(ctx, "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("want an error")
	}
	if contains(err.Error(), "secret") {
		t.Fatalf("error leaks the password: %v", err)
	}
}

func TestIDs(t *testing.T) {
	a, b := db.NewID(), db.NewID()
	if a == b || !db.ValidID(a) || db.ValidID("x") || db.ValidID("") {
		t.Fatal("ids")
	}
	if a > b {
		t.Fatal("ids must be time ordered")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// Several servers starting at once on one database migrate it once, without errors.
func TestConcurrentMigrations(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			url := dbtest.URL(t, dialect)
			errs := make(chan error, 3)
			for range 3 {
				go func() {
					d, err := db.Open(context.Background(), url)
					if err != nil {
						errs <- err
						return
					}
					defer d.Close()
					errs <- d.Migrate(context.Background())
				}()
			}
			for range 3 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if dialect == db.SQLite {
				d := dbtest.Open(t, db.SQLite)
				var mode string
				if err := d.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
					t.Fatalf("journal mode %q, %v", mode, err)
				}
			}
		})
	}
}
