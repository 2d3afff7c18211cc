package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/export/pdftext"
)

// The project: the MECS educator adds an objective to the draft of
// Lucas's next version from her phone; the referent validates it with the
// mother's agreement (a disagreement without a reason is refused, nothing
// typed is lost), compares it with the version it replaces and prints it;
// the mother reads the new version.
func TestProjectVersionValidatedAndPrinted(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		lea := browser(t, 390, 844)
		login(t, lea, base, "educatrice-mecs")
		do(t, lea, toLucas(base, `#t-pro`),
			chromedp.Click(chromedp.CSS(`#projet a`)), chromedp.WaitVisible(chromedp.CSS(`#t-brouillon`)),
			chromedp.Click(chromedp.CSS(`a[href$="/projet/brouillon"]`)), chromedp.WaitVisible(chromedp.CSS(`.project-row`)))
		rows, err := chromedp.Run(lea, chromedp.Evaluate[int](`document.querySelectorAll(".project-row").length`))
		if err != nil {
			t.Fatal(err)
		}
		blank := rows - 3 // the first blank row
		sel := func(f string) string { return `#f-items\.` + strconv.Itoa(blank) + `\.` + f }
		do(t, lea, chromedp.SetValue(chromedp.CSS(sel("part")), "objective"),
			chromedp.SetValue(chromedp.CSS(sel("domain")), "daily"),
			chromedp.SendKeys(chromedp.CSS(sel("text")), "Préparer seul son sac le soir"))
		shot(t, lea, string(d.Dialect)+"-phone-project-draft")
		do(t, lea, chromedp.Click(chromedp.Search(`//button[contains(., "Enregistrer le brouillon")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Brouillon enregistré")]`)))

		desk := browser(t, 1366, 900)
		login(t, desk, base, "referent")
		do(t, desk, toLucas(base, `#t-pro`),
			chromedp.Click(chromedp.CSS(`#projet a`)), chromedp.WaitVisible(chromedp.CSS(`#f-review_on`)),
			chromedp.Click(chromedp.CSS(`label[for="ag-disagreed"]`)),
			chromedp.Click(chromedp.Search(`//button[contains(., "Valider la version 2")]`)),
			chromedp.WaitVisible(chromedp.CSS(`#e-agreement_note, .has-error #f-agreement_note`)))
		if checked, err := chromedp.Run(desk, chromedp.Evaluate[bool](`document.querySelector("#ag-disagreed").checked`)); err != nil || !checked {
			t.Fatalf("the answer typed is lost after the error: %v", err)
		}
		do(t, desk, chromedp.Click(chromedp.CSS(`label[for="ag-agreed"]`)),
			chromedp.Click(chromedp.Search(`//button[contains(., "Valider la version 2")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Version 2 validée")]`)))
		shot(t, desk, string(d.Dialect)+"-desktop-project")
		if got := text(t, desk, `article.project`); !strings.Contains(got, "Préparer seul son sac le soir") || !strings.Contains(got, "en cours") {
			t.Fatalf("the validated version reads: %q", got)
		}
		do(t, desk, chromedp.Click(chromedp.Search(`//button[contains(., "Comparer")]`)), chromedp.WaitVisible(chromedp.CSS(`.project-diff`)))
		shot(t, desk, string(d.Dialect)+"-desktop-project-compare")
		diff := text(t, desk, `.project-diff`)
		for _, want := range []string{"ajouté", "Préparer seul son sac le soir", "retiré", "Trajets accompagnés", "modifié", "tous les matins"} {
			if !strings.Contains(diff, want) {
				t.Fatalf("the comparison lacks %q: %q", want, diff)
			}
		}

		// Printed: a PDF, the child named, the care objective left out.
		pdf, err := chromedp.Run(desk, chromedp.Evaluate[string](`fetch(location.pathname.replace(/\/ecarts$/, "/versions/2/projet.pdf"))
			.then(r => r.arrayBuffer()).then(b => { let s = ""; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s); })`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := base64.StdEncoding.DecodeString(pdf)
		if !strings.HasPrefix(string(data), "%PDF-") {
			t.Fatalf("the print is not a PDF: %.40q", data)
		}
		if dir := os.Getenv("PASSERELLE_SCREENSHOTS"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, string(d.Dialect)+"-project.pdf"), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		mother := browser(t, 390, 844)
		login(t, mother, base, "famille")
		do(t, mother, chromedp.Navigate(base+"/enfants"), chromedp.WaitVisible(chromedp.Search(`//a[contains(., "Lucas")]`)),
			chromedp.Click(chromedp.Search(`//a[contains(., "Lucas")]`)), chromedp.WaitVisible(chromedp.CSS(`#t-pro`)),
			chromedp.Click(chromedp.CSS(`#projet a`)), chromedp.WaitVisible(chromedp.CSS(`article.project`)))
		shot(t, mother, string(d.Dialect)+"-phone-project-parent")
		if got := text(t, mother, `main`); !strings.Contains(got, "Version 2") || strings.Contains(got, "Écrire dans le brouillon") {
			t.Fatalf("the mother reads: %q", got)
		}
		text := pdftext.Text(t, data)
		for _, want := range []string{"Lucas Fontaine", "version 2", "Les parents sont d'accord", "Préparer seul son sac le soir",
			"réservés aux soignants"} {
			if !strings.Contains(text, want) {
				t.Fatalf("the PDF lacks %q:\n%s", want, text)
			}
		}
		// The referent does not read care: neither does her print.
		if strings.Contains(text, "orthophonie") {
			t.Fatalf("the referent's print shows a care objective:\n%s", text)
		}
	})
}
