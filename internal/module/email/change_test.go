package email_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/password"
)

// mustMail drops a message into a maildir and returns its path.
func mustMail(tb testing.TB, dir, name string, size int) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Repeat("x", size)), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestDeletePop(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	tests := []struct {
		name     string
		address  string // created first
		args     []string
		keepMail bool
	}{
		{"local part", "a@example.com", []string{"email=a"}, false},
		{"full address", "b@example.net", []string{"email=B%40Example.NET"}, false},
		{"domain parameter", "c@example.net", []string{"email=c", "domain=example.net"}, false},
		{"flags=passwd keeps the mail", "d@example.com", []string{"email=d", "flags=passwd"}, true},
		{"other flags remove it", "f@example.com", []string{"email=f", "flags=other", "skip_quota=1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, domain, _ := strings.Cut(tt.address, "@")
			e.mustAdd(t, e.a, tt.address, "s3cret-pass")
			msg := mustMail(t, maildir(e.a, user, domain)+"/new", "1.mail", 100)
			r := mustOK(t, e.call(e.a, "delete_pop", tt.args...))
			if r.Data != nil || r.Warnings != nil {
				t.Fatalf("data %v, warnings %q", r.Data, r.Warnings)
			}
			if _, err := e.db.FindEmailAccount(context.Background(), e.a.ID, user, domain); hosting.ErrorCode(err) != hosting.ENOTFOUND {
				t.Fatalf("still stored: %v", err)
			}
			if _, ok := e.published(t, domain)[tt.address]; ok {
				t.Fatal("still published to the mail server")
			}
			if got := exists(t, msg); got != tt.keepMail {
				t.Fatalf("mail kept: %v, want %v", got, tt.keepMail)
			}
			if !tt.keepMail && exists(t, maildir(e.a, user, domain)) {
				t.Fatal("the maildir remains")
			}
		})
	}
}

// TestDeletePopKeepsAMaildirInUse: a maildir an FTP login is rooted in
// stays, with a warning, as every service's destroy keeps a directory
// another account uses.
func TestDeletePopKeepsAMaildirInUse(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.a, "g@example.com", "s3cret-pass")
	msg := mustMail(t, maildir(e.a, "g", "example.com")+"/new", "1.mail", 100)
	if err := e.db.CreateFTPAccount(context.Background(), &hosting.FTPAccount{AccountID: e.a.ID, User: "gftp",
		Domain: "example.com", PasswordHash: "x", HomeDir: "mail/example.com/g/new"}); err != nil {
		t.Fatal(err)
	}
	r := mustOK(t, e.call(e.a, "delete_pop", "email=g"))
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "because the FTP account “gftp@example.com” uses it") {
		t.Errorf("warnings %q", r.Warnings)
	}
	if !exists(t, msg) {
		t.Error("delete_pop removed the mail of a directory an FTP login uses")
	}
}

func TestDeletePopErrors(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.b, "info%40other.org", "s3cret-pass")
	tests := []struct {
		name, want string
		args       []string
	}{
		{"missing email", "“email”", nil},
		{"unknown", "The email account “nobody@example.com” does not exist.", []string{"email=nobody"}},
		{"another tenant's address", "You do not own the domain “other.org”", []string{"email=info%40other.org"}},
		{"another tenant's domain", "You do not own the domain “other.org”", []string{"email=info", "domain=other.org"}},
		{"address and other domain", "the “domain” parameter names", []string{"email=info%40example.com", "domain=example.net"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantError(t, e.call(e.a, "delete_pop", tt.args...), tt.want) })
	}
	if _, ok := e.published(t, "other.org")["info@other.org"]; !ok {
		t.Fatal("another tenant's mailbox was deleted")
	}
}

// TestDeletePopPublishFails: the deletion is committed and the maildir
// removed, and the failure to tell the mail server is reported.
func TestDeletePopPublishFails(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.a, "info", "s3cret-pass")
	failing, err := email.New(email.Config{}, e.db, failingPublisher{e.pub}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := failing.DeleteMailbox(context.Background(), e.a, "info", "example.com", false); hosting.ErrorCode(err) != hosting.EINTERNAL {
		t.Fatalf("error %v, want an internal error", err)
	}
	if exists(t, maildir(e.a, "info", "example.com")) {
		t.Error("the maildir remains")
	}
}

