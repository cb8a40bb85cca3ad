package vfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/afero"
)

// writeFlags are the open flags that can change a file.
const writeFlags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREATE | os.O_TRUNC

// ErrSpecialFile is the error of opening a FIFO, device or socket: a home
// holds them only if placed by other means (a plugin, a shell), and reading
// one would hold a transfer, and its session, without end.
var ErrSpecialFile = fmt.Errorf("not a regular file or directory: %w", fs.ErrPermission)

// denied is the error for an operation the Fs's rules refuse.
func denied(op, rel string) error {
	return &fs.PathError{Op: op, Path: rel, Err: fs.ErrPermission}
}

// dropBox returns the drop box holding rel, if any.
func (v *Fs) dropBox(rel string) (string, bool) {
	for _, b := range v.boxes {
		if within(rel, b) {
			return b, true
		}
	}
	return "", false
}

// change checks that rel may be created, removed, renamed or modified.
func (v *Fs) change(op, rel string) error {
	if _, box := v.dropBox(rel); box || v.opts.ReadOnly {
		return denied(op, rel)
	}
	return nil
}

// reserved refuses op on rel when its base name is one Options.Reserved
// keeps for the server.
func (v *Fs) reserved(op, rel string) error {
	if v.opts.Reserved != "" && strings.HasPrefix(path.Base(rel), v.opts.Reserved) {
		return denied(op, rel)
	}
	return nil
}

// changeEntry is change for operations that remove or move rel, which the
// root and Options.Protected never allow, whatever name (a symlinked
// parent, "..") reaches them: a protected directory renamed away could be
// changed there (SITE CHMOD's rule undone) and renamed back.
func (v *Fs) changeEntry(op, rel string) error {
	if rel == "." {
		return denied(op, rel)
	}
	if st, err := v.root.Lstat(rel); err == nil && v.isProtected(st) {
		return denied(op, rel)
	}
	return v.change(op, rel)
}

// intoPlace is changeEntry for a rename's target: nothing may be moved
// onto a protected directory's place, even while it is missing, or the
// tenant's own directory (any mode) would stand in for it.
func (v *Fs) intoPlace(rel string) error {
	if err := v.changeEntry("rename", rel); err != nil {
		return err
	}
	base := path.Base(rel)
	for _, p := range v.opts.Protected {
		if path.Base(p) == base && v.sameDir(path.Dir(rel), path.Dir(p)) {
			return denied("rename", rel)
		}
	}
	return nil
}

