package mailauth_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/mailauth"
	"github.com/uapid/uapid/internal/password"
)

func TestPublishDomainEntries(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustMailbox(t, e.alice, "info", "alice.example", "info-secret", 250)
	e.mustMailbox(t, e.alice, "big", "alice.example", "big-secret", 0)
	e.mustMailbox(t, e.alice, "info", "alice.org", "org-secret", 10)
	got := parseFile(t, e.pub.Path("alice.example"))
	if len(got) != 2 {
		t.Fatalf("alice.example holds %d entries, want 2: %v", len(got), got)
	}
	tests := []struct {
		address, pass, quota string
	}{
		{"info@alice.example", "info-secret", "*:storage=250M"},
		{"big@alice.example", "big-secret", "*:storage=0"},
	}
	for _, tt := range tests {
		t.Run(tt.address, func(t *testing.T) {
			l, ok := got[tt.address]
			if !ok {
				t.Fatalf("no entry for %s", tt.address)
			}
			user, domain, _ := strings.Cut(tt.address, "@")
			wantHome := filepath.Join(e.alice.HomeDir, "mail", domain, user)
			if l.scheme != "SHA512-CRYPT" || !password.Verify(l.hash, tt.pass) || password.Verify(l.hash, tt.pass+"x") {
				t.Errorf("password field {%s}%s does not verify %q (only)", l.scheme, l.hash, tt.pass)
			}
			if l.uid != testUID() || l.gid != testUID() || l.home != wantHome {
				t.Errorf("uid %d gid %d home %s, want %d %d %s", l.uid, l.gid, l.home, testUID(), testUID(), wantHome)
			}
			if l.extra["userdb_mail"] != "maildir:~" || l.extra["userdb_quota_rule"] != tt.quota {
				t.Errorf("extra fields %v, want mail maildir:~ and quota %s", l.extra, tt.quota)
			}
			if _, ok := l.extra["nologin"]; ok {
				t.Error("an active account's mailbox carries nologin")
			}
		})
	}
	if org := parseFile(t, e.pub.Path("alice.org")); len(org) != 1 || !password.Verify(org["info@alice.org"].hash, "org-secret") {
		t.Errorf("alice.org: %v", org)
	}
	if fi, err := os.Stat(e.pub.Path("alice.example")); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("file mode: %v, %v; want 0640", fi.Mode(), err)
	}
	if fi, err := os.Stat(e.dir); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("directory mode: %v, %v; want 0750", fi.Mode(), err)
	}
}

// TestPublishFollowsChanges: the file is the store's state after every
// change: a new password replaces the old one, a deleted mailbox is gone,
// and the file of a domain without mailboxes is emptied, not removed
// (Dovecot would keep serving a removed file's last contents).
func TestPublishFollowsChanges(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	info := e.mustMailbox(t, e.alice, "info", "alice.example", "old-secret", 0)
	sales := e.mustMailbox(t, e.alice, "sales", "alice.example", "sales-secret", 0)

	newHash, _ := password.Hash("new-secret")
	if err := e.db.UpdateEmailAccount(ctx, info.ID, hosting.EmailAccountUpdate{PasswordHash: &newHash}); err != nil {
		t.Fatal(err)
	}
	e.mustPublish(t, "alice.example")
	l := parseFile(t, e.pub.Path("alice.example"))["info@alice.example"]
	if !password.Verify(l.hash, "new-secret") || password.Verify(l.hash, "old-secret") {
		t.Fatalf("after the password change the entry is %+v", l)
	}

	if err := e.db.DeleteEmailAccount(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	e.mustPublish(t, "alice.example")
	if got := parseFile(t, e.pub.Path("alice.example")); len(got) != 1 || got["sales@alice.example"].hash == "" {
		t.Fatalf("after deleting info: %v", got)
	}

	if err := e.db.DeleteEmailAccount(ctx, sales.ID); err != nil {
		t.Fatal(err)
	}
	e.mustPublish(t, "alice.example")
	mustEmptyFile(t, e.pub.Path("alice.example"))
}

// mustEmptyFile fails unless path exists and holds no entry.
func mustEmptyFile(tb testing.TB, path string) {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("%s was removed instead of emptied: %v", filepath.Base(path), err)
	}
	if got := parseFile(tb, path); len(got) != 0 {
		tb.Fatalf("%s still holds %v", filepath.Base(path), got)
	}
}

