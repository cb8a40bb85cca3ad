package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/uapid/uapid/internal/admin"
	"github.com/uapid/uapid/internal/config"
)

// adminClient finds the admin socket: --socket, else the configuration
// (UAPID_ADMIN_SOCKET, UAPID_DATA_DIR, UAPID_CONFIG).
func adminClient(socket string) (*admin.Client, error) {
	if socket == "" {
		cfg, err := config.Load(os.Getenv("UAPID_CONFIG"), os.Getenv)
		if err != nil {
			return nil, err
		}
		socket = cfg.AdminSocket
	}
	return admin.NewClient(socket), nil
}

// parseOperator parses flags that may come after positional arguments
// (`account create bob --domain x`), which the flag package alone does not.
func parseOperator(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) > 0 {
			pos, args = append(pos, args[0]), args[1:]
		}
	}
	return pos, nil
}

func accountCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{"account: give a subcommand: create, list, show, passwd, quota, suspend, unsuspend, delete"}
	}
	fs := flag.NewFlagSet("account "+args[0], flag.ContinueOnError)
	socket := fs.String("socket", "", "admin socket path")
	domain := fs.String("domain", "", "primary domain (create)")
	pass := fs.String("password", "", "password (create, passwd); - reads it from standard input")
	quota := fs.Int64("quota", 0, "disk quota in MiB, 0 for unlimited (create)")
	features := fs.String("features", "", "comma-separated feature list (create); default: all")
	plan := fs.String("plan", "", "package whose quota and features the account gets (create)")
	email := fs.String("email", "", "contact email of the account's owner (create)")
	reason := fs.String("reason", "", "why the account is suspended (suspend)")
	pos, err := parseOperator(fs, args[1:])
	if err != nil {
		return err
	}
	c, err := adminClient(*socket)
	if err != nil {
		return err
	}
	if *pass == "-" {
		b, err := io.ReadAll(io.LimitReader(os.Stdin, 4096))
		if err != nil {
			return err
		}
		*pass = strings.TrimRight(string(b), "\r\n")
	}
	return runAccount(ctx, c, args[0], pos, accountOpts{*domain, *pass, *quota, *features, *plan, *email, *reason}, stdout)
}

type accountOpts struct {
	domain, password string
	quota            int64
	features         string
	plan, email      string
	reason           string
}

func runAccount(ctx context.Context, c *admin.Client, sub string, pos []string, o accountOpts, stdout io.Writer) error {
	if sub == "list" {
		var accts []admin.Account
		if err := c.Do(ctx, http.MethodGet, "/admin/accounts", nil, &accts); err != nil {
			return err
		}
		return printAccounts(stdout, accts)
	}
	if len(pos) != 1 && !((sub == "quota" || sub == "plan") && len(pos) == 2) {
		return usageError{fmt.Sprintf("account %s: give exactly one account name", sub)}
	}
	path := "/admin/accounts/" + url.PathEscape(pos[0])
	var out admin.Account
	var err error
	switch sub {
	case "create":
		req := admin.CreateAccount{Name: pos[0], Password: o.password, Domain: o.domain, QuotaMB: o.quota,
			Plan: o.plan, ContactEmail: o.email}
		if o.features != "" {
			req.Features = strings.Split(o.features, ",")
		}
		err = c.Do(ctx, http.MethodPost, "/admin/accounts", req, &out)
	case "show":
		err = c.Do(ctx, http.MethodGet, path, nil, &out)
	case "passwd":
		err = c.Do(ctx, http.MethodPost, path+"/password", admin.Password{Password: o.password}, &out)
	case "suspend":
		var body any
		if o.reason != "" {
			body = admin.Suspension{Reason: o.reason}
		}
		err = c.Do(ctx, http.MethodPost, path+"/suspend", body, &out)
	case "unsuspend":
		err = c.Do(ctx, http.MethodPost, path+"/unsuspend", nil, &out)
	case "plan":
		if len(pos) != 2 {
			return usageError{"account plan: give NAME PACKAGE"}
		}
		err = c.Do(ctx, http.MethodPost, path+"/plan", admin.Plan{Plan: pos[1]}, &out)
	case "quota":
		if len(pos) != 2 {
			return usageError{"account quota: give NAME MB"}
		}
		mb, perr := strconv.ParseInt(pos[1], 10, 64)
		if perr != nil {
			return usageError{"account quota: MB must be a whole number"}
		}
		err = c.Do(ctx, http.MethodPost, path+"/quota", admin.Quota{QuotaMB: mb}, &out)
	case "delete":
		if err := c.Do(ctx, http.MethodDelete, path, nil, nil); err != nil {
			return err
		}
		_, err := fmt.Fprintf(stdout, "account %s deleted\n", pos[0])
		return err
	default:
		return usageError{fmt.Sprintf("account: unknown subcommand %q", sub)}
	}
	if err != nil {
		return err
	}
	return printAccount(stdout, out)
}

func printAccounts(w io.Writer, accts []admin.Account) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDOMAIN\tQUOTA_MB\tSUSPENDED\tCREATED")
	for _, a := range accts {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%v\t%s\n", a.Name, a.Domain, a.QuotaMB, a.Suspended,
			time.Unix(a.CreatedAt, 0).UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}

func printAccount(w io.Writer, a admin.Account) error {
	_, err := fmt.Fprintf(w, "name:      %s\ndomain:    %s\ndomains:   %s\nhome:      %s\nquota_mb:  %d\nfeatures:  %s\nplan:      %s\nemail:     %s\nsuspended: %v %s\ncreated:   %s\n",
		a.Name, a.Domain, strings.Join(a.Domains, " "), a.HomeDir, a.QuotaMB, strings.Join(a.Features, ","),
		a.Plan, a.ContactEmail, a.Suspended, a.SuspendReason, time.Unix(a.CreatedAt, 0).UTC().Format(time.RFC3339))
	return err
}

func domainCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("domain", flag.ContinueOnError)
	socket := fs.String("socket", "", "admin socket path")
	pos, err := parseOperator(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 3 || (pos[0] != "add" && pos[0] != "remove") {
		return usageError{"domain: use `domain add NAME DOMAIN` or `domain remove NAME DOMAIN`"}
	}
	c, err := adminClient(*socket)
	if err != nil {
		return err
	}
	path := "/admin/accounts/" + url.PathEscape(pos[1]) + "/domains"
	var out admin.Account
	if pos[0] == "add" {
		err = c.Do(ctx, http.MethodPost, path, admin.Domain{Domain: pos[2]}, &out)
	} else {
		err = c.Do(ctx, http.MethodDelete, path+"/"+url.PathEscape(pos[2]), nil, &out)
	}
	if err != nil {
		return err
	}
	return printAccount(stdout, out)
}
