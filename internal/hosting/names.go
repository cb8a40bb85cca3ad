package hosting

import (
	"regexp"
	"strings"
)

var (
	accountNameRE = regexp.MustCompile(`^[a-z][a-z0-9]{0,15}$`)
	domainNameRE  = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
)

// reservedAccountNames are system users and names cPanel refuses, so an
// account can never collide with a daemon login or a special FTP name.
var reservedAccountNames = map[string]bool{
	"all": true, "root": true, "admin": true, "administrator": true, "cpanel": true,
	"ftp": true, "anonymous": true, "mail": true, "nobody": true, "postgres": true,
	"mysql": true, "www": true, "www-data": true, "daemon": true, "bin": true,
	"sys": true, "sync": true, "games": true, "man": true, "news": true, "uucp": true,
	"proxy": true, "backup": true, "list": true, "irc": true, "operator": true,
	"dovecot": true, "dovenull": true, "virtfs": true, "whm": true, "webmail": true,
	"cpses": true, "uapid": true, "uapi": true,
}

// ValidateAccountName applies cPanel's account-name rules: lower-case letters
// and digits, starting with a letter, at most 16 characters, not starting
// with "test", not a reserved system name. It returns EINVALID with the rule
// that failed.
func ValidateAccountName(name string) error {
	switch {
	case !accountNameRE.MatchString(name):
		return Errorf(EINVALID, "The account name “%s” is invalid: use 1 to 16 lower-case letters and digits, starting with a letter.", name)
	case strings.HasPrefix(name, "test"):
		return Errorf(EINVALID, "The account name “%s” is invalid: names may not begin with “test”.", name)
	case reservedAccountNames[name]:
		return Errorf(EINVALID, "The account name “%s” is reserved for the system.", name)
	}
	return nil
}

// NormalizeDomain lower-cases a domain name, drops a trailing dot and checks
// its syntax: labels of letters, digits and hyphens, at least two labels, a
// top-level label that does not start with a digit.
func NormalizeDomain(d string) (string, error) {
	n := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	if len(n) > 253 || !domainNameRE.MatchString(n) {
		return "", Errorf(EINVALID, "“%s” is not a valid domain name.", d)
	}
	return n, nil
}
