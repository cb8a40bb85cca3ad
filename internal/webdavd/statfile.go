package webdavd

import (
	"context"
	"mime"
	"os"
	"path"

	"github.com/spf13/afero"
	"github.com/uapid/uapid/internal/vfs"
	"golang.org/x/net/webdav"
)

// statFile is a PROPFIND's read-only file: x/net/webdav opens every listed
// resource three times (for its property names, its properties and its
// content type) to Stat it and ask for its dead properties; each open was
// an open, fcntl, fstat and close, and PROPFIND a third of the server's CPU
// under the soak. A statFile holds the FileInfo of one stat and opens the
// file only when it is read or listed.
type statFile struct {
	v    *vfs.Fs
	name string
	fi   os.FileInfo
	f    afero.File // opened on first use
}

// file opens the file on first use.
func (s *statFile) file() (afero.File, error) {
	if s.f == nil {
		f, err := s.v.OpenFile(s.name, os.O_RDONLY, 0)
		if err != nil {
			return nil, err
		}
		s.f = f
	}
	return s.f, nil
}

func (s *statFile) Close() error {
	if s.f == nil {
		return nil
	}
	return s.f.Close()
}

func (s *statFile) Name() string               { return s.name }
func (s *statFile) Stat() (os.FileInfo, error) { return s.fi, nil }

func (s *statFile) Read(p []byte) (int, error) {
	f, err := s.file()
	if err != nil {
		return 0, err
	}
	return f.Read(p)
}

func (s *statFile) ReadAt(p []byte, off int64) (int, error) {
	f, err := s.file()
	if err != nil {
		return 0, err
	}
	return f.ReadAt(p, off)
}

func (s *statFile) Seek(off int64, whence int) (int64, error) {
	f, err := s.file()
	if err != nil {
		return 0, err
	}
	return f.Seek(off, whence)
}

func (s *statFile) Readdir(n int) ([]os.FileInfo, error) {
	f, err := s.file()
	if err != nil {
		return nil, err
	}
	list, err := f.Readdir(n)
	for i, fi := range list {
		list[i] = typedInfo{fi}
	}
	return list, err
}

func (s *statFile) Readdirnames(n int) ([]string, error) {
	f, err := s.file()
	if err != nil {
		return nil, err
	}
	return f.Readdirnames(n)
}

// The file is read-only: writes fail as they would on a file opened
// O_RDONLY.
func (s *statFile) Write([]byte) (int, error)          { return 0, s.readOnly("write") }
func (s *statFile) WriteAt([]byte, int64) (int, error) { return 0, s.readOnly("write") }
func (s *statFile) WriteString(string) (int, error)    { return 0, s.readOnly("write") }
func (s *statFile) Truncate(int64) error               { return s.readOnly("truncate") }
func (s *statFile) Sync() error                        { return nil }

func (s *statFile) readOnly(op string) error {
	return &os.PathError{Op: op, Path: s.name, Err: os.ErrPermission}
}

// typedInfo is a FileInfo that names its content type from its extension
// (webdav.ContentTyper), as x/net/webdav would after opening the file:
// only a regular file without a known extension is opened to sniff its
// first bytes. Anything else that is not a regular file is opaque bytes,
// never opened: opening a FIFO for reading would wait for a writer.
type typedInfo struct{ os.FileInfo }

func (t typedInfo) ContentType(context.Context) (string, error) {
	if ctype := mime.TypeByExtension(path.Ext(t.Name())); ctype != "" {
		return ctype, nil
	}
	if !t.Mode().IsRegular() {
		return "application/octet-stream", nil
	}
	return "", webdav.ErrNotImplemented
}

// Interface guards.
var (
	_ afero.File          = (*statFile)(nil)
	_ webdav.ContentTyper = typedInfo{}
)

// propStats holds the stats of one PROPFIND, which x/net/webdav asks for
// again and again: it lists a directory, then Stats each entry it listed,
// then opens each for its property names, its properties and its content
// type. Each Stat was an os.Root walk of the path, two per entry: an
// eighth of the server's CPU under the soak (docs/benchmarks.md).
//
// The listing's own FileInfos answer for its entries: os.File.Readdir
// stats each entry with fstatat relative to the directory's descriptor,
// opened inside the root, which is the step that ends os.Root's walk. A
// symlink is left out: Stat follows it, and only inside the root.
//
// A propStats lives as long as its request's fileSystem, so a later
// request, or another login, never sees these stats. It holds one
// directory's entries, as many as the listing x/net/webdav holds itself.
type propStats struct {
	dir  map[string]os.FileInfo // entries of the last listing, by vfs.Clean path
	last struct {
		name string // vfs.Clean form
		fi   os.FileInfo
	}
}

// stat returns the FileInfo of name (clean is its vfs.Clean form): from
// the listing or the last stat, else stat'ed through the jail.
func (p *propStats) stat(v *vfs.Fs, name, clean string) (os.FileInfo, error) {
	if fi, ok := p.dir[clean]; ok {
		return fi, nil
	}
	if p.last.fi != nil && p.last.name == clean {
		return p.last.fi, nil
	}
	fi, err := v.Stat(name)
	if err != nil {
		return nil, err
	}
	p.last.name, p.last.fi = clean, typedInfo{fi}
	return p.last.fi, nil
}

// listed keeps the entries of the directory dir (vfs.Clean form) in place
// of the previous listing's.
func (p *propStats) listed(dir string, list []os.FileInfo) {
	p.dir = make(map[string]os.FileInfo, len(list))
	for _, fi := range list {
		if fi.Mode()&os.ModeSymlink != 0 {
			continue
		}
		if _, typed := fi.(typedInfo); !typed {
			fi = typedInfo{fi}
		}
		p.dir[join(dir, fi.Name())] = fi
	}
}

// join is path.Join of the clean dir and an entry's name, which holds no
// slash and is never "." or "..".
func join(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}
