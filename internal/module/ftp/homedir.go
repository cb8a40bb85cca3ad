package ftp

import (
	"os"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
)

// homeDirMode is the mode cPanel gives a login's new home directory.
const homeDirMode = 0o755

// dirError words a failure to create a login's directory for the caller;
// the underlying error (permission denied, path escapes from parent, …) is
// about the caller's own home, so it is safe to show.
func dirError(rel string, err error) error {
	return hosting.Errorf(hosting.EINVALID, "Failed to mkdir: the system could not create the directory “%s” for the “homedir” parameter: %v.", rel, homedir.Cause(err))
}

// undoDir removes a directory homedir.MakeDirs created, after a later step
// failed, and reports whether nothing is left.
func (s *Service) undoDir(root *os.Root, acct *hosting.Account, created string) bool {
	if created == "" {
		return true
	}
	if err := root.RemoveAll(created); err != nil {
		s.log.Error("remove directory after failed ftp change", "account", acct.Name, "dir", created, "err", err)
		return false
	}
	return true
}
