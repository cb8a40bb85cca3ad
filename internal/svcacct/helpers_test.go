package svcacct_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/svcacct"
)

// env is one test's world: a real store (intents, accounts), a hosting
// account with a real home and its layout, a directory outside the home
// that nothing may touch, and two services' logins the test sets.
type env struct {
	db      *store.DB
	acct    *hosting.Account
	outside string
	own     fakeUsers
	other   fakeUsers
	rescans *rescanCount
}

// fakeUsers is a service's logins as a test sets them, or a listing error.
type fakeUsers struct {
	uses []svcacct.Use
	err  error
}

func (f *fakeUsers) users(noun string) svcacct.Users {
	return svcacct.Users{Noun: noun, List: func(context.Context, int64) ([]svcacct.Use, error) { return f.uses, f.err }}
}

var errList = errors.New("list failed")

// rescanCount counts the rescans asked for.
type rescanCount struct {
	mu sync.Mutex
	n  int
}

func (r *rescanCount) Schedule(*hosting.Account) { r.mu.Lock(); r.n++; r.mu.Unlock() }

func (r *rescanCount) count() int { r.mu.Lock(); defer r.mu.Unlock(); return r.n }

func mustEnv(tb testing.TB) *env {
	tb.Helper()
	db := fixture.Store(tb)
	acct := fixture.Account(tb, fixture.Accounts(tb, db), "cpuser", "example.com", "cpuser-password")
	e := &env{db: db, acct: acct, outside: tb.TempDir(), rescans: &rescanCount{}}
	mustFile(tb, filepath.Join(e.outside, "keep"))
	return e
}

// dirs returns the Dirs of an "ftp" service whose own logins are e.own
// and whose home it shares with e.other's.
func (e *env) dirs(cfg svcacct.Config) *svcacct.Dirs {
	cfg.Name, cfg.NewDirKind, cfg.DestroyKind = "ftp", "test.newdir", "test.destroy"
	cfg.Users = []svcacct.Users{e.own.users("FTP account"), e.other.users("Web Disk account")}
	cfg.Rescans = e.rescans
	return svcacct.New(cfg)
}

// journal returns a journal of the owner over e's store.
func (e *env) journal(tb testing.TB, owner string) *intent.Journal {
	tb.Helper()
	j, err := intent.New(intent.Config{Owner: owner}, e.db, fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return j
}

// intents returns how many intents the store holds.
func (e *env) intents(tb testing.TB) int {
	tb.Helper()
	list, err := e.db.ListIntents(context.Background(), time.Time{}, 100)
	if err != nil {
		tb.Fatal(err)
	}
	return len(list)
}

// mkdir makes rel (and parents) in the home, with a file in it.
func (e *env) mkdir(tb testing.TB, rel string) {
	tb.Helper()
	mustFile(tb, filepath.Join(e.acct.HomeDir, rel, "f"))
}

// mkdirEmpty makes rel (and parents) in the home, holding nothing.
func (e *env) mkdirEmpty(tb testing.TB, rel string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Join(e.acct.HomeDir, rel), 0o755); err != nil {
		tb.Fatal(err)
	}
}

// symlinkOut makes rel in the home a link to the outside directory.
func (e *env) symlinkOut(tb testing.TB, rel string) {
	tb.Helper()
	if err := os.Symlink(e.outside, filepath.Join(e.acct.HomeDir, rel)); err != nil {
		tb.Fatal(err)
	}
}

func (e *env) exists(rel string) bool {
	_, err := os.Lstat(filepath.Join(e.acct.HomeDir, rel))
	return err == nil
}

// checkOutside fails the test when anything outside the home changed.
func (e *env) checkOutside(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(e.outside, "keep")); err != nil {
		tb.Errorf("a file outside the home is gone: %v", err)
	}
}

func mustFile(tb testing.TB, p string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("data"), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// deadIntent stores an intent of a process that died, on e's account or,
// when gone, on an account that no longer exists.
func (e *env) deadIntent(tb testing.TB, kind string, gone bool, data any) {
	tb.Helper()
	id := e.acct.ID
	if gone {
		id = e.acct.ID + 1000
	}
	in, err := e.journal(tb, "dead-process").Begin(kind, id, data)
	if err != nil {
		tb.Fatal(err)
	}
	if err := e.db.CreateIntent(context.Background(), in); err != nil {
		tb.Fatal(err)
	}
}
