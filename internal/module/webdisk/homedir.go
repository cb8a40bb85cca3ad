package webdisk

import (
	"fmt"
	"os"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
)

// Directory modes of the private parameter: 1 is 0700, 0 is 0755.
const (
	privateMode os.FileMode = 0o700
	publicMode  os.FileMode = 0o755
)

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
	created, err := homedir.MakeDirs(root, rel, publicMode, dirError)
	d.created = created
	if err != nil {
		return d, nil, err
	}
	if homedir.IsProtected(rel) {
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

// dirError words a failure on the login's directory for the caller; the
// underlying error (permission denied, path escapes from parent, …) is
// about the caller's own home, so it is safe to show.
func dirError(rel string, err error) error {
	return hosting.Errorf(hosting.EINVALID, "The system could not prepare the directory “%s” for the “homedir” parameter: %v.", rel, homedir.Cause(err))
}
