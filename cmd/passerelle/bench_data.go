package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/demo/national"
)

const benchDataUsage = "usage: passerelle bench-data --structures N [--children N] [--seed S] [--json]"

// maxBenchStructures bounds the generator: beyond, the fiction blocks of
// phone numbers wrap around and a run takes minutes.
const maxBenchStructures = 100_000

// maxBenchChildren bounds the children's records (the default is 40 a
// structure: 400,000 for a national directory of 10,000 structures).
const maxBenchChildren = 2_000_000

// benchDataCmd runs "passerelle bench-data --structures N [--seed S]": a
// fictional national directory for the benchmarks, with a year of its
// capacity board (declarations, holds, bookings and history) and the
// children's shared records (--children, 40 a structure by default) with a
// year of requests between structures about them and their alerts, written
// beside the demo territory but never beside real data. With --json it
// prints only what it wrote, as one JSON line for scripts/bench.
func benchDataCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench-data", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("structures", 0, "")
	seed := fs.Uint64("seed", 1, "")
	asJSON := fs.Bool("json", false, "")
	children := fs.Int("children", -1, "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errors.New(benchDataUsage)
	}
	if *n < 1 || *n > maxBenchStructures {
		return fmt.Errorf("--structures : un nombre entre 1 et %d (%s)", maxBenchStructures, benchDataUsage)
	}
	if *children < 0 {
		*children = min(*n*national.ChildrenPerReferent, maxBenchChildren)
	}
	if *children > maxBenchChildren {
		return fmt.Errorf("--children : un nombre entre 0 et %d (%s)", maxBenchChildren, benchDataUsage)
	}
	_, d, err := open(ctx, getenv)
	if err != nil {
		return err
	}
	defer d.Close()
	start := time.Now()
	next := *n / 10
	sum, err := national.Load(ctx, d, national.Options{Structures: *n, Seed: *seed, Progress: func(done int) {
		if done >= next && done < *n && !*asJSON {
			fmt.Fprintf(stdout, "  %s structures sur %s…\n", thousands(done), thousands(*n))
			next = done + *n/10
		}
	}})
	if e, ok := apperr.As(err); ok {
		return errors.New(e.Message)
	}
	if err != nil {
		return err
	}
	nextChild := *children / 10
	kids, err := national.LoadChildren(ctx, d, national.NewPlan(*n, *seed), national.ChildOptions{Children: *children, Seed: *seed,
		Progress: func(done int) {
			if done >= nextChild && done < *children && !*asJSON {
				fmt.Fprintf(stdout, "  %s enfants sur %s…\n", thousands(done), thousands(*children))
				nextChild = done + *children/10
			}
		}})
	if e, ok := apperr.As(err); ok {
		return errors.New(e.Message)
	}
	if err != nil {
		return err
	}
	took := time.Since(start)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(datasetLine(sum, kids, *seed, took))
	}
	fmt.Fprintf(stdout, "Annuaire national fictif écrit en %.1f s (graine %d) :\n", took.Seconds(), *seed)
	fmt.Fprintf(stdout, "  %s structures dans %d départements et %s communes, dont %s à adresse confidentielle\n",
		thousands(sum.Structures), sum.Departements, thousands(sum.Communes), thousands(sum.Confidential))
	fmt.Fprintf(stdout, "  %s offres, %s contacts, %s organismes gestionnaires\n",
		thousands(sum.Offers), thousands(sum.Contacts), thousands(sum.Operators))
	b := sum.Board
	fmt.Fprintf(stdout, "  tableau des disponibilités : %s offres déclarées dans l'année, %s déclarations, dont %s ouvertes aujourd'hui (%s périmées)\n",
		thousands(b.Offers), thousands(b.Declarations), thousands(b.Live), thousands(b.Stale))
	fmt.Fprintf(stdout, "  %s options et réservations (%s en cours) de %s services de l'ASE, %s lignes d'historique sur 12 mois\n",
		thousands(b.Holds), thousands(b.LiveHolds), thousands(b.Services), thousands(b.History))
	fmt.Fprintf(stdout, "  %s dossiers d'enfants (%s avec 5 ans d'historique) suivis par %s référents ASE ; %s comptes de professionnels des structures\n",
		thousands(kids.Children), thousands(kids.Busy), thousands(kids.Referents), thousands(kids.Staff))
	fmt.Fprintf(stdout, "  %s proches, %s mesures (%s renouvellements), %s notifications MDPH, %s structures dans les cercles (%s professionnels nommés), %s événements\n",
		thousands(kids.Relatives), thousands(kids.Measures), thousands(kids.Renewals), thousands(kids.Notifications),
		thousands(kids.Circle), thousands(kids.CircleStaff), thousands(kids.Events))
	fmt.Fprintf(stdout, "  %s demandes entre structures sur 12 mois (%s destinataires, %s refus, %s réponses en retard ou absentes, %s étapes d'historique), %s alertes de rupture\n",
		thousands(kids.Requests), thousands(kids.Recipients), thousands(kids.Refusals), thousands(kids.Late),
		thousands(kids.RequestEvents), thousands(kids.Alerts))
	fmt.Fprintf(stdout, "Toutes ces organisations sont marquées fictives ; « passerelle demo reset » les efface.\n")
	return nil
}

