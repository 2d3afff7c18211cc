package indicators

import "passerelle/internal/db"

// The few expressions the two databases write differently. SQLite keeps
// instants as UTC text ("2026-11-23 10:00:00.123+00:00"), PostgreSQL as
// timestamptz; days are 'YYYY-MM-DD' text in both.

// monthOf is the UTC month 'YYYY-MM' of an instant column.
func monthOf(d db.Dialect, col string) string {
	if d == db.Postgres {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')"
	}
	return "substr(" + col + ", 1, 7)"
}

// hoursBetween is the whole number of hours from one instant to another.
func hoursBetween(d db.Dialect, from, to string) string {
	if d == db.Postgres {
		return "CAST(FLOOR(EXTRACT(EPOCH FROM (" + to + " - " + from + ")) / 3600) AS INTEGER)"
	}
	return "CAST((julianday(" + to + ") - julianday(" + from + ")) * 24 AS INTEGER)"
}

// daysBetween is the number of days from one 'YYYY-MM-DD' day to another.
func daysBetween(d db.Dialect, from, to string) string {
	if d == db.Postgres {
		return "(CAST(" + to + " AS DATE) - CAST(" + from + " AS DATE))"
	}
	return "CAST(julianday(" + to + ") - julianday(" + from + ") AS INTEGER)"
}
