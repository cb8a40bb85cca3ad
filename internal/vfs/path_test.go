package vfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "."},
		{"/", "."},
		{".", "."},
		{"..", "."},
		{"../../..", "."},
		{"/../etc/passwd", "etc/passwd"},
		{"a/b/../c", "a/c"},
		{"a/../../b", "b"},
		{"//a//b/", "a/b"},
		{"./a/./b", "a/b"},
		{"/home/user/x", "home/user/x"},
		{`..\..\x`, `..\..\x`}, // a backslash is a plain character on Unix
		{"a/..", "."},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestCleanAllocs: a clean absolute name, the form clients send, is
// cleaned without allocating.
func TestCleanAllocs(t *testing.T) {
	for _, name := range []string{"/", "/d/f.txt", "/public_html/a/b"} {
		if n := testing.AllocsPerRun(100, func() { _ = Clean(name) }); n != 0 {
			t.Errorf("Clean(%q): %v allocations", name, n)
		}
	}
}

// FuzzClean: Clean gives what it gave before its allocation-free path,
// trimming the slash of path.Clean("/"+name).
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "/", "//", "/..", "a/../..", "/a/./b/", "//a", `\..`, "/a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		want := strings.TrimPrefix(path.Clean("/"+name), "/")
		if want == "" {
			want = "."
		}
		if got := Clean(name); got != want {
			t.Fatalf("Clean(%q) = %q, want %q", name, got, want)
		}
	})
}

// TestTraversal tries to leave the root by every means os.Root has to stop.
func TestTraversal(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	v := mustOpen(t, tr.home, Options{})
	tests := []struct {
		name string
		want string // content read, or "" when the open must fail
	}{
		{"file.txt", "hello"},
		{"/file.txt", "hello"},
		{"../file.txt", "hello"},
		{"../../../../file.txt", "hello"},
		{"dir/../file.txt", "hello"},
		{"../secret.txt", ""},
		{"/../secret.txt", ""},
		{tr.secret, ""},
		{"out", ""},
		{"abs", ""},
		{"outdir/x", ""},
		{"up/secret.txt", ""},
		{"up/home/file.txt", ""},
		{"in", "hello"},
		{"indir/sub.txt", "sub"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := v.Open(tt.name)
			if tt.want == "" {
				if err == nil {
					f.Close()
					t.Fatalf("Open(%q) succeeded", tt.name)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if b, _ := io.ReadAll(f); string(b) != tt.want {
				t.Errorf("read %q, want %q", b, tt.want)
			}
		})
	}
}

// TestSymlinkOutCannotBeListedOrWritten checks the operations other than
// Open on links that point out of the root.
func TestSymlinkOutCannotBeListedOrWritten(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	v := mustOpen(t, tr.home, Options{})
	ops := map[string]func(string) error{
		"stat":    func(n string) error { _, err := v.Stat(n); return err },
		"mkdir":   func(n string) error { return v.Mkdir(n+"/new", 0o755) },
		"create":  func(n string) error { f, err := v.Create(n); closeIf(f); return err },
		"listdir": func(n string) error { f, err := v.Open(n); closeIf(f); return err },
		"chmod":   func(n string) error { return v.Chmod(n, 0o777) },
		"rename":  func(n string) error { return v.Rename("file.txt", n+"/moved") },
	}
	for op, do := range ops {
		for _, link := range []string{"out", "abs", "outdir", "up"} {
			t.Run(op+"/"+link, func(t *testing.T) {
				if err := do(link); err == nil {
					t.Errorf("%s through %s succeeded", op, link)
				}
			})
		}
	}
	if b := mustReadHost(t, tr.secret); b != secretText {
		t.Errorf("secret changed to %q", b)
	}
	if fi, err := v.Lstat("out"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat of the link itself = %v, %v", fi, err)
	}
}

func closeIf(f io.Closer) {
	if f != nil {
		f.Close()
	}
}

// FuzzOpen checks that no client path reaches the secret next to the root,
// through "..", absolute paths or symlinks, and that Clean's result is
// always a local path.
func FuzzOpen(f *testing.F) {
	for _, s := range []string{"", "/", "..", "../secret.txt", "out", "abs", "up/secret.txt",
		"outdir/../../secret.txt", "dir/../../secret.txt", "/../../", "a\x00b", "indir/../up/secret.txt"} {
		f.Add(s)
	}
	tr := mustTree(f)
	v := mustOpen(f, tr.home, Options{ReadOnly: true})
	f.Fuzz(func(t *testing.T, name string) {
		rel := Clean(name)
		if rel != "." && (!filepath.IsLocal(rel) || strings.HasPrefix(rel, "/") || Clean(rel) != rel) {
			t.Fatalf("Clean(%q) = %q is not a clean local path", name, rel)
		}
		file, err := v.Open(name)
		if err != nil {
			return
		}
		defer file.Close()
		b, _ := io.ReadAll(io.LimitReader(file, 64))
		if strings.Contains(string(b), secretText) {
			t.Fatalf("Open(%q) read the secret", name)
		}
		if !errors.Is(v.Mkdir(name, 0o755), fs.ErrPermission) {
			t.Fatalf("Mkdir(%q) on a read-only Fs did not fail with ErrPermission", name)
		}
	})
}

// FuzzWrite checks that creating directories and files under any client
// path leaves everything outside the root untouched.
func FuzzWrite(f *testing.F) {
	for _, s := range []string{"x", "../x", "/../../x", "outdir/x", "up/x", "abs", "out", "indir/../../x"} {
		f.Add(s)
	}
	tr := mustTree(f)
	v := mustOpen(f, tr.home, Options{})
	f.Fuzz(func(t *testing.T, name string) {
		_ = v.MkdirAll(name, 0o755)
		if file, err := v.Create(name + "/f"); err == nil {
			_, _ = file.Write([]byte("x"))
			file.Close()
		}
		_ = v.Rename("file.txt", name)
		_ = v.Rename(name, "file.txt")
		if ents, err := os.ReadDir(filepath.Join(tr.base, "outside")); err != nil || len(ents) != 0 {
			t.Fatalf("%q: outside holds %v (%v)", name, ents, err)
		}
		if ents, _ := os.ReadDir(tr.base); len(ents) != 3 {
			t.Fatalf("%q: base holds %d entries", name, len(ents))
		}
		if b := mustReadHost(t, tr.secret); b != secretText {
			t.Fatalf("%q: secret changed to %q", name, b)
		}
	})
}
