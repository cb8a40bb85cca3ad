package whm

import (
	"context"
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/hosting"
)

// createacct creates an account: username, domain, password, contactemail,
// and either plan (a package, whose quota and features apply) or quota and
// featurelist; savepkg=1 with pkgname first saves those as a new package.
func (s *Server) createacct(ctx context.Context, a *args) (reply, error) {
	req := account.ProvisionRequest{ContactEmail: a.optional("", "contactemail")}
	req.Name = strings.ToLower(a.required("username"))
	req.Domain = a.required("domain")
	req.Password = a.required("password")
	req.Plan = a.optional("", "plan")
	req.QuotaMB, _ = a.quota("quota")
	req.Features = a.features("featurelist")
	save := a.boolean(false, "savepkg")
	pkgName := a.optional("", "pkgname")
	if save && pkgName == "" {
		a.bad("pkgname", "savepkg=1 needs the name of the package to save.")
	}
	if save && req.Plan != "" {
		a.bad("savepkg", "give either plan or savepkg=1 with pkgname, not both.")
	}
	a.refuse("reseller", "uapid has no reseller accounts.")
	if err := a.err(); err != nil {
		return reply{}, err
	}
	if save {
		pkg, err := s.accounts.CreatePackage(ctx, hosting.Package{Name: pkgName, QuotaMB: req.QuotaMB, Features: req.Features})
		if err != nil {
			return reply{}, err
		}
		req.Plan = pkg.Name
	}
	d, err := s.accounts.Provision(ctx, req)
	if err != nil {
		if save { // the package was made for this account only
			_ = s.accounts.DeletePackage(ctx, req.Plan)
		}
		return reply{}, err
	}
	plan := d.Profile.Plan
	if plan == "" {
		plan = account.DefaultPlan
	}
	raw := fmt.Sprintf("Domain: %s\nUserName: %s\nHomeRoot: %s\nQuota: %s\nContact Email: %s\nPackage: %s\nFeatures: %s\nAccount Creation Ok\n",
		d.Domain, d.Name, d.HomeDir, quotaText(d.QuotaMB), d.Profile.ContactEmail, plan, strings.Join(d.Features, ","))
	return reply{data: map[string]any{"package": plan}, raw: raw, reason: "Account Creation Ok"}, nil
}

