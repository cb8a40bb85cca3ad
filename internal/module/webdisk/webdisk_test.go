package webdisk_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

func TestAddUser(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	hash, err := password.Hash("hashed-pass")
	if err != nil {
		t.Fatal(err)
	}
	ha1 := hosting.DigestHA1("imp@example.com", realm, "hashed-pass")
	tests := []struct {
		name         string
		args         []string
		data         string // add_user's data
		user, domain string
		check        func(w *hosting.WebDiskAccount) bool
		dir          string
		mode         os.FileMode
	}{
		{"defaults", []string{"user=bob", "password=pw"},
			`{"domain":"example.com","enabledigest":0,"login":"bob@example.com","perms":"rw","user":"bob"}`, "bob", "example.com",
			func(w *hosting.WebDiskAccount) bool {
				return w.HomeDir == "public_html/bob" && !w.ReadOnly() && !w.Private && !w.EnableDigest && w.DigestHA1 == "" &&
					password.Verify(w.PasswordHash, "pw")
			}, "public_html/bob", 0o755},
		{"full login, API 2 options", []string{"user=Carol@Example.NET", "password=pw", "perms=ro", "private=1", "enabledigest=1", "homedir=dav/carol"},
			`{"domain":"example.net","enabledigest":1,"login":"carol@example.net","perms":"ro","user":"carol"}`, "carol", "example.net",
			func(w *hosting.WebDiskAccount) bool {
				return w.HomeDir == "dav/carol" && w.ReadOnly() && w.Private && w.DigestHA1 == hosting.DigestHA1("carol@example.net", realm, "pw")
			}, "dav/carol", 0o700},
		{"domain parameter", []string{"user=dan", "domain=example.net", "password=pw"},
			`{"domain":"example.net","enabledigest":0,"login":"dan@example.net","perms":"rw","user":"dan"}`, "dan", "example.net",
			nil, "public_html/dan", 0o755},
		{"login alias and absolute homedir", []string{"login=abs", "password=pw", "homedir=" + e.a.HomeDir + "/public_html/webdav/"},
			`{"domain":"example.com","enabledigest":0,"login":"abs@example.com","perms":"rw","user":"abs"}`, "abs", "example.com",
			func(w *hosting.WebDiskAccount) bool { return w.HomeDir == "public_html/webdav" }, "public_html/webdav", 0o755},
		{"password hash with digest hash", []string{"user=imp", "password_hash=" + hash, "digest_auth_hash=" + strings.ToUpper(ha1), "enabledigest=1"},
			`{"domain":"example.com","enabledigest":1,"login":"imp@example.com","perms":"rw","user":"imp"}`, "imp", "example.com",
			func(w *hosting.WebDiskAccount) bool { return w.PasswordHash == hash && w.DigestHA1 == ha1 }, "public_html/imp", 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.mustOK(t, e.a, "add_user", tt.args...)
			if got := dataJSON(t, r); got != tt.data {
				t.Errorf("data %s\nwant %s", got, tt.data)
			}
			if w := e.get(t, e.a, tt.user, tt.domain); tt.check != nil && !tt.check(w) {
				t.Errorf("stored %+v", w)
			}
			if m := mode(t, e.a, tt.dir); m != tt.mode {
				t.Errorf("mode of %s = %o, want %o", tt.dir, m, tt.mode)
			}
		})
	}
}