// TestPublishDomainLeavesAccount: mailboxes go with their domain, and the
// domain's next owner starts without a file.
func TestPublishDomainLeavesAccount(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	e.mustMailbox(t, e.alice, "info", "alice.org", "secret", 0)
	if err := e.accounts.RemoveDomain(ctx, "alice", "alice.org"); err != nil {
		t.Fatal(err)
	}
	e.mustPublish(t, "alice.org")
	mustEmptyFile(t, e.pub.Path("alice.org"))
	if err := e.accounts.AddDomain(ctx, "bob", "alice.org"); err != nil {
		t.Fatal(err)
	}
	e.mustPublish(t, "alice.org")
	if got := parseFile(t, e.pub.Path("alice.org")); len(got) != 0 {
		t.Fatalf("bob inherited alice's mailboxes: %v", got)
	}
}

// TestPublishReplacesAtomically: a change renames a complete new file over
// the old one (a reader holding the old inode sees the old file whole), no
// temporary file stays behind, and an unchanged file is not touched.
func TestPublishReplacesAtomically(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustMailbox(t, e.alice, "info", "alice.example", "secret", 0)
	path := e.pub.Path("alice.example")
	before := inode(t, path)
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()

	e.mustPublish(t, "alice.example")
	if inode(t, path) != before {
		t.Error("publishing an unchanged domain rewrote its file")
	}
	e.mustMailbox(t, e.alice, "sales", "alice.example", "secret", 0)
	if inode(t, path) == before {
		t.Error("the file was changed in place, not replaced")
	}
	var oldBody strings.Builder
	buf := make([]byte, 4096)
	n, _ := old.Read(buf)
	oldBody.Write(buf[:n])
	if strings.Contains(oldBody.String(), "sales@") || !strings.Contains(oldBody.String(), "info@alice.example:") {
		t.Errorf("a reader of the old file saw %q", oldBody.String())
	}
	if names := dirNames(t, e.dir); !slices.Equal(names, []string{"alice.example"}) {
		t.Errorf("directory holds %v, want only alice.example", names)
	}
}

