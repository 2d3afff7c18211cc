package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/directory"
	"passerelle/internal/directory/hsds"
)

// importCmd runs "passerelle import finess [--dry-run] FILE" ("-" reads
// standard input) and prints the report; a rejected file exits 1 and
// changes nothing.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "finess" {
		return fmt.Errorf("usage: passerelle import finess [--dry-run] FICHIER")
	}
	fs := flag.NewFlagSet("import finess", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dryRun := fs.Bool("dry-run", false, "")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 1 {
		return fmt.Errorf("usage: passerelle import finess [--dry-run] FICHIER")
	}
	in := stdin
	if path := fs.Arg(0); path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("impossible de lire %s : %w", path, err)
		}
		defer f.Close()
		in = f
	}
	_, d, err := open(ctx, getenv)
	if err != nil {
		return err
	}
	defer d.Close()
	svc := &directory.Service{DB: d}
	rep, err := svc.ImportFiness(access.WithActor(ctx, access.SystemActor), in, *dryRun)
	printImportReport(stdout, rep)
	if e, ok := apperr.As(err); ok {
		msg := e.Message
		for _, m := range e.Fields {
			msg = m
		}
		return errors.New(msg)
	}
	return err
}

func printImportReport(w io.Writer, r directory.ImportReport) {
	switch {
	case r.DryRun:
		fmt.Fprintln(w, "Simulation : rien n'a été écrit.")
	case len(r.Rejected) > 0:
		fmt.Fprintln(w, "Import refusé : rien n'a été écrit.")
	}
	if r.Format != "" {
		fmt.Fprintf(w, "Format : %s\n", r.Format)
	}
	fmt.Fprintf(w, "Créées : %d\nMises à jour : %d\nInchangées : %d\nFermées : %d\nOrganismes gestionnaires créés : %d\nIgnorées (autres catégories) : %d\nRejetées : %d\n",
		r.Created, r.Updated, r.Unchanged, r.Closed, r.OperatorsCreated, r.Skipped, len(r.Rejected))
	for _, p := range r.Rejected {
		fmt.Fprintf(w, "  ligne %d : %s\n", p.Line, p.Reason)
	}
	if len(r.Kept) > 0 {
		fmt.Fprintln(w, "Modifications faites à la main, conservées :")
		for _, k := range r.Kept {
			fmt.Fprintf(w, "  %s (%s) : %s\n", k.Name, k.Finess, strings.Join(k.Fields, ", "))
		}
	}
}

// exportCmd runs "passerelle export hsds": the public directory as one
// HSDS 3.0 page of every organisation (each structure, with its services
// nested: a structure without offers is still listed), on standard output.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "hsds" {
		return fmt.Errorf("usage: passerelle export hsds > annuaire-hsds.json")
	}
	_, d, err := open(ctx, getenv)
	if err != nil {
		return err
	}
	defer d.Close()
	svc := &directory.Service{DB: d}
	ctx = access.WithActor(ctx, access.SystemActor)
	var orgs []hsds.Organization
	operators := map[string]bool{} // each operator once, after its first structure
	for offset := 0; ; offset += directory.MaxLimit {
		page, total, err := svc.HSDSPage(ctx, directory.MaxLimit, offset)
		if err != nil {
			return err
		}
		for _, s := range page {
			orgs = append(orgs, hsds.OrganizationOf(s))
			if op, ok := hsds.OperatorOf(s); ok && !operators[op.ID] {
				operators[op.ID] = true
				orgs = append(orgs, op)
			}
		}
		if offset+len(page) >= total || len(page) == 0 {
			break
		}
	}
	if err := svc.RecordExport(ctx, "hsds", len(orgs), directory.Query{}); err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(hsds.NewPage(orgs, len(orgs), 1, max(len(orgs), 1)))
}
