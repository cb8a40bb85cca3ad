package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

const whoami = "/execute/Test/whoami"

func TestExecuteBasic(t *testing.T) {
	e := mustEnv(t, nil)
	tests := []struct {
		name   string
		header []string
		code   int
	}{
		{"ok", []string{demoBasic()}, http.StatusOK},
		{"scheme word in any case", []string{strings.Replace(demoBasic(), "Basic", "bASIC", 1)}, http.StatusOK},
		{"wrong password", []string{basic(testUser, "wrong")}, http.StatusUnauthorized},
		{"unknown user", []string{basic("nosuchuser", testPass)}, http.StatusUnauthorized},
		{"no header", nil, http.StatusUnauthorized},
		{"not base64", []string{"Authorization: Basic %%%"}, http.StatusUnauthorized},
		{"no colon", []string{"Authorization: Basic ZGVtbw=="}, http.StatusUnauthorized},
		{"unsupported scheme", []string{"Authorization: Bearer abc"}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "GET", whoami, nil, tt.header...).wantStatus(t, tt.code)
			if ct := r.header.Get("Content-Type"); ct != `application/json; charset="utf-8"` {
				t.Errorf("Content-Type = %q", ct)
			}
			if tt.code == http.StatusOK {
				if res := r.result(t); res.Status != 1 || res.Data != testUser {
					t.Fatalf("result = %+v", res)
				}
				return
			}
			r.wantError(t, "Access denied")
			if got := r.header.Get("WWW-Authenticate"); got != `Basic realm="uapid"` {
				t.Errorf("WWW-Authenticate = %q", got)
			}
		})
	}
}

// A failure must not tell a wrong password from a missing account.
func TestExecuteFailuresIndistinguishable(t *testing.T) {
	e := mustEnv(t, nil)
	wrong := e.do(t, "GET", whoami, nil, basic(testUser, "wrong"))
	unknown := e.do(t, "GET", whoami, nil, basic("nosuchuser", "wrong"))
	if wrong.code != unknown.code || !bytes.Equal(wrong.body, unknown.body) {
		t.Fatalf("wrong password: %d %s; unknown user: %d %s", wrong.code, wrong.body, unknown.code, unknown.body)
	}
}

func TestExecuteToken(t *testing.T) {
	e := mustEnv(t, nil)
	token := mustToken(t, e, "script", nil)
	past := e.clock.Now().Add(-time.Hour)
	expired := mustToken(t, e, "old", &past)
	tests := []struct {
		name   string
		header string
		code   int
	}{
		{"ok", "Authorization: cpanel demo:" + token, http.StatusOK},
		{"scheme word in any case", "Authorization: CPanel demo:" + token, http.StatusOK},
		{"wrong token", "Authorization: cpanel demo:" + strings.Repeat("A", 32), http.StatusUnauthorized},
		{"expired token", "Authorization: cpanel demo:" + expired, http.StatusUnauthorized},
		{"unknown user", "Authorization: cpanel nosuchuser:" + token, http.StatusUnauthorized},
		{"token of another account's name", "Authorization: cpanel other:" + token, http.StatusUnauthorized},
		{"no colon", "Authorization: cpanel demo", http.StatusUnauthorized},
		{"token as password is not basic", basic(testUser, token), http.StatusUnauthorized},
	}
	mustAccount(t, e.db, "other", "other-pass", "other.example")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "GET", whoami, nil, tt.header).wantStatus(t, tt.code)
			if tt.code != http.StatusOK {
				r.wantError(t, "Access denied")
				return
			}
			if res := r.result(t); res.Status != 1 || res.Data != testUser {
				t.Fatalf("result = %+v", res)
			}
		})
	}
}

// TestExecuteTokenRefusedAfterChange checks that a token that just worked
// (its check now cached) is refused by the very next request once it is
// revoked or its account suspended.
func TestExecuteTokenRefusedAfterChange(t *testing.T) {
	suspended := true
	tests := []struct {
		name   string
		change func(e *env) error
		code   int
		msg    string
	}{
		{"revoked", func(e *env) error {
			_, err := e.db.DeleteToken(context.Background(), e.acct.ID, "script")
			return err
		}, http.StatusUnauthorized, "Access denied"},
		{"account suspended", func(e *env) error {
			return e.db.UpdateAccount(context.Background(), e.acct.ID, hosting.AccountUpdate{Suspended: &suspended})
		}, http.StatusForbidden, "This account is suspended."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustEnv(t, nil)
			header := "Authorization: cpanel demo:" + mustToken(t, e, "script", nil)
			for range 2 {
				e.do(t, "GET", whoami, nil, header).wantStatus(t, http.StatusOK)
			}
			if err := tt.change(e); err != nil {
				t.Fatal(err)
			}
			e.do(t, "GET", whoami, nil, header).wantStatus(t, tt.code).wantError(t, tt.msg)
		})
	}
}

