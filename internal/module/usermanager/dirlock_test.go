package usermanager

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/webdisk"
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
	tests := []struct {
		name               string
		dir                string // the directory both use
		destroyer, adder   string // raceServices
		oldUser, addedUser string
	}{
		{"FTP destroy, Web Disk add", "site/shared", "ftp", "webdisk", "old", "new"},
		{"Web Disk destroy, FTP add", "site/shared", "webdisk", "ftp", "old", "new"},
		{"FTP destroy, email add", "mail/example.com/bob", "ftp", "email", "old", "bob"},
		{"email delete, FTP add", "mail/example.com/old", "email", "ftp", "old", "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			ctx := context.Background()
			destroyer, adder := raceServices[tt.destroyer], raceServices[tt.adder]
			for round := range raceRounds {
				if err := destroyer.add(ctx, e, tt.oldUser, tt.dir); err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				var destroyErr, addErr error
				wg.Go(func() { destroyErr = destroyer.del(ctx, e, tt.oldUser, true) })
				wg.Go(func() { addErr = adder.add(ctx, e, tt.addedUser, tt.dir) })
				wg.Wait()
				if destroyErr != nil || addErr != nil {
					t.Fatalf("round %d: destroy: %v; add: %v", round, destroyErr, addErr)
				}
				if _, err := os.Stat(filepath.Join(e.a.HomeDir, tt.dir)); err != nil {
					t.Fatalf("round %d: the added login's directory is gone: %v", round, err)
				}
				if err := adder.del(ctx, e, tt.addedUser, false); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
