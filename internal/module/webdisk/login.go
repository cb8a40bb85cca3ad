package webdisk

import (
	"regexp"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// userRE is the local part of a Web Disk login: lower-case letters, digits,
// periods, hyphens and underscores, not starting with a period or hyphen.
// Upper case is folded before the check.
var userRE = regexp.MustCompile(`^[a-z0-9_][a-z0-9._-]{0,63}$`)

// maxLoginLen bounds user@domain, the length of a DNS name.
const maxLoginLen = 254

// DefaultHomeDir is the directory, relative to the account home, that
// add_user gives a login when none is named: what cPanel's Web Disk page
// fills in.
func DefaultHomeDir(user string) string { return "public_html/" + user }

// validateNewUser applies the rules for a new login: the syntax of the
// local part and the length of the whole login.
func validateNewUser(user, domain string) error {
	if !userRE.MatchString(user) || strings.Contains(user, "..") || strings.HasSuffix(user, ".") {
		return hosting.Errorf(hosting.EINVALID, "“%s” is not a valid Web Disk user name: the “user” parameter may contain only letters, digits, periods (.), hyphens (-) and underscores (_), must begin with a letter, digit or underscore, and may have at most 64 characters.", user)
	}
	if len(user)+1+len(domain) > maxLoginLen {
		return hosting.Errorf(hosting.EINVALID, "The Web Disk login “%s@%s” is too long: a login may have at most %d characters.", user, domain, maxLoginLen)
	}
	return nil
}

// notExist is the error of every function that names a login the account
// does not have, whether another account has it or nobody.
func notExist(user, domain string) error {
	return hosting.Errorf(hosting.ENOTFOUND, "The Web Disk account “%s@%s” does not exist.", user, domain)
}

func alreadyExists(login string) error {
	return hosting.Errorf(hosting.ECONFLICT, "The Web Disk account “%s” already exists.", login)
}
