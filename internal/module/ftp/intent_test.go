package ftp

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/svcacct"
)

// recoverAs runs the start-up repair of a restarted process (owner) over
// the env's service.
func (e *env) recoverAs(t *testing.T, owner string) {
	t.Helper()
	fixture.Recover(t, e.db, owner, func(j *intent.Journal) { e.svc.UseJournal(j, e.db) })
}

// deadIntent is an intent of a process that died: stored, never finished.
func (e *env) deadIntent(t *testing.T, kind string, data any) *hosting.Intent {
	t.Helper()
	j, err := intent.New(intent.Config{Owner: "dead-process"}, e.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	in, err := j.Begin(kind, e.a.ID, data)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestCrashAfterDestroyCommitRemovesTheHome(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	e.mustOK(t, e.a, "add_ftp", "user=bob", "pass=x", "homedir=gone")
	e.mustOK(t, e.a, "add_ftp", "user=ann", "pass=x", "homedir=shared/ann")
	e.mustOK(t, e.a, "add_ftp", "user=sue", "pass=x", "homedir=shared")
	if err := os.WriteFile(filepath.Join(e.a.HomeDir, "gone", "f"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The process died after committing the deletions with destroy, before
	// removing the directories.
	for _, user := range []string{"bob", "sue"} {
		f, err := e.db.FindFTPAccount(ctx, e.a.ID, user, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		in := e.deadIntent(t, kindDestroy, svcacct.DestroyData{Login: f.Login(), HomeDir: f.HomeDir})
		if err := e.db.DeleteFTPAccountIntent(ctx, f.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	e.recoverAs(t, "restarted")
	if exists(e.a, "gone") {
		t.Error("the destroyed login's home survived the repair")
	}
	if !exists(e.a, "shared/ann") {
		t.Error("the repair removed a directory another login uses")
	}
}

func TestCrashBeforeAddCommitRemovesTheDirectory(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "add_ftp", "user=ann", "pass=x", "homedir=kept/ann")
	// Two processes died after making a directory, before committing: one
	// directory no login uses, and one a login now uses.
	for _, dir := range []string{"half/made", "kept"} {
		if err := os.MkdirAll(filepath.Join(e.a.HomeDir, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		top, _, _ := strings.Cut(dir, "/")
		if err := e.db.CreateIntent(context.Background(), e.deadIntent(t, kindNewDir, svcacct.NewDirData{Dir: top})); err != nil {
			t.Fatal(err)
		}
	}
	e.recoverAs(t, "restarted")
	if exists(e.a, "half") {
		t.Error("a directory no login uses survived the repair")
	}
	if !exists(e.a, "kept/ann") {
		t.Error("the repair removed a login's home")
	}
}

// TestCrashBeforeAddCommitKeepsAnotherServicesDirectory leaves a directory
// whose add_ftp a crash interrupted, in which another service's account
// made its own meanwhile: the repair must not take that account's files.
func TestCrashBeforeAddCommitKeepsAnotherServicesDirectory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		make func(ctx context.Context, e *env) error
		dir  string // the other account's, below "half"
	}{
		{"Web Disk login", func(ctx context.Context, e *env) error {
			return e.db.CreateWebDiskAccount(ctx, &hosting.WebDiskAccount{AccountID: e.a.ID, User: "dav", Domain: "example.com",
				PasswordHash: "x", HomeDir: "half/dav", Perms: hosting.WebDiskReadWrite})
		}, "half/dav"},
		{"mailbox", func(ctx context.Context, e *env) error {
			return e.db.CreateEmailAccount(ctx, &hosting.EmailAccount{AccountID: e.a.ID, User: "box", Domain: "example.com", PasswordHash: "x"})
		}, "mail/example.com/box"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			ctx := context.Background()
			top, _, _ := strings.Cut(tt.dir, "/")
			if top == "mail" {
				top = "mail/example.com" // mail exists in every home
			}
			mustWrite(t, e.a, tt.dir+"/f", 4)
			if err := tt.make(ctx, e); err != nil {
				t.Fatal(err)
			}
			if err := e.db.CreateIntent(ctx, e.deadIntent(t, kindNewDir, svcacct.NewDirData{Dir: top})); err != nil {
				t.Fatal(err)
			}
			e.recoverAs(t, "restarted")
			if !exists(e.a, tt.dir+"/f") {
				t.Errorf("the repair removed the %s's directory %s", tt.name, tt.dir)
			}
		})
	}
}
