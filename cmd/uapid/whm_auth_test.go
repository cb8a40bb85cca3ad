package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// testWHMAuth: only operator tokens open the WHM port, and they open
// nothing on the cPanel port.
func (s *server) testWHMAuth(t *testing.T, token string) {
	s.whmOK(t, token, "createacct", url.Values{"username": {"tenant"}, "domain": {"tenant.example"}, "password": {"Tenant-pass-1"}}, nil)
	resp, res := s.get(t, "/execute/Tokens/create_full_access?name=mine", basic("tenant", "Tenant-pass-1"))
	if resp.StatusCode != 200 || res.Status != 1 {
		t.Fatalf("account token: HTTP %d %+v", resp.StatusCode, res)
	}
	var tok struct{ Token string }
	_ = json.Unmarshal(res.Data, &tok)
	revoked := s.mustOperatorToken(t, "gone")
	if out, errOut, code := s.runCmd(t, s.uapid, nil, "token", "revoke", "gone"); code != 0 {
		t.Fatalf("token revoke: exit %d %s %s", code, out, errOut)
	}
	if out, _, _ := s.runCmd(t, s.uapid, nil, "token", "list"); !strings.Contains(out, "billing") || strings.Contains(out, "gone") || strings.Contains(out, token) {
		t.Errorf("token list:\n%s", out)
	}
	basicAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("tenant:Tenant-pass-1"))
	for _, tc := range []struct{ name, header string }{
		{"no credentials", ""},
		{"wrong token", "whm root:WRONGTOKENWRONGTOKENWRONGTOKEN12"},
		{"account token as root", "whm root:" + tok.Token},
		{"account token as the account", "whm tenant:" + tok.Token},
		{"account token, cpanel scheme", "cpanel tenant:" + tok.Token},
		{"revoked token", "whm root:" + revoked},
		{"account password", basicAuth},
		{"operator token for another user", "whm tenant:" + token},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, r := s.whmCall(t, tc.header, "listaccts", nil)
			if status != http.StatusUnauthorized || r.Metadata.Result != 0 || r.Data != nil {
				t.Fatalf("HTTP %d %+v %s, want 401 and no data", status, r.Metadata, r.Data)
			}
		})
	}
	t.Run("operator token on the cPanel port", func(t *testing.T) {
		for _, h := range []string{"whm root:" + token, "cpanel root:" + token, "cpanel tenant:" + token} {
			resp, _ := s.get(t, "/execute/Ftp/list_ftp", func(r *http.Request) { r.Header.Set("Authorization", h) })
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%q on 2083: HTTP %d, want 401", h[:10], resp.StatusCode)
			}
		}
	})
	t.Run("unknown function", func(t *testing.T) {
		status, r := s.whmCall(t, "whm root:"+token, "nosuchfunction", nil)
		if status != 200 || r.Metadata.Result != 0 || !strings.Contains(r.Metadata.Reason, "nosuchfunction") {
			t.Fatalf("HTTP %d %+v", status, r.Metadata)
		}
	})
	s.whmOK(t, token, "removeacct", url.Values{"user": {"tenant"}}, nil)
	t.Run("failures go through the shared limiter", func(t *testing.T) {
		for i := 0; ; i++ {
			status, _ := s.whmCall(t, "whm root:WRONG", "listaccts", nil)
			if status == http.StatusTooManyRequests {
				break
			} else if status != http.StatusUnauthorized || i > 20 {
				t.Fatalf("failure %d: HTTP %d", i, status)
			}
		}
		if status, _ := s.whmCall(t, "whm root:"+token, "listaccts", nil); status != http.StatusTooManyRequests {
			t.Fatalf("a blocked address with a good token: HTTP %d, want 429", status)
		}
		// Bad tokens are counted apart from passwords (internal/auth): the
		// block reaches the cPanel port's tokens, not its password logins.
		cpanelToken := func(r *http.Request) { r.Header.Set("Authorization", "cpanel demo:NOTATOKEN") }
		if resp, _ := s.get(t, "/execute/Ftp/list_ftp", cpanelToken); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("the block is shared with the cPanel port's tokens: HTTP %d, want 429", resp.StatusCode)
		}
		if resp, _ := s.get(t, "/execute/Ftp/list_ftp", basic("demo", s.demo.Password)); resp.StatusCode != http.StatusOK {
			t.Fatalf("bad tokens blocked a password login: HTTP %d, want 200", resp.StatusCode)
		}
	})
}

