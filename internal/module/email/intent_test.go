package email_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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
	j, err := intent.New(intent.Config{Owner: "restarted"}, e.db, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	e.svc.UseJournal(j, e.db)
	if left, err := j.Recover(ctx); left != 0 || err != nil {
		t.Fatalf("Recover: %d left, %v", left, err)
	}
	if _, ok := e.published(t, "example.com")["bob@example.com"]; ok {
		t.Error("the deleted mailbox is still published")
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, box.Maildir())); !os.IsNotExist(err) {
		t.Errorf("the maildir survived: %v", err)
	}
}
