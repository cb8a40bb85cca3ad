package usermanager

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/password"
)

// TestTenantsAreIsolated has account B try every function on account A's
// users, in every form a user can be named, and checks that A's users and
// service accounts are exactly as they were and B learnt nothing of them.
func TestTenantsAreIsolated(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	bob := e.mustBob(t)
	e.mustSiblings(t)
	guid := bob["guid"].(string)
	before := mustMarshal(t, summary(t, list(t, e.mustOK(t, e.a, "list_users"))))
	sub, _ := e.db.FindSubaccount(context.Background(), e.a.ID, "bob", "example.com")
	attacks := []struct {
		fn   string
		args []string
	}{
		{"lookup_user", []string{"guid=" + guid}},
		{"lookup_service_account", []string{"full_username=bob@example.com", "type=ftp"}},
		{"lookup_service_account", []string{"full_username=dana@example.com", "type=email"}},
		{"create_user", []string{"username=bob", "domain=example.com", "password=owned-pw-1"}},
		{"edit_user", []string{"username=bob", "domain=example.com", "password=owned-pw-1"}},
		{"edit_user", []string{"username=bob", "domain=other.org", "password=owned-pw-1"}},
		{"delete_user", []string{"username=bob", "domain=example.com"}},
		{"delete_user", []string{"username=bob", "domain=other.org"}},
		{"merge_service_account", []string{"username=dana", "domain=example.com", "services.ftp.merge=1"}},
		{"dismiss_merge", []string{"username=dana", "domain=example.com", "services.ftp.dismiss=1"}},
		{"unlink_service_account", []string{"username=bob", "domain=example.com", "service=ftp"}},
		{"change_password", []string{"oldpass=cpuser-password", "newpass=owned-pw-1"}},
	}
	for _, at := range attacks {
		t.Run(at.fn+" "+strings.Join(at.args, " "), func(t *testing.T) {
			if r := e.call(e.b, at.fn, at.args...); r.Status != 0 {
				t.Errorf("status %d: %s", r.Status, mustMarshal(t, r))
			}
		})
	}
	// Reads that succeed for B show nothing of A.
	if r := obj(t, e.mustOK(t, e.b, "check_account_conflicts", "full_username=bob@example.com")); num(t, r, "conflict") != 0 || len(r) != 1 {
		t.Errorf("check_account_conflicts for B: %v", r)
	}
	if got := summary(t, list(t, e.mustOK(t, e.b, "list_users"))); !reflect.DeepEqual(got,
		[]string{"service ftp@other.org ftp", "service other_logs ftp", "cpanel other email+ftp+webdisk"}) {
		t.Errorf("list_users for B: %v", got)
	}
	after := mustMarshal(t, summary(t, list(t, e.mustOK(t, e.a, "list_users"))))
	if after != before {
		t.Errorf("A's users changed:\n%s\nwant\n%s", after, before)
	}
	back, _ := e.db.FindSubaccount(context.Background(), e.a.ID, "bob", "example.com")
	if !reflect.DeepEqual(back, sub) {
		t.Errorf("A's Subaccount changed: %+v → %+v", sub, back)
	}
	if f, _, _ := e.hashes(t, "bob", "example.com"); password.Verify(f, "owned-pw-1") {
		t.Error("B changed A's FTP password")
	}
}
