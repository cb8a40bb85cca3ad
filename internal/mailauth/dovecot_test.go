package mailauth_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/mailauth/dovecottest"
	"github.com/uapid/uapid/internal/password"
)

// TestDovecotAuth checks the published files with a real Dovecot: the
// right password logs in, a wrong one, a deleted mailbox and an old
// password after a change do not, whatever the case of the address.
func TestDovecotAuth(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	dv := dovecottest.Start(t, e.dir)
	info := e.mustMailbox(t, e.alice, "info", "alice.example", "info-secret", 250)
	e.mustMailbox(t, e.alice, "info", "alice.org", "org-secret", 0)
	e.mustMailbox(t, e.bob, "bob", "bob.example", "bob-secret", 0)
	for _, scheme := range []string{"MD5-CRYPT", "SHA256-CRYPT", "BLF-CRYPT"} {
		e.mustMailboxHash(t, e.bob, strings.ToLower(scheme), "bob.example", dovecotHash(t, scheme, "imported-secret"), 0)
	}
	checkLogins(t, dv)
	if ok, out := dv.User("info@alice.example"); !ok || !strings.Contains(out, "quota_rule\t*:storage=250M") ||
		!strings.Contains(out, "home\t"+e.alice.HomeDir+"/mail/alice.example/info") || !strings.Contains(out, "mail\tmaildir:~") {
		t.Errorf("userdb lookup:\n%s", out)
	}
	t.Run("password change", func(t *testing.T) { checkPasswordChange(t, e, dv, info) })
	t.Run("suspended", func(t *testing.T) { checkSuspended(t, e, dv) })
	t.Run("deleted", func(t *testing.T) { checkDeleted(t, e, dv, info) })
	if log := dv.Log(); strings.Contains(log, "Error:") {
		t.Errorf("Dovecot logged errors:\n%s", log)
	}
}

func checkLogins(t *testing.T, dv *dovecottest.Server) {
	t.Helper()
	tests := []struct {
		name, user, pass string
		want             bool
	}{
		{"right password", "info@alice.example", "info-secret", true},
		{"wrong password", "info@alice.example", "info-secre", false},
		{"upper-case address", "INFO@Alice.Example", "info-secret", true},
		{"same user, other domain", "info@alice.org", "org-secret", true},
		{"other domain's password", "info@alice.org", "info-secret", false},
		{"other tenant", "bob@bob.example", "bob-secret", true},
		{"unknown user", "nobody@alice.example", "info-secret", false},
		{"unknown domain", "info@unknown.example", "info-secret", false},
		{"no domain", "info", "info-secret", false},
		{"imported md5-crypt", "md5-crypt@bob.example", "imported-secret", true},
		{"imported sha256-crypt", "sha256-crypt@bob.example", "imported-secret", true},
		{"imported bcrypt", "blf-crypt@bob.example", "imported-secret", true},
		{"imported, wrong password", "blf-crypt@bob.example", "imported", false},
	}
	for _, tt := range tests {
		if ok, out := dv.AuthTest(tt.user, tt.pass); ok != tt.want {
			t.Errorf("%s: auth test %s: ok=%v, want %v\n%s", tt.name, tt.user, ok, tt.want, out)
		}
	}
}

func checkPasswordChange(t *testing.T, e *env, dv *dovecottest.Server, info *hosting.EmailAccount) {
	hash, _ := password.Hash("changed-secret")
	if err := e.db.UpdateEmailAccount(context.Background(), info.ID, hosting.EmailAccountUpdate{PasswordHash: &hash}); err != nil {
		t.Fatal(err)
	}
	e.mustPublish(t, "alice.example")
	dv.Changed()
	if ok, _ := dv.AuthTest("info@alice.example", "info-secret"); ok {
		t.Error("the old password still logs in")
	}
	if ok, out := dv.AuthTest("info@alice.example", "changed-secret"); !ok {
		t.Errorf("the new password does not log in:\n%s", out)
	}
}

func checkSuspended(t *testing.T, e *env, dv *dovecottest.Server) {
	ctx := context.Background()
	if err := e.accounts.SetSuspended(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	if err := e.pub.PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	dv.Changed()
	// The passdb accepts the password but tells the login processes no.
	if _, out := dv.AuthTest("bob@bob.example", "bob-secret"); !strings.Contains(out, "nologin") {
		t.Errorf("a suspended account's mailbox may log in:\n%s", out)
	}
	if ok, _ := dv.User("bob@bob.example"); !ok {
		t.Error("a suspended account's mailbox no longer resolves: its mail would bounce")
	}
}

func checkDeleted(t *testing.T, e *env, dv *dovecottest.Server, info *hosting.EmailAccount) {
	if err := e.db.DeleteEmailAccount(context.Background(), info.ID); err != nil {
		t.Fatal(err)
	}
	e.mustPublish(t, "alice.example")
	dv.Changed()
	if ok, _ := dv.AuthTest("info@alice.example", "changed-secret"); ok {
		t.Error("a deleted mailbox still logs in")
	}
	if ok, _ := dv.User("info@alice.example"); ok {
		t.Error("a deleted mailbox still resolves")
	}
	if ok, _ := dv.AuthTest("info@alice.org", "org-secret"); !ok {
		t.Error("deleting info@alice.example broke info@alice.org")
	}
}

// dovecotHash makes a hash with Dovecot's own tool, as a mailbox imported
// from another server would carry, without Dovecot's {SCHEME} prefix.
func dovecotHash(tb testing.TB, scheme, pass string) string {
	tb.Helper()
	out, err := exec.Command("doveadm", "pw", "-s", scheme, "-p", pass).Output()
	if err != nil {
		tb.Fatalf("doveadm pw -s %s: %v", scheme, err)
	}
	_, hash, _ := strings.Cut(strings.TrimSpace(string(out)), "}")
	if !password.IsHash(hash) {
		tb.Fatalf("doveadm pw -s %s gave %q, which uapid cannot verify", scheme, hash)
	}
	return hash
}
