package main

import (
	"io"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// A short run on each database takes every place once, and the check says
// so; the figures are counted as they are declared.
func TestRun(t *testing.T) {
	stdout, stderr = io.Discard, io.Discard
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			url := dbtest.URL(t, dialect)
			c, err := run(url, 12, 20, 2, 3, 2, "")
			if err != nil {
				t.Fatal(err)
			}
			if !c.OK || c.Declarations != 40 || c.Places != 80 || c.Successful != 80 || c.HoldRows != 80 ||
				c.DoubleBookings != 0 || c.TakenMismatch != 0 || !c.AuditIntact || c.BaselineSuccessful != 3*40 {
				t.Errorf("check %+v", c)
			}
			// A second run on the same database is refused: its check
			// would count the first run's figures.
			if _, err := run(url, 4, 2, 1, 1, 1, ""); err == nil {
				t.Error("a second run on the same database was not refused")
			}
		})
	}
}

func TestQueuePicksWithinTheWindow(t *testing.T) {
	q := newQueue([]string{"a", "b", "c", "d", "e"}, 2)
	r := newRand(1)
	for range 50 {
		if i, ok := q.pick(r); !ok || i > 1 {
			t.Fatalf("pick %d %v", i, ok)
		}
	}
	q.full[0].Store(true)
	q.full[2].Store(true)
	for range 50 {
		if i, ok := q.pick(r); !ok || i < 1 || i > 2 {
			t.Fatalf("pick after the first is full: %d %v", i, ok)
		}
	}
	for i := range q.full {
		q.full[i].Store(true)
	}
	if _, ok := q.pick(r); ok {
		t.Fatal("picked a figure when all are full")
	}
}
