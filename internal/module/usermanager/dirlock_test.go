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
const raceRounds = 60

// TestDestroyNeverTakesAConcurrentAdd runs, many times, a delete with
// destroy in one service and an add in another that reuses the deleted
// login's directory, at once: whichever order they take, the added login's
// directory must exist afterwards.
func TestDestroyNeverTakesAConcurrentAdd(t *testing.T) {
	tests := []struct {
		name    string
		dir     string                                              // the directory both use
		old     func(ctx context.Context, e *env, dir string) error // makes the login to destroy
		destroy func(ctx context.Context, e *env) error
		add     func(ctx context.Context, e *env, dir string) error
		undo    func(ctx context.Context, e *env) error // removes the added login, keeping its files
	}{
		{name: "FTP destroy, Web Disk add", dir: "site/shared", old: oldFTP, destroy: destroyFTP, add: addWebDisk, undo: removeWebDisk},
		{name: "Web Disk destroy, FTP add", dir: "site/shared", old: oldWebDisk, destroy: destroyWebDisk, add: addFTP, undo: removeFTP},
		{name: "FTP destroy, email add", dir: "mail/example.com/bob", old: oldFTP, destroy: destroyFTP, add: addMailbox, undo: removeMailbox},
		{name: "email delete, FTP add", dir: "mail/example.com/old", old: oldMailbox, destroy: deleteMailbox, add: addFTP, undo: removeFTP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			ctx := context.Background()
			for round := range raceRounds {
				if err := tt.old(ctx, e, tt.dir); err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				var destroyErr, addErr error
				wg.Add(2)
				go func() { defer wg.Done(); destroyErr = tt.destroy(ctx, e) }()
				go func() { defer wg.Done(); addErr = tt.add(ctx, e, tt.dir) }()
				wg.Wait()
				if destroyErr != nil || addErr != nil {
					t.Fatalf("round %d: destroy: %v; add: %v", round, destroyErr, addErr)
				}
				if _, err := os.Stat(filepath.Join(e.a.HomeDir, tt.dir)); err != nil {
					t.Fatalf("round %d: the added login's directory is gone: %v", round, err)
				}
				if err := tt.undo(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func oldFTP(ctx context.Context, e *env, dir string) error {
	_, err := e.ftp.AddFTP(ctx, e.a, ftp.AddRequest{User: "old", Domain: "example.com", Password: "Secret-pass-1", HomeDir: dir})
	return err
}

func destroyFTP(ctx context.Context, e *env) error {
	_, err := e.ftp.DeleteFTP(ctx, e.a, "old", "example.com", true)
	return err
}

func oldWebDisk(ctx context.Context, e *env, dir string) error {
	_, _, err := e.webdisk.Add(ctx, e.a, webdisk.AddRequest{User: "old", Domain: "example.com", Password: "Secret-pass-1", HomeDir: dir, Perms: "rw"})
	return err
}

func destroyWebDisk(ctx context.Context, e *env) error {
	_, err := e.webdisk.Delete(ctx, e.a, "old", "example.com", true)
	return err
}

func oldMailbox(ctx context.Context, e *env, _ string) error {
	_, err := e.email.AddMailbox(ctx, e.a, email.AddRequest{User: "old", Domain: "example.com", Password: "Secret-pass-1", QuotaMB: email.UseDefaultQuota})
	return err
}

func deleteMailbox(ctx context.Context, e *env) error {
	_, err := e.email.DeleteMailbox(ctx, e.a, "old", "example.com", false)
	return err
}

func addFTP(ctx context.Context, e *env, dir string) error {
	_, err := e.ftp.AddFTP(ctx, e.a, ftp.AddRequest{User: "new", Domain: "example.com", Password: "Secret-pass-2", HomeDir: dir})
	return err
}

func removeFTP(ctx context.Context, e *env) error {
	_, err := e.ftp.DeleteFTP(ctx, e.a, "new", "example.com", false)
	return err
}

func addWebDisk(ctx context.Context, e *env, dir string) error {
	_, _, err := e.webdisk.Add(ctx, e.a, webdisk.AddRequest{User: "new", Domain: "example.com", Password: "Secret-pass-2", HomeDir: dir, Perms: "rw"})
	return err
}

func removeWebDisk(ctx context.Context, e *env) error {
	_, err := e.webdisk.Delete(ctx, e.a, "new", "example.com", false)
	return err
}

// addMailbox adds bob@example.com, whose maildir is mail/example.com/bob.
func addMailbox(ctx context.Context, e *env, _ string) error {
	_, err := e.email.AddMailbox(ctx, e.a, email.AddRequest{User: "bob", Domain: "example.com", Password: "Secret-pass-2", QuotaMB: email.UseDefaultQuota})
	return err
}

func removeMailbox(ctx context.Context, e *env) error {
	_, err := e.email.DeleteMailbox(ctx, e.a, "bob", "example.com", true)
	return err
}
