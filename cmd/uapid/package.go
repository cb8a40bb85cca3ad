package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/uapid/uapid/internal/admin"
)

// packageCmd manages hosting plans (WHM's packages): create, list, delete.
func packageCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{"package: give a subcommand: create, list, delete"}
	}
	fs := flag.NewFlagSet("package "+args[0], flag.ContinueOnError)
	socket := fs.String("socket", "", "admin socket path")
	quota := fs.Int64("quota", 0, "disk quota in MiB, 0 for unlimited (create)")
	features := fs.String("features", "", "comma-separated feature list (create); default: all")
	pos, err := parseOperator(fs, args[1:])
	if err != nil {
		return err
	}
	if (args[0] == "list") != (len(pos) == 0) || len(pos) > 1 {
		return usageError{fmt.Sprintf("package %s: give exactly one package name (none for list)", args[0])}
	}
	c, err := adminClient(*socket)
	if err != nil {
		return err
	}
	switch args[0] {
	case "create":
		req := admin.Package{Name: pos[0], QuotaMB: *quota}
		if *features != "" {
			req.Features = strings.Split(*features, ",")
		}
		var p admin.Package
		if err := c.Do(ctx, http.MethodPost, "/admin/packages", req, &p); err != nil {
			return err
		}
		return printPackages(stdout, []admin.Package{p})
	case "list":
		var ps []admin.Package
		if err := c.Do(ctx, http.MethodGet, "/admin/packages", nil, &ps); err != nil {
			return err
		}
		return printPackages(stdout, ps)
	case "delete":
		if err := c.Do(ctx, http.MethodDelete, "/admin/packages/"+url.PathEscape(pos[0]), nil, nil); err != nil {
			return err
		}
		_, err := fmt.Fprintf(stdout, "package %s deleted\n", pos[0])
		return err
	}
	return usageError{fmt.Sprintf("package: unknown subcommand %q", args[0])}
}

func printPackages(w io.Writer, ps []admin.Package) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tQUOTA_MB\tFEATURES")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", p.Name, p.QuotaMB, strings.Join(p.Features, ","))
	}
	return tw.Flush()
}
