package email_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/uapi"
)

func TestAddPop(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	tests := []struct {
		name      string
		args      []string
		want      string // data
		address   string
		wantQuota int64
	}{
		{"local part on the primary domain", []string{"email=info", "password=s3cret-pass"}, "info+example.com", "info@example.com", 1024},
		{"full address", []string{"email=sales%40example.net", "password=s3cret-pass"}, "sales+example.net", "sales@example.net", 1024},
		{"full address and the same domain", []string{"email=a%40example.net", "domain=example.net", "password=s3cret-pass"}, "a+example.net", "a@example.net", 1024},
		{"domain parameter", []string{"email=b", "domain=EXAMPLE.NET", "password=s3cret-pass", "quota=250"}, "b+example.net", "b@example.net", 250},
		{"case and spaces folded", []string{"email=%20Mixed.Case%20", "password=s3cret-pass"}, "mixed.case+example.com", "mixed.case@example.com", 1024},
		{"unlimited", []string{"email=u1", "password=s3cret-pass", "quota=unlimited"}, "u1+example.com", "u1@example.com", 0},
		{"zero is unlimited", []string{"email=u2", "password=s3cret-pass", "quota=0"}, "u2+example.com", "u2@example.com", 0},
		{"empty quota is the default", []string{"email=u3", "password=s3cret-pass", "quota="}, "u3+example.com", "u3@example.com", 1024},
		{"skip_update_db accepted", []string{"email=u4", "password=s3cret-pass", "skip_update_db=1"}, "u4+example.com", "u4@example.com", 1024},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustOK(t, e.call(e.a, "add_pop", tt.args...))
			if r.Data != tt.want {
				t.Fatalf("data %q, want %q", r.Data, tt.want)
			}
			user, domain, _ := strings.Cut(tt.address, "@")
			m, err := e.db.FindEmailAccount(context.Background(), e.a.ID, user, domain)
			if err != nil || m.QuotaMB != tt.wantQuota || !password.Verify(m.PasswordHash, "s3cret-pass") {
				t.Fatalf("stored %+v, %v; want quota %d and the password", m, err, tt.wantQuota)
			}
			if hash := e.publishedHash(t, tt.address); hash != m.PasswordHash {
				t.Fatalf("published hash %q, stored %q", hash, m.PasswordHash)
			}
			mustMaildir(t, maildir(e.a, user, domain))
		})
	}
}

// mustMaildir checks a new maildir: cur, new and tmp, mode 0700, owned by
// the mail user.
func mustMaildir(tb testing.TB, dir string) {
	tb.Helper()
	for _, d := range []string{dir, dir + "/cur", dir + "/new", dir + "/tmp"} {
		fi, err := os.Stat(d)
		if err != nil {
			tb.Fatal(err)
		}
		if !fi.IsDir() || fi.Mode().Perm() != 0o700 {
			tb.Errorf("%s: mode %v, want a 0700 directory", d, fi.Mode())
		}
		if uid := fi.Sys().(*syscall.Stat_t).Uid; int(uid) != mailUID() {
			tb.Errorf("%s: owner %d, want the mail user %d", d, uid, mailUID())
		}
	}
}

func TestAddPopPasswordHash(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	hash, _ := password.Hash("imported")
	mustOK(t, e.call(e.a, "add_pop", "email=imp", "password_hash="+hash))
	m, err := e.db.FindEmailAccount(context.Background(), e.a.ID, "imp", "example.com")
	if err != nil || m.PasswordHash != hash || e.publishedHash(t, "imp@example.com") != hash {
		t.Fatalf("stored %+v, %v; want the given hash", m, err)
	}
}

func TestAddPopWelcomeEmail(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	r := mustOK(t, e.call(e.a, "add_pop", "email=new", "password=s3cret-pass", "send_welcome_email=1"))
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "no welcome message") {
		t.Fatalf("warnings %q", r.Warnings)
	}
}

