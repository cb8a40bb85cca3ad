package uapi

import (
	"strings"
	"unicode"

	"github.com/uapid/uapid/internal/hosting"
)

// LoginName is the value of a Login parameter: one login of the calling
// account, as user and domain.
type LoginName struct {
	User   string // the part before "@": lower-cased, without whitespace, never empty
	Domain string // a domain the account owns; "" only under LoginRule.AnyDomain
}

// String returns the login as user@domain.
func (l LoginName) String() string { return l.User + "@" + l.Domain }

// LoginRule declares how a Login parameter reads "user" and "user@domain".
// The messages replace generic ones where a module's wording predates the
// shared parser (cPanel's Ftp texts, which scripts match on, and tests).
type LoginRule struct {
	// DomainParam names the function's own Domain parameter, if it has one:
	// it gives the domain of a bare user name.
	DomainParam string
	// Exclusive, when set, is the error for a domain given both in the
	// login and in DomainParam, even the same one (cPanel's Ftp refuses
	// that); otherwise only two different domains are refused.
	Exclusive string
	// AnyDomain leaves Domain empty for a bare user name without
	// DomainParam, for filters that then match the name on every domain;
	// otherwise a bare name is on the primary domain.
	AnyDomain bool
	// Empty is the error for an empty user part ("@example.com"); by
	// default the parameter's Missing message, or a generic one.
	Empty string
	// BadDomain is the error for a malformed domain after "@", with one %s
	// for the whole value; by default it names the domain.
	BadDomain string
}

// splitLogin is the syntax of a login, with no account in view: whitespace
// is dropped and the rest lower-cased, as cPanel does, then cut at the
// first "@". The domain part is returned as written; hasAt tells whether
// there was one.
func splitLogin(v string) (user, domain string, hasAt bool) {
	v = strings.ToLower(strings.Map(dropSpace, v))
	return strings.Cut(v, "@")
}

func dropSpace(r rune) rune {
	if unicode.IsSpace(r) {
		return -1
	}
	return r
}

// resolveLogin turns the raw value of the Login parameter p into one login
// of acct. domain is the normalised value of the rule's DomainParam ("" when
// not given), whose ownership the engine has already checked.
func resolveLogin(acct *hosting.Account, p *Param, raw, domain string) (LoginName, error) {
	rule := p.loginRule()
	user, embedded, hasAt := splitLogin(raw)
	if hasAt {
		d, err := embeddedDomain(acct, p, raw, embedded, domain)
		if err != nil {
			return LoginName{}, err
		}
		domain = d
	}
	if domain == "" && !rule.AnyDomain {
		domain = acct.Domain
	}
	if user == "" {
		return LoginName{}, emptyLogin(p)
	}
	return LoginName{User: user, Domain: domain}, nil
}

// embeddedDomain checks the domain written after "@" against the separate
// domain parameter (given, or "") and the account's domains.
func embeddedDomain(acct *hosting.Account, p *Param, raw, embedded, given string) (string, error) {
	rule := p.loginRule()
	if given != "" && rule.Exclusive != "" {
		return "", invalidf("%s", rule.Exclusive)
	}
	d, err := hosting.NormalizeDomain(embedded)
	if err != nil {
		if rule.BadDomain != "" {
			return "", invalidf(rule.BadDomain, strings.ToLower(strings.Map(dropSpace, raw)))
		}
		return "", invalidf("The “%s” parameter names the domain “%s”, which is not a valid domain name.", p.Name, embedded)
	}
	if given != "" && given != d {
		return "", invalidf("The “%s” parameter names the domain “%s” but the “%s” parameter names “%s”.", p.Name, d, rule.DomainParam, given)
	}
	if !acct.OwnsDomain(d) {
		return "", invalidf("You do not own the domain “%s”.", d)
	}
	return d, nil
}

func emptyLogin(p *Param) error {
	switch rule := p.loginRule(); {
	case rule.Empty != "":
		return invalidf("%s", rule.Empty)
	case p.Missing != "":
		return invalidf("%s", p.Missing)
	}
	return invalidf("The “%s” parameter must name a login: a user name or user@domain.", p.Name)
}

func (p *Param) loginRule() LoginRule {
	if p.Login == nil {
		return LoginRule{}
	}
	return *p.Login
}
