package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var tokenRE = regexp.MustCompile(`<code id="new-token" data-testid="new-token">([A-Z0-9]{32})</code>`)

func TestTokenCreateShownOnce(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	r := b.post(t, "/tokens/create", "name=deploy")
	if r.code != http.StatusOK {
		t.Fatalf("%d, want 200 (rendered, not redirected)\n%s", r.code, r.body)
	}
	m := tokenRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no token shown:\n%s", r.body)
	}
	mustContain(t, r.body, `data-testid="flash">The API token “deploy” was created.<`, `data-testid="token-row-deploy"`)
	if r.header.Get("Location") != "" || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", r.header)
	}
	// The token works: the authenticator accepts it for this account.
	if _, err := e.au.Token(t.Context(), "cpuser", m[1], "192.0.2.10"); err != nil {
		t.Errorf("the shown token does not authenticate: %v", err)
	}
	// Shown once: the list page never shows it again.
	list := b.mustPage(t, "/tokens")
	mustContain(t, row(list, "token-row-deploy"), "Never")
	mustNotContain(t, list, m[1], `id="new-token"`)
}

func TestTokenCreateWithExpiry(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	r := b.post(t, "/tokens/create", "name=ci", "expires=2999-12-31")
	if r.code != http.StatusOK {
		t.Fatalf("%d\n%s", r.code, r.body)
	}
	mustContain(t, row(b.mustPage(t, "/tokens"), "token-row-ci"), "2999-12-31 23:59 UTC")
}

func TestTokenCreateErrors(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	e.mustCall(t, e.a, "Tokens", "create_full_access", "name=taken")
	tests := []struct {
		name string
		form []string
		want string
	}{
		{"bad name", []string{"name=no spaces"}, "The name “no spaces” is invalid"},
		{"no name", []string{"name="}, "Provide the “name” parameter."},
		{"duplicate", []string{"name=taken"}, "An API token with the name “taken” already exists."},
		{"bad date", []string{"name=x", "expires=tomorrow"}, "The expiry date “tomorrow” is not a date (YYYY-MM-DD)."},
		{"past date", []string{"name=x", "expires=2001-01-01"}, "The expiry date “2001-01-01” has passed: choose today or a later day."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := b.mustFail(t, "/tokens/create", tt.form...)
			// The error sits in the create form, which keeps what was typed.
			form := between(body, `id="token-create"`, "</form>")
			mustContain(t, form, `data-testid="form-errors"`, tt.want)
			if name := strings.TrimPrefix(tt.form[0], "name="); name != "" {
				mustContain(t, form, `value="`+name+`"`)
			}
			mustNotContain(t, body, `id="new-token"`)
		})
	}
	if n := len(mustList(t, e.mustCall(t, e.a, "Tokens", "list"))); n != 1 {
		t.Errorf("%d tokens, want only the first one", n)
	}
}

func TestTokenRenameAndRevoke(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	e.mustCall(t, e.a, "Tokens", "create_full_access", "name=old")
	e.mustCall(t, e.a, "Tokens", "create_full_access", "name=keep")

	page := b.mustDone(t, "/tokens/rename", "/tokens", "name=old", "new_name=new")
	mustContain(t, page, `data-testid="flash">The API token “old” was renamed.<`, `data-testid="token-row-new"`)
	mustNotContain(t, page, `data-testid="token-row-old"`)

	body := b.mustFail(t, "/tokens/rename", "name=new", "new_name=keep")
	// The error is in the failing row's rename form, which is open; the other
	// row's form shows nothing.
	failing := row(body, "token-row-new")
	mustContain(t, failing, "<details open>", "An API token with the name “keep” already exists.")
	mustNotContain(t, row(body, "token-row-keep"), "form-errors", "<details open>")

	page = b.mustDone(t, "/tokens/revoke", "/tokens", "name=new")
	mustContain(t, page, "The API token “new” was revoked.", `data-testid="token-row-keep"`)
	mustNotContain(t, page, `data-testid="token-row-new"`)
}

func TestTokensOfOneAccountOnly(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.b, "Tokens", "create_full_access", "name=other-secret-token")
	a := e.login(t, "cpuser", passA)
	mustNotContain(t, a.mustPage(t, "/tokens"), "other-secret-token")
	// Acting on another account's token name acts on one's own, which does
	// not exist: the other account's token stays.
	a.mustFail(t, "/tokens/rename", "name=other-secret-token", "new_name=mine")
	// Revoking it succeeds (cPanel answers 1 for a missing name too) and
	// says there was nothing to revoke.
	mustContain(t, a.mustOK(t, "/tokens/revoke", "name=other-secret-token"),
		"The API token “other-secret-token” does not exist; there was nothing to revoke.")
	if n := len(mustList(t, e.mustCall(t, e.b, "Tokens", "list"))); n != 1 {
		t.Errorf("other's tokens: %d, want 1", n)
	}
	mustContain(t, e.login(t, "other", passB).mustPage(t, "/tokens"), `data-testid="token-row-other-secret-token"`)
}

func TestFlashComesFromTheAction(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	// The text of a message is the action's; the URL only names the action
	// and the item, which is escaped.
	body := b.mustPage(t, "/tokens?done=token-revoke&item=%3Cb%3Ex%3C%2Fb%3E")
	mustContain(t, body, "The API token “&lt;b&gt;x&lt;/b&gt;” was revoked.")
	// Another page's action, or no action at all, shows nothing.
	for _, q := range []string{"?done=ftp-add&item=x", "?done=whatever", "?item=x"} {
		mustNotContain(t, b.mustPage(t, "/tokens"+q), `data-testid="flash"`)
	}
}
