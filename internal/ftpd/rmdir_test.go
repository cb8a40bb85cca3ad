package ftpd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	fixtures "github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/vfs"
)

// SITE RMDIR removes a whole tree in one command (ftpserverlib hands it to
// vfs.RemoveAll): the login's usage drops by exactly the files' bytes, a
// symlink in the tree goes without its target, and a protected directory
// stays.
func TestSiteRmdirRemovesTreeAndUncountsIt(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	fa := f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	for _, d := range []string{"site", "site/css", "site/css/deep"} {
		if err := c.MakeDir(d); err != nil {
			t.Fatal(err)
		}
	}
	mustStor(t, c, "site/index.html", "<html>")
	mustStor(t, c, "site/css/a.css", "body{}")
	mustStor(t, c, "site/css/deep/b.txt", "deep")
	mustStor(t, c, "keep.txt", "kept")
	outside := filepath.Join(a.HomeDir, "public_html", "outside.txt")
	if err := os.WriteFile(outside, []byte("not bob's"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(a.HomeDir, "bob", "site", "link")); err != nil {
		t.Fatal(err)
	}
	before := f.usage(t, fa)
	r := rawLogin(t, f.addr, "bob@example.com", "bob-pass")
	if err := r.PrintfLine("SITE RMDIR site"); err != nil {
		t.Fatal(err)
	}
	if code, msg, _ := r.ReadResponse(0); code != 250 {
		t.Fatalf("SITE RMDIR site: %d %s", code, msg)
	}
	if _, err := os.Lstat(filepath.Join(a.HomeDir, "bob", "site")); !os.IsNotExist(err) {
		t.Errorf("site still there: %v", err)
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != "not bob's" {
		t.Errorf("the link's target: %q, %v", b, err)
	}
	if got, want := before-f.usage(t, fa), int64(len("<html>")+len("body{}")+len("deep")); got != want {
		t.Errorf("usage dropped by %d, want %d", got, want)
	}
	main := rawLogin(t, f.addr, "cpuser", "main-pass")
	if err := main.PrintfLine("SITE RMDIR public_html"); err != nil {
		t.Fatal(err)
	}
	if code, msg, _ := main.ReadResponse(0); code != 550 {
		t.Errorf("SITE RMDIR public_html: %d %s, want 550", code, msg)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("public_html's content went: %v", err)
	}
}

// A directory of more than vfs.MaxListEntries entries (empty files: no
// quota stops them) is refused a listing (jlaffaye's List asks MLSD:
// 550), never listed in
// part: a mirroring client would delete what it did not see. Its files are
// still reachable by name.
func TestHugeDirectoryIsNotListedInPart(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	fixtures.EmptyEntries(t, filepath.Join(a.HomeDir, "big"), vfs.MaxListEntries+1)
	c := mustLogin(t, f.addr, "cpuser", "main-pass")
	if _, err := c.List("big"); err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("LIST big = %v, want 550", err)
	}
	if got := mustRetr(t, c, "big/f7"); got != "" {
		t.Errorf("RETR big/f7 = %q", got)
	}
}
