package web

import (
	"net/http"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/crisis"
	"passerelle/internal/directory"
)

type dirViewPage struct {
	S          directory.Structure
	CanEdit    bool
	CanHistory bool
	History    []audit.Row
	Stale      bool
	Now        time.Time
	// OnCall: who is on call now and next, for a mobile team with a rota.
	OnCall *crisis.TeamOnCall
}

func (s *Server) dirView(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.Directory.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	actor := access.ActorFrom(ctx)
	p := dirViewPage{S: st, Now: time.Now(), Stale: st.Stale(time.Now()),
		CanEdit:    access.Can(actor, access.ActionUpdate, st.Resource()),
		CanHistory: access.Can(actor, access.ActionViewHistory, st.Resource()),
	}
	if p.CanHistory {
		if p.History, err = s.Directory.History(ctx, st); err != nil {
			return err
		}
	}
	if oc, err := s.Crisis.TeamOnCallNow(ctx, st.ID); err == nil && (len(oc.Now) > 0 || oc.Next != nil) {
		p.OnCall = &oc
	}
	s.render(w, r, http.StatusOK, "dir_view", st.Name, p)
	return nil
}

// dirCheck records that the director confirmed the entry.
func (s *Server) dirCheck(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Directory.MarkChecked(r.Context(), id); err != nil {
		return err
	}
	s.flash(r, "Merci : la fiche est confirmée à jour aujourd'hui.")
	http.Redirect(w, r, "/annuaire/"+id, http.StatusSeeOther)
	return nil
}

// historyLabel says in French what an audited change of an entry was.
func historyLabel(action string) string {
	switch action {
	case "structure.create":
		return "Fiche créée"
	case "structure.update":
		return "Fiche modifiée"
	case "structure.check":
		return "Fiche confirmée à jour"
	case "structure.offer_create":
		return "Offre ajoutée"
	case "structure.offer_update":
		return "Offre modifiée"
	case "structure.offer_delete":
		return "Offre supprimée"
	case "structure.contact_create":
		return "Contact ajouté"
	case "structure.contact_update":
		return "Contact modifié"
	case "structure.contact_delete":
		return "Contact supprimé"
	case "structure.document_add":
		return "Document ajouté"
	case "structure.document_delete":
		return "Document supprimé"
	case "structure.import_create":
		return "Créée par l'import FINESS"
	case "structure.import_update":
		return "Mise à jour par l'import FINESS"
	case "structure.import_close":
		return "Fermée selon FINESS"
	}
	if len(action) > 8 && action[len(action)-8:] == ".refused" {
		return "Modification refusée (droits insuffisants)"
	}
	return action
}

// fieldLabels name the entry's fields in the history.
var fieldLabels = map[string]string{
	"name": "nom", "type": "type", "operator_id": "organisme gestionnaire", "finess_et": "FINESS", "finess_ej": "FINESS juridique",
	"sector": "secteur", "authority": "autorité", "street": "adresse", "postal_code": "code postal", "commune_code": "commune",
	"position": "position", "confidential": "confidentialité de l'adresse", "email": "e-mail", "phone": "téléphone",
	"website": "site", "description": "présentation", "territory": "territoire", "opening_days": "jours d'ouverture",
	"closed_periods": "fermetures",
}
