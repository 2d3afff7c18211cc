package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id, recovers panics into a French 500 page
// that names the id, logs one line per request and feeds the metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		rt := &routeHolder{}
		ctx := context.WithValue(r.Context(), routeKey{}, rt)
		ctx = audit.WithRequest(ctx, audit.Request{ID: id, IP: s.clientIP(r)})
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Logger.Error("panic", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.fail(sw, r, http.StatusInternalServerError, "")
				}
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			elapsed := time.Since(start)
			route := rt.pattern
			if route == "" {
				route = "unmatched"
			}
			s.metrics.observe(r.Method, route, sw.status, elapsed)
			level := s.Logger.Info
			if sw.status >= 500 {
				level = s.Logger.Error
			}
			if route != "GET /healthz" && route != "GET /metrics" && !strings.HasPrefix(r.URL.Path, "/static/") {
				level("request", "request_id", id, "method", r.Method, "path", r.URL.Path, "route", route,
					"status", sw.status, "bytes", sw.size, "duration_ms", float64(elapsed.Microseconds())/1000,
					"actor", access.ActorFrom(r.Context()).AccountID)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// clientIP is the peer address, or the first address before trusted
// proxies in X-Forwarded-For, so throttling sees the real client.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.Config.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// contentSecurityPolicy allows only Passerelle's own scripts and styles;
// data: images are the TOTP QR codes.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies; handlers see an error past the limit and
// answer 413 through the usual error path. Uploads get more room.
func limitBody(next http.Handler, n int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := n
		if _, pattern := uploadRoutes.Handler(r); pattern != "" {
			n = uploadLimits[pattern]
		}
		if r.ContentLength > n {
			w.Header().Set("Connection", "close")
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// Upload limits: a document (5 Mio) with its form, up to five attachments
// of 5 Mio with their form, and a FINESS file sent through the page (the
// national flow goes through the command line).
const (
	maxDocumentBody    = 6 << 20
	maxAttachmentsBody = 26 << 20
	maxImportBody      = 64 << 20
)

// uploadLimits are the routes that take files, with their limit; every
// other request is held to the default. The patterns are the routes' own,
// matched by a mux of their own so that a path like /annuaire/x/documents/y
// is not mistaken for an upload.
var uploadLimits = map[string]int64{
	"POST /annuaire/{id}/documents":              maxDocumentBody,
	"POST /enfants/{id}/mesure":                  maxDocumentBody,
	"POST /enfants/{id}/liaison":                 maxAttachmentsBody,
	"POST /admin/import-finess":                  maxImportBody,
	"POST /demandes/nouvelle":                    maxAttachmentsBody,
	"POST /cooperation/accords/{id}/document":    maxDocumentBody,
	"POST /cooperation/modeles/{id}/document":    maxDocumentBody,
	"POST /cooperation/pratiques/nouvelle":       maxAttachmentsBody,
	"POST /cooperation/pratiques/{id}/modifier":  maxAttachmentsBody,
	"POST /cooperation/pratiques/{id}/pieces":    maxAttachmentsBody,
	"PUT /api/v1/agreements/{id}/document":       maxDocumentBody,
	"PUT /api/v1/agreement-models/{id}/document": maxDocumentBody,
	"POST /api/v1/articles/{id}/attachments":     maxDocumentBody,
	"POST /crise/plans/{id}":                     maxDocumentBody,
	"POST /crise/diffusions/nouvelle":            maxDocumentBody,
}

var uploadRoutes = func() *http.ServeMux {
	m := http.NewServeMux()
	for p := range uploadLimits {
		m.Handle(p, http.NotFoundHandler())
	}
	return m
}()

// Session keys.
const (
	sessAccount      = "account_id"         // fully logged in
	sessPending      = "pending_account_id" // password checked, second factor to come
	sessPendingEnrol = "pending_enrolment"  // the second factor must first be set up
	sessAuthAt       = "auth_at"            // when this session was authenticated (Unix µs)
	sessFlash        = "flash"
	sessNext         = "next"
	sessEnrolSecret  = "totp_enrol_secret"
	bearerPrefix     = "Bearer "
)

// authenticate puts the actor in the context: from a bearer token for API
// clients, else from the session. A deactivated account loses its session.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			if !strings.HasPrefix(h, bearerPrefix) {
				s.apiError(w, r, apperr.New(apperr.Unauthorized, "En-tête Authorization invalide : attendu « Bearer <jeton> »."))
				return
			}
			actor, err := s.Auth.TokenActor(ctx, strings.TrimSpace(strings.TrimPrefix(h, bearerPrefix)))
			if err == nil {
				next.ServeHTTP(w, r.WithContext(access.WithActor(ctx, actor)))
				return
			}
			if apperr.CodeOf(err) == apperr.Internal {
				s.apiError(w, r, err)
				return
			}
			s.apiError(w, r, apperr.New(apperr.Unauthorized, "Jeton d'accès invalide ou expiré."))
			return
		}
		if id := s.Sessions.GetString(ctx, sessAccount); id != "" {
			if !s.stillActive(ctx) {
				s.Sessions.Destroy(ctx)
				next.ServeHTTP(w, r)
				return
			}
			actor, err := s.Auth.LoadActor(ctx, id)
			switch {
			case err == nil && s.Sessions.GetInt64(ctx, sessAuthAt) < actor.SessionsValidFrom.UnixMicro():
				// The password or second factor changed since this session began.
				s.Sessions.Destroy(ctx)
			case err == nil:
				ctx = access.WithActor(ctx, actor)
			case apperr.CodeOf(err) == apperr.Internal:
				s.serverError(w, r, err)
				return
			default:
				s.Sessions.Destroy(ctx)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type sessionKey struct{}

// markSession records that the session is loaded, so that pages rendered
// outside it (refused cross-origin requests, panics) do not touch it.
func markSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, true)))
	})
}

func hasSession(r *http.Request) bool { return r.Context().Value(sessionKey{}) != nil }

type routeKey struct{}

// routeHolder carries the matched pattern back up to observe, through the
// request copies that middleware makes.
type routeHolder struct{ pattern string }

func setRoute(r *http.Request, pattern string) {
	if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok && pattern != "" && h.pattern == "" {
		h.pattern = pattern
	}
}

// sessSeen is when the session was last used (Unix seconds).
const sessSeen = "seen"

// stillActive applies the idle timeout. It records the use of the session at
// most once a minute, so that reading pages does not write to the database.
func (s *Server) stillActive(ctx context.Context) bool {
	now := s.now().Unix()
	seen := s.Sessions.GetInt64(ctx, sessSeen)
	if seen != 0 && now-seen > int64(s.Config.SessionIdle.Seconds()) {
		return false
	}
	if now-seen >= 60 {
		s.Sessions.Put(ctx, sessSeen, now)
	}
	return true
}

// now is the server's clock: the database's, which tests control.
func (s *Server) now() time.Time { return db.Now(s.DB.Clock) }
