package email

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/svcacct"
	diskusage "github.com/uapid/uapid/internal/usage"
)

// The directories a new mailbox gets: mail/ is part of the home layout
// (0751, so the mail server may pass through), a domain's directory and
// the maildir are private to their owner (svcacct's modes).

// maildirSubdirs are the directories every maildir holds.
var maildirSubdirs = []string{"cur", "new", "tmp"}

// layoutDir is one directory of a maildir and the mode it is created with.
type layoutDir struct {
	path string
	mode os.FileMode
}

// maildirLayout lists the directories of the maildir rel ("mail/DOMAIN/USER")
// from the top, with their modes.
func maildirLayout(rel string) []layoutDir {
	domainDir := path.Dir(rel)
	mail := path.Dir(domainDir)
	out := []layoutDir{{mail, homedir.LayoutMode(mail)}, {domainDir, svcacct.MailDomainMode}, {rel, svcacct.PrivateMode}}
	for _, sub := range maildirSubdirs {
		out = append(out, layoutDir{path.Join(rel, sub), svcacct.PrivateMode})
	}
	return out
}

// makeMaildir creates the maildir rel below root with whatever parents are
// missing, gives the directories it creates to uid:gid (uid < 0 keeps the
// process's own), and returns the top-most directory it created ("" if all
// existed) so that a caller whose commit fails removes exactly that. An
// existing maildir, such as one delete_pop kept, is reused with its mail.
func makeMaildir(root *os.Root, rel string, uid, gid int) (created string, err error) {
	for _, d := range maildirLayout(rel) {
		err := root.Mkdir(d.path, d.mode)
		switch {
		case err == nil:
			if created == "" {
				created = d.path
			}
			if err := settle(root, d.path, d.mode, uid, gid); err != nil {
				return created, fmt.Errorf("email: set up %s: %w", d.path, err)
			}
		case errors.Is(err, fs.ErrExist):
			fi, err := root.Stat(d.path)
			if err != nil {
				return created, dirError(rel, err)
			}
			if !fi.IsDir() {
				return created, hosting.Errorf(hosting.EINVALID, "The mail directory “%s” cannot be created: “%s” exists and is not a directory.", rel, d.path)
			}
		default:
			return created, dirError(rel, err)
		}
	}
	return created, nil
}

// dirError words a failure to create a maildir for the caller; the
// underlying error (permission denied, path escapes from parent, …) is about
// the caller's own home, so it is safe to show.
func dirError(rel string, err error) error {
	return hosting.Errorf(hosting.EINVALID, "The mail directory “%s” cannot be created: %v.", rel, homedir.Cause(err))
}

// settle gives a new directory its exact mode (Mkdir's passes through the
// umask) and, when the mail server runs as another user, that owner.
func settle(root *os.Root, name string, mode os.FileMode, uid, gid int) error {
	if err := root.Chmod(name, mode); err != nil {
		return err
	}
	if uid < 0 || uid == os.Geteuid() && gid == os.Getegid() {
		return nil
	}
	// Lchown: never follow a link a tenant may have planted.
	return root.Lchown(name, uid, gid)
}

// usage returns the bytes of the regular files below the maildir rel and
// its latest modification time (of the maildir, cur and new, which every
// delivery or read touches). The mail server writes maildirs, so no
// counter follows them: this is a walk, bounded like internal/usage's
// rescans (depth, entries) and stopped by ctx. A maildir that is missing or
// that a tenant replaced with a symlink has neither; no symlink is
// followed.
func usage(ctx context.Context, root *os.Root, rel string) (bytes, mtime int64, err error) {
	bytes, err = diskusage.Sum(ctx, root, rel, maxMaildirDepth, 0)
	if err != nil {
		return 0, 0, fmt.Errorf("email: disk usage of %s: %w", rel, err)
	}
	for _, p := range []string{rel, path.Join(rel, "cur"), path.Join(rel, "new")} {
		if fi, err := root.Stat(p); err == nil && fi.ModTime().Unix() > mtime {
			mtime = fi.ModTime().Unix()
		}
	}
	return bytes, mtime, nil
}

// maxMaildirDepth bounds a maildir walk: Maildir++ folders sit one level
// below the maildir, with cur/new/tmp below them; anything far deeper was
// put there by hand.
const maxMaildirDepth = 16
