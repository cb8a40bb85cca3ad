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
