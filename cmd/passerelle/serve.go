package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/auth"
	"passerelle/internal/capacity"
	"passerelle/internal/config"
	"passerelle/internal/cooperation"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/demo"
	"passerelle/internal/directory"
	"passerelle/internal/indicators"
	"passerelle/internal/jobs"
	"passerelle/internal/notify"
	"passerelle/internal/pathway"
	"passerelle/internal/request"
	"passerelle/internal/surveys"
	"passerelle/internal/web"
)

// open loads the configuration and opens and migrates the database.
func open(ctx context.Context, getenv func(string) string) (*config.Config, *db.DB, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, nil, fmt.Errorf("configuration: %w", err)
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, nil, err
	}
	return cfg, d, nil
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %v", args)
	}
	start := time.Now()
	cfg, d, err := open(ctx, getenv)
	if err != nil {
		return err
	}
	defer d.Close()
	logger := newLogger(cfg, stderr)

	var summary demo.Summary
	if cfg.Demo {
		var loaded bool
		if summary, loaded, err = demo.Load(ctx, d); err != nil {
			return fmt.Errorf("demo territory: %w", err)
		}
		if loaded {
			logger.Info("demo territory loaded", "departement", summary.Departement, "structures", summary.Structures)
		}
	}
	if n, err := (&directory.Service{DB: d}).Reindex(access.WithActor(ctx, access.SystemActor)); err != nil {
		return fmt.Errorf("directory index: %w", err)
	} else if n > 0 {
		logger.Info("directory entries indexed", "count", n)
	}
	srv, err := web.New(cfg, d, logger)
	if err != nil {
		return err
	}
	srv.Demo = len(summary.Accounts) > 0

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	httpSrv := srv.HTTPServer()
	// The jobs runner stops before the database closes (defers run last in,
	// first out), so that it can release the jobs it holds.
	runCtx, cancel := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	defer func() { cancel(); <-jobsDone }()
	go func() {
		defer close(jobsDone)
		if cfg.Jobs {
			runJobs(runCtx, cfg, d, logger)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()

	printBanner(stdout, cfg, d, summary, time.Since(start))
	logger.Info("listening", "addr", ln.Addr().String(), "database", d.Description, "startup_ms", time.Since(start).Milliseconds())

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		logger.Info("shutting down")
		shutCtx, c := context.WithTimeout(context.Background(), 15*time.Second)
		defer c()
		if err := httpSrv.Shutdown(shutCtx); err != nil {
			return err
		}
	}
	return nil
}

