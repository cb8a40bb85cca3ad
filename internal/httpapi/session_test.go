package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/httpapi"
)

const formType = "Content-Type: application/x-www-form-urlencoded"

var tokenRE = regexp.MustCompile(`^/cpsess[0-9]{10}$`)

// form encodes key, value pairs as a request body.
func form(kv ...string) io.Reader {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return strings.NewReader(v.Encode())
}

type loginReply struct {
	Status        int    `json:"status"`
	SecurityToken string `json:"security_token"`
	Redirect      string `json:"redirect"`
	Message       string `json:"message"`
}

// mustLogin logs in with login_only and returns the token and the cookie.
func mustLogin(tb testing.TB, e *env) (token, cookie string) {
	tb.Helper()
	r := e.do(tb, "POST", "/login/?login_only=1", form("user", testUser, "pass", testPass), formType).
		wantStatus(tb, http.StatusOK)
	var reply loginReply
	if err := json.Unmarshal(r.body, &reply); err != nil {
		tb.Fatalf("login reply: %v: %s", err, r.body)
	}
	if reply.Status != 1 || !tokenRE.MatchString(reply.SecurityToken) || reply.Redirect != reply.SecurityToken+"/" {
		tb.Fatalf("login reply = %s", r.body)
	}
	cookies := (&http.Response{Header: r.header}).Cookies()
	if len(cookies) != 1 || cookies[0].Name != "cpsession" || cookies[0].Value == "" {
		tb.Fatalf("Set-Cookie = %q", r.header.Values("Set-Cookie"))
	}
	return reply.SecurityToken, cookies[0].Value
}

func TestLoginCookie(t *testing.T) {
	for _, secure := range []bool{true, false} {
		e := mustEnv(t, func(c *httpapi.Config) { c.SecureCookie = secure })
		r := e.do(t, "POST", "/login/?login_only=1", form("user", testUser, "pass", testPass), formType)
		set := r.header.Get("Set-Cookie")
		for _, attr := range []string{"Path=/", "HttpOnly", "SameSite=Strict"} {
			if !strings.Contains(set, "; "+attr) {
				t.Errorf("Set-Cookie %q lacks %s", set, attr)
			}
		}
		if strings.Contains(set, "; Secure") != secure {
			t.Errorf("SecureCookie %v: Set-Cookie = %q", secure, set)
		}
		if strings.Contains(set, "Expires") || strings.Contains(set, "Max-Age") {
			t.Errorf("session cookie has a lifetime: %q", set)
		}
	}
}

func TestSessionFlow(t *testing.T) {
	e := mustEnv(t, nil)
	token, cookie := mustLogin(t, e)
	withCookie := "Cookie: cpsession=" + cookie

	r := e.do(t, "GET", token+whoami, nil, withCookie).wantStatus(t, http.StatusOK)
	if res := r.result(t); res.Status != 1 || res.Data != testUser {
		t.Fatalf("session call = %s", r.body)
	}
	e.do(t, "POST", token+"/execute/Test/echo", form("name", "x"), withCookie, formType).wantStatus(t, http.StatusOK)

	t.Run("missing cookie", func(t *testing.T) {
		r := e.do(t, "GET", token+whoami, nil).wantStatus(t, http.StatusUnauthorized)
		r.wantError(t, "Access denied")
		if r.header.Get("WWW-Authenticate") != "" {
			t.Error("a session URL must not ask the browser for Basic credentials")
		}
	})
	t.Run("unknown cookie", func(t *testing.T) {
		e.do(t, "GET", token+whoami, nil, "Cookie: cpsession=forged").wantStatus(t, http.StatusUnauthorized)
	})
	t.Run("wrong token", func(t *testing.T) {
		e.do(t, "GET", "/cpsess0000000000"+whoami, nil, withCookie).
			wantStatus(t, http.StatusForbidden).wantError(t, "Token denied")
	})
	t.Run("logout", func(t *testing.T) {
		r := e.do(t, "GET", "/logout/", nil, withCookie).wantStatus(t, http.StatusSeeOther)
		if loc := r.header.Get("Location"); loc != "/" {
			t.Errorf("Location = %q", loc)
		}
		cleared := (&http.Response{Header: r.header}).Cookies()
		if len(cleared) != 1 || cleared[0].Name != "cpsession" || cleared[0].MaxAge >= 0 {
			t.Errorf("logout Set-Cookie = %q", r.header.Values("Set-Cookie"))
		}
		e.do(t, "GET", token+whoami, nil, withCookie).wantStatus(t, http.StatusUnauthorized)
	})
}

