package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// pagePaths are every page.
var pagePaths = []string{"/", "/tokens", "/ftp/accounts", "/ftp/connections", "/email", "/webdisk",
	"/usermanager", "/usermanager/edit", "/usermanager/confirm_delete"}

// actionPaths are every action.
var actionPaths = []string{"/tokens/create", "/tokens/rename", "/tokens/revoke",
	"/ftp/accounts/add", "/ftp/accounts/passwd", "/ftp/accounts/quota", "/ftp/accounts/homedir",
	"/ftp/accounts/delete", "/ftp/anonymous", "/ftp/anonymous_incoming", "/ftp/welcome", "/ftp/connections/kill",
	"/email/add", "/email/passwd", "/email/quota", "/email/delete",
	"/webdisk/add", "/webdisk/passwd", "/webdisk/perms", "/webdisk/homedir", "/webdisk/delete",
	"/usermanager/add", "/usermanager/save", "/usermanager/passwd", "/usermanager/delete", "/usermanager/link",
	"/usermanager/dismiss", "/usermanager/unlink", "/usermanager/owner_passwd"}

func TestPagesRender(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	for _, p := range pagePaths {
		t.Run(p, func(t *testing.T) {
			r := b.get(t, p)
			if r.code != http.StatusOK {
				t.Fatalf("%d\n%s", r.code, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			mustContain(t, r.body, `data-testid="account-name">cpuser<`, `href="/`+b.token+`/ftp/accounts"`,
				`href="/`+b.token+`/usermanager"`)
			mustNotContain(t, r.body, "other.org", "<script>", " style=")
		})
	}
}

func TestHomeShowsAccount(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	e.mustCall(t, e.a, "Ftp", "add_ftp", "user=bob", "pass=Bob-Pass-1")
	body := b.mustPage(t, "/")
	mustContain(t, body, `id="home-account" data-testid="home-account">cpuser<`,
		`id="home-domain" data-testid="home-domain">example.com<`, "example.net", "1 FTP account.",
		`id="home-tokens"`, `id="home-ftp-accounts"`, `id="home-ftp-connections"`, `id="home-email"`,
		`id="home-webdisk"`, `id="home-usermanager" href="/`+b.token+`/usermanager"`, `id="nav-usermanager"`)
	// Step pages of the User Manager have no navigation entry.
	mustNotContain(t, body, "nav-usermanager_")
}

// TestHomeLinksRegisteredModulesOnly: a server without some modules links
// only the pages it serves.
func TestHomeLinksRegisteredModulesOnly(t *testing.T) {
	e := mustEnvModules(t, "Tokens", "Ftp")
	body := e.login(t, "cpuser", passA).mustPage(t, "/")
	mustContain(t, body, `id="home-tokens"`, `id="home-ftp-accounts"`)
	mustNotContain(t, body, `id="home-email"`, `id="home-webdisk"`, `id="nav-email"`, `id="home-usermanager"`,
		`id="nav-usermanager"`)
}

func TestSessionRequired(t *testing.T) {
	e := mustEnvModules(t, "Tokens", "Ftp")
	b := e.login(t, "cpuser", passA)
	tests := []struct {
		name, method, path, cookie string
		code                       int
		location                   string
	}{
		{"no cookie", "GET", "/" + b.token + "/ftp/accounts", "", http.StatusSeeOther, "/login/?goto_uri=%2Fftp%2Faccounts"},
		{"unknown cookie", "GET", "/" + b.token + "/tokens", "nope", http.StatusSeeOther, "/login/?goto_uri=%2Ftokens"},
		{"home without cookie", "GET", "/" + b.token + "/", "", http.StatusSeeOther, "/login/"},
		{"action without cookie", "POST", "/" + b.token + "/tokens/create", "", http.StatusSeeOther, "/login/?goto_uri=%2Ftokens"},
		{"wrong token", "GET", "/cpsess0000000000/tokens", b.cookie, http.StatusForbidden, ""},
		{"wrong token on action", "POST", "/cpsess0000000000/tokens/create", b.cookie, http.StatusForbidden, ""},
		{"not a token", "GET", "/cpsessX/tokens", b.cookie, http.StatusNotFound, ""},
		{"unknown page", "GET", "/" + b.token + "/nothing", b.cookie, http.StatusNotFound, ""},
		{"module not served", "GET", "/" + b.token + "/email", b.cookie, http.StatusNotFound, ""},
		{"session root", "GET", "/" + b.token, b.cookie, http.StatusSeeOther, "/" + b.token + "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var form url.Values
			if tt.method == "POST" {
				form = url.Values{"name": {"sneaky"}}
			}
			r := e.do(t, tt.method, tt.path, tt.cookie, form)
			if r.code != tt.code {
				t.Fatalf("%d, want %d\n%s", r.code, tt.code, r.body)
			}
			if got := r.header.Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
			if tt.code == http.StatusForbidden {
				mustContain(t, r.body, "Token denied")
			}
		})
	}
	mustNoTokens(t, e)
}

// mustNoTokens checks that no request above created anything.
func mustNoTokens(t *testing.T, e *env) {
	t.Helper()
	if n := len(mustList(t, e.mustCall(t, e.a, "Tokens", "list"))); n != 0 {
		t.Errorf("%d tokens were created", n)
	}
}

func TestSessionExpired(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	e.clock.Advance(16 * time.Minute)
	r := b.get(t, "/ftp/connections")
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/login/?goto_uri=%2Fftp%2Fconnections&reason=expired" {
		t.Fatalf("%d %q", r.code, r.header.Get("Location"))
	}
	login := e.do(t, "GET", r.header.Get("Location"), "", nil)
	mustContain(t, login.body, "Your session has expired.", `name="goto_uri" value="/ftp/connections"`)
}

