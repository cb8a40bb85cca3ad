package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

func TestFTPAccountCreate(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	page := b.mustDone(t, "/ftp/accounts/add", "/ftp/accounts",
		"user=bob", "domain=example.net", "pass=Bob-Pass-1", "homedir=ftp/bob", "quota=25")
	mustContain(t, page, `data-testid="flash">The FTP account “bob@example.net” was created.<`)
	r := row(page, "ftp-row-bob@example.net")
	mustContain(t, r, "~/ftp/bob", "0 MB / 25 MB", `id="ftp-quota-bob@example.net-quota"`, `value="25"`)
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "ftp/bob")); err != nil {
		t.Errorf("home directory: %v", err)
	}
	// Blank directory and quota are the function's defaults.
	page = b.mustDone(t, "/ftp/accounts/add", "/ftp/accounts", "user=carol", "domain=example.com", "pass=Carol-Pass-1",
		"homedir=", "quota=")
	mustContain(t, row(page, "ftp-row-carol@example.com"), "~/carol@example.com", "0 MB / None")
}

func TestFTPAccountCreateErrors(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	e.mustCall(t, e.a, "Ftp", "add_ftp", "user=bob", "pass=Bob-Pass-1")
	tests := []struct {
		name string
		form []string
		want string
	}{
		{"exists", []string{"user=bob", "domain=example.com", "pass=Bob-Pass-2"}, "bob@example.com"},
		{"foreign domain", []string{"user=eve", "domain=other.org", "pass=Eve-Pass-1"}, "You do not own the domain “other.org”."},
		{"bad quota", []string{"user=dave", "domain=example.com", "pass=Dave-Pass-1", "quota=lots"}, "The quota must be a number or “unlimited”."},
		{"no user", []string{"user=", "domain=example.com", "pass=Dave-Pass-1"}, "You must specify a user name."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := b.mustFail(t, "/ftp/accounts/add", tt.form...)
			form := between(body, `id="ftp-add"`, "</form>")
			mustContain(t, form, `data-testid="form-errors"`, tt.want)
			// What was typed comes back, but never the password.
			mustNotContain(t, body, "-Pass-")
		})
	}
	body := b.mustFail(t, "/ftp/accounts/add", "user=dave", "domain=example.net", "pass=Dave-Pass-1", "quota=lots")
	mustContain(t, between(body, `id="ftp-add"`, "</form>"), `value="dave"`, `<option value="example.net" selected>`, `value="lots"`)
}

func TestFTPAccountChanges(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	e.mustCall(t, e.a, "Ftp", "add_ftp", "user=bob", "pass=Bob-Pass-1", "quota=10")
	e.sessions.add(hosting.FTPSession{ID: 7, AccountID: e.a.ID, Login: "bob@example.com", Status: hosting.FTPIdle})

	page := b.mustDone(t, "/ftp/accounts/passwd", "/ftp/accounts", "user=bob@example.com", "pass=Bob-New-Pass-2")
	mustContain(t, page, "The password of “bob@example.com” was changed.")
	if len(e.sessions.ids()) != 0 {
		t.Errorf("sessions after passwd: %v (a new password closes them)", e.sessions.ids())
	}

	page = b.mustDone(t, "/ftp/accounts/quota", "/ftp/accounts", "user=bob@example.com", "quota=unlimited")
	mustContain(t, row(page, "ftp-row-bob@example.com"), "0 MB / None")

	page = b.mustDone(t, "/ftp/accounts/homedir", "/ftp/accounts", "user=bob@example.com", "homedir=public_html/bob")
	mustContain(t, row(page, "ftp-row-bob@example.com"), "~/public_html/bob")
	if got := e.mustCall(t, e.a, "Ftp", "get_quota", "account=bob@example.com").Data; got != "unlimited" {
		t.Errorf("quota %v", got)
	}
}

