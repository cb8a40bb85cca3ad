package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

// TestEmailAccounts drives the Email Accounts page over the real Email
// module: list_pops_with_disk's fields (human sizes with a no-break space,
// "None" for nothing used and no quota), and delete_pop with and without
// flags=passwd.
func TestEmailAccounts(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	mustContain(t, b.mustPage(t, "/"), `id="nav-email"`, `id="home-email"`)

	page := b.mustDone(t, "/email/add", "/email", "email=info", "domain=example.net", "password=Info-Pass-1", "quota=50")
	mustContain(t, page, "The email account “info@example.net” was created.")
	mustContain(t, row(page, "email-row-info@example.net"), "None / 50\u00a0MB", `name="email" value="info"`,
		`name="domain" value="example.net"`, `value="50"`)

	body := b.mustFail(t, "/email/add", "email=info", "domain=example.net", "password=Info-Pass-2")
	mustContain(t, between(body, `id="email-add"`, "</form>"), "already exists", `value="info"`)
	mustNotContain(t, body, "Info-Pass")

	b.mustDone(t, "/email/passwd", "/email", "email=info", "domain=example.net", "password=Info-Pass-3")
	page = b.mustDone(t, "/email/quota", "/email", "email=info", "domain=example.net", "quota=unlimited")
	r := row(page, "email-row-info@example.net")
	mustContain(t, r, "None / None")
	mustContain(t, between(r, `id="email-quota-info@example.net-quota"`, ">"), `value=""`)

	body = b.mustFail(t, "/email/quota", "email=info", "domain=example.net", "quota=many")
	mustContain(t, between(row(body, "email-row-info@example.net"), "Change Quota", "</form>"), "form-errors")

	maildir := filepath.Join(e.a.HomeDir, hosting.MaildirPath("info", "example.net"))
	page = b.mustDone(t, "/email/delete", "/email", "email=info", "domain=example.net", "flags=passwd")
	mustContain(t, page, "The email account “info@example.net” was deleted.", "There are no email accounts yet.")
	if _, err := os.Stat(maildir); err != nil {
		t.Errorf("Delete Account, Keep Mail removed the maildir: %v", err)
	}
	b.mustDone(t, "/email/add", "/email", "email=info", "domain=example.net", "password=Info-Pass-4")
	b.mustDone(t, "/email/delete", "/email", "email=info", "domain=example.net", "flags=")
	if _, err := os.Stat(maildir); !os.IsNotExist(err) {
		t.Errorf("Delete Account and Mail kept the maildir: %v", err)
	}
}

func TestEmailOfOneAccountOnly(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.b, "Email", "add_pop", "email=boss", "domain=other.org", "password=Boss-Pass-1")
	b := e.login(t, "cpuser", passA)
	mustNotContain(t, b.mustPage(t, "/email"), "boss", "other.org")
	b.mustFail(t, "/email/delete", "email=boss", "domain=other.org")
	if n := len(mustList(t, e.mustCall(t, e.b, "Email", "list_pops_with_disk"))); n != 1 {
		t.Errorf("other's mailboxes: %d", n)
	}
}

func TestEmailPageNeedsModule(t *testing.T) {
	e := mustEnvModules(t, "Tokens", "Ftp")
	b := e.login(t, "cpuser", passA)
	if r := b.get(t, "/email"); r.code != http.StatusNotFound {
		t.Errorf("GET /email without the module: %d", r.code)
	}
	if r := b.post(t, "/email/add", "email=x", "password=X-Pass-1"); r.code != http.StatusNotFound {
		t.Errorf("POST /email/add without the module: %d", r.code)
	}
}
