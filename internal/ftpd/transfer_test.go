package ftpd_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/hosting"
)

func TestUploadDownloadAndUsage(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	fa := f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")

	if err := c.MakeDir("docs"); err != nil {
		t.Fatal(err)
	}
	mustStor(t, c, "docs/a.txt", "hello")
	if err := c.Append("docs/a.txt", strings.NewReader(", world")); err != nil {
		t.Fatal(err)
	}
	if got := mustRetr(t, c, "/docs/a.txt"); got != "hello, world" {
		t.Errorf("read %q", got)
	}
	if got := mustReadHost(t, filepath.Join(a.HomeDir, "bob", "docs", "a.txt")); got != "hello, world" {
		t.Errorf("on disk %q", got)
	}
	if got := f.usage(t, fa); got != 12 {
		t.Errorf("usage after upload = %d, want 12", got)
	}
	if err := c.Rename("docs/a.txt", "b.txt"); err != nil {
		t.Fatal(err)
	}
	if names := mustList(t, c, "/"); strings.Join(names, ",") != "b.txt,docs,marker.txt" {
		t.Errorf("list = %v", names)
	}
	if err := c.Delete("b.txt"); err != nil {
		t.Fatal(err)
	}
	if got := f.usage(t, fa); got != 0 {
		t.Errorf("usage after delete = %d, want 0", got)
	}
}

func TestQuotaStopsUploadWith552(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	fa := f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 1) // 1 MiB
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	mustStor(t, c, "first.bin", strings.Repeat("x", 1000))

	err := c.Stor("big.bin", bytes.NewReader(make([]byte, 3<<20)))
	if replyCode(err) != 552 {
		t.Fatalf("upload over quota: %v, want 552", err)
	}
	fi, statErr := os.Stat(filepath.Join(a.HomeDir, "bob", "big.bin"))
	if statErr != nil || fi.Size() != 1<<20-1000 {
		t.Fatalf("big.bin kept %v bytes (%v), want %d", fi.Size(), statErr, 1<<20-1000)
	}
	if got := f.usage(t, fa); got != 1<<20 {
		t.Errorf("usage = %d, want %d", got, 1<<20)
	}
	// Full: the next upload stops at once; freeing space lets it through.
	c = mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	if err := c.Stor("more.bin", strings.NewReader("y")); replyCode(err) != 552 {
		t.Errorf("upload at the limit: %v, want 552", err)
	}
	if err := c.Delete("first.bin"); err != nil {
		t.Fatal(err)
	}
	mustStor(t, c, "more.bin", "y")
}

func TestTraversal(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
	for link, target := range map[string]string{"escape": f.secret, "escape-dir": f.base, "up": ".."} {
		if err := os.Symlink(target, filepath.Join(a.HomeDir, "bob", link)); err != nil {
			t.Fatal(err)
		}
	}
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	for _, name := range []string{"../../secret.txt", "/../../../secret.txt", f.secret, "escape",
		"escape-dir/secret.txt", "up/marker.txt", "../marker.txt/../../secret.txt"} {
		if got, err := retr(c, name); err == nil && strings.Contains(got, secretText) || got == "home of cpuser" {
			t.Errorf("RETR %q read %q", name, got)
		}
	}
	if got := mustRetr(t, c, "../../marker.txt"); got != "home of bob@example.com" {
		t.Errorf(".. above the root did not stop at the root: %q", got)
	}
	for _, dir := range []string{"escape-dir", "up"} {
		if _, err := c.List(dir); err == nil {
			t.Errorf("LIST %s succeeded", dir)
		}
		if err := c.ChangeDir(dir); err == nil {
			t.Errorf("CWD %s succeeded", dir)
		}
		if err := c.Stor(dir+"/planted.txt", strings.NewReader("x")); err == nil {
			t.Errorf("STOR through %s succeeded", dir)
		}
	}
	if err := c.ChangeDir("/../.."); err != nil {
		t.Fatal(err)
	}
	if dir, _ := c.CurrentDir(); dir != "/" {
		t.Errorf("CWD above the root gave %q", dir)
	}
	for _, p := range []string{filepath.Join(f.base, "planted.txt"), filepath.Join(a.HomeDir, "planted.txt")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was planted", p)
		}
	}
}

