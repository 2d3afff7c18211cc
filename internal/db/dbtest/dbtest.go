// Package dbtest gives tests a real, migrated database of each dialect: a
// fresh SQLite file, and a fresh schema in the PostgreSQL server named by
// PASSERELLE_TEST_POSTGRES_URL (started by ./scripts/test).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"passerelle/internal/db"
)

// EnvPostgres names the variable holding the test PostgreSQL server's URL.
const EnvPostgres = "PASSERELLE_TEST_POSTGRES_URL"

// Each runs fn once on SQLite and once on PostgreSQL, as subtests named
// "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, Open(t, dialect))
		})
	}
}

// Open returns a migrated, empty database of the dialect, removed when the
// test ends. Without a PostgreSQL server the test is skipped, or fails when
// CI=true so that CI never passes without PostgreSQL.
func Open(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	rawURL := URL(t, dialect)
	d, err := db.Open(context.Background(), rawURL)
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return d
}

// URL returns the URL of a fresh, empty database of the dialect, for tests
// that start a whole server (its own process, or its own Open).
func URL(t testing.TB, dialect db.Dialect) string {
	t.Helper()
	if dialect == db.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "passerelle.db")
	}
	base := PostgresURL(t)
	schema := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresURL returns the test server's URL, skipping (or failing on CI)
// when there is none.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: on CI every storage test must run on PostgreSQL (use ./scripts/test)", EnvPostgres)
		}
		t.Skipf("%s not set: PostgreSQL part skipped (./scripts/test starts a server)", EnvPostgres)
	}
	return base
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
