package vfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestReadOnly(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	v := mustOpen(t, tr.home, Options{ReadOnly: true})
	ops := map[string]func() error{
		"create":   func() error { f, err := v.Create("new.txt"); closeIf(f); return err },
		"append":   func() error { f, err := v.OpenFile("file.txt", os.O_WRONLY|os.O_APPEND, 0); closeIf(f); return err },
		"mkdir":    func() error { return v.Mkdir("d", 0o755) },
		"mkdirall": func() error { return v.MkdirAll("d/e", 0o755) },
		"remove":   func() error { return v.Remove("file.txt") },
		"rmall":    func() error { return v.RemoveAll("dir") },
		"rename":   func() error { return v.Rename("file.txt", "x.txt") },
		"chmod":    func() error { return v.Chmod("file.txt", 0o600) },
		"chtimes":  func() error { return v.Chtimes("file.txt", fixedTime(), fixedTime()) },
		"chown":    func() error { return v.Chown("file.txt", 0, 0) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			if err := op(); !errors.Is(err, fs.ErrPermission) {
				t.Errorf("err = %v, want ErrPermission", err)
			}
		})
	}
	if got := mustRead(t, v, "file.txt"); got != "hello" {
		t.Errorf("read %q", got)
	}
}

func TestRootCannotBeRemovedOrRenamed(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	v := mustOpen(t, tr.home, Options{})
	for _, name := range []string{"", "/", ".", "..", "/../.."} {
		if err := v.Remove(name); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("Remove(%q) = %v", name, err)
		}
		if err := v.RemoveAll(name); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("RemoveAll(%q) = %v", name, err)
		}
		if err := v.Rename(name, "x"); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("Rename(%q) = %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(tr.home, "file.txt")); err != nil {
		t.Error(err)
	}
}

func TestDropBox(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	mustWrite(t, filepath.Join(tr.home, "public_ftp", "incoming", "old.txt"), "old")
	v := mustOpen(t, filepath.Join(tr.home, "public_ftp"), Options{ReadOnly: true, DropBoxes: []string{"/incoming/"}})

	f, err := v.OpenFile("/incoming/new.txt", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("upload")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := mustReadHost(t, filepath.Join(tr.home, "public_ftp", "incoming", "new.txt")); got != "upload" {
		t.Errorf("uploaded %q", got)
	}
	refused := map[string]func() error{
		"overwrite": func() error { return openErr(v.OpenFile("incoming/old.txt", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0)) },
		"append":    func() error { return openErr(v.OpenFile("incoming/old.txt", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0)) },
		"read":      func() error { return openErr(v.Open("incoming/old.txt")) },
		"list":      func() error { return openErr(v.Open("incoming")) },
		"mkdir":     func() error { return v.Mkdir("incoming/d", 0o755) },
		"remove":    func() error { return v.Remove("incoming/old.txt") },
		"rename":    func() error { return v.Rename("incoming/old.txt", "incoming/x") },
		"rename in": func() error { return v.Rename("pub.txt", "incoming/pub.txt") },
		"rmdir box": func() error { return v.Remove("incoming") },
		"chmod box": func() error { return v.Chmod("incoming", 0o777) },
		"outside":   func() error { return openErr(v.Create("pub2.txt")) },
	}
	for name, op := range refused {
		t.Run(name, func(t *testing.T) {
			if err := op(); err == nil {
				t.Error("succeeded")
			}
		})
	}
	if _, err := v.Stat("incoming"); err != nil {
		t.Errorf("Stat of the drop box: %v", err)
	}
}

// TestDropBoxSymlinkStaysInBox: a symlink inside the drop box cannot lead
// an upload elsewhere in the root.
func TestDropBoxSymlinkStaysInBox(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	pub := filepath.Join(tr.home, "public_ftp")
	if err := os.Symlink("..", filepath.Join(pub, "incoming", "parent")); err != nil {
		t.Fatal(err)
	}
	v := mustOpen(t, pub, Options{ReadOnly: true, DropBoxes: []string{"incoming"}})
	if err := openErr(v.Create("incoming/parent/planted.txt")); err == nil {
		t.Error("upload through a symlink out of the drop box succeeded")
	}
	if _, err := os.Stat(filepath.Join(pub, "planted.txt")); err == nil {
		t.Error("file planted outside the drop box")
	}
}

func openErr(f io.Closer, err error) error {
	closeIf(f)
	return err
}

func TestHooks(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	var mu sync.Mutex
	var events []string
	hook := func(name string, write bool) func() {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, "open "+name+" "+map[bool]string{true: "w", false: "r"}[write])
		return func() {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, "done "+name)
		}
	}
	v := mustOpen(t, tr.home, Options{Hooks: Hooks{Transfer: hook}})
	mustRead(t, v, "/dir/../file.txt")
	_ = openErr(v.Create("dir/up.txt"))
	_ = openErr(v.Open("dir")) // directories are not transfers
	want := "open file.txt r,done file.txt,open dir/up.txt w,done dir/up.txt"
	if got := strings.Join(events, ","); got != want {
		t.Errorf("events %q, want %q", got, want)
	}
}

