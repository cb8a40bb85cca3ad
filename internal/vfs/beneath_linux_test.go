package vfs

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestBeneathAgreesWithRoot opens every path of the test tree, and ones
// that try to leave it, both with openat2 and through os.Root: each must
// succeed or fail with the other, read the same bytes, and never reach the
// secret beside the home.
func TestBeneathAgreesWithRoot(t *testing.T) {
	tr := mustTree(t)
	if err := os.Symlink("/proc/self/root"+tr.secret, filepath.Join(tr.home, "magic")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(tr.home)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	b := newBeneath(root)
	if b == nil {
		t.Skip("openat2 is not available")
	}
	defer b.close()
	for _, rel := range []string{"file.txt", "dir/sub.txt", "in", "indir/sub.txt", "out", "abs", "outdir",
		"up/secret.txt", "up/home/file.txt", "magic", "indir/../file.txt", "dir/../../secret.txt", "missing",
		"dir", "public_ftp/pub.txt"} {
		t.Run(rel, func(t *testing.T) {
			fast, ok, ferr := b.open(rel, os.O_RDONLY, 0o666) // ftpserverlib passes a mode to reads too
			if !ok {
				t.Skip("openat2 is not available")
			}
			slow, serr := root.OpenFile(rel, os.O_RDONLY, 0)
			if (ferr == nil) != (serr == nil) {
				t.Fatalf("openat2: %v; os.Root: %v", ferr, serr)
			}
			if ferr != nil {
				return
			}
			defer fast.Close()
			defer slow.Close()
			got, _ := io.ReadAll(fast)
			want, _ := io.ReadAll(slow)
			if string(got) != string(want) || string(got) == secretText {
				t.Errorf("openat2 read %q, os.Root %q", got, want)
			}
		})
	}
}

// TestBeneathCreates creates, truncates and appends with the flags FTP uses
// (the first open through os.Root, the next ones through openat2), refuses
// a creation through a symlink that leaves the root, and fails once the Fs
// is closed.
func TestBeneathCreates(t *testing.T) {
	tr := mustTree(t)
	v := mustOpen(t, tr.home, Options{})
	if b := newBeneath(v.root); b == nil {
		t.Skip("openat2 is not available")
	} else {
		b.close()
	}
	for _, step := range []struct {
		flag int
		data string
		want string
	}{
		{os.O_WRONLY | os.O_CREATE | os.O_TRUNC, "first", "first"},
		{os.O_WRONLY | os.O_CREATE | os.O_APPEND, "+more", "first+more"},
		{os.O_WRONLY | os.O_CREATE | os.O_TRUNC, "new", "new"},
	} {
		f, err := v.OpenFile("dir/new.txt", step.flag, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(step.data)); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if got := mustReadHost(t, filepath.Join(tr.home, "dir", "new.txt")); got != step.want {
			t.Errorf("after %q: %q, want %q", step.data, got, step.want)
		}
	}
	if f, err := v.OpenFile("outdir/planted.txt", os.O_WRONLY|os.O_CREATE, 0o644); err == nil {
		f.Close()
		t.Error("created a file through a symlink out of the root")
	}
	if _, err := os.Stat(filepath.Join(tr.base, "outside", "planted.txt")); err == nil {
		t.Error("planted.txt exists outside the root")
	}
	if v.fast == nil {
		t.Fatal("three opens did not switch to openat2")
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := v.fast.open("file.txt", os.O_RDONLY, 0); ok && err == nil {
		t.Error("openat2 opened a file after the Fs was closed")
	}
}

// FuzzBeneath opens any path with openat2 and through os.Root over the test
// tree (with its symlinks out of the home, absolute, magic and ".."): the
// two must agree on success, and neither may read the secret beside the
// home.
func FuzzBeneath(f *testing.F) {
	for _, seed := range []string{"file.txt", "dir/sub.txt", "out", "abs", "up/secret.txt", "magic",
		"indir/../file.txt", "dir/../../secret.txt", "/etc/passwd", "", ".", "a//b", "dir/./sub.txt"} {
		f.Add(seed)
	}
	tr := mustTree(f)
	if err := os.Symlink("/proc/self/root"+tr.secret, filepath.Join(tr.home, "magic")); err != nil {
		f.Fatal(err)
	}
	root, err := os.OpenRoot(tr.home)
	if err != nil {
		f.Fatal(err)
	}
	defer root.Close()
	b := newBeneath(root)
	if b == nil {
		f.Skip("openat2 is not available")
	}
	defer b.close()
	f.Fuzz(func(t *testing.T, rel string) {
		fast, ok, ferr := b.open(rel, os.O_RDONLY, 0)
		if !ok {
			return // os.Root opens it: nothing to compare
		}
		slow, serr := root.OpenFile(rel, os.O_RDONLY, 0)
		if ferr == nil {
			defer fast.Close()
			if got, _ := io.ReadAll(fast); string(got) == secretText {
				t.Fatalf("openat2 read the secret through %q", rel)
			}
		}
		if serr == nil {
			defer slow.Close()
		}
		if (ferr == nil) != (serr == nil) {
			t.Fatalf("%q: openat2: %v; os.Root: %v", rel, ferr, serr)
		}
	})
}
