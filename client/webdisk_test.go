package client_test

import (
	"context"
	"os"
	"testing"

	"github.com/uapid/uapid/client"
	"github.com/uapid/uapid/internal/password"
)

// webDiskUsers maps list_users' logins to their records.
func webDiskUsers(tb testing.TB, m client.WebDiskModule, regex string) map[string]client.WebDiskAccount {
	tb.Helper()
	list, err := m.ListUsers(context.Background(), regex)
	must(tb, err)
	out := map[string]client.WebDiskAccount{}
	for _, w := range list {
		out[w.Login] = w
	}
	return out
}

func TestWebDisk(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).WebDisk()
	ctx := context.Background()
	added, err := m.AddUser(ctx, client.WebDiskAddUserParams{User: "bob", Password: "Bob-pass-1234", Homedir: "dav/bob",
		Private: true, Perms: client.WebDiskReadOnly})
	must(t, err)
	if *added != (client.WebDiskAdded{Login: "bob@example.com", User: "bob", Domain: "example.com", Perms: "ro"}) {
		t.Errorf("AddUser = %+v", added)
	}
	_, err = m.AddUser(ctx, client.WebDiskAddUserParams{User: "amy", Domain: "example.net", Password: "Amy-pass-1234", EnableDigest: true})
	must(t, err)

	t.Run("add_user and list_users", func(t *testing.T) {
		users := webDiskUsers(t, m, "")
		bob, amy := users["bob@example.com"], users["amy@example.net"]
		if bob.RelDir != "dav/bob" || bob.HomeDir != s.home("dav/bob") || bob.Perms != "ro" || bob.Private != 1 ||
			bob.HasDigest != 0 || bob.MainPort != "2077" || bob.SSLPort != "2078" || s.mode(t, "dav/bob") != 0o700 {
			t.Errorf("bob = %+v", bob)
		}
		if amy.RelDir != "public_html/amy" || amy.Perms != "rw" || amy.HasDigest != 1 || s.mode(t, "public_html/amy") != 0o755 {
			t.Errorf("amy = %+v", amy)
		}
		if got := webDiskUsers(t, m, "^AMY@"); len(got) != 1 {
			t.Errorf("regex: %v", got)
		}
		_, err := m.AddUser(ctx, client.WebDiskAddUserParams{User: "bob", Password: "Bob-pass-1234"})
		wantUAPIError(t, err, "The Web Disk account “bob@example.com” already exists.")
		_, err = m.AddUser(ctx, client.WebDiskAddUserParams{User: "eve"})
		wantUAPIError(t, err, "Provide the “password” parameter (or “password_hash”).")
	})
	t.Run("set_homedir", func(t *testing.T) {
		must(t, m.SetHomedir(ctx, client.WebDiskSetHomedirParams{User: "bob@example.com", Homedir: "dav/shared"}))
		bob := webDiskUsers(t, m, "bob")["bob@example.com"]
		if bob.RelDir != "dav/shared" || bob.Private != 0 || s.mode(t, "dav/shared") != 0o755 {
			t.Errorf("bob = %+v", bob)
		}
	})
	t.Run("set_password", func(t *testing.T) {
		must(t, m.SetPassword(ctx, client.WebDiskSetPasswordParams{User: "amy@example.net", Password: "Amy-new-5678"}))
		w, err := s.db.FindWebDiskAccount(ctx, s.acct.ID, "amy", "example.net")
		must(t, err)
		if !password.Verify(w.PasswordHash, "Amy-new-5678") || w.HasDigest() {
			t.Errorf("stored: new password %v, digest %v", password.Verify(w.PasswordHash, "Amy-new-5678"), w.HasDigest())
		}
		must(t, m.SetPassword(ctx, client.WebDiskSetPasswordParams{User: "amy@example.net", Password: "Amy-new-5678", EnableDigest: true}))
		if amy := webDiskUsers(t, m, "amy")["amy@example.net"]; amy.HasDigest != 1 {
			t.Errorf("digest not enabled again: %+v", amy)
		}
	})
	t.Run("set_permissions", func(t *testing.T) {
		must(t, m.SetPermissions(ctx, "bob@example.com", client.WebDiskReadWrite))
		if bob := webDiskUsers(t, m, "bob")["bob@example.com"]; bob.Perms != "rw" {
			t.Errorf("perms = %q", bob.Perms)
		}
		wantUAPIError(t, m.SetPermissions(ctx, "bob@example.com", "all"), "The “perms” parameter must be one of: ro, rw.")
	})
	t.Run("delete_user", func(t *testing.T) {
		must(t, m.DeleteUser(ctx, client.WebDiskDeleteUserParams{User: "bob@example.com", Destroy: true}))
		must(t, m.DeleteUser(ctx, client.WebDiskDeleteUserParams{User: "amy@example.net"}))
		if users := webDiskUsers(t, m, ""); len(users) != 0 {
			t.Errorf("left: %v", users)
		}
		if _, err := os.Stat(s.home("dav/shared")); !os.IsNotExist(err) {
			t.Errorf("destroy kept the directory: %v", err)
		}
		if _, err := os.Stat(s.home("public_html/amy")); err != nil {
			t.Errorf("delete without destroy removed the directory: %v", err)
		}
		wantUAPIError(t, m.DeleteUser(ctx, client.WebDiskDeleteUserParams{User: "bob@example.com"}),
			"The Web Disk account “bob@example.com” does not exist.")
	})
}
