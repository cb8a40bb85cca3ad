package ftp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

const nullOK = `{"data":null,"errors":null,"messages":null,"metadata":{},"status":1,"warnings":null}`

func failure(msg string) string {
	return `{"data":null,"errors":["` + msg + `"],"messages":null,"metadata":{},"status":0,"warnings":null}`
}

func TestFuncsDeclaresTheTwentyFunctions(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	want := map[string]string{
		"add_ftp": hosting.FeatureFTPAccounts, "delete_ftp": hosting.FeatureFTPAccounts, "passwd": hosting.FeatureFTPAccounts,
		"set_homedir": hosting.FeatureFTPAccounts, "set_quota": hosting.FeatureFTPAccounts,
		"list_sessions": hosting.FeatureFTPSetup, "kill_session": hosting.FeatureFTPSetup, "set_welcome_message": hosting.FeatureFTPSetup,
		"set_anonymous_ftp": hosting.FeatureFTPSetup, "set_anonymous_ftp_incoming": hosting.FeatureFTPSetup,
		"ftp_exists": "", "get_quota": "", "list_ftp": "", "list_ftp_with_disk": "", "get_welcome_message": "",
		"server_name": "", "get_ftp_daemon_info": "", "get_port": "", "allows_anonymous_ftp": "", "allows_anonymous_ftp_incoming": "",
	}
	funcs := e.eng.Registry().Funcs("Ftp")
	if len(funcs) != 20 {
		t.Fatalf("%d functions, want 20", len(funcs))
	}
	for _, f := range funcs {
		feature, ok := want[f.Name]
		if !ok || f.Feature != feature || f.Summary == "" || f.Returns == "" {
			t.Errorf("%s: feature %q (want %q), summary %q, returns %q", f.Name, f.Feature, feature, f.Summary, f.Returns)
		}
	}
}

func TestAddFTP(t *testing.T) {
	t.Parallel()
	hash, err := password.Hash("hashed-secret")
	if err != nil {
		t.Fatal(err)
	}
	e := mustEnv(t)
	tests := []struct {
		name   string
		args   []string
		login  [2]string // user, domain stored
		home   string    // stored homedir
		quota  int64
		secret string // a password that must verify
	}{
		{"defaults", []string{"user=bob", "pass=s3cret-pass"}, [2]string{"bob", "example.com"}, "bob@example.com", 0, "s3cret-pass"},
		{"user@domain", []string{"user=Bob@Example.NET", "pass=s3cret-pass", "quota=42"}, [2]string{"bob", "example.net"}, "bob@example.net", 42, "s3cret-pass"},
		{"domain param", []string{"user=carol", "domain=example.net", "pass=x", "homedir=public_html/carol"}, [2]string{"carol", "example.net"}, "public_html/carol", 0, "x"},
		{"dots stripped", []string{"user=d.a.n", "pass=x"}, [2]string{"dan", "example.com"}, "dan@example.com", 0, "x"},
		{"dots kept", []string{"user=d.a.n", "pass=x", "disallowdot=0"}, [2]string{"d.a.n", "example.com"}, "d.a.n@example.com", 0, "x"},
		{"pass_hash", []string{"user=erin", "pass_hash=" + hash}, [2]string{"erin", "example.com"}, "erin@example.com", 0, "hashed-secret"},
		{"unlimited", []string{"user=fay", "pass=x", "quota=unlimited"}, [2]string{"fay", "example.com"}, "fay@example.com", 0, "x"},
		{"home itself", []string{"user=gus", "pass=x", "homedir=/"}, [2]string{"gus", "example.com"}, "", 0, "x"},
		{"dotdot dropped", []string{"user=hal", "pass=x", "homedir=../../etc/x/../y"}, [2]string{"hal", "example.com"}, "etc/x/y", 0, "x"},
		{"empty homedir is default", []string{"user=ivy", "pass=x", "homedir="}, [2]string{"ivy", "example.com"}, "ivy@example.com", 0, "x"},
		{"spaces stripped", []string{"user= jo ", "pass=x"}, [2]string{"jo", "example.com"}, "jo@example.com", 0, "x"},
		{"absolute homedir as listed", []string{"user=kim", "pass=x", "homedir=" + e.a.HomeDir + "/public_html/kim"},
			[2]string{"kim", "example.com"}, "public_html/kim", 0, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.checkResult(t, e.call(e.a, "add_ftp", tt.args...), nullOK)
			f, err := e.db.FindFTPAccount(context.Background(), e.a.ID, tt.login[0], tt.login[1])
			if err != nil {
				t.Fatal(err)
			}
			if f.HomeDir != tt.home || f.QuotaMB != tt.quota || !password.Verify(f.PasswordHash, tt.secret) {
				t.Errorf("stored %+v", f)
			}
			if tt.home != "" && mustMode(t, e.a, tt.home).Perm() != 0o755 {
				t.Errorf("homedir mode %v", mustMode(t, e.a, tt.home))
			}
		})
	}
}

