package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/httpapi"
)

// Login CSRF: a page on another site must not log the visitor's browser
// into an account of its choice; scripts (no Origin, no Sec-Fetch-Site)
// and this server's own login page must still log in.
func TestLoginRefusesCrossSitePosts(t *testing.T) {
	e := mustEnv(t, nil)
	host := strings.TrimPrefix(e.srv.URL, "https://")
	tests := []struct {
		name   string
		header string
		code   int
	}{
		{"script such as curl", "X-Nothing: 1", http.StatusSeeOther},
		{"own login page", "Sec-Fetch-Site: same-origin", http.StatusSeeOther},
		{"own login page by Origin", "Origin: https://" + host, http.StatusSeeOther},
		{"cross site", "Sec-Fetch-Site: cross-site", http.StatusForbidden},
		{"sibling subdomain", "Sec-Fetch-Site: same-site", http.StatusForbidden},
		{"other Origin", "Origin: https://evil.example", http.StatusForbidden},
		{"opaque Origin", "Origin: null", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "POST", "/login/", form("user", testUser, "pass", testPass), formType, tt.header)
			r.wantStatus(t, tt.code)
			if tt.code == http.StatusForbidden && r.header.Get("Set-Cookie") != "" {
				t.Errorf("refused login set a cookie: %q", r.header.Get("Set-Cookie"))
			}
		})
	}
}

// HTTPS answers carry HSTS, whatever the route; plain HTTP ones must not
// (browsers ignore it there, and it would be a lie).
func TestHSTSOnHTTPSOnly(t *testing.T) {
	e := mustEnv(t, nil)
	for _, path := range []string{"/healthz", "/no/such/page", "/execute/Test/whoami"} {
		if got := e.do(t, "GET", path, nil).header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("HTTPS %s: Strict-Transport-Security = %q", path, got)
		}
	}
	plain := httptest.NewServer(httpapi.New(httpapi.Config{}, nil, nil, nil, nil).Handler())
	t.Cleanup(plain.Close)
	resp, err := http.Get(plain.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := resp.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("plain HTTP: Strict-Transport-Security = %q", got)
	}
}
