package ftp

import (
	"context"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/password"
)

// TestTenantsAreIsolated has account B try every changing function on
// account A's logins and sessions, in every form a login can be named, and
// checks that A's logins, files and sessions are exactly as they were.
func TestTenantsAreIsolated(t *testing.T) {
	t.Parallel()
	e := mustSessions(t)
	mustWrite(t, e.a, "bob@example.com/keep.txt", 10)
	before, err := e.db.ListFTPAccounts(context.Background(), e.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	attacks := []struct {
		fn   string
		args []string
		ok   bool // succeeds, without effect: a pid B does not have is gone
	}{
		{"delete_ftp", []string{"user=bob@example.com", "destroy=1"}, false},
		{"delete_ftp", []string{"user=bob", "domain=example.com", "destroy=1"}, false},
		{"passwd", []string{"user=bob@example.com", "pass=owned"}, false},
		{"set_quota", []string{"user=bob@example.com", "quota=1"}, false},
		{"set_quota", []string{"user=bob@example.com", "kill=1"}, false},
		{"set_homedir", []string{"user=bob@example.com", "homedir=public_html"}, false},
		{"get_quota", []string{"account=bob@example.com"}, false},
		{"ftp_exists", []string{"user=bob@example.com"}, false},
		{"add_ftp", []string{"user=eve@example.com", "pass=x", "homedir=../cpuser"}, false},
		{"kill_session", []string{"login=bob@example.com"}, false},
		{"kill_session", []string{"login=cpuser"}, false},
		{"kill_session", []string{"login=9"}, true},
		{"kill_session", []string{"login=ftp@example.com"}, false},
	}
	for _, at := range attacks {
		t.Run(at.fn+" "+strings.Join(at.args, " "), func(t *testing.T) {
			if r := e.call(e.b, at.fn, at.args...); (r.Status == 1) != at.ok {
				t.Errorf("status %d: %+v", r.Status, r)
			}
		})
	}
	after, err := e.db.ListFTPAccounts(context.Background(), e.a.ID)
	if err != nil || len(after) != len(before) {
		t.Fatalf("logins %v → %v (%v)", before, after, err)
	}
	for i := range after {
		if *after[i] != *before[i] || password.Verify(after[i].PasswordHash, "owned") {
			t.Errorf("login changed: %+v → %+v", before[i], after[i])
		}
	}
	if !exists(e.a, "bob@example.com/keep.txt") || exists(e.b, "eve@example.com") || exists(e.a, "eve@example.com") {
		t.Error("files changed")
	}
	if got := e.sessions.ids(); len(got) != 7 {
		t.Errorf("sessions %v", got)
	}
	for _, fn := range []string{"list_ftp", "list_ftp_with_disk", "list_sessions"} {
		if s := e.mustJSON(t, e.mustOK(t, e.b, fn)); strings.Contains(s, "example.com") || strings.Contains(s, "cpuser") {
			t.Errorf("%s shows account A: %s", fn, s)
		}
	}
}
