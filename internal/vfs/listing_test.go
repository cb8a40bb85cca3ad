package vfs

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// mustEmptyFiles creates files f0..f(n-1) in dir, empty: what a tenant
// can make without touching its quota.
func mustEmptyFiles(tb testing.TB, dir string, from, n int) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	for i := from; i < from+n; i++ {
		f, err := os.Create(filepath.Join(dir, "f"+strconv.Itoa(i)))
		if err != nil {
			tb.Fatal(err)
		}
		f.Close()
	}
}

// A whole-directory read lists up to Options.MaxListEntries entries and refuses
// one more with ErrDirTooLarge, never a partial list; reads of a batch
// are not bounded (their caller is).
func TestWholeDirectoryReadsAreBounded(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	dir := filepath.Join(tr.home, "big")
	const most = 3*listBatch + 7 // several batches; the default's own test is end to end (ftpd, webdavd)
	mustEmptyFiles(t, dir, 0, most)
	v := mustOpen(t, tr.home, Options{MaxListEntries: most})
	reads := map[string]func(f *File) (int, error){
		"Readdir": func(f *File) (int, error) { l, err := f.Readdir(-1); return len(l), err },
		"Readdirnames": func(f *File) (int, error) {
			l, err := f.Readdirnames(0)
			return len(l), err
		},
		"Readdir batch": func(f *File) (int, error) { l, err := f.Readdir(10); return len(l), err },
	}
	check := func(wantErr bool) {
		for name, read := range reads {
			d, err := v.Open("big")
			if err != nil {
				t.Fatal(err)
			}
			n, err := read(d.(*File))
			d.Close()
			if name == "Readdir batch" {
				if n != 10 || err != nil {
					t.Errorf("%s = %d, %v", name, n, err)
				}
				continue
			}
			if got := errors.Is(err, ErrDirTooLarge); got != wantErr || (!wantErr && n != most) || (wantErr && n != 0) {
				t.Errorf("%s = %d entries, %v; want too large: %v", name, n, err, wantErr)
			}
		}
		if err := v.CheckListable("big"); errors.Is(err, ErrDirTooLarge) != wantErr {
			t.Errorf("CheckListable = %v; want too large: %v", err, wantErr)
		}
	}
	check(false)
	mustEmptyFiles(t, dir, most, 1)
	check(true)
}
