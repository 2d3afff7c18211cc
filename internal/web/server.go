// Package web is Passerelle's HTTP layer: pages (html/template + htmx), the
// JSON API under /api/v1, health and metrics. It decodes and validates
// input, calls the feature services with the actor in the context, and maps
// their typed errors once, to French pages or problem+json.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"passerelle/internal/auth"
	"passerelle/internal/capacity"
	"passerelle/internal/config"
	"passerelle/internal/cooperation"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/directory"
	"passerelle/internal/indicators"
	"passerelle/internal/org"
	"passerelle/internal/pathway"
	"passerelle/internal/request"
	"passerelle/internal/surveys"
)

// Server holds what handlers need. It keeps no state of its own between
// requests: sessions and everything else live in the database.
type Server struct {
	Config *config.Config
	DB     *db.DB
	Auth   *auth.Service
	Orgs   *org.Service
	// Directory is the territorial directory (structures, offers, contacts).
	Directory *directory.Service
	// Capacity is the live capacity and respite board.
	Capacity *capacity.Service
	// Pathway is the children's shared records.
	Pathway *pathway.Service
	// Requests are the requests between structures.
	Requests *request.Service
	// Cooperation is agreements, model documents and the knowledge base.
	Cooperation *cooperation.Service
	// Crisis is crisis mode, continuity plans, broadcasts and on-call rotas.
	Crisis *crisis.Service
	// Surveys are flash surveys and their campaigns.
	Surveys *surveys.Service
	// Indicators are the territorial dashboards.
	Indicators *indicators.Service
	Logger     *slog.Logger
	Sessions   *scs.SessionManager
	// Demo is true when the demo territory is loaded: pages say it is fictional.
	Demo bool

	pages   *pageSet
	assets  *assetSet
	metrics *metrics
	api     []apiRoute
	mux     *http.ServeMux
}

// New wires a server; templates and assets are parsed here so that a broken
// template stops the start, not a user.
func New(cfg *config.Config, d *db.DB, logger *slog.Logger) (*Server, error) {
	s := &Server{
		Config: cfg,
		DB:     d,
		Auth:   &auth.Service{DB: d, BaseURL: cfg.BaseURL},
		Orgs:   &org.Service{DB: d, OnWrite: directory.EnsureEntry},
		Logger: logger,
	}
	s.Directory = &directory.Service{DB: d}
	s.Capacity = &capacity.Service{DB: d}
	s.Pathway = &pathway.Service{DB: d}
	s.Requests = &request.Service{DB: d, BaseURL: cfg.BaseURL, Children: requestChildren{s.Pathway}, Places: capacity.RequestPlaces{}, Record: s.Pathway}
	s.Cooperation = &cooperation.Service{DB: d, Places: capacity.AgreementPlaces{}}
	s.Crisis = &crisis.Service{DB: d, BaseURL: cfg.BaseURL}
	s.Surveys = &surveys.Service{DB: d, BaseURL: cfg.BaseURL}
	s.Indicators = &indicators.Service{DB: d}
	s.Sessions = scs.New()
	s.Sessions.Store = auth.SessionStore{DB: d}
	// The idle timeout is enforced in authenticate, not by scs: scs would
	// rewrite the session row on every request to move its expiry.
	s.Sessions.Lifetime = cfg.SessionLifetime
	s.Sessions.Cookie.Name = "passerelle_session"
	s.Sessions.Cookie.HttpOnly = true
	s.Sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.Sessions.Cookie.Secure = cfg.SecureCookies
	s.Sessions.Cookie.Path = "/"
	s.Sessions.HashTokenInStore = true
	s.Sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.serverError(w, r, err)
	}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.assets); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(d)
	s.routes()
	return s, nil
}

// Handler returns the whole application with its middleware.
func (s *Server) Handler() http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "Requête refusée : elle ne vient pas de Passerelle.")
	}))
	var app http.Handler = http.HandlerFunc(s.route)
	app = s.authenticate(app)
	app = markSession(app)
	app = s.Sessions.LoadAndSave(app)
	app = csrf.Handler(app)
	app = limitBody(app, 1<<20)
	// Probes, metrics and assets need neither session nor account.
	bare := http.NewServeMux()
	bare.HandleFunc("GET /healthz", s.healthz)
	bare.HandleFunc("GET /readyz", s.readyz)
	bare.Handle("GET /metrics", s.metrics.handler())
	bare.Handle("GET /static/", s.assets)
	bare.Handle("/", app)
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bare.ServeHTTP(w, r)
		if r.Pattern != "/" {
			setRoute(r, r.Pattern)
		}
	})
	h = securityHeaders(h)
	h = s.observe(h) // outermost: request id, recover, log, metrics
	return h
}

// HTTPServer returns an http.Server with timeouts suited to the Internet.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Addr:              s.Config.Addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
}
