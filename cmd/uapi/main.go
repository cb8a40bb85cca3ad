// Command uapi is cPanel's `uapi` command line for uapid:
//
//	uapi [--output=yaml|json|jsonpretty|xml] [--user=NAME] Module function key=value ...
//
// It prints the wrapped result ({apiversion, func, module, result}), YAML
// by default. Locally it talks to the daemon's admin socket and acts as any
// --user (like root with cPanel's uapi); with --url (or UAPI_URL) it calls a
// remote server over HTTPS with an API token from UAPI_TOKEN.
//
// Exit status: 0 when the function answered status 1; 1 when it answered
// status 0 (the result is still printed); 2 for a usage error; 3 when no
// answer could be had (daemon unreachable, authentication refused).
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
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK        = 0
	exitFailed    = 1
	exitUsage     = 2
	exitTransport = 3
)

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "uapi: %v\n%s", err, usageText)
		return exitUsage
	}
	if o.help {
		if err := printHelp(stdout, o); err != nil {
			fmt.Fprintf(stderr, "uapi: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	res, err := call(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "uapi: %v\n", err)
		return exitTransport
	}
	if err := printResult(stdout, o, res); err != nil {
		fmt.Fprintf(stderr, "uapi: %v\n", err)
		return exitTransport
	}
	if res.Status != 1 {
		return exitFailed
	}
	return exitOK
}
