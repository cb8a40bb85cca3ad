package vfs

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// openOrHang runs op and fails the test if it has not returned within a
// minute: without O_NONBLOCK, opening a FIFO waits for its other end
// forever, so the failure this guards against is a hang, not slowness.
func openOrHang(t *testing.T, op func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- op() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("the open is still waiting for the FIFO's other end")
		return nil
	}
}

// TestSpecialFilesAreRefused: a FIFO, socket or device in a home (placed
// by a plugin or a shell, not by FTP or Web Disk) is neither read nor
// written, and opening it neither blocks nor leaves a usage change begun.
func TestSpecialFilesAreRefused(t *testing.T) {
	t.Parallel()
	v, l, tr := mustQuotaFs(t, 1<<20, 0)
	if err := syscall.Mkfifo(filepath.Join(tr.home, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", filepath.Join(tr.home, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := os.Symlink("/dev/zero", filepath.Join(tr.home, "devzero")); err != nil {
		t.Fatal(err)
	}
	flags := map[string]int{
		"read":   os.O_RDONLY,
		"write":  os.O_WRONLY | os.O_CREATE | os.O_TRUNC,
		"append": os.O_WRONLY | os.O_APPEND,
	}
	for _, name := range []string{"fifo", "sock"} {
		for how, flag := range flags {
			err := openOrHang(t, func() error {
				f, err := v.OpenFile(name, flag, 0o644)
				closeIf(f)
				return err
			})
			if !errors.Is(err, ErrSpecialFile) {
				t.Errorf("%s %s: err = %v, want ErrSpecialFile", how, name, err)
			}
		}
	}
	if f, err := v.Open("devzero"); err == nil {
		closeIf(f)
		t.Error("a symlink to /dev/zero out of the home opened")
	}
	if n := l.marks(); n != 0 {
		t.Errorf("%d usage changes left begun", n)
	}
	if got := mustRead(t, v, "file.txt"); got != "hello" {
		t.Errorf("a regular file next to them reads %q", got)
	}
}

// TestFIFOWithAReaderIsRefused: with a reader waiting on the FIFO the
// open itself succeeds; the file is refused after it, and closed.
func TestFIFOWithAReaderIsRefused(t *testing.T) {
	t.Parallel()
	v, l, tr := mustQuotaFs(t, 1<<20, 0)
	fifo := filepath.Join(tr.home, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = openOrHang(t, func() error {
		f, err := v.OpenFile("fifo", os.O_WRONLY, 0)
		closeIf(f)
		return err
	})
	if !errors.Is(err, ErrSpecialFile) {
		t.Errorf("err = %v, want ErrSpecialFile", err)
	}
	if n := l.marks(); n != 0 {
		t.Errorf("%d usage changes left begun", n)
	}
}
