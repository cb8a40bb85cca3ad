package vfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// beneath opens files below the Fs root with one openat2(2) call
// (RESOLVE_BENEATH: the kernel refuses any path, "..", absolute or
// magic-link symlink that would leave the root, as os.Root does by walking
// the path itself). os.Root's OpenFile costs, for a file one directory
// down, an openat and a close of that directory, then the file's openat,
// and os.newFile's four fcntl calls and an epoll_ctl that fails for a
// regular file: a tenth of a 4 KiB FTP upload's CPU was its open
// (docs/benchmarks.md, #10). os.NewFile adds a single fcntl.
type beneath struct {
	dir  *os.File // the root directory, whose descriptor openat2 starts from
	name string   // the root's path, for the files' names as os.Root gives them
	// missing is set once openat2 is refused as a whole (ENOSYS: a kernel
	// before 5.6, or a seccomp filter): os.Root does every open after that.
	missing atomic.Bool
}

// maxOpenTries bounds the openat2 calls of one open.
const maxOpenTries = 8

func newBeneath(root *os.Root) *beneath {
	dir, err := root.Open(".")
	if err != nil {
		return nil
	}
	return &beneath{dir: dir, name: root.Name()}
}

// open opens rel (cleaned, root-relative) with the os.OpenFile flags. ok
// is false when openat2 is not available: the caller opens it through
// os.Root instead.
func (b *beneath) open(rel string, flag int, perm os.FileMode) (f *os.File, ok bool, err error) {
	if b.missing.Load() {
		return nil, false, nil
	}
	how := unix.OpenHow{Flags: uint64(flag | unix.O_CLOEXEC), Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS}
	if flag&os.O_CREATE != 0 {
		how.Mode = uint64(perm.Perm()) // openat2, unlike openat, refuses a mode it would not use
	}
	fd := -1
	rc, err := b.dir.SyscallConn() // holds the descriptor open while in use
	if err == nil {
		cerr := rc.Control(func(dirfd uintptr) {
			// EAGAIN: a rename raced the lookup of "..". A tenant renaming
			// without pause must not keep this loop spinning: after a few
			// tries os.Root, which walks without that check, does the open.
			for range maxOpenTries {
				fd, err = unix.Openat2(int(dirfd), rel, &how)
				if err != unix.EINTR && err != unix.EAGAIN {
					return
				}
			}
		})
		if cerr != nil {
			err = cerr
		}
	}
	switch {
	case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
		return nil, false, nil
	case errors.Is(err, unix.ENOSYS): // kernel before 5.6, or a seccomp filter
		b.missing.Store(true)
		return nil, false, nil
	case errors.Is(err, unix.EPERM): // a seccomp filter, or os.Root's answer too
		return nil, false, nil
	case errors.Is(err, os.ErrClosed):
		return nil, true, &fs.PathError{Op: "openat", Path: rel, Err: fs.ErrClosed}
	case err != nil:
		return nil, true, &fs.PathError{Op: "openat", Path: rel, Err: err}
	}
	return os.NewFile(uintptr(fd), filepath.Join(b.name, rel)), true, nil
}

func (b *beneath) close() error { return b.dir.Close() }
