package vfs

import (
	"fmt"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	"github.com/spf13/afero"
)

// Options shape an Fs. The zero value is a read-write Fs without quota.
type Options struct {
	// ReadOnly refuses every change outside the drop boxes.
	ReadOnly bool
	// DropBoxes are root-relative directories where new files may be
	// uploaded but nothing may be listed, read, overwritten, renamed or
	// removed: anonymous FTP's incoming/. Paths inside a drop box follow
	// these rules whatever ReadOnly says.
	DropBoxes []string
	// Usage, if set, counts every byte written or freed and stops writes
	// at its quota.
	Usage Counter
	// Hooks let the protocol adapter follow transfers.
	Hooks Hooks
	// Protected are root-relative directories (the home's standard
	// layout) that Chmod never changes and that are never removed,
	// renamed or replaced by a rename; the root itself is always
	// protected.
	Protected []string
	// Reserved, if set, is a base-name prefix of files this Fs's client may
	// not write or rename to: the names another part of the server keeps
	// for itself (Web Disk's upload temporaries, which the crash repair
	// deletes; an FTP file of that name would be deleted with them).
	Reserved string
	// MaxListEntries bounds a read of a whole directory (0:
	// MaxListEntries); see listing.go.
	MaxListEntries int
}

// Hooks let a protocol adapter follow transfers. Any field may be nil.
type Hooks struct {
	// Transfer is called when a regular file is opened for reading
	// (write false) or writing, with its root-relative name. The func it
	// returns, if not nil, is called once when that file is closed.
	Transfer func(name string, write bool) (done func())
}

// Fs is an afero.Fs jailed in one directory. It is safe for concurrent use.
type Fs struct {
	root *os.Root
	// fast opens files below the root from the second open on (see
	// beneath_linux.go): the root directory's own descriptor, which it
	// needs, costs more than it saves on an Fs that opens one file (Web
	// Disk opens an Fs per request).
	fast     *beneath
	fastOnce sync.Once
	opens    atomic.Uint32
	opts     Options
	boxes    []string // cleaned DropBoxes

	mu     sync.Mutex
	files  map[*File]struct{} // open files, closed by Close
	closed bool
}

// Open returns an Fs rooted at the directory dir.
func Open(dir string, opts Options) (*Fs, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("vfs: open root: %w", err)
	}
	return newFs(root, opts), nil
}

// OpenIn returns an Fs rooted at rel inside base. rel is resolved inside
// base like any client path, so neither "..", an absolute path nor a
// symlink in rel can put the root outside base.
func OpenIn(base, rel string, opts Options) (*Fs, error) {
	b, err := os.OpenRoot(base)
	if err != nil {
		return nil, fmt.Errorf("vfs: open root: %w", err)
	}
	defer b.Close()
	root, err := b.OpenRoot(Clean(rel))
	if err != nil {
		return nil, fmt.Errorf("vfs: open root: %w", err)
	}
	return newFs(root, opts), nil
}

func newFs(root *os.Root, opts Options) *Fs {
	v := &Fs{root: root, opts: opts, files: make(map[*File]struct{})}
	for _, b := range opts.DropBoxes {
		v.boxes = append(v.boxes, Clean(b))
	}
	return v
}

// Close closes every file still open on the Fs, so that a transfer in
// progress fails at once and its usage is counted, and releases the root.
// Further calls return nil.
func (v *Fs) Close() error {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil
	}
	v.closed = true
	files := make([]*File, 0, len(v.files))
	for f := range v.files {
		files = append(files, f)
	}
	fast := v.fast
	v.mu.Unlock()
	for _, f := range files {
		_ = f.Close() // the transfer owning f sees its own error
	}
	if fast != nil {
		_ = fast.close()
	}
	return v.root.Close()
}

// beneath returns the openat2 opener from the Fs's second open on, nil
// before, on a closed Fs, or where openat2 is missing.
func (v *Fs) beneath() *beneath {
	if v.opens.Add(1) < 2 {
		return nil
	}
	v.fastOnce.Do(func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		if !v.closed {
			v.fast = newBeneath(v.root)
		}
	})
	return v.fast
}

// track registers an open file; it refuses when the Fs is closed.
func (v *Fs) track(f *File) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return false
	}
	v.files[f] = struct{}{}
	return true
}

func (v *Fs) forget(f *File) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.files, f)
}

// Name implements afero.Fs.
func (v *Fs) Name() string { return "vfs" }

// Stat returns the file's information, following symlinks inside the root.
func (v *Fs) Stat(name string) (fs.FileInfo, error) {
	return v.root.Stat(Clean(name))
}

// Lstat returns the file's information without following a final symlink.
func (v *Fs) Lstat(name string) (fs.FileInfo, error) {
	return v.root.Lstat(Clean(name))
}

// LstatIfPossible implements afero.Lstater.
func (v *Fs) LstatIfPossible(name string) (fs.FileInfo, bool, error) {
	fi, err := v.Lstat(name)
	return fi, true, err
}

var (
	_ afero.Fs      = (*Fs)(nil)
	_ afero.Lstater = (*Fs)(nil)
)