func TestSessionExpires(t *testing.T) {
	e := mustEnv(t, nil)
	token, cookie := mustLogin(t, e)
	withCookie := "Cookie: cpsession=" + cookie
	// Activity keeps the session alive past the idle time of its start.
	for range 3 {
		e.clock.Advance(10 * time.Minute)
		e.do(t, "GET", token+whoami, nil, withCookie).wantStatus(t, http.StatusOK)
	}
	e.clock.Advance(16 * time.Minute)
	e.do(t, "GET", token+whoami, nil, withCookie).
		wantStatus(t, http.StatusUnauthorized).wantError(t, "The session has expired. Log in again.")
	e.do(t, "GET", token+whoami, nil, withCookie).wantStatus(t, http.StatusUnauthorized)
}

func TestLoginFailure(t *testing.T) {
	e := mustEnv(t, nil)
	tests := []struct{ name, user, pass string }{
		{"wrong password", testUser, "wrong"},
		{"unknown user", "nosuchuser", testPass},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "POST", "/login/?login_only=1", form("user", tt.user, "pass", tt.pass), formType).
				wantStatus(t, http.StatusUnauthorized)
			if string(r.body) != `{"status":0,"message":"invalid_login"}` {
				t.Errorf("body = %s", r.body)
			}
			if r.header.Get("Set-Cookie") != "" || r.header.Get("WWW-Authenticate") != "" {
				t.Errorf("headers = %v", r.header)
			}
		})
	}
}

// A browser posting the login form without JavaScript (and so without
// login_only) goes back to the login page with the reason, not to JSON.
func TestLoginFailureFromBrowserForm(t *testing.T) {
	e := mustEnv(t, nil)
	r := e.do(t, "POST", "/login/", form("user", testUser, "pass", "wrong", "goto_uri", "/ftp/accounts"), formType,
		"Accept: text/html,application/xhtml+xml").wantStatus(t, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/login/?goto_uri=%2Fftp%2Faccounts&reason=invalid" {
		t.Errorf("Location = %q", loc)
	}
	if r.header.Get("Set-Cookie") != "" {
		t.Error("a failed login set a cookie")
	}
	e.do(t, "POST", "/login/", form("user", testUser, "pass", "wrong"), formType).
		wantStatus(t, http.StatusUnauthorized)
}

func TestLoginRedirect(t *testing.T) {
	e := mustEnv(t, nil)
	tests := []struct{ name, gotoURI, wantPath string }{
		{"no goto_uri", "", "/"},
		{"relative path", "/frontend/ftp/index.html?x=1", "/frontend/ftp/index.html?x=1"},
		{"old session prefix replaced", "/cpsess1111111111/frontend/x", "/frontend/x"},
		{"absolute URL", "https://evil.example/", "/"},
		{"scheme-relative", "//evil.example/x", "/"},
		{"backslash trick", "/\\evil.example", "/"},
		{"not a path", "frontend/x", "/"},
		{"javascript", "javascript:alert(1)", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "POST", "/login/", form("user", testUser, "pass", testPass, "goto_uri", tt.gotoURI), formType).
				wantStatus(t, http.StatusSeeOther)
			loc := r.header.Get("Location")
			token, path, _ := strings.Cut(loc[1:], "/")
			if !tokenRE.MatchString("/"+token) || "/"+path != tt.wantPath {
				t.Fatalf("Location = %q, want /cpsessNNNNNNNNNN%s", loc, tt.wantPath)
			}
		})
	}
}

func TestLogoutLoginOnly(t *testing.T) {
	e := mustEnv(t, nil)
	_, cookie := mustLogin(t, e)
	r := e.do(t, "POST", "/logout/?login_only=1", nil, "Cookie: cpsession="+cookie).wantStatus(t, http.StatusOK)
	if string(r.body) != `{"status":1}` {
		t.Errorf("body = %s", r.body)
	}
	// Logging out without a session is harmless.
	e.do(t, "GET", "/logout/?login_only=1", nil).wantStatus(t, http.StatusOK)
}
