package web

import (
	"net/http"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/notify"
)

// The notifications page lists what Passerelle told the account in the app
// (stale figures to confirm, expired holds, reminders); each mail has its
// notification here too.

type notificationsPage struct {
	Items  []notify.Item
	Unread int
}

func (s *Server) notificationsList(w http.ResponseWriter, r *http.Request) error {
	actor := access.ActorFrom(r.Context())
	items, unread, err := notify.List(r.Context(), s.DB, actor.AccountID, 100)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "notifications", "Notifications", notificationsPage{Items: items, Unread: unread})
	return nil
}

// notificationOpen marks a notification read and follows its link, which
// is always a path of Passerelle.
func (s *Server) notificationOpen(w http.ResponseWriter, r *http.Request) error {
	actor := access.ActorFrom(r.Context())
	items, _, err := notify.List(r.Context(), s.DB, actor.AccountID, 500)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.ID != r.PathValue("id") {
			continue
		}
		if err := notify.MarkRead(r.Context(), s.DB, actor.AccountID, it.ID); err != nil {
			return err
		}
		target := "/notifications"
		if strings.HasPrefix(it.Link, "/") && !strings.HasPrefix(it.Link, "//") {
			target = it.Link
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
	return apperr.New(apperr.NotFound, "Cette notification n'existe pas.")
}

func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) error {
	actor := access.ActorFrom(r.Context())
	if err := notify.MarkRead(r.Context(), s.DB, actor.AccountID, ""); err != nil {
		return err
	}
	s.flash(r, "Toutes vos notifications sont marquées comme lues.")
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
	return nil
}
