package vfs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ledger is a Quota that also counts the changes begun and not ended, as
// the durable marks of internal/usage do.
type ledger struct {
	*Quota
	mu   sync.Mutex
	open int
	fail bool  // Begin fails, as a store that is down
	most int64 // the largest Reserve asked for
	asks int   // Reserve calls: each may be a store write
}

func (l *ledger) Reserve(rel string, n int64) (int64, error) {
	l.mu.Lock()
	l.most = max(l.most, n)
	l.asks++
	l.mu.Unlock()
	return l.Quota.Reserve(rel, n)
}

func (l *ledger) Begin(string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail {
		return errors.New("store down")
	}
	l.open++
	return nil
}

func (l *ledger) End(rel string, n int64) error {
	l.mu.Lock()
	l.open--
	l.mu.Unlock()
	return l.Quota.End(rel, n)
}

func (l *ledger) marks() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

func mustQuotaFs(tb testing.TB, limit, used int64) (*Fs, *ledger, tree) {
	tb.Helper()
	tr := mustTree(tb)
	l := &ledger{Quota: NewQuota(limit, used)}
	return mustOpen(tb, tr.home, Options{Usage: l}), l, tr
}

func TestQuotaStopsWriteAndCountsWrittenBytes(t *testing.T) {
	t.Parallel()
	v, l, tr := mustQuotaFs(t, 100, 40)
	f, err := v.Create("up.bin")
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.Write(make([]byte, 50))
	if n != 50 || err != nil {
		t.Fatalf("first write = %d, %v", n, err)
	}
	n, err = f.Write(make([]byte, 30))
	var qe *QuotaError
	if n != 10 || !errors.As(err, &qe) || qe.Limit != 100 {
		t.Fatalf("second write = %d, %v; want 10 bytes and a QuotaError", n, err)
	}
	if n, err := f.Write([]byte("x")); n != 0 || !errors.As(err, &qe) {
		t.Fatalf("write at the limit = %d, %v", n, err)
	}
	f.Close()
	if fi, _ := os.Stat(filepath.Join(tr.home, "up.bin")); fi.Size() != 60 {
		t.Errorf("file holds %d bytes, want 60", fi.Size())
	}
	if got := l.Used(); got != 100 {
		t.Errorf("used = %d, want 100", got)
	}
	if got := l.marks(); got != 0 {
		t.Errorf("%d changes left begun", got)
	}
}

func TestQuotaAccounting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		do   func(t *testing.T, v *Fs)
		want int64 // usage change from 0
	}{
		{"create", func(t *testing.T, v *Fs) { mustPut(t, v, "a", 10, os.O_TRUNC) }, 10},
		{"overwrite shorter", func(t *testing.T, v *Fs) { mustPut(t, v, "file.txt", 2, os.O_TRUNC) }, 2 - 5},
		{"overwrite in place", func(t *testing.T, v *Fs) { mustPut(t, v, "file.txt", 3, 0) }, 0},
		{"append", func(t *testing.T, v *Fs) { mustPut(t, v, "file.txt", 4, os.O_APPEND) }, 4},
		{"remove", func(t *testing.T, v *Fs) { mustDo(t, v.Remove("file.txt")) }, -5},
		{"remove symlink", func(t *testing.T, v *Fs) { mustDo(t, v.Remove("in")) }, 0},
		{"remove all", func(t *testing.T, v *Fs) { mustDo(t, v.RemoveAll("dir")) }, -3},
		{"rename over", func(t *testing.T, v *Fs) { mustDo(t, v.Rename("dir/sub.txt", "file.txt")) }, -5},
		{"rename", func(t *testing.T, v *Fs) { mustDo(t, v.Rename("file.txt", "moved.txt")) }, 0},
		{"truncate", func(t *testing.T, v *Fs) {
			f, err := v.OpenFile("file.txt", os.O_RDWR, 0)
			mustDo(t, err)
			mustDo(t, f.Truncate(20))
			mustDo(t, f.Truncate(1))
			f.Close()
		}, -4},
		{"seek and write past end", func(t *testing.T, v *Fs) {
			f, err := v.OpenFile("file.txt", os.O_WRONLY, 0)
			mustDo(t, err)
			_, err = f.Seek(3, io.SeekStart)
			mustDo(t, err)
			_, err = f.Write([]byte("abcd"))
			mustDo(t, err)
			f.Close()
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, l, _ := mustQuotaFs(t, 0, 1000)
			tt.do(t, v)
			if got := l.Used() - 1000; got != tt.want {
				t.Errorf("usage changed by %d, want %d", got, tt.want)
			}
			if got := l.marks(); got != 0 {
				t.Errorf("%d changes left begun", got)
			}
		})
	}
}