func TestPasswdPop(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.a, "info", "old-pass")
	e.mustAdd(t, e.a, "info%40example.net", "net-pass")
	mustOK(t, e.call(e.a, "passwd_pop", "email=info", "password=new-pass"))
	mustOK(t, e.call(e.a, "passwd_pop", "email=INFO%40example.net", "password=net-new"))
	for address, pass := range map[string]string{"info@example.com": "new-pass", "info@example.net": "net-new"} {
		hash := e.publishedHash(t, address)
		if !password.Verify(hash, pass) || password.Verify(hash, "old-pass") || password.Verify(hash, "net-pass") {
			t.Errorf("%s: the published hash does not hold only the new password", address)
		}
	}
	tests := []struct {
		name, want string
		args       []string
	}{
		{"missing password", "“password”", []string{"email=info"}},
		{"empty password", "“password”", []string{"email=info", "password="}},
		{"missing email", "“email”", []string{"password=x"}},
		{"unknown", "“nobody@example.com” does not exist", []string{"email=nobody", "password=x"}},
		{"another tenant's", "You do not own the domain", []string{"email=info%40other.org", "password=x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantError(t, e.call(e.a, "passwd_pop", tt.args...), tt.want) })
	}
}

func TestEditPopQuota(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, email.Config{DefaultQuotaMB: 100}, nil)
	e.mustAdd(t, e.a, "info", "s3cret-pass", "quota=10")
	tests := []struct {
		name string
		args []string
		want int64
	}{
		{"MB", []string{"email=info", "domain=example.com", "quota=250"}, 250},
		{"unlimited", []string{"email=info", "domain=example.com", "quota=unlimited"}, 0},
		{"full address, no domain", []string{"email=info%40example.com", "quota=20"}, 20},
		{"zero", []string{"email=info", "quota=0"}, 0},
		{"no quota is the default", []string{"email=info", "domain=example.com"}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustOK(t, e.call(e.a, "edit_pop_quota", tt.args...))
			m, err := e.db.FindEmailAccount(context.Background(), e.a.ID, "info", "example.com")
			if err != nil || m.QuotaMB != tt.want {
				t.Fatalf("stored %+v, %v; want quota %d", m, err, tt.want)
			}
			want := "*:storage=0"
			if tt.want > 0 {
				want = "*:storage=" + strconv.FormatInt(tt.want, 10) + "M"
			}
			if rest := e.published(t, "example.com")["info@example.com"]; !strings.Contains(rest, "userdb_quota_rule="+want) {
				t.Fatalf("published %q, want quota rule %s", rest, want)
			}
		})
	}
	wantError(t, e.call(e.a, "edit_pop_quota", "email=info", "quota=much"), "quota must be a number")
	wantError(t, e.call(e.a, "edit_pop_quota", "email=nobody", "quota=1"), "“nobody@example.com” does not exist")
	wantError(t, e.call(e.a, "edit_pop_quota", "quota=1"), "“email”")
	wantError(t, e.call(e.a, "edit_pop_quota", "email=info", "domain=other.org", "quota=1"), "You do not own the domain")
}

// TestEditPopQuotaMaximum: above the maximum, or unlimited, the maximum
// applies and the caller is told.
func TestEditPopQuotaMaximum(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, email.Config{DefaultQuotaMB: 100, MaxQuotaMB: 500}, nil)
	e.mustAdd(t, e.a, "info", "s3cret-pass")
	for _, q := range []string{"900", "unlimited"} {
		r := mustOK(t, e.call(e.a, "edit_pop_quota", "email=info", "quota="+q))
		if len(r.Messages) != 1 || !strings.Contains(r.Messages[0], "500 MB was applied") {
			t.Errorf("quota=%s: messages %q", q, r.Messages)
		}
		if m, _ := e.db.FindEmailAccount(context.Background(), e.a.ID, "info", "example.com"); m.QuotaMB != 500 {
			t.Errorf("quota=%s: stored %d, want 500", q, m.QuotaMB)
		}
	}
	if r := mustOK(t, e.call(e.a, "edit_pop_quota", "email=info", "quota=400")); r.Messages != nil {
		t.Errorf("a quota within the maximum: messages %q", r.Messages)
	}
}

func TestGetPopQuota(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.a, "q250", "s3cret-pass", "quota=250")
	e.mustAdd(t, e.a, "unl", "s3cret-pass", "quota=unlimited")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"MB", []string{"email=q250"}, "250"},
		{"bytes", []string{"email=q250", "as_bytes=1"}, "262144000"},
		{"full address", []string{"email=q250%40example.com", "as_bytes=0"}, "250"},
		{"unlimited", []string{"email=unl"}, `"unlimited"`},
		{"unlimited in bytes", []string{"email=unl", "as_bytes=1"}, `"unlimited"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dataJSON(t, mustOK(t, e.call(e.a, "get_pop_quota", tt.args...))); got != tt.want {
				t.Fatalf("data %s, want %s", got, tt.want)
			}
		})
	}
	wantError(t, e.call(e.a, "get_pop_quota", "email=nobody"), "does not exist")
	wantError(t, e.call(e.a, "get_pop_quota"), "“email”")
	wantError(t, e.call(e.a, "get_pop_quota", "email=q250", "as_bytes=2"), "“as_bytes”")
	wantError(t, e.call(e.b, "get_pop_quota", "email=q250", "domain=example.com"), "You do not own the domain")
}

func TestCountPops(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	if got := dataJSON(t, mustOK(t, e.call(e.a, "count_pops"))); got != "0" {
		t.Fatalf("count_pops = %s, want 0", got)
	}
	e.mustAdd(t, e.a, "a", "s3cret-pass")
	e.mustAdd(t, e.a, "a%40example.net", "s3cret-pass")
	e.mustAdd(t, e.b, "b", "s3cret-pass")
	if got := dataJSON(t, mustOK(t, e.call(e.a, "count_pops"))); got != "2" {
		t.Fatalf("count_pops = %s, want 2", got)
	}
	if got := dataJSON(t, mustOK(t, e.call(e.b, "count_pops"))); got != "1" {
		t.Fatalf("other's count_pops = %s, want 1", got)
	}
}

// TestFeatureGate: changes need the popaccts feature; reading does not.
func TestFeatureGate(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	limited := *e.a
	limited.Features = []string{hosting.FeatureFTPAccounts}
	for _, fn := range []string{"add_pop", "delete_pop", "passwd_pop", "edit_pop_quota"} {
		wantError(t, e.call(&limited, fn, "email=a", "password=p"), "popaccts")
	}
	for _, fn := range []string{"list_pops", "list_pops_with_disk", "count_pops"} {
		mustOK(t, e.call(&limited, fn))
	}
}
