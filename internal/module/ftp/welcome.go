package ftp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

const (
	publicFTP    = "public_ftp"
	welcomeFile  = "welcome.msg"
	welcomeMode  = 0o644
	anonOffMode  = 0o750 // public_ftp without anonymous FTP
	anonOnMode   = 0o755
	incomingName = "public_ftp/incoming"
	uploadsOff   = 0o700
	uploadsOn    = 0o753
)

// getWelcomeMessage returns ~/public_ftp/welcome.msg, or "" when there is
// none. A symlink in its place is never followed.
func (s *Service) getWelcomeMessage(ctx context.Context, c *uapi.Call) (any, error) {
	dir, err := openPublicFTP(c.Account, false)
	var b []byte
	if err == nil {
		defer dir.Close()
		b, err = readNoFollow(dir, welcomeFile, maxWelcomeLen)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	} else if err != nil {
		return nil, hosting.Errorf(hosting.EINVALID, "Could not read %s: %v", welcomePath(c.Account), unwrapPath(err))
	}
	return string(b), nil
}

// setWelcomeMessage replaces welcome.msg atomically: the text goes to a new
// file that is renamed over the old one, so a symlink planted at
// welcome.msg is replaced, never written through.
func (s *Service) setWelcomeMessage(ctx context.Context, c *uapi.Call) (any, error) {
	dir, err := openPublicFTP(c.Account, true)
	if err != nil {
		return nil, hosting.Errorf(hosting.EINVALID, "Could not edit %s: %v", welcomePath(c.Account), unwrapPath(err))
	}
	defer dir.Close()
	if err := writeReplace(dir, welcomeFile, []byte(c.String("message")), welcomeMode); err != nil {
		return nil, hosting.Errorf(hosting.EINVALID, "Could not edit %s: %v", welcomePath(c.Account), unwrapPath(err))
	}
	return nil, nil
}

func welcomePath(acct *hosting.Account) string {
	return filepath.Join(acct.HomeDir, publicFTP, welcomeFile)
}

// openPublicFTP opens ~/public_ftp as a root of its own, refusing a symlink
// in its place. With create, a missing public_ftp is made with anonymous
// FTP off.
func openPublicFTP(acct *hosting.Account, create bool) (*os.Root, error) {
	home, err := homedir.Open(acct)
	if err != nil {
		return nil, err
	}
	defer home.Close()
	if err := realDir(home, publicFTP, create, anonOffMode); err != nil {
		return nil, err
	}
	return home.OpenRoot(publicFTP)
}

// realDir checks that name is a directory and not a symlink, creating it
// with mode when create is set and it is missing.
func realDir(root *os.Root, name string, create bool, mode fs.FileMode) error {
	fi, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err := root.Mkdir(name, mode); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := root.Chmod(name, mode); err != nil {
			return err
		}
		fi, err = root.Lstat(name)
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return &fs.PathError{Op: "open", Path: name, Err: errors.New("not a directory (symbolic links are not followed)")}
	}
	return nil
}

// readNoFollow reads a regular file that is not a symlink. os.Root follows
// symlinks inside the root even with O_NOFOLLOW, so the file is checked with
// Lstat and the opened file must be that same file.
func readNoFollow(root *os.Root, name string, limit int64) ([]byte, error) {
	before, err := root.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !before.Mode().IsRegular() {
		return nil, errors.New("not a regular file (symbolic links are not followed)")
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	after, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !os.SameFile(before, after) {
		return nil, errors.New("the file changed while it was opened")
	}
	return io.ReadAll(io.LimitReader(f, limit))
}

// writeReplace writes data to a new temporary file beside name and renames
// it over name.
func writeReplace(root *os.Root, name string, data []byte, mode fs.FileMode) error {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := "." + name + ".tmp-" + hex.EncodeToString(rnd[:])
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode) // the umask may have narrowed it
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		_ = root.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// unwrapPath drops the operation and path of a *fs.PathError: messages name
// the file themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	for errors.As(err, &pe) {
		err = pe.Err
	}
	return err
}
