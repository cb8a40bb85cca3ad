package vfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// usage sums the sizes of the regular files under rel. fs.WalkDir does not
// descend into symlinks, and root.FS() cannot leave the root, so the sum
// covers exactly the tree. Entries that vanish during the walk are skipped;
// a missing rel has no usage.
func usage(root *os.Root, rel string) (int64, error) {
	var total int64
	err := fs.WalkDir(root.FS(), rel, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		total += fi.Size()
		return nil
	})
	if err != nil {
		return total, fmt.Errorf("vfs: disk usage of %q: %w", rel, err)
	}
	return total, nil
}

// DiskUsage returns the bytes of the regular files in the tree at name,
// without following symlinks.
func (v *Fs) DiskUsage(name string) (int64, error) {
	return usage(v.root, Clean(name))
}

// DiskUsage returns the bytes of the regular files in the tree at dir,
// without following symlinks: what an FTP login's home holds, for a rescan
// or list_ftp_with_disk.
func DiskUsage(dir string) (int64, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return 0, fmt.Errorf("vfs: disk usage: %w", err)
	}
	defer root.Close()
	return usage(root, ".")
}

// UsageBelow returns the bytes of the regular files below rel inside home,
// resolved inside home (no "..", absolute path or symlink in rel leaves it);
// a missing rel has no usage. Its signature is the disk-usage function the
// Ftp and Email modules take.
func UsageBelow(_ context.Context, home, rel string) (int64, error) {
	fsys, err := Open(home, Options{})
	if err != nil {
		return 0, err
	}
	defer fsys.Close()
	return fsys.DiskUsage(rel)
}
