package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
)

// handler is a page or API handler; its error is mapped once by the adaptor.
type handler func(w http.ResponseWriter, r *http.Request) error

// statusOf maps an error code to an HTTP status.
func statusOf(code apperr.Code) int {
	switch code {
	case apperr.Invalid:
		return http.StatusUnprocessableEntity
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.TooMany:
		return http.StatusTooManyRequests
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// tooLarge turns a body over the limit into a clear error.
func tooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &apperr.Error{Code: apperr.TooLarge, Message: fmt.Sprintf("La requête dépasse la taille maximale autorisée (%d Kio).", mbe.Limit/1024)}
	}
	return err
}

// page adapts a page handler: login required, errors shown as French pages.
func (s *Server) page(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !access.ActorFrom(r.Context()).Authenticated() {
			s.redirectToLogin(w, r)
			return
		}
		s.pageError(w, r, h(w, r))
	}
}

// public adapts a page handler that needs no login.
func (s *Server) public(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.pageError(w, r, h(w, r)) }
}

func (s *Server) redirectToLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		s.Sessions.Put(r.Context(), sessNext, r.URL.RequestURI())
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", "/connexion")
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, "/connexion", http.StatusSeeOther)
}

// pageError shows err as a French error page with the right status.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		return
	}
	err = tooLarge(err)
	e, ok := apperr.As(err)
	if !ok || e.Code == apperr.Internal {
		s.serverError(w, r, err)
		return
	}
	if e.Code == apperr.Unauthorized {
		s.redirectToLogin(w, r)
		return
	}
	s.fail(w, r, statusOf(e.Code), e.Message)
}

// serverError logs err with the request id and shows the generic 500 page.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.Logger.Error("internal error", "request_id", audit.RequestFrom(r.Context()).ID, "error", err.Error())
	if isAPI(r) {
		s.writeProblem(w, r, http.StatusInternalServerError, "Erreur interne. Réessayez ; si le problème continue, communiquez le numéro de requête à l'administrateur.", nil)
		return
	}
	s.fail(w, r, http.StatusInternalServerError, "")
}

// fail renders the error page (or problem+json on the API) for status.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, message string) {
	if isAPI(r) {
		if message == "" {
			message = http.StatusText(status)
		}
		s.writeProblem(w, r, status, message, nil)
		return
	}
	title, defaultMsg := errorText(status)
	if message == "" {
		message = defaultMsg
	}
	s.render(w, r, status, "error", title, errorPage{Status: status, Message: message})
}

type errorPage struct {
	Status  int
	Message string
}

func errorText(status int) (title, message string) {
	switch status {
	case http.StatusNotFound:
		return "Page introuvable", "Cette page n'existe pas, ou vous n'y avez pas accès."
	case http.StatusForbidden:
		return "Accès refusé", "Vous n'avez pas les droits nécessaires pour cette page."
	case http.StatusMethodNotAllowed:
		return "Action impossible", "Cette action n'est pas possible à cette adresse."
	case http.StatusConflict:
		return "Action impossible", "Cette action n'est plus possible dans l'état actuel."
	case http.StatusTooManyRequests:
		return "Trop de tentatives", "Trop de tentatives. Réessayez dans quelques minutes."
	case http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "Requête invalide", "La requête n'a pas pu être traitée."
	case http.StatusInternalServerError:
		return "Erreur interne", "Une erreur inattendue s'est produite. Vos données n'ont pas été modifiées. Réessayez ; si le problème continue, communiquez le numéro de requête ci-dessous à l'administrateur."
	}
	return http.StatusText(status), http.StatusText(status)
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// problem is an RFC 9457 problem details document. Errors point at the
// fields at fault with JSON pointers into the request body.
type problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id"`
	RetryAt   string         `json:"retry_at,omitempty"`
	Errors    []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Pointer string `json:"pointer"`
	Field   string `json:"field"`
	Detail  string `json:"detail"`
}

// api adapts an API handler: errors become problem+json. Every change
// needs an account: a request that writes without one is refused before
// its body is read (401, not a 422 about a body nobody may send).
func (s *Server) apiHandler(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if _, err := requireActor(r); err != nil {
				s.apiError(w, r, err)
				return
			}
		}
		if err := h(w, r); err != nil {
			s.apiError(w, r, err)
		}
	}
}

func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	err = tooLarge(err)
	e, ok := apperr.As(err)
	if !ok || e.Code == apperr.Internal {
		s.serverError(w, r, err)
		return
	}
	if e.Code == apperr.Unauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="passerelle"`)
	}
	if !e.RetryAt.IsZero() {
		w.Header().Set("Retry-After", fmt.Sprint(max(1, int(time.Until(e.RetryAt).Seconds()))))
	}
	s.writeProblem(w, r, statusOf(e.Code), e.Message, e)
}

func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string, e *apperr.Error) {
	p := problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Instance:  r.URL.Path,
		RequestID: audit.RequestFrom(r.Context()).ID,
	}
	if e != nil {
		if len(e.Fields) > 0 {
			p.Type = "https://passerelle.invalid/problemes/saisie-invalide"
		}
		for _, f := range sortedKeys(e.Fields) {
			p.Errors = append(p.Errors, problemField{Pointer: "#/" + f, Field: f, Detail: e.Fields[f]})
		}
		if !e.RetryAt.IsZero() {
			p.RetryAt = e.RetryAt.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// writeJSON sends v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	// Encoded first into a pooled buffer: an encoding error can still become
	// a problem answer, the length is known (no chunked encoding), and a
	// search page does not grow a new buffer each time.
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledJSON {
			buf.Reset()
			jsonBuffers.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// maxPooledJSON: larger buffers (big exports) go back to the collector.
const maxPooledJSON = 1 << 20

var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// decodeJSON reads one JSON object into dst, strictly: unknown fields, wrong
// types, trailing data and oversized bodies are invalid input with the field named.
func decodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apperr.New(apperr.Invalid, "Le corps de la requête doit être du JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return apperr.New(apperr.Invalid, "Le corps de la requête doit contenir un seul objet JSON.")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return tooLarge(err)
	case errors.Is(err, io.EOF):
		return apperr.New(apperr.Invalid, "Le corps de la requête est vide : un objet JSON est attendu.")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.Invalid, "Le corps de la requête n'est pas du JSON valide.")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return apperr.New(apperr.Invalid, "Un objet JSON est attendu.")
		}
		return &apperr.Error{Code: apperr.Invalid, Message: "Certaines informations sont à corriger.",
			Fields: map[string]string{field: fmt.Sprintf("Type incorrect : on attend %s.", jsonKind(typ.Type.Kind().String()))}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &apperr.Error{Code: apperr.Invalid, Message: "Certaines informations sont à corriger.",
			Fields: map[string]string{field: "Champ inconnu."}}
	}
	return apperr.New(apperr.Invalid, "Le corps de la requête n'a pas pu être lu.")
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "une chaîne de caractères"
	case "bool":
		return "un booléen"
	case "slice", "array":
		return "une liste"
	case "struct", "map":
		return "un objet"
	}
	return "un nombre"
}

// asInvalid returns err as an invalid-input error.
func asInvalid(err error) (*apperr.Error, bool) {
	e, ok := apperr.As(err)
	return e, ok && e.Code == apperr.Invalid
}
