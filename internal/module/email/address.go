package email

import (
	"regexp"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// localRE is a mailbox's local part: lower-case letters, digits, periods,
// hyphens and underscores, starting with a letter, digit or underscore. The
// local part names a directory and a passwd-file entry, so it is kept to
// characters that are safe in both; "+" is left out because it separates
// the parts of add_pop's answer and of sub-addresses.
var localRE = regexp.MustCompile(`^[a-z0-9_][a-z0-9._-]*$`)

// Length limits of RFC 5321: 64 for the local part, 254 for the address.
const (
	maxLocalLen   = 64
	maxAddressLen = 254
)

// reservedLocal are names a mailbox may not take: cPanel forbids "cpanel".
var reservedLocal = map[string]bool{"cpanel": true}

// validateLocalPart applies the rules for a new mailbox's local part.
// Returns EINVALID naming the email parameter.
func validateLocalPart(user, domain string) error {
	switch {
	case reservedLocal[user]:
		return hosting.Errorf(hosting.EINVALID, "The “email” parameter cannot be “%s”: that name is reserved.", user)
	case len(user) > maxLocalLen || !localRE.MatchString(user) || strings.Contains(user, "..") || strings.HasSuffix(user, "."):
		return hosting.Errorf(hosting.EINVALID, "“%s” is not a valid email account name: the “email” parameter may contain only letters, digits, periods (.), hyphens (-) and underscores (_), must begin with a letter, digit or underscore, must not end with a period or hold two in a row, and may have at most %d characters.", user, maxLocalLen)
	case len(user)+1+len(domain) > maxAddressLen:
		return hosting.Errorf(hosting.EINVALID, "The email address “%s@%s” is too long: an address may have at most %d characters.", user, domain, maxAddressLen)
	}
	return nil
}