func TestAddPopErrors(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.a, "taken", "s3cret-pass")
	e.mustAdd(t, e.b, "info%40other.org", "s3cret-pass")
	hash, _ := password.Hash("x")
	tests := []struct {
		name, want string
		args       []string
	}{
		{"missing email", "“email”", []string{"password=p"}},
		{"empty email", "“email”", []string{"email=", "password=p"}},
		{"only a domain", "“email” parameter must name", []string{"email=%40example.com", "password=p"}},
		{"cpanel", "cannot be “cpanel”", []string{"email=cpanel", "password=p"}},
		{"cpanel, full address", "cannot be “cpanel”", []string{"email=CPanel%40example.net", "password=p"}},
		{"bad character", "“email” parameter may contain only", []string{"email=a%2Fb", "password=p"}},
		{"plus", "“email” parameter may contain only", []string{"email=a%2Bb", "password=p"}},
		{"leading dot", "“email” parameter may contain only", []string{"email=.a", "password=p"}},
		{"two dots", "“email” parameter may contain only", []string{"email=a..b", "password=p"}},
		{"too long", "“email” parameter may contain only", []string{"email=" + strings.Repeat("a", 65), "password=p"}},
		{"address too long", "at most 254", []string{"email=" + strings.Repeat("a", 250) + "%40example.com", "password=p"}},
		{"bad address", "The “email” parameter “a@b@example.com” is not a valid email address.", []string{"email=A%40b%40example.com", "password=p"}},
		{"empty local part", "The “email” parameter must name an email account (“user” or “user@domain”).", []string{"email=%40example.com", "password=p"}},
		{"address and other domain", "the “domain” parameter names “example.com”", []string{"email=a%40example.net", "domain=example.com", "password=p"}},
		{"domain of another tenant", "You do not own the domain “other.org”", []string{"email=a", "domain=other.org", "password=p"}},
		{"address of another tenant", "You do not own the domain “other.org”", []string{"email=a%40other.org", "password=p"}},
		{"unknown domain", "You do not own the domain “nowhere.example”", []string{"email=a%40nowhere.example", "password=p"}},
		{"bad domain", "“domain” parameter must be a valid domain", []string{"email=a", "domain=not_a_domain", "password=p"}},
		{"no password", "“password” or the “password_hash”", []string{"email=a"}},
		{"both passwords", "both the “password” and the “password_hash”", []string{"email=a", "password=p", "password_hash=" + hash}},
		{"bad hash", "“password_hash” parameter is not", []string{"email=a", "password_hash=plain"}},
		{"bad quota", "quota must be a number", []string{"email=a", "password=p", "quota=lots"}},
		{"negative quota", "quota must be a number", []string{"email=a", "password=p", "quota=-1"}},
		{"bad flag", "“send_welcome_email”", []string{"email=a", "password=p", "send_welcome_email=maybe"}},
		{"exists", "“taken@example.com” already exists", []string{"email=TAKEN", "password=p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.call(e.a, "add_pop", tt.args...), tt.want)
			if exists(t, maildir(e.a, "a", "example.com")) || exists(t, maildir(e.a, "a", "example.net")) {
				t.Fatal("a refused add_pop left a maildir behind")
			}
		})
	}
	if n, _ := e.db.CountEmailAccounts(context.Background(), e.a.ID); n != 1 {
		t.Fatalf("%d mailboxes after refused creations, want 1", n)
	}
}