// runJobs runs due work until ctx ends: mail, and the periodic clean-ups.
func runJobs(ctx context.Context, cfg *config.Config, d *db.DB, logger *slog.Logger) {
	host, _ := os.Hostname()
	r := &jobs.Runner{DB: d, Logger: logger, WorkerID: fmt.Sprintf("%s-%d", host, os.Getpid())}
	sender := &notify.Sender{SMTP: cfg.SMTP, Logger: logger}
	r.Handle(notify.KindMail, sender.Handler())
	r.Handle("sessions.purge", func(ctx context.Context, _ json.RawMessage) error {
		_, err := auth.SessionStore{DB: d}.DeleteExpired(ctx)
		return err
	})
	r.Handle("login_failures.purge", func(ctx context.Context, _ json.RawMessage) error {
		svc := &auth.Service{DB: d, BaseURL: cfg.BaseURL}
		return svc.PurgeLoginFailures(ctx, db.Now(d.Clock).Add(-24*time.Hour))
	})
	r.Handle("jobs.purge", func(ctx context.Context, _ json.RawMessage) error {
		_, err := jobs.Purge(ctx, d)
		return err
	})
	dir := &directory.Service{DB: d}
	r.Handle(directory.KindStaleReminder, func(ctx context.Context, _ json.RawMessage) error {
		_, err := dir.RemindStale(ctx, cfg.BaseURL)
		return err
	})
	board := &capacity.Service{DB: d}
	r.Handle(capacity.KindStalePrompt, func(ctx context.Context, _ json.RawMessage) error {
		_, err := board.PromptStale(ctx, cfg.BaseURL)
		return err
	})
	r.Handle(capacity.KindExpireHolds, func(ctx context.Context, _ json.RawMessage) error {
		_, err := board.ExpireHolds(ctx)
		return err
	})
	records := &pathway.Service{DB: d}
	r.Handle(pathway.KindAlerts, func(ctx context.Context, _ json.RawMessage) error {
		_, err := records.Alerts(ctx)
		return err
	})
	r.Every(pathway.KindAlerts, time.Hour)
	r.Handle(pathway.KindLiaisonReminders, func(ctx context.Context, _ json.RawMessage) error {
		_, err := records.RemindLiaisons(ctx)
		return err
	})
	r.Every(pathway.KindLiaisonReminders, time.Hour)
	r.Handle(pathway.KindPlanningAlerts, func(ctx context.Context, _ json.RawMessage) error {
		_, err := records.PlanningAlerts(ctx)
		return err
	})
	r.Every(pathway.KindPlanningAlerts, 6*time.Hour)
	requests := &request.Service{DB: d, BaseURL: cfg.BaseURL, Places: capacity.RequestPlaces{}}
	r.Handle(request.KindTiming, func(ctx context.Context, _ json.RawMessage) error {
		_, err := requests.Timing(ctx)
		return err
	})
	r.Every(request.KindTiming, 15*time.Minute)
	r.Handle(notify.KindDigest, func(ctx context.Context, _ json.RawMessage) error {
		_, err := notify.Digest(ctx, d, cfg.BaseURL)
		return err
	})
	r.Every(notify.KindDigest, time.Hour)
	// Agreements: renewal and end reminders, statuses and reserved places.
	agreements := &cooperation.Service{DB: d, Places: capacity.AgreementPlaces{}}
	r.Handle(cooperation.KindReminders, func(ctx context.Context, _ json.RawMessage) error {
		_, err := agreements.Reminders(ctx, cfg.BaseURL)
		return err
	})
	r.Every(cooperation.KindReminders, time.Hour)
	// Crisis mode: continuity plan reviews, broadcast acknowledgements and
	// status reports asked for.
	crises := &crisis.Service{DB: d, BaseURL: cfg.BaseURL}
	r.Handle(crisis.KindPlanReviews, func(ctx context.Context, _ json.RawMessage) error {
		_, err := crises.PlanReviews(ctx)
		return err
	})
	r.Every(crisis.KindPlanReviews, 6*time.Hour)
	r.Handle(crisis.KindBroadcastReminders, func(ctx context.Context, _ json.RawMessage) error {
		_, err := crises.BroadcastReminders(ctx)
		return err
	})
	r.Every(crisis.KindBroadcastReminders, 10*time.Minute)
	r.Handle(crisis.KindStatusReminders, func(ctx context.Context, _ json.RawMessage) error {
		_, err := crises.StatusReminders(ctx)
		return err
	})
	r.Every(crisis.KindStatusReminders, 15*time.Minute)
	// Surveys: reminders 3 days and 1 day before a campaign's deadline.
	surveysSvc := &surveys.Service{DB: d, BaseURL: cfg.BaseURL}
	r.Handle(surveys.KindReminders, func(ctx context.Context, _ json.RawMessage) error {
		_, err := surveysSvc.Remind(ctx)
		return err
	})
	r.Every(surveys.KindReminders, time.Hour)
	// Dashboards: the pre-aggregated figures, recomputed every hour, and
	// at once on a database that never had them.
	figures := &indicators.Service{DB: d}
	r.Handle(indicators.KindRefresh, func(ctx context.Context, _ json.RawMessage) error { return figures.Refresh(ctx) })
	r.Every(indicators.KindRefresh, time.Hour)
	go func() {
		if _, err := figures.RefreshIfEmpty(ctx); err != nil && !errors.Is(err, context.Canceled) {
			logger.Error("indicators: first refresh", "error", err.Error())
		}
	}()
	r.Handle("db.optimize", func(ctx context.Context, _ json.RawMessage) error { return d.Optimize(ctx) })
	r.Every("db.optimize", 6*time.Hour)
	r.Every(directory.KindStaleReminder, 24*time.Hour)
	r.Every(capacity.KindStalePrompt, time.Hour)
	r.Every(capacity.KindExpireHolds, 5*time.Minute)
	r.Every("sessions.purge", time.Hour)
	r.Every("jobs.purge", 24*time.Hour)
	r.Every("login_failures.purge", time.Hour)
	if err := r.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		logger.Error("jobs runner stopped", "error", err.Error())
	}
}

// printBanner tells the person who started Passerelle where it is and how to
// log in, in plain words rather than in the JSON log.
func printBanner(w io.Writer, cfg *config.Config, d *db.DB, s demo.Summary, took time.Duration) {
	fmt.Fprintf(w, "\nPasserelle est prête (démarrage en %d ms) : %s\n", took.Milliseconds(), cfg.BaseURL)
	fmt.Fprintf(w, "Base de données : %s\n", d.Description)
	if len(s.Accounts) == 0 {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "\nTerritoire de démonstration : %s (%s), données fictives. Comptes de démonstration, mot de passe « %s » :\n", demo.DepartementName, s.Departement, demo.Password)
	for _, a := range s.Accounts {
		line := fmt.Sprintf("  %-44s %s — %s", a.Email, a.Role, a.Organisation)
		if a.Note != "" {
			line += " (" + a.Note + ")"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
}
