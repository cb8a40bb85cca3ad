package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// records returns acct's list_users records by kind and name: "sub
// bob@example.com", "hypothetical sales@example.com", "service ftp
// sales@example.com", "cpanel cpuser".
func (e *env) records(tb testing.TB, acct *hosting.Account) map[string]map[string]any {
	tb.Helper()
	out := map[string]map[string]any{}
	for _, r := range mustList(tb, e.mustCall(tb, acct, "UserManager", "list_users")) {
		key := r["type"].(string) + " " + r["full_username"].(string)
		if r["type"] == "service" {
			key = "service " + serviceOf(r) + " " + r["full_username"].(string)
		}
		out[key] = r
	}
	return out
}

// mustRecord returns one record of records, failing when it is missing.
func (e *env) mustRecord(tb testing.TB, acct *hosting.Account, key string) map[string]any {
	tb.Helper()
	all := e.records(tb, acct)
	r, ok := all[key]
	if !ok {
		keys := make([]string, 0, len(all))
		for k := range all {
			keys = append(keys, k)
		}
		tb.Fatalf("no record %q among %q", key, keys)
	}
	return r
}

// serviceOf returns the first service a record has enabled.
func serviceOf(r map[string]any) string {
	for _, svc := range []string{"email", "ftp", "webdisk"} {
		if setting(r, svc, "enabled") == "1" {
			return svc
		}
	}
	return ""
}

// setting returns services.SERVICE.KEY of a record as text.
func setting(r map[string]any, service, key string) string {
	s, _ := r["services"].(map[string]any)[service].(map[string]any)
	if v, ok := s[key]; ok {
		return fmt.Sprint(v)
	}
	return ""
}

// mustFTPPassword checks that an FTP login of acct has the password pass.
func (e *env) mustFTPPassword(tb testing.TB, acct *hosting.Account, user, domain, pass string) {
	tb.Helper()
	f, err := e.ftp.Get(context.Background(), acct, user, domain)
	if err != nil {
		tb.Fatal(err)
	}
	if !password.Verify(f.PasswordHash, pass) {
		tb.Errorf("the FTP login %s@%s does not have the password %q", user, domain, pass)
	}
}

// seedUsers gives cpuser a Subaccount with email and FTP, two unlinked
// accounts named sales@example.com, and a lone Web Disk account; other
// gets a Subaccount of its own.
func seedUsers(tb testing.TB, e *env) {
	tb.Helper()
	e.mustCall(tb, e.a, "UserManager", "create_user", "username=bob", "domain=example.com", "password=Bob-Pass-1",
		"real_name=Bob Example", "services.email.enabled=1", "services.email.quota=100", "services.ftp.enabled=1",
		"services.ftp.homedir=bob", "services.ftp.quota=20")
	e.mustCall(tb, e.a, "Email", "add_pop", "email=sales", "domain=example.com", "password=Sales-Pass-1")
	e.mustCall(tb, e.a, "Ftp", "add_ftp", "user=sales", "domain=example.com", "pass=Sales-Pass-2")
	e.mustCall(tb, e.a, "WebDisk", "add_user", "user=files", "domain=example.net", "password=Files-Pass-1")
	e.mustCall(tb, e.b, "UserManager", "create_user", "username=boss", "domain=other.org", "password=Boss-Pass-1",
		"services.ftp.enabled=1", "services.ftp.homedir=boss")
}

