package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/demo"
	"passerelle/internal/directory"
	"passerelle/internal/org"
)

func migrate(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	_, d, err := open(ctx, getenv)
	if err != nil {
		return err
	}
	defer d.Close()
	cur, latest, err := d.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: schema version %d (latest %d)\n", d.Description, cur, latest)
	return nil
}

func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "reset" {
		return fmt.Errorf("usage: passerelle demo reset")
	}
	_, d, err := open(ctx, getenv)
	if err != nil {
		return err
	}
	defer d.Close()
	s, err := demo.Reset(ctx, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo territory reloaded: %d organisations, %d structures, %d accounts (password %q).\n",
		s.Organisations, s.Structures, len(s.Accounts), demo.Password)
	return nil
}

func auditCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: passerelle audit verify")
		return 2
	}
	_, d, err := open(ctx, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "passerelle audit: %v\n", err)
		return 1
	}
	defer d.Close()
	rep, err := audit.Verify(ctx, d)
	if err != nil {
		fmt.Fprintf(stderr, "passerelle audit: %v\n", err)
		return 1
	}
	if !rep.Intact {
		fmt.Fprintf(stderr, "audit log BROKEN at row %d: %s (%d rows read)\n", rep.BadSeq, rep.Problem, rep.Rows)
		return 1
	}
	fmt.Fprintf(stdout, "audit log intact: %d rows, chain verified\n", rep.Rows)
	return 0
}

func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: passerelle token create --email ADDRESS [--name NAME] [--days N]")
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "account e-mail")
	name := fs.String("name", "ligne de commande", "token name")
	days := fs.Int("days", 90, "validity in days (0: no expiry)")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%v (usage: passerelle token create --email ADDRESS [--name NAME] [--days N])", err)
	}
	if *email == "" || *days < 0 {
		return fmt.Errorf("usage: passerelle token create --email ADDRESS [--name NAME] [--days N]")
	}
	cfg, d, err := open(ctx, getenv)
	if err != nil {
		return err
	}
	defer d.Close()
	svc := &auth.Service{DB: d, BaseURL: cfg.BaseURL}
	ctx = access.WithActor(ctx, access.SystemActor)
	id, err := svc.AccountIDByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("%s: %v", *email, err)
	}
	plain, _, err := svc.CreateAPIToken(ctx, id, *name, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, plain)
	return nil
}

// adminCmd creates the first (or another) platform administrator, for a
// deployment started without the demo. The password is the first line of
// standard input, so that it appears in no process list or shell history.
func adminCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	const use = `usage: passerelle admin create --email ADDRESS --name "FIRST LAST" < password-file`
	if len(args) == 0 || args[0] != "create" {
		return errors.New(use)
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "")
	name := fs.String("name", "", "")
	if err := fs.Parse(args[1:]); err != nil || *email == "" || *name == "" {
		return errors.New(use)
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("no password on standard input (" + use + ")")
	}
	password := strings.TrimRight(line, "\r\n")
	cfg, d, err := open(ctx, getenv)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx = access.WithActor(ctx, access.SystemActor)
	orgs := &org.Service{DB: d, OnWrite: directory.EnsureEntry}
	platform, _, err := orgs.List(ctx, org.Filter{Kind: access.OrgPlatform, Limit: 1})
	if err != nil {
		return err
	}
	var platformID string
	if len(platform) > 0 {
		platformID = platform[0].ID
	} else {
		o, err := orgs.Create(ctx, org.Input{Kind: access.OrgPlatform, Name: "Plateforme Passerelle"})
		if err != nil {
			return err
		}
		platformID = o.ID
	}
	svc := &auth.Service{DB: d, BaseURL: cfg.BaseURL}
	acc, err := svc.CreateAccount(ctx, auth.NewAccount{Email: *email, Name: *name, Password: password,
		Memberships: []auth.MembershipInput{{OrganisationID: platformID, Role: access.RoleAdmin}}})
	if err != nil {
		if e, ok := apperr.As(err); ok && len(e.Fields) > 0 {
			var parts []string
			for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
				parts = append(parts, f+": "+e.Fields[f])
			}
			return errors.New(strings.Join(parts, "; "))
		}
		return err
	}
	fmt.Fprintf(stdout, "Administrator %s created. Two-factor set-up will be asked at the first login on %s\n", acc.Email, cfg.BaseURL)
	return nil
}