func TestAddFTPRefusesBadInputAndCreatesNothing(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "add_ftp", "user=taken", "pass=x")
	mustWrite(t, e.a, "public_html/file", 1)
	if err := os.Symlink("/tmp", filepath.Join(e.a.HomeDir, "escape")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"no user", []string{"pass=x"}, "You must specify a user name."},
		{"empty user", []string{"user= ", "pass=x"}, "You must specify a user name."},
		{"only domain", []string{"user=@example.com", "pass=x"}, "You must specify a user name."},
		{"no password", []string{"user=bob"}, "add_ftp: You must specify either a password or a password hash."},
		{"both", []string{"user=bob", "pass=x", "pass_hash=$6$abc$def"}, "add_ftp: You must specify either a password or a password hash."},
		{"bad hash", []string{"user=bob", "pass_hash=plain"}, "The “pass_hash” parameter is not a password hash the system can verify (for example “$6$…” SHA-512 crypt)."},
		{"domain twice", []string{"user=bob@example.com", "domain=example.com", "pass=x"}, "You may not specify a domain both in the user field and in the domain field."},
		{"foreign domain param", []string{"user=bob", "domain=other.org", "pass=x"}, "You do not own the domain “other.org”."},
		{"foreign domain in user", []string{"user=bob@other.org", "pass=x"}, "You do not own the domain “other.org”."},
		{"bad quota", []string{"user=bob", "pass=x", "quota=lots"}, "The quota must be a number or “unlimited”."},
		{"negative quota", []string{"user=bob", "pass=x", "quota=-1"}, "The quota must be a number or “unlimited”."},
		{"bad characters", []string{"user=bo!b", "pass=x"}, "“bo!b” is not a valid FTP user name: the “user” parameter may contain only letters, digits, periods (.), hyphens (-) and underscores (_), must begin with a letter, digit or underscore, and may have at most 64 characters."},
		{"main login", []string{"user=cpuser", "pass=x"}, "The FTP user name “cpuser” is reserved for the system."},
		{"logs login", []string{"user=cpuser_logs", "pass=x"}, "The FTP user name “cpuser_logs” is reserved for the system."},
		{"anonymous", []string{"user=ftp@example.net", "pass=x"}, "The FTP user name “ftp” is reserved for the system."},
		{"all", []string{"user=all", "pass=x"}, "The FTP user name “all” is reserved for the system."},
		{"exists", []string{"user=TAKEN", "pass=x"}, "The FTP account “taken@example.com” already exists."},
		{"homedir is a file", []string{"user=bob", "pass=x", "homedir=public_html/file/sub"}, "The “homedir” parameter names “public_html/file/sub”, but “public_html/file” is not a directory."},
		{"homedir escapes", []string{"user=bob", "pass=x", "homedir=escape/bob"}, "Failed to mkdir: the system could not create the directory “escape/bob” for the “homedir” parameter: path escapes from parent."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.checkResult(t, e.call(e.a, "add_ftp", tt.args...), failure(tt.err))
		})
	}
	list, err := e.db.ListFTPAccounts(context.Background(), e.a.ID)
	if err != nil || len(list) != 1 {
		t.Errorf("accounts after failures: %v %v", list, err)
	}
	if exists(e.a, "bob@example.com") {
		t.Error("a failed add_ftp left its home directory behind")
	}
}

// failingStore fails CreateFTPAccount and UpdateFTPAccount, to check that a
// failed commit removes the directories made for it.
type failingStore struct{ hosting.FTPAccountStore }

func (failingStore) CreateFTPAccount(context.Context, *hosting.FTPAccount) error {
	return errors.New("disk full")
}

func (failingStore) UpdateFTPAccount(context.Context, int64, hosting.FTPAccountUpdate) error {
	return errors.New("disk full")
}