// TestAddUserErrors: every bad input is refused with a message naming the
// parameter, and nothing is left behind: no login, no directory.
func TestAddUserErrors(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "add_user", "user=taken", "password=pw")
	if err := os.WriteFile(filepath.Join(e.a.HomeDir, "public_html/afile"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(e.b.HomeDir, filepath.Join(e.a.HomeDir, "out")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no user", []string{"password=pw"}, "“user”"},
		{"bad user", []string{"user=b%d", "password=pw"}, "“user”"},
		{"long user", []string{"user=" + strings.Repeat("x", 65), "password=pw"}, "“user”"},
		{"empty local part", []string{"user=@example.com", "password=pw"}, "The “user” parameter must name a Web Disk account: a user name or user@domain."},
		{"bad domain in user", []string{"user=x@bad_domain", "password=pw"}, "The “user” parameter names the domain “bad_domain”, which is not a valid domain name."},
		{"another tenant's domain", []string{"user=x@other.org", "password=pw"}, "You do not own the domain “other.org”"},
		{"unowned domain parameter", []string{"user=x", "domain=other.org", "password=pw"}, "You do not own the domain “other.org”"},
		{"domains disagree", []string{"user=x@example.com", "domain=example.net", "password=pw"}, "The “user” parameter names the domain “example.com” but the “domain” parameter names “example.net”."},
		{"no password", []string{"user=x"}, "“password”"},
		{"both passwords", []string{"user=x", "password=pw", "password_hash=$6$s$h"}, "“password_hash”"},
		{"bad hash", []string{"user=x", "password_hash=plain"}, "“password_hash”"},
		{"hash without digest hash", []string{"user=x", "password_hash=$6$saltsalt$" + strings.Repeat("a", 86), "enabledigest=1"}, "“digest_auth_hash”"},
		{"bad digest hash", []string{"user=x", "password_hash=$6$saltsalt$" + strings.Repeat("a", 86), "enabledigest=1", "digest_auth_hash=xyz"}, "“digest_auth_hash”"},
		{"bad perms", []string{"user=x", "password=pw", "perms=rwx"}, "“perms”"},
		{"bad private", []string{"user=x", "password=pw", "private=maybe"}, "“private”"},
		{"homedir is a file", []string{"user=x", "password=pw", "homedir=public_html/afile/sub"}, "“homedir”"},
		{"homedir through a symlink out", []string{"user=x", "password=pw", "homedir=out/x"}, "“homedir”"},
		{"exists", []string{"user=TAKEN", "password=pw"}, "The Web Disk account “taken@example.com” already exists."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.mustFail(t, e.a, "add_user", tt.want, tt.args...)
		})
	}
	if got := e.logins(t, e.a); !slices.Equal(got, []string{"taken@example.com"}) {
		t.Errorf("logins after failures: %v", got)
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "public_html/x")); !os.IsNotExist(err) {
		t.Error("a failed add_user left its directory behind")
	}
	if _, err := os.Stat(filepath.Join(e.b.HomeDir, "x")); !os.IsNotExist(err) {
		t.Error("add_user created a directory through a symlink in another tenant's home")
	}
	// Unlike Ftp::add_ftp, the same domain in user and domain is accepted.
	e.mustOK(t, e.a, "add_user", "user=twice@example.net", "domain=example.net", "password=pw")
}

// failingStore refuses to create or update logins, as a database that
// goes away would.
type failingStore struct{ hosting.WebDiskAccountStore }

func (failingStore) CreateWebDiskAccount(context.Context, *hosting.WebDiskAccount) error {
	return os.ErrDeadlineExceeded
}

func (failingStore) UpdateWebDiskAccount(context.Context, int64, hosting.WebDiskAccountUpdate) error {
	return os.ErrDeadlineExceeded
}

// TestNothingHalfMade: when the store fails after the directory work, the
// directories made are removed and a changed mode is restored.
func TestNothingHalfMade(t *testing.T) {
	t.Parallel()
	var fail bool
	e := mustEnvWith(t, func(st hosting.WebDiskAccountStore) hosting.WebDiskAccountStore {
		return switchStore{real: st, fail: &fail}
	}, nil)
	e.mustOK(t, e.a, "add_user", "user=bob", "password=pw")
	if err := os.MkdirAll(filepath.Join(e.a.HomeDir, "existing"), 0o755); err != nil {
		t.Fatal(err)
	}
	fail = true
	for _, call := range [][]string{
		{"add_user", "user=new", "password=pw", "homedir=deep/new/dir"},
		{"set_homedir", "user=bob@example.com", "homedir=other/dir"},
		{"set_homedir", "user=bob@example.com", "homedir=existing", "private=1"},
	} {
		if r := e.call(e.a, call[0], call[1:]...); r.Status != 0 || !strings.Contains(r.Errors[0], "internal error") {
			t.Fatalf("%v: %+v", call, r)
		}
	}
	for _, dir := range []string{"deep", "other"} {
		if _, err := os.Stat(filepath.Join(e.a.HomeDir, dir)); !os.IsNotExist(err) {
			t.Errorf("%s left behind", dir)
		}
	}
	if m := mode(t, e.a, "existing"); m != 0o755 {
		t.Errorf("existing's mode is %o after a failed change", m)
	}
	if w := e.get(t, e.a, "bob", "example.com"); w.HomeDir != "public_html/bob" {
		t.Errorf("bob's homedir is %q", w.HomeDir)
	}
}