// testWHMParams: every function names the parameter it is missing or
// cannot use.
func (s *server) testWHMParams(t *testing.T, token string) {
	tests := []struct {
		function string
		params   url.Values
		want     string
	}{
		{"createacct", url.Values{"domain": {"x.example"}, "password": {"Xx-pass-123"}}, "username"},
		{"createacct", url.Values{"username": {"x1"}, "password": {"Xx-pass-123"}}, "domain"},
		{"createacct", url.Values{"username": {"x1"}, "domain": {"x.example"}}, "password"},
		{"createacct", url.Values{"username": {"x1"}, "domain": {"x.example"}, "password": {"Xx-pass-123"}, "quota": {"lots"}}, "quota"},
		{"createacct", url.Values{"username": {"x1"}, "domain": {"x.example"}, "password": {"Xx-pass-123"}, "featurelist": {"shell"}}, "shell"},
		{"createacct", url.Values{"username": {"x1"}, "domain": {"x.example"}, "password": {"Xx-pass-123"}, "plan": {"nosuch"}}, "nosuch"},
		{"createacct", url.Values{"username": {"x1"}, "domain": {"not a domain"}, "password": {"Xx-pass-123"}}, "not a domain"},
		{"createacct", url.Values{"username": {"x1"}, "domain": {"x.example"}, "password": {"short"}}, "password"},
		{"createacct", url.Values{"username": {"x1"}, "domain": {"x.example"}, "password": {"Xx-pass-123"}, "contactemail": {"nope"}}, "email"},
		{"removeacct", nil, "username"},
		{"removeacct", url.Values{"username": {"nobody"}}, "nobody"},
		{"suspendacct", nil, "user"},
		{"suspendacct", url.Values{"user": {"nobody"}, "leave-ftp-accts-enabled": {"1"}}, "leave-ftp-accts-enabled"},
		{"unsuspendacct", nil, "user"},
		{"listaccts", url.Values{"searchtype": {"ip"}, "search": {"1"}}, "searchtype"},
		{"listaccts", url.Values{"searchtype": {"user"}, "search": {"("}}, "search"},
		{"accountsummary", nil, "user"},
		{"passwd", url.Values{"password": {"Xx-pass-123"}}, "user"},
		{"passwd", url.Values{"user": {"nobody"}}, "password"},
		{"modifyacct", url.Values{"QUOTA": {"-1"}}, "user"},
		{"modifyacct", url.Values{"user": {"nobody"}, "QUOTA": {"-1"}}, "QUOTA"},
		{"modifyacct", url.Values{"user": {"nobody"}, "newuser": {"other"}}, "newuser"},
		{"editquota", url.Values{"user": {"nobody"}}, "quota"},
		{"addpkg", nil, "name"},
		{"killpkg", nil, "pkgname"},
		{"listpkgs", url.Values{"want": {"mine"}}, "want"},
		{"changepackage", url.Values{"user": {"nobody"}}, "pkg"},
		{"create_user_session", url.Values{"service": {"cpaneld"}}, "user"},
		{"create_user_session", url.Values{"user": {"nobody"}}, "service"},
		{"create_user_session", url.Values{"user": {"nobody"}, "service": {"whostmgrd"}}, "service"},
		{"api_token_create", nil, "token_name"},
		{"api_token_create", url.Values{"token_name": {"x"}, "acl": {"create-acct"}}, "acl"},
		{"api_token_create", url.Values{"token_name": {"bad name"}}, "bad name"},
		{"api_token_revoke", nil, "token_name"},
		{"listaccts", url.Values{"api.version": {"0"}}, "api.version"},
	}
	for _, tt := range tests {
		t.Run(tt.function+" "+tt.want, func(t *testing.T) {
			status, r := s.whmCall(t, "whm root:"+token, tt.function, tt.params)
			if status != 200 || r.Metadata.Result != 0 || !strings.Contains(r.Metadata.Reason, tt.want) {
				t.Fatalf("HTTP %d %+v, want result 0 naming %q", status, r.Metadata, tt.want)
			}
		})
	}
}

func (s *server) testWHMPackages(t *testing.T, token string) {
	s.whmOK(t, token, "addpkg", url.Values{"name": {"ftp100"}, "quota": {"100"}, "featurelist": {"ftpaccts,ftpsetup"}}, nil)
	var pk struct {
		Pkg []map[string]string `json:"pkg"`
	}
	s.whmOK(t, token, "listpkgs", nil, &pk)
	if len(pk.Pkg) != 1 || pk.Pkg[0]["name"] != "ftp100" || pk.Pkg[0]["QUOTA"] != "100M" || pk.Pkg[0]["FEATURELIST"] != "ftpaccts,ftpsetup" {
		t.Fatalf("listpkgs = %+v", pk.Pkg)
	}
	s.whmOK(t, token, "createacct", url.Values{"username": {"planned"}, "domain": {"planned.example"},
		"password": {"Planned-pass-1"}, "plan": {"ftp100"}}, nil)
	addPop := "/execute/Email/add_pop?email=info&password=Info-pass-123"
	if resp, res := s.get(t, addPop, basic("planned", "Planned-pass-1")); resp.StatusCode != 200 || res.Status != 0 {
		t.Errorf("the plan has no email feature, yet add_pop ran: HTTP %d %+v", resp.StatusCode, res)
	}
	var list struct{ Acct []whmAcct }
	s.whmOK(t, token, "listaccts", url.Values{"search": {"ftp100"}, "searchtype": {"package"}, "want": {"user,plan,disklimit"}}, &list)
	if len(list.Acct) != 1 || list.Acct[0] != (whmAcct{User: "planned", Plan: "ftp100", DiskLimit: "100M"}) {
		t.Fatalf("listaccts by package = %+v", list.Acct)
	}
	s.whmOK(t, token, "changepackage", url.Values{"user": {"planned"}, "pkg": {"default"}}, nil)
	if _, res := s.get(t, addPop, basic("planned", "Planned-pass-1")); res.Status != 1 {
		t.Errorf("after changepackage to default, add_pop: %+v", res)
	}
	s.whmOK(t, token, "modifyacct", url.Values{"user": {"planned"}, "contactemail": {"new@example.org"}, "QUOTA": {"300"}}, nil)
	s.whmOK(t, token, "accountsummary", url.Values{"user": {"planned"}}, &list)
	if a := list.Acct[0]; a.Email != "new@example.org" || a.DiskLimit != "300M" || a.Plan != "default" {
		t.Errorf("after modifyacct: %+v", a)
	}
	s.whmOK(t, token, "killpkg", url.Values{"pkgname": {"ftp100"}}, nil)
	s.whmOK(t, token, "listpkgs", nil, &pk)
	if len(pk.Pkg) != 0 {
		t.Errorf("after killpkg: %+v", pk.Pkg)
	}
	s.whmOK(t, token, "removeacct", url.Values{"username": {"planned"}}, nil)
}

