package usermanager

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/svcacct"
)

// raceRounds is how often each pair runs its add and its destroy at once:
// without the shared per-account lock, a few dozen rounds lose the added
// login's directory (the destroy's check sees no user, the add commits, the
// destroy removes).
const raceRounds = 100

// loginOps adds and deletes one service's login user@example.com whose
// directory is dir (a mailbox's is its maildir, named by user).
type loginOps struct {
	add func(ctx context.Context, e *env, user, dir string) error
	del func(ctx context.Context, e *env, user string, destroy bool) error
}

var raceServices = map[string]loginOps{
	"ftp": {
		add: func(ctx context.Context, e *env, user, dir string) error {
			_, err := e.ftp.AddFTP(ctx, e.a, ftp.AddRequest{User: user, Domain: "example.com", Password: "Secret-pass-1", HomeDir: dir})
			return err
		},
		del: func(ctx context.Context, e *env, user string, destroy bool) error {
			_, err := e.ftp.DeleteFTP(ctx, e.a, user, "example.com", destroy)
			return err
		}},
	"webdisk": {
		add: func(ctx context.Context, e *env, user, dir string) error {
			_, _, err := e.webdisk.Add(ctx, e.a, webdisk.AddRequest{User: user, Domain: "example.com", Password: "Secret-pass-1", HomeDir: dir, Perms: "rw"})
			return err
		},
		del: func(ctx context.Context, e *env, user string, destroy bool) error {
			_, err := e.webdisk.Delete(ctx, e.a, user, "example.com", destroy)
			return err
		}},
	"email": {
		add: func(ctx context.Context, e *env, user, _ string) error {
			_, err := e.email.AddMailbox(ctx, e.a, email.AddRequest{User: user, Domain: "example.com", Password: "Secret-pass-1", QuotaMB: email.UseDefaultQuota})
			return err
		},
		del: func(ctx context.Context, e *env, user string, destroy bool) error {
			_, err := e.email.DeleteMailbox(ctx, e.a, user, "example.com", !destroy)
			return err
		}},
}

// TestDestroyNeverTakesAConcurrentAdd runs, many times, a delete with
// destroy in one service and an add in another that reuses the deleted
// login's directory, at once: whichever order they take, the added login's
// directory must exist afterwards.
func TestDestroyNeverTakesAConcurrentAdd(t *testing.T) {
	for _, tt := range raceTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			raceAddAndDestroy(t, tt, e, e)
		})
	}
}

// TestDestroyNeverTakesAConcurrentAddOnTwoNodes is the same race with the
// destroy on one node and the add on another, sharing one PostgreSQL
// database: the account's lock must hold across nodes (svcacct.Shared).
func TestDestroyNeverTakesAConcurrentAddOnTwoNodes(t *testing.T) {
	for _, tt := range raceTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dsn := fixture.PostgresDSN(t, "the race of two nodes")
			dbA, dbB := fixture.StoreAt(t, dsn), fixture.StoreAt(t, dsn)
			a := mustEnvOn(t, dbA, svcacct.Shared(dbA, 0))
			b := *a // the same accounts and homes, another node's services
			b.db = dbB
			b.wire(t, svcacct.Shared(dbB, 0))
			raceAddAndDestroy(t, tt, a, &b)
		})
	}
}

// raceTest is a destroy in one service and an add in another that reuse
// one directory.
type raceTest struct {
	name               string
	dir                string // the directory both use
	destroyer, adder   string // raceServices
	oldUser, addedUser string
}

var raceTests = []raceTest{
	{"FTP destroy, Web Disk add", "site/shared", "ftp", "webdisk", "old", "new"},
	{"Web Disk destroy, FTP add", "site/shared", "webdisk", "ftp", "old", "new"},
	{"FTP destroy, email add", "mail/example.com/bob", "ftp", "email", "old", "bob"},
	{"email delete, FTP add", "mail/example.com/old", "email", "ftp", "old", "new"},
}

// raceAddAndDestroy runs tt's destroy on node d and its add on node a at
// once, raceRounds times (d and a are the same env on one node).
func raceAddAndDestroy(t *testing.T, tt raceTest, d, a *env) {
	t.Helper()
	ctx := context.Background()
	destroyer, adder := raceServices[tt.destroyer], raceServices[tt.adder]
	for round := range raceRounds {
		if err := destroyer.add(ctx, d, tt.oldUser, tt.dir); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var destroyErr, addErr error
		wg.Go(func() { destroyErr = destroyer.del(ctx, d, tt.oldUser, true) })
		wg.Go(func() { addErr = adder.add(ctx, a, tt.addedUser, tt.dir) })
		wg.Wait()
		if destroyErr != nil || addErr != nil {
			t.Fatalf("round %d: destroy: %v; add: %v", round, destroyErr, addErr)
		}
		if _, err := os.Stat(filepath.Join(d.a.HomeDir, tt.dir)); err != nil {
			t.Fatalf("round %d: the added login's directory is gone: %v", round, err)
		}
		if err := adder.del(ctx, a, tt.addedUser, false); err != nil {
			t.Fatal(err)
		}
	}
}
