package webdavd

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/vfs"
)

// TestOpenPutKilledWhileOpening: a kill that closes the request's file
// system after the temporary file is created but before the file is
// tracked (here: from the transfer hook, which runs in between) must not
// leave the file behind; the request's cleanup removes it.
func TestOpenPutKilledWhileOpening(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var v *vfs.Fs
	v, err := vfs.Open(dir, vfs.Options{Hooks: vfs.Hooks{Transfer: func(string, bool) func() {
		_ = v.Close() // the kill
		return nil
	}}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fileSystem{v: v, props: newPropStore(), put: &upload{}, cleanup: func(rel string) {
		fresh, err := vfs.Open(dir, vfs.Options{})
		if err != nil {
			t.Error(err)
			return
		}
		defer fresh.Close()
		if err := fresh.Remove(rel); err != nil {
			t.Errorf("cleanup of %s: %v", rel, err)
		}
	}}
	if _, err := f.OpenFile(context.Background(), "up.txt", os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("OpenFile on a file system closed while opening: %v, want ErrClosed", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), putPrefix) || e.Name() == "up.txt" {
			t.Errorf("%s left behind", e.Name())
		}
	}
}
