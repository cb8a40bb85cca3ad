package usermanager

import (
	"context"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

var linkRE = regexp.MustCompile(`https://host\.example:2083/invitation\?token=[A-Za-z0-9_%-]+`)

// mustInviteToken returns the secret of the n-th mail the relay got, after
// checking where it went.
func (e *env) mustInviteToken(tb testing.TB, n int, to string) string {
	tb.Helper()
	mails := e.smtp.Mails()
	if len(mails) <= n {
		tb.Fatalf("%d mails, want at least %d", len(mails), n+1)
	}
	m := mails[n]
	if len(m.To) != 1 || m.To[0] != to || m.From != "noreply@host.example" {
		tb.Fatalf("envelope %q → %q", m.From, m.To)
	}
	_, body, err := m.Text()
	if err != nil {
		tb.Fatal(err)
	}
	link := linkRE.FindString(body)
	if link == "" {
		tb.Fatalf("no invitation link in\n%s", body)
	}
	u, err := url.Parse(link)
	if err != nil {
		tb.Fatal(err)
	}
	return u.Query().Get("token")
}

func TestInvite(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	r := obj(t, e.mustOK(t, e.a, "create_user", "username=ivy", "domain=example.com", "alternate_email=ivy@example.net",
		"send_invite=1", "services.ftp.enabled=1", "services.ftp.homedir=ivy", "services.email.enabled=1"))
	exp := e.clock.now().Add(48 * time.Hour).Unix()
	if num(t, r, "has_invite") != 1 || num(t, r, "has_expired_invite") != 0 || num(t, r, "invite_expiration") != exp {
		t.Fatalf("invite fields %v %v %v", r["has_invite"], r["has_expired_invite"], r["invite_expiration"])
	}
	token := e.mustInviteToken(t, 0, "ivy@example.net")
	// Only the hash is stored.
	sub, _ := e.db.FindSubaccount(context.Background(), e.a.ID, "ivy", "example.com")
	if sub.InviteHash == token || len(sub.InviteHash) != 64 {
		t.Fatalf("stored invitation %q", sub.InviteHash)
	}
	got, err := e.svc.AcceptInvite(context.Background(), token, "ivy-chosen-1")
	if err != nil || got.FullUsername() != "ivy@example.com" {
		t.Fatalf("AcceptInvite: %+v, %v", got, err)
	}
	ftpHash, emailHash, _ := e.hashes(t, "ivy", "example.com")
	if !password.Verify(ftpHash, "ivy-chosen-1") || !password.Verify(emailHash, "ivy-chosen-1") {
		t.Error("the services do not have the chosen password")
	}
	r = obj(t, e.mustOK(t, e.a, "lookup_user", "guid="+r["guid"].(string)))
	if num(t, r, "has_invite") != 0 || r["invite_expiration"] != nil || num(t, r, "synced_password") != 1 {
		t.Errorf("after accepting %s", mustMarshal(t, r))
	}
	if _, err := e.svc.AcceptInvite(context.Background(), token, "again-1"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("second use: %v", err)
	}
	if _, err := e.svc.AcceptInvite(context.Background(), token, ""); hosting.ErrorCode(err) != hosting.EINVALID {
		t.Errorf("empty password: %v", err)
	}
}

func TestInviteExpires(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "create_user", "username=old", "domain=example.com", "password=old-pw-1",
		"alternate_email=old@example.net", "send_invite=1")
	token := e.mustInviteToken(t, 0, "old@example.net")
	e.clock.advance(48*time.Hour + time.Second)
	r := named(list(t, e.mustOK(t, e.a, "list_users")), "old@example.com")[0]
	if num(t, r, "has_invite") != 0 || num(t, r, "has_expired_invite") != 1 || r["invite_expiration"] != nil {
		t.Errorf("expired invite fields %s", mustMarshal(t, r))
	}
	if _, err := e.svc.AcceptInvite(context.Background(), token, "late-pw-1"); hosting.ErrorCode(err) != hosting.EINVALID {
		t.Fatalf("expired invitation: %v", err)
	}
	// edit_user sends a fresh one, which works.
	e.mustOK(t, e.a, "edit_user", "username=old", "domain=example.com", "send_invite=1")
	fresh := e.mustInviteToken(t, 1, "old@example.net")
	if _, err := e.svc.AcceptInvite(context.Background(), fresh, "new-pw-1"); err != nil {
		t.Fatal(err)
	}
}

// TestInviteMailFails: when the relay refuses the mail, create_user fails
// and leaves nothing behind.
func TestInviteMailFails(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.smtp.Refuse("550 5.1.1 no such user")
	e.mustFail(t, e.a, "could not send the invitation to “gone@example.net”", "create_user", "username=gone",
		"domain=example.com", "alternate_email=gone@example.net", "send_invite=1", "services.ftp.enabled=1",
		"services.ftp.homedir=gone")
	if f, _, _ := e.hashes(t, "gone", "example.com"); f != "" {
		t.Error("the FTP account stayed")
	}
	if _, err := e.db.FindSubaccount(context.Background(), e.a.ID, "gone", "example.com"); err == nil {
		t.Error("the Subaccount stayed")
	}
}

// TestInvitesDisabled: without a relay, send_invite is refused.
func TestInvitesDisabled(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	svc, err := New(Config{}, Deps{Store: e.db, Accounts: e.db, FTP: e.ftp, Log: fixture.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	e.eng = newEngine(t, svc)
	e.mustFail(t, e.a, "does not send account invitations", "create_user", "username=x", "domain=example.com",
		"alternate_email=x@example.net", "send_invite=1")
	// Without Email and WebDisk services, their accounts cannot be enabled.
	e.mustFail(t, e.a, "This server does not provide email accounts.", "create_user", "username=x",
		"domain=example.com", "password=x-pw-1", "services.email.enabled=1")
	e.mustOK(t, e.a, "create_user", "username=x", "domain=example.com", "password=x-pw-1",
		"services.ftp.enabled=1", "services.ftp.homedir=x")
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustFail(t, e.a, "Failed to change password: The current password is incorrect.", "change_password",
		"oldpass=wrong", "newpass=brand-new-pw")
	e.mustFail(t, e.a, "“oldpass”", "change_password", "newpass=brand-new-pw")
	r := e.mustOK(t, e.a, "change_password", "oldpass=cpuser-password", "newpass=brand-new-pw", "enablemysql=1")
	if r.Data != "Password Changed" || len(r.Messages) != 1 {
		t.Errorf("data %v, messages %v", r.Data, r.Messages)
	}
	if a := e.mustAccount(t, "cpuser"); !password.Verify(a.PasswordHash, "brand-new-pw") {
		t.Error("the account password did not change")
	}
}
