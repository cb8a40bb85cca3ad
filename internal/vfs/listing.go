package vfs

import (
	"errors"
	"fmt"
	"io"
)

// MaxListEntries is the default of Options.MaxListEntries, the most
// entries one read of a whole directory returns (an FTP LIST, MLSD or
// NLST; a Web Disk PROPFIND or COPY): quotas bound a
// tenant's bytes, not its files, and a million empty files made one
// listing hold some 200 MB of FileInfos. A larger directory is refused
// with ErrDirTooLarge, never listed in part: a mirroring client that saw
// part of it would delete the rest of its copy. (Pure-FTPd lists at most
// 2,000 entries by default, and silently stops there.)
const MaxListEntries = 100_000

// listBatch is how many entries a whole-directory read takes at a time.
const listBatch = 1024

// ErrDirTooLarge is returned by a whole-directory read of more than
// MaxListEntries entries. It is not an *fs.PathError on purpose:
// x/net/webdav skips a PathError in a PROPFIND as if the collection were
// empty; any other error aborts the answer.
var ErrDirTooLarge = errors.New("vfs: directory too large to list")

// maxList is the Fs's bound on a whole-directory read.
func (v *Fs) maxList() int {
	if v.opts.MaxListEntries > 0 {
		return v.opts.MaxListEntries
	}
	return MaxListEntries
}

func tooLarge(rel string, most int) error {
	return fmt.Errorf("%w: %q holds more than %d entries", ErrDirTooLarge, rel, most)
}

// readWhole reads the directory rel through read (os.File's Readdir or
// Readdirnames) in batches, up to most entries.
func readWhole[T any](rel string, most int, read func(int) ([]T, error)) ([]T, error) {
	var all []T
	for {
		batch, err := read(listBatch)
		if all == nil {
			all = batch // most directories fit in one batch: no copy
		} else {
			all = append(all, batch...)
		}
		if len(all) > most {
			return nil, tooLarge(rel, most)
		}
		switch {
		case errors.Is(err, io.EOF) || (err == nil && len(batch) == 0):
			return all, nil
		case err != nil:
			return all, err
		}
	}
}

// CheckListable returns ErrDirTooLarge if the directory name holds more
// entries than a listing may, counting names a batch at a time (at most
// one batch held): a Web Disk PROPFIND asks before it answers, because
// once its multistatus answer has begun an error can only cut it short.
func (v *Fs) CheckListable(name string) error {
	if fi, err := v.Stat(name); err != nil || !fi.IsDir() {
		return nil // not a directory: nothing to list (the request says what it is)
	}
	d, err := v.Open(name)
	if err != nil {
		return err
	}
	defer d.Close()
	f, ok := d.(*File)
	if !ok {
		return nil
	}
	for n := 0; ; {
		batch, err := f.f.Readdirnames(listBatch)
		if n += len(batch); n > v.maxList() {
			return tooLarge(f.rel, v.maxList())
		}
		if err != nil || len(batch) == 0 {
			return nil // the listing itself reports a read error
		}
	}
}
