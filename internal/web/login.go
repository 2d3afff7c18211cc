package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"strings"

	"github.com/pquerna/otp"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
)

type loginPage struct {
	Form Form
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if access.ActorFrom(r.Context()).Authenticated() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login", "Connexion", loginPage{Form: Form{Values: r.URL.Query()}})
	return nil
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	form := formFrom(r)
	email := strings.TrimSpace(r.PostForm.Get("email"))
	res, err := s.Auth.Login(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Code == apperr.Internal {
			return err
		}
		form.Message = e.Message
		formError(&form, err)
		s.render(w, r, statusOf(e.Code), "login", "Connexion", loginPage{Form: form})
		return nil
	}
	ctx := r.Context()
	if err := s.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	switch {
	case res.TOTPRequired:
		s.Sessions.Put(ctx, sessPending, res.AccountID)
		http.Redirect(w, r, "/connexion/code", http.StatusSeeOther)
	case res.TOTPEnrolmentRequired:
		s.Sessions.Put(ctx, sessPending, res.AccountID)
		s.Sessions.Put(ctx, sessPendingEnrol, true)
		http.Redirect(w, r, "/connexion/double-authentification", http.StatusSeeOther)
	default:
		s.completeLogin(w, r, res.AccountID)
	}
	return nil
}

// completeLogin turns a checked identity into a session and goes where the
// user was heading (only to a local path).
func (s *Server) completeLogin(w http.ResponseWriter, r *http.Request, accountID string) {
	ctx := r.Context()
	s.Sessions.RenewToken(ctx)
	s.Sessions.Remove(ctx, sessPending)
	s.Sessions.Remove(ctx, sessPendingEnrol)
	s.Sessions.Remove(ctx, sessEnrolSecret)
	s.Sessions.Put(ctx, sessAccount, accountID)
	s.touchAuth(r)
	next := s.Sessions.PopString(ctx, sessNext)
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// pendingActor is the half-logged-in account, as an actor with no rights,
// so that the second-factor steps can act on that account only.
func (s *Server) pendingActor(r *http.Request) (*http.Request, string, bool) {
	id := s.Sessions.GetString(r.Context(), sessPending)
	if id == "" {
		return r, "", false
	}
	return r.WithContext(access.WithActor(r.Context(), access.Actor{AccountID: id})), id, true
}

type codePage struct {
	Form Form
}

func (s *Server) loginCodeForm(w http.ResponseWriter, r *http.Request) error {
	if _, _, ok := s.pendingActor(r); !ok {
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login_code", "Code de vérification", codePage{Form: Form{}})
	return nil
}

func (s *Server) loginCodeSubmit(w http.ResponseWriter, r *http.Request) error {
	r, id, ok := s.pendingActor(r)
	if !ok {
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	form := formFrom(r)
	if err := s.Auth.CheckTOTP(r.Context(), id, strings.TrimSpace(r.PostForm.Get("code"))); err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Code == apperr.Internal {
			return err
		}
		form.Message = e.Message
		formError(&form, err)
		if _, has := form.Errors["code"]; !has && e.Code != apperr.TooMany {
			form.Errors["code"] = e.Message
		}
		s.render(w, r, statusOf(e.Code), "login_code", "Code de vérification", codePage{Form: form})
		return nil
	}
	s.completeLogin(w, r, id)
	return nil
}

type enrolPage struct {
	Form   Form
	Secret string
	URL    string
	// QR is the data: URL of the PNG we drew; typed as a URL so that the
	// template keeps it (it replaces any data: URL by "#ZgotmplZ").
	QR     template.URL
	Forced bool
}

// enrolment prepares the set-up page. The secret lives in the session so
// that a wrong code or a reload shows the same QR code; fresh starts anew.
func (s *Server) enrolment(r *http.Request, accountID string, fresh bool) (enrolPage, error) {
	ctx := r.Context()
	e, err := s.Auth.BeginTOTPEnrolment(ctx, accountID)
	if err != nil {
		return enrolPage{}, err
	}
	secret := s.Sessions.GetString(ctx, sessEnrolSecret)
	if fresh || secret == "" {
		secret = e.Secret
		s.Sessions.Put(ctx, sessEnrolSecret, secret)
	}
	p := enrolPage{Secret: secret, URL: strings.Replace(e.URL, "secret="+e.Secret, "secret="+secret, 1)}
	key, err := otp.NewKeyFromURL(p.URL)
	if err != nil {
		return p, err
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return p, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return p, err
	}
	p.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
	return p, nil
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) error {
	r, id, ok := s.pendingActor(r)
	if !ok || !s.Sessions.GetBool(r.Context(), sessPendingEnrol) {
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return nil
	}
	p, err := s.enrolment(r, id, true)
	if err != nil {
		return err
	}
	p.Forced = true
	s.render(w, r, http.StatusOK, "totp_enrol", "Double authentification", p)
	return nil
}

func (s *Server) enrolSubmit(w http.ResponseWriter, r *http.Request) error {
	r, id, ok := s.pendingActor(r)
	if !ok || !s.Sessions.GetBool(r.Context(), sessPendingEnrol) {
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	secret := s.Sessions.GetString(r.Context(), sessEnrolSecret)
	err := s.Auth.ConfirmTOTPEnrolment(r.Context(), id, secret, strings.TrimSpace(r.PostForm.Get("code")))
	if err != nil {
		return s.enrolRetry(w, r, id, err, true)
	}
	s.flash(r, "La double authentification est activée.")
	s.completeLogin(w, r, id)
	return nil
}

// enrolRetry shows the enrolment page again with the error and the same secret.
func (s *Server) enrolRetry(w http.ResponseWriter, r *http.Request, id string, err error, forced bool) error {
	e, ok := apperr.As(err)
	if !ok || e.Code == apperr.Internal {
		return err
	}
	p, perr := s.enrolment(r, id, false)
	if perr != nil {
		return perr
	}
	p.Forced = forced
	p.Form = formFrom(r)
	p.Form.Message = e.Message
	formError(&p.Form, err)
	if _, has := p.Form.Errors["code"]; !has {
		p.Form.Errors["code"] = e.Message
	}
	s.render(w, r, statusOf(e.Code), "totp_enrol", "Double authentification", p)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if access.ActorFrom(ctx).Authenticated() {
		if err := s.Auth.RecordLogout(ctx); err != nil {
			return err
		}
	}
	if err := s.Sessions.Destroy(ctx); err != nil {
		return err
	}
	s.flash(r, "Vous êtes déconnecté·e.")
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
	return nil
}

// touchAuth marks the session as authenticated now: after a login, or after
// the account changed its own credentials, which ends its other sessions.
func (s *Server) touchAuth(r *http.Request) {
	now := s.now()
	s.Sessions.Put(r.Context(), sessAuthAt, now.UnixMicro())
	s.Sessions.Put(r.Context(), sessSeen, now.Unix())
}
