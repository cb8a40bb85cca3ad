package uapi

import (
	"context"
	"strings"
	"testing"
)

// loginFunc declares Test::login with a Login parameter user, paired with
// domain under rule, and answers what the handler reads.
func loginFunc(rule *LoginRule, required bool) *Func {
	return &Func{Module: "Test", Name: "login", Handler: func(_ context.Context, c *Call) (any, error) {
		return map[string]any{"login": c.Login("user"), "has": c.Has("user"), "string": c.String("user")}, nil
	}, Params: []Param{
		{Name: "user", Type: Login, Required: required, MaxLen: 320, Missing: "You must specify a user name.", Login: rule},
		{Name: "domain", Type: Domain},
	}}
}

func TestBindLogin(t *testing.T) {
	t.Parallel()
	paired := &LoginRule{DomainParam: "domain"}
	ftp := &LoginRule{DomainParam: "domain", Exclusive: "You may not specify a domain both in the user field and in the domain field."}
	worded := &LoginRule{DomainParam: "domain", Empty: "Name a mailbox.", BadDomain: "The “user” parameter “%s” is not a valid email address."}
	alone := &LoginRule{}
	anyDomain := &LoginRule{DomainParam: "domain", AnyDomain: true}
	tests := []struct {
		name    string
		rule    *LoginRule
		args    []string
		want    LoginName
		wantErr string
	}{
		{"bare on primary", paired, []string{"user=bob"}, LoginName{"bob", "example.com"}, ""},
		{"bare on domain param", paired, []string{"user=bob", "domain=Example.NET"}, LoginName{"bob", "example.net"}, ""},
		{"full", paired, []string{"user=Bob%40Example.NET."}, LoginName{"bob", "example.net"}, ""},
		{"whitespace dropped", paired, []string{"user=+b+ob+%40+example.net%09"}, LoginName{"bob", "example.net"}, ""},
		{"same domain twice", paired, []string{"user=bob%40example.net", "domain=example.net"}, LoginName{"bob", "example.net"}, ""},
		{"two domains", paired, []string{"user=bob%40example.net", "domain=example.com"}, LoginName{},
			"The “user” parameter names the domain “example.net” but the “domain” parameter names “example.com”."},
		{"exclusive same domain", ftp, []string{"user=bob%40example.net", "domain=example.net"}, LoginName{},
			"You may not specify a domain both in the user field and in the domain field."},
		{"exclusive bare", ftp, []string{"user=bob", "domain=example.net"}, LoginName{"bob", "example.net"}, ""},
		{"foreign domain", paired, []string{"user=bob%40other.org"}, LoginName{}, "You do not own the domain “other.org”."},
		{"foreign domain param", paired, []string{"user=bob", "domain=other.org"}, LoginName{}, "You do not own the domain “other.org”."},
		{"bad domain", paired, []string{"user=bob%40exa_mple.com"}, LoginName{},
			"The “user” parameter names the domain “exa_mple.com”, which is not a valid domain name."},
		{"two ats", paired, []string{"user=a%40b%40example.com"}, LoginName{},
			"The “user” parameter names the domain “b@example.com”, which is not a valid domain name."},
		{"worded bad domain", worded, []string{"user=A%40b%40example.com"}, LoginName{},
			"The “user” parameter “a@b@example.com” is not a valid email address."},
		{"empty user uses Missing", paired, []string{"user=%40example.com"}, LoginName{}, "You must specify a user name."},
		{"worded empty user", worded, []string{"user=%40example.com"}, LoginName{}, "Name a mailbox."},
		{"missing", paired, []string{"domain=example.net"}, LoginName{}, "You must specify a user name."},
		{"blank", paired, []string{"user=+"}, LoginName{}, "You must specify a user name."},
		{"no domain param: domain ignored", alone, []string{"user=bob", "domain=example.net"}, LoginName{"bob", "example.com"}, ""},
		{"any domain bare", anyDomain, []string{"user=bob"}, LoginName{"bob", ""}, ""},
		{"any domain with param", anyDomain, []string{"user=bob", "domain=example.net"}, LoginName{"bob", "example.net"}, ""},
		{"too long", paired, []string{"user=" + strings.Repeat("a", 321)}, LoginName{}, "The “user” parameter must be at most 320 characters long."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEngine(t, nil, loginFunc(tt.rule, true))
			res := run(t, e, "Test", "login", mustCLI(t, tt.args...))
			if tt.wantErr != "" {
				wantFailure(t, res, tt.wantErr)
				return
			}
			got := res.Data.(map[string]any)
			if res.Status != 1 || got["login"] != tt.want || got["has"] != true {
				t.Fatalf("got status %d data %v errors %q, want %v", res.Status, got, res.Errors, tt.want)
			}
		})
	}
}

