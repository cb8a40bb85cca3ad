package ftp

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/svcacct"
	"github.com/uapid/uapid/internal/uapi"
)

// FuzzLogin checks that whatever a caller sends as user, the login the
// engine reads with Ftp's declarations names one of the caller's domains,
// and one that passes validation has a local part within the rules.
func FuzzLogin(f *testing.F) {
	for _, s := range []string{"bob", "Bob@Example.COM", "a@b@c", " x @ example.net ", "@", "ftp@example.com", "é@example.com", "../x", "a..b", "cpuser"} {
		f.Add(s, "")
		f.Add(s, "example.net")
	}
	acct := &hosting.Account{Name: "cpuser", Domain: "example.com", Domains: []string{"example.com", "example.net"}}
	f.Fuzz(func(t *testing.T, user, domain string) {
		if domain != "" && !acct.OwnsDomain(domain) {
			return // the engine refuses such a domain parameter before the handler runs
		}
		l, err := loginForTest(acct, user, domain)
		if err != nil {
			return
		}
		u, d := l.User, l.Domain
		if !acct.OwnsDomain(d) {
			t.Fatalf("%q → domain %q the account does not own", user, d)
		}
		if validateNewUser(acct, u, d) == nil && (!userRE.MatchString(u) || strings.ContainsAny(u, "@/ ") || isReserved(acct, u)) {
			t.Fatalf("%q → accepted local part %q", user, u)
		}
	})
}

// FuzzMakeDir checks that a homedir, once the engine has cleaned it, is
// created inside the home and nowhere else, even past a symlink that points
// out of it.
func FuzzMakeDir(f *testing.F) {
	for _, s := range []string{"a/b", "out/x", "link/../../x", "/abs/x", "a/./b/../c", "...", "a\\..\\b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		base := t.TempDir()
		home, outside := filepath.Join(base, "home"), filepath.Join(base, "outside")
		for _, d := range []string{home, outside} {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink(outside, filepath.Join(home, "out")); err != nil {
			t.Fatal(err)
		}
		rel, err := normalizeForTest(raw)
		if err != nil {
			return
		}
		root, err := os.OpenRoot(home)
		if err != nil {
			t.Fatal(err)
		}
		defer root.Close()
		_, _ = homedir.MakeDirs(root, rel, svcacct.PublicMode, dirError)
		if entries, _ := os.ReadDir(outside); len(entries) > 0 {
			t.Fatalf("homedir %q (cleaned %q) created %s outside the home", raw, rel, entries[0].Name())
		}
	})
}

// normalizeForTest cleans a homedir exactly as the engine does for the
// handlers, by declaring it in a throwaway function.
func normalizeForTest(raw string) (string, error) {
	var got string
	reg := uapi.NewRegistry()
	reg.Add(&uapi.Func{Module: "Test", Name: "clean", Params: []uapi.Param{{Name: "homedir", Type: uapi.RelPath}},
		Handler: func(_ context.Context, c *uapi.Call) (any, error) { got = c.String("homedir"); return nil, nil }})
	acct := &hosting.Account{Name: "t", Domain: "example.com", Domains: []string{"example.com"}}
	r := uapi.NewEngine(reg, slog.New(slog.DiscardHandler), nil).Execute(context.Background(),
		uapi.Request{Account: acct, Module: "Test", Function: "clean", Args: uapi.Args{"homedir": {raw}}})
	if r.Status != 1 {
		return "", errors.New(strings.Join(r.Errors, "; "))
	}
	return got, nil
}

// loginForTest reads user and domain as Ftp's functions declare them, in
// a throwaway function.
func loginForTest(acct *hosting.Account, user, domain string) (uapi.LoginName, error) {
	var got uapi.LoginName
	reg := uapi.NewRegistry()
	reg.Add(&uapi.Func{Module: "Test", Name: "login", Params: []uapi.Param{userParam(), domainParam()},
		Handler: func(_ context.Context, c *uapi.Call) (any, error) { got = c.Login("user"); return nil, nil }})
	args := uapi.Args{"user": {user}}
	if domain != "" {
		args.Add("domain", domain)
	}
	r := uapi.NewEngine(reg, slog.New(slog.DiscardHandler), nil).Execute(context.Background(),
		uapi.Request{Account: acct, Module: "Test", Function: "login", Args: args})
	if r.Status != 1 {
		return got, errors.New(strings.Join(r.Errors, "; "))
	}
	return got, nil
}
