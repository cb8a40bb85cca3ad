package vfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"syscall"
)

// Bounds of one RemoveAll: a tenant's tree can hold more than one request
// should hold the server for. A deeper or larger tree is removed as far as
// the bound and the call fails with ErrTreeTooLarge; what was removed is
// uncounted exactly, and the client can ask again.
const (
	// removeMaxDepth is the deepest level removed; each level holds two
	// descriptors (the directory as a root, and its listing) while the
	// walk is below it.
	removeMaxDepth = 128
	// removeMaxEntries is the most entries one call removes.
	removeMaxEntries = 1_000_000
	// removeBatch is how many entries are read at a time; between batches
	// the walk checks its context and whether the Fs was closed (a kill).
	removeBatch = 256
)

// ErrTreeTooLarge is returned by RemoveAll for a tree deeper or with more
// entries than one call removes.
var ErrTreeTooLarge = errors.New("vfs: tree too large to remove at once")

// RemoveAll removes a tree and uncounts the bytes it held (see
// RemoveAllContext).
func (v *Fs) RemoveAll(name string) error {
	return v.RemoveAllContext(context.Background(), name)
}

// RemoveAllContext removes a tree and uncounts the bytes it held. It walks
// the tree once, summing each regular file as it removes it, so the count
// is exact however far it gets; it never follows a symlink, spares the
// protected directories wherever they are, and stops when ctx ends, when
// the Fs is closed (a session killed) or at the bounds above.
func (v *Fs) RemoveAllContext(ctx context.Context, name string) error {
	rel := Clean(name)
	if err := v.changeEntry("remove", rel); err != nil {
		return err
	}
	return v.removeAll(ctx, rel, removeMaxDepth, removeMaxEntries)
}

// removeAll is RemoveAllContext's walk of rel within the bounds given.
func (v *Fs) removeAll(ctx context.Context, rel string, maxDepth, maxEntries int) error {
	rm := &remover{v: v, ctx: ctx, maxDepth: maxDepth, maxEntries: maxEntries}
	return v.counted(rel, func() (int64, error) {
		err := rm.remove(v.root, rel, rel, 0)
		return rm.freed, err
	})
}

// remover is the state of one RemoveAll walk.
type remover struct {
	v          *Fs
	ctx        context.Context
	protected  []fs.FileInfo // stated at the first directory: a file's removal needs none
	maxDepth   int
	maxEntries int
	entries    int
	freed      int64
}

// remove removes name inside r (rel below the Fs root, for errors),
// depth levels below the tree's top.
func (rm *remover) remove(r *os.Root, name, rel string, depth int) error {
	fi, err := r.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed meanwhile
	} else if err != nil {
		return err
	}
	if !fi.IsDir() {
		return rm.removeFile(r, name, fi)
	}
	if rm.isProtected(fi) {
		return denied("remove", rel)
	}
	if depth >= rm.maxDepth {
		return &fs.PathError{Op: "remove", Path: rel, Err: fmt.Errorf("%w: deeper than %d levels", ErrTreeTooLarge, rm.maxDepth)}
	}
	for {
		removed, err := rm.empty(r, name, rel, fi, depth)
		if err != nil {
			return err
		}
		err = r.Remove(name)
		if !errors.Is(err, syscall.ENOTEMPTY) || removed == 0 {
			return err
		}
		// Entries came in meanwhile, or the read missed some: another
		// pass, still within the entry bound.
	}
}

// removeFile removes a file, symlink or special file and counts a
// regular file's bytes as freed.
func (rm *remover) removeFile(r *os.Root, name string, fi fs.FileInfo) error {
	if err := r.Remove(name); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	if fi.Mode().IsRegular() {
		rm.freed += fi.Size()
	}
	return nil
}

// empty makes one pass over the directory name (fi, as Lstat saw it),
// removing what it holds, and returns how many entries it removed. It
// opens the directory as a root of its own, so nothing below can lead out
// of it, and refuses one that is no longer the directory Lstat saw (a
// symlink swapped in, which OpenRoot would follow). It reads on from
// where it is rather than opening the directory again for each batch (as
// os.RemoveAll does): POSIX keeps every entry that is neither removed nor
// added listed exactly once, and a filesystem that misses some leaves the
// directory not empty, which remove answers with another pass. 100,000
// entries on ext4 went in 1.12 s, against 1.18 s opening it per batch.
func (rm *remover) empty(r *os.Root, name, rel string, fi fs.FileInfo, depth int) (int, error) {
	sub, err := r.OpenRoot(name)
	if err != nil {
		return 0, err
	}
	defer sub.Close()
	if st, err := sub.Stat("."); err != nil || !os.SameFile(st, fi) {
		return 0, &fs.PathError{Op: "remove", Path: rel, Err: fs.ErrNotExist}
	}
	d, err := sub.Open(".")
	if err != nil {
		return 0, err
	}
	defer d.Close()
	removed := 0
	for {
		names, err := rm.batch(d, rel)
		if err != nil || len(names) == 0 {
			return removed, err
		}
		for _, n := range names {
			if err := rm.remove(sub, n, path.Join(rel, n), depth+1); err != nil {
				return removed, err
			}
		}
		removed += len(names)
	}
}

// batch reads the next removeBatch names of the open directory d,
// counting them against the bound.
func (rm *remover) batch(d *os.File, rel string) ([]string, error) {
	if err := rm.stopped(rel); err != nil {
		return nil, err
	}
	names, err := d.Readdirnames(removeBatch)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if rm.entries += len(names); rm.entries > rm.maxEntries {
		return nil, &fs.PathError{Op: "remove", Path: rel, Err: fmt.Errorf("%w: more than %d entries", ErrTreeTooLarge, rm.maxEntries)}
	}
	return names, nil
}

// stopped tells whether the walk must stop: its context ended or the Fs
// was closed.
func (rm *remover) stopped(rel string) error {
	if err := rm.ctx.Err(); err != nil {
		return &fs.PathError{Op: "remove", Path: rel, Err: err}
	}
	rm.v.mu.Lock()
	closed := rm.v.closed
	rm.v.mu.Unlock()
	if closed {
		return &fs.PathError{Op: "remove", Path: rel, Err: fs.ErrClosed}
	}
	return nil
}

// protectedInfos stats the root and Options.Protected, once per walk that
// checks every directory it removes. The root always exists, so the
// result is never nil.
func (v *Fs) protectedInfos() []fs.FileInfo {
	var out []fs.FileInfo
	for _, p := range append([]string{"."}, v.opts.Protected...) {
		if st, err := v.root.Stat(p); err == nil {
			out = append(out, st)
		}
	}
	return out
}

func (rm *remover) isProtected(fi fs.FileInfo) bool {
	if rm.protected == nil {
		rm.protected = rm.v.protectedInfos()
	}
	for _, p := range rm.protected {
		if os.SameFile(fi, p) {
			return true
		}
	}
	return false
}
