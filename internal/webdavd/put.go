package webdavd

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
	"golang.org/x/net/webdav"
)

// putPrefix starts the name of the temporary file a PUT writes before it
// renames it into place. Names with it are hidden from WebDAV clients:
// not listed, and not found by name (see hiddenName).
const putPrefix = hosting.UploadTempPrefix

// hiddenName reports whether the root-relative name has a component that
// is a PUT's temporary file.
func hiddenName(name string) bool {
	for _, c := range strings.Split(name, "/") {
		if strings.HasPrefix(c, putPrefix) {
			return true
		}
	}
	return false
}

// notFound is the error for a hidden name: as if it did not exist.
func notFound(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
}

// upload is the body of one PUT request, watched so that the upload is
// renamed into place only when the client sent all of it: x/net/webdav
// closes the file it writes whether or not the copy succeeded, and the
// file cannot otherwise tell a cut connection from the end of the body.
type upload struct {
	io.ReadCloser
	mu       sync.Mutex
	complete bool // the body reached io.EOF
}

// Read implements io.Reader.
func (u *upload) Read(p []byte) (int, error) {
	n, err := u.ReadCloser.Read(p)
	if err == io.EOF {
		u.mu.Lock()
		u.complete = true
		u.mu.Unlock()
	}
	return n, err
}

func (u *upload) done() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.complete
}

// openPut opens the temporary file a PUT of name writes: a new file with a
// random hidden name in name's directory, so that the rename that puts it
// in place stays inside one directory (and one file system). A file that
// name replaces keeps its permission bits.
func (f *fileSystem) openPut(name string) (webdav.File, error) {
	rel := vfs.Clean(name)
	old, err := f.v.Stat(rel)
	switch {
	case err == nil && old.IsDir():
		return nil, &fs.PathError{Op: "open", Path: rel, Err: errors.New("is a directory")}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	tmp := path.Join(path.Dir(rel), putPrefix+randomHex())
	af, err := f.v.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		if errors.Is(err, fs.ErrClosed) && f.cleanup != nil {
			// A kill closed the file system between the file's creation
			// and its tracking: the file (O_EXCL, so ours) is left, and
			// is removed through a fresh file system.
			f.cleanup(tmp)
		}
		return nil, err
	}
	if old != nil && old.Mode().IsRegular() {
		_ = f.v.Chmod(tmp, old.Mode().Perm()) // best effort: the upload matters more
	}
	return &putFile{davFile: davFile{File: af, fs: f, name: rel}, tmp: tmp}, nil
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// putFile is the temporary file of a PUT. Close renames it over the final
// name when the whole body was written, and removes it otherwise, so a cut
// upload never leaves a truncated file under the final name. Both go
// through vfs, which counts the bytes: the replaced file's are freed by the
// rename, the temporary file's by the removal.
type putFile struct {
	davFile
	tmp    string
	failed bool // a write failed (quota, disk, kill)
	once   sync.Once
	err    error
}

// Write implements io.Writer and remembers a failure.
func (p *putFile) Write(b []byte) (int, error) {
	n, err := p.File.Write(b)
	if err != nil {
		p.failed = true
	}
	return n, err
}

// ReadFrom copies the body in vfs's large chunks and remembers a failure.
func (p *putFile) ReadFrom(r io.Reader) (int64, error) {
	rf, ok := p.File.(io.ReaderFrom)
	if !ok {
		return io.Copy(struct{ io.Writer }{p}, r)
	}
	n, err := rf.ReadFrom(r)
	if err != nil {
		p.failed = true
	}
	return n, err
}

// Close puts the upload in place or removes it.
func (p *putFile) Close() error {
	p.once.Do(func() { p.err = p.finish() })
	return p.err
}

// finish closes the file and puts it in place or removes it before the
// file's usage change ends, so that a crash in between leaves the
// temporary file recorded with the change's mark, for the repair to remove
// (see usage).
func (p *putFile) finish() error {
	var err error
	place := func(closeErr error) { err = p.place(closeErr) }
	if vf, ok := p.File.(interface{ CloseThen(func(error)) error }); ok {
		_ = vf.CloseThen(place) // its error is the one place was given
	} else {
		place(p.File.Close())
	}
	return err
}

// place renames the closed upload over the final name when the whole body
// was written, and removes it otherwise.
func (p *putFile) place(closeErr error) error {
	f := p.fs
	if closeErr == nil && !p.failed && f.put != nil && f.put.done() {
		closeErr = f.v.Rename(p.tmp, p.name)
		if closeErr == nil {
			return nil
		}
	}
	if err := f.v.Remove(p.tmp); err != nil && f.cleanup != nil {
		// The file system was closed under the request (its login was
		// killed): remove the file through a fresh one.
		f.cleanup(p.tmp)
	}
	if closeErr == nil {
		closeErr = errors.New("webdavd: upload incomplete")
	}
	return closeErr
}

// Interface guards.
var (
	_ webdav.File   = (*putFile)(nil)
	_ io.ReaderFrom = (*putFile)(nil)
)
