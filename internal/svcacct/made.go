package svcacct

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"syscall"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
)

// RemoveMade removes rel, a directory a change made, for callers outside
// this package that roll such a change back (UserManager): under the
// account's lock, unless an account of users uses it (its login is
// returned), and only as far as it holds nothing but directories (kept
// names what stays; see removeMade).
func (l *Locks) RemoveMade(ctx context.Context, acct *hosting.Account, rel string, users []Users) (login, kept string, err error) {
	unlock, err := l.Lock(ctx, acct)
	if err != nil {
		return "", "", err
	}
	defer unlock()
	u, _, err := usedBy(ctx, acct.ID, rel, users)
	if err != nil || u != nil {
		if u != nil {
			login = u.login
		}
		return login, "", err
	}
	root, err := homedir.Open(acct)
	if err != nil {
		return "", "", err
	}
	defer root.Close()
	kept, err = removeMade(root, rel)
	return "", kept, err
}

// maxMadeDepth bounds how deep removeMade looks: a change makes a few
// directories; deeper trees were built since, and stay.
const maxMadeDepth = 32

// removeMade removes rel, a directory a change made, with the directories
// below it, deepest first, as long as they hold nothing else: a change
// makes directories only, so a file (or a symlink, or anything else) in
// them was put there since, by a login that could reach it, and is kept
// with its directory and that one's parents up to rel. It returns the
// first such entry, relative to the home ("" when rel is gone, or was
// never made). Each directory goes with rmdir, which refuses one that is
// not empty: a file that arrives after the listing keeps it too.
func removeMade(root *os.Root, rel string) (kept string, err error) {
	if rel == "" || rel == "." {
		return "", errNoDir
	}
	return removeEmpty(root, rel, 0)
}

func removeEmpty(root *os.Root, rel string, depth int) (kept string, err error) {
	fi, err := root.Lstat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	case err != nil:
		return "", err
	case !fi.IsDir() || depth > maxMadeDepth:
		return rel, nil
	}
	f, err := root.Open(rel)
	if err != nil {
		return "", err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return "", err
	}
	for _, n := range names {
		if kept, err := removeEmpty(root, path.Join(rel, n), depth+1); err != nil || kept != "" {
			return kept, err
		}
	}
	if err := root.Remove(rel); errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST) {
		return rel, nil // something arrived since the listing
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return "", nil
}