// TestBindLoginOptional: an optional login left out or blank is no login,
// and a bad domain parameter is reported once, not again for the login.
func TestBindLoginOptional(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, nil, loginFunc(&LoginRule{DomainParam: "domain"}, false))
	for _, args := range [][]string{nil, {"user="}, {"user=+", "domain=example.net"}} {
		res := run(t, e, "Test", "login", mustCLI(t, args...))
		if got := res.Data.(map[string]any); res.Status != 1 || got["login"] != (LoginName{}) || got["has"] != false {
			t.Errorf("%q: got status %d data %v errors %q, want no login", args, res.Status, got, res.Errors)
		}
	}
	res := run(t, e, "Test", "login", mustCLI(t, "user=bob%40example.net", "domain=other.org"))
	wantFailure(t, res, "You do not own the domain “other.org”.")
}

func TestLoginNameString(t *testing.T) {
	t.Parallel()
	if got := (LoginName{User: "bob", Domain: "example.com"}).String(); got != "bob@example.com" {
		t.Fatalf("String() = %q", got)
	}
}

func TestRegistryAddRefusesMalformedLogins(t *testing.T) {
	t.Parallel()
	h := func(context.Context, *Call) (any, error) { return nil, nil }
	for name, params := range map[string][]Param{
		"repeatable":         {{Name: "user", Type: Login, Multi: true}},
		"no domain param":    {{Name: "user", Type: Login, Login: &LoginRule{DomainParam: "domain"}}},
		"domain not Domain":  {{Name: "user", Type: Login, Login: &LoginRule{DomainParam: "domain"}}, {Name: "domain"}},
		"domain param alias": {{Name: "user", Type: Login, Login: &LoginRule{DomainParam: "d"}}, {Name: "domain", Type: Domain, Aliases: []string{"d"}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Fatal("Add did not panic")
				}
			}()
			NewRegistry().Add(&Func{Module: "Test", Name: "f", Handler: h, Params: params})
		})
	}
}

func TestBindHomePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, arg string
		want      string
		wantGiven bool
	}{
		{"relative", "public_html/bob/", "public_html/bob", true},
		{"absolute inside the home", "/home/cpuser/public_html/bob", "public_html/bob", true},
		{"the home itself", "/home/cpuser/", "", true},
		{"absolute with dotdot", "/home/cpuser/../cpuser/x", "cpuser/x", true},
		{"absolute elsewhere", "/etc/passwd", "etc/passwd", true},
		{"another home", "/home/cpuser2/x", "home/cpuser2/x", true},
		{"home's path, relative", "home/cpuser/x", "home/cpuser/x", true},
		{"root", "/", "", true},
		{"blank", "  ", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got string
			var given bool
			f := &Func{Module: "Test", Name: "dir", Params: []Param{{Name: "homedir", Type: RelPath}},
				Handler: func(_ context.Context, c *Call) (any, error) { got, given = c.Path("homedir"); return nil, nil }}
			res := run(t, mustEngine(t, nil, f), "Test", "dir", Args{"homedir": {tt.arg}})
			if res.Status != 1 || got != tt.want || given != tt.wantGiven {
				t.Fatalf("Path = %q, %v (errors %q), want %q, %v", got, given, res.Errors, tt.want, tt.wantGiven)
			}
		})
	}
}
