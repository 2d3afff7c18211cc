package web

import (
	"net/http"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/auth"
)

type accountSelfPage struct {
	Account       auth.Account
	Tokens        []auth.APIToken
	NewToken      string
	NameForm      Form
	PasswordForm  Form
	TokenForm     Form
	TOTPForm      Form
	TOTPMandatory bool
}

// accountSelf loads the page data; forms carry what was typed when one failed.
func (s *Server) accountSelf(r *http.Request) (accountSelfPage, error) {
	actor := access.ActorFrom(r.Context())
	acc, err := s.Auth.GetAccount(r.Context(), actor.AccountID)
	if err != nil {
		return accountSelfPage{}, err
	}
	tokens, err := s.Auth.ListAPITokens(r.Context(), actor.AccountID)
	if err != nil {
		return accountSelfPage{}, err
	}
	return accountSelfPage{Account: acc, Tokens: tokens, TOTPMandatory: actor.RequiresTwoFactor(),
		NameForm: Form{Values: map[string][]string{"name": {acc.Name}}}}, nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.accountSelf(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "account", "Mon compte", p)
	return nil
}

// accountRetry shows the page again with one form's error and input.
func (s *Server) accountRetry(w http.ResponseWriter, r *http.Request, err error, set func(p *accountSelfPage, f Form)) error {
	e, ok := apperr.As(err)
	if !ok || e.Code == apperr.Internal || e.Code == apperr.NotFound {
		return err
	}
	p, perr := s.accountSelf(r)
	if perr != nil {
		return perr
	}
	f := formFrom(r)
	f.Message = e.Message
	formError(&f, err)
	set(&p, f)
	s.render(w, r, statusOf(e.Code), "account", "Mon compte", p)
	return nil
}

func (s *Server) accountName(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	if err := s.Auth.UpdateName(r.Context(), access.ActorFrom(r.Context()).AccountID, r.PostForm.Get("name")); err != nil {
		return s.accountRetry(w, r, err, func(p *accountSelfPage, f Form) { p.NameForm = f })
	}
	s.flash(r, "Votre nom a été enregistré.")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}

func (s *Server) accountMail(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	digest := r.PostForm.Get("mail") == "digest"
	if err := s.Auth.SetMailDigest(r.Context(), access.ActorFrom(r.Context()).AccountID, digest); err != nil {
		return err
	}
	if digest {
		s.flash(r, "Vous recevrez un résumé par jour, vers 17 h ; l'urgent vous est toujours envoyé tout de suite.")
	} else {
		s.flash(r, "Vous recevrez un e-mail à chaque notification.")
	}
	http.Redirect(w, r, "/compte#t-courriels", http.StatusSeeOther)
	return nil
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	f := formFrom(r)
	if !checkConfirmation(&f) {
		p, err := s.accountSelf(r)
		if err != nil {
			return err
		}
		p.PasswordForm = f
		s.render(w, r, http.StatusUnprocessableEntity, "account", "Mon compte", p)
		return nil
	}
	id := access.ActorFrom(r.Context()).AccountID
	if err := s.Auth.ChangePassword(r.Context(), id, r.PostForm.Get("current_password"), r.PostForm.Get("password")); err != nil {
		return s.accountRetry(w, r, err, func(p *accountSelfPage, f Form) { p.PasswordForm = f })
	}
	s.touchAuth(r)
	s.flash(r, "Votre mot de passe a été changé. Vos autres sessions sont fermées.")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}

func (s *Server) accountTOTPForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.enrolment(r, access.ActorFrom(r.Context()).AccountID, true)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "totp_enrol", "Double authentification", p)
	return nil
}

func (s *Server) accountTOTPSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	id := access.ActorFrom(r.Context()).AccountID
	secret := s.Sessions.GetString(r.Context(), sessEnrolSecret)
	if err := s.Auth.ConfirmTOTPEnrolment(r.Context(), id, secret, strings.TrimSpace(r.PostForm.Get("code"))); err != nil {
		return s.enrolRetry(w, r, id, err, false)
	}
	s.Sessions.Remove(r.Context(), sessEnrolSecret)
	s.touchAuth(r)
	s.flash(r, "La double authentification est activée.")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}

func (s *Server) accountTOTPDisable(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	id := access.ActorFrom(r.Context()).AccountID
	if err := s.Auth.DisableTOTP(r.Context(), id, r.PostForm.Get("password")); err != nil {
		return s.accountRetry(w, r, err, func(p *accountSelfPage, f Form) { p.TOTPForm = f })
	}
	s.touchAuth(r)
	s.flash(r, "La double authentification est désactivée.")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}

// tokenLifetimes are the choices offered for a new API token.
var tokenLifetimes = map[string]time.Duration{"30": 30 * 24 * time.Hour, "90": 90 * 24 * time.Hour, "365": 365 * 24 * time.Hour, "0": 0}

func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	ttl, ok := tokenLifetimes[r.PostForm.Get("days")]
	if !ok {
		return s.accountRetry(w, r, &apperr.Error{Code: apperr.Invalid, Message: "Certaines informations sont à corriger.",
			Fields: map[string]string{"days": "Choisissez une durée de validité."}}, func(p *accountSelfPage, f Form) { p.TokenForm = f })
	}
	id := access.ActorFrom(r.Context()).AccountID
	plain, _, err := s.Auth.CreateAPIToken(r.Context(), id, r.PostForm.Get("name"), ttl)
	if err != nil {
		return s.accountRetry(w, r, err, func(p *accountSelfPage, f Form) { p.TokenForm = f })
	}
	p, err := s.accountSelf(r)
	if err != nil {
		return err
	}
	p.NewToken = plain
	s.render(w, r, http.StatusCreated, "account", "Mon compte", p)
	return nil
}

func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id := access.ActorFrom(r.Context()).AccountID
	if err := s.Auth.RevokeAPIToken(r.Context(), id, r.PathValue("id")); err != nil {
		return err
	}
	s.flash(r, "Le jeton a été révoqué.")
	http.Redirect(w, r, "/compte", http.StatusSeeOther)
	return nil
}
