package web_test

import (
	"net/http"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/export/pdftext"
)

// The report of the demo's heatwave, as the steering prints it: French
// punctuation stays with the word before it and « h » with its number when
// a cell wraps (a decision line started with « h ; hydratation »), and the timeline's heading is not
// left with its header alone at the bottom of the first page.
func TestCrisisReportLayout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var id string
		if err := e.db.Read(sys(), func(tx *db.Tx) error {
			return tx.QueryRowContext(sys(), `SELECT id FROM crises WHERE kind = 'heatwave' AND ended_at IS NOT NULL`).Scan(&id)
		}); err != nil {
			t.Fatal(err)
		}
		resp, body := e.get(e.login(steering), "/crises/"+id+"/rapport.pdf")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("report: %d", resp.StatusCode)
		}
		for i, page := range pdftext.Pages(t, []byte(body)) {
			for _, line := range strings.Split(page, "\n") {
				if l := strings.TrimSpace(line); strings.HasPrefix(l, ";") || strings.HasPrefix(l, ":") || strings.HasPrefix(l, "h ") {
					t.Errorf("page %d: a line starts with punctuation: %q", i+1, l)
				}
			}
			if strings.Contains(page, "Chronologie") && !strings.Contains(page, "Activation") {
				t.Errorf("page %d: the timeline's heading is left without its first event", i+1)
			}
		}
	})
}

// The link of a status reminder opened after the crisis ended says so in
// French (the error page's title was the English "Conflict").
func TestCrisisEndedStatusFormInFrench(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var id string
		if err := e.db.Read(sys(), func(tx *db.Tx) error {
			return tx.QueryRowContext(sys(), `SELECT id FROM crises WHERE kind = 'heatwave' AND ended_at IS NOT NULL`).Scan(&id)
		}); err != nil {
			t.Fatal(err)
		}
		resp, body := e.get(e.login(director), "/crises/"+id+"/etat")
		mustContain(t, resp, body, http.StatusConflict, "Action impossible", "Cette crise est terminée")
		if strings.Contains(body, ">Conflict<") {
			t.Fatal("the error page's title is in English")
		}
	})
}
