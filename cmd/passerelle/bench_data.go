package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/demo/national"
)

const benchDataUsage = "usage: passerelle bench-data --structures N [--seed S]"

// maxBenchStructures bounds the generator: beyond, the fiction blocks of
// phone numbers wrap around and a run takes minutes.
const maxBenchStructures = 100_000

// benchDataCmd runs "passerelle bench-data --structures N [--seed S]": a
// fictional national directory for the benchmarks, written beside the demo
// territory but never beside real data.
func benchDataCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench-data", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("structures", 0, "")
	seed := fs.Uint64("seed", 1, "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errors.New(benchDataUsage)
	}
	if *n < 1 || *n > maxBenchStructures {
		return fmt.Errorf("--structures : un nombre entre 1 et %d (%s)", maxBenchStructures, benchDataUsage)
	}
	_, d, err := open(ctx, getenv)
	if err != nil {
		return err
	}
	defer d.Close()
	start := time.Now()
	next := *n / 10
	sum, err := national.Load(ctx, d, national.Options{Structures: *n, Seed: *seed, Progress: func(done int) {
		if done >= next && done < *n {
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
	took := time.Since(start)
	fmt.Fprintf(stdout, "Annuaire national fictif écrit en %.1f s (graine %d) :\n", took.Seconds(), *seed)
	fmt.Fprintf(stdout, "  %s structures dans %d départements et %s communes, dont %s à adresse confidentielle\n",
		thousands(sum.Structures), sum.Departements, thousands(sum.Communes), thousands(sum.Confidential))
	fmt.Fprintf(stdout, "  %s offres, %s contacts, %s organismes gestionnaires\n",
		thousands(sum.Offers), thousands(sum.Contacts), thousands(sum.Operators))
	fmt.Fprintf(stdout, "Toutes ces organisations sont marquées fictives ; « passerelle demo reset » les efface.\n")
	return nil
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
