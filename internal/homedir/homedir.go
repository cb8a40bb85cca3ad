package homedir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// Open opens the account's home directory as the root every file operation
// of a module goes through, so that no path, symlinks included, leads out
// of the home.
func Open(acct *hosting.Account) (*os.Root, error) {
	root, err := os.OpenRoot(acct.HomeDir)
	if err != nil {
		return nil, fmt.Errorf("homedir: open home of %s: %w", acct.Name, err)
	}
	return root, nil
}

// LayoutDir is one directory of the home layout and the mode cPanel gives
// it.
type LayoutDir struct {
	Name string // relative to the home
	Mode os.FileMode
}

// Layout returns the directories every new home gets, parents first, with
// cPanel's modes: public_ftp 0750 and incoming 0700 mean anonymous FTP is
// off; mail 0751 lets the mail server pass through to the maildirs. It is
// the one table of the layout: account creation makes it, and IsProtected
// spares it.
func Layout() []LayoutDir {
	return []LayoutDir{
		{"public_html", 0o750}, {"public_ftp", 0o750}, {"public_ftp/incoming", 0o700},
		{"logs", 0o700}, {"etc", 0o750}, {"mail", 0o751}, {"tmp", 0o755},
	}
}

// LayoutMode returns the mode of the layout directory name (0 if name is
// not one).
func LayoutMode(name string) os.FileMode {
	for _, d := range Layout() {
		if d.Name == name {
			return d.Mode
		}
	}
	return 0
}

// IsProtected reports whether rel is the home itself or a directory of its
// layout, which hold the website, mail, configuration and logs: a login's
// destroy never removes them and Web Disk never changes their mode. cPanel
// spares only the home, public_html and public_ftp when destroying.
func IsProtected(rel string) bool {
	return rel == "" || slices.Contains(ProtectedDirs(), rel)
}

// ProtectedDirs returns the directories of the home layout IsProtected
// names (the home itself aside), relative to the home.
func ProtectedDirs() []string {
	var out []string
	for _, d := range Layout() {
		out = append(out, d.Name)
	}
	return out
}

// ProtectedBelow returns the protected directories that lie strictly below
// dir (relative to the home), relative to dir: the part of the layout a
// login rooted at dir reaches, which it may neither chmod, remove nor move.
func ProtectedBelow(dir string) []string {
	dir = strings.Trim(dir, "/")
	if dir == "" || dir == "." {
		return ProtectedDirs()
	}
	var rels []string
	for _, p := range ProtectedDirs() {
		if rel, ok := strings.CutPrefix(p, dir+"/"); ok {
			rels = append(rels, rel)
		}
	}
	return rels
}

// Within reports whether the slash-separated relative path rel is dir or
// lies below it ("" holds everything): a prefix test alone would put
// "public_html2" below "public_html".
func Within(rel, dir string) bool {
	return dir == "" || rel == dir || strings.HasPrefix(rel, dir+"/")
}

// MakeDirs creates rel and its missing parents below root with exactly
// mode. It returns the top-most directory it created ("" if rel existed),
// so that a caller whose commit fails removes exactly what this call made.
// Existing components may be symlinks that stay inside the root. fail words
// a filesystem error for the caller, as each module names it differently.
func MakeDirs(root *os.Root, rel string, mode os.FileMode, fail func(rel string, err error) error) (created string, err error) {
	if rel == "" {
		return "", nil
	}
	parts := strings.Split(rel, "/")
	for i := range parts {
		p := path.Join(parts[:i+1]...)
		err := root.Mkdir(p, mode)
		switch {
		case err == nil:
			if created == "" {
				created = p
			}
			// Mkdir's mode passes through the umask; cPanel's is exact, and
			// the web server must pass through a 0755 parent.
			if err := root.Chmod(p, mode); err != nil {
				return created, fail(rel, err)
			}
		case errors.Is(err, fs.ErrExist):
			fi, err := root.Stat(p)
			if err != nil {
				return created, fail(rel, err)
			}
			if !fi.IsDir() {
				return created, hosting.Errorf(hosting.EINVALID, "The “homedir” parameter names “%s”, but “%s” is not a directory.", rel, p)
			}
		default:
			return created, fail(rel, err)
		}
	}
	return created, nil
}

// Cause returns the reason under a filesystem error (permission denied,
// path escapes from parent, …) without the operation and path os.Root
// adds: the reason is about the caller's own home, so it is safe to show,
// and the caller's message names the directory as the caller gave it.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// FirstMissing returns the top-most component of rel that does not exist
// below root ("" when rel exists, is "" or cannot be looked at): what
// MakeDirs(root, rel) would create first. A change that makes rel records
// it before, so that a repair after a crash removes exactly what the
// change made.
func FirstMissing(root *os.Root, rel string) string {
	if rel == "" {
		return ""
	}
	parts := strings.Split(rel, "/")
	for i := range parts {
		p := path.Join(parts[:i+1]...)
		if _, err := root.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p
		} else if err != nil {
			return ""
		}
	}
	return ""
}
