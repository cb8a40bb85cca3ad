package web_test

import (
	"net/http"
	"testing"
)

func TestEmailAccounts(t *testing.T) {
	e := mustEnv(t, emailFuncs()...)
	b := e.login(t, "cpuser", passA)
	mustContain(t, b.mustPage(t, "/"), `id="nav-email"`, `id="home-email"`)

	page := b.mustDone(t, "/email/add", "/email", "email=info", "domain=example.net", "password=Info-Pass-1", "quota=50")
	mustContain(t, page, "The email account “info@example.net” was created.")
	mustContain(t, row(page, "email-row-info@example.net"), "0 bytes / 50 MB", `name="email" value="info"`,
		`name="domain" value="example.net"`, `value="50"`)

	body := b.mustFail(t, "/email/add", "email=info", "domain=example.net", "password=Info-Pass-2")
	mustContain(t, between(body, `id="email-add"`, "</form>"), "already exists", `value="info"`)
	mustNotContain(t, body, "Info-Pass")

	b.mustDone(t, "/email/passwd", "/email", "email=info", "domain=example.net", "password=Info-Pass-3")
	page = b.mustDone(t, "/email/quota", "/email", "email=info", "domain=example.net", "quota=unlimited")
	mustContain(t, row(page, "email-row-info@example.net"), "0 bytes / None")

	body = b.mustFail(t, "/email/quota", "email=info", "domain=example.net", "quota=many")
	mustContain(t, between(row(body, "email-row-info@example.net"), "Change Quota", "</form>"), "form-errors")

	page = b.mustDone(t, "/email/delete", "/email", "email=info", "domain=example.net")
	mustContain(t, page, "The email account “info@example.net” was deleted.", "There are no email accounts yet.")
}

func TestEmailOfOneAccountOnly(t *testing.T) {
	e := mustEnv(t, emailFuncs()...)
	e.mustCall(t, e.b, "Email", "add_pop", "email=boss", "domain=other.org", "password=Boss-Pass-1")
	b := e.login(t, "cpuser", passA)
	mustNotContain(t, b.mustPage(t, "/email"), "boss", "other.org")
	b.mustFail(t, "/email/delete", "email=boss", "domain=other.org")
	if n := len(mustList(t, e.mustCall(t, e.b, "Email", "list_pops_with_disk"))); n != 1 {
		t.Errorf("other's mailboxes: %d", n)
	}
}

func TestEmailPageNeedsModule(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	if r := b.get(t, "/email"); r.code != http.StatusNotFound {
		t.Errorf("GET /email without the module: %d", r.code)
	}
	if r := b.post(t, "/email/add", "email=x", "password=X-Pass-1"); r.code != http.StatusNotFound {
		t.Errorf("POST /email/add without the module: %d", r.code)
	}
}
