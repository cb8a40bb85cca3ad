package usermanager

import (
	"context"
	"reflect"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// mustBob creates bob@example.com with email and FTP.
func (e *env) mustBob(tb testing.TB, extra ...string) map[string]any {
	tb.Helper()
	args := append([]string{"username=bob", "domain=example.com", "password=first-pw-1", "real_name=Bob",
		"services.email.enabled=1", "services.ftp.enabled=1", "services.ftp.homedir=bob"}, extra...)
	return obj(tb, e.mustOK(tb, e.a, "create_user", args...))
}

func (e *env) hashes(tb testing.TB, user, domain string) (ftpHash, emailHash, diskHash string) {
	tb.Helper()
	ctx := context.Background()
	if f, err := e.db.FindFTPAccount(ctx, e.a.ID, user, domain); err == nil {
		ftpHash = f.PasswordHash
	}
	if m, err := e.db.FindEmailAccount(ctx, e.a.ID, user, domain); err == nil {
		emailHash = m.PasswordHash
	}
	if w, err := e.db.FindWebDiskAccount(ctx, e.a.ID, user, domain); err == nil {
		diskHash = w.PasswordHash
	}
	return ftpHash, emailHash, diskHash
}

func TestEditUserContact(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t, "phone_number=+1 555")
	r := obj(t, e.mustOK(t, e.a, "edit_user", "username=bob", "domain=example.com", "real_name=",
		"alternate_email=bob@example.org"))
	// Omitted fields keep their value; given-but-empty ones are emptied.
	if r["real_name"] != "" || r["alternate_email"] != "bob@example.org" || r["phone_number"] != "+1 555" || r["avatar_url"] != nil {
		t.Errorf("contact fields %v %v %v %v", r["real_name"], r["alternate_email"], r["phone_number"], r["avatar_url"])
	}
	if enabled(r) != "email+ftp" || num(t, r, "synced_password") != 1 {
		t.Errorf("services %s, synced %v", enabled(r), r["synced_password"])
	}
	e.mustFail(t, e.a, "“phone_number”", "edit_user", "username=bob", "domain=example.com", "phone_number=abc")
	e.mustFail(t, e.a, "The user “nobody” at domain “example.com” does not exist.", "edit_user", "username=nobody", "domain=example.com")
	e.mustFail(t, e.a, "password_hash", "edit_user", "username=bob", "domain=example.com", "password_hash=$6$a$b")
}

// TestEditUserServices: enabling creates a service with the user's
// password, disabling deletes it and closes its sessions, settings change.
func TestEditUserServices(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t)
	e.kills.take()
	r := obj(t, e.mustOK(t, e.a, "edit_user", "username=bob", "domain=example.com",
		"services.ftp.enabled=0", "services.email.quota=7",
		"services.webdisk.enabled=1", "services.webdisk.homedir=public_html/bob", "services.webdisk.perms=ro"))
	if enabled(r) != "email+webdisk" || num(t, r, "synced_password") != 1 {
		t.Fatalf("services %s synced %v", enabled(r), r["synced_password"])
	}
	ftpHash, emailHash, diskHash := e.hashes(t, "bob", "example.com")
	if ftpHash != "" || !password.Verify(diskHash, "first-pw-1") || !password.Verify(emailHash, "first-pw-1") {
		t.Errorf("hashes ftp %q email %q webdisk %q", ftpHash, emailHash, diskHash)
	}
	if got := e.kills.take(); !reflect.DeepEqual(got, []string{"ftp bob@example.com"}) {
		t.Errorf("sessions closed: %v", got)
	}
	svcs := r["services"].(map[string]any)
	if svcs["email"].(map[string]any)["quota"].(interface{ String() string }).String() != "7" || svcs["webdisk"].(map[string]any)["perms"] != "ro" {
		t.Errorf("services %v", svcs)
	}
	// Settings of a linked service change in place.
	r = obj(t, e.mustOK(t, e.a, "edit_user", "username=bob", "domain=example.com", "services.webdisk.perms=rw",
		"services.webdisk.homedir=dav", "services.webdisk.private=1"))
	if d := r["services"].(map[string]any)["webdisk"].(map[string]any); d["perms"] != "rw" || d["homedir"] != "dav" || d["private"].(interface{ String() string }).String() != "1" {
		t.Errorf("webdisk %v", d)
	}
	if got := e.kills.take(); len(got) == 0 {
		t.Error("changing a Web Disk login did not close its connections")
	}
}

