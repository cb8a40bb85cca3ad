package webdavd

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/uapid/uapid/internal/vfs"
)

// TestPropStatsFromListing: once a PROPFIND has listed a directory, the
// Stat and opens of its entries are answered from the listing without
// touching the disk again (a file removed since is still described, as it
// would have been a moment earlier), except a symlink, which is followed
// inside the root; the next request's file system stats afresh.
func TestPropStatsFromListing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{"d/a.txt": "aaa", "d/b.txt": "b", "d/t/x": "x"} {
		mustWriteFile(t, filepath.Join(dir, name), content)
	}
	if err := os.Symlink("t", filepath.Join(dir, "d/link")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f := mustPropfindFs(t, dir)
	d, err := f.OpenFile(ctx, "/d/", os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Readdir(0); err != nil {
		t.Fatal(err)
	}
	_ = d.Close()
	if err := os.Remove(filepath.Join(dir, "d/a.txt")); err != nil {
		t.Fatal(err)
	}
	if fi, err := f.Stat(ctx, "/d/a.txt"); err != nil || fi.Size() != 3 {
		t.Errorf("Stat of a listed entry: %v %v, want the listing's 3 bytes", fi, err)
	}
	if df, err := f.OpenFile(ctx, "d/./a.txt", os.O_RDONLY, 0); err != nil {
		t.Errorf("open of a listed entry: %v", err)
	} else {
		_ = df.Close()
	}
	if fi, err := f.Stat(ctx, "/d/link"); err != nil || !fi.IsDir() {
		t.Errorf("Stat of a listed symlink to a directory: %v %v, want the directory", fi, err)
	}
	if _, err := mustPropfindFs(t, dir).Stat(ctx, "/d/a.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("next request's Stat of the removed file: %v, want ErrNotExist", err)
	}
}

// mustPropfindFs returns a PROPFIND's fileSystem on dir.
func mustPropfindFs(tb testing.TB, dir string) *fileSystem {
	tb.Helper()
	v, err := vfs.Open(dir, vfs.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = v.Close() })
	return &fileSystem{v: v, props: newPropStore(), statOnly: true}
}

func mustWriteFile(tb testing.TB, name, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}
