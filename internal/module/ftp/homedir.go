package ftp

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// homeDirMode is the mode cPanel gives a login's new home directory.
const homeDirMode = 0o755

// isProtected reports the directories delete_ftp's destroy never removes:
// cPanel spares the home itself, public_html and public_ftp; uapid also
// spares the rest of the account's home layout, which holds mail,
// configuration and logs.
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
		return nil, fmt.Errorf("ftp: open home of %s: %w", acct.Name, err)
	}
	return root, nil
}

// makeDir creates rel and its missing parents below the root with mode
// 0755. It returns the top-most directory it created ("" if rel existed), so
// that a caller whose commit fails removes exactly what this call made.
// Existing components may be symlinks that stay inside the root.
func makeDir(root *os.Root, rel string) (created string, err error) {
	if rel == "" {
		return "", nil
	}
	parts := strings.Split(rel, "/")
	for i := range parts {
		p := path.Join(parts[:i+1]...)
		err := root.Mkdir(p, homeDirMode)
		switch {
		case err == nil:
			if created == "" {
				created = p
			}
			// Mkdir's mode passes through the umask; cPanel's is exact.
			if err := root.Chmod(p, homeDirMode); err != nil {
				return created, dirError(rel, err)
			}
		case errors.Is(err, fs.ErrExist):
			fi, err := root.Stat(p)
			if err != nil {
				return created, dirError(rel, err)
			}
			if !fi.IsDir() {
				return created, hosting.Errorf(hosting.EINVALID, "The “homedir” parameter names “%s”, but “%s” is not a directory.", rel, p)
			}
		default:
			return created, dirError(rel, err)
		}
	}
	return created, nil
}

// dirError words a failure to create a login's directory for the caller;
// the underlying error (permission denied, path escapes from parent, …) is
// about the caller's own home, so it is safe to show.
func dirError(rel string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return hosting.Errorf(hosting.EINVALID, "Failed to mkdir: the system could not create the directory “%s” for the “homedir” parameter: %v.", rel, err)
}

// undoDir removes a directory makeDir created, after a later step failed.
func (s *Service) undoDir(root *os.Root, acct *hosting.Account, created string) {
	if created == "" {
		return
	}
	if err := root.RemoveAll(created); err != nil {
		s.log.Error("remove directory after failed ftp change", "account", acct.Name, "dir", created, "err", err)
	}
}