// TestEditUserPassword: a new password reaches every service (and the
// Digest hash), and their live sessions are closed.
func TestEditUserPassword(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t, "services.webdisk.enabled=1", "services.webdisk.homedir=dav", "services.webdisk.enabledigest=1")
	e.kills.take()
	r := obj(t, e.mustOK(t, e.a, "edit_user", "username=bob", "domain=example.com", "password=second-pw-2"))
	if num(t, r, "synced_password") != 1 {
		t.Errorf("synced %v", r["synced_password"])
	}
	ftpHash, emailHash, diskHash := e.hashes(t, "bob", "example.com")
	for _, h := range []string{ftpHash, emailHash, diskHash} {
		if !password.Verify(h, "second-pw-2") {
			t.Errorf("hash %q does not take the new password", h)
		}
	}
	w, _ := e.db.FindWebDiskAccount(context.Background(), e.a.ID, "bob", "example.com")
	if w.DigestHA1 != hosting.DigestHA1("bob@example.com", "test", "second-pw-2") {
		t.Error("Digest hash not updated")
	}
	if got := e.kills.take(); !reflect.DeepEqual(got, []string{"ftp bob@example.com", "webdisk bob@example.com"}) {
		t.Errorf("sessions closed: %v", got)
	}
	sub, _ := e.db.FindSubaccount(context.Background(), e.a.ID, "bob", "example.com")
	if !password.Verify(sub.PasswordHash, "second-pw-2") {
		t.Error("the Subaccount's own hash is old")
	}
}

// TestEditUserEnableConflict: enabling a service whose account of that name
// exists unlinked fails and changes nothing.
func TestEditUserEnableConflict(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t)
	e.mustOK(t, e.a, "WebDisk::add_user", "user=bob", "domain=example.com", "password=dav-pw-1", "homedir=x")
	before := summary(t, list(t, e.mustOK(t, e.a, "list_users")))
	e.mustFail(t, e.a, "already exists", "edit_user", "username=bob", "domain=example.com", "real_name=Changed",
		"services.webdisk.enabled=1", "services.webdisk.homedir=y")
	if after := summary(t, list(t, e.mustOK(t, e.a, "list_users"))); !reflect.DeepEqual(after, before) {
		t.Errorf("list_users %v, want %v", after, before)
	}
	sub, _ := e.db.FindSubaccount(context.Background(), e.a.ID, "bob", "example.com")
	if *sub.RealName != "Bob" {
		t.Errorf("real name changed to %q", *sub.RealName)
	}
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t, "services.webdisk.enabled=1", "services.webdisk.homedir=dav")
	e.kills.take()
	r := e.mustOK(t, e.a, "delete_user", "username=bob", "domain=example.com")
	if r.Data != nil {
		t.Errorf("data %v, want null", r.Data)
	}
	if f, m, w := e.hashes(t, "bob", "example.com"); f != "" || m != "" || w != "" {
		t.Error("a linked service account survived")
	}
	// Deleting closed the live FTP and WebDAV sessions of the linked logins.
	if got := e.kills.take(); !reflect.DeepEqual(got, []string{"ftp bob@example.com", "webdisk bob@example.com"}) {
		t.Errorf("sessions closed: %v", got)
	}
	e.mustFail(t, e.a, "The system could not find the “bob” user at the “example.com” domain.", "delete_user",
		"username=bob", "domain=example.com")
	e.mustFail(t, e.a, "You must specify “username” to delete a user.", "delete_user", "domain=example.com")
}

// TestDeleteUserLeavesOne: a same-named unlinked account stays and is the
// answer; a dismissed one does not count.
func TestDeleteUserLeavesOne(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "create_user", "username=carl", "domain=example.com", "password=carl-pw-1")
	e.mustOK(t, e.a, "Ftp::add_ftp", "user=carl", "domain=example.com", "pass=carl-ftp-1")
	r := obj(t, e.mustOK(t, e.a, "delete_user", "username=carl", "domain=example.com"))
	if r["type"] != "service" || enabled(r) != "ftp" || num(t, r, "sub_account_exists") != 0 {
		t.Errorf("answer %s", mustMarshal(t, r))
	}
	e.mustOK(t, e.a, "create_user", "username=carl", "domain=example.com", "password=carl-pw-1")
	e.mustOK(t, e.a, "dismiss_merge", "username=carl", "domain=example.com", "services.ftp.dismiss=1")
	if r := e.mustOK(t, e.a, "delete_user", "username=carl", "domain=example.com"); r.Data != nil {
		t.Errorf("data %v, want null (the only account left is dismissed)", r.Data)
	}
}