func TestQuotaTruncateBeyondLimit(t *testing.T) {
	t.Parallel()
	v, l, _ := mustQuotaFs(t, 10, 5)
	f, err := v.OpenFile("file.txt", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qe *QuotaError
	if err := f.Truncate(100); !errors.As(err, &qe) {
		t.Fatalf("Truncate = %v", err)
	}
	f.Close()
	if got := l.Used(); got != 5 {
		t.Errorf("used = %d after a refused truncate", got)
	}
}

// TestQuotaSharedBetweenFs: two sessions of one login share the limit. An
// open file holds what it reserved (up to ReserveChunk) until it closes.
func TestQuotaSharedBetweenFs(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	q := NewQuota(30, 0)
	a := mustOpen(t, tr.home, Options{Usage: q})
	b := mustOpen(t, tr.home, Options{Usage: q})
	fa, _ := a.Create("a")
	fb, _ := b.Create("b")
	defer fb.Close()
	if _, err := fa.Write(make([]byte, 20)); err != nil {
		t.Fatal(err)
	}
	if n, err := fb.Write(make([]byte, 20)); n != 0 || err == nil {
		t.Errorf("second session wrote %d, %v while the first held the quota; want 0 and a quota error", n, err)
	}
	fa.Close() // returns the 10 bytes it reserved and did not write
	if n, err := fb.Write(make([]byte, 20)); n != 10 || err == nil {
		t.Errorf("second session wrote %d, %v; want 10 and a quota error", n, err)
	}
}

// A change the counter cannot begin (its store is down) is refused before
// any file changes.
func TestQuotaBeginFailureRefusesChange(t *testing.T) {
	t.Parallel()
	v, l, tr := mustQuotaFs(t, 0, 0)
	l.fail = true
	if _, err := v.Create("new.bin"); err == nil || !strings.Contains(err.Error(), "store down") {
		t.Errorf("Create = %v", err)
	}
	if err := v.Remove("file.txt"); err == nil {
		t.Error("Remove succeeded without a mark")
	}
	if _, err := os.Stat(filepath.Join(tr.home, "file.txt")); err != nil {
		t.Errorf("file.txt: %v", err)
	}
	if _, err := os.Stat(filepath.Join(tr.home, "new.bin")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("new.bin was created: %v", err)
	}
}

func TestDiskUsage(t *testing.T) {
	t.Parallel()
	tr := mustTree(t)
	// file.txt 5 + dir/sub.txt 3 + public_ftp/pub.txt 3; symlinks, even
	// to the 6-byte secret outside, do not count.
	if got, err := DiskUsage(tr.home); err != nil || got != 11 {
		t.Errorf("DiskUsage = %d, %v; want 11", got, err)
	}
	v := mustOpen(t, tr.home, Options{})
	for name, want := range map[string]int64{"dir": 3, "/": 11, "indir": 3, "missing": 0, "file.txt": 5} {
		if got, err := v.DiskUsage(name); err != nil || got != want {
			t.Errorf("DiskUsage(%q) = %d, %v; want %d", name, got, err, want)
		}
	}
	if _, err := v.DiskUsage("outdir"); err == nil {
		t.Error("DiskUsage through a symlink out of the root succeeded")
	}
}

func mustPut(tb testing.TB, v *Fs, name string, n int, flag int) {
	tb.Helper()
	f, err := v.OpenFile(name, os.O_WRONLY|os.O_CREATE|flag, 0o644)
	mustDo(tb, err)
	_, err = f.Write(make([]byte, n))
	mustDo(tb, err)
	mustDo(tb, f.Close())
}

func mustDo(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// An upload arrives through io.Copy, which uses File.ReadFrom: the quota
// still stops it at the limit and counts what was written.
func TestQuotaStopsReadFrom(t *testing.T) {
	t.Parallel()
	v, l, tr := mustQuotaFs(t, 3<<20, 0)
	f, err := v.Create("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	src := bytes.NewReader(bytes.Repeat([]byte("u"), 5<<20))
	n, err := io.Copy(f, struct{ io.Reader }{src}) // hide WriterTo so io.Copy reaches ReadFrom
	var qe *QuotaError
	if n != 3<<20 || !errors.As(err, &qe) {
		t.Fatalf("io.Copy = %d, %v; want %d bytes and a QuotaError", n, err, 3<<20)
	}
	f.Close()
	if fi, _ := os.Stat(filepath.Join(tr.home, "big.bin")); fi.Size() != 3<<20 {
		t.Errorf("file holds %d bytes", fi.Size())
	}
	if got := l.Used(); got != 3<<20 {
		t.Errorf("used %d, want %d", got, 3<<20)
	}
	g, _ := v.Create("small.bin")
	if n, err := io.Copy(g, struct{ io.Reader }{strings.NewReader("")}); n != 0 || err != nil {
		t.Errorf("empty copy = %d, %v", n, err)
	}
	g.Close()
}

// TestCloseThen: what CloseThen runs (a PUT's rename into place) sees the
// file closed and its change still marked, so that a crash before it is
// done leaves the mark; on a file closed already it runs at once.
func TestCloseThen(t *testing.T) {
	t.Parallel()
	v, l, tr := mustQuotaFs(t, 0, 0)
	for _, closedFirst := range []bool{false, true} {
		af, err := v.Create("tmp.bin")
		if err != nil {
			t.Fatal(err)
		}
		f := af.(*File)
		if _, err := f.Write([]byte("hello")); err != nil {
			t.Fatal(err)
		}
		if closedFirst {
			mustDo(t, f.Close())
		}
		marks, ran := -1, false
		err = f.CloseThen(func(closeErr error) {
			ran, marks = true, l.marks()
			mustDo(t, closeErr)
			mustDo(t, v.Rename("tmp.bin", "final.bin"))
		})
		wantMarks := 1
		if closedFirst {
			wantMarks = 0
		}
		if err != nil || !ran || marks != wantMarks || l.marks() != 0 {
			t.Errorf("closed first %v: CloseThen %v, ran %v, %d marks while it ran (want %d), %d after",
				closedFirst, err, ran, marks, wantMarks, l.marks())
		}
		if b, err := os.ReadFile(filepath.Join(tr.home, "final.bin")); err != nil || string(b) != "hello" {
			t.Errorf("final.bin %q, %v", b, err)
		}
	}
}

// A large upload asks its counter a few times, each ask doubling up to 64
// MiB, whether it is spliced from a socket (plain FTP) or written through
// Write (a Web Disk PUT, an FTPS upload: 16 KiB TLS records): 100 MiB in
// seven (1, 2, 4, 8, 16, 32 MiB and a partial 64). Each ask past a lease's
// spare is a store write: 16 MiB rounds made ten, and Write's one chunk at
// a time a hundred.
func TestLargeUploadReservesInFewAsks(t *testing.T) {
	t.Parallel()
	const size = 100 << 20
	tests := []struct {
		name   string
		upload func(t *testing.T, f *File) (int64, error)
	}{
		{"spliced from a socket", func(t *testing.T, f *File) (int64, error) {
			return uploadOverTCP(t, f, make([]byte, size))
		}},
		{"written in TLS records", func(t *testing.T, f *File) (int64, error) {
			record := make([]byte, 16<<10)
			var total int64
			for total < size {
				n, err := f.Write(record)
				if total += int64(n); err != nil {
					return total, err
				}
			}
			return total, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, l, _ := mustQuotaFs(t, 0, 0)
			f, err := v.Create("large.bin")
			if err != nil {
				t.Fatal(err)
			}
			if n, err := tt.upload(t, f.(*File)); n != size || err != nil {
				t.Fatalf("upload = %d, %v", n, err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.asks > 7 {
				t.Errorf("%d reservations for %d MiB, want at most 7", l.asks, size>>20)
			}
			if l.Used() != size {
				t.Errorf("usage %d, want %d", l.Used(), size)
			}
		})
	}
}