func TestExecuteSuspended(t *testing.T) {
	e := mustEnv(t, nil)
	suspended := true
	if err := e.db.UpdateAccount(context.Background(), e.acct.ID, hosting.AccountUpdate{Suspended: &suspended}); err != nil {
		t.Fatal(err)
	}
	e.do(t, "GET", whoami, nil, demoBasic()).wantStatus(t, http.StatusForbidden).wantError(t, "This account is suspended.")
	// Suspension is only revealed to whoever knows the password.
	e.do(t, "GET", whoami, nil, basic(testUser, "wrong")).wantStatus(t, http.StatusUnauthorized).wantError(t, "Access denied")
}

func TestLimiter(t *testing.T) {
	e := mustEnv(t, nil)
	var last response
	for range 12 {
		last = e.do(t, "GET", whoami, nil, basic(testUser, "guess"))
	}
	last.wantStatus(t, http.StatusTooManyRequests).wantError(t, "Too many failed login attempts. Try again later.")
	if ra, err := strconv.Atoi(last.header.Get("Retry-After")); err != nil || ra <= 0 {
		t.Errorf("Retry-After = %q", last.header.Get("Retry-After"))
	}
	// Blocked means blocked: the right password does not help now.
	e.do(t, "GET", whoami, nil, demoBasic()).wantStatus(t, http.StatusTooManyRequests)
	e.do(t, "POST", "/login/?login_only=1", form("user", testUser, "pass", testPass), formType).
		wantStatus(t, http.StatusTooManyRequests)
	e.clock.Advance(16 * time.Minute)
	e.do(t, "GET", whoami, nil, demoBasic()).wantStatus(t, http.StatusOK)
}

func TestUnknownFunction(t *testing.T) {
	e := mustEnv(t, nil)
	tests := []struct{ name, path, msg string }{
		{"function", "/execute/Test/nosuch", "The system could not find the function “nosuch” in the module “Test”."},
		{"module", "/execute/Nosuch/list", "The system could not find the module “Nosuch”."},
		{"illegal name", "/execute/Test/no-such", "Illegal function name: no-such"},
		{"case matters", "/execute/test/list", "The system could not find the module “test”."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do(t, "GET", tt.path, nil, demoBasic()).wantStatus(t, http.StatusOK).wantError(t, tt.msg)
		})
	}
}

func TestRoutes(t *testing.T) {
	e := mustEnv(t, nil)
	tests := []struct {
		name, method, path string
		code               int
	}{
		{"PUT is not allowed", "PUT", "/execute/Test/list", http.StatusMethodNotAllowed},
		{"DELETE on a session URL", "DELETE", "/cpsess0123456789/execute/Test/list", http.StatusMethodNotAllowed},
		{"no function", "GET", "/execute/Test", http.StatusNotFound},
		{"not a cpsess token", "GET", "/cpsessX/execute/Test/list", http.StatusNotFound},
		{"unknown path without a web UI", "GET", "/frontend/index.html", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, tt.method, tt.path, nil, demoBasic()).wantStatus(t, tt.code)
			r.result(t) // still a JSON result object
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := mustEnv(t, nil)
	for _, path := range []string{whoami, "/healthz", "/nosuch"} {
		r := e.do(t, "GET", path, nil, demoBasic())
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff",
			"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
			if got := r.header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
		if len(r.header.Get("X-Request-Id")) != 16 {
			t.Errorf("%s: X-Request-Id = %q", path, r.header.Get("X-Request-Id"))
		}
	}
}

// A browser holding cached Basic credentials must not run functions for
// another site's page; scripts and same-origin pages must still work.
func TestExecuteCrossSite(t *testing.T) {
	e := mustEnv(t, nil)
	host := strings.TrimPrefix(e.srv.URL, "https://")
	tests := []struct {
		name   string
		header string
		code   int
	}{
		{"script", "X-Nothing: 1", http.StatusOK},
		{"typed into the address bar", "Sec-Fetch-Site: none", http.StatusOK},
		{"same origin", "Sec-Fetch-Site: same-origin", http.StatusOK},
		{"same origin by Origin", "Origin: https://" + host, http.StatusOK},
		{"cross site", "Sec-Fetch-Site: cross-site", http.StatusForbidden},
		{"sibling subdomain", "Sec-Fetch-Site: same-site", http.StatusForbidden},
		{"other Origin", "Origin: https://evil.example", http.StatusForbidden},
		{"opaque Origin", "Origin: null", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do(t, "GET", whoami, nil, demoBasic(), tt.header).wantStatus(t, tt.code)
		})
	}
}
