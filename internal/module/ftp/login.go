package ftp

import (
	"regexp"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// Account types as list_ftp and list_ftp_with_disk report them.
const (
	typeMain      = "main"      // the hosting account's own login
	typeLogAccess = "logaccess" // NAME_logs: read-only access to ~/logs
	typeAnonymous = "anonymous" // anonymous FTP into ~/public_ftp
	typeSub       = "sub"       // a virtual user@domain login
)

// anonymousLogin is the login anonymous FTP sessions carry; "anonymous" is
// accepted as its alias wherever a login is named.
const anonymousLogin = "ftp"

// logsSuffix makes the log-access login from the account name.
const logsSuffix = "_logs"

// userRE is the local part of a virtual FTP login: lower-case letters,
// digits, periods, hyphens and underscores, not starting with a period or
// hyphen. Upper case is folded before the check.
var userRE = regexp.MustCompile(`^[a-z0-9_][a-z0-9._-]{0,63}$`)

// maxLoginLen bounds user@domain, the length of a DNS name.
const maxLoginLen = 254

// DefaultHomeDir is the home directory, relative to the account home, that
// add_ftp and set_homedir give a login when none is named.
func DefaultHomeDir(user, domain string) string { return user + "@" + domain }

// validateNewUser applies the rules for a new virtual login: the syntax of
// the local part, the length of the whole login, and the names that would
// collide with the account's special logins or kill_session's "all".
func validateNewUser(acct *hosting.Account, user, domain string) error {
	if user == "" {
		return hosting.Errorf(hosting.EINVALID, "You must specify a user name.")
	}
	if !userRE.MatchString(user) || strings.Contains(user, "..") || strings.HasSuffix(user, ".") {
		return hosting.Errorf(hosting.EINVALID, "“%s” is not a valid FTP user name: the “user” parameter may contain only letters, digits, periods (.), hyphens (-) and underscores (_), must begin with a letter, digit or underscore, and may have at most 64 characters.", user)
	}
	if len(user)+1+len(domain) > maxLoginLen {
		return hosting.Errorf(hosting.EINVALID, "The FTP login “%s@%s” is too long: a login may have at most %d characters.", user, domain, maxLoginLen)
	}
	if isReserved(acct, user) {
		return hosting.Errorf(hosting.EINVALID, "The FTP user name “%s” is reserved for the system.", user)
	}
	return nil
}

// isReserved reports names a virtual login may not take: the account's own
// login and its _logs login (a bare login would be ambiguous), the
// anonymous logins, and "all", which kill_session reads as every session.
func isReserved(acct *hosting.Account, user string) bool {
	switch user {
	case acct.Name, acct.Name + logsSuffix, anonymousLogin, "anonymous", "all":
		return true
	}
	return false
}

// specialLogin returns the session login and type of one of the account's
// logins that are not stored (main, NAME_logs, anonymous), or ok false.
func specialLogin(acct *hosting.Account, name string) (login, typ string, ok bool) {
	switch name {
	case acct.Name:
		return acct.Name, typeMain, true
	case acct.Name + logsSuffix:
		return acct.Name + logsSuffix, typeLogAccess, true
	case anonymousLogin, "anonymous":
		return anonymousLogin, typeAnonymous, true
	}
	return "", "", false
}

// notExist is the error of every function that names a login the account
// does not have.
func notExist(user, domain string) error {
	return hosting.Errorf(hosting.ENOTFOUND, "The FTP account “%s” at domain “%s” does not exist.", user, domain)
}
