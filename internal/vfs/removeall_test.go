package vfs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// mustDeepTree makes levels nested directories under home/top, each with a
// 10-byte file, and returns the bytes written.
func mustDeepTree(tb testing.TB, home string, levels int) int64 {
	tb.Helper()
	dir := filepath.Join(home, "top")
	for i := range levels {
		mustWrite(tb, filepath.Join(dir, "f.txt"), "0123456789")
		if i < levels-1 {
			dir = filepath.Join(dir, "d")
		}
	}
	return int64(10 * levels)
}

// mustWideTree makes n 10-byte files in home/top and returns their bytes.
func mustWideTree(tb testing.TB, home string, n int) int64 {
	tb.Helper()
	for i := range n {
		mustWrite(tb, filepath.Join(home, "top", "f"+strconv.Itoa(i)), "0123456789")
	}
	return int64(10 * n)
}

// RemoveAll removes the tree, never what a symlink in it points to, and
// uncounts exactly the regular files' bytes.
func TestRemoveAllCountsExactlyAndFollowsNoLink(t *testing.T) {
	t.Parallel()
	v, l, tr := mustQuotaFs(t, 0, 1<<30) // counted as in use, so that what is freed shows
	wrote := mustDeepTree(t, tr.home, 5)
	if err := os.Symlink(tr.secret, filepath.Join(tr.home, "top", "d", "secret")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(tr.home, "public_ftp"), filepath.Join(tr.home, "top", "ftp")); err != nil {
		t.Fatal(err)
	}
	before := l.Used()
	if err := v.RemoveAll("top"); err != nil {
		t.Fatal(err)
	}
	if got := before - l.Used(); got != wrote {
		t.Errorf("uncounted %d bytes, want %d", got, wrote)
	}
	if _, err := os.Lstat(filepath.Join(tr.home, "top")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("top still there: %v", err)
	}
	if b, err := os.ReadFile(tr.secret); err != nil || string(b) != secretText {
		t.Errorf("the link's target changed: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(tr.home, "public_ftp", "pub.txt")); err != nil {
		t.Errorf("a linked directory's content went: %v", err)
	}
	if l.marks() != 0 {
		t.Errorf("%d changes left begun", l.marks())
	}
}

// A tree past a bound is removed as far as the bound, the call fails with
// ErrTreeTooLarge, and what went is uncounted exactly: the count always
// matches the disk.
func TestRemoveAllStopsAtItsBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		make                 func(tb testing.TB, home string) int64
		maxDepth, maxEntries int
	}{
		{"too deep", func(tb testing.TB, home string) int64 { return mustDeepTree(tb, home, 20) }, 8, 1000},
		{"too many entries", func(tb testing.TB, home string) int64 { return mustWideTree(tb, home, 3*removeBatch) }, 8, removeBatch + 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, l, tr := mustQuotaFs(t, 0, 1<<30) // counted as in use, so that what is freed shows
			wrote := tt.make(t, tr.home)
			before := l.Used()
			err := v.removeAll(context.Background(), "top", tt.maxDepth, tt.maxEntries)
			if !errors.Is(err, ErrTreeTooLarge) {
				t.Fatalf("removeAll = %v, want ErrTreeTooLarge", err)
			}
			left, derr := v.DiskUsage("top")
			if derr != nil {
				t.Fatal(derr)
			}
			if left == 0 || left == wrote {
				t.Errorf("%d of %d bytes left: want a partial removal", left, wrote)
			}
			if got := before - l.Used(); got != wrote-left {
				t.Errorf("uncounted %d bytes; %d went", got, wrote-left)
			}
			if l.marks() != 0 {
				t.Errorf("%d changes left begun", l.marks())
			}
		})
	}
}

// A cancelled context (a Web Disk client gone) or a closed Fs (a killed
// FTP session) stops the walk at the next batch, the count exact.
func TestRemoveAllStops(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		run  func(v *Fs) error
		want error
	}{
		{"context cancelled", func(v *Fs) error { return v.RemoveAllContext(cancelled, "top") }, context.Canceled},
		{"fs closed", func(v *Fs) error {
			v.mu.Lock()
			v.closed = true // as Close does, without closing the root the test reads
			v.mu.Unlock()
			return v.RemoveAll("top")
		}, fs.ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, l, tr := mustQuotaFs(t, 0, 1<<30) // counted as in use, so that what is freed shows
			wrote := mustWideTree(t, tr.home, 50)
			before := l.Used()
			if err := tt.run(v); !errors.Is(err, tt.want) {
				t.Fatalf("RemoveAll = %v, want %v", err, tt.want)
			}
			left, err := DiskUsage(filepath.Join(tr.home, "top"))
			if err != nil || left != wrote || l.Used() != before {
				t.Errorf("%d of %d bytes left (%v), usage %d → %d: want nothing removed", left, wrote, err, before, l.Used())
			}
		})
	}
}

// A protected directory inside the tree stops the removal there, untouched.
func TestRemoveAllSparesProtectedBelow(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	mustWrite(t, filepath.Join(tr.home, "top", "keep", "k.txt"), "kept")
	l := &ledger{Quota: NewQuota(0, 1<<30)}
	v := mustOpen(t, tr.home, Options{Usage: l, Protected: []string{"top/keep"}})
	if err := v.RemoveAll("top"); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("RemoveAll = %v, want a permission error", err)
	}
	if b, err := os.ReadFile(filepath.Join(tr.home, "top", "keep", "k.txt")); err != nil || string(b) != "kept" {
		t.Errorf("protected content: %q, %v", b, err)
	}
}

// A directory replaced between its Lstat and its opening (by a symlink
// that OpenRoot would follow) is not emptied.
func TestRemoveAllRefusesASwappedDirectory(t *testing.T) {
	t.Parallel()
	v, _, tr := mustQuotaFs(t, 0, 1<<30) // counted as in use, so that what is freed shows
	mustWrite(t, filepath.Join(tr.home, "a", "x.txt"), "x")
	mustWrite(t, filepath.Join(tr.home, "b", "y.txt"), "y")
	seen, err := v.root.Lstat("a")
	if err != nil {
		t.Fatal(err)
	}
	rm := &remover{v: v, ctx: context.Background(), maxDepth: 8, maxEntries: 100}
	if _, err := rm.empty(v.root, "b", "b", seen, 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty(b) with a's stat = %v, want ErrNotExist", err)
	}
	if _, err := os.Stat(filepath.Join(tr.home, "b", "y.txt")); err != nil {
		t.Errorf("b was emptied: %v", err)
	}
}