func TestSuspendedAccount(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	if err := e.accounts.SetSuspended(t.Context(), "cpuser", true); err != nil {
		t.Fatal(err)
	}
	r := b.get(t, "/tokens")
	// Suspending closes the account's sessions, so this is a login redirect;
	// a session that survived would get 403. Either way: no page.
	if r.code != http.StatusSeeOther && r.code != http.StatusForbidden {
		t.Fatalf("%d\n%s", r.code, r.body)
	}
}

func TestActionsRefuseGet(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.a, "UserManager", "create_user", "username=kim", "domain=example.com", "password=Kim-Pass-1")
	b := e.login(t, "cpuser", passA)
	query := "?name=x&user=bob&pass=Bob-Pass-1&login=all&username=kim&domain=example.com&password=Kim-Pass-2" +
		"&oldpass=" + passA + "&newpass=x-Pass-2&confirm=x-Pass-2"
	for _, p := range actionPaths {
		for _, method := range []string{"GET", "HEAD", "PUT", "DELETE"} {
			t.Run(method+p, func(t *testing.T) {
				r := e.do(t, method, "/"+b.token+p+query, b.cookie, nil)
				if r.code != http.StatusMethodNotAllowed {
					t.Fatalf("%d, want 405", r.code)
				}
				if r.header.Get("Allow") != "POST" {
					t.Errorf("Allow %q", r.header.Get("Allow"))
				}
			})
		}
	}
	mustNoTokens(t, e)
	if got := mustList(t, e.mustCall(t, e.a, "Ftp", "list_ftp", "include_acct_types=sub")); len(got) != 0 {
		t.Errorf("a GET created an FTP account: %v", got)
	}
	e.mustRecord(t, e.a, "sub kim@example.com")
	e.login(t, "cpuser", passA) // the account's password is unchanged
}

func TestSecurityHeaders(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	for _, path := range []string{"/", "/login/", "/static/uapid.css", "/" + b.token + "/tokens", "/nowhere/at/all"} {
		r := e.do(t, "GET", path, b.cookie, nil)
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if r.header.Get("Referrer-Policy") != "no-referrer" || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, r.header)
		}
		if r.header.Get("Set-Cookie") != "" {
			t.Errorf("%s: the UI set a cookie", path)
		}
	}
}
