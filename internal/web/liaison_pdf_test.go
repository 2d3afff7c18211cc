package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/export/pdftext"
)

// A liaison note printed as a PDF: the recipient gets it (the child named,
// the four parts, the receipts, the attachments, a file name without the
// child's name), the sender sees the receipt on it afterwards; an account
// outside the circle gets the same 404 as for the note's page; each print
// is in the audit log and in the record's access log.
func TestLiaisonPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.login(educatorMECS)
		_, body := e.get(lea, "/enfants")
		child := "/enfants/" + between(body, `<a href="/enfants/`, `"`)
		childID := strings.TrimPrefix(child, "/enfants/")
		note := url.Values{"context": {"Lucas est accueilli à la MECS depuis septembre."},
			"happened": {"Crise dimanche soir au retour du week-end : « je ne veux pas rentrer ».\nIl s’est calmé vers 21 h."},
			"asked":    {"Pouvez-vous nous appeler jeudi ?"}, "recipients": {e.orgID("DITEP Le Gier (fictif)")}}
		resp, body := e.postMultipart(lea, child+"/liaison", note, "attachments", "planning-été.pdf", []byte("%PDF-1.4 planning"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d %s", resp.StatusCode, excerpt(body))
		}
		liaison := resp.Header.Get("Location")
		pdf := liaison + "/fiche.pdf"

		karim := e.login(educator)
		resp, body = e.get(karim, liaison)
		mustContain(t, resp, body, http.StatusOK, `href="`+pdf+`"`, "Imprimer (PDF)")
		name := between(body, "← Dossier de ", "</a>")
		if name == "" {
			t.Fatal("the note's page does not name the child")
		}

		resp, body = e.get(karim, pdf)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("PDF: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), excerpt(body))
		}
		disposition := resp.Header.Get("Content-Disposition")
		if !regexp.MustCompile(`^inline; filename=fiche-de-liaison-\d{4}-\d{2}-\d{2}\.pdf$`).MatchString(disposition) {
			t.Errorf("Content-Disposition: %q", disposition)
		}
		t.Run("text", func(t *testing.T) {
			text := pdftext.Text(t, []byte(body))
			for _, want := range []string{"Fiche de liaison", name, "MECS Beauregard (fictif)", "Contexte", "Lucas est accueilli à la MECS",
				"Ce qui s’est passé", "« je ne veux pas rentrer ».\nIl s’est calmé vers 21 h.", "Ce qui est demandé",
				"Pouvez-vous nous appeler jeudi ?", "DITEP Le Gier (fictif)", "Pas encore reçue", "planning-été.pdf",
				"Confidentiel — fiche de liaison — Passerelle", "page 1 / 1", "par Karim Haddad"} {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "Points de vigilance") {
				t.Error("an empty part is printed")
			}
		})

		if resp, _ := e.postForm(karim, liaison+"/reception", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", resp.StatusCode)
		}
		resp, body = e.get(lea, pdf)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the sender's PDF: %d", resp.StatusCode)
		}
		t.Run("receipt", func(t *testing.T) {
			if text := pdftext.Text(t, []byte(body)); !regexp.MustCompile(`Reçue le \d+ \S+ \d{4} à \d+ h \d{2}\s+par\s+Karim\s+Haddad`).MatchString(text) {
				t.Errorf("the receipt is not on the PDF:\n%s", text)
			}
		})

		// Outside the circle, or a parent (who never reads liaison notes):
		// the same refusal as for the note's page, 404 outside the circle.
		for who, want := range map[string]int{fosterCarer: http.StatusNotFound, parent: 0} {
			c := e.login(who)
			page, _ := e.get(c, liaison)
			resp, body := e.get(c, pdf)
			if want == 0 {
				want = page.StatusCode
			}
			if resp.StatusCode != page.StatusCode || resp.StatusCode != want || want == http.StatusOK || strings.HasPrefix(body, "%PDF") {
				t.Errorf("%s: the note's page %d, its PDF %d", who, page.StatusCode, resp.StatusCode)
			}
		}

		var prints int
		var details string
		if err := d.Read(sys(), func(tx *db.Tx) error {
			return tx.QueryRowContext(sys(), `SELECT count(*), max(details) FROM audit_log
				WHERE action = 'child.liaison.print' AND resource_type = 'child' AND resource_id = $1`, childID).Scan(&prints, &details)
		}); err != nil {
			t.Fatal(err)
		}
		if lid := liaison[strings.LastIndex(liaison, "/")+1:]; prints != 2 || !strings.Contains(details, lid) {
			t.Errorf("audit: %d prints, details %s, want 2 about %s", prints, details, lid)
		}
		resp, body = e.get(e.login(referent), child+"/acces")
		mustContain(t, resp, body, http.StatusOK, "a imprimé une fiche de liaison")
	})
}
