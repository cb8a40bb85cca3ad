package webdisk

import (
	"fmt"
	"os"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/svcacct"
)

// prepareDir makes rel and its missing parents (0755) below the root and
// gives rel the mode private asks for, unless rel is a protected directory,
// whose mode stays (a warning says so when privacy was asked for). Existing
// components may be symlinks that stay inside the root.
func prepareDir(root *os.Root, rel string, private bool) (*svcacct.Change, error) {
	created, err := homedir.MakeDirs(root, rel, svcacct.PublicMode, dirError)
	c := &svcacct.Change{Created: created}
	if err != nil {
		return c, err
	}
	if homedir.IsProtected(rel) {
		if private {
			c.Warnings = []string{fmt.Sprintf("The system did not make %s private: it never changes the permissions of the home directory or of its standard directories such as public_html.", displayDir(rel))}
		}
		return c, nil
	}
	mode := svcacct.PublicMode
	if private {
		mode = svcacct.PrivateMode
	}
	fi, err := root.Stat(rel)
	if err != nil {
		return c, dirError(rel, err)
	}
	if fi.Mode().Perm() == mode {
		return c, nil
	}
	if created == "" {
		c.Chmod, c.OldMode = rel, fi.Mode().Perm()
	}
	if err := root.Chmod(rel, mode); err != nil {
		return c, dirError(rel, err)
	}
	return c, nil
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
