package usermanager

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/password"
)

// bobState is what an edit may change on bob's services, as stored.
type bobState struct {
	guid, subHash, name   string
	ftp                   hosting.FTPAccount
	email                 hosting.EmailAccount
	webDisk               *hosting.WebDiskAccount // nil: none
	ftpLinked, diskLinked bool
}

func (e *env) bob(t *testing.T) bobState {
	t.Helper()
	ctx := context.Background()
	sub, err := e.db.FindSubaccount(ctx, e.a.ID, "bob", "example.com")
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.db.FindFTPAccount(ctx, e.a.ID, "bob", "example.com")
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.db.FindEmailAccount(ctx, e.a.ID, "bob", "example.com")
	if err != nil {
		t.Fatal(err)
	}
	s := bobState{guid: sub.GUID, subHash: sub.PasswordHash, name: deref(sub.RealName), ftp: *f, email: *m}
	s.ftp.UsedBytes, s.ftp.CreatedAt, s.email.CreatedAt = 0, time.Time{}, time.Time{}
	if w, err := e.db.FindWebDiskAccount(ctx, e.a.ID, "bob", "example.com"); err == nil {
		w.CreatedAt = time.Time{}
		s.webDisk = w
	} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Fatal(err)
	}
	anns, err := e.db.FindServiceAnnotations(ctx, e.a.ID, "bob", "example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range anns {
		s.ftpLinked = s.ftpLinked || (a.Service == hosting.ServiceFTP && a.ServiceID == f.ID && a.OwnerGUID == sub.GUID)
		s.diskLinked = s.diskLinked || (a.Service == hosting.ServiceWebDisk && a.OwnerGUID == sub.GUID)
	}
	return s
}

func (e *env) exists(t *testing.T, rel string) bool {
	t.Helper()
	_, err := os.Stat(filepath.Join(e.a.HomeDir, rel))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

// A crash in the middle of an edit (the mailbox and the FTP login changed,
// a Web Disk login created, the Subaccount not yet) is rolled back: every
// service has its settings and hash of before, the login created and the
// directories made are gone.
func TestCrashDuringEditRollsBack(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t)
	before := e.bob(t)
	e.crashAt(t, "edit_user", "username=bob", "domain=example.com", "password=second-pw-2", "real_name=Robert",
		"services.email.quota=7", "services.ftp.quota=5", "services.ftp.homedir=public_html/new/bob",
		"services.webdisk.enabled=1", "services.webdisk.homedir=davnew")
	half := e.bob(t)
	if !password.Verify(half.email.PasswordHash, "second-pw-2") || half.webDisk == nil || !e.exists(t, "public_html/new/bob") {
		t.Fatalf("before the repair the edit is half done: %+v", half)
	}
	e.mustRecover(t)
	after := e.bob(t)
	if after.webDisk != nil || after.diskLinked || e.exists(t, "davnew") || e.exists(t, "public_html/new") || !e.exists(t, "public_html") {
		t.Errorf("the Web Disk login %+v or a directory the edit made survived", after.webDisk)
	}
	if after.guid != before.guid || after.subHash != before.subHash || after.name != before.name || after.ftp != before.ftp || after.email != before.email || !after.ftpLinked {
		t.Errorf("not rolled back:\nbefore %+v\nafter  %+v", before, after)
	}
	if r := obj(t, e.mustOK(t, e.a, "lookup_user", "guid="+before.guid)); enabled(r) != "email+ftp" {
		t.Errorf("lookup_user after the repair: %s", enabled(r))
	}
}

