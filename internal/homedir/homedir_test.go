package homedir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

func TestIsProtected(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"", true},
		{"public_html", true},
		{"public_ftp", true},
		{"public_ftp/incoming", true},
		{"etc", true},
		{"logs", true},
		{"mail", true},
		{"tmp", true},
		{"public_html/site", false},
		{"public_ftp/incoming/x", false},
		{"mail2", false},
		{"docs", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.rel), func(t *testing.T) {
			if got := IsProtected(tt.rel); got != tt.want {
				t.Errorf("IsProtected(%q) = %v, want %v", tt.rel, got, tt.want)
			}
		})
	}
}

func TestLayoutMode(t *testing.T) {
	tests := []struct {
		name string
		want os.FileMode
	}{
		{"public_html", 0o750},
		{"public_ftp", 0o750},
		{"public_ftp/incoming", 0o700},
		{"logs", 0o700},
		{"etc", 0o750},
		{"mail", 0o751},
		{"tmp", 0o755},
		{"", 0},
		{"mail/example.com", 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.name), func(t *testing.T) {
			if got := LayoutMode(tt.name); got != tt.want {
				t.Errorf("LayoutMode(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
	for _, d := range Layout() {
		if !IsProtected(d.Name) {
			t.Errorf("layout directory %s is not protected", d.Name)
		}
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		name, rel, dir string
		want           bool
	}{
		{"home holds everything", "a/b", "", true},
		{"home holds itself", "", "", true},
		{"same", "public_html", "public_html", true},
		{"below", "public_html/site", "public_html", true},
		{"deep below", "a/b/c", "a", true},
		{"sibling with prefix", "public_html2", "public_html", false},
		{"parent", "a", "a/b", false},
		{"home is not below a dir", "", "a", false},
		{"other", "b", "a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Within(tt.rel, tt.dir); got != tt.want {
				t.Errorf("Within(%q, %q) = %v, want %v", tt.rel, tt.dir, got, tt.want)
			}
		})
	}
}

func TestMakeDirs(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(tb testing.TB, home, outside string)
		rel         string
		wantCreated string
		wantErr     string // substring; "" for success
	}{
		{name: "home", rel: "", wantCreated: ""},
		{name: "new", rel: "a/b/c", wantCreated: "a"},
		{name: "parent exists", setup: mustMkdir("a"), rel: "a/b/c", wantCreated: "a/b"},
		{name: "all exist", setup: mustMkdir("a/b"), rel: "a/b", wantCreated: ""},
		{name: "file in the way", setup: mustWrite("a"), rel: "a/b",
			wantErr: "The “homedir” parameter names “a/b”, but “a” is not a directory."},
		{name: "symlink inside", setup: mustSymlink("a", "in"), rel: "in/b", wantCreated: "in/b"},
		{name: "symlink out of the home", setup: mustSymlink("", "out"), rel: "out/b", wantErr: "fail out/b:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home, outside := t.TempDir(), t.TempDir()
			if tt.setup != nil {
				tt.setup(t, home, outside)
			}
			root := mustOpenRoot(t, home)
			fail := func(rel string, err error) error {
				return hosting.Errorf(hosting.EINVALID, "fail %s: %v", rel, Cause(err))
			}
			created, err := MakeDirs(root, tt.rel, 0o751, fail)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("MakeDirs(%q) error = %v, want %q", tt.rel, err, tt.wantErr)
				}
				if hosting.ErrorCode(err) != hosting.EINVALID {
					t.Errorf("MakeDirs(%q) error code = %v, want EINVALID", tt.rel, hosting.ErrorCode(err))
				}
				if entries, _ := os.ReadDir(outside); len(entries) > 0 {
					t.Errorf("MakeDirs(%q) created %s outside the home", tt.rel, entries[0].Name())
				}
				return
			}
			if err != nil {
				t.Fatalf("MakeDirs(%q): %v", tt.rel, err)
			}
			if created != tt.wantCreated {
				t.Errorf("MakeDirs(%q) created %q, want %q", tt.rel, created, tt.wantCreated)
			}
			if created == "" {
				return
			}
			// The mode is exact whatever the umask, from created down to rel.
			for p := tt.rel; ; p = filepath.Dir(p) {
				fi, err := root.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != 0o751 {
					t.Errorf("mode of %s = %v, want 0751", p, fi.Mode().Perm())
				}
				if p == created || p == "in/b" {
					break
				}
			}
		})
	}
}

func TestCause(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"path error", &fs.PathError{Op: "mkdirat", Path: "a/b", Err: syscall.EACCES}, syscall.EACCES.Error()},
		{"wrapped path error", fmt.Errorf("x: %w", &fs.PathError{Op: "stat", Path: "a", Err: syscall.ENOENT}), syscall.ENOENT.Error()},
		{"other", errors.New("path escapes from parent"), "path escapes from parent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cause(tt.err).Error(); got != tt.want {
				t.Errorf("Cause(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name    string
		home    func(tb testing.TB) string
		wantErr bool
	}{
		{"exists", func(tb testing.TB) string { return tb.TempDir() }, false},
		{"missing", func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "gone") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := Open(&hosting.Account{Name: "bob", HomeDir: tt.home(t)})
			if tt.wantErr {
				if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "open home of bob") {
					t.Fatalf("Open error = %v, want a not-exist error naming the account", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			root.Close()
		})
	}
}

func mustOpenRoot(tb testing.TB, dir string) *os.Root {
	tb.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { root.Close() })
	return root
}

func mustMkdir(rel string) func(tb testing.TB, home, outside string) {
	return func(tb testing.TB, home, _ string) {
		tb.Helper()
		if err := os.MkdirAll(filepath.Join(home, rel), 0o755); err != nil {
			tb.Fatal(err)
		}
	}
}

func mustWrite(rel string) func(tb testing.TB, home, outside string) {
	return func(tb testing.TB, home, _ string) {
		tb.Helper()
		if err := os.WriteFile(filepath.Join(home, rel), nil, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// mustSymlink makes the link name in the home point at the directory target
// of the home,
// or at the outside directory when target is "".
func mustSymlink(target, name string) func(tb testing.TB, home, outside string) {
	return func(tb testing.TB, home, outside string) {
		tb.Helper()
		dst := outside
		if target != "" {
			// Relative: os.Root refuses an absolute link even into the root.
			dst = target
			if err := os.MkdirAll(filepath.Join(home, target), 0o755); err != nil {
				tb.Fatal(err)
			}
		}
		if err := os.Symlink(dst, filepath.Join(home, name)); err != nil {
			tb.Fatal(err)
		}
	}
}
