package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/web"
)

var inviteLinkRE = regexp.MustCompile(`https://host\.example:2083/invitation\?token=[A-Za-z0-9_%-]+`)

// mustInvite creates user@example.com with an FTP account and an invitation
// through the engine and returns the secret from the mailed link.
func (e *env) mustInvite(tb testing.TB, user string) string {
	tb.Helper()
	e.mustCall(tb, e.a, "UserManager", "create_user", "username="+user, "domain=example.com",
		"alternate_email="+user+"@example.org", "send_invite=1", "services.ftp.enabled=1", "services.ftp.homedir="+user)
	mails := e.smtp.Mails()
	_, text, err := mails[len(mails)-1].Text()
	if err != nil {
		tb.Fatal(err)
	}
	u, err := url.Parse(inviteLinkRE.FindString(text))
	if err != nil || u.Query().Get("token") == "" {
		tb.Fatalf("no invitation link in\n%s", text)
	}
	return u.Query().Get("token")
}

// accept posts the invitation form without a session.
func (e *env) accept(tb testing.TB, kv ...string) resp {
	tb.Helper()
	form := url.Values{}
	for _, k := range []string{"token", "password", "confirm"} {
		if len(kv) > 0 {
			form.Set(k, kv[0])
			kv = kv[1:]
		}
	}
	return e.do(tb, http.MethodPost, "/invitation", "", form)
}

func TestInvitation(t *testing.T) {
	e := mustEnv(t)
	token := e.mustInvite(t, "ivy")

	page := e.do(t, "GET", "/invitation?token="+url.QueryEscape(token), "", nil)
	if page.code != http.StatusOK {
		t.Fatalf("GET: %d\n%s", page.code, page.body)
	}
	mustContain(t, page.body, `<body data-page="invitation">`, `id="invitation-form" method="post" action="/invitation"`,
		`name="token" value="`+token+`"`, `id="invitation-password"`, `id="invitation-confirm"`)
	mustNotContain(t, page.body, "nav-", "account-name")
	if page.header.Get("Cache-Control") != "no-store" || page.header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers %v", page.header)
	}

	// Mistakes the page catches itself leave the invitation usable.
	r := e.accept(t, token, "Ivy-Pass-1", "Ivy-Pass-2")
	if r.code != http.StatusUnprocessableEntity {
		t.Fatalf("different passwords: %d", r.code)
	}
	mustContain(t, between(r.body, `id="invitation-form"`, "</form>"), "The two passwords differ.", `value="`+token+`"`)
	mustNotContain(t, r.body, "Ivy-Pass")
	mustContain(t, e.accept(t, token, "", "").body, "Choose a password.")

	r = e.accept(t, token, "Ivy-Pass-1", "Ivy-Pass-1")
	if r.code != http.StatusOK {
		t.Fatalf("accept: %d\n%s", r.code, r.body)
	}
	mustContain(t, r.body, `data-testid="invitation-done"`, `id="invitation-user">ivy@example.com<`)
	e.mustFTPPassword(t, e.a, "ivy", "example.com", "Ivy-Pass-1")
	if rec := e.mustRecord(t, e.a, "sub ivy@example.com"); fmt.Sprint(rec["has_invite"]) != "0" {
		t.Errorf("has_invite = %v after accepting", rec["has_invite"])
	}
	if r.header.Get("Set-Cookie") != "" {
		t.Error("the invitation page set a cookie")
	}

	// A link works once; used and unknown tokens read the same.
	used, unknown := e.accept(t, token, "Ivy-Pass-2", "Ivy-Pass-2"), e.accept(t, "NOT-A-TOKEN", "x-Pass-1", "x-Pass-1")
	for _, r := range []resp{used, unknown} {
		if r.code != http.StatusNotFound {
			t.Errorf("refused token: %d", r.code)
		}
		mustContain(t, r.body, `data-testid="invitation-error"`, "not valid: it was used already")
		mustNotContain(t, r.body, `id="invitation-form"`)
	}
	if between(used.body, "<main>", "</main>") != between(unknown.body, "<main>", "</main>") {
		t.Error("a used token and an unknown one read differently")
	}
	e.mustFTPPassword(t, e.a, "ivy", "example.com", "Ivy-Pass-1")
}

func TestInvitationExpired(t *testing.T) {
	e := mustEnv(t)
	token := e.mustInvite(t, "old")
	e.clock.Advance(48*time.Hour + time.Minute)
	// The page itself does not look the token up: it looks the same.
	mustContain(t, e.do(t, "GET", "/invitation?token="+url.QueryEscape(token), "", nil).body, `id="invitation-form"`)
	r := e.accept(t, token, "Old-Pass-1", "Old-Pass-1")
	if r.code != http.StatusGone {
		t.Fatalf("expired: %d\n%s", r.code, r.body)
	}
	mustContain(t, r.body, "The invitation has expired. Ask for a new one.")
	mustNotContain(t, r.body, `id="invitation-form"`)
}

func TestInvitationIncomplete(t *testing.T) {
	e := mustEnv(t)
	for _, r := range []resp{e.do(t, "GET", "/invitation", "", nil), e.accept(t, "", "x-Pass-1", "x-Pass-1")} {
		if r.code != http.StatusBadRequest {
			t.Errorf("no token: %d", r.code)
		}
		mustContain(t, r.body, "This link is incomplete.")
	}
	if r := e.do(t, "PUT", "/invitation", "", url.Values{}); r.code != http.StatusNotFound {
		t.Errorf("PUT: %d", r.code)
	}
}

// TestInvitationOff: without Config.Invites there is no invitation page.
func TestInvitationOff(t *testing.T) {
	e := mustEnv(t)
	h := web.New(web.Config{}, e.eng, e.au, fixture.Logger(t)).Handler()
	e.h = h
	if r := e.do(t, "GET", "/invitation?token=x", "", nil); r.code != http.StatusNotFound {
		t.Errorf("GET: %d", r.code)
	}
	if r := e.accept(t, "x", "x-Pass-1", "x-Pass-1"); r.code != http.StatusNotFound {
		t.Errorf("POST: %d", r.code)
	}
}