// sameDir reports whether a and b name the same existing directory.
func (v *Fs) sameDir(a, b string) bool {
	sa, err := v.root.Stat(a)
	if err != nil {
		return false
	}
	sb, err := v.root.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// Create creates or truncates the named file for reading and writing.
func (v *Fs) Create(name string) (afero.File, error) {
	return v.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Open opens the named file or directory for reading.
func (v *Fs) Open(name string) (afero.File, error) {
	return v.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile opens the named file with the os.OpenFile flags. A file it
// creates gets perm without execute bits (before the umask). Writes to a
// read-only Fs fail with fs.ErrPermission, and inside a drop box only the
// creation of a new file succeeds.
func (v *Fs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	rel := Clean(name)
	write := flag&writeFlags != 0
	if write {
		if err := v.reserved("open", rel); err != nil {
			return nil, err
		}
	}
	if box, ok := v.dropBox(rel); ok {
		return v.openInBox(name, rel, box, flag)
	}
	if write && v.opts.ReadOnly {
		return nil, denied("open", rel)
	}
	return v.open(v.root, name, rel, rel, flag, perm&0o666)
}

// openInBox creates a new file in a drop box. The box is opened as a root
// of its own, so a symlink inside it cannot lead an upload elsewhere.
func (v *Fs) openInBox(name, rel, box string, flag int) (afero.File, error) {
	if flag&os.O_CREATE == 0 || flag&os.O_APPEND != 0 || rel == box {
		return nil, denied("open", rel)
	}
	r, err := v.root.OpenRoot(box)
	if err != nil {
		return nil, err
	}
	defer r.Close() // the file stays open without it
	f, err := v.open(r, name, rel, inner(rel, box), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		pe.Path = rel // name the file as the client sees it, not inside the box
	}
	return f, err
}

// open opens rel in root (rel is relative to the Fs root for errors and
// hooks, relIn relative to root), wraps it and tracks it. A change is
// begun with the counter before the file is touched.
func (v *Fs) open(root *os.Root, name, rel, relIn string, flag int, perm os.FileMode) (afero.File, error) {
	c := v.opts.Usage
	begun := flag&writeFlags != 0 && c != nil
	if begun {
		if err := c.Begin(rel); err != nil {
			return nil, &fs.PathError{Op: "open", Path: rel, Err: err}
		}
	}
	truncate := flag&os.O_TRUNC != 0 && c != nil
	if truncate {
		flag &^= os.O_TRUNC // truncated below, once the freed size is known
	}
	// O_NONBLOCK: opening a FIFO must not wait for a writer or a reader
	// (wrap then refuses it); regular files and directories ignore it.
	osf, err := v.openIn(root, relIn, flag|syscall.O_NONBLOCK, perm)
	if err != nil {
		if errors.Is(err, syscall.ENXIO) { // a FIFO opened to write, no reader
			err = &fs.PathError{Op: "open", Path: rel, Err: ErrSpecialFile}
		}
		if begun {
			_ = c.End(rel, 0)
		}
		return nil, err
	}
	f, err := v.wrap(osf, name, rel, flag, begun)
	if err == nil && truncate && f.size > 0 { // an empty or new file needs no ftruncate
		err = f.Truncate(0)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// openIn opens relIn in root: with one openat2 when root is the Fs root,
// this is not the Fs's first open and the kernel has openat2; through
// os.Root otherwise.
func (v *Fs) openIn(root *os.Root, relIn string, flag int, perm os.FileMode) (*os.File, error) {
	if root != v.root {
		return root.OpenFile(relIn, flag, perm)
	}
	if b := v.beneath(); b != nil {
		if f, ok, err := b.open(relIn, flag, perm); ok {
			return f, err
		}
	}
	return root.OpenFile(relIn, flag, perm)
}

// wrap turns an open *os.File into a tracked File and starts the transfer
// hook for regular files. begun tells that the counter's change is begun:
// the File ends it at Close, or wrap at once if the file is not regular.
func (v *Fs) wrap(osf *os.File, name, rel string, flag int, begun bool) (*File, error) {
	f := &File{v: v, f: osf, name: name, rel: rel, appendMode: flag&os.O_APPEND != 0,
		writable: flag&(os.O_WRONLY|os.O_RDWR) != 0, begun: begun}
	fi, err := osf.Stat()
	if err != nil {
		return f, err
	}
	f.size = fi.Size()
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return f, &fs.PathError{Op: "open", Path: rel, Err: ErrSpecialFile}
	}
	if begun && !fi.Mode().IsRegular() {
		f.begun = false
		_ = v.opts.Usage.End(rel, 0)
	}
	if fi.Mode().IsRegular() && v.opts.Hooks.Transfer != nil {
		f.done = v.opts.Hooks.Transfer(rel, flag&writeFlags != 0)
	}
	if !v.track(f) {
		return f, &fs.PathError{Op: "open", Path: rel, Err: fs.ErrClosed}
	}
	return f, nil
}

// Mkdir creates a directory.
func (v *Fs) Mkdir(name string, perm os.FileMode) error {
	rel := Clean(name)
	if err := v.change("mkdir", rel); err != nil {
		return err
	}
	return v.root.Mkdir(rel, perm&fs.ModePerm)
}

// MkdirAll creates a directory and any missing parents.
func (v *Fs) MkdirAll(name string, perm os.FileMode) error {
	rel := Clean(name)
	if err := v.change("mkdir", rel); err != nil {
		return err
	}
	return v.root.MkdirAll(rel, perm&fs.ModePerm)
}

// Remove removes a file or an empty directory and uncounts a file's bytes.
func (v *Fs) Remove(name string) error {
	rel := Clean(name)
	if err := v.changeEntry("remove", rel); err != nil {
		return err
	}
	return v.counted(rel, func() (int64, error) {
		freed := v.fileSize(rel)
		return freed, v.root.Remove(rel)
	})
}

// Rename moves a file or directory inside the root. A regular file it
// replaces is uncounted, and the counter follows what moved.
func (v *Fs) Rename(oldname, newname string) error {
	from, to := Clean(oldname), Clean(newname)
	if err := v.changeEntry("rename", from); err != nil {
		return err
	}
	if err := v.intoPlace(to); err != nil {
		return err
	}
	if err := v.reserved("rename", to); err != nil {
		return err
	}
	if v.opts.Usage == nil || from == to {
		return v.root.Rename(from, to)
	}
	return v.counted(to, func() (int64, error) {
		fi, err := v.root.Lstat(from)
		if err != nil {
			return 0, err
		}
		freed := v.fileSize(to)
		if err := v.root.Rename(from, to); err != nil {
			return 0, err
		}
		var size int64
		if fi.Mode().IsRegular() {
			size = fi.Size()
		}
		// A counter that cannot follow the move repairs itself (its
		// mark stays, or it rescans); the rename itself succeeded.
		_ = v.opts.Usage.Move(from, to, size, fi.IsDir())
		return freed, nil
	})
}

// counted runs a change that frees bytes at rel between the counter's
// Begin and End, so that a crash in between leaves the counter's mark.
// change returns the bytes it freed, counted even when it also fails.
func (v *Fs) counted(rel string, change func() (int64, error)) error {
	c := v.opts.Usage
	if c == nil {
		_, err := change()
		return err
	}
	if err := c.Begin(rel); err != nil {
		return &fs.PathError{Op: "change", Path: rel, Err: err}
	}
	freed, err := change()
	// The change is done whatever End says: a failed End leaves the mark
	// behind, and the usage is rescanned as after a crash.
	_ = c.End(rel, max(freed, 0))
	return err
}

// Chmod changes the permission bits; setuid, setgid and sticky bits are
// never set. The root and Options.Protected keep their mode, whatever name
// (a symlink, "..") reaches them.
func (v *Fs) Chmod(name string, mode os.FileMode) error {
	rel := Clean(name)
	if err := v.change("chmod", rel); err != nil {
		return err
	}
	// Open, check and change the same inode, so that a symlink swapped in
	// between cannot redirect the change to a protected directory.
	// O_NONBLOCK: opening a FIFO must not wait for a writer.
	f, err := v.root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrPermission) {
		return v.chmodUnreadable(rel, mode)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if v.isProtected(st) {
		return denied("chmod", rel)
	}
	return f.Chmod(mode & fs.ModePerm)
}

// chmodUnreadable changes the mode of an entry the daemon cannot open
// (mode 000, its own file): by name, after the same check. Protected
// directories are always readable by the daemon, so the check only fails
// if one is swapped in between, which the tenant's own sessions would have
// to race for.
func (v *Fs) chmodUnreadable(rel string, mode os.FileMode) error {
	st, err := v.root.Stat(rel)
	if err != nil {
		return err
	}
	if v.isProtected(st) {
		return denied("chmod", rel)
	}
	return v.root.Chmod(rel, mode&fs.ModePerm)
}

// isProtected reports whether st is the root or a directory of
// Options.Protected.
func (v *Fs) isProtected(st fs.FileInfo) bool {
	if !st.IsDir() {
		return false
	}
	for _, p := range append([]string{"."}, v.opts.Protected...) {
		if pst, err := v.root.Stat(p); err == nil && os.SameFile(st, pst) {
			return true
		}
	}
	return false
}

// Chown always fails: a login cannot give its files away.
func (v *Fs) Chown(name string, _, _ int) error {
	return denied("chown", Clean(name))
}

// Chtimes changes the access and modification times.
func (v *Fs) Chtimes(name string, atime, mtime time.Time) error {
	rel := Clean(name)
	if err := v.change("chtimes", rel); err != nil {
		return err
	}
	return v.root.Chtimes(rel, atime, mtime)
}

// fileSize returns the size of rel if it is a regular file (not followed
// through a symlink), else 0: what removing or replacing it frees.
func (v *Fs) fileSize(rel string) int64 {
	fi, err := v.root.Lstat(rel)
	if err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	return fi.Size()
}

// quotaError returns the QuotaError for the counter's current limit.
func (v *Fs) quotaError() error {
	return &QuotaError{Limit: v.opts.Usage.Limit()}
}
