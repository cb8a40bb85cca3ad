package email_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
)

// TestCrashAfterDeleteCommitPublishesAndRemoves leaves what a process that
// died right after committing delete_pop leaves (the row gone with its
// intent; the passwd-file and the maildir untouched) and checks that the
// next start-up finishes the deletion.
func TestCrashAfterDeleteCommitPublishesAndRemoves(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	e.mustAdd(t, e.a, "bob@example.com", "Secret-pw-1")
	box, err := e.db.FindEmailAccount(ctx, e.a.ID, "bob", "example.com")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(map[string]any{"user": "bob", "domain": "example.com"})
	in := &hosting.Intent{ID: "dead-delete", Kind: "email.delete", AccountID: e.a.ID, Owner: "dead-process", Data: data}
	if err := e.db.DeleteEmailAccountIntent(ctx, box.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.published(t, "example.com")["bob@example.com"]; !ok {
		t.Fatal("before the repair the entry is still published")
	}
	e.recoverAs(t, "restarted")
	if _, ok := e.published(t, "example.com")["bob@example.com"]; ok {
		t.Error("the deleted mailbox is still published")
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, box.Maildir())); !os.IsNotExist(err) {
		t.Errorf("the maildir survived: %v", err)
	}
}

// TestCrashBeforeAddCommitKeepsAnFTPRoot leaves what a process that died
// while add_pop made mail/DOMAIN leaves, after an FTP login made its root
// in that directory: the repair removes the half-made maildir's directory
// only when no account of any service uses it.
func TestCrashBeforeAddCommitKeepsAnFTPRoot(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	if err := e.db.CreateFTPAccount(ctx, &hosting.FTPAccount{AccountID: e.a.ID, User: "ftp", Domain: "example.com",
		PasswordHash: "x", HomeDir: "mail/example.net/ftp"}); err != nil {
		t.Fatal(err)
	}
	// The FTP login's root holds a file; the half-made maildir only the
	// directories add_pop makes.
	for _, p := range []string{"mail/example.net/ftp/f", "mail/example.org/half/cur/"} {
		if err := os.MkdirAll(filepath.Join(e.a.HomeDir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, "/") {
			continue
		}
		if err := os.WriteFile(filepath.Join(e.a.HomeDir, p), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, dir := range []string{"mail/example.net", "mail/example.org"} {
		data, _ := json.Marshal(map[string]any{"domain": "example.com", "dir": dir})
		in := &hosting.Intent{ID: fmt.Sprintf("dead-create-%d", i), Kind: "email.create", AccountID: e.a.ID, Owner: "dead-process", Data: data}
		if err := e.db.CreateIntent(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	e.recoverAs(t, "restarted")
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "mail/example.net/ftp/f")); err != nil {
		t.Errorf("the repair removed an FTP login's files: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "mail/example.org")); !os.IsNotExist(err) {
		t.Errorf("the half-made directory no account uses survived: %v", err)
	}
}

// recoverAs runs the start-up repair of a restarted process (owner) over
// the env's service.
func (e *env) recoverAs(t *testing.T, owner string) {
	t.Helper()
	fixture.Recover(t, e.db, owner, func(j *intent.Journal) { e.svc.UseJournal(j, e.db) })
}
