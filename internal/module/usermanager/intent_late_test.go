package usermanager

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/password"
)

// The tests here leave the intent of a change whose undo failed, change
// the services the way a tenant may before the reconciler retries it
// (while the server serves), and check that the repair undoes only what
// the change itself wrote.

// TestLateEditRollBackKeepsLaterPassword: an edit gave bob's services a
// new hash; a roll-back puts the old one back only on a service that
// still holds the edit's, never over a password changed since.
func TestLateEditRollBackKeepsLaterPassword(t *testing.T) {
	for _, changedSince := range []bool{false, true} {
		name := map[bool]string{false: "still the edit's: restored", true: "changed since: kept"}[changedSince]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			e.mustBob(t, "services.webdisk.enabled=1", "services.webdisk.homedir=dav")
			before := e.bob(t)
			edited := mustHash(t, "edit-pw-2")
			prior := []state{ftpAccount(&before.ftp).stored, emailAccount(&before.email).stored, webDiskAccount(before.webDisk).stored}
			for i := range prior {
				prior[i].NewHash = &edited
			}
			e.setBobPasswords(t, edited) // what the edit did
			if changedSince {
				e.setBobPasswords(t, mustHash(t, "later-pw-3"))
			}
			e.mustRecordDead(t, kindEdit, &steps{GUID: before.guid, User: "bob", Domain: "example.com", Prior: prior})
			e.mustRecover(t)
			ftpHash, emailHash, diskHash := e.hashes(t, "bob", "example.com")
			for svc, h := range map[string]string{"ftp": ftpHash, "email": emailHash, "webdisk": diskHash} {
				want := "first-pw-1"
				if changedSince {
					want = "later-pw-3"
				}
				if !password.Verify(h, want) {
					t.Errorf("%s: the hash does not take %q after the repair", svc, want)
				}
			}
		})
	}
}

// setBobPasswords gives bob's three services the hash h, as a tenant's
// change (or the edit) does.
func (e *env) setBobPasswords(t *testing.T, h string) {
	t.Helper()
	ctx := context.Background()
	if err := e.ftp.SetPasswordHash(ctx, e.a, "bob", "example.com", h); err != nil {
		t.Fatal(err)
	}
	if err := e.email.SetPasswordHash(ctx, e.a, "bob", "example.com", h); err != nil {
		t.Fatal(err)
	}
	if err := e.webdisk.SetPasswordHash(ctx, e.a, "bob", "example.com", h, ""); err != nil {
		t.Fatal(err)
	}
}

func mustHash(t *testing.T, plain string) string {
	t.Helper()
	h, err := password.Hash(plain)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestLateRollBackKeepsUploadedFiles: a directory a change made goes with
// its roll-back only while it holds nothing but directories; files
// uploaded since stay, with their directories.
func TestLateRollBackKeepsUploadedFiles(t *testing.T) {
	tests := []struct {
		name   string
		upload bool // a file was put in the made directory since
	}{
		{name: "only directories: removed"},
		{name: "a file uploaded since: kept", upload: true},
	}
	for _, tt := range tests {
		t.Run("create: "+tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			// The undo deleted carol's Web Disk login, then failed.
			e.mustMade(t, "carol-dav/sub", tt.upload)
			e.mustRecordDead(t, kindCreate, &steps{GUID: "CAROL:EXAMPLE.COM:1:00", User: "carol", Domain: "example.com",
				Steps: []step{{Service: hosting.ServiceWebDisk, Dir: "carol-dav"}}})
			e.mustRecover(t)
			e.checkMade(t, "carol-dav", "carol-dav/sub", tt.upload)
		})
		t.Run("edit: "+tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			e.mustBob(t)
			before := e.bob(t)
			was := ftpAccount(&before.ftp).stored
			was.Dir = "newhome"
			if err := e.ftp.SetHomedir(context.Background(), e.a, "bob", "example.com", "newhome/bob"); err != nil {
				t.Fatal(err)
			}
			e.mustMade(t, "newhome/bob/sub", tt.upload)
			e.mustRecordDead(t, kindEdit, &steps{GUID: before.guid, User: "bob", Domain: "example.com", Prior: []state{was}})
			e.mustRecover(t)
			if s := e.bob(t); s.ftp.HomeDir != before.ftp.HomeDir {
				t.Errorf("FTP home %q after the roll-back, want %q", s.ftp.HomeDir, before.ftp.HomeDir)
			}
			e.checkMade(t, "newhome", "newhome/bob/sub", tt.upload)
		})
	}
}

