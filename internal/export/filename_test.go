package export_test

import (
	"strings"
	"testing"
	"time"

	"passerelle/internal/export"
)

func TestFilename(t *testing.T) {
	day := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		base, ext string
		at        time.Time
		want      string
	}{
		{"Annuaire", "csv", day, "annuaire-2026-11-23.csv"},
		{"Annuaire", ".xlsx", day, "annuaire-2026-11-23.xlsx"},
		{"Annuaire – Loire", "csv", day, "annuaire-loire-2026-11-23.csv"},
		{"Élèves & Œuvres à Saint-Étienne", "CSV", day, "eleves-oeuvres-a-saint-etienne-2026-11-23.csv"},
		{"  --Réunions d'équipe (2026)--  ", "csv", day, "reunions-d-equipe-2026-2026-11-23.csv"},
		{"Straße/Øst", "csv", day, "strasse-ost-2026-11-23.csv"},
		{"", "csv", day, "export-2026-11-23.csv"},
		{"日本語", "csv", day, "export-2026-11-23.csv"},
		{"../../etc/passwd", "csv", day, "etc-passwd-2026-11-23.csv"},
		{"Annuaire", "", day, "annuaire-2026-11-23"},
		// 23:30 UTC is already the next day in Paris.
		{"Annuaire", "csv", time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC), "annuaire-2026-11-24.csv"},
		{strings.Repeat("ab ", 30), "csv", day, strings.TrimSuffix(strings.Repeat("ab-", 20), "-") + "-2026-11-23.csv"},
	}
	for _, tt := range tests {
		if got := export.Filename(tt.base, tt.ext, tt.at); got != tt.want {
			t.Errorf("Filename(%q, %q, %v) = %q, want %q", tt.base, tt.ext, tt.at, got, tt.want)
		}
	}
}
