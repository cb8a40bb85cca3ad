package web_test

import (
	"net/http"
	"testing"
)

// TestUserManagerDelete walks the delete confirmation and result for the
// three answers of delete_user: nothing left, one service account left, a
// hypothetical Subaccount left. The confirmation says beforehand what the
// result then shows.
func TestUserManagerDelete(t *testing.T) {
	tests := []struct {
		name   string
		setup  [][]string // module, function, arguments, run before the user is made
		remain string     // data-remains of the confirmation, data-left of the result
		shows  []string   // more the confirmation says
		left   []string   // more the result says
	}{
		{name: "nothing left", remain: "none",
			shows: []string{"nothing of it will be left"}, left: []string{"Nothing named hal@example.com is left."}},
		{name: "one service account left", remain: "service",
			setup: [][]string{{"Ftp", "add_ftp", "user=hal", "domain=example.com", "pass=Hal-Ftp-1"}},
			shows: []string{"The FTP account hal@example.com is not linked to the user: it stays"},
			left:  []string{"The FTP account hal@example.com is left, as an account of its own"}},
		{name: "hypothetical left", remain: "hypothetical",
			setup: [][]string{{"Ftp", "add_ftp", "user=hal", "domain=example.com", "pass=Hal-Ftp-1"},
				{"WebDisk", "add_user", "user=hal", "domain=example.com", "password=Hal-Dav-1"}},
			shows: []string{`data-testid="usermanager-stays-ftp"`, `data-testid="usermanager-stays-webdisk"`},
			left: []string{"2 accounts named hal@example.com are left.", `id="usermanager-link-hal@example.com"`,
				`name="services.ftp.merge" value="1" checked`, `name="services.webdisk.merge" value="1" checked`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustEnv(t)
			for _, c := range tt.setup {
				e.mustCall(t, e.a, c[0], c[1], c[2:]...)
			}
			e.mustCall(t, e.a, "UserManager", "create_user", "username=hal", "domain=example.com", "password=Hal-Pass-1",
				"services.email.enabled=1")
			guid := e.mustRecord(t, e.a, "sub hal@example.com")["guid"].(string)
			b := e.login(t, "cpuser", passA)

			confirm := b.mustPage(t, "/usermanager/confirm_delete?guid="+guid)
			mustContain(t, confirm, `<body data-page="usermanager_delete">`, "Delete hal@example.com?",
				`data-testid="usermanager-goes-email"`, `data-remains="`+tt.remain+`"`, `id="usermanager-delete-submit"`)
			mustContain(t, between(confirm, `data-testid="delete-remains"`, "</div>"), tt.shows...)
			mustContain(t, between(confirm, `id="usermanager-delete"`, "</form>"),
				`action="/`+b.token+`/usermanager/delete"`, `name="username" value="hal"`, `name="domain" value="example.com"`)
			if len(mustList(t, e.mustCall(t, e.a, "Email", "list_pops", "skip_main=1"))) != 1 {
				t.Fatal("the confirmation page deleted something")
			}

			r := b.post(t, "/usermanager/delete", "guid="+guid, "username=hal", "domain=example.com")
			if r.code != http.StatusOK {
				t.Fatalf("delete: %d\n%s", r.code, r.body)
			}
			result := between(r.body, `data-testid="delete-result"`, "</section>")
			mustContain(t, r.body, `data-testid="flash">The user “hal@example.com” was deleted.<`)
			mustContain(t, result, `data-left="`+tt.remain+`"`)
			mustContain(t, result, tt.left...)
			if _, ok := e.records(t, e.a)["sub hal@example.com"]; ok {
				t.Error("the user is still there")
			}
			if len(mustList(t, e.mustCall(t, e.a, "Email", "list_pops", "skip_main=1"))) != 0 {
				t.Error("the linked email account is still there")
			}
		})
	}
}

// TestUserManagerDeleteDismissed: a dismissed account of the name stays,
// the confirmation says so, and delete_user does not count it.
func TestUserManagerDeleteDismissed(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.a, "Ftp", "add_ftp", "user=ida", "domain=example.com", "pass=Ida-Ftp-1")
	e.mustCall(t, e.a, "UserManager", "create_user", "username=ida", "domain=example.com", "password=Ida-Pass-1")
	e.mustCall(t, e.a, "UserManager", "dismiss_merge", "username=ida", "domain=example.com", "services.ftp.dismiss=1")
	guid := e.mustRecord(t, e.a, "sub ida@example.com")["guid"].(string)
	b := e.login(t, "cpuser", passA)
	confirm := between(b.mustPage(t, "/usermanager/confirm_delete?guid="+guid), `data-testid="delete-remains"`, "</div>")
	mustContain(t, confirm, `data-remains="none"`, "kept apart and stay", `data-testid="usermanager-stays-dismissed-ftp"`)
	mustContain(t, b.post(t, "/usermanager/delete", "username=ida", "domain=example.com").body, `data-left="none"`)
	e.mustRecord(t, e.a, "service ftp ida@example.com")
}

// TestUserManagerDeleteFails: deleting a user that is gone shows the
// function's error; the confirmation of an unknown user offers no form.
func TestUserManagerDeleteFails(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	body := b.mustFail(t, "/usermanager/delete", "guid=X", "username=gone", "domain=example.com")
	mustContain(t, body, `data-testid="form-errors"`, "could not find the “gone” user")
	page := b.mustPage(t, "/usermanager/confirm_delete?guid=NOBODY")
	mustContain(t, page, `data-testid="result-errors"`)
	mustNotContain(t, page, `id="usermanager-delete"`)
}

// TestUserManagerOfOneAccountOnly: another tenant's users are neither shown
// nor reachable, by their names or by their GUIDs.
func TestUserManagerOfOneAccountOnly(t *testing.T) {
	e := mustEnv(t)
	seedUsers(t, e)
	guid := e.mustRecord(t, e.b, "sub boss@other.org")["guid"].(string)
	b := e.login(t, "cpuser", passA)
	mustNotContain(t, b.mustPage(t, "/usermanager"), "boss", "other.org")
	for _, path := range []string{"/usermanager/edit?guid=" + guid, "/usermanager/confirm_delete?guid=" + guid} {
		page := b.mustPage(t, path)
		mustContain(t, page, `data-testid="result-errors"`)
		mustNotContain(t, page, `value="boss"`)
	}
	for _, post := range [][]string{
		{"/usermanager/delete", "username=boss", "domain=other.org"},
		{"/usermanager/passwd", "username=boss", "domain=other.org", "password=Stolen-Pass-1"},
		{"/usermanager/save", "username=boss", "domain=other.org", "real_name=Mallory"},
		{"/usermanager/unlink", "username=boss", "domain=other.org", "service=ftp"},
		{"/usermanager/link", "username=boss", "domain=other.org", "services.ftp.merge=1"},
		{"/usermanager/dismiss", "username=boss", "domain=other.org", "services.ftp.dismiss=1"},
	} {
		b.mustFail(t, post[0], post[1:]...)
	}
	r := e.mustRecord(t, e.b, "sub boss@other.org")
	if r["real_name"] != nil || setting(r, "ftp", "enabled") != "1" {
		t.Errorf("other's user changed: %v", r)
	}
	e.mustFTPPassword(t, e.b, "boss", "other.org", "Boss-Pass-1")
	// And the other tenant sees its own.
	mustContain(t, e.login(t, "other", passB).mustPage(t, "/usermanager"), `data-testid="usermanager-row-boss@other.org"`)
}
