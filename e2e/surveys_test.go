package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// fillSurvey answers every question shown, in order (a condition points to
// an earlier question, so each answer may show the next ones): the first
// choice, 4 for a number, a date, a sentence for a text.
const fillSurvey = `(() => {
  for (const q of document.querySelectorAll("form[data-survey] .survey-q")) {
    if (q.hidden) continue;
    const boxes = q.querySelectorAll("input[type=radio], input[type=checkbox]");
    if (boxes.length) { if (![...boxes].some(b => b.checked)) boxes[0].click(); continue; }
    const i = q.querySelector("input, textarea");
    if (i.value) continue;
    i.value = i.type === "date" ? "2023-09-01" : (i.inputMode === "decimal" ? "4" : "Une réunion mensuelle avec l'IME voisin.");
    i.dispatchEvent(new Event("change", {bubbles: true}));
  }
  return true;
})()`

// question finds a question of the answer sheet by words of its label.
func question(words string) string {
	return `//div[contains(@class, "survey-q")][.//legend[contains(., "` + words + `")] or .//label[contains(., "` + words + `")]]`
}

// The cooperation survey's journey: the demo's steering launches it to
// the whole département after checking who will receive it; the MECS's
// director answers on her phone (a draft, then the answer, a conditional
// question appearing as she answers); the deadline passes and the DITEP
// answers late; the results show rates, counts, charts with their tables,
// and download as CSV and XLSX. Last July's flash survey has its results.
func TestSurveyCooperationCampaign(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		desk := browser(t, 1280, 900)
		loginWithCode(t, desk, d, base, "pilotage")
		do(t, desk, chromedp.Navigate(base+"/enquetes"), chromedp.WaitVisible(chromedp.CSS(`#t-enquetes`)))
		shot(t, desk, string(d.Dialect)+"-desktop-surveys")
		do(t, desk, chromedp.Click(chromedp.Search(`//section[@aria-labelledby="t-enquetes"]//a[contains(., "Coopération entre protection")]`)),
			chromedp.WaitVisible(chromedp.CSS(`.survey-section`)))
		shot(t, desk, string(d.Dialect)+"-desktop-survey-builder")
		builder, err := chromedp.Run(desk, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		do(t, desk, chromedp.EmulateViewport(390, 844))
		shot(t, desk, string(d.Dialect)+"-phone-survey-builder")
		do(t, desk, chromedp.Navigate(builder+"/questions/nouvelle"), chromedp.WaitVisible(chromedp.CSS(`#f-kind`)),
			chromedp.SetValue(chromedp.CSS(`#f-kind`), "scale"))
		script(t, desk, `document.querySelector("#f-kind").dispatchEvent(new Event("change")), true`)
		if shown, err := chromedp.Run(desk, chromedp.Evaluate[bool](`document.querySelector("#f-options").closest("[data-kinds]").hidden &&
			!document.querySelector("#f-min_label").closest("[data-kinds]").hidden`)); err != nil || !shown {
			t.Fatalf("the scale's fields are not the ones shown: %v", err)
		}
		shot(t, desk, string(d.Dialect)+"-phone-survey-question")
		do(t, desk, chromedp.Navigate(builder+"/apercu"), chromedp.WaitVisible(chromedp.CSS(`form[data-survey]`)))
		shot(t, desk, string(d.Dialect)+"-phone-survey-preview")
		do(t, desk, chromedp.EmulateViewport(1280, 900))

		// The launch: check, then launch to the whole département.
		do(t, desk, chromedp.Navigate(builder+"/lancement"), chromedp.WaitVisible(chromedp.CSS(`#f-deadline`)),
			chromedp.Click(chromedp.Search(`//button[contains(., "Vérifier")]`)),
			chromedp.WaitVisible(chromedp.CSS(`#apercu`)))
		preview := text(t, desk, `#apercu`)
		if !strings.Contains(preview, "L'enquête partira à") || !strings.Contains(preview, "MECS Beauregard") || !strings.Contains(preview, "DITEP Le Gier") {
			t.Fatalf("the check: %q", preview)
		}
		shot(t, desk, string(d.Dialect)+"-desktop-survey-launch")
		do(t, desk, chromedp.Click(chromedp.Search(`//button[contains(., "Lancer auprès de ces")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Enquête lancée")]`)))
		results, err := chromedp.Run(desk, chromedp.Location())
		if err != nil || !strings.HasSuffix(results, "/resultats") {
			t.Fatalf("after the launch: %s %v", results, err)
		}
		campaign := strings.TrimSuffix(strings.TrimPrefix(results, base+"/campagnes/"), "/resultats")

		// The MECS's director, on her phone: a draft, then the answer.
		phone := browser(t, 390, 844)
		login(t, phone, base, "directeur")
		do(t, phone, chromedp.Navigate(base+"/enquetes"), chromedp.WaitVisible(chromedp.CSS(`#t-a-remplir`)),
			chromedp.Click(chromedp.Search(`//section[@aria-labelledby="t-a-remplir"]//a[contains(., "Coopération")]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[data-survey]`)))
		hidden := `document.evaluate('` + question("Sur quoi portent") + `', document, null, 9, null).singleNodeValue.hidden`
		if h, err := chromedp.Run(phone, chromedp.Evaluate[bool](hidden)); err != nil || !h {
			t.Fatalf("a conditional question shows before its answer: %v", err)
		}
		do(t, phone, chromedp.Click(chromedp.Search(question("Les autorités de votre territoire")+`//label[.="Oui"]`)))
		if h, err := chromedp.Run(phone, chromedp.Evaluate[bool](hidden)); err != nil || h {
			t.Fatalf("the conditional question stays hidden after « Oui »: %v", err)
		}
		do(t, phone, chromedp.Click(chromedp.Search(question("Quel type de structure")+`//label[.="MECS"]`)),
			chromedp.Click(chromedp.Search(`//button[contains(., "Enregistrer le brouillon")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Brouillon enregistré")]`)))
		if checked, err := chromedp.Run(phone, chromedp.Evaluate[bool](`[...document.querySelectorAll("input[type=radio]")].some(r => r.checked && r.value === "MECS")`)); err != nil || !checked {
			t.Fatalf("the draft lost its answer: %v", err)
		}
		wider, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || wider {
			t.Fatalf("the questionnaire is wider than the phone: %v", err)
		}
		shot(t, phone, string(d.Dialect)+"-phone-survey-answer")
		do(t, phone, chromedp.Click(chromedp.CSS(`button[value=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#form-errors`)))
		if got := text(t, phone, `#form-errors`); !strings.Contains(got, "Question 2") {
			t.Fatalf("an incomplete answer: %q", got)
		}
		shot(t, phone, string(d.Dialect)+"-phone-survey-answer-errors")
		script(t, phone, fillSurvey)
		do(t, phone, chromedp.Click(chromedp.CSS(`button[value=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Réponse envoyée")]`)))

		// The deadline passes (moved in the database with the MECS's
		// answer, before it: moving the server's clock would end the
		// sessions); the DITEP's director answers late, on a desk.
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.ExecContext(context.Background(), `UPDATE survey_campaigns SET deadline_at = $1 WHERE id = $2`, tx.Now.Add(-time.Hour), campaign)
			if err == nil {
				_, err = tx.ExecContext(context.Background(), `UPDATE survey_answers SET submitted_at = $1, saved_at = $1 WHERE campaign_id = $2`,
					tx.Now.Add(-2*time.Hour), campaign)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		late := browser(t, 1280, 900)
		login(t, late, base, "directrice-ditep")
		do(t, late, chromedp.Navigate(base+"/enquetes"), chromedp.WaitVisible(chromedp.CSS(`#t-a-remplir`)))
		if got := text(t, late, `#t-a-remplir + ul`); !strings.Contains(got, "En retard") {
			t.Fatalf("the DITEP's list: %q", got)
		}
		do(t, late, chromedp.Click(chromedp.Search(`//section[@aria-labelledby="t-a-remplir"]//a[contains(., "Coopération")]`)),
			chromedp.WaitVisible(chromedp.CSS(`#retard`)))
		script(t, late, fillSurvey)
		shot(t, late, string(d.Dialect)+"-desktop-survey-answer-late")
		do(t, late, chromedp.Click(chromedp.CSS(`button[value=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "après l'échéance")]`)))

		// The results.
		do(t, desk, chromedp.Navigate(results), chromedp.WaitVisible(chromedp.CSS(`.survey-rates`)))
		rates := text(t, desk, `.survey-rates`)
		counts := text(t, desk, `.survey-counts tbody`)
		if !strings.Contains(rates, "taux de réponse") || !strings.Contains(rates, "1 avant l'échéance, 1 en retard") ||
			!strings.HasPrefix(strings.Fields(counts)[1], "2") {
			t.Fatalf("rates %q, counts %q", rates, counts)
		}
		surveyCharts(t, desk)
		if got := text(t, desk, `#sans-reponse`); strings.Contains(got, "MECS Beauregard") || strings.Contains(got, "DITEP Le Gier") || !strings.Contains(got, "(fictif)") {
			t.Fatalf("without answer: %q", got)
		}
		shot(t, desk, string(d.Dialect)+"-desktop-survey-results")
		do(t, desk, chromedp.EmulateViewport(390, 844))
		shot(t, desk, string(d.Dialect)+"-phone-survey-results")
		do(t, desk, chromedp.EmulateViewport(1280, 900))
		for _, f := range []struct{ link, typ string }{{"resultats.csv", "text/csv; charset=utf-8"},
			{"resultats.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}} {
			got, err := chromedp.Run(desk, chromedp.Evaluate[string](`fetch(document.querySelector('a[href*="`+f.link+`"]').href)
				.then(r => r.status + " " + r.headers.get("Content-Type"))`, chromedp.EvalAwaitPromise))
			if err != nil || got != "200 "+f.typ {
				t.Fatalf("%s: %q %v", f.link, got, err)
			}
		}
		do(t, desk, chromedp.Click(chromedp.CSS(`details.filters-box summary`)),
			chromedp.SetValue(chromedp.CSS(`#f-type`), "mecs"),
			chromedp.Click(chromedp.Search(`//button[contains(., "Filtrer")]`)),
			chromedp.WaitVisible(chromedp.Search(`//summary[contains(., "filtre actif")]`)))
		if got := strings.Fields(text(t, desk, `.survey-counts tbody`)); got[1] != "1" || got[0] == strings.Fields(counts)[0] {
			t.Fatalf("the MECS only: %q (all: %q)", got, counts)
		}

		// Last July's heatwave flash survey, closed.
		do(t, desk, chromedp.Navigate(base+"/enquetes"), chromedp.WaitVisible(chromedp.CSS(`#t-campagnes`)),
			chromedp.Click(chromedp.Search(`//section[@aria-labelledby="t-campagnes"]//a[contains(., "Canicule")]`)),
			chromedp.WaitVisible(chromedp.CSS(`.survey-rates`)))
		if got := text(t, desk, `main`); !strings.Contains(got, "Clôturée") || !strings.Contains(got, "en retard") {
			t.Fatalf("the flash survey's results: %q", got)
		}
		surveyCharts(t, desk)
		shot(t, desk, string(d.Dialect)+"-desktop-survey-flash-results")
	})
}

// script runs a script that answers true.
func script(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil || !ok {
		t.Fatalf("script: %v", err)
	}
}

// surveyCharts checks that the results have questions with tables, and a
// drawing in each chart figure.
func surveyCharts(t *testing.T, ctx context.Context) {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.querySelectorAll(".survey-result table").length,
		document.querySelectorAll("figure.survey-chart").length, document.querySelectorAll("figure.survey-chart svg").length]`))
	if err != nil {
		t.Fatal(err)
	}
	if n[0] == 0 || n[1] == 0 || n[1] != n[2] {
		t.Fatalf("tables %d, charts %d, drawn %d", n[0], n[1], n[2])
	}
}
