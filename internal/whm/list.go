package whm

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/hosting"
)

// searchTypes maps listaccts' searchtype to the value it matches.
var searchTypes = map[string]func(d *account.Details) []string{
	"user":    func(d *account.Details) []string { return []string{d.Name} },
	"domain":  func(d *account.Details) []string { return d.Domains },
	"owner":   func(*account.Details) []string { return []string{"root"} },
	"package": func(d *account.Details) []string { return []string{planName(d)} },
}

// maxSearch bounds the search pattern a caller can make the server compile.
const maxSearch = 256

// listaccts lists accounts, optionally those whose searchtype field
// matches search (a regular expression, or exactly with
// searchmethod=exact), with only the fields want names.
func (s *Server) listaccts(ctx context.Context, a *args) (reply, error) {
	match := a.matcher()
	want := a.want()
	if err := a.err(); err != nil {
		return reply{}, err
	}
	all, err := s.accounts.ListDetails(ctx)
	if err != nil {
		return reply{}, err
	}
	var matched []*account.Details
	for _, d := range all {
		if match == nil || match(d) {
			matched = append(matched, d)
		}
	}
	used, err := s.diskUsed(ctx, matched, want)
	if err != nil {
		return reply{}, err
	}
	out := []map[string]any{}
	for _, d := range matched {
		out = append(out, s.entry(d, want, used))
	}
	return reply{data: map[string]any{"acct": out}}, nil
}

// diskUsed reads the kept home counts of the accounts (internal/usage) in
// one read, if diskused is wanted; nothing walks a home.
func (s *Server) diskUsed(ctx context.Context, ds []*account.Details, want map[string]bool) (map[int64]int64, error) {
	if want != nil && !want["diskused"] || len(ds) == 0 {
		return nil, nil
	}
	accts := make([]*hosting.Account, len(ds))
	for i, d := range ds {
		accts[i] = d.Account
	}
	return s.accounts.DisksUsed(ctx, accts)
}

// accountsummary describes one account, named by user or domain.
func (s *Server) accountsummary(ctx context.Context, a *args) (reply, error) {
	user, domain := a.optional("", "user"), a.optional("", "domain")
	if user == "" && domain == "" {
		a.required("user")
	}
	if err := a.err(); err != nil {
		return reply{}, err
	}
	if user == "" {
		acct, err := s.accounts.FindByDomain(ctx, domain)
		if err != nil {
			return reply{}, err
		}
		user = acct.Name
	}
	d, err := s.accounts.Details(ctx, user)
	if err != nil {
		return reply{}, err
	}
	used, err := s.diskUsed(ctx, []*account.Details{d}, nil)
	if err != nil {
		return reply{}, err
	}
	return reply{data: map[string]any{"acct": []map[string]any{s.entry(d, nil, used)}}}, nil
}

// matcher reads search, searchtype and searchmethod; nil matches all.
func (a *args) matcher() func(*account.Details) bool {
	search := a.optional("", "search")
	typ := a.optional("", "searchtype")
	if search == "" && typ == "" {
		return nil
	}
	field, ok := searchTypes[typ]
	if !ok {
		a.bad("searchtype", "use user, domain, owner or package.")
		return nil
	}
	if a.optional("regex", "searchmethod") == "exact" {
		return func(d *account.Details) bool { return anyOf(field(d), func(v string) bool { return v == search }) }
	}
	if len(search) > maxSearch {
		a.bad("search", fmt.Sprintf("a pattern may be at most %d characters long.", maxSearch))
		return nil
	}
	re, err := regexp.Compile(search)
	if err != nil {
		a.bad("search", "not a regular expression: "+err.Error())
		return nil
	}
	return func(d *account.Details) bool { return anyOf(field(d), re.MatchString) }
}

// want reads the comma-separated field list; nil means every field.
func (a *args) want() map[string]bool {
	v := a.optional("", "want")
	if v == "" {
		return nil
	}
	out := map[string]bool{}
	for _, f := range strings.Split(v, ",") {
		out[strings.TrimSpace(f)] = true
	}
	return out
}

func anyOf(vs []string, ok func(string) bool) bool {
	for _, v := range vs {
		if ok(v) {
			return true
		}
	}
	return false
}

// entry is one account as listaccts shows it (the fields uapid has, in
// cPanel's names and forms), limited to want. used holds the home counts
// read by diskUsed (nil when diskused is not wanted).
func (s *Server) entry(d *account.Details, want map[string]bool, used map[int64]int64) map[string]any {
	e := map[string]any{"user": d.Name, "domain": d.Domain, "email": d.Profile.ContactEmail, "plan": planName(d),
		"owner": "root", "disklimit": quotaText(d.QuotaMB), "suspended": boolInt(d.Suspended),
		"suspendreason": "not suspended", "suspendtime": nil, "partition": filepath.Base(filepath.Dir(d.HomeDir)),
		"startdate": d.CreatedAt.Format("06 Jan 02 15:04"), "unix_startdate": d.CreatedAt.Unix()}
	if d.Suspended {
		e["suspendreason"] = d.Profile.SuspendReason
		if d.Profile.SuspendedAt != nil {
			e["suspendtime"] = d.Profile.SuspendedAt.Unix()
		}
	}
	if used != nil {
		e["diskused"] = fmt.Sprintf("%dM", used[d.ID]>>20)
	}
	for k := range e {
		if want != nil && !want[k] {
			delete(e, k)
		}
	}
	return e
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
