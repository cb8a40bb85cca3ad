package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/uapid/uapid/internal/admin"
)

// tokenCmd manages operator API tokens (WHM API 1's credentials):
// create prints the secret once, list shows names and dates, revoke
// deletes one.
func tokenCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{"token: give a subcommand: create, list, revoke"}
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	socket := fs.String("socket", "", "admin socket path")
	expires := fs.Duration("expires", 0, "lifetime of a new token (Go duration, e.g. 8760h); 0: never expires")
	pos, err := parseOperator(fs, args[1:])
	if err != nil {
		return err
	}
	if (args[0] == "list") != (len(pos) == 0) {
		return usageError{fmt.Sprintf("token %s: give exactly one token name (none for list)", args[0])}
	}
	c, err := adminClient(*socket)
	if err != nil {
		return err
	}
	switch args[0] {
	case "create":
		req := admin.CreateToken{Name: pos[0]}
		if *expires > 0 {
			req.ExpiresAt = time.Now().Add(*expires).Unix()
		}
		var t admin.Token
		if err := c.Do(ctx, http.MethodPost, "/admin/tokens", req, &t); err != nil {
			return err
		}
		_, err := fmt.Fprintf(stdout, "%s\n", t.Secret)
		return err
	case "list":
		var ts []admin.Token
		if err := c.Do(ctx, http.MethodGet, "/admin/tokens", nil, &ts); err != nil {
			return err
		}
		return printTokens(stdout, ts)
	case "revoke":
		if err := c.Do(ctx, http.MethodDelete, "/admin/tokens/"+url.PathEscape(pos[0]), nil, nil); err != nil {
			return err
		}
		_, err := fmt.Fprintf(stdout, "token %s revoked\n", pos[0])
		return err
	}
	return usageError{fmt.Sprintf("token: unknown subcommand %q", args[0])}
}

func printTokens(w io.Writer, ts []admin.Token) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCREATED\tEXPIRES")
	for _, t := range ts {
		exp := "never"
		if t.ExpiresAt != nil {
			exp = time.Unix(*t.ExpiresAt, 0).UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, time.Unix(t.CreatedAt, 0).UTC().Format(time.RFC3339), exp)
	}
	return tw.Flush()
}
