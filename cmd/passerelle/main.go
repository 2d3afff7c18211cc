// Command passerelle runs the Passerelle platform and its maintenance tasks.
//
//	passerelle [serve]              start the web server (default)
//	passerelle migrate              apply database migrations and exit
//	passerelle demo reset           replace all data with the demo territory
//	passerelle audit verify         check the audit log's hash chain
//	passerelle token create --email ADDRESS [--name NAME] [--days N]
//	                                create an API token and print it once
//	passerelle admin create --email ADDRESS --name NAME < password
//	                                create a platform administrator
//	passerelle import finess [--dry-run] FILE
//	                                import establishments from a FINESS file
//	passerelle export hsds          the public directory as HSDS 3.0 JSON
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the exit status; errors are one
// French or English line on stderr, never a stack trace.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args, stdout, stderr, getenv)
	case "migrate":
		err = migrate(ctx, getenv, stdout)
	case "demo":
		err = demoCmd(ctx, args, getenv, stdout)
	case "audit":
		return auditCmd(ctx, args, getenv, stdout, stderr)
	case "token":
		err = tokenCmd(ctx, args, getenv, stdout)
	case "admin":
		err = adminCmd(ctx, args, getenv, stdin, stdout)
	case "import":
		err = importCmd(ctx, args, getenv, stdin, stdout)
	case "export":
		err = exportCmd(ctx, args, getenv, stdout)
	case "bench-data":
		err = benchDataCmd(ctx, args, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "passerelle: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "passerelle %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

const usage = `Usage:
  passerelle [serve]              start the web server (default)
  passerelle migrate              apply database migrations and exit
  passerelle demo reset           replace all data with the demo territory
  passerelle audit verify         check the audit log's hash chain (exit 1 if broken)
  passerelle token create --email ADDRESS [--name NAME] [--days N]
                                  create an API token for an account and print it once
  passerelle admin create --email ADDRESS --name "FIRST LAST" < password-file
                                  create a platform administrator (password: first line of stdin)
  passerelle import finess [--dry-run] FILE
                                  import the field's establishments from a FINESS file (JSON flow or CSV)
  passerelle export hsds          write the public directory as HSDS 3.0 JSON on stdout
  passerelle bench-data --structures N [--seed S] [--json]
                                  write a fictional national directory and a year of its capacity board
                                  for benchmarks (not beside real data); --json prints the counts as JSON

Configuration comes from PASSERELLE_* environment variables (see README.md).
`