func TestUserManagerPage(t *testing.T) {
	e := mustEnv(t)
	seedUsers(t, e)
	b := e.login(t, "cpuser", passA)
	page := b.mustPage(t, "/usermanager")
	mustContain(t, page, `<body data-page="usermanager">`, `id="nav-usermanager" href="/`+b.token+`/usermanager" aria-current="page"`)

	guid := e.mustRecord(t, e.a, "sub bob@example.com")["guid"].(string)
	escaped := strings.ReplaceAll(guid, ":", "%3a")
	bob := row(page, "usermanager-row-bob@example.com")
	mustContain(t, bob, "Bob Example", "Subaccount", `data-service="email"`, `data-service="ftp"`,
		`id="usermanager-edit-bob@example.com" href="/`+b.token+`/usermanager/edit?guid=`+escaped+`"`,
		`id="usermanager-delete-bob@example.com" href="/`+b.token+`/usermanager/confirm_delete?guid=`+escaped+`"`,
		`id="usermanager-passwd-bob@example.com"`, "one password for every service")
	mustContain(t, between(bob, `data-testid="usermanager-service-email-bob@example.com"`, "</li>"), "quota 100 MB",
		`id="usermanager-unlink-email-bob@example.com"`, `name="service" value="email"`)
	mustContain(t, between(bob, `data-testid="usermanager-service-ftp-bob@example.com"`, "</li>"), "~/bob", "quota 20 MB")
	mustNotContain(t, bob, `data-service="webdisk"`)

	// Two accounts share sales@example.com: a hypothetical user with a merge prompt.
	mustContain(t, row(page, "usermanager-row-sales@example.com"), "Not linked", "2 accounts share this name")
	merge := row(page, "usermanager-merge-sales@example.com")
	mustContain(t, between(merge, `id="usermanager-link-sales@example.com"`, "</form>"),
		`action="/`+b.token+`/usermanager/link"`, `name="services.email.merge" value="1" checked`,
		`name="services.ftp.merge" value="1" checked`, `name="username" value="sales"`, `name="domain" value="example.com"`)
	mustContain(t, between(merge, `id="usermanager-dismiss-ftp-sales@example.com"`, "</form>"),
		`name="services.ftp.dismiss" value="1"`)
	mustContain(t, row(page, "usermanager-account-webdisk-files@example.net"), "Web Disk account",
		`name="services.webdisk.merge" value="1"`, "Make a User", "~/public_html/files")
	// The system's own FTP logins are listed, and cannot be linked.
	mustNotContain(t, row(page, "usermanager-account-ftp-cpuser_logs"), "usermanager/link")
	mustContain(t, page, `data-testid="usermanager-owner"`, `id="usermanager-owner-name">cpuser<`, `id="usermanager-owner-passwd"`)
	mustNotContain(t, page, "boss", "other.org", "Bob-Pass", " style=", "<script>")
}

func TestUserManagerCreate(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	page := b.mustDone(t, "/usermanager/add", "/usermanager", "username=Carol", "domain=example.net",
		"password=Carol-Pass-1", "real_name=Carol Example", "alternate_email=carol@example.org",
		"services.email.enabled=1", "services.email.quota=50",
		"services.ftp.enabled=1", "services.ftp.homedir=carol", "services.ftp.quota=30",
		"services.webdisk.enabled=1", "services.webdisk.homedir=public_html/carol", "services.webdisk.perms=ro",
		"services.webdisk.enabledigest=1")
	mustContain(t, page, "The user “carol@example.net” was created.")
	mustContain(t, row(page, "usermanager-row-carol@example.net"), "Carol Example", `data-service="email"`,
		`data-service="ftp"`, `data-service="webdisk"`, "read-only, Digest authentication")

	r := e.mustRecord(t, e.a, "sub carol@example.net")
	for _, want := range []struct{ svc, key, value string }{
		{"email", "quota", "50"}, {"ftp", "homedir", "carol"}, {"ftp", "quota", "30.00"},
		{"webdisk", "homedir", "public_html/carol"}, {"webdisk", "perms", "ro"}, {"webdisk", "enabledigest", "1"},
	} {
		if got := setting(r, want.svc, want.key); got != want.value {
			t.Errorf("services.%s.%s = %q, want %q", want.svc, want.key, got, want.value)
		}
	}
	e.mustFTPPassword(t, e.a, "carol", "example.net", "Carol-Pass-1")

	// FTP without a directory: the function's error, next to the form, with the values typed.
	body := b.mustFail(t, "/usermanager/add", "username=dave", "domain=example.net", "password=Dave-Pass-1",
		"real_name=Dave", "services.ftp.enabled=1")
	form := between(body, `id="usermanager-add"`, "</form>")
	mustContain(t, form, "data-testid=\"form-errors\"", "services.ftp.homedir", `value="dave"`, `value="Dave"`,
		`name="services.ftp.enabled" value="1" checked`, `<option value="example.net" selected>`)
	mustNotContain(t, body, "Dave-Pass")
	if _, ok := e.records(t, e.a)["sub dave@example.net"]; ok {
		t.Error("the failed create left a user")
	}

	body = b.mustFail(t, "/usermanager/add", "username=carol", "domain=example.net", "password=Carol-Pass-2")
	mustContain(t, between(body, `id="usermanager-add"`, "</form>"), "already exists")
}

