package usermanager

import (
	"context"
	"testing"

	"github.com/uapid/uapid/internal/password"
)

// TestLateEditRollBackKeepsLaterSettings: an edit of bob froze at its FTP
// step (the mailbox and the FTP login changed, the Web Disk login not
// yet) and its roll-back is retried late; meanwhile the tenant changed one
// setting of one service. A setting goes back only while the service still
// holds what the edit wrote: the later change stays, whether the edit
// wrote that setting (quotas, the FTP home) or left it alone (Web Disk's
// permissions and directory).
func TestLateEditRollBackKeepsLaterSettings(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		edit  []string // edit_user's settings, besides a new password
		later func(e *env) error
		check func(s bobState) (got, want any)
	}{
		{name: "email quota", edit: []string{"services.email.quota=7"},
			later: func(e *env) error { _, err := e.email.SetQuota(ctx, e.a, "bob", "example.com", 9); return err },
			check: func(s bobState) (any, any) { return s.email.QuotaMB, int64(9) }},
		{name: "ftp quota", edit: []string{"services.ftp.quota=5"},
			later: func(e *env) error { return e.ftp.SetQuota(ctx, e.a, "bob", "example.com", 9) },
			check: func(s bobState) (any, any) { return s.ftp.QuotaMB, int64(9) }},
		{name: "ftp homedir", edit: []string{"services.ftp.homedir=public_html/new/bob"},
			later: func(e *env) error { return e.ftp.SetHomedir(ctx, e.a, "bob", "example.com", "later/bob") },
			check: func(s bobState) (any, any) { return s.ftp.HomeDir, "later/bob" }},
		{name: "webdisk perms",
			later: func(e *env) error { return e.webdisk.SetPermissions(ctx, e.a, "bob", "example.com", "ro") },
			check: func(s bobState) (any, any) { return s.webDisk.Perms, "ro" }},
		{name: "webdisk homedir",
			later: func(e *env) error {
				_, err := e.webdisk.SetHomedir(ctx, e.a, "bob", "example.com", "dav-later", true)
				return err
			},
			check: func(s bobState) (any, any) {
				return [2]any{s.webDisk.HomeDir, s.webDisk.Private}, [2]any{"dav-later", true}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			e.mustBob(t, "services.webdisk.enabled=1", "services.webdisk.homedir=dav")
			args := append([]string{"username=bob", "domain=example.com", "password=second-pw-2"}, tt.edit...)
			e.crashAt(t, "edit_user", args...)
			if err := tt.later(e); err != nil {
				t.Fatal(err)
			}
			e.mustRecover(t)
			if got, want := tt.check(e.bob(t)); got != want {
				t.Errorf("after the late roll-back: %v, want the later change %v", got, want)
			}
			ftpHash, _, _ := e.hashes(t, "bob", "example.com")
			if !password.Verify(ftpHash, "first-pw-1") {
				t.Errorf("the edit's password was not rolled back")
			}
		})
	}
}
