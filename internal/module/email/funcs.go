package email

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

const module = "Email"

// emailRule reads an email parameter as a mailbox of the account, in the
// words the module has always used.
func emailRule() *uapi.LoginRule {
	return &uapi.LoginRule{DomainParam: "domain",
		Empty:     "The “email” parameter must name an email account (“user” or “user@domain”).",
		BadDomain: "The “email” parameter “%s” is not a valid email address."}
}

// emailParam is the email parameter most functions share.
func emailParam() uapi.Param {
	return uapi.Param{Name: "email", Type: uapi.Login, Required: true, MaxLen: maxAddressLen, Login: emailRule(),
		Doc: "The email account: the user name alone (on the domain parameter's domain) or the full address user@domain."}
}

// emailFilterParam is list_pops_with_disk's email: a user name alone
// matches it on every domain unless domain is given.
func emailFilterParam() uapi.Param {
	rule := emailRule()
	rule.AnyDomain = true
	return uapi.Param{Name: "email", Type: uapi.Login, MaxLen: maxAddressLen, Login: rule,
		Doc: "Only email accounts with this user name (user, on every domain or on domain) or this address (user@domain)."}
}

// domainParam is the domain parameter most functions share.
func domainParam() uapi.Param {
	return uapi.Param{Name: "domain", Type: uapi.Domain,
		Doc: "The email account's domain; defaults to the account's primary domain. If email holds a full address, domain must be left out or name the same domain."}
}

func quotaParam(doc string) uapi.Param {
	return uapi.Param{Name: "quota", Type: uapi.QuotaMB, Doc: doc}
}

// delimitedRE matches a regex written Perl-style, /expr/flags, as cPanel's
// documentation writes them.
var delimitedRE = regexp.MustCompile(`^/(.*)/([imsU]*)$`)

// compileRegex compiles the regex parameter in RE2 syntax, accepting the
// /expr/flags form too.
func compileRegex(v string) (*regexp.Regexp, error) {
	if m := delimitedRE.FindStringSubmatch(v); m != nil {
		v = m[1]
		if m[2] != "" {
			v = "(?" + m[2] + ")" + v
		}
	}
	re, err := regexp.Compile(v)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			err = errors.New(se.Code.String())
		}
		return nil, hosting.Errorf(hosting.EINVALID, "The “regex” parameter is not a valid regular expression: %v.", err)
	}
	return re, nil
}

func regexParam() uapi.Param {
	return uapi.Param{Name: "regex", Type: uapi.String, MaxLen: 1024,
		Check: func(v string) error { _, err := compileRegex(v); return err },
		Doc:   "Only email accounts whose address or user name matches this regular expression (RE2 syntax; /expr/ and /expr/i are accepted)."}
}

func positive(name string) func(string) error {
	return func(v string) error {
		if strings.HasPrefix(v, "-") || v == "0" {
			return hosting.Errorf(hosting.EINVALID, "The “%s” parameter must be a positive integer.", name)
		}
		return nil
	}
}

// Funcs returns the declarations of the Email functions for the registry.
// It may be called on a nil *Service for the declarations alone.
func (s *Service) Funcs() []*uapi.Func {
	return append(s.changeFuncs(), s.readFuncs()...)
}