func TestStoreFailureRemovesCreatedDirectories(t *testing.T) {
	t.Parallel()
	var fail bool
	e := mustEnvWith(t, Config{}, func(s hosting.FTPAccountStore) hosting.FTPAccountStore {
		return switchStore{s, &fail}
	})
	e.mustOK(t, e.a, "add_ftp", "user=bob", "pass=x")
	fail = true
	for _, tc := range []struct{ fn, dir, top string }{
		{"add_ftp", "new/deep/dir", "new"},
		{"set_homedir", "public_html/moved/deeper", "public_html/moved"},
	} {
		t.Run(tc.fn, func(t *testing.T) {
			r := e.call(e.a, tc.fn, "user=bob", "pass=x", "homedir="+tc.dir)
			if r.Status != 0 || len(r.Errors) != 1 {
				t.Fatalf("result %+v", r)
			}
			if exists(e.a, tc.top) {
				t.Errorf("%s left %s behind", tc.fn, tc.top)
			}
		})
	}
	if !exists(e.a, "public_html") || !exists(e.a, "bob@example.com") {
		t.Error("the clean-up removed directories it had not made")
	}
}

// switchStore fails writes once *fail is set.
type switchStore struct {
	hosting.FTPAccountStore
	fail *bool
}

func (s switchStore) CreateFTPAccount(ctx context.Context, f *hosting.FTPAccount) error {
	if *s.fail {
		return failingStore{}.CreateFTPAccount(ctx, f)
	}
	return s.FTPAccountStore.CreateFTPAccount(ctx, f)
}

func (s switchStore) UpdateFTPAccount(ctx context.Context, id int64, upd hosting.FTPAccountUpdate) error {
	if *s.fail {
		return failingStore{}.UpdateFTPAccount(ctx, id, upd)
	}
	return s.FTPAccountStore.UpdateFTPAccount(ctx, id, upd)
}

func TestDeleteFTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		homedir  string
		args     []string
		removed  bool
		warnings string
	}{
		{"keep files", "bob@example.com", []string{"user=bob"}, false, "null"},
		{"destroy", "bob@example.com", []string{"user=bob@example.com", "destroy=1"}, true, "null"},
		{"destroy nested", "sites/bob", []string{"user=bob", "domain=example.com", "destroy=1"}, true, "null"},
		{"never public_html", "public_html", []string{"user=bob", "destroy=1"}, false, "null"},
		{"never public_ftp", "public_ftp", []string{"user=bob", "destroy=1"}, false, "null"},
		{"never mail", "mail", []string{"user=bob", "destroy=1"}, false, "null"},
		{"never home", "/", []string{"user=bob", "destroy=1"}, false, "null"},
		{"shared", "shared", []string{"user=bob", "destroy=1"}, false, `["The system did not remove the directory “/home/cpuser/shared” because the FTP account “keeper@example.com” uses it."]`},
		{"a Web Disk login's", "webdisk", []string{"user=bob", "destroy=1"}, false, `["The system did not remove the directory “/home/cpuser/webdisk” because the Web Disk account “dav@example.com” uses it."]`},
		{"a mailbox's", "mail/example.com", []string{"user=bob", "destroy=1"}, false, `["The system did not remove the directory “/home/cpuser/mail/example.com” because the email account “box@example.com” uses it."]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			e.mustOK(t, e.a, "add_ftp", "user=bob", "pass=x", "homedir="+tt.homedir)
			e.mustOK(t, e.a, "add_ftp", "user=keeper", "pass=x", "homedir=shared/keeper")
			if err := e.db.CreateWebDiskAccount(context.Background(), &hosting.WebDiskAccount{AccountID: e.a.ID,
				User: "dav", Domain: "example.com", PasswordHash: "x", HomeDir: "webdisk/dav", Perms: hosting.WebDiskReadWrite}); err != nil {
				t.Fatal(err)
			}
			if err := e.db.CreateEmailAccount(context.Background(), &hosting.EmailAccount{AccountID: e.a.ID,
				User: "box", Domain: "example.com", PasswordHash: "x"}); err != nil {
				t.Fatal(err)
			}
			rel := filepath.Clean("./" + tt.homedir)
			if rel == "." {
				rel = ""
			}
			mustWrite(t, e.a, filepath.Join(rel, "index.html"), 10)
			e.sessions.add(hosting.FTPSession{ID: 7, AccountID: e.a.ID, Login: "bob@example.com", Status: hosting.FTPIdle})
			r := e.call(e.a, "delete_ftp", tt.args...)
			e.checkResult(t, r, `{"data":null,"errors":null,"messages":null,"metadata":{},"status":1,"warnings":`+tt.warnings+`}`)
			if exists(e.a, filepath.Join(rel, "index.html")) == tt.removed {
				t.Errorf("files of %q removed = %v, want %v", rel, !tt.removed, tt.removed)
			}
			if _, err := e.db.FindFTPAccount(context.Background(), e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
				t.Errorf("account still stored: %v", err)
			}
			if ids := e.sessions.ids(); len(ids) != 0 {
				t.Errorf("sessions still live: %v", ids)
			}
			for _, d := range []string{"public_html", "public_ftp", "mail", "etc", "shared/keeper"} {
				if !exists(e.a, d) {
					t.Errorf("%s is gone", d)
				}
			}
		})
	}
}

func TestDeleteFTPErrors(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.b, "add_ftp", "user=bob", "pass=x")
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"missing", []string{"user=nobody"}, "The FTP account “nobody@example.com” cannot be removed because it does not exist."},
		{"main login", []string{"user=cpuser"}, "The FTP account “cpuser@example.com” cannot be removed because it does not exist."},
		{"no user", nil, "You must specify a user name."},
		{"other tenant", []string{"user=bob@other.org", "destroy=1"}, "You do not own the domain “other.org”."},
		{"other tenant param", []string{"user=bob", "domain=other.org"}, "You do not own the domain “other.org”."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.checkResult(t, e.call(e.a, "delete_ftp", tt.args...), failure(tt.err))
		})
	}
	if !exists(e.b, "bob@other.org") {
		t.Error("another tenant's directory was touched")
	}
	e.mustOK(t, e.b, "ftp_exists", "user=bob")
}

func TestExistsQuotaPasswdHomedir(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "add_ftp", "user=bob", "pass=old-pass", "quota=50")
	e.mustOK(t, e.a, "add_ftp", "user=amy", "domain=example.net", "pass=x")
	e.mustOK(t, e.b, "add_ftp", "user=zed", "pass=x")
	e.sessions.add(hosting.FTPSession{ID: 1, AccountID: e.a.ID, Login: "bob@example.com"})
	e.sessions.add(hosting.FTPSession{ID: 2, AccountID: e.a.ID, Login: "amy@example.net"})
	ok := func(data string) string {
		return `{"data":` + data + `,"errors":null,"messages":null,"metadata":{},"status":1,"warnings":null}`
	}
	tests := []struct {
		name, fn string
		args     []string
		want     string
	}{
		{"exists", "ftp_exists", []string{"user=bob"}, nullOK},
		{"exists full", "ftp_exists", []string{"user=amy@example.net"}, nullOK},
		{"exists wrong domain", "ftp_exists", []string{"user=amy"}, failure("The FTP account “amy” at domain “example.com” does not exist.")},
		{"exists other tenant", "ftp_exists", []string{"user=zed@other.org"}, failure("You do not own the domain “other.org”.")},
		{"quota", "get_quota", []string{"account=bob"}, ok(`"50"`)},
		{"quota user alias", "get_quota", []string{"user=bob"}, ok(`"50"`)},
		{"quota unlimited", "get_quota", []string{"account=amy", "domain=example.net"}, ok(`"unlimited"`)},
		{"quota no account", "get_quota", nil, failure("You must specify an account.")},
		{"quota missing", "get_quota", []string{"account=nobody"}, failure("The FTP account “nobody” at domain “example.com” does not exist.")},
		{"set quota", "set_quota", []string{"user=amy@example.net", "quota=7"}, nullOK},
		{"set quota read back", "get_quota", []string{"account=amy@example.net"}, ok(`"7"`)},
		{"set quota kill", "set_quota", []string{"user=amy@example.net", "quota=9", "kill=1"}, nullOK},
		{"kill read back", "get_quota", []string{"account=amy@example.net"}, ok(`"unlimited"`)},
		{"kill missing", "set_quota", []string{"user=nobody", "kill=1"}, nullOK},
		{"kill anonymous", "set_quota", []string{"user=anonymous", "kill=1"}, nullOK},
		{"set quota missing", "set_quota", []string{"user=nobody", "quota=1"}, failure("The FTP account “nobody” at domain “example.com” does not exist.")},
		{"set quota bad", "set_quota", []string{"user=bob", "quota=x"}, failure("The quota must be a number or “unlimited”.")},
		{"passwd", "passwd", []string{"user=bob", "pass=new-pass"}, nullOK},
		{"passwd missing both", "passwd", nil, `{"data":null,"errors":["You must specify a password.","You must specify a user name."],"messages":null,"metadata":{},"status":0,"warnings":null}`},
		{"passwd slash", "passwd", []string{"user=b/ob", "pass=y"}, nullOK},
		{"passwd other tenant", "passwd", []string{"user=zed@other.org", "pass=y"}, failure("You do not own the domain “other.org”.")},
		{"homedir", "set_homedir", []string{"user=amy@example.net", "homedir=public_html/amy"}, nullOK},
		{"homedir missing", "set_homedir", []string{"user=nobody", "homedir=x"}, failure("The FTP account “nobody” at domain “example.com” does not exist.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.checkResult(t, e.call(e.a, tt.fn, tt.args...), tt.want)
		})
	}
	bob, _ := e.svc.Get(context.Background(), e.a, "bob", "example.com")
	if !password.Verify(bob.PasswordHash, "y") {
		t.Error("passwd did not change the password")
	}
	if got := e.sessions.killedLogins(); !slices.Contains(got, "1:bob@example.com") || !slices.Contains(got, "1:amy@example.net") {
		t.Errorf("KillLogin calls %v", got)
	}
	if ids := e.sessions.ids(); len(ids) != 0 {
		t.Errorf("sessions left after passwd and set_homedir: %v", ids)
	}
}

func TestSetHomedir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		homedir string // HOME stands for the account's absolute home
		given   bool
		home    string
	}{
		{"default", "", false, "bob@example.com"},
		{"empty is public_html", "", true, "public_html"},
		{"root is the home", "/", true, ""},
		{"nested", "public_html/../x/y", true, "public_html/x/y"},
		{"absolute as listed", "HOME/public_html/z", true, "public_html/z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			e.mustOK(t, e.a, "add_ftp", "user=bob", "pass=x", "homedir=start", "quota=1")
			mustWrite(t, e.a, filepath.Join(tt.home, "data.bin"), 3000)
			args := []string{"user=bob"}
			if tt.given {
				args = append(args, "homedir="+strings.ReplaceAll(tt.homedir, "HOME", e.a.HomeDir))
			}
			e.checkResult(t, e.call(e.a, "set_homedir", args...), nullOK)
			f, err := e.svc.Get(context.Background(), e.a, "bob", "example.com")
			if err != nil || f.HomeDir != tt.home || f.UsedBytes < 3000 {
				t.Errorf("stored %+v %v", f, err)
			}
		})
	}
}

// set_quota closes the login's live sessions: they hold the quota loaded
// at login, and the new limit must apply at once.
func TestSetQuotaClosesSessions(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	if r := e.call(e.a, "add_ftp", "user=quota", "pass=quota-pass-1"); r.Status != 1 {
		t.Fatalf("add_ftp: %v", r.Errors)
	}
	if r := e.call(e.a, "set_quota", "user=quota", "quota=5"); r.Status != 1 {
		t.Fatalf("set_quota: %v", r.Errors)
	}
	if got := e.sessions.killedLogins(); !slices.Contains(got, fmt.Sprintf("%d:quota@%s", e.a.ID, e.a.Domain)) {
		t.Errorf("KillLogin calls %v", got)
	}
}

// SetPasswordHash stores a verifiable hash as it is, closes the login's
// sessions, and refuses what is not a hash and logins that do not exist.
func TestSetPasswordHash(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	if r := e.call(e.a, "add_ftp", "user=hashed", "pass=first-pass-1"); r.Status != 1 {
		t.Fatalf("add_ftp: %v", r.Errors)
	}
	hash, err := password.Hash("second-pass-2")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, user, hash string
		code             string
	}{
		{"a crypt hash", "hashed", hash, ""},
		{"not a hash", "hashed", "second-pass-2", hosting.EINVALID},
		{"no such login", "nobody", hash, hosting.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := e.svc.SetPasswordHash(ctx, e.a, tt.user, e.a.Domain, tt.hash)
			if hosting.ErrorCode(err) != tt.code || (tt.code == "" && err != nil) {
				t.Fatalf("SetPasswordHash: %v, want code %q", err, tt.code)
			}
		})
	}
	f, err := e.svc.Get(ctx, e.a, "hashed", e.a.Domain)
	if err != nil || f.PasswordHash != hash || !password.Verify(f.PasswordHash, "second-pass-2") {
		t.Errorf("stored %+v %v; want the hash given", f, err)
	}
	if got := e.sessions.killedLogins(); !slices.Contains(got, fmt.Sprintf("%d:hashed@%s", e.a.ID, e.a.Domain)) {
		t.Errorf("KillLogin calls %v", got)
	}
}
