package ftp

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// allows is the data of allows_anonymous_ftp and its _incoming sibling.
type allows struct {
	Allows int `json:"allows"`
}

// allowsAnonymous reports 1 when ~/public_ftp is world-readable and
// -searchable. A missing directory is created with anonymous FTP off and,
// as in cPanel, the answer then carries status 0 without an error.
func (s *Service) allowsAnonymous(ctx context.Context, c *uapi.Call) (any, error) {
	return s.allowsDir(c.Account, publicFTP, anonOffMode, 0o005)
}

// allowsAnonymousIncoming reports 1 when ~/public_ftp/incoming is
// world-writable, with the same quirk for a missing directory.
func (s *Service) allowsAnonymousIncoming(ctx context.Context, c *uapi.Call) (any, error) {
	return s.allowsDir(c.Account, incomingName, uploadsOff, 0o002)
}

func (s *Service) allowsDir(acct *hosting.Account, name string, offMode, want fs.FileMode) (any, error) {
	root, err := homedir.Open(acct)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	fi, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		if err := makeAnonDir(root, name, offMode); err != nil {
			return nil, err
		}
		return uapi.Unsuccessful(allows{Allows: 0}), nil
	} else if err != nil {
		return nil, err
	}
	if !fi.IsDir() || fi.Mode().Perm()&want != want {
		return allows{Allows: 0}, nil
	}
	return allows{Allows: 1}, nil
}

// setAnonymous opens or closes ~/public_ftp to anonymous logins. Closing
// it also ends the anonymous sessions that are logged in.
func (s *Service) setAnonymous(ctx context.Context, c *uapi.Call) (any, error) {
	mode := fs.FileMode(anonOffMode)
	if c.Bool("set") {
		mode = anonOnMode
	}
	if err := s.chmodAnonDir(c.Account, publicFTP, mode); err != nil {
		return nil, err
	}
	if !c.Bool("set") {
		s.closeLogin(ctx, c.Account, anonymousLogin)
	}
	return nil, nil
}

// setAnonymousIncoming opens or closes ~/public_ftp/incoming to anonymous
// uploads (0753: others may write and enter, not list).
func (s *Service) setAnonymousIncoming(ctx context.Context, c *uapi.Call) (any, error) {
	mode := fs.FileMode(uploadsOff)
	if c.Bool("set") {
		mode = uploadsOn
	}
	return nil, s.chmodAnonDir(c.Account, incomingName, mode)
}

// chmodAnonDir sets the mode of an anonymous-FTP directory, creating it
// (and public_ftp) if missing. A symlink in its place is refused, never
// followed.
func (s *Service) chmodAnonDir(acct *hosting.Account, name string, mode fs.FileMode) error {
	root, err := homedir.Open(acct)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := makeAnonDir(root, name, mode); err != nil {
		return anonDirError(acct, name, err)
	}
	if err := root.Chmod(name, mode); err != nil {
		return anonDirError(acct, name, err)
	}
	return nil
}

// makeAnonDir makes sure name (public_ftp or a directory in it) is a real
// directory, creating it with mode, and a missing public_ftp with anonymous
// FTP off.
func makeAnonDir(root *os.Root, name string, mode fs.FileMode) error {
	if name != publicFTP {
		if err := realDir(root, publicFTP, true, anonOffMode); err != nil {
			return err
		}
	}
	return realDir(root, name, true, mode)
}

func anonDirError(acct *hosting.Account, name string, err error) error {
	return hosting.Errorf(hosting.EINVALID, "The system could not set the permissions of “%s/%s”: %v", acct.HomeDir, name, unwrapPath(err))
}
