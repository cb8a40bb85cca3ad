// Command uapid is the uapid daemon and its operator commands:
//
//	uapid serve [--config FILE] [--demo]   run every server
//	uapid account create|list|show|passwd|suspend|unsuspend|quota|delete …
//	uapid domain add|remove ACCOUNT DOMAIN
//	uapid token create|list|revoke …      operator tokens for WHM API 1
//	uapid package create|list|delete …    hosting plans
//	uapid migrate                          apply database migrations and exit
//	uapid config                           print the option table
//	uapid version
//
// Operator commands talk to a running daemon through its admin socket.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/uapid/uapid/internal/sandbox"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		var ue usageError
		fmt.Fprintln(os.Stderr, "uapid:", err)
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage: uapid <command> [arguments]

commands:
  serve [--config FILE] [--demo]     run the UAPI, FTP, Web Disk and admin servers
  account create NAME --domain D --password P [--quota MB] [--features a,b] [--plan PKG] [--email E]
  account list | show NAME | passwd NAME --password P | quota NAME MB | plan NAME PKG
  account suspend NAME [--reason R] | unsuspend NAME | delete NAME
  package create NAME [--quota MB] [--features a,b] | package list | package delete NAME
  domain add NAME DOMAIN | domain remove NAME DOMAIN
  token create NAME [--expires DURATION] | token list | token revoke NAME
                                     operator API tokens for WHM API 1 (port 2087)
  migrate [--config FILE]            apply database migrations and exit
  config                             print every option with its environment variable
  version

Operator commands use the admin socket: UAPID_DATA_DIR/uapid.sock, or --socket PATH.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "account":
		return accountCmd(ctx, args[1:], stdout)
	case "domain":
		return domainCmd(ctx, args[1:], stdout)
	case "token":
		return tokenCmd(ctx, args[1:], stdout)
	case "package":
		return packageCmd(ctx, args[1:], stdout)
	case "migrate":
		return migrate(ctx, args[1:], stdout)
	case "config":
		_, err := fmt.Fprint(stdout, configTable())
		return err
	case sandbox.HelperCommand: // internal: starts a sandboxed plugin program
		return sandbox.Exec()
	case "version":
		_, err := fmt.Fprintln(stdout, "uapid", version)
		return err
	case "help", "-h", "--help":
		_, err := fmt.Fprint(stdout, usage)
		return err
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}
