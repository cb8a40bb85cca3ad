package web_test

import (
	"fmt"
	"testing"
)

// TestUserManagerLink: Link sends services.SERVICE.merge=1 for the ticked
// accounts and merge_service_account makes them one Subaccount.
func TestUserManagerLink(t *testing.T) {
	e := mustEnv(t)
	seedUsers(t, e)
	b := e.login(t, "cpuser", passA)
	page := b.mustDone(t, "/usermanager/link", "/usermanager", "username=sales", "domain=example.com",
		"services.email.merge=1", "services.ftp.merge=1")
	mustContain(t, page, "The accounts of “sales@example.com” are linked to one Subaccount.")
	mustContain(t, row(page, "usermanager-row-sales@example.com"), "Subaccount", `data-service="email"`, `data-service="ftp"`)
	mustNotContain(t, page, `data-testid="usermanager-merge-sales@example.com"`)
	r := e.mustRecord(t, e.a, "sub sales@example.com")
	if setting(r, "email", "enabled") != "1" || setting(r, "ftp", "enabled") != "1" || fmt.Sprint(r["synced_password"]) != "0" {
		t.Errorf("linked user: %v, synced %v", r["services"], r["synced_password"])
	}

	// A lone account becomes a user with its own password: one merge key only.
	page = b.mustDone(t, "/usermanager/link", "/usermanager", "username=files", "domain=example.net", "services.webdisk.merge=1")
	r = e.mustRecord(t, e.a, "sub files@example.net")
	if setting(r, "webdisk", "enabled") != "1" || fmt.Sprint(r["synced_password"]) != "1" {
		t.Errorf("upgraded user: %v, synced %v", r["services"], r["synced_password"])
	}
	mustContain(t, row(page, "usermanager-row-files@example.net"), "Subaccount")

	// No account ticked: the function's error in that name's merge prompt.
	e.mustCall(t, e.a, "Email", "add_pop", "email=team", "domain=example.com", "password=Team-Pass-1")
	e.mustCall(t, e.a, "Ftp", "add_ftp", "user=team", "domain=example.com", "pass=Team-Pass-2")
	body := b.mustFail(t, "/usermanager/link", "username=team", "domain=example.com")
	mustContain(t, between(row(body, "usermanager-merge-team@example.com"), `id="usermanager-link-team@example.com"`, "</form>"),
		`data-testid="form-errors"`, "services.___.merge")
}

// TestUserManagerDismiss: Dismiss keeps one account apart; it is then
// listed on its own and no longer offered.
func TestUserManagerDismiss(t *testing.T) {
	e := mustEnv(t)
	seedUsers(t, e)
	b := e.login(t, "cpuser", passA)
	page := b.mustDone(t, "/usermanager/dismiss", "/usermanager", "username=sales", "domain=example.com",
		"services.email.dismiss=1")
	mustContain(t, page, "A service account of “sales@example.com” is no longer offered for linking.")
	mustContain(t, row(page, "usermanager-account-email-sales@example.com"), "(kept apart)")
	mustContain(t, row(page, "usermanager-account-ftp-sales@example.com"), "FTP account")
	mustNotContain(t, page, `data-testid="usermanager-merge-sales@example.com"`, `data-testid="usermanager-row-sales@example.com"`)
	if r := e.mustRecord(t, e.a, "service email sales@example.com"); fmt.Sprint(r["dismissed"]) != "1" {
		t.Errorf("dismissed = %v", r["dismissed"])
	}

	body := b.mustFail(t, "/usermanager/dismiss", "username=nobody", "domain=example.com", "services.ftp.dismiss=1")
	mustContain(t, body, `data-testid="form-errors"`, "No service account “nobody@example.com” exists to dismiss.")
}

// TestUserManagerUnlink: Unlink leaves the service account as one of its
// own; with dismiss=1 it is also kept apart.
func TestUserManagerUnlink(t *testing.T) {
	e := mustEnv(t)
	seedUsers(t, e)
	b := e.login(t, "cpuser", passA)
	page := b.mustDone(t, "/usermanager/unlink", "/usermanager", "username=bob", "domain=example.com", "service=ftp")
	mustContain(t, page, "A service account was unlinked from “bob@example.com”; it stays as a separate account.")
	// Unlinked but not dismissed, the FTP account is offered to bob again.
	mustContain(t, row(page, "usermanager-merge-bob@example.com"), `id="usermanager-link-bob@example.com"`,
		`name="services.ftp.merge" value="1" checked`)
	r := e.mustRecord(t, e.a, "sub bob@example.com")
	if setting(r, "ftp", "enabled") != "0" || setting(r, "email", "enabled") != "1" {
		t.Errorf("after unlink: %v", r["services"])
	}
	e.mustFTPPassword(t, e.a, "bob", "example.com", "Bob-Pass-1") // the account itself stays

	page = b.mustDone(t, "/usermanager/unlink", "/usermanager", "username=bob", "domain=example.com", "service=email", "dismiss=1")
	mustContain(t, row(page, "usermanager-account-email-bob@example.com"), "(kept apart)", "Link to the User")

	body := b.mustFail(t, "/usermanager/unlink", "username=bob", "domain=example.com", "service=mail")
	mustContain(t, body, `data-testid="form-errors"`, "service")
}
