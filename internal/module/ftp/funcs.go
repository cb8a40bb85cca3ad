package ftp

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

const module = "Ftp"

// maxWelcomeLen bounds the welcome message; Pure-FTPd shows it on every
// login, so a large file only slows logins down.
const maxWelcomeLen = 64 << 10

// loginRule pairs a login parameter with the domain parameter in cPanel's
// words: a domain given both ways is refused even when it is the same.
func loginRule() *uapi.LoginRule {
	return &uapi.LoginRule{DomainParam: "domain", Empty: "You must specify a user name.",
		Exclusive: "You may not specify a domain both in the user field and in the domain field."}
}

// userParam is the user parameter most functions share.
func userParam() uapi.Param {
	return uapi.Param{Name: "user", Type: uapi.Login, Required: true, MaxLen: 320, Login: loginRule(),
		Missing: "You must specify a user name.",
		Doc:     "The FTP login: the user name alone (on the domain parameter's domain) or user@domain."}
}

// domainParam is the domain parameter most functions share.
func domainParam() uapi.Param {
	return uapi.Param{Name: "domain", Type: uapi.Domain,
		Doc: "The login's domain; defaults to the account's primary domain. Must not be given when user contains @domain."}
}

// acctTypes lists the account types list_ftp knows, in documentation order.
func acctTypes() []string { return []string{typeAnonymous, typeLogAccess, typeMain, typeSub} }

func typeListParam(name, doc string) uapi.Param {
	return uapi.Param{Name: name, Type: uapi.String, Check: checkTypeList(name), Doc: doc}
}

// checkTypeList validates a pipe-separated list of account types.
func checkTypeList(name string) func(string) error {
	return func(v string) error {
		for _, t := range strings.Split(v, "|") {
			if t != "" && !slices.Contains(acctTypes(), t) {
				return hosting.Errorf(hosting.EINVALID, "The “%s” parameter contains “%s”; the account types are: %s (separated by |).", name, t, strings.Join(acctTypes(), ", "))
			}
		}
		return nil
	}
}

func checkRegex(v string) error {
	if _, err := regexp.Compile("(?i)" + v); err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			err = errors.New(se.Code.String())
		}
		return hosting.Errorf(hosting.EINVALID, "The “regex” parameter is not a valid regular expression: %v.", err)
	}
	return nil
}

// Funcs returns the declarations of the 20 Ftp functions for the registry.
func (s *Service) Funcs() []*uapi.Func {
	return append(s.accountFuncs(), s.serverFuncs()...)
}

// accountFuncs declares the functions on FTP logins.
func (s *Service) accountFuncs() []*uapi.Func {
	return []*uapi.Func{
		{Module: module, Name: "add_ftp", Feature: hosting.FeatureFTPAccounts, Returns: "null",
			Summary: "Create an FTP account.", Handler: s.addFTP, Params: []uapi.Param{
				userParam(),
				{Name: "pass", Type: uapi.String, Doc: "The password (or give pass_hash instead)."},
				{Name: "pass_hash", Type: uapi.String, Default: "", Doc: "A crypt(3) password hash such as $6$… (instead of pass)."},
				domainParam(),
				{Name: "homedir", Type: uapi.RelPath, Doc: "The login's root, relative to the home directory; defaults to user@domain. Created (0755) if missing."},
				{Name: "quota", Type: uapi.QuotaMB, Default: "0", Doc: "The quota in MB; 0 or “unlimited” for none."},
				{Name: "disallowdot", Type: uapi.Bool, Default: "1", Doc: "1 removes periods from the user name."},
			}},
		{Module: module, Name: "delete_ftp", Feature: hosting.FeatureFTPAccounts, Returns: "null",
			Summary: "Delete an FTP account and close its sessions.", Handler: s.deleteFTP, Params: []uapi.Param{
				userParam(), domainParam(),
				{Name: "destroy", Type: uapi.Bool, Default: "0", Doc: "1 also removes the login's home directory (never ~, public_html, public_ftp or the rest of the home layout)."},
			}},
		{Module: module, Name: "ftp_exists", ReadOnly: true, Returns: "null",
			Summary: "Check that an FTP account exists (status 0 with an error if not).",
			Handler: s.ftpExists, Params: []uapi.Param{userParam(), domainParam()}},
		{Module: module, Name: "get_quota", ReadOnly: true, Returns: "string",
			Summary: "Return an FTP account's quota in MB, or “unlimited”.", Handler: s.getQuota, Params: []uapi.Param{
				{Name: "account", Type: uapi.Login, Required: true, MaxLen: 320, Aliases: []string{"user"}, Login: loginRule(),
					Missing: "You must specify an account.", Doc: "The FTP login (user or user@domain); older documentation calls it user."},
				domainParam(),
			}},
		{Module: module, Name: "set_quota", Feature: hosting.FeatureFTPAccounts, Returns: "null",
			Summary: "Change an FTP account's quota.", Handler: s.setQuota, Params: []uapi.Param{
				userParam(), domainParam(),
				{Name: "quota", Type: uapi.QuotaMB, Default: "0", Doc: "The quota in MB; 0 or “unlimited” for none."},
				{Name: "kill", Type: uapi.Bool, Default: "0", Doc: "1 removes the quota (unlimited) without checking that the account exists."},
			}},
		{Module: module, Name: "passwd", Feature: hosting.FeatureFTPAccounts, Returns: "null",
			Summary: "Change an FTP account's password and close its sessions.", Handler: s.passwd, Params: []uapi.Param{
				{Name: "pass", Type: uapi.String, Required: true, Missing: "You must specify a password.", Doc: "The new password."},
				userParam(), domainParam(),
			}},
		{Module: module, Name: "set_homedir", Feature: hosting.FeatureFTPAccounts, Returns: "null",
			Summary: "Change an FTP account's home directory.", Handler: s.setHomedir, Params: []uapi.Param{
				userParam(), domainParam(),
				{Name: "homedir", Type: uapi.RelPath, Doc: "The new root, relative to the home directory; defaults to user@domain; empty means public_html."},
			}},
		{Module: module, Name: "list_ftp", ReadOnly: true, Returns: "list",
			Summary: "List the account's FTP accounts.", Handler: s.listFTP, Params: []uapi.Param{
				typeListParam("include_acct_types", "Only these types: anonymous|logaccess|main|sub."),
				typeListParam("skip_acct_types", "Leave out these types: anonymous|logaccess|main|sub."),
			}},
		{Module: module, Name: "list_ftp_with_disk", ReadOnly: true, Returns: "list",
			Summary: "List the account's FTP accounts with disk usage and quotas.", Handler: s.listFTPWithDisk, Params: []uapi.Param{
				typeListParam("include_acct_types", "Only these types: anonymous|logaccess|main|sub."),
				typeListParam("skip_acct_types", "Leave out these types: anonymous|logaccess|main|sub."),
				{Name: "regex", Type: uapi.String, Check: checkRegex, Doc: "Only logins matching this regular expression (case-insensitive, RE2 syntax)."},
				{Name: "dirhtml", Type: uapi.String, Doc: "Legacy HTML helper; accepted and ignored (htmldir stays null)."},
				{Name: "infinityimg", Type: uapi.String, Doc: "Show an unlimited diskquota as an <img> of this URL."},
				{Name: "infinitylang", Type: uapi.Bool, Default: "0", Doc: "1 shows an unlimited diskquota as ∞."},
			}},
	}
}

