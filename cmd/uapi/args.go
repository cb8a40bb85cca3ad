package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/uapi"
)

const usageText = `usage: uapi [--output=yaml|json|jsonpretty|xml] [--user=NAME] Module function [key=value ...]
       uapi --help | uapi Module --help | uapi Module function --help

options (anywhere on the line, as --name=value or --name value):
  --output FORMAT   yaml (default), json, jsonpretty or xml
  --user NAME       the hosting account to act as (UAPI_USER)
  --socket PATH     the daemon's admin socket (default UAPID_DATA_DIR/uapid.sock)
  --url URL         call a remote uapid over HTTPS instead (UAPI_URL), with
                    the API token in UAPI_TOKEN
  --insecure        accept a self-signed certificate with --url (UAPI_INSECURE=1)

Values must be URI-encoded (%40 for @). Exit status: 0 status 1, 1 status 0,
2 usage error, 3 no answer (connection or authentication failure).
`

type options struct {
	output, user, socket, url, token string
	insecure, help                   bool
	module, function                 string
	words                            []string // key=value arguments
}

// valueOptions take a value, as --opt=value or --opt value.
var valueOptions = []string{"output", "user", "socket", "url"}

func parseArgs(args []string, getenv func(string) string) (*options, error) {
	o := &options{output: "yaml", user: getenv("UAPI_USER"), url: getenv("UAPI_URL"),
		token: getenv("UAPI_TOKEN"), insecure: getenv("UAPI_INSECURE") == "1"}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "--") {
			pos = append(pos, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if slices.Contains(valueOptions, name) && !hasVal {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("--%s needs a value", name)
			}
			i++
			val = args[i]
		}
		if err := o.set(name, val); err != nil {
			return nil, err
		}
	}
	return o, o.positional(pos)
}

func (o *options) set(name, val string) error {
	switch name {
	case "output":
		if !slices.Contains(uapi.Formats(), val) {
			return fmt.Errorf("--output must be one of %s", strings.Join(uapi.Formats(), ", "))
		}
		o.output = val
	case "user":
		o.user = val
	case "socket":
		o.socket = val
	case "url":
		o.url = val
	case "insecure":
		o.insecure = true
	case "help":
		o.help = true
	default:
		return fmt.Errorf("unknown option --%s", name)
	}
	return nil
}

func (o *options) positional(pos []string) error {
	if len(pos) > 0 {
		o.module = pos[0]
	}
	if len(pos) > 1 {
		o.function = pos[1]
	}
	if len(pos) > 2 {
		o.words = pos[2:]
	}
	if o.help {
		return nil
	}
	if o.function == "" {
		return fmt.Errorf("give a module and a function")
	}
	if o.user == "" {
		return fmt.Errorf("--user is required: name the account to act as")
	}
	return nil
}