// dataset is the line scripts/bench keeps of the data written (read by
// bench/report).
type dataset struct {
	Kind         string  `json:"kind"` // "dataset"
	Name         string  `json:"name"`
	Seed         uint64  `json:"seed"`
	Structures   int     `json:"structures"`
	Offers       int     `json:"offers"`
	Contacts     int     `json:"contacts"`
	Operators    int     `json:"operators"`
	Departements int     `json:"departements"`
	Communes     int     `json:"communes"`
	Ms           float64 `json:"ms"`
	// The capacity board.
	DeclaredOffers int `json:"declared_offers"`
	Declarations   int `json:"declarations"`
	Live           int `json:"live"`
	Stale          int `json:"stale"`
	Holds          int `json:"holds"`
	LiveHolds      int `json:"live_holds"`
	Services       int `json:"ase_services"`
	History        int `json:"history"`
	// The children's records.
	Children      int `json:"children"`
	BusyChildren  int `json:"busy_children"`
	Referents     int `json:"referents"`
	Measures      int `json:"measures"`
	Notifications int `json:"notifications"`
	Circle        int `json:"circle"`
	Events        int `json:"events"`
	// The year of requests and the rupture alerts.
	Requests      int `json:"requests"`
	Recipients    int `json:"request_recipients"`
	RequestEvents int `json:"request_events"`
	Alerts        int `json:"alerts"`
}

func datasetLine(s national.Summary, k national.ChildSummary, seed uint64, took time.Duration) dataset {
	b := s.Board
	return dataset{Kind: "dataset", Name: "national directory", Seed: seed, Structures: s.Structures, Offers: s.Offers,
		Contacts: s.Contacts, Operators: s.Operators, Departements: s.Departements, Communes: s.Communes,
		Ms: float64(took.Microseconds()) / 1000, DeclaredOffers: b.Offers, Declarations: b.Declarations, Live: b.Live,
		Stale: b.Stale, Holds: b.Holds, LiveHolds: b.LiveHolds, Services: b.Services, History: b.History,
		Children: k.Children, BusyChildren: k.Busy, Referents: k.Referents, Measures: k.Measures,
		Notifications: k.Notifications, Circle: k.Circle, Events: k.Events, Requests: k.Requests, Recipients: k.Recipients,
		RequestEvents: k.RequestEvents, Alerts: k.Alerts}
}

// thousands writes 10000 the French way, "10 000" (narrow no-break space).
func thousands(n int) string {
	s := fmt.Sprint(n)
	out := ""
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out += "\u202f"
		}
		out += string(c)
	}
	return out
}
