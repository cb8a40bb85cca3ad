package usage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"time"
)

// ErrTooLarge is returned by a rescan of a tree deeper or with more entries
// than the Keeper's bounds allow; the counts are then left as they were.
var ErrTooLarge = errors.New("usage: tree too large to rescan")

// readBatch is how many directory entries a walk reads at a time: between
// batches it checks its context.
const readBatch = 256

// walker sums the sizes of the regular files under an account home into
// the totals of the counted directories that hold them.
type walker struct {
	ctx        context.Context
	maxDepth   int
	maxEntries int
	sinks      map[string][]*int64 // counted directory → its totals
	entries    int
	bytes      int64
	progress   func(entries int, bytes int64)
	lastReport time.Time
}

// walk sums the directory open as r, at rel below the home and depth
// levels down, into active and the totals of the counted directories
// below. Symlinks are never followed; each level is opened relative to its
// parent's os.Root, so the walk cannot leave the home even if the tree
// changes under it.
func (w *walker) walk(r *os.Root, rel string, depth int, active []*int64) error {
	if extra := w.sinks[rel]; len(extra) > 0 {
		active = append(slices.Clip(active), extra...)
	}
	dirs, err := w.readDir(r, rel, active)
	if err != nil {
		return err
	}
	for _, name := range dirs {
		if depth+1 > w.maxDepth {
			return fmt.Errorf("%w: deeper than %d levels at %q", ErrTooLarge, w.maxDepth, rel)
		}
		sub, err := r.OpenRoot(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed during the walk
		} else if err != nil {
			return fmt.Errorf("usage: open %q: %w", path.Join(rel, name), err)
		}
		err = w.walk(sub, path.Join(rel, name), depth+1, active)
		_ = sub.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// readDir adds the sizes of the regular files directly in r to active and
// returns the names of its subdirectories. The directory is closed before
// the walk descends, so a walk holds one descriptor per level.
func (w *walker) readDir(r *os.Root, rel string, active []*int64) ([]string, error) {
	f, err := r.Open(".")
	if err != nil {
		return nil, fmt.Errorf("usage: open %q: %w", rel, err)
	}
	defer f.Close()
	var dirs []string
	for {
		if err := w.ctx.Err(); err != nil {
			return nil, err
		}
		ents, rerr := f.ReadDir(readBatch)
		for _, e := range ents {
			if w.entries++; w.entries > w.maxEntries {
				return nil, fmt.Errorf("%w: more than %d entries", ErrTooLarge, w.maxEntries)
			}
			switch {
			case e.IsDir():
				dirs = append(dirs, e.Name())
			case e.Type().IsRegular():
				w.add(e, active)
			}
		}
		w.report()
		if errors.Is(rerr, io.EOF) || (rerr == nil && len(ents) == 0) {
			return dirs, nil
		} else if rerr != nil {
			return nil, fmt.Errorf("usage: read %q: %w", rel, rerr)
		}
	}
}

func (w *walker) add(e fs.DirEntry, active []*int64) {
	fi, err := e.Info()
	if err != nil {
		return // removed during the walk
	}
	w.bytes += fi.Size()
	for _, t := range active {
		*t += fi.Size()
	}
}

// progressEvery is how often a long walk logs how far it got.
const progressEvery = 2 * time.Second

func (w *walker) report() {
	if w.progress == nil || time.Since(w.lastReport) < progressEvery {
		return
	}
	w.lastReport = time.Now()
	w.progress(w.entries, w.bytes)
}

// Sum returns the bytes of the regular files in the tree at rel inside
// root, bounded like a rescan (maxDepth levels, maxEntries entries; 0
// takes the Keeper's defaults) and stopped by ctx. It never follows a
// symlink, rel included; a missing rel holds nothing. It is for trees that
// change outside uapid's file layer, such as maildirs that the mail server
// writes, which no counter can follow.
func Sum(ctx context.Context, root *os.Root, rel string, maxDepth, maxEntries int) (int64, error) {
	if fi, err := root.Lstat(rel); err != nil || !fi.IsDir() {
		return 0, nil // missing, a symlink, or a parent leads out of root
	}
	sub, err := root.OpenRoot(rel)
	if err != nil {
		return 0, fmt.Errorf("usage: open %q: %w", rel, err)
	}
	defer sub.Close()
	var total int64
	w := &walker{ctx: ctx, maxDepth: cmp.Or(maxDepth, DefaultMaxDepth), maxEntries: cmp.Or(maxEntries, DefaultMaxEntries),
		sinks: map[string][]*int64{"": {&total}}}
	if err := w.walk(sub, "", 0, nil); err != nil {
		return 0, err
	}
	return total, nil
}
