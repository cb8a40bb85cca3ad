package webdavd

import (
	"context"
	"encoding/xml"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/spf13/afero"
	"github.com/uapid/uapid/internal/vfs"
	"golang.org/x/net/webdav"
)

// Modes of what clients create: never group- or world-writable, whatever
// the client or x/net/webdav asks for (MKCOL asks for 0777).
const (
	dirMode  os.FileMode = 0o755
	fileMode os.FileMode = 0o644
)

// fileSystem is the webdav.FileSystem of one request: a vfs.Fs jailed in
// the login's directory, so every name, "..", absolute or through a
// symlink, resolves inside it, plus the login's dead properties.
//
// Names of PUTs' temporary files (hiddenName) do not exist for it.
type fileSystem struct {
	v        *vfs.Fs
	props    *propStore
	readOnly bool
	put      *upload          // the body of a PUT request; nil for other methods
	cleanup  func(rel string) // removes a file through a fresh vfs.Fs, after a kill closed v
	// statOnly makes read-only opens statFiles (a PROPFIND's), and Stat
	// and those opens share the stats in stats.
	statOnly bool
	stats    propStats
}

// Mkdir creates a directory.
func (f *fileSystem) Mkdir(_ context.Context, name string, perm os.FileMode) error {
	if hiddenName(vfs.Clean(name)) {
		return notFound("mkdir", name)
	}
	return f.v.Mkdir(name, perm&dirMode)
}

// OpenFile opens a file or directory. A PUT's file is written under a
// temporary name and renamed into place when the upload completes.
func (f *fileSystem) OpenFile(_ context.Context, name string, flag int, perm os.FileMode) (webdav.File, error) {
	clean := vfs.Clean(name)
	if hiddenName(clean) {
		return nil, notFound("open", name)
	}
	if f.put != nil && flag&os.O_CREATE != 0 && flag&os.O_TRUNC != 0 {
		return f.openPut(name)
	}
	// x/net/webdav opens a resource O_RDWR without O_CREATE only to patch
	// its dead properties, which live in memory: read-only is enough, and
	// works on directories, which cannot be opened for writing.
	if flag == os.O_RDWR {
		flag = os.O_RDONLY
	}
	if f.statOnly && flag == os.O_RDONLY {
		return f.openStat(name, clean)
	}
	af, err := f.v.OpenFile(name, flag, perm&fileMode)
	if err != nil {
		return nil, err
	}
	return &davFile{File: af, fs: f, name: clean}, nil
}

// openStat returns a statFile of name (clean is its vfs.Clean form), with
// the stat the PROPFIND shares.
func (f *fileSystem) openStat(name, clean string) (webdav.File, error) {
	fi, err := f.stats.stat(f.v, name, clean)
	if err != nil {
		return nil, err
	}
	return &davFile{File: &statFile{v: f.v, name: name, fi: fi}, fs: f, name: clean}, nil
}

// RemoveAll removes a file or a tree and forgets its dead properties.
func (f *fileSystem) RemoveAll(ctx context.Context, name string) error {
	if hiddenName(vfs.Clean(name)) {
		return notFound("remove", name)
	}
	if err := f.v.RemoveAllContext(ctx, name); err != nil {
		return err
	}
	f.props.removeTree(vfs.Clean(name))
	return nil
}

// Rename moves a file or a tree with its dead properties.
func (f *fileSystem) Rename(_ context.Context, oldName, newName string) error {
	if hiddenName(vfs.Clean(oldName)) || hiddenName(vfs.Clean(newName)) {
		return notFound("rename", oldName)
	}
	if err := f.v.Rename(oldName, newName); err != nil {
		return err
	}
	f.props.move(vfs.Clean(oldName), vfs.Clean(newName))
	return nil
}

// Stat returns a file's information, following symlinks that stay inside
// the directory; one that leads out of it fails, so a listing skips it.
func (f *fileSystem) Stat(_ context.Context, name string) (os.FileInfo, error) {
	clean := vfs.Clean(name)
	if hiddenName(clean) {
		return nil, notFound("stat", name)
	}
	if f.statOnly {
		return f.stats.stat(f.v, name, clean)
	}
	return f.v.Stat(name)
}

// davFile is an open file that also holds its dead properties.
type davFile struct {
	afero.File
	fs   *fileSystem
	name string // vfs.Clean form, the propStore key
}

// Readdir lists a directory without PUTs' temporary files. A PROPFIND
// keeps the listing for the stats of its entries that follow.
func (d *davFile) Readdir(count int) ([]os.FileInfo, error) {
	list, err := d.File.Readdir(count)
	list = slices.DeleteFunc(list, func(fi os.FileInfo) bool { return strings.HasPrefix(fi.Name(), putPrefix) })
	if d.fs.statOnly {
		d.fs.stats.listed(d.name, list)
	}
	return list, err
}

// DeadProps implements webdav.DeadPropsHolder.
func (d *davFile) DeadProps() (map[xml.Name]webdav.Property, error) {
	return d.fs.props.get(d.name), nil
}

// Patch implements webdav.DeadPropsHolder. A read-only login never gets
// here (PROPPATCH is refused first); the check keeps it so if that changes.
func (d *davFile) Patch(patches []webdav.Proppatch) ([]webdav.Propstat, error) {
	if d.fs.readOnly {
		var names []webdav.Property
		for _, p := range patches {
			for _, prop := range p.Props {
				names = append(names, webdav.Property{XMLName: prop.XMLName})
			}
		}
		return []webdav.Propstat{{Status: http.StatusForbidden, Props: names}}, nil
	}
	return d.fs.props.patch(d.name, patches), nil
}

// Interface guards.
var (
	_ webdav.FileSystem      = (*fileSystem)(nil)
	_ webdav.File            = (*davFile)(nil)
	_ webdav.DeadPropsHolder = (*davFile)(nil)
)