// serverFuncs declares the functions on sessions and server settings.
func (s *Service) serverFuncs() []*uapi.Func {
	setParam := func(doc string) []uapi.Param {
		return []uapi.Param{{Name: "set", Type: uapi.Bool, Default: "0", Doc: doc}}
	}
	return []*uapi.Func{
		{Module: module, Name: "list_sessions", ReadOnly: true, Feature: hosting.FeatureFTPSetup, Returns: "list",
			Summary: "List the account's live FTP sessions.", Handler: s.listSessions},
		{Module: module, Name: "kill_session", Feature: hosting.FeatureFTPSetup, Returns: "null",
			Summary: "Close FTP sessions: all, one login's, or one session by its pid.", Handler: s.killSession,
			Params: []uapi.Param{{Name: "login", Type: uapi.String, Default: "all", Aliases: []string{"user"}, MaxLen: 320,
				Doc: "all, an FTP login (user@domain, a user of the primary domain, the account's own login, ftp), or a session pid from list_sessions."}}},
		{Module: module, Name: "get_welcome_message", ReadOnly: true, Returns: "string",
			Summary: "Return the FTP welcome message (~/public_ftp/welcome.msg).", Handler: s.getWelcomeMessage},
		{Module: module, Name: "set_welcome_message", Feature: hosting.FeatureFTPSetup, Returns: "null",
			Summary: "Set the FTP welcome message.", Handler: s.setWelcomeMessage,
			Params: []uapi.Param{{Name: "message", Type: uapi.String, Required: true, AllowEmpty: true, MaxLen: maxWelcomeLen,
				Missing: "You must specify a message.", Doc: "The new welcome message; may be empty."}}},
		{Module: module, Name: "server_name", ReadOnly: true, Returns: "string",
			Summary: "Return the FTP daemon's name: pure-ftpd, proftpd or disabled.", Handler: s.serverName},
		{Module: module, Name: "get_ftp_daemon_info", ReadOnly: true, Returns: "object",
			Summary: "Return the FTP daemon's name, state and features.", Handler: s.daemonInfo},
		{Module: module, Name: "get_port", ReadOnly: true, Returns: "object",
			Summary: "Return the FTP server's port.", Handler: s.getPort},
		{Module: module, Name: "allows_anonymous_ftp", ReadOnly: true, Returns: "object",
			Summary: "Report whether anonymous FTP logins are allowed.", Handler: s.allowsAnonymous},
		{Module: module, Name: "allows_anonymous_ftp_incoming", ReadOnly: true, Returns: "object",
			Summary: "Report whether anonymous FTP uploads are allowed.", Handler: s.allowsAnonymousIncoming},
		{Module: module, Name: "set_anonymous_ftp", Feature: hosting.FeatureFTPSetup, Returns: "null",
			Summary: "Allow or forbid anonymous FTP logins.", Handler: s.setAnonymous,
			Params: setParam("1 allows anonymous logins (~/public_ftp 0755), 0 forbids them (0750).")},
		{Module: module, Name: "set_anonymous_ftp_incoming", Feature: hosting.FeatureFTPSetup, Returns: "null",
			Summary: "Allow or forbid anonymous FTP uploads.", Handler: s.setAnonymousIncoming,
			Params: setParam("1 allows anonymous uploads (~/public_ftp/incoming 0753), 0 forbids them (0700).")},
	}
}