// mustMade makes the directory rel in the home and, with upload, a file in
// it.
func (e *env) mustMade(t *testing.T, rel string, upload bool) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(e.a.HomeDir, rel), 0o755); err != nil {
		t.Fatal(err)
	}
	if !upload {
		return
	}
	if err := os.WriteFile(filepath.Join(e.a.HomeDir, rel, "upload.txt"), []byte("tenant data"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkMade checks that the made directory top is gone, or, with upload,
// that the file mustMade put in rel stays.
func (e *env) checkMade(t *testing.T, top, rel string, upload bool) {
	t.Helper()
	if f := filepath.Join(rel, "upload.txt"); upload && !e.exists(t, f) {
		t.Errorf("the roll-back removed %s, uploaded since", f)
	} else if !upload && e.exists(t, top) {
		t.Errorf("%s survived the roll-back", top)
	}
}

// TestLateRollBackKeepsLoginMadeSince: a create's roll-back deleted the
// FTP login it made, then failed; the tenant made a login of the same name
// before the reconciler retried. The step recorded the id of its login, so
// the repair leaves the new one; a login of the recorded id still goes.
func TestLateRollBackKeepsLoginMadeSince(t *testing.T) {
	for _, same := range []bool{false, true} {
		name := map[bool]string{false: "another id: kept", true: "the recorded id: deleted"}[same]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			ctx := context.Background()
			f, err := e.ftp.AddFTP(ctx, e.a, ftp.AddRequest{User: "dave", Domain: "example.com", Password: "Secret-pw-4", HomeDir: "dave"})
			if err != nil {
				t.Fatal(err)
			}
			id := f.ID + 1000 // the login the change made, deleted by the undo
			if same {
				id = f.ID
			}
			e.mustRecordDead(t, kindCreate, &steps{GUID: "DAVE:EXAMPLE.COM:1:00", User: "dave", Domain: "example.com",
				Steps: []step{{Service: hosting.ServiceFTP, ID: id}}})
			e.mustRecover(t)
			_, err = e.db.FindFTPAccount(ctx, e.a.ID, "dave", "example.com")
			if gone := hosting.ErrorCode(err) == hosting.ENOTFOUND; gone != same {
				t.Errorf("dave's FTP login gone = %v, want %v (%v)", gone, same, err)
			}
		})
	}
}

// TestEditRecordsTheHashItWrites: an edit's intent names, before anything
// changes, the one hash every service then stores, which is what lets a
// late roll-back tell the edit's password from a later one.
func TestEditRecordsTheHashItWrites(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t, "services.webdisk.enabled=1", "services.webdisk.homedir=dav")
	// The FTP step freezes after storing its hash: the mailbox has its
	// new one already.
	e.crashAt(t, "edit_user", "username=bob", "domain=example.com", "password=second-pw-2")
	list, err := e.db.ListIntents(context.Background(), time.Time{}, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("intents %d, %v; want 1", len(list), err)
	}
	var rec steps
	if err := intent.Decode(list[0], &rec); err != nil {
		t.Fatal(err)
	}
	ftpHash, emailHash, _ := e.hashes(t, "bob", "example.com")
	if len(rec.Prior) != 3 {
		t.Fatalf("%d services recorded, want 3", len(rec.Prior))
	}
	for _, was := range rec.Prior {
		if was.NewHash == nil || *was.NewHash != ftpHash || *was.NewHash != emailHash || !password.Verify(*was.NewHash, "second-pw-2") {
			t.Errorf("%s: recorded new hash %v; the services hold %q and %q", was.Service, was.NewHash, ftpHash, emailHash)
		}
	}
}
