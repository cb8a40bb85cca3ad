package whm

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/hosting"
)

// addpkg creates a package: name, quota (MiB or unlimited) and featurelist
// ("default" for every feature, or a comma-separated list of uapid's).
func (s *Server) addpkg(ctx context.Context, a *args) (reply, error) {
	name := a.required("name")
	quota, _ := a.quota("quota")
	features := a.features("featurelist")
	if err := a.err(); err != nil {
		return reply{}, err
	}
	p, err := s.accounts.CreatePackage(ctx, hosting.Package{Name: name, QuotaMB: quota, Features: features})
	if err != nil {
		return reply{}, err
	}
	return reply{data: map[string]any{"pkg": p.Name}, reason: fmt.Sprintf("Created the package %s.", p.Name)}, nil
}

// listpkgs lists the packages with the settings uapid has.
func (s *Server) listpkgs(ctx context.Context, a *args) (reply, error) {
	if w := a.optional("all", "want"); !slices.Contains([]string{"all", "creatable", "editable", "viewable"}, w) {
		a.bad("want", "use all, creatable, editable or viewable.")
	}
	if err := a.err(); err != nil {
		return reply{}, err
	}
	pkgs, err := s.accounts.ListPackages(ctx)
	if err != nil {
		return reply{}, err
	}
	out := []map[string]any{}
	for _, p := range pkgs {
		out = append(out, map[string]any{"name": p.Name, "QUOTA": quotaText(p.QuotaMB), "FEATURELIST": featureListText(p.Features)})
	}
	return reply{data: map[string]any{"pkg": out}}, nil
}

// featureListText is the featurelist value that gives features back.
func featureListText(features []string) string {
	if slices.Equal(features, hosting.AllFeatures()) {
		return account.DefaultPlan
	}
	return strings.Join(features, ",")
}

// killpkg deletes a package; accounts on it keep their settings.
func (s *Server) killpkg(ctx context.Context, a *args) (reply, error) {
	name := a.required("pkgname")
	if err := a.err(); err != nil {
		return reply{}, err
	}
	if err := s.accounts.DeletePackage(ctx, name); err != nil {
		return reply{}, err
	}
	return reply{reason: fmt.Sprintf("Deleted the package %s.", name)}, nil
}

// changepackage moves an account to another package.
func (s *Server) changepackage(ctx context.Context, a *args) (reply, error) {
	user, pkg := a.required("user"), a.required("pkg")
	if err := a.err(); err != nil {
		return reply{}, err
	}
	if err := s.accounts.ChangePackage(ctx, user, pkg); err != nil {
		return reply{}, err
	}
	return reply{raw: fmt.Sprintf("Changing package of %s to %s...Done\n", user, pkg), reason: "Account Upgraded/Downgraded"}, nil
}
