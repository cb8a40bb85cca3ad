package ftp

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// target resolves the login a call names in param (user or account) and
// the domain parameter.
func target(c *uapi.Call, param string) (user, domain string, err error) {
	return splitLogin(c.Account, c.String(param), c.String("domain"))
}

// homedirArg returns the homedir parameter, or def when the caller left it
// out or sent it empty. A path that cleans to nothing ("/", ".") names the
// home directory itself.
func homedirArg(c *uapi.Call, def string) string {
	if raw, ok := c.Raw("homedir"); !ok || strings.TrimSpace(raw) == "" {
		return def
	}
	return underHome(c.Account, c.String("homedir"))
}

// underHome accepts the absolute form list_ftp shows ("/home/cpuser/x"),
// which the engine has cleaned to "home/cpuser/x", as the same directory
// "x", so a script can hand a listed homedir back.
func underHome(acct *hosting.Account, rel string) string {
	home := strings.Trim(filepath.ToSlash(acct.HomeDir), "/")
	if rel == home {
		return ""
	}
	if inner, ok := strings.CutPrefix(rel, home+"/"); ok {
		return inner
	}
	return rel
}

func (s *Service) addFTP(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c, "user")
	if err != nil {
		return nil, err
	}
	if c.Bool("disallowdot") {
		user = strings.ReplaceAll(user, ".", "")
	}
	_, err = s.AddFTP(ctx, c.Account, AddRequest{User: user, Domain: domain,
		Password: c.String("pass"), PassHash: c.String("pass_hash"),
		HomeDir: homedirArg(c, DefaultHomeDir(user, domain)), QuotaMB: c.Int("quota")})
	return nil, err
}

func (s *Service) deleteFTP(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c, "user")
	if err != nil {
		return nil, err
	}
	warnings, err := s.DeleteFTP(ctx, c.Account, user, domain, c.Bool("destroy"))
	for _, w := range warnings {
		c.AddWarning(w)
	}
	return nil, err
}

func (s *Service) ftpExists(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c, "user")
	if err != nil {
		return nil, err
	}
	_, err = s.Get(ctx, c.Account, user, domain)
	return nil, err
}

// getQuota answers "unlimited" or the quota in MB, both as strings: cPanel's
// documentation types data as a string that holds "unlimited" or a positive
// integer (docs/modules/ftp.md, "get_quota's data").
func (s *Service) getQuota(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c, "account")
	if err != nil {
		return nil, err
	}
	f, err := s.Get(ctx, c.Account, user, domain)
	if err != nil {
		return nil, err
	}
	if f.QuotaMB == 0 {
		return "unlimited", nil
	}
	return strconv.FormatInt(f.QuotaMB, 10), nil
}

// setQuota maps "anonymous" to "ftp" as cPanel does; uapid keeps no quota
// for anonymous FTP (its uploads count against the account), so that login
// only succeeds with kill=1, which skips the existence check.
func (s *Service) setQuota(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c, "user")
	if err != nil {
		return nil, err
	}
	if user == "anonymous" {
		user = anonymousLogin
	}
	quota := c.Int("quota")
	if c.Bool("kill") {
		quota = 0
		if _, err := s.Get(ctx, c.Account, user, domain); hosting.ErrorCode(err) == hosting.ENOTFOUND {
			return nil, nil
		}
	}
	return nil, s.SetQuota(ctx, c.Account, user, domain, quota)
}

// passwd removes "/" from the user name as cPanel does.
func (s *Service) passwd(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c, "user")
	if err != nil {
		return nil, err
	}
	if user = strings.ReplaceAll(user, "/", ""); user == "" {
		return nil, hosting.Errorf(hosting.EINVALID, "You must specify a user name.")
	}
	return nil, s.SetPassword(ctx, c.Account, user, domain, c.String("pass"))
}

// setHomedir reads an empty homedir as public_html, as cPanel does.
func (s *Service) setHomedir(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain, err := target(c, "user")
	if err != nil {
		return nil, err
	}
	rel := DefaultHomeDir(user, domain)
	if raw, given := c.Raw("homedir"); given {
		rel = underHome(c.Account, c.String("homedir"))
		if strings.TrimSpace(raw) == "" {
			rel = "public_html"
		}
	}
	return nil, s.SetHomedir(ctx, c.Account, user, domain, rel)
}