func TestAnonymousRules(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	pub := filepath.Join(a.HomeDir, "public_ftp")
	incoming := filepath.Join(pub, "incoming")
	mustWrite(t, filepath.Join(incoming, "dropped.txt"), "earlier upload")

	if err := loginErr(t, f.addr, "anonymous@example.com", "x"); replyCode(err) != 530 {
		t.Errorf("anonymous with public_ftp 0750: %v, want 530", err)
	}

	mustChmod(t, pub, 0o755)
	c := mustLogin(t, f.addr, "anonymous@example.com", "x")
	if got := mustRetr(t, c, "marker.txt"); got != "public_ftp of cpuser" {
		t.Errorf("read %q", got)
	}
	if _, err := retr(c, "../marker.txt"); err != nil {
		t.Error(err) // stops at public_ftp
	}
	refused := map[string]error{
		"STOR":          c.Stor("new.txt", strings.NewReader("x")),
		"STOR incoming": c.Stor("incoming/new.txt", strings.NewReader("x")),
		"MKD":           c.MakeDir("d"),
		"DELE":          c.Delete("marker.txt"),
		"RNFR":          c.Rename("marker.txt", "m.txt"),
	}
	for op, err := range refused {
		if err == nil {
			t.Errorf("anonymous %s with incoming 0700 succeeded", op)
		}
	}

	mustChmod(t, incoming, 0o753)
	c = mustLogin(t, f.addr, "ftp@example.com", "x")
	mustStor(t, c, "incoming/new.txt", "anonymous upload")
	if got := mustReadHost(t, filepath.Join(incoming, "new.txt")); got != "anonymous upload" {
		t.Errorf("uploaded %q", got)
	}
	refused = map[string]error{
		"overwrite":     c.Stor("incoming/dropped.txt", strings.NewReader("x")),
		"append":        c.Append("incoming/dropped.txt", strings.NewReader("x")),
		"DELE incoming": c.Delete("incoming/dropped.txt"),
		"MKD incoming":  c.MakeDir("incoming/d"),
		"STOR outside":  c.Stor("new.txt", strings.NewReader("x")),
	}
	for op, err := range refused {
		if err == nil {
			t.Errorf("anonymous %s with incoming 0753 succeeded", op)
		}
	}
	if _, err := retr(c, "incoming/dropped.txt"); err == nil {
		t.Error("anonymous read from incoming succeeded")
	}
	if _, err := c.List("incoming"); err == nil {
		t.Error("anonymous listing of incoming succeeded")
	}
	if got := mustReadHost(t, filepath.Join(incoming, "dropped.txt")); got != "earlier upload" {
		t.Errorf("dropped.txt changed to %q", got)
	}
}

func TestLogAccessIsReadOnly(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	c := mustLogin(t, f.addr, "cpuser_logs", "main-pass")
	if err := c.Stor("x.log", strings.NewReader("x")); err == nil {
		t.Error("upload to the logs login succeeded")
	}
	if err := c.Delete("marker.txt"); err == nil {
		t.Error("delete by the logs login succeeded")
	}
	if _, err := os.Stat(filepath.Join(a.HomeDir, "logs", "marker.txt")); err != nil {
		t.Error(err)
	}
}

// retr reads a file, returning the error instead of failing.
func retr(c *ftp.ServerConn, name string) (string, error) {
	r, err := c.Retr(name)
	if err != nil {
		return "", err
	}
	defer r.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(r)
	return b.String(), err
}

func mustList(tb testing.TB, c *ftp.ServerConn, dir string) []string {
	tb.Helper()
	entries, err := c.List(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name)
	}
	sort.Strings(names)
	return names
}

func mustReadHost(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// Web Disk's upload temporaries are deleted by the crash repair, so an FTP
// client may not make a file under such a name (it would be deleted with
// them after a crash during its upload).
func TestReservedUploadNames(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	mustStor(t, c, "a.txt", "hello")
	name := hosting.UploadTempPrefix + "0123"
	if err := c.Stor(name, strings.NewReader("x")); replyCode(err) != 550 && replyCode(err) != 553 {
		t.Errorf("STOR %s: %v, want 550 or 553", name, err)
	}
	if err := c.Rename("a.txt", name); err == nil {
		t.Errorf("RNTO %s succeeded", name)
	}
	if _, err := os.Stat(filepath.Join(a.HomeDir, "bob", name)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists on disk: %v", name, err)
	}
	if got := mustRetr(t, c, "a.txt"); got != "hello" {
		t.Errorf("a.txt = %q after the refused rename", got)
	}
}

// TestSpecialFilesAreRefused: a FIFO in a home (placed by a plugin or a
// shell) answers RETR and STOR with an error at once instead of holding
// the session until a writer or reader appears.
func TestSpecialFilesAreRefused(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
	if err := syscall.Mkfifo(filepath.Join(a.HomeDir, "bob", "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	if _, err := retr(c, "fifo"); replyCode(err) != 550 {
		t.Errorf("RETR of a FIFO: %v, want 550", err)
	}
	if err := c.Stor("fifo", strings.NewReader("x")); replyCode(err) != 550 {
		t.Errorf("STOR onto a FIFO: %v, want 550", err)
	}
	if got := mustRetr(t, c, "marker.txt"); got == "" {
		t.Error("the session no longer reads its files")
	}
}