func TestUserManagerCreateWithInvitation(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	page := b.mustDone(t, "/usermanager/add", "/usermanager", "username=ivy", "domain=example.com",
		"alternate_email=ivy@example.org", "send_invite=1", "services.ftp.enabled=1", "services.ftp.homedir=ivy")
	mustContain(t, row(page, "usermanager-row-ivy@example.com"), "(invited)", "sent; the link works until")
	if m := e.smtp.Mails(); len(m) != 1 || m[0].To[0] != "ivy@example.org" {
		t.Fatalf("mails: %+v", m)
	}
	// Without a contact address there is no one to invite.
	body := b.mustFail(t, "/usermanager/add", "username=joe", "domain=example.com", "send_invite=1")
	mustContain(t, between(body, `id="usermanager-add"`, "</form>"), "alternate_email",
		`id="usermanager-add-send-invite" name="send_invite" value="1" checked`)
}

func TestUserManagerEdit(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.a, "UserManager", "create_user", "username=erin", "domain=example.com", "password=Erin-Pass-1",
		"real_name=Erin", "alternate_email=erin@example.org", "services.email.enabled=1", "services.email.quota=100",
		"services.ftp.enabled=1", "services.ftp.homedir=erin", "services.ftp.quota=10")
	guid := e.mustRecord(t, e.a, "sub erin@example.com")["guid"].(string)
	b := e.login(t, "cpuser", passA)
	page := b.mustPage(t, "/usermanager/edit?guid="+guid)
	mustContain(t, page, `<body data-page="usermanager_edit">`, `id="nav-usermanager" href="/`+b.token+`/usermanager" aria-current="page"`)
	form := between(page, `id="usermanager-edit"`, "</form>")
	mustContain(t, form, `name="guid" value="`+guid+`"`, `name="username" value="erin"`, `name="real_name" value="Erin"`,
		`name="alternate_email" type="email" value="erin@example.org"`,
		`id="usermanager-edit-email-enabled" name="services.email.enabled" value="1" checked`,
		`name="services.email.quota" inputmode="numeric" value="100"`, `name="services.ftp.homedir" value="erin"`,
		`name="services.ftp.quota" inputmode="numeric" value="10"`, `name="services.webdisk.enabled" value="1">`,
		`<input type="hidden" name="services.email.enabled" value="0">`)

	// Email off (its box unticked: only the hidden 0), FTP moved and unlimited, Web Disk on.
	fields := []string{"guid=" + guid, "username=erin", "domain=example.com", "password=", "real_name=Erin New",
		"alternate_email=", "phone_number=+15551234567", "send_invite=0",
		"services.email.enabled=0", "services.email.quota=100",
		"services.ftp.enabled=0", "services.ftp.enabled=1", "services.ftp.homedir=erin2", "services.ftp.quota=unlimited",
		"services.webdisk.enabled=0", "services.webdisk.enabled=1", "services.webdisk.homedir=public_html/erin",
		"services.webdisk.perms=rw", "services.webdisk.private=0", "services.webdisk.enabledigest=0"}
	page = b.mustDone(t, "/usermanager/save", "/usermanager", fields...)
	mustContain(t, page, "The user “erin@example.com” was changed.")
	r := e.mustRecord(t, e.a, "sub erin@example.com")
	if r["real_name"] != "Erin New" || r["alternate_email"] != "" || r["phone_number"] != "+15551234567" {
		t.Errorf("contact fields: %v %v %v", r["real_name"], r["alternate_email"], r["phone_number"])
	}
	if setting(r, "email", "enabled") != "0" || setting(r, "ftp", "homedir") != "erin2" ||
		setting(r, "ftp", "quota") != "0.00" || setting(r, "webdisk", "homedir") != "public_html/erin" {
		t.Errorf("services: %v", r["services"])
	}
	if n := len(mustList(t, e.mustCall(t, e.a, "Email", "list_pops", "skip_main=1"))); n != 0 {
		t.Errorf("the email account was not deleted: %d mailboxes", n)
	}
	e.mustFTPPassword(t, e.a, "erin", "example.com", "Erin-Pass-1") // a blank password keeps it

	// A bad contact address: the edit page again, the error in its form, the typed values kept.
	fields[5] = "alternate_email=not-an-address"
	body := b.mustFail(t, "/usermanager/save", fields...)
	mustContain(t, body, `<body data-page="usermanager_edit">`)
	form = between(body, `id="usermanager-edit"`, "</form>")
	mustContain(t, form, "data-testid=\"form-errors\"", "alternate_email", `value="not-an-address"`,
		`name="guid" value="`+guid+`"`, `name="services.ftp.homedir" value="erin2"`)

	body = b.mustPage(t, "/usermanager/edit?guid=NOBODY")
	mustContain(t, body, `data-testid="result-errors"`, "does not exist")
	mustNotContain(t, body, `id="usermanager-edit"`)
}

