package usermanager

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/module/ftp"
)

// frozenFTP is the Ftp service of a process that dies at one step: the
// call freezes after (AddFTP, SetPassword, SetPasswordHash) or before (DeleteFTP) the real
// one, and the change never goes on. Once the test lets it go it fails, so
// that the frozen change ends without touching what the repair decided.
type frozenFTP struct {
	*ftp.Service
	frozen  chan struct{} // closed when the call froze
	release chan struct{}
}

func newFrozenFTP(svc *ftp.Service) *frozenFTP {
	return &frozenFTP{Service: svc, frozen: make(chan struct{}), release: make(chan struct{})}
}

func (f *frozenFTP) freeze() error {
	close(f.frozen)
	<-f.release
	return errors.New("the process is gone")
}

func (f *frozenFTP) AddFTP(ctx context.Context, acct *hosting.Account, req ftp.AddRequest) (*hosting.FTPAccount, error) {
	if _, err := f.Service.AddFTP(ctx, acct, req); err != nil {
		return nil, err
	}
	return nil, f.freeze()
}

func (f *frozenFTP) SetPassword(ctx context.Context, acct *hosting.Account, user, domain, pass string) error {
	if err := f.Service.SetPassword(ctx, acct, user, domain, pass); err != nil {
		return err
	}
	return f.freeze()
}

// SetPasswordHash is how an edit gives the login the password's one hash.
func (f *frozenFTP) SetPasswordHash(ctx context.Context, acct *hosting.Account, user, domain, hash string) error {
	if err := f.Service.SetPasswordHash(ctx, acct, user, domain, hash); err != nil {
		return err
	}
	return f.freeze()
}

func (f *frozenFTP) DeleteFTP(context.Context, *hosting.Account, string, string, bool) ([]string, error) {
	return nil, f.freeze()
}

// crashAt runs fn on a UserManager whose FTP step freezes, as if the
// process died there, and returns once it froze. The env's own service
// then plays the restarted process: its journal (another owner) finds the
// intent left over.
func (e *env) crashAt(t *testing.T, fn string, kv ...string) {
	t.Helper()
	dead := newFrozenFTP(e.ftp)
	j, err := intent.New(intent.Config{Owner: "dead-process"}, e.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{Hostname: "test.host"}, Deps{Store: e.db, Accounts: e.db, FTP: dead, Email: e.email,
		WebDisk: e.webdisk, Log: fixture.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	svc.UseJournal(j)
	eng := newEngine(t, svc)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.callOn(eng, e.a, fn, kv...)
	}()
	<-dead.frozen
	t.Cleanup(func() { close(dead.release); wg.Wait() })
}

// mustRecover runs the restarted process's start-up repair.
func (e *env) mustRecover(t *testing.T) {
	t.Helper()
	j, err := intent.New(intent.Config{Owner: "restarted"}, e.db, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	e.svc.UseJournal(j)
	e.ftp.UseJournal(j, e.db)
	e.email.UseJournal(j, e.db)
	e.webdisk.UseJournal(j, e.db)
	if left, err := j.Recover(context.Background()); left != 0 || err != nil {
		t.Fatalf("Recover: %d left, %v", left, err)
	}
}

func TestCrashDuringCreateRollsBack(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.crashAt(t, "create_user", "username=bob", "domain=example.com", "password=Secret-pw-1",
		"services.email.enabled=1", "services.ftp.enabled=1", "services.ftp.homedir=public_html/bob",
		"services.webdisk.enabled=1", "services.webdisk.homedir=public_html/bob-dav")
	home := e.a.HomeDir
	// Half-made: the user, its mailbox and its FTP login exist.
	if _, err := e.db.FindSubaccount(context.Background(), e.a.ID, "bob", "example.com"); err != nil {
		t.Fatalf("before the repair: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, "public_html/bob")); err != nil {
		t.Fatalf("before the repair: %v", err)
	}
	e.mustRecover(t)
	ctx := context.Background()
	if _, err := e.db.FindSubaccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("Subaccount survived: %v", err)
	}
	if _, err := e.db.FindEmailAccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("mailbox survived: %v", err)
	}
	if _, err := e.db.FindFTPAccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("FTP login survived: %v", err)
	}
	for _, dir := range []string{"public_html/bob", "mail/example.com/bob"} {
		if _, err := os.Stat(filepath.Join(home, dir)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived: %v", dir, err)
		}
	}
	for _, dir := range []string{"public_html", "mail"} {
		if _, err := os.Stat(filepath.Join(home, dir)); err != nil {
			t.Errorf("the repair removed %s, which it had not made: %v", dir, err)
		}
	}
	// The name is free again.
	e.mustOK(t, e.a, "create_user", "username=bob", "domain=example.com", "password=Secret-pw-1",
		"services.ftp.enabled=1", "services.ftp.homedir=public_html/bob")
}

func TestCrashDuringDeleteCompletes(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "create_user", "username=bob", "domain=example.com", "password=Secret-pw-1",
		"services.email.enabled=1", "services.ftp.enabled=1", "services.ftp.homedir=public_html/bob",
		"services.webdisk.enabled=1", "services.webdisk.homedir=public_html/bob")
	e.crashAt(t, "delete_user", "username=bob", "domain=example.com")
	ctx := context.Background()
	if _, err := e.db.FindFTPAccount(ctx, e.a.ID, "bob", "example.com"); err != nil {
		t.Fatalf("before the repair the FTP login is there: %v", err)
	}
	e.mustRecover(t)
	if _, err := e.db.FindSubaccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("Subaccount survived: %v", err)
	}
	if _, err := e.db.FindEmailAccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("mailbox survived: %v", err)
	}
	if _, err := e.db.FindWebDiskAccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("Web Disk login survived: %v", err)
	}
	// Deleting a user keeps its files.
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "public_html/bob")); err != nil {
		t.Errorf("delete_user removed files: %v", err)
	}
}

// A roll-back removes the directory its change made only while no other
// account uses it: here another FTP login was put in it between the crash
// and the repair.
func TestCrashRollBackKeepsDirectoryInUse(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.crashAt(t, "create_user", "username=bob", "domain=example.com", "password=Secret-pw-1",
		"services.ftp.enabled=1", "services.ftp.homedir=public_html/shared")
	ctx := context.Background()
	if _, err := e.ftp.AddFTP(ctx, e.a, ftp.AddRequest{User: "carol", Domain: "example.com",
		Password: "Secret-pw-2", HomeDir: "public_html/shared/carol"}); err != nil {
		t.Fatal(err)
	}
	e.mustRecover(t)
	if _, err := e.db.FindFTPAccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("bob's FTP login survived: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "public_html/shared/carol")); err != nil {
		t.Errorf("the roll-back removed the directory carol uses: %v", err)
	}
}
