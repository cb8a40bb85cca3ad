package web_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// Stand-ins for the Email and WebDisk modules, which are being built while
// this UI is: real function declarations in cPanel's parameter and field
// names (SPEC §4), over a map instead of a store. They test the pages'
// wiring; the modules' own tests test the modules.

// standin is one account's service logins of one kind, by user@domain.
type standin struct {
	mu   sync.Mutex
	recs map[int64]map[string]map[string]any
}

func newStandin() *standin { return &standin{recs: make(map[int64]map[string]map[string]any)} }

// login resolves a user argument (local part or user@domain) and a domain
// argument into user@domain, refusing domains the account does not own.
func login(c *uapi.Call, userParam string) (string, string, error) {
	user, domain, hasAt := strings.Cut(c.String(userParam), "@")
	if !hasAt {
		domain = c.Domain("domain")
	}
	if !c.Account.OwnsDomain(domain) {
		return "", "", hosting.Errorf(hosting.EINVALID, "You do not own the domain “%s”.", domain)
	}
	return user, domain, nil
}

func (s *standin) put(acct int64, addr string, rec map[string]any, create bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recs[acct] == nil {
		s.recs[acct] = make(map[string]map[string]any)
	}
	old, exists := s.recs[acct][addr]
	switch {
	case create && exists:
		return hosting.Errorf(hosting.ECONFLICT, "The account “%s” already exists.", addr)
	case !create && !exists:
		return hosting.Errorf(hosting.ENOTFOUND, "The account “%s” does not exist.", addr)
	}
	for k, v := range rec {
		if old == nil {
			old = map[string]any{}
		}
		old[k] = v
	}
	s.recs[acct][addr] = old
	return nil
}

func (s *standin) del(acct int64, addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.recs[acct][addr]; !ok {
		return hosting.Errorf(hosting.ENOTFOUND, "The account “%s” does not exist.", addr)
	}
	delete(s.recs[acct], addr)
	return nil
}

func (s *standin) list(acct int64) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, r := range s.recs[acct] {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]["login"]) < fmt.Sprint(out[j]["login"]) })
	return out
}

// emailFuncs declares the Email stand-in.
func emailFuncs() []*uapi.Func {
	s := newStandin()
	email := uapi.Param{Name: "email", Type: uapi.String, Required: true}
	domain := uapi.Param{Name: "domain", Type: uapi.Domain}
	pass := uapi.Param{Name: "password", Type: uapi.String, Required: true}
	quota := uapi.Param{Name: "quota", Type: uapi.QuotaMB, Default: "1024"}
	set := func(create bool) uapi.Handler {
		return func(_ context.Context, c *uapi.Call) (any, error) {
			user, dom, err := login(c, "email")
			if err != nil {
				return nil, err
			}
			rec := map[string]any{"email": user + "@" + dom, "login": user + "@" + dom, "user": user, "domain": dom,
				"humandiskused": "0 bytes", "diskusedpercent": 0}
			if create || c.Has("quota") {
				rec["diskquota"], rec["humandiskquota"] = quotaText(c.Int("quota"))
			}
			if err := s.put(c.Account.ID, user+"@"+dom, rec, create); err != nil {
				return nil, err
			}
			if create {
				return user + "+" + dom, nil
			}
			return nil, nil
		}
	}
	return []*uapi.Func{
		{Module: "Email", Name: "add_pop", Params: []uapi.Param{email, pass, domain, quota}, Handler: set(true)},
		{Module: "Email", Name: "passwd_pop", Params: []uapi.Param{email, pass, domain}, Handler: set(false)},
		{Module: "Email", Name: "edit_pop_quota", Params: []uapi.Param{email, {Name: "domain", Type: uapi.Domain, Required: true}, quota},
			Handler: set(false)},
		{Module: "Email", Name: "delete_pop", Params: []uapi.Param{email, domain}, Handler: s.deleter("email")},
		{Module: "Email", Name: "list_pops_with_disk", Handler: s.lister},
	}
}

// webDiskFuncs declares the WebDisk stand-in.
func webDiskFuncs() []*uapi.Func {
	s := newStandin()
	user := uapi.Param{Name: "user", Type: uapi.String, Required: true}
	pass := uapi.Param{Name: "password", Type: uapi.String, Required: true}
	perms := uapi.Param{Name: "perms", Type: uapi.Enum, Values: []string{"ro", "rw"}, Default: "rw"}
	digest := uapi.Param{Name: "enabledigest", Type: uapi.Bool, Default: "0"}
	add := func(_ context.Context, c *uapi.Call) (any, error) {
		u, dom, err := login(c, "user")
		if err != nil {
			return nil, err
		}
		addr := u + "@" + dom
		return nil, s.put(c.Account.ID, addr, map[string]any{"login": addr, "homedir": "public_html/" + u,
			"perms": c.String("perms"), "enabledigest": c.Int("enabledigest")}, true)
	}
	change := func(fields ...string) uapi.Handler {
		return func(_ context.Context, c *uapi.Call) (any, error) {
			rec := map[string]any{}
			for _, f := range fields {
				rec[f] = c.String(f)
			}
			return nil, s.put(c.Account.ID, c.String("user"), rec, false)
		}
	}
	return []*uapi.Func{
		{Module: "WebDisk", Name: "add_user", Handler: add, Params: []uapi.Param{user, pass, {Name: "domain", Type: uapi.Domain},
			{Name: "homedir", Type: uapi.RelPath}, perms, digest}},
		{Module: "WebDisk", Name: "set_password", Params: []uapi.Param{user, pass, digest}, Handler: change("enabledigest")},
		{Module: "WebDisk", Name: "set_permissions", Params: []uapi.Param{user, {Name: "perms", Type: uapi.Enum,
			Values: []string{"ro", "rw"}, Required: true}}, Handler: change("perms")},
		{Module: "WebDisk", Name: "delete_user", Params: []uapi.Param{user, {Name: "destroy", Type: uapi.Bool, Required: true}},
			Handler: s.deleter("user")},
		{Module: "WebDisk", Name: "list_users", Handler: s.lister},
	}
}

func (s *standin) deleter(param string) uapi.Handler {
	return func(_ context.Context, c *uapi.Call) (any, error) {
		u, dom, err := login(c, param)
		if err != nil {
			return nil, err
		}
		return nil, s.del(c.Account.ID, u+"@"+dom)
	}
}

func (s *standin) lister(_ context.Context, c *uapi.Call) (any, error) {
	return s.list(c.Account.ID), nil
}

func quotaText(mb int64) (string, string) {
	if mb == 0 {
		return "unlimited", "None"
	}
	return fmt.Sprint(mb), fmt.Sprintf("%d MB", mb)
}
