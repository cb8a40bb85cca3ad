package client

import (
	"context"
	"strings"
)

// FTPModule calls the Ftp module: FTP logins, their sessions and the
// server's FTP settings.
type FTPModule struct{ c *Client }

// Ftp returns the Ftp module's methods.
func (c *Client) Ftp() FTPModule { return FTPModule{c} }

// FTP account types, as list_ftp's type field and its
// include_acct_types/skip_acct_types arguments spell them.
const (
	FTPTypeAnonymous = "anonymous"
	FTPTypeLogAccess = "logaccess"
	FTPTypeMain      = "main"
	FTPTypeSub       = "sub"
)

// AddFTPParams are Ftp::add_ftp's arguments. User may be "bob" (on Domain,
// or the primary domain) or "bob@example.com" (then leave Domain empty).
type AddFTPParams struct {
	User     string
	Pass     string // or PassHash
	PassHash string // a crypt(3) hash such as "$6$…", instead of Pass
	Domain   string
	// Homedir is the login's root relative to the home directory; empty
	// means the server's default (user@domain, or public_ftp/… on cPanel).
	Homedir string
	// Quota is in MB; 0 means unlimited.
	Quota int64
	// DisallowDot, when nil, keeps the server's default (1: periods are
	// removed from User).
	DisallowDot *bool
}

// AddFTP runs Ftp::add_ftp.
func (m FTPModule) AddFTP(ctx context.Context, p AddFTPParams) error {
	f := form{}
	f.always("user", p.User)
	f.str("pass", p.Pass)
	f.str("pass_hash", p.PassHash)
	f.str("domain", p.Domain)
	f.str("homedir", p.Homedir)
	if p.Quota != 0 {
		f.optInt("quota", &p.Quota)
	}
	f.optBit("disallowdot", p.DisallowDot)
	return m.c.CallInto(ctx, "Ftp", "add_ftp", f.values(), nil)
}

// DeleteFTPParams are Ftp::delete_ftp's arguments.
type DeleteFTPParams struct {
	User   string
	Domain string
	// Destroy also removes the login's home directory.
	Destroy bool
}

// DeleteFTP runs Ftp::delete_ftp, which also closes the login's sessions.
func (m FTPModule) DeleteFTP(ctx context.Context, p DeleteFTPParams) error {
	f := userDomain(p.User, p.Domain)
	f.flag("destroy", p.Destroy)
	return m.c.CallInto(ctx, "Ftp", "delete_ftp", f.values(), nil)
}

// FTPExists runs Ftp::ftp_exists: nil when the login exists, an *Error
// with cPanel's message when it does not. domain may be empty.
func (m FTPModule) FTPExists(ctx context.Context, user, domain string) error {
	return m.c.CallInto(ctx, "Ftp", "ftp_exists", userDomain(user, domain).values(), nil)
}

// GetQuota runs Ftp::get_quota: the login's quota in MB, or Unlimited.
// domain may be empty.
func (m FTPModule) GetQuota(ctx context.Context, user, domain string) (Quota, error) {
	f := form{}
	f.always("account", user)
	f.str("domain", domain)
	var q Quota
	err := m.c.CallInto(ctx, "Ftp", "get_quota", f.values(), &q)
	return q, err
}

// FTPSetQuotaParams are Ftp::set_quota's arguments.
type FTPSetQuotaParams struct {
	User   string
	Domain string
	Quota  int64 // MB; 0 means unlimited
	// Kill removes the quota without checking that the login exists.
	Kill bool
}

// SetQuota runs Ftp::set_quota.
func (m FTPModule) SetQuota(ctx context.Context, p FTPSetQuotaParams) error {
	f := userDomain(p.User, p.Domain)
	f.optInt("quota", &p.Quota)
	f.flag("kill", p.Kill)
	return m.c.CallInto(ctx, "Ftp", "set_quota", f.values(), nil)
}

// FTPPasswdParams are Ftp::passwd's arguments.
type FTPPasswdParams struct {
	User   string
	Domain string
	Pass   string
}

// Passwd runs Ftp::passwd, which also closes the login's sessions.
func (m FTPModule) Passwd(ctx context.Context, p FTPPasswdParams) error {
	f := userDomain(p.User, p.Domain)
	f.always("pass", p.Pass)
	return m.c.CallInto(ctx, "Ftp", "passwd", f.values(), nil)
}

// FTPSetHomedirParams are Ftp::set_homedir's arguments.
type FTPSetHomedirParams struct {
	User   string
	Domain string
	// Homedir is the new root relative to the home directory; empty means
	// the server's default (user@domain).
	Homedir string
}

// SetHomedir runs Ftp::set_homedir.
func (m FTPModule) SetHomedir(ctx context.Context, p FTPSetHomedirParams) error {
	f := userDomain(p.User, p.Domain)
	f.str("homedir", p.Homedir)
	return m.c.CallInto(ctx, "Ftp", "set_homedir", f.values(), nil)
}

// FTPAccount is one record of Ftp::list_ftp.
type FTPAccount struct {
	User    string `json:"user"`
	Type    string `json:"type"`    // FTPTypeMain, FTPTypeSub, …
	Homedir string `json:"homedir"` // absolute
}

// ListFTPParams select the types Ftp::list_ftp and list_ftp_with_disk
// return; both empty means every type.
type ListFTPParams struct {
	IncludeAcctTypes []string // only these types (FTPTypeSub, …)
	SkipAcctTypes    []string // not these types
}

func (p ListFTPParams) form() form {
	f := form{}
	f.str("include_acct_types", strings.Join(p.IncludeAcctTypes, "|"))
	f.str("skip_acct_types", strings.Join(p.SkipAcctTypes, "|"))
	return f
}

// ListFTP runs Ftp::list_ftp.
func (m FTPModule) ListFTP(ctx context.Context, p ListFTPParams) ([]FTPAccount, error) {
	var out []FTPAccount
	err := m.c.CallInto(ctx, "Ftp", "list_ftp", p.form().values(), &out)
	return out, err
}

// userDomain is the user and optional domain most functions take.
func userDomain(user, domain string) form {
	f := form{}
	f.always("user", user)
	f.str("domain", domain)
	return f
}
