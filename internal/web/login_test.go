package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestLoginPage(t *testing.T) {
	e := mustEnv(t)
	tests := []struct {
		name, path string
		want, bad  []string
	}{
		{"root", "/", []string{`id="login-form" method="post" action="/login/"`, `name="user"`, `name="pass" type="password"`}, []string{"goto_uri"}},
		{"login", "/login/", []string{`id="login-form"`}, []string{`id="login-notice"`}},
		{"login without slash", "/login", []string{`id="login-form"`}, nil},
		{"goto kept", "/login/?goto_uri=%2Fftp%2Faccounts", []string{`<input type="hidden" name="goto_uri" value="/ftp/accounts">`}, nil},
		{"goto elsewhere dropped", "/login/?goto_uri=https%3A%2F%2Fevil.example%2F", nil, []string{"goto_uri", "evil"}},
		{"goto protocol-relative dropped", "/login/?goto_uri=%2F%2Fevil.example%2F", nil, []string{"goto_uri", "evil"}},
		{"expired", "/login/?reason=expired", []string{"Your session has expired."}, nil},
		{"invalid", "/login/?reason=invalid", []string{`id="login-notice">The login is invalid.<`}, nil},
		{"unknown reason", "/login/?reason=%3Cb%3Ehi", nil, []string{"<b>hi", `id="login-notice"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "GET", tt.path, "", nil)
			if r.code != http.StatusOK {
				t.Fatalf("%d\n%s", r.code, r.body)
			}
			mustContain(t, r.body, append(tt.want, `<script src="/static/uapid.js" defer></script>`)...)
			mustNotContain(t, r.body, append(tt.bad, `id="account-name"`, "<nav")...)
		})
	}
}

func TestLoginPageOnlyGet(t *testing.T) {
	e := mustEnv(t)
	// POST /login/ belongs to the HTTP API, which is mounted in front of
	// the UI; the UI never takes a password.
	r := e.do(t, "POST", "/login/", "", nil)
	if r.code != http.StatusNotFound {
		t.Errorf("POST /login/ reached the UI: %d", r.code)
	}
}

func TestStaticFiles(t *testing.T) {
	e := mustEnv(t)
	for _, tt := range []struct{ path, ctype, want string }{
		{"/static/uapid.css", "text/css; charset=utf-8", "nav.main"},
		{"/static/uapid.js", "text/javascript; charset=utf-8", "login_only"},
	} {
		r := e.do(t, "GET", tt.path, "", nil)
		if r.code != http.StatusOK || r.header.Get("Content-Type") != tt.ctype || !strings.Contains(r.body, tt.want) {
			t.Fatalf("%s: %d %q", tt.path, r.code, r.header.Get("Content-Type"))
		}
		etag := r.header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", tt.path)
		}
		req := http.Header{"If-None-Match": {etag}}
		if got := e.doHeader(t, tt.path, req); got != http.StatusNotModified {
			t.Errorf("%s revalidated: %d, want 304", tt.path, got)
		}
	}
	if r := e.do(t, "GET", "/static/missing.css", "", nil); r.code != http.StatusNotFound {
		t.Errorf("missing static file: %d", r.code)
	}
}

func TestErrorPagesShowNoInternals(t *testing.T) {
	e := mustEnv(t)
	r := e.do(t, "GET", "/cpsess123/nothing/here", "", nil)
	if r.code != http.StatusNotFound {
		t.Fatalf("%d", r.code)
	}
	mustContain(t, r.body, `data-testid="error-text">There is no page at this address.<`)
	mustNotContain(t, r.body, ".go", "goroutine", "cpsess123")
}