// changeFuncs declares the functions that change mailboxes.
func (s *Service) changeFuncs() []*uapi.Func {
	return []*uapi.Func{
		{Module: module, Name: "add_pop", Feature: hosting.FeatureEmail, Returns: "string",
			Summary: "Create an email account; data is “user+domain”.", Handler: s.addPop, Params: []uapi.Param{
				emailParam(),
				{Name: "password", Type: uapi.String, Doc: "The password (or give password_hash instead)."},
				domainParam(),
				{Name: "password_hash", Type: uapi.String, Doc: "A crypt(3) password hash such as $6$… (instead of password)."},
				quotaParam("The quota in MB; 0 or “unlimited” for none; defaults to the system's default quota."),
				{Name: "send_welcome_email", Type: uapi.Bool, Default: "0", Doc: "Accepted; uapid sends no email, so 1 only adds a warning."},
				{Name: "skip_update_db", Type: uapi.Bool, Default: "0", Doc: "Accepted and ignored: uapid keeps no separate cache."},
			}},
		{Module: module, Name: "delete_pop", Feature: hosting.FeatureEmail, Returns: "null",
			Summary: "Delete an email account and, unless flags=passwd, its mail.", Handler: s.deletePop, Params: []uapi.Param{
				emailParam(), domainParam(),
				{Name: "flags", Type: uapi.String, Doc: "passwd keeps the account's mail directory; any other value or none removes it."},
				{Name: "skip_quota", Type: uapi.Bool, Default: "0", Doc: "Accepted and ignored: the quota goes with the account."},
			}},
		{Module: module, Name: "passwd_pop", Feature: hosting.FeatureEmail, Returns: "null",
			Summary: "Change an email account's password.", Handler: s.passwdPop, Params: []uapi.Param{
				emailParam(),
				{Name: "password", Type: uapi.String, Required: true, Doc: "The new password."},
				domainParam(),
			}},
		{Module: module, Name: "edit_pop_quota", Feature: hosting.FeatureEmail, Returns: "null",
			Summary: "Change an email account's quota.", Handler: s.editPopQuota, Params: []uapi.Param{
				emailParam(), domainParam(),
				quotaParam("The quota in MB; 0 or “unlimited” for none; defaults to the system's default quota. Above the maximum email quota, the maximum applies."),
			}},
	}
}

// readFuncs declares the functions that only read.
func (s *Service) readFuncs() []*uapi.Func {
	return []*uapi.Func{
		{Module: module, Name: "list_pops", ReadOnly: true, Returns: "list",
			Summary: "List the account's email accounts.", Handler: s.listPops, Params: []uapi.Param{
				regexParam(),
				{Name: "skip_main", Type: uapi.Bool, Default: "0", Doc: "1 leaves out the record of the cPanel account itself (login “Main Account”)."},
				{Name: "no_validate", Type: uapi.Bool, Default: "0", Doc: "Accepted and ignored: there is no separate cache to validate."},
			}},
		{Module: module, Name: "list_pops_with_disk", ReadOnly: true, Returns: "list",
			Summary: "List the account's email accounts with quotas and disk usage.", Handler: s.listPopsWithDisk, Params: []uapi.Param{
				{Name: "domain", Type: uapi.Domain, Doc: "Only this domain's email accounts."},
				emailFilterParam(),
				regexParam(),
				{Name: "maxaccounts", Type: uapi.Int, Check: positive("maxaccounts"), Doc: "Return at most this many email accounts."},
				{Name: "no_disk", Type: uapi.Bool, Default: "0", Doc: "1 skips measuring disk usage (reported as 0)."},
				{Name: "no_validate", Type: uapi.Bool, Default: "0", Doc: "Accepted and ignored: there is no separate cache to validate."},
				{Name: "get_restrictions", Type: uapi.Bool, Default: "0", Doc: "1 adds has_suspended and hold_outgoing to each record."},
				{Name: "infinityimg", Type: uapi.String, Doc: "Show an unlimited diskquota as an <img> of this URL."},
				{Name: "infinitylang", Type: uapi.Bool, Default: "0", Doc: "1 shows an unlimited diskquota as ∞."},
			}},
		{Module: module, Name: "get_pop_quota", ReadOnly: true, Returns: "integer",
			Summary: "Return an email account's quota in MB (or bytes), or “unlimited”.", Handler: s.getPopQuota, Params: []uapi.Param{
				emailParam(), domainParam(),
				{Name: "as_bytes", Type: uapi.Bool, Default: "0", Doc: "1 returns the quota in bytes instead of MB."},
			}},
		{Module: module, Name: "count_pops", ReadOnly: true, Returns: "integer",
			Summary: "Return how many email accounts the account has.", Handler: s.countPops},
	}
}