// switchStore fails creates and updates while *fail is set.
type switchStore struct {
	real hosting.WebDiskAccountStore
	fail *bool
}

func (s switchStore) store() hosting.WebDiskAccountStore {
	if *s.fail {
		return failingStore{s.real}
	}
	return s.real
}

func (s switchStore) CreateWebDiskAccount(ctx context.Context, w *hosting.WebDiskAccount) error {
	return s.store().CreateWebDiskAccount(ctx, w)
}

func (s switchStore) FindWebDiskAccount(ctx context.Context, id int64, u, d string) (*hosting.WebDiskAccount, error) {
	return s.real.FindWebDiskAccount(ctx, id, u, d)
}

func (s switchStore) FindWebDiskAccountByLogin(ctx context.Context, u, d string) (*hosting.WebDiskAccount, error) {
	return s.real.FindWebDiskAccountByLogin(ctx, u, d)
}

func (s switchStore) ListWebDiskAccounts(ctx context.Context, id int64) ([]*hosting.WebDiskAccount, error) {
	return s.real.ListWebDiskAccounts(ctx, id)
}

func (s switchStore) UpdateWebDiskAccount(ctx context.Context, id int64, upd hosting.WebDiskAccountUpdate) error {
	return s.store().UpdateWebDiskAccount(ctx, id, upd)
}

func (s switchStore) DeleteWebDiskAccount(ctx context.Context, id int64) error {
	return s.real.DeleteWebDiskAccount(ctx, id)
}

