package webdisk

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// Directory modes of the private parameter: 1 is 0700, 0 is 0755.
const (
	privateMode os.FileMode = 0o700
	publicMode  os.FileMode = 0o755
)

// isProtected reports the directories whose mode uapid never changes and
// that delete_user's destroy never removes: the home itself and its
// layout, which hold the website, mail, configuration and logs. cPanel
// spares the home, public_html and public_ftp when destroying.
func isProtected(rel string) bool {
	switch rel {
	case "", "public_html", "public_ftp", "public_ftp/incoming", "etc", "logs", "mail", "tmp":
		return true
	}
	return false
}

// openHome opens the account's home directory as the root every file
// operation of this module goes through.
func openHome(acct *hosting.Account) (*os.Root, error) {
	root, err := os.OpenRoot(acct.HomeDir)
	if err != nil {
		return nil, fmt.Errorf("webdisk: open home of %s: %w", acct.Name, err)
	}
	return root, nil
}

// dirChange is what prepareDir did, so that undo can revert it when the
// store refuses the change.
type dirChange struct {
	root    *os.Root
	created string      // top-most directory created, "" if none
	rel     string      // the directory whose mode changed
	oldMode os.FileMode // its mode before, 0 if unchanged
}

// undo removes what was created and restores a changed mode.
func (d *dirChange) undo() error {
	if d.created != "" {
		return d.root.RemoveAll(d.created)
	}
	if d.oldMode != 0 {
		return d.root.Chmod(d.rel, d.oldMode)
	}
	return nil
}

// prepareDir makes rel and its missing parents (0755) below the root and
// gives rel the mode private asks for, unless rel is a protected directory,
// whose mode stays (a warning says so when privacy was asked for). Existing
// components may be symlinks that stay inside the root.
func prepareDir(root *os.Root, rel string, private bool) (*dirChange, []string, error) {
	d := &dirChange{root: root, rel: rel}
	if err := d.makeDirs(rel); err != nil {
		return d, nil, err
	}
	if isProtected(rel) {
		if private {
			return d, []string{fmt.Sprintf("The system did not make %s private: it never changes the permissions of the home directory or of its standard directories such as public_html.", displayDir(rel))}, nil
		}
		return d, nil, nil
	}
	mode := publicMode
	if private {
		mode = privateMode
	}
	fi, err := root.Stat(rel)
	if err != nil {
		return d, nil, dirError(rel, err)
	}
	if fi.Mode().Perm() == mode {
		return d, nil, nil
	}
	if d.created == "" {
		d.oldMode = fi.Mode().Perm()
	}
	if err := root.Chmod(rel, mode); err != nil {
		return d, nil, dirError(rel, err)
	}
	return d, nil, nil
}

func displayDir(rel string) string {
	if rel == "" {
		return "the home directory"
	}
	return "“" + rel + "”"
}

// makeDirs creates rel's missing components and records the top-most.
func (d *dirChange) makeDirs(rel string) error {
	if rel == "" {
		return nil
	}
	parts := strings.Split(rel, "/")
	for i := range parts {
		p := path.Join(parts[:i+1]...)
		err := d.root.Mkdir(p, publicMode)
		switch {
		case err == nil:
			if d.created == "" {
				d.created = p
			}
			// Mkdir's mode passes through the umask; the parents' must be
			// exactly 0755 so that the web server can pass through them.
			if err := d.root.Chmod(p, publicMode); err != nil {
				return dirError(rel, err)
			}
		case errors.Is(err, fs.ErrExist):
			fi, err := d.root.Stat(p)
			if err != nil {
				return dirError(rel, err)
			}
			if !fi.IsDir() {
				return hosting.Errorf(hosting.EINVALID, "The “homedir” parameter names “%s”, but “%s” is not a directory.", rel, p)
			}
		default:
			return dirError(rel, err)
		}
	}
	return nil
}

// dirError words a failure on the login's directory for the caller; the
// underlying error (permission denied, path escapes from parent, …) is
// about the caller's own home, so it is safe to show.
func dirError(rel string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return hosting.Errorf(hosting.EINVALID, "The system could not prepare the directory “%s” for the “homedir” parameter: %v.", rel, err)
}