func inode(tb testing.TB, path string) uint64 {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// TestPublishConcurrent: publishes racing with changes end with the file
// holding the store's final state.
func TestPublishConcurrent(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	const writers = 8
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			hash, _ := password.Hash(fmt.Sprintf("secret-%d", i))
			m := &hosting.EmailAccount{AccountID: e.alice.ID, User: fmt.Sprintf("user%d", i),
				Domain: "alice.example", PasswordHash: hash, QuotaMB: int64(i)}
			if err := e.db.CreateEmailAccount(ctx, m); err != nil {
				t.Error(err)
				return
			}
			if err := e.pub.PublishDomain(ctx, "alice.example"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got := parseFile(t, e.pub.Path("alice.example"))
	if len(got) != writers {
		t.Fatalf("%d entries after %d concurrent creations", len(got), writers)
	}
	for i := range writers {
		if l := got[fmt.Sprintf("user%d@alice.example", i)]; !password.Verify(l.hash, fmt.Sprintf("secret-%d", i)) {
			t.Errorf("user%d: %+v", i, l)
		}
	}
	if names := dirNames(t, e.dir); len(names) != 1 {
		t.Errorf("directory holds %v", names)
	}
}

// TestPublishAll: the start-up pass writes every domain, empties files of
// domains without mailboxes, removes temporary leftovers, and leaves other
// names alone.
func TestPublishAll(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	// A domain may contain the temporary files' marker.
	if err := e.accounts.AddDomain(ctx, "bob", "x.tmp-y.example"); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		acct         *hosting.Account
		user, domain string
	}{{e.alice, "info", "alice.example"}, {e.alice, "info", "alice.org"}, {e.bob, "bob", "bob.example"}, {e.bob, "x", "x.tmp-y.example"}} {
		hash, _ := password.Hash("secret")
		if err := e.db.CreateEmailAccount(ctx, &hosting.EmailAccount{AccountID: m.acct.ID, User: m.user, Domain: m.domain, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range map[string]string{
		"gone.example":                    "x@gone.example:{SHA512-CRYPT}$6$a$b:1:1::/h::\n",
		".alice.example.tmp-0123456789ab": "half-written",
		"README":                          "operator's notes\n",
	} {
		if err := os.WriteFile(filepath.Join(e.dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.pub.PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"README", "alice.example", "alice.org", "bob.example", "gone.example", "x.tmp-y.example"}
	if names := dirNames(t, e.dir); !slices.Equal(names, want) {
		t.Fatalf("directory holds %v, want %v", names, want)
	}
	mustEmptyFile(t, e.pub.Path("gone.example"))
	if b, _ := os.ReadFile(filepath.Join(e.dir, "README")); string(b) != "operator's notes\n" {
		t.Errorf("README was changed to %q", b)
	}
	if got := parseFile(t, e.pub.Path("bob.example")); !password.Verify(got["bob@bob.example"].hash, "secret") {
		t.Errorf("bob.example: %v", got)
	}
	if got := parseFile(t, e.pub.Path("alice.org")); got["info@alice.org"].home != filepath.Join(e.alice.HomeDir, "mail/alice.org/info") {
		t.Errorf("alice.org: %v", got)
	}
}

// TestPublishSuspended: a suspended account's mailboxes cannot log in but
// still resolve (userdb), so mail keeps being delivered.
func TestPublishSuspended(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	e.mustMailbox(t, e.alice, "info", "alice.example", "secret", 0)
	if err := e.accounts.SetSuspended(ctx, "alice", true); err != nil {
		t.Fatal(err)
	}
	if err := e.pub.PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	l := parseFile(t, e.pub.Path("alice.example"))["info@alice.example"]
	if l.extra["nologin"] != "y" || l.extra["userdb_mail"] != "maildir:~" {
		t.Fatalf("suspended entry: %+v", l)
	}
}

// TestImportedHashSchemes: hashes given as password_hash are published
// under the scheme Dovecot must use for them.
func TestImportedHashSchemes(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	tests := []struct{ user, hash, scheme string }{
		{"sha512", "$6$salt$abc", "SHA512-CRYPT"},
		{"sha256", "$5$salt$abc", "SHA256-CRYPT"},
		{"md5", "$1$salt$abc", "MD5-CRYPT"},
		{"bcrypt", "$2y$05$abcdefghijklmnopqrstuuabc", "BLF-CRYPT"},
		{"other", "abcdefghijkl", "CRYPT"},
	}
	for _, tt := range tests {
		e.mustMailboxHash(t, e.bob, tt.user, "bob.example", tt.hash, 0)
	}
	got := parseFile(t, e.pub.Path("bob.example"))
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			if l := got[tt.user+"@bob.example"]; l.scheme != tt.scheme || l.hash != tt.hash {
				t.Errorf("{%s}%s, want {%s}%s", l.scheme, l.hash, tt.scheme, tt.hash)
			}
		})
	}
}

func TestPublishRefuses(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	for _, domain := range []string{"", "..", "a/b.example", "Alice.Example", "alice.example/../x"} {
		if err := e.pub.PublishDomain(ctx, domain); err == nil {
			t.Errorf("PublishDomain(%q) succeeded", domain)
		}
	}
	// A hash that would break the line: the old file stays as it was.
	e.mustMailbox(t, e.alice, "info", "alice.example", "secret", 0)
	e.mustMailboxHash(t, e.alice, "ok", "alice.org", "$6$a$b", 0)
	if err := e.db.CreateEmailAccount(ctx, &hosting.EmailAccount{AccountID: e.alice.ID, User: "evil",
		Domain: "alice.example", PasswordHash: "x:0:0::/root::\nroot@alice.example:{PLAIN}x"}); err != nil {
		t.Fatal(err)
	}
	if err := e.pub.PublishDomain(ctx, "alice.example"); err == nil {
		t.Fatal("a hash holding separators was published")
	}
	if got := parseFile(t, e.pub.Path("alice.example")); len(got) != 1 || got["info@alice.example"].hash == "" {
		t.Fatalf("after the refused publish: %v", got)
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	tests := []struct {
		name string
		cfg  mailauth.Config
	}{
		{"no directory", mailauth.Config{UID: 1000, GID: 1000}},
		{"relative directory", mailauth.Config{Dir: "passwd.d", UID: 1000, GID: 1000}},
		{"negative uid", mailauth.Config{Dir: t.TempDir(), UID: -1, GID: 1000}},
		{"directory is a file", mailauth.Config{Dir: mustFile(t), UID: 1000, GID: 1000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := mailauth.New(tt.cfg, db, nil); err == nil {
				t.Fatal("New succeeded")
			}
		})
	}
	if os.Getuid() == 0 {
		if _, err := mailauth.New(mailauth.Config{Dir: t.TempDir()}, db, nil); err == nil {
			t.Error("New as root without a mail user succeeded: Dovecot refuses uid 0")
		}
	}
}

func mustFile(tb testing.TB) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "file")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestDovecotSnippet(t *testing.T) {
	t.Parallel()
	got := mailauth.DovecotSnippet("/srv/100%/passwd.d")
	for _, want := range []string{"args = /srv/100%%/passwd.d/%d", "driver = passwd-file", "auth_username_format = %Lu", "userdb {", "passdb {"} {
		if !strings.Contains(got, want) {
			t.Errorf("snippet lacks %q:\n%s", want, got)
		}
	}
}

// TestPublishMtimeAdvances: Dovecot re-reads a passwd-file only when its
// mtime (whole seconds) or size changes, so every replacement must move the
// mtime to a later second, even several same-sized ones within a second.
func TestPublishMtimeAdvances(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	m := e.mustMailbox(t, e.alice, "info", "alice.example", "secret-0", 0)
	path := e.pub.Path("alice.example")
	last := mtime(t, path)
	for i := 1; i <= 3; i++ {
		hash, _ := password.Hash(fmt.Sprintf("secret-%d", i))
		if err := e.db.UpdateEmailAccount(ctx, m.ID, hosting.EmailAccountUpdate{PasswordHash: &hash}); err != nil {
			t.Fatal(err)
		}
		size := fileSize(t, path)
		e.mustPublish(t, "alice.example")
		if fileSize(t, path) != size {
			t.Fatalf("round %d: the size changed, so the test proves nothing", i)
		}
		if now := mtime(t, path); now <= last {
			t.Fatalf("round %d: mtime %d after %d", i, now, last)
		} else {
			last = now
		}
	}
}

func mtime(tb testing.TB, path string) int64 {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.ModTime().Unix()
}

func fileSize(tb testing.TB, path string) int64 {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}

// TestFileGroup: with FileGID the directory and files belong to that group
// (Dovecot's), which reads them through mode 0750/0640.
func TestFileGroup(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("changing a file's group to a foreign one needs root")
	}
	const gid = 65534
	e := mustEnv(t)
	dir := filepath.Join(t.TempDir(), "passwd.d")
	pub, err := mailauth.New(mailauth.Config{Dir: dir, UID: testUID(), GID: testUID(), FileGID: gid}, e.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.mustMailbox(t, e.alice, "info", "alice.example", "secret", 0)
	if err := pub.PublishAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, pub.Path("alice.example")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if g := fi.Sys().(*syscall.Stat_t).Gid; g != gid {
			t.Errorf("%s: group %d, want %d", p, g, gid)
		}
	}
}