func TestAddPopMaximumQuota(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, email.Config{DefaultQuotaMB: 100, MaxQuotaMB: 500}, nil)
	wantError(t, e.call(e.a, "add_pop", "email=a", "password=p", "quota=501"), "exceeds the maximum email account quota of 500 MB")
	wantError(t, e.call(e.a, "add_pop", "email=a", "password=p", "quota=unlimited"), "cannot be unlimited")
	wantError(t, e.call(e.a, "add_pop", "email=a", "password=p", "quota=0"), "cannot be unlimited")
	mustOK(t, e.call(e.a, "add_pop", "email=max", "password=p", "quota=500"))
	mustOK(t, e.call(e.a, "add_pop", "email=def", "password=p"))
	for user, want := range map[string]int64{"max": 500, "def": 100} {
		if m, err := e.db.FindEmailAccount(context.Background(), e.a.ID, user, "example.com"); err != nil || m.QuotaMB != want {
			t.Errorf("%s: %+v, %v; want quota %d", user, m, err, want)
		}
	}
}

// TestAddPopUndo: when publishing fails, the mailbox and the directories
// add_pop created are gone again, and a maildir that was there before
// (kept by delete_pop flags=passwd) keeps its mail.
func TestAddPopUndo(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, email.Config{}, func(p email.Publisher) email.Publisher { return failingPublisher{p} })
	r := e.call(e.a, "add_pop", "email=info", "password=s3cret-pass")
	wantError(t, r, "An internal error occurred")
	if exists(t, filepath.Join(e.a.HomeDir, "mail", "example.com")) {
		t.Error("the failed add_pop left mail/example.com behind")
	}
	if _, err := e.db.FindEmailAccount(context.Background(), e.a.ID, "info", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("the failed add_pop left the mailbox stored: %v", err)
	}

	kept := maildir(e.a, "old", "example.com")
	if err := os.MkdirAll(filepath.Join(kept, "cur"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kept, "cur", "1.mail"), []byte("Subject: kept\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantError(t, e.call(e.a, "add_pop", "email=old", "password=s3cret-pass"), "An internal error occurred")
	if !exists(t, filepath.Join(kept, "cur", "1.mail")) {
		t.Error("the failed add_pop removed mail that was there before")
	}
	if exists(t, filepath.Join(kept, "new")) {
		t.Error("the failed add_pop left the directories it created")
	}
}

// TestAddPopMaildirBlocked: a file where the maildir must go is refused
// with a message, not an internal error, and nothing is stored.
func TestAddPopMaildirBlocked(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	dir := filepath.Join(e.a.HomeDir, "mail", "example.com")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "info"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/", filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	wantError(t, e.call(e.a, "add_pop", "email=info", "password=p"), "exists and is not a directory")
	wantError(t, e.call(e.a, "add_pop", "email=escape", "password=p"), "cannot be created")
	if n, _ := e.db.CountEmailAccounts(context.Background(), e.a.ID); n != 0 {
		t.Fatalf("%d mailboxes stored", n)
	}
}

// TestAddPopConcurrent: racing creations in a domain that has no mail
// directory yet all end with their maildir, and of several creations of
// one address exactly one wins and keeps its maildir.
func TestAddPopConcurrent(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	const n = 6
	results := make([]*uapi.Result, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i] = e.call(e.a, "add_pop", fmt.Sprintf("email=user%d%%40example.net", i), "password=s3cret-pass")
		})
		wg.Go(func() { results[n+i] = e.call(e.a, "add_pop", "email=same%40example.net", "password=s3cret-pass") })
	}
	wg.Wait()
	won := 0
	for i, r := range results {
		switch {
		case i < n && r.Status != 1:
			t.Errorf("user%d: %q", i, r.Errors)
		case i >= n && r.Status == 1:
			won++
		case i >= n && !strings.Contains(r.Errors[0], "already exists"):
			t.Errorf("same: %q", r.Errors)
		}
	}
	if won != 1 {
		t.Fatalf("%d creations of the same address succeeded", won)
	}
	for i := range n {
		mustMaildir(t, maildir(e.a, fmt.Sprintf("user%d", i), "example.net"))
	}
	mustMaildir(t, maildir(e.a, "same", "example.net"))
	if got := len(e.published(t, "example.net")); got != n+1 {
		t.Fatalf("%d mailboxes published, want %d", got, n+1)
	}
}