// A crash after an edit was committed (disabling FTP: the login not yet
// deleted) is completed: the login is deleted and unlinked, the other
// services keep the new password.
func TestCrashDuringEditCompletes(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t, "services.webdisk.enabled=1", "services.webdisk.homedir=dav")
	e.crashAt(t, "edit_user", "username=bob", "domain=example.com", "password=second-pw-2", "real_name=Robert",
		"services.ftp.enabled=0")
	ctx := context.Background()
	if _, err := e.db.FindFTPAccount(ctx, e.a.ID, "bob", "example.com"); err != nil {
		t.Fatalf("before the repair the FTP login is there: %v", err)
	}
	e.mustRecover(t)
	if _, err := e.db.FindFTPAccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("FTP login survived: %v", err)
	}
	anns, err := e.db.FindServiceAnnotations(ctx, e.a.ID, "bob", "example.com")
	for _, a := range anns {
		if a.Service == hosting.ServiceFTP {
			t.Errorf("the deleted FTP login is still linked: %+v %v", a, err)
		}
	}
	sub, _ := e.db.FindSubaccount(ctx, e.a.ID, "bob", "example.com")
	_, emailHash, diskHash := e.hashes(t, "bob", "example.com")
	for _, h := range []string{sub.PasswordHash, emailHash, diskHash} {
		if !password.Verify(h, "second-pw-2") {
			t.Errorf("hash %q does not take the new password", h)
		}
	}
	if deref(sub.RealName) != "Robert" {
		t.Errorf("real name %q", deref(sub.RealName))
	}
}

// A committed edit whose Subaccount row was not updated yet gets the
// update from the intent, and its disabled services deleted.
func TestRepairCommittedEditUpdatesRow(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t)
	before := e.bob(t)
	hash, err := password.Hash("third-pw-3")
	if err != nil {
		t.Fatal(err)
	}
	name, synced := "Roberta", false
	e.mustRecordDead(t, kindEdit, &steps{GUID: before.guid, User: "bob", Domain: "example.com", Committed: true,
		Sub:      &hosting.SubaccountUpdate{RealName: &name, PasswordHash: &hash, SyncedPassword: &synced},
		Removals: []accountRef{{Service: hosting.ServiceEmail, User: "bob", Domain: "example.com", ID: before.email.ID}}})
	e.mustRecover(t)
	ctx := context.Background()
	sub, _ := e.db.FindSubaccount(ctx, e.a.ID, "bob", "example.com")
	if deref(sub.RealName) != name || sub.PasswordHash != hash || sub.SyncedPassword {
		t.Errorf("row not updated: %+v", sub)
	}
	if _, err := e.db.FindEmailAccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("mailbox survived: %v", err)
	}
	if !e.exists(t, "mail/example.com/bob") {
		t.Error("disabling a mailbox removed its maildir")
	}
}

// An enable intent of an earlier version (the services turned on only)
// is rolled back as an edit.
func TestRepairOldEnableIntent(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t)
	e.mustOK(t, e.a, "WebDisk::add_user", "user=bob", "domain=example.com", "password=first-pw-1", "homedir=olddav")
	sub, _ := e.db.FindSubaccount(context.Background(), e.a.ID, "bob", "example.com")
	e.mustRecordDead(t, kindEnable, &steps{GUID: sub.GUID, User: "bob", Domain: "example.com",
		Steps: []step{{Service: hosting.ServiceWebDisk, Dir: "olddav"}}})
	e.mustRecover(t)
	if s := e.bob(t); s.webDisk != nil || e.exists(t, "olddav") {
		t.Errorf("the Web Disk login %+v or its directory survived", s.webDisk)
	}
}

// A failed edit (Digest asked for without a password, after the mailbox
// and the FTP login changed) puts everything back at once.
func TestFailedEditRollsBack(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustBob(t, "services.webdisk.enabled=1", "services.webdisk.homedir=dav")
	before := e.bob(t)
	e.mustFail(t, e.a, "Digest", "edit_user", "username=bob", "domain=example.com", "services.email.quota=7",
		"services.ftp.quota=5", "services.ftp.homedir=elsewhere", "services.webdisk.perms=ro",
		"services.webdisk.enabledigest=1")
	after := e.bob(t)
	if after.ftp != before.ftp || after.email != before.email || *after.webDisk != *before.webDisk || e.exists(t, "elsewhere") {
		t.Errorf("not rolled back:\nbefore %+v %+v\nafter  %+v %+v", before, before.webDisk, after, after.webDisk)
	}
	if list, _ := e.db.ListIntents(context.Background(), e.clock.now(), 10); len(list) != 0 {
		t.Errorf("%d intents left", len(list))
	}
}

// mustRecordDead stores an intent of kind with rec as a process that died
// left it.
func (e *env) mustRecordDead(t *testing.T, kind string, rec *steps) {
	t.Helper()
	j, err := intent.New(intent.Config{Owner: "dead-process"}, e.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	in, err := j.Begin(kind, e.a.ID, rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Record(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}