func (s switchStore) DeleteWebDiskAccountIntent(ctx context.Context, id int64, in *hosting.Intent) error {
	return s.real.DeleteWebDiskAccountIntent(ctx, id, in)
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	if r := e.mustOK(t, e.a, "list_users"); dataJSON(t, r) != "[]" || r.Metadata["transformed"] != 1 {
		t.Fatalf("empty list: %s %v", dataJSON(t, r), r.Metadata)
	}
	e.mustOK(t, e.a, "add_user", "user=web", "password=pw", "enabledigest=1", "private=1", "homedir=public_html/webdav")
	e.mustOK(t, e.a, "add_user", "user=ro@example.net", "password=pw", "perms=ro")
	e.mustOK(t, e.b, "add_user", "user=eve", "password=pw")
	got := strings.ReplaceAll(dataJSON(t, e.mustOK(t, e.a, "list_users")), e.a.HomeDir, "/home/cpuser")
	want := `[{"domain":"example.net","hasdigest":0,"homedir":"/home/cpuser/public_html/ro","login":"ro@example.net",` +
		`"mainport":"2077","perms":"ro","private":0,"reldir":"public_html/ro","sslport":"2078","user":"ro"},` +
		`{"domain":"example.com","hasdigest":1,"homedir":"/home/cpuser/public_html/webdav","login":"web@example.com",` +
		`"mainport":"2077","perms":"rw","private":1,"reldir":"public_html/webdav","sslport":"2078","user":"web"}]`
	if got != want {
		t.Errorf("list_users\n got %s\nwant %s", got, want)
	}
	if got := dataJSON(t, e.mustOK(t, e.a, "list_users", "regex=^WEB@")); !strings.Contains(got, "web@example.com") || strings.Contains(got, "ro@") {
		t.Errorf("regex filter: %s", got)
	}
	e.mustFail(t, e.a, "list_users", "“regex”", "regex=(")
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "add_user", "user=bob", "password=old", "enabledigest=1")
	e.kills.take()
	e.mustOK(t, e.a, "set_password", "user=bob@example.com", "password=new", "enabledigest=1")
	w := e.get(t, e.a, "bob", "example.com")
	if !password.Verify(w.PasswordHash, "new") || w.DigestHA1 != hosting.DigestHA1("bob@example.com", realm, "new") || !w.HasDigest() {
		t.Errorf("after set_password with digest: %+v", w)
	}
	if k := e.kills.take(); !slices.Equal(k, []string{"bob@example.com"}) {
		t.Errorf("connections closed: %v", k)
	}
	// enabledigest defaults to 0, as cPanel documents: Digest goes off.
	e.mustOK(t, e.a, "set_password", "login=bob", "password=newer")
	if w := e.get(t, e.a, "bob", "example.com"); w.EnableDigest || w.DigestHA1 != "" || !password.Verify(w.PasswordHash, "newer") {
		t.Errorf("after set_password without digest: %+v", w)
	}
	e.kills.take()
	e.mustFail(t, e.a, "set_password", "“password”", "user=bob@example.com")
	e.mustFail(t, e.a, "set_password", "“password”", "user=bob@example.com", "password=")
	e.mustFail(t, e.a, "set_password", "“user”", "password=x")
	e.mustFail(t, e.a, "set_password", "“enabledigest”", "user=bob@example.com", "password=x", "enabledigest=2")
	e.mustFail(t, e.a, "set_password", "The Web Disk account “nobody@example.com” does not exist.", "user=nobody@example.com", "password=x")
	if k := e.kills.take(); len(k) != 0 {
		t.Errorf("failed calls closed connections: %v", k)
	}
}

// TestSetPasswordWithHash: the login stores the caller's hash of the
// password as is (UserManager records it), with the Digest hash made from
// the password; a hash of another password is refused.
func TestSetPasswordWithHash(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	e.mustOK(t, e.a, "add_user", "user=bob", "password=old")
	h, err := password.Hash("new")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, plain, hash string
		digest            bool
		wantErr           string // substring; "" for none
	}{
		{name: "with Digest", plain: "new", hash: h, digest: true},
		{name: "without Digest", plain: "new", hash: h},
		{name: "no hash: one is made", plain: "new", digest: true},
		{name: "another password's hash", plain: "other", hash: h, wantErr: "not its hash"},
		{name: "no password", hash: h, wantErr: "“password”"},
	}
	for _, tt := range tests {
		err := e.svc.SetPasswordWithHash(ctx, e.a, "bob", "example.com", tt.plain, tt.hash, tt.digest)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		w := e.get(t, e.a, "bob", "example.com")
		wantHA1 := ""
		if tt.digest {
			wantHA1 = hosting.DigestHA1("bob@example.com", realm, tt.plain)
		}
		if err != nil || !password.Verify(w.PasswordHash, tt.plain) || (tt.hash != "" && w.PasswordHash != tt.hash) || w.DigestHA1 != wantHA1 {
			t.Errorf("%s: %v; stored %+v", tt.name, err, w)
		}
	}
}

