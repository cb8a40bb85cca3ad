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
	j, err := intent.New(intent.Config{Owner: owner}, e.db, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	e.svc.UseJournal(j, e.db)
	if left, err := j.Recover(context.Background()); left != 0 || err != nil {
		t.Fatalf("Recover: %d left, %v", left, err)
	}
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
