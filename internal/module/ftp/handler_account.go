package ftp

import (
	"context"
	"strconv"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// target returns the login a call names in param (user or account), which
// the engine has resolved against the domain parameter.
func target(c *uapi.Call, param string) (user, domain string) {
	l := c.Login(param)
	return l.User, l.Domain
}

// homedirArg returns the homedir parameter, or def when the caller left it
// out or sent it empty. A path that cleans to nothing ("/", ".") names the
// home directory itself.
func homedirArg(c *uapi.Call, def string) string {
	if rel, ok := c.Path("homedir"); ok {
		return rel
	}
	return def
}

func (s *Service) addFTP(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c, "user")
	if c.Bool("disallowdot") {
		user = strings.ReplaceAll(user, ".", "")
	}
	_, err := s.AddFTP(ctx, c.Account, AddRequest{User: user, Domain: domain,
		Password: c.String("pass"), PassHash: c.String("pass_hash"),
		HomeDir: homedirArg(c, DefaultHomeDir(user, domain)), QuotaMB: c.Int("quota")})
	return nil, err
}

func (s *Service) deleteFTP(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c, "user")
	warnings, err := s.DeleteFTP(ctx, c.Account, user, domain, c.Bool("destroy"))
	for _, w := range warnings {
		c.AddWarning(w)
	}
	return nil, err
}

func (s *Service) ftpExists(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c, "user")
	_, err := s.Get(ctx, c.Account, user, domain)
	return nil, err
}

// getQuota answers "unlimited" or the quota in MB, both as strings: cPanel's
// documentation types data as a string that holds "unlimited" or a positive
// integer (docs/modules/ftp.md, "get_quota's data").
func (s *Service) getQuota(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c, "account")
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
	user, domain := target(c, "user")
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
	user, domain := target(c, "user")
	if user = strings.ReplaceAll(user, "/", ""); user == "" {
		return nil, hosting.Errorf(hosting.EINVALID, "You must specify a user name.")
	}
	return nil, s.SetPassword(ctx, c.Account, user, domain, c.String("pass"))
}

// setHomedir reads an empty homedir as public_html, as cPanel does.
func (s *Service) setHomedir(ctx context.Context, c *uapi.Call) (any, error) {
	user, domain := target(c, "user")
	rel := DefaultHomeDir(user, domain)
	if c.Has("homedir") {
		rel = homedirArg(c, "public_html")
	}
	return nil, s.SetHomedir(ctx, c.Account, user, domain, rel)
}