func TestSetHomedir(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "add_user", "user=bob", "password=pw")
	e.kills.take()
	// Like cPanel, ".." components are dropped, not followed.
	r := e.mustOK(t, e.a, "set_homedir", "user=bob@example.com", "homedir=../sites/../bob/private", "private=1")
	if w := e.get(t, e.a, "bob", "example.com"); w.HomeDir != "sites/bob/private" || !w.Private {
		t.Errorf("after set_homedir: %+v", w)
	}
	if m, p := mode(t, e.a, "sites/bob/private"), mode(t, e.a, "sites/bob"); m != 0o700 || p != 0o755 {
		t.Errorf("modes: dir %o, parent %o", m, p)
	}
	if r.Warnings != nil || r.Data != nil {
		t.Errorf("result: %+v", r)
	}
	if k := e.kills.take(); !slices.Equal(k, []string{"bob@example.com"}) {
		t.Errorf("connections closed: %v", k)
	}
	// private defaults to 0: the directory becomes public again.
	e.mustOK(t, e.a, "set_homedir", "user=bob@example.com", "homedir="+e.a.HomeDir+"/sites/bob/private")
	if m := mode(t, e.a, "sites/bob/private"); m != 0o755 {
		t.Errorf("after private=0: %o", m)
	}
	// The home layout keeps its modes; asking for privacy gets a warning.
	before := mode(t, e.a, "public_html")
	r = e.mustOK(t, e.a, "set_homedir", "user=bob@example.com", "homedir=public_html", "private=1")
	if mode(t, e.a, "public_html") != before || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "public_html") {
		t.Errorf("public_html mode %o → %o, warnings %q", before, mode(t, e.a, "public_html"), r.Warnings)
	}
	if err := os.Symlink(e.b.HomeDir, filepath.Join(e.a.HomeDir, "out")); err != nil {
		t.Fatal(err)
	}
	e.mustFail(t, e.a, "set_homedir", "“homedir”", "user=bob@example.com")
	e.mustFail(t, e.a, "set_homedir", "“homedir”", "user=bob@example.com", "homedir=out/x")
	e.mustFail(t, e.a, "set_homedir", "does not exist", "user=nobody@example.com", "homedir=x")
	if w := e.get(t, e.a, "bob", "example.com"); w.HomeDir != "public_html" {
		t.Errorf("failed calls changed the homedir: %q", w.HomeDir)
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "x")); !os.IsNotExist(err) {
		t.Error("a call for a missing login created its directory")
	}
}

func TestSetPermissions(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "add_user", "user=bob", "password=pw")
	e.kills.take()
	e.mustOK(t, e.a, "set_permissions", "user=bob@example.com", "perms=ro")
	if w := e.get(t, e.a, "bob", "example.com"); !w.ReadOnly() {
		t.Errorf("after perms=ro: %+v", w)
	}
	if k := e.kills.take(); !slices.Equal(k, []string{"bob@example.com"}) {
		t.Errorf("connections closed: %v", k)
	}
	e.mustOK(t, e.a, "set_permissions", "user=bob@example.com", "perms=rw")
	if w := e.get(t, e.a, "bob", "example.com"); w.ReadOnly() {
		t.Errorf("after perms=rw: %+v", w)
	}
	e.mustFail(t, e.a, "set_permissions", "“perms”", "user=bob@example.com")
	e.mustFail(t, e.a, "set_permissions", "“perms”", "user=bob@example.com", "perms=RW")
	e.mustFail(t, e.a, "set_permissions", "does not exist", "user=nobody@example.com", "perms=ro")
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "add_user", "user=keep", "password=pw")
	e.mustOK(t, e.a, "add_user", "user=gone", "password=pw")
	e.mustOK(t, e.a, "add_user", "user=site", "password=pw", "homedir=public_html")
	e.mustOK(t, e.a, "add_user", "user=outer", "password=pw", "homedir=shared")
	e.mustOK(t, e.a, "add_user", "user=inner", "password=pw", "homedir=shared/inner")
	e.kills.take()
	e.mustFail(t, e.a, "delete_user", "“destroy”", "user=keep@example.com")
	e.mustOK(t, e.a, "delete_user", "user=keep@example.com", "destroy=0")
	if mode(t, e.a, "public_html/keep") == 0 {
		t.Error("destroy=0 removed the directory")
	}
	e.mustOK(t, e.a, "delete_user", "user=gone@example.com", "destroy=1")
	if mode(t, e.a, "public_html/gone") != 0 {
		t.Error("destroy=1 kept the directory")
	}
	e.mustOK(t, e.a, "delete_user", "user=site@example.com", "destroy=1")
	if mode(t, e.a, "public_html") == 0 {
		t.Fatal("destroy removed public_html")
	}
	r := e.mustOK(t, e.a, "delete_user", "user=outer@example.com", "destroy=1")
	if mode(t, e.a, "shared/inner") == 0 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "inner@example.com") {
		t.Errorf("destroy of a directory holding another login's: warnings %q", r.Warnings)
	}
	e.mustOK(t, e.a, "add_user", "user=dav", "password=pw", "homedir=both")
	if err := e.db.CreateFTPAccount(context.Background(), &hosting.FTPAccount{AccountID: e.a.ID, User: "ftp1",
		Domain: "example.com", PasswordHash: "x", HomeDir: "both/ftp"}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(e.a.HomeDir, "both/ftp"), 0o755); err != nil {
		t.Fatal(err)
	}
	r = e.mustOK(t, e.a, "delete_user", "user=dav@example.com", "destroy=1")
	if mode(t, e.a, "both/ftp") == 0 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "FTP account “ftp1@example.com”") {
		t.Errorf("destroy of a directory holding an FTP login's: warnings %q", r.Warnings)
	}
	if k := e.kills.take(); !slices.Equal(k, []string{"keep@example.com", "gone@example.com", "site@example.com", "outer@example.com", "dav@example.com"}) {
		t.Errorf("connections closed: %v", k)
	}
	if got := e.logins(t, e.a); !slices.Equal(got, []string{"inner@example.com"}) {
		t.Errorf("logins left: %v", got)
	}
	e.mustFail(t, e.a, "delete_user", "The Web Disk account “keep@example.com” does not exist.", "user=keep@example.com", "destroy=1")
	e.mustFail(t, e.a, "delete_user", "“user”", "destroy=1")
}