func TestUserManagerPasswd(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.a, "UserManager", "create_user", "username=fay", "domain=example.com", "password=Fay-Pass-1",
		"services.ftp.enabled=1", "services.ftp.homedir=fay")
	b := e.login(t, "cpuser", passA)
	page := b.mustDone(t, "/usermanager/passwd", "/usermanager", "username=fay", "domain=example.com", "password=Fay-Pass-2")
	mustContain(t, page, "The password of “fay@example.com” was changed.")
	e.mustFTPPassword(t, e.a, "fay", "example.com", "Fay-Pass-2")

	body := b.mustFail(t, "/usermanager/passwd", "username=fay", "domain=example.com", "password=")
	mustContain(t, between(row(body, "usermanager-row-fay@example.com"), `id="usermanager-passwd-fay@example.com"`, "</form>"),
		"Type the new password.")
	e.mustFTPPassword(t, e.a, "fay", "example.com", "Fay-Pass-2")
}

func TestUserManagerOwnerPassword(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	body := b.mustFail(t, "/usermanager/owner_passwd", "oldpass=wrong-Pass-1", "newpass=cpuser-Pass-2", "confirm=cpuser-Pass-2")
	form := between(body, `id="usermanager-owner-passwd"`, "</form>")
	mustContain(t, form, "The current password is incorrect.")
	mustContain(t, between(body, `data-testid="usermanager-owner"`, "<summary>"), "<details open>")
	mustNotContain(t, body, "cpuser-Pass-2", "wrong-Pass-1")
	body = b.mustFail(t, "/usermanager/owner_passwd", "oldpass="+passA, "newpass=cpuser-Pass-2", "confirm=cpuser-Pass-3")
	mustContain(t, between(body, `id="usermanager-owner-passwd"`, "</form>"), "The two new passwords differ.")

	r := b.post(t, "/usermanager/owner_passwd", "oldpass="+passA, "newpass=cpuser-Pass-2", "confirm=cpuser-Pass-2")
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/login/?goto_uri=%2Fusermanager&reason=password" {
		t.Fatalf("%d %q", r.code, r.header.Get("Location"))
	}
	// The change ended the session; the login form says why.
	if r := b.get(t, "/usermanager"); r.code != http.StatusSeeOther {
		t.Errorf("the old session still works: %d", r.code)
	}
	mustContain(t, e.do(t, "GET", r.header.Get("Location"), "", nil).body, "Your password was changed.",
		`name="goto_uri" value="/usermanager"`)
	e.login(t, "cpuser", "cpuser-Pass-2")
}

// TestUserManagerIssues: an FTP login at 80 % of its quota shows list_users'
// warning in the user's row.
func TestUserManagerIssues(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.a, "UserManager", "create_user", "username=gus", "domain=example.com", "password=Gus-Pass-1",
		"services.ftp.enabled=1", "services.ftp.homedir=gus", "services.ftp.quota=1")
	if err := os.WriteFile(filepath.Join(e.a.HomeDir, "gus", "big"), make([]byte, 900<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	e.mustCall(t, e.a, "Ftp", "set_quota", "user=gus@example.com", "quota=1") // recounts the usage
	r := row(e.login(t, "cpuser", passA).mustPage(t, "/usermanager"), "usermanager-row-gus@example.com")
	mustContain(t, r, `data-testid="usermanager-issue-count">1 issue<`, `data-type="warning" data-service="ftp"`,
		"The FTP account is close to its quota.", "(1 MB used of 1 MB)")
}
