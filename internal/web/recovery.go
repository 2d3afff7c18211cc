package web

import (
	"net/http"
	"strings"

	"passerelle/internal/apperr"
)

type recoveryPage struct {
	Form   Form
	Email  string
	Token  string
	Sent   bool
	Action string
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "password_forgot", "Mot de passe oublié", recoveryPage{})
	return nil
}

// forgotSubmit answers the same whether or not the address has an account.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	form := formFrom(r)
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if email == "" {
		form.Errors["email"] = "Indiquez votre adresse e-mail."
		form.Message = "Certaines informations sont à corriger."
		s.render(w, r, http.StatusUnprocessableEntity, "password_forgot", "Mot de passe oublié", recoveryPage{Form: form})
		return nil
	}
	if err := s.Auth.RequestPasswordReset(r.Context(), email); err != nil {
		if formError(&form, err) {
			s.render(w, r, http.StatusUnprocessableEntity, "password_forgot", "Mot de passe oublié", recoveryPage{Form: form})
			return nil
		}
		return err
	}
	s.render(w, r, http.StatusOK, "password_forgot", "Mot de passe oublié", recoveryPage{Sent: true, Email: email})
	return nil
}

// setPassword is the page shared by the reset link and the invitation link.
func (s *Server) setPasswordPage(w http.ResponseWriter, r *http.Request, purpose string, form Form, status int) error {
	token := r.PathValue("token")
	email, err := s.Auth.CheckOneTimeToken(r.Context(), purpose, token)
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Code != apperr.Internal {
			s.render(w, r, http.StatusGone, "link_expired", "Lien expiré", e.Message)
			return nil
		}
		return err
	}
	title, action := "Nouveau mot de passe", "/mot-de-passe/reinitialiser/"+token
	if purpose == "invite" {
		title, action = "Activer votre compte", "/invitation/"+token
	}
	s.render(w, r, status, "password_set", title, recoveryPage{Form: form, Email: email, Token: token, Action: action})
	return nil
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	return s.setPasswordPage(w, r, "reset", Form{}, http.StatusOK)
}

func (s *Server) invitationForm(w http.ResponseWriter, r *http.Request) error {
	return s.setPasswordPage(w, r, "invite", Form{}, http.StatusOK)
}

// checkConfirmation compares the two typed passwords before any call.
func checkConfirmation(form *Form) bool {
	if form.Values.Get("password") != form.Values.Get("password_confirm") {
		form.Errors["password_confirm"] = "Les deux mots de passe ne sont pas identiques."
		form.Message = "Certaines informations sont à corriger."
		return false
	}
	return true
}

func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	form := formFrom(r)
	if !checkConfirmation(&form) {
		return s.setPasswordPage(w, r, "reset", form, http.StatusUnprocessableEntity)
	}
	if err := s.Auth.ResetPassword(r.Context(), r.PathValue("token"), r.PostForm.Get("password")); err != nil {
		if formError(&form, err) {
			return s.setPasswordPage(w, r, "reset", form, http.StatusUnprocessableEntity)
		}
		return err
	}
	s.flash(r, "Votre mot de passe a été changé. Vous pouvez vous connecter.")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}

func (s *Server) invitationSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	form := formFrom(r)
	if !checkConfirmation(&form) {
		return s.setPasswordPage(w, r, "invite", form, http.StatusUnprocessableEntity)
	}
	if _, err := s.Auth.AcceptInvitation(r.Context(), r.PathValue("token"), r.PostForm.Get("password")); err != nil {
		if formError(&form, err) {
			return s.setPasswordPage(w, r, "invite", form, http.StatusUnprocessableEntity)
		}
		return err
	}
	s.flash(r, "Votre compte est activé. Connectez-vous avec votre adresse e-mail et ce mot de passe.")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}