// TestTenantIsolation: an account can neither see nor change another
// account's logins, whatever it names them as.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.b, "add_user", "user=eve", "password=pw")
	if got := dataJSON(t, e.mustOK(t, e.a, "list_users")); got != "[]" {
		t.Errorf("cpuser lists %s", got)
	}
	calls := [][]string{
		{"delete_user", "destroy=1"},
		{"set_password", "password=x"},
		{"set_homedir", "homedir=x"},
		{"set_permissions", "perms=ro"},
	}
	for _, c := range calls {
		e.mustFail(t, e.a, c[0], "You do not own the domain “other.org”.", "user=eve@other.org", c[1])
		e.mustFail(t, e.a, c[0], "The Web Disk account “eve@example.com” does not exist.", "user=eve", c[1])
	}
	e.mustFail(t, e.a, "add_user", "You do not own the domain “other.org”.", "user=eve@other.org", "password=pw")
	w := e.get(t, e.b, "eve", "other.org")
	if w.ReadOnly() || w.HomeDir != "public_html/eve" || !password.Verify(w.PasswordHash, "pw") {
		t.Errorf("eve changed: %+v", w)
	}
	if k := e.kills.take(); len(k) != 0 {
		t.Errorf("refused calls closed connections: %v", k)
	}
}

// TestFeatureRequired: an account without the webdisk feature cannot call
// the module.
func TestFeatureRequired(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	limited := *e.a
	limited.Features = []string{hosting.FeatureFTPAccounts}
	for _, f := range e.svc.Funcs() {
		if r := e.call(&limited, f.Name); r.Status != 0 || !strings.Contains(r.Errors[0], "webdisk") {
			t.Errorf("%s without the feature: %+v", f.Name, r)
		}
	}
}

// TestDeclarations: the four UAPI functions and the two marked extensions.
func TestDeclarations(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	got := map[string]bool{}
	for _, f := range e.svc.Funcs() {
		got[f.Name] = f.Extension
	}
	want := map[string]bool{"delete_user": false, "set_password": false, "set_homedir": false, "set_permissions": false,
		"add_user": true, "list_users": true}
	if len(got) != len(want) {
		t.Fatalf("functions %v", got)
	}
	for name, ext := range want {
		if e, ok := got[name]; !ok || e != ext {
			t.Errorf("%s: declared %v (extension %v)", name, ok, e)
		}
	}
}
