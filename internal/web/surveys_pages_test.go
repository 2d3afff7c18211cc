package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

const directorDitep = "directrice-ditep@demo.passerelle.test"

// A survey through the pages: the steering makes the cooperation survey
// from its template, adds a question (a bad one comes back with what was
// typed), previews it, checks the structures and launches it; the MECS's
// director cannot send it incomplete, keeps a draft, then sends it; the
// DITEP answers after the deadline; others cannot read what is not
// theirs; the results count it all, download, and the campaign closes.
func TestSurveyPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil := e.login(steering)
		resp, body := e.get(pil, "/enquetes")
		mustContain(t, resp, body, http.StatusOK, "Nouvelle enquête", "Coopération entre protection de l&#39;enfance et médico-social", "Point de situation flash")

		resp, body = e.postForm(pil, "/enquetes", url.Values{"template": {"cooperation"}, "title": {""}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", resp.StatusCode, excerpt(body))
		}
		survey := resp.Header.Get("Location")
		resp, body = e.get(pil, survey)
		mustContain(t, resp, body, http.StatusOK, "Votre structure", "Les outils de la coopération", "Ajouter une question", "Affichée seulement si")
		section := between(body, `/questions/nouvelle?section=`, `"`)

		// A scale without its ends comes back with the words typed.
		resp, body = e.postForm(pil, survey+"/questions", url.Values{"section_id": {section}, "kind": {"scale"},
			"label": {"Votre satisfaction sur la coopération"}, "min": {""}, "max": {"5"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Votre satisfaction sur la coopération", `aria-invalid="true"`, `class="field-error"`)
		resp, body = e.postForm(pil, survey+"/questions", url.Values{"section_id": {section}, "kind": {"scale"}, "required": {"1"},
			"label": {"Votre satisfaction sur la coopération"}, "min": {"1"}, "max": {"5"}, "min_label": {"Pas du tout"}, "max_label": {"Tout à fait"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add a question: %d %s", resp.StatusCode, excerpt(body))
		}
		resp, body = e.get(pil, survey)
		mustContain(t, resp, body, http.StatusOK, "Votre satisfaction sur la coopération", "Pas du tout")
		resp, body = e.postForm(pil, survey+"/sections", url.Values{"title": {""}, "intro": {"Une introduction gardée"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Une introduction gardée", `id="form-errors"`)
		resp, body = e.get(pil, survey+"/apercu")
		mustContain(t, resp, body, http.StatusOK, "Aperçu", `data-show-if=`, `type="date"`, `inputmode="decimal"`, `type="checkbox"`)

		// Check, then launch to the whole département.
		resp, body = e.postForm(pil, survey+"/lancement", url.Values{"deadline": {"2020-01-01T12:00"}, "action": {"preview"}})
		mustContain(t, resp, body, http.StatusOK, "L'enquête partira à", "MECS Beauregard (fictif)", "DITEP Le Gier (fictif)")
		count := between(body, `name="count" value="`, `"`)
		resp, body = e.postForm(pil, survey+"/lancement", url.Values{"deadline": {"2020-01-01T12:00"}, "action": {"launch"}, "count": {count}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "2020-01-01T12:00")
		deadline := time.Now().Add(72 * time.Hour).In(surveyParis).Format("2006-01-02T15:04")
		resp, body = e.postForm(pil, survey+"/lancement", url.Values{"deadline": {deadline}, "action": {"launch"}, "count": {count}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/resultats") {
			t.Fatalf("launch: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), excerpt(body))
		}
		campaign := strings.TrimSuffix(resp.Header.Get("Location"), "/resultats")
		resp, body = e.get(pil, survey)
		mustContain(t, resp, body, http.StatusOK, "a été lancée", "Dupliquer")

		// The MECS's director: nothing sent incomplete, a draft, then the answer.
		dir := e.login(director)
		resp, body = e.get(dir, "/enquetes")
		mustContain(t, resp, body, http.StatusOK, "À remplir pour votre structure", "À remplir", campaign+"/reponse")
		mecs := e.homeOrg(director)
		page := campaign + "/reponse?structure=" + mecs
		resp, body = e.get(dir, page)
		mustContain(t, resp, body, http.StatusOK, "MECS Beauregard (fictif)", "Enregistrer le brouillon", "Envoyer", `data-survey`)
		answers := surveyFill(body)
		first := between(body, `<div class="survey-q" id="q-`, `"`)
		resp, body = e.postForm(dir, campaign+"/reponse", url.Values{"structure": {mecs}, "action": {"submit"},
			first: {answers.Get(first)}, "unknown": {"x"}, between(body, `<textarea id="f-`, `"`): {"Un texte gardé"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Un texte gardé", `class="field-error"`, `aria-invalid="true"`, "Question 2 (")
		resp, _ = e.postForm(dir, campaign+"/reponse", url.Values{"structure": {mecs}, "action": {"draft"}, first: {answers.Get(first)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("draft: %d", resp.StatusCode)
		}
		resp, body = e.get(dir, "/enquetes")
		mustContain(t, resp, body, http.StatusOK, "Brouillon")
		answers.Set("structure", mecs)
		answers.Set("action", "submit")
		resp, body = e.postForm(dir, campaign+"/reponse", answers)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", resp.StatusCode, excerpt(between(body, `id="form-errors"`, "</div>")))
		}
		resp, body = e.get(dir, page)
		mustContain(t, resp, body, http.StatusOK, "Réponse envoyée le", "Envoyer les modifications")

		// Not theirs: the DITEP's director on the MECS's sheet, an educator
		// and a parent on the results, a director on the results.
		ditep := e.login(directorDitep)
		for _, c := range []struct {
			who  *http.Client
			path string
		}{{ditep, page}, {e.login(educator), campaign + "/resultats"}, {e.login(parent), campaign + "/resultats"},
			{dir, campaign + "/resultats"}, {e.login(parent), page}, {dir, campaign + "/resultats.csv"}} {
			if resp, body := e.get(c.who, c.path); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d %s", c.path, resp.StatusCode, excerpt(body))
			}
		}
		if resp, _ = e.postForm(ditep, campaign+"/reponse", url.Values{"structure": {mecs}, "action": {"draft"}}); resp.StatusCode < 400 {
			t.Fatalf("the DITEP writes the MECS's answer: %d", resp.StatusCode)
		}

		// The deadline passes (moved in the database with the MECS's
		// answer, two hours earlier: moving the server's clock would end the
		// sessions); the DITEP answers late.
		if err := d.Write(sys(), func(tx *db.Tx) error {
			id := strings.TrimPrefix(campaign, "/campagnes/")
			_, err := tx.ExecContext(sys(), `UPDATE survey_campaigns SET deadline_at = $1 WHERE id = $2`, tx.Now.Add(-time.Hour), id)
			if err == nil {
				_, err = tx.ExecContext(sys(), `UPDATE survey_answers SET submitted_at = $1, saved_at = $1 WHERE campaign_id = $2`, tx.Now.Add(-2*time.Hour), id)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ditepID := e.homeOrg(directorDitep)
		resp, body = e.get(ditep, campaign+"/reponse?structure="+ditepID)
		mustContain(t, resp, body, http.StatusOK, "L'échéance est passée", "Envoyer (en retard)")
		late := surveyFill(body)
		late.Set("structure", ditepID)
		late.Set("action", "submit")
		resp, body = e.postForm(ditep, campaign+"/reponse", late)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("late submit: %d %s", resp.StatusCode, excerpt(body))
		}
		resp, body = e.get(ditep, "/enquetes")
		mustContain(t, resp, body, http.StatusOK, "Envoyée")

		// The results.
		resp, body = e.get(pil, campaign+"/resultats")
		mustContain(t, resp, body, http.StatusOK, "taux de réponse", "dans les délais", "1 avant l'échéance, 1 en retard",
			"Structures qui n'ont pas envoyé de réponse", "Votre satisfaction sur la coopération", "Réponse de test, plus longue.", "Télécharger (CSV)",
			"Clôturer la campagne")
		if strings.Contains(between(body, `id="sans-reponse"`, "</section>"), "MECS Beauregard") {
			t.Fatal("the MECS, which answered, is listed without answer")
		}
		resp, body = e.get(pil, campaign+"/resultats?type=mecs")
		mustContain(t, resp, body, http.StatusOK, "filtre actif")
		resp, body = e.get(pil, campaign+"/resultats.csv")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, "MECS Beauregard") {
			t.Fatalf("csv: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), excerpt(body))
		}
		resp, body = e.get(pil, campaign+"/resultats.xlsx")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || !strings.HasPrefix(body, "PK") {
			t.Fatalf("xlsx: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}

		// Closed: the sheet is read only.
		if resp, _ = e.postForm(pil, campaign+"/cloture", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("close: %d", resp.StatusCode)
		}
		resp, body = e.get(dir, page)
		mustContain(t, resp, body, http.StatusOK, "clôturée", "disabled")
		if strings.Contains(body, `value="submit"`) {
			t.Fatal("a closed campaign offers to send")
		}
		if resp, _ = e.postForm(dir, campaign+"/reponse", answers); resp.StatusCode < 400 {
			t.Fatalf("an answer after the close: %d", resp.StatusCode)
		}
	})
}

var (
	surveyChoice   = regexp.MustCompile(`<input type="(?:radio|checkbox)" id="a-[^"]*" name="([^"]+)" value="([^"]*)"`)
	surveyTextual  = regexp.MustCompile(`<input id="f-[^"]*" name="([^"]+)" type="(text|date)"( inputmode="decimal")?`)
	surveyTextarea = regexp.MustCompile(`<textarea id="f-[^"]*" name="([^"]+)"`)
)

// surveyFill answers every question of an answer sheet: the first choice,
// 3 for a number, a date, a sentence for a text.
func surveyFill(page string) url.Values {
	v := url.Values{}
	for _, m := range surveyChoice.FindAllStringSubmatch(page, -1) {
		if v.Get(m[1]) == "" {
			v.Set(m[1], html.UnescapeString(m[2]))
		}
	}
	for _, m := range surveyTextual.FindAllStringSubmatch(page, -1) {
		switch {
		case m[3] != "":
			v.Set(m[1], "3")
		case m[2] == "date":
			v.Set(m[1], "2024-03-01")
		default:
			v.Set(m[1], "Réponse de test")
		}
	}
	for _, m := range surveyTextarea.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], "Réponse de test, plus longue.")
	}
	return v
}

var surveyParis, _ = time.LoadLocation("Europe/Paris")

// The builder without script: a blank survey, a section, a yes/no question
// and one shown only for « Oui »; the condition is said in words; moves,
// edits and deletions go back to the builder; a deletion that would break
// a condition is refused with its reason; a copy is editable.
func TestSurveyBuilderPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil := e.login(steering)
		resp, body := e.postForm(pil, "/enquetes", url.Values{"template": {""}, "title": {""}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, `id="form-errors"`, `href="#f-title"`)
		resp, _ = e.postForm(pil, "/enquetes", url.Values{"template": {""}, "title": {"Accueils d'été"}})
		survey := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || survey == "" {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		resp, body = e.get(pil, survey)
		mustContain(t, resp, body, http.StatusOK, "Accueils d&#39;été", "pas encore de section")
		if resp, _ = e.postForm(pil, survey+"/sections", url.Values{"title": {"L'été"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("section: %d", resp.StatusCode)
		}
		resp, body = e.get(pil, survey+"/questions/nouvelle")
		mustContain(t, resp, body, http.StatusOK, "1. L&#39;été", "Pour afficher cette question selon une réponse")
		resp, _ = e.postForm(pil, survey+"/questions", url.Values{"kind": {"yes_no"}, "label": {"Ouvrez-vous en août ?"}, "required": {"1"},
			"section_id": {between(body, `<option value="`, `"`)}})
		first := strings.TrimPrefix(resp.Header.Get("Location"), survey+"#q-")
		resp, body = e.get(pil, survey+"/questions/nouvelle")
		mustContain(t, resp, body, http.StatusOK, "Ouvrez-vous en août ?", `data-cond-for="`+first+`"`, `value="`+first+`:yes"`)
		section := between(body, `<option value="`, `"`)
		resp, body = e.postForm(pil, survey+"/questions", url.Values{"kind": {"number"}, "label": {"Combien de places ?"}, "section_id": {section},
			"min": {"dix"}, "show_if_question": {first}, "show_if_values": {first + ":yes"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Combien de places ?", `value="dix"`, `aria-invalid="true"`, `value="`+first+`:yes" checked`)
		resp, _ = e.postForm(pil, survey+"/questions", url.Values{"kind": {"number"}, "label": {"Combien de places ?"}, "section_id": {section},
			"min": {"0"}, "unit": {"places"}, "show_if_question": {first}, "show_if_values": {first + ":yes", "autre:no"}})
		second := strings.TrimPrefix(resp.Header.Get("Location"), survey+"#q-")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("conditional question: %d", resp.StatusCode)
		}
		resp, body = e.get(pil, survey)
		mustContain(t, resp, body, http.StatusOK, "Affichée seulement si la réponse à la question 1 est « Oui »", "min. 0 places")

		// The edit form shows the question as it is; an edit comes back.
		resp, body = e.get(pil, survey+"/questions/"+second)
		mustContain(t, resp, body, http.StatusOK, "Question 2", `value="Combien de places ?"`, `value="`+first+`:yes" checked`)
		if strings.Contains(body, `data-cond-for="`+second+`"`) {
			t.Fatal("a question's condition may point to itself")
		}
		if resp, _ = e.postForm(pil, survey+"/questions/"+second, url.Values{"kind": {"number"}, "label": {"Combien de places en août ?"},
			"section_id": {section}, "show_if_question": {first}, "show_if_values": {first + ":yes"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", resp.StatusCode)
		}
		// Moving the condition's source below its question breaks it: refused, said.
		resp, body = e.postForm(pil, survey+"/questions/"+first+"/deplacement", url.Values{"dir": {"down"}})
		if resp.StatusCode == http.StatusSeeOther {
			t.Fatal("a move breaking a condition was taken")
		}
		mustContain(t, resp, body, http.StatusConflict, `role="alert"`, "Combien de places en août ?")
		resp, _ = e.postForm(pil, survey+"/questions/"+first+"/suppression", nil)
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("a deletion breaking a condition: %d", resp.StatusCode)
		}
		if resp, _ = e.postForm(pil, survey+"/questions/"+second+"/suppression", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		resp, body = e.get(pil, survey)
		if strings.Contains(body, "Combien de places") {
			t.Fatal("the deleted question stays")
		}
		// A copy, then the survey deleted.
		resp, _ = e.postForm(pil, survey+"/copie", nil)
		copied := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || copied == survey {
			t.Fatalf("copy: %d %s", resp.StatusCode, copied)
		}
		resp, body = e.get(pil, copied)
		mustContain(t, resp, body, http.StatusOK, "Ouvrez-vous en août ?", "Ajouter une question")
		if resp, _ = e.postForm(pil, survey+"/suppression", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete the survey: %d", resp.StatusCode)
		}
		if resp, _ = e.get(pil, survey); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("a deleted survey: %d", resp.StatusCode)
		}
		// Nobody else builds: a director, an educator.
		for _, who := range []string{director, educator} {
			if resp, _ := e.get(e.login(who), copied); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s opens the builder: %d", who, resp.StatusCode)
			}
		}
		if resp, body = e.postForm(e.login(director), "/enquetes", url.Values{"title": {"La mienne"}}); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "pilotage du territoire") {
			t.Fatalf("a director creates a survey: %d %s", resp.StatusCode, excerpt(body))
		}
	})
}

// An account in two asked structures (here the MECS's educator, also
// director of the DITEP) finds a line per structure in its list, and the
// notification's link, which names no structure, leads to that list
// instead of a dead end; each structure's sheet opens from its line.
func TestSurveyPagesSeveralStructures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		mecs, ditep := e.homeOrg(director), e.homeOrg(directorDitep)
		if err := d.Write(sys(), func(tx *db.Tx) error {
			_, err := tx.ExecContext(sys(), `INSERT INTO memberships (account_id, organisation_id, role, created_at)
				SELECT id, $1, 'director', $2 FROM accounts WHERE email = $3`, ditep, tx.Now, educatorMECS)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		pil := e.login(steering)
		resp, body := e.postForm(pil, "/enquetes", url.Values{"template": {"cooperation"}, "title": {"Deux structures"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", resp.StatusCode, excerpt(body))
		}
		survey := resp.Header.Get("Location")
		resp, body = e.postForm(pil, survey+"/lancement", url.Values{"action": {"preview"}})
		count := between(body, `name="count" value="`, `"`)
		deadline := time.Now().Add(72 * time.Hour).In(surveyParis).Format("2006-01-02T15:04")
		resp, body = e.postForm(pil, survey+"/lancement", url.Values{"deadline": {deadline}, "action": {"launch"}, "count": {count}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("launch: %d %s", resp.StatusCode, excerpt(body))
		}
		campaign := strings.TrimSuffix(resp.Header.Get("Location"), "/resultats")

		both := e.login(educatorMECS)
		resp, body = e.get(both, "/enquetes")
		mustContain(t, resp, body, http.StatusOK, campaign+"/reponse?structure="+mecs, campaign+"/reponse?structure="+ditep,
			"MECS Beauregard (fictif) — de", "DITEP Le Gier (fictif) — de")
		resp, body = e.get(both, campaign+"/reponse")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/enquetes" {
			t.Fatalf("the link without structure: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), excerpt(body))
		}
		resp, body = e.get(both, "/enquetes")
		mustContain(t, resp, body, http.StatusOK, "plusieurs structures interrogées")
		resp, body = e.get(both, campaign+"/reponse?structure="+ditep)
		mustContain(t, resp, body, http.StatusOK, "DITEP Le Gier (fictif)", "Envoyer")
		// One structure: the link opens its sheet at once.
		resp, body = e.get(e.login(director), campaign+"/reponse")
		mustContain(t, resp, body, http.StatusOK, "MECS Beauregard (fictif)", "Enregistrer le brouillon")
	})
}