// features reads a feature list: "default" (or nothing) is every feature,
// anything else a comma-separated list of uapid's feature names.
func (a *args) features(name string) []string {
	v := strings.TrimSpace(a.optional("", name))
	if v == "" || v == account.DefaultPlan {
		return nil
	}
	out := []string{}
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// removeacct deletes an account and everything it owns: home, mailboxes,
// their Dovecot entries, FTP and Web Disk logins, sessions and tokens.
func (s *Server) removeacct(ctx context.Context, a *args) (reply, error) {
	name := a.required("username", "user")
	a.boolean(false, "keepdns") // uapid serves no DNS: there is nothing to keep
	if err := a.err(); err != nil {
		return reply{}, err
	}
	if err := s.accounts.Delete(ctx, name); err != nil {
		return reply{}, err
	}
	raw := fmt.Sprintf("Removing Sessions...Done\nRemoving FTP, email and Web Disk accounts...Done\nRemoving home directory...Done\n%s account removed\n", name)
	return reply{raw: raw, reason: name + " account removed"}, nil
}

// suspendacct suspends an account: its logins are refused and its FTP,
// Web Disk and web sessions end at once.
func (s *Server) suspendacct(ctx context.Context, a *args) (reply, error) {
	name := a.required("user")
	reason := a.optional("Unknown", "reason")
	a.boolean(false, "disallowun") // only the operator can unsuspend in uapid anyway
	a.refuse("leave-ftp-accts-enabled", "uapid always suspends an account's FTP logins with it.")
	if err := a.err(); err != nil {
		return reply{}, err
	}
	if err := s.accounts.Suspend(ctx, name, reason); err != nil {
		return reply{}, err
	}
	return reply{raw: fmt.Sprintf("Suspending FTP accounts...Done\nEnding sessions...Done\n%s's account has been suspended\n", name)}, nil
}

// unsuspendacct lifts a suspension.
func (s *Server) unsuspendacct(ctx context.Context, a *args) (reply, error) {
	name := a.required("user")
	if err := a.err(); err != nil {
		return reply{}, err
	}
	if err := s.accounts.Unsuspend(ctx, name); err != nil {
		return reply{}, err
	}
	return reply{raw: fmt.Sprintf("%s's account is now active\n", name)}, nil
}

// passwd sets an account's password; its sessions end.
func (s *Server) passwd(ctx context.Context, a *args) (reply, error) {
	name := a.required("user")
	pass := a.required("password", "pass")
	a.boolean(true, "db_pass_update") // uapid has no databases whose password could follow
	a.refuse("enabledigest", "Digest authentication is set per Web Disk account (WebDisk::set_digest_auth).")
	a.refuse("digestauth", "Digest authentication is set per Web Disk account (WebDisk::set_digest_auth).")
	if err := a.err(); err != nil {
		return reply{}, err
	}
	if err := s.accounts.SetPassword(ctx, name, pass); err != nil {
		return reply{}, err
	}
	return reply{data: map[string]any{"app": []string{"system", "ftp"}},
		reason: fmt.Sprintf("Password changed for user “%s”.", name)}, nil
}

// modifyacct changes the contact email, quota (QUOTA) and features
// (uapid's features parameter) of an account.
func (s *Server) modifyacct(ctx context.Context, a *args) (reply, error) {
	name := a.required("user")
	email, emailSet := a.first("contactemail", "CONTACTEMAIL")
	quota, quotaSet := a.quota("QUOTA", "quota")
	_, featuresSet := a.first("features")
	features := a.features("features")
	a.refuse("newuser", "uapid cannot rename an account.")
	a.refuse("DNS", "change the primary domain with `uapid domain`.")
	if err := a.err(); err != nil {
		return reply{}, err
	}
	steps := []func() error{}
	if emailSet {
		steps = append(steps, func() error { return s.accounts.SetContactEmail(ctx, name, email) })
	}
	if quotaSet {
		steps = append(steps, func() error { return s.accounts.SetQuota(ctx, name, quota) })
	}
	if featuresSet {
		steps = append(steps, func() error { return s.accounts.SetFeatures(ctx, name, features) })
	}
	if len(steps) == 0 {
		if _, err := s.accounts.Get(ctx, name); err != nil {
			return reply{}, err
		}
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return reply{}, err
		}
	}
	d, err := s.accounts.Details(ctx, name)
	if err != nil {
		return reply{}, err
	}
	return reply{data: map[string]any{"messages": []string{}, "warnings": []string{}, "newcfg": map[string]any{
		"user": d.Name, "domain": d.Domain, "cpuser": map[string]any{"CONTACTEMAIL": d.Profile.ContactEmail,
			"QUOTA": quotaText(d.QuotaMB), "FEATURES": d.Features, "PLAN": planName(d)}}},
		reason: "Account Modified"}, nil
}

// editquota sets an account's disk quota in MiB.
func (s *Server) editquota(ctx context.Context, a *args) (reply, error) {
	name := a.required("user")
	quota, set := a.quota("quota")
	if !set {
		a.required("quota")
	}
	if err := a.err(); err != nil {
		return reply{}, err
	}
	if err := s.accounts.SetQuota(ctx, name, quota); err != nil {
		return reply{}, err
	}
	return reply{raw: fmt.Sprintf("Setting quota for %s to %s\n", name, quotaText(quota))}, nil
}

func quotaText(mb int64) string {
	if mb == 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%dM", mb)
}

func planName(d *account.Details) string {
	if d.Profile.Plan == "" {
		return account.DefaultPlan
	}
	return d.Profile.Plan
}