func (s *server) testWHMTokens(t *testing.T, token string) {
	var created struct {
		Name  string `json:"name"`
		Token string `json:"token"`
	}
	s.whmOK(t, token, "api_token_create", url.Values{"token_name": {"blesta"}}, &created)
	if created.Name != "blesta" || len(created.Token) != 32 {
		t.Fatalf("api_token_create = %+v", created)
	}
	var apps struct{ App []string }
	s.whmOK(t, created.Token, "applist", nil, &apps)
	if !strings.Contains(strings.Join(apps.App, " "), "createacct") {
		t.Errorf("applist = %v", apps.App)
	}
	var list struct {
		Tokens map[string]map[string]any `json:"tokens"`
	}
	s.whmOK(t, token, "api_token_list", nil, &list)
	if _, ok := list.Tokens["blesta"]; !ok || len(list.Tokens) != 2 {
		t.Fatalf("api_token_list = %v", list.Tokens)
	}
	if b, _ := json.Marshal(list); strings.Contains(string(b), created.Token) {
		t.Fatal("api_token_list shows a secret")
	}
	s.whmOK(t, token, "api_token_revoke", url.Values{"token_name": {"blesta"}}, nil)
	if status, _ := s.whmCall(t, "whm root:"+created.Token, "applist", nil); status != 401 {
		t.Errorf("revoked token: HTTP %d, want 401", status)
	}
	var host struct{ Hostname string }
	s.whmOK(t, token, "gethostname", nil, &host)
	if host.Hostname != "localhost" {
		t.Errorf("gethostname = %q", host.Hostname)
	}
	var v struct{ Version string }
	s.whmOK(t, token, "version", nil, &v)
	if v.Version != version {
		t.Errorf("version = %q", v.Version)
	}
}

// testWHMCommandLine: `uapid account|package …` and WHM API 1 are two
// transports of one implementation, so each sees what the other did.
func (s *server) testWHMCommandLine(t *testing.T, token string) {
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := s.runCmd(t, s.uapid, nil, args...)
		if code != 0 {
			t.Fatalf("uapid %v: exit %d\n%s%s", args, code, out, errOut)
		}
		return out
	}
	run("package", "create", "cli-plan", "--quota", "64", "--features", "ftpaccts")
	run("account", "create", "cliacct", "--domain", "cliacct.example", "--password", "Cli-pass-123",
		"--plan", "cli-plan", "--email", "cli@example.org")
	run("account", "suspend", "cliacct", "--reason", "Abuse report")
	var sum struct{ Acct []whmAcct }
	s.whmOK(t, token, "accountsummary", url.Values{"user": {"cliacct"}}, &sum)
	if a := sum.Acct[0]; a.Plan != "cli-plan" || a.DiskLimit != "64M" || a.Email != "cli@example.org" || a.SuspendReason != "Abuse report" {
		t.Errorf("WHM sees the command line's account as %+v", a)
	}
	s.whmOK(t, token, "unsuspendacct", url.Values{"user": {"cliacct"}}, nil)
	s.whmOK(t, token, "changepackage", url.Values{"user": {"cliacct"}, "pkg": {"default"}}, nil)
	if out := run("account", "show", "cliacct"); !strings.Contains(out, "plan:      default") || !strings.Contains(out, "suspended: false") {
		t.Errorf("the command line sees WHM's changes as:\n%s", out)
	}
	if out := run("package", "list"); !strings.Contains(out, "cli-plan") {
		t.Errorf("package list:\n%s", out)
	}
	run("package", "delete", "cli-plan")
	run("account", "delete", "cliacct")
}