// TestCloseAbortsOpenFiles: closing the Fs (a killed session) makes a
// transfer in progress fail at once.
func TestCloseAbortsOpenFiles(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	v, err := Open(tr.home, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := v.Open("file.txt")
	if err != nil {
		t.Fatal(err)
	}
	w, err := v.Create("w.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(make([]byte, 1)); err == nil {
		t.Error("read after Close succeeded")
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("write after Close succeeded")
	}
	if err := openErr(v.Open("file.txt")); err == nil {
		t.Error("open after Close succeeded")
	}
	if err := r.Close(); !errors.Is(err, os.ErrClosed) && err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestFileNameIsNotAHostPath(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	v := mustOpen(t, tr.home, Options{})
	f, err := v.Open("/dir/sub.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Name() != "/dir/sub.txt" {
		t.Errorf("Name = %q", f.Name())
	}
}

func TestOpenIn(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	for _, tt := range []struct {
		rel string
		ok  bool
	}{{"dir", true}, {"/dir", true}, {"", true}, {"../dir", true}, {"outdir", false}, {"up", false}, {"missing", false}} {
		v, err := OpenIn(tr.home, tt.rel, Options{})
		if (err == nil) != tt.ok {
			t.Errorf("OpenIn(%q) err = %v, want ok %v", tt.rel, err, tt.ok)
		}
		if err == nil {
			v.Close()
		}
	}
	v, err := OpenIn(tr.home, "../dir", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if got := mustRead(t, v, "sub.txt"); got != "sub" {
		t.Errorf("read %q", got)
	}
}

func TestCreatedModes(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	v := mustOpen(t, tr.home, Options{})
	_ = openErr(v.OpenFile("f", os.O_WRONLY|os.O_CREATE, os.ModePerm|os.ModeSetuid))
	if err := v.Mkdir("d", os.ModePerm|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := v.Chmod("f", 0o4777); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]fs.FileMode{"f": os.ModeSetuid, "d": os.ModeSticky} {
		fi, err := os.Stat(filepath.Join(tr.home, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&bad != 0 {
			t.Errorf("%s has mode %v", name, fi.Mode())
		}
	}
}

// TestWriteTo: a download handed to WriteTo sends the whole file from the
// current offset, for read-only and read-write handles alike.
func TestWriteTo(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	v := mustOpen(t, tr.home, Options{})
	for _, flag := range []int{os.O_RDONLY, os.O_RDWR} {
		f, err := v.OpenFile("file.txt", flag, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Seek(1, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		n, err := f.(io.WriterTo).WriteTo(&b)
		f.Close()
		if err != nil || n != 4 || b.String() != "ello" {
			t.Errorf("flag %d: WriteTo = %d, %v, %q", flag, n, err, b.String())
		}
	}
}

// Reserved names cannot be written or renamed to, wherever they are, drop
// boxes included; other names and reading stay as they were.
func TestReserved(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	v := mustOpen(t, tr.home, Options{Reserved: ".keep-", DropBoxes: []string{"dir"}})
	tests := []struct {
		name    string
		op      func() error
		refused bool
	}{
		{"create", func() error { f, err := v.Create(".keep-x"); closeIf(f); return err }, true},
		{"create below", func() error { f, err := v.Create("sub/.keep-x"); closeIf(f); return err }, true},
		{"create in drop box", func() error { f, err := v.Create("dir/.keep-x"); closeIf(f); return err }, true},
		{"append", func() error {
			f, err := v.OpenFile(".keep-y", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
			closeIf(f)
			return err
		}, true},
		{"rename to", func() error { return v.Rename("file.txt", ".keep-z") }, true},
		{"prefix inside the name", func() error { f, err := v.Create("a.keep-x"); closeIf(f); return err }, false},
		{"read", func() error { f, err := v.Open("file.txt"); closeIf(f); return err }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.op()
			if refused := errors.Is(err, fs.ErrPermission); refused != tt.refused {
				t.Errorf("err = %v, want refused %v", err, tt.refused)
			}
		})
	}
	if got := mustRead(t, v, "file.txt"); got != "hello" {
		t.Errorf("file.txt after a refused rename: %q", got)
	}
}
