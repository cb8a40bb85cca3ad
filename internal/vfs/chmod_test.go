package vfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Chmod refuses the root and the protected directories under any name,
// symlinks included, and changes everything else, a FIFO without hanging.
func TestChmodProtected(t *testing.T) {
	tr := mustTree(t)
	if err := os.Symlink("public_ftp", filepath.Join(tr.home, "ftp_link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(tr.home, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	v := mustOpen(t, tr.home, Options{Protected: []string{"public_ftp", "public_ftp/incoming"}})
	tests := []struct {
		name    string
		refused bool
	}{
		{".", true}, {"/", true}, {"dir/..", true}, {"indir/..", true},
		{"public_ftp", true}, {"public_ftp/incoming", true}, {"ftp_link", true}, {"ftp_link/incoming", true},
		{"dir", false}, {"file.txt", false}, {"in", false}, {"fifo", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Chmod(tt.name, 0o700)
			if tt.refused != errors.Is(err, fs.ErrPermission) || (!tt.refused && err != nil) {
				t.Errorf("Chmod(%q) = %v, want refused %v", tt.name, err, tt.refused)
			}
		})
	}
	for _, d := range []string{"", "public_ftp", "public_ftp/incoming"} {
		if st, _ := os.Stat(filepath.Join(tr.home, d)); st.Mode().Perm() != 0o755 {
			t.Errorf("mode of %q changed to %v", d, st.Mode().Perm())
		}
	}
}

// The protected layout is never removed, renamed away or replaced by a
// rename, under any name: renamed away, a directory could be chmodded
// there and renamed back, undoing Chmod's rule. The tenant's own entries,
// symlinks to protected directories included, still move and go.
func TestLayoutKeptByRenameAndRemove(t *testing.T) {
	tr := mustTree(t)
	mustMkdir(t, filepath.Join(tr.home, "mine"))
	mustMkdir(t, filepath.Join(tr.home, "empty"))
	for link, target := range map[string]string{"ftp_link": "public_ftp", "home_link": "."} {
		if err := os.Symlink(target, filepath.Join(tr.home, link)); err != nil {
			t.Fatal(err)
		}
	}
	// tmp is protected but missing: its place stays reserved.
	v := mustOpen(t, tr.home, Options{Protected: []string{"public_ftp", "public_ftp/incoming", "tmp"}})
	tests := []struct {
		name    string
		op      func() error
		refused bool
	}{
		{"rename away", func() error { return v.Rename("public_ftp", "x") }, true},
		{"rename away by a symlinked parent", func() error { return v.Rename("home_link/public_ftp", "x") }, true},
		{"rename a nested one away", func() error { return v.Rename("ftp_link/incoming", "x") }, true},
		{"rename by ..", func() error { return v.Rename("dir/../public_ftp", "x") }, true},
		{"rename onto", func() error { return v.Rename("mine", "public_ftp/incoming") }, true},
		{"rename onto by a symlinked parent", func() error { return v.Rename("empty", "home_link/public_ftp") }, true},
		{"rename onto a missing one's place", func() error { return v.Rename("mine", "tmp") }, true},
		{"remove", func() error { return v.Remove("public_ftp/incoming") }, true},
		{"remove all", func() error { return v.RemoveAll("public_ftp") }, true},
		{"remove all by a symlink's path", func() error { return v.RemoveAll("ftp_link/incoming") }, true},
		{"rename own directory", func() error { return v.Rename("mine", "mine2") }, false},
		{"rename a symlink to a protected one", func() error { return v.Rename("ftp_link", "ftp_link2") }, false},
		{"remove own directory", func() error { return v.Remove("empty") }, false},
		{"remove a file in a protected one", func() error { return v.Remove("public_ftp/pub.txt") }, false},
	}
	for _, tt := range tests {
		err := tt.op()
		if tt.refused != errors.Is(err, fs.ErrPermission) || (!tt.refused && err != nil) {
			t.Errorf("%s: %v, want refused %v", tt.name, err, tt.refused)
		}
	}
	for _, d := range []string{"public_ftp", "public_ftp/incoming"} {
		if st, err := os.Lstat(filepath.Join(tr.home, d)); err != nil || !st.IsDir() {
			t.Errorf("%s: %v, %v; want the directory kept", d, st, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(tr.home, "tmp")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tmp was created by a rename: %v", err)
	}
}
