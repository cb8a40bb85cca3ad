package vfs

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// TestWriteAfterClose: a Write or Truncate that takes the file after a
// Close (a kill racing an upload) fails without reserving quota, which the
// Close has already settled and nothing would give back.
func TestWriteAfterClose(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   func(f *File) error
	}{
		{"write", func(f *File) error { _, err := f.Write([]byte("late")); return err }},
		{"write at", func(f *File) error { _, err := f.WriteAt([]byte("late"), 10); return err }},
		{"truncate", func(f *File) error { return f.Truncate(1 << 10) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := NewQuota(0, 0)
			v := mustOpen(t, t.TempDir(), Options{Usage: q})
			af, err := v.OpenFile("f", os.O_RDWR|os.O_CREATE, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			f := af.(*File)
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			if err := tc.op(f); err == nil || !errors.Is(err, fs.ErrClosed) {
				t.Errorf("after Close: %v, want ErrClosed", err)
			}
			if q.Used() != 0 {
				t.Errorf("quota counts %d bytes after a write on a closed file", q.Used())
			}
		})
	}
}
