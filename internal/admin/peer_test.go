package admin

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
)

// TestPeerCredentials: the admin socket serves root and the daemon's own
// user and refuses any other uid, whatever the socket file's mode lets
// connect. Clients are real processes (curl) running under each uid.
func TestPeerCredentials(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run clients under other uids")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("needs curl")
	}
	const owner = 4242 // the daemon's uid for this test; not root
	path := mustAdminSocket(t, owner)
	tests := []struct {
		name string
		uid  uint32
		want string
	}{
		{"root", 0, "200"},
		{"the daemon's user", owner, "200"},
		{"another user", 65534, "403"},
		{"another user in root's group", 4243, "403"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := curlAs(t, tt.uid, path); got != tt.want {
				t.Errorf("uid %d: HTTP %s, want %s", tt.uid, got, tt.want)
			}
		})
	}
}

// mustAdminSocket serves an admin server that takes owner for the daemon's
// uid on a socket every user may connect to, so that only the
// peer-credential check stands between a client and the server.
func mustAdminSocket(t *testing.T, owner int) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "uapid-admin-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := fixture.Store(t)
	accounts := fixture.Accounts(t, db)
	accounts.UseOperatorStore(db, fixture.Usage(t, db))
	s := New(nil, accounts, fixture.Logger(t))
	s.owner = owner
	path := filepath.Join(dir, "uapid.sock")
	if err := s.Listen(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	return path
}

// curlAs lists the accounts through the socket from a curl process running
// as uid (and a group of the same number) and returns the HTTP status.
func curlAs(t *testing.T, uid uint32, socket string) string {
	t.Helper()
	cmd := exec.Command("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
		"--unix-socket", socket, "http://uapid/admin/accounts")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
	if uid == 4243 {
		cmd.SysProcAttr.Credential.Gid = 0
	}
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=/"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl as uid %d: %v (%s)", uid, err, out)
	}
	return strings.TrimSpace(fmt.Sprint(string(out)))
}
