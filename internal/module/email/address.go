package email

import (
	"regexp"
	"strings"
	"unicode"

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

// splitAddress resolves an email parameter ("user" or "user@domain") and a
// domain parameter (already normalised and owned; "" when not given) into
// the local part and domain of one mailbox of acct. Whitespace is removed
// and both parts are lower-cased. A full address whose domain differs from
// a given domain parameter is refused, as is a domain acct does not own.
func splitAddress(acct *hosting.Account, email, domain string) (user, dom string, err error) {
	email = strings.ToLower(strings.Map(dropSpace, email))
	user, embedded, hasAt := strings.Cut(email, "@")
	dom = domain
	if hasAt {
		d, err := hosting.NormalizeDomain(embedded)
		if err != nil {
			return "", "", hosting.Errorf(hosting.EINVALID, "The “email” parameter “%s” is not a valid email address.", email)
		}
		if domain != "" && d != domain {
			return "", "", hosting.Errorf(hosting.EINVALID, "The “email” parameter names the domain “%s” but the “domain” parameter names “%s”.", d, domain)
		}
		if !acct.OwnsDomain(d) {
			return "", "", hosting.Errorf(hosting.EINVALID, "You do not own the domain “%s”.", d)
		}
		dom = d
	}
	if dom == "" {
		dom = acct.Domain
	}
	if user == "" {
		return "", "", hosting.Errorf(hosting.EINVALID, "The “email” parameter must name an email account (“user” or “user@domain”).")
	}
	return user, dom, nil
}

func dropSpace(r rune) rune {
	if unicode.IsSpace(r) {
		return -1
	}
	return r
}

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