func TestFTPAccountRowErrors(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	e.mustCall(t, e.a, "Ftp", "add_ftp", "user=bob", "pass=Bob-Pass-1")
	e.mustCall(t, e.a, "Ftp", "add_ftp", "user=carol", "pass=Carol-Pass-1")
	body := b.mustFail(t, "/ftp/accounts/quota", "user=bob@example.com", "quota=-3")
	bob := row(body, "ftp-row-bob@example.com")
	quota := between(bob, `<summary>Change Quota</summary>`, "</form>")
	mustContain(t, quota, `data-testid="form-errors"`, "The quota must be a number")
	mustContain(t, bob, "<details open>\n          <summary>Change Quota")
	mustNotContain(t, between(bob, "Change Password", "</form>"), "form-errors")
	mustNotContain(t, row(body, "ftp-row-carol@example.com"), "form-errors", "<details open>")
	mustNotContain(t, between(body, "<main>", "<section"), "form-errors") // shown once, in the row

	body = b.mustFail(t, "/ftp/accounts/passwd", "user=bob@example.com", "pass=")
	mustContain(t, between(row(body, "ftp-row-bob@example.com"), "Change Password", "</form>"), "You must specify a password.")
}

func TestFTPAccountDelete(t *testing.T) {
	for _, tt := range []struct {
		destroy string
		kept    bool
	}{{"0", true}, {"1", false}} {
		t.Run("destroy="+tt.destroy, func(t *testing.T) {
			e := mustEnv(t)
			b := e.login(t, "cpuser", passA)
			e.mustCall(t, e.a, "Ftp", "add_ftp", "user=bob", "pass=Bob-Pass-1")
			page := b.post(t, "/ftp/accounts/delete", "user=bob@example.com", "destroy="+tt.destroy)
			if page.code != 303 {
				t.Fatalf("%d\n%s", page.code, page.body)
			}
			after := b.mustPage(t, "/ftp/accounts?done=ftp-delete&item=bob%40example.com")
			mustContain(t, after, "The FTP account “bob@example.com” was deleted.")
			mustNotContain(t, after, `data-testid="ftp-row-bob@example.com"`)
			_, err := os.Stat(filepath.Join(e.a.HomeDir, "bob@example.com"))
			if kept := err == nil; kept != tt.kept {
				t.Errorf("directory kept: %v, want %v", kept, tt.kept)
			}
		})
	}
}

func TestFTPAccountsOfOneAccountOnly(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.b, "Ftp", "add_ftp", "user=secret", "pass=Secret-Pass-1")
	b := e.login(t, "cpuser", passA)
	page := b.mustPage(t, "/ftp/accounts")
	mustNotContain(t, page, "secret@", "other.org", "other")
	// Naming the other account's login changes nothing of theirs.
	b.mustFail(t, "/ftp/accounts/delete", "user=secret@other.org", "destroy=1")
	b.mustFail(t, "/ftp/accounts/passwd", "user=secret@other.org", "pass=Taken-Over-1")
	if n := len(mustList(t, e.mustCall(t, e.b, "Ftp", "list_ftp", "include_acct_types=sub"))); n != 1 {
		t.Errorf("other's FTP accounts: %d", n)
	}
}

func TestFTPAnonymousAndWelcome(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	page := b.mustPage(t, "/ftp/accounts")
	mustContain(t, page, `id="ftp-anonymous-state">not allowed<`, `id="ftp-anonymous-incoming-state">not allowed<`)

	page = b.mustDone(t, "/ftp/anonymous", "/ftp/accounts", "set=1")
	mustContain(t, page, "The anonymous FTP login setting was saved.", `id="ftp-anonymous-state">allowed<`,
		`id="ftp-anonymous-submit">Forbid anonymous logins<`)
	page = b.mustDone(t, "/ftp/anonymous_incoming", "/ftp/accounts", "set=1")
	mustContain(t, page, `id="ftp-anonymous-incoming-state">allowed<`)
	page = b.mustDone(t, "/ftp/anonymous", "/ftp/accounts", "set=0")
	mustContain(t, page, `id="ftp-anonymous-state">not allowed<`)

	page = b.mustDone(t, "/ftp/welcome", "/ftp/accounts", "message=Hello <friends> & family")
	mustContain(t, page, "The FTP welcome message was saved.", ">Hello &lt;friends&gt; &amp; family</textarea>")
	// An empty message is a message: the greeting goes away.
	page = b.mustDone(t, "/ftp/welcome", "/ftp/accounts", "message=")
	mustContain(t, page, `rows="5"></textarea>`)
}
