package ftp

import (
	"context"
	"fmt"
	"os"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/svcacct"
)

// AddRequest describes a new virtual FTP login.
type AddRequest struct {
	User   string // local part, without "@domain"
	Domain string // one of the account's domains
	// Password is the plain-text password; PassHash a crypt(3) hash. Exactly
	// one of them must be set.
	Password string
	PassHash string
	// HomeDir is relative to the account home and already cleaned; "" is
	// the home itself. DefaultHomeDir gives cPanel's default.
	HomeDir string
	QuotaMB int64 // 0 means unlimited
}

// AddFTP creates a virtual FTP login: it validates the request, creates the
// home directory if it is missing and stores the login; if storing fails,
// the directories it created are removed again. A directory that existed is
// recounted. Returns EINVALID for a bad request and ECONFLICT if the
// login exists.
func (s *Service) AddFTP(ctx context.Context, acct *hosting.Account, req AddRequest) (*hosting.FTPAccount, error) {
	if err := validateNewUser(acct, req.User, req.Domain); err != nil {
		return nil, err
	}
	if !acct.OwnsDomain(req.Domain) {
		return nil, hosting.Errorf(hosting.EINVALID, "You do not own the domain “%s”.", req.Domain)
	}
	hash, err := passwordHash(req.Password, req.PassHash)
	if err != nil {
		return nil, err
	}
	if req.QuotaMB < 0 {
		return nil, hosting.Errorf(hosting.EINVALID, "The quota must be a number or “unlimited”.")
	}
	login := req.User + "@" + req.Domain
	if _, err := s.store.FindFTPAccount(ctx, acct.ID, req.User, req.Domain); err == nil {
		return nil, alreadyExists(login)
	} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return nil, err
	}
	f := &hosting.FTPAccount{AccountID: acct.ID, User: req.User, Domain: req.Domain,
		PasswordHash: hash, HomeDir: req.HomeDir, QuotaMB: req.QuotaMB}
	existed, err := s.withNewDir(ctx, acct, req.HomeDir, func() error { return s.store.CreateFTPAccount(ctx, f) })
	if err != nil {
		if hosting.ErrorCode(err) == hosting.ECONFLICT {
			return nil, alreadyExists(login)
		}
		return nil, err
	}
	if existed {
		s.recount(ctx, acct)
	}
	s.log.InfoContext(ctx, "ftp account created", "account", acct.Name, "login", login, "homedir", f.HomeDir)
	return f, nil
}

// passwordHash returns the hash to store from exactly one of a plain-text
// password and a crypt(3) hash.
func passwordHash(plain, hash string) (string, error) {
	if (plain == "") == (hash == "") {
		return "", hosting.Errorf(hosting.EINVALID, "add_ftp: You must specify either a password or a password hash.")
	}
	if hash != "" {
		if !password.IsHash(hash) {
			return "", hosting.Errorf(hosting.EINVALID, "The “pass_hash” parameter is not a password hash the system can verify (for example “$6$…” SHA-512 crypt).")
		}
		return hash, nil
	}
	h, err := password.Hash(plain)
	if err != nil {
		return "", fmt.Errorf("ftp: hash password: %w", err)
	}
	return h, nil
}

func alreadyExists(login string) error {
	return hosting.Errorf(hosting.ECONFLICT, "The FTP account “%s” already exists.", login)
}

// withNewDir creates rel below the account home and runs commit; if commit
// fails, the directories it created are removed, so a failed change
// leaves nothing half-made. existed tells that rel was already there (and
// may hold files to count).
func (s *Service) withNewDir(ctx context.Context, acct *hosting.Account, rel string, commit func() error) (existed bool, err error) {
	c, err := s.dirs.WithNewDir(ctx, acct, svcacct.NewDir{Rel: rel, Make: func(root *os.Root) (*svcacct.Change, error) {
		created, err := homedir.MakeDirs(root, rel, svcacct.PublicMode, dirError)
		return &svcacct.Change{Created: created}, err
	}}, commit)
	if err != nil {
		return false, err
	}
	return c.Created == "", nil
}

// dirError words a failure to create a login's directory for the caller;
// the underlying error (permission denied, path escapes from parent, …) is
// about the caller's own home, so it is safe to show.
func dirError(rel string, err error) error {
	return hosting.Errorf(hosting.EINVALID, "Failed to mkdir: the system could not create the directory “%s” for the “homedir” parameter: %v.", rel, homedir.Cause(err))
}

// Get returns one of the account's virtual logins. Returns ENOTFOUND with
// cPanel's "does not exist" text.
func (s *Service) Get(ctx context.Context, acct *hosting.Account, user, domain string) (*hosting.FTPAccount, error) {
	f, err := s.store.FindFTPAccount(ctx, acct.ID, user, domain)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, notExist(user, domain)
	}
	return f, err
}

// List returns the account's virtual logins ordered by login.
func (s *Service) List(ctx context.Context, acct *hosting.Account) ([]*hosting.FTPAccount, error) {
	return s.store.ListFTPAccounts(ctx, acct.ID)
}

// SetPassword changes a login's password and closes its live sessions.
// Returns EINVALID for an empty password and ENOTFOUND.
func (s *Service) SetPassword(ctx context.Context, acct *hosting.Account, user, domain, pass string) error {
	if pass == "" {
		return hosting.Errorf(hosting.EINVALID, "You must specify a password.")
	}
	hash, err := password.Hash(pass)
	if err != nil {
		return fmt.Errorf("ftp: hash password: %w", err)
	}
	return s.setHash(ctx, acct, user, domain, hash)
}

// SetPasswordHash gives a login a crypt(3) hash as its password and closes
// its live sessions: for UserManager, which puts a login's earlier hash
// back when it rolls an interrupted edit back. Returns EINVALID for a hash
// the system cannot verify and ENOTFOUND.
func (s *Service) SetPasswordHash(ctx context.Context, acct *hosting.Account, user, domain, hash string) error {
	if !password.IsHash(hash) {
		return hosting.Errorf(hosting.EINVALID, "The password hash is not one the system can verify (for example “$6$…” SHA-512 crypt).")
	}
	return s.setHash(ctx, acct, user, domain, hash)
}

func (s *Service) setHash(ctx context.Context, acct *hosting.Account, user, domain, hash string) error {
	f, err := s.Get(ctx, acct, user, domain)
	if err != nil {
		return err
	}
	if err := s.store.UpdateFTPAccount(ctx, f.ID, hosting.FTPAccountUpdate{PasswordHash: &hash}); err != nil {
		return err
	}
	s.closeLogin(ctx, acct, f.Login())
	s.log.InfoContext(ctx, "ftp password changed", "account", acct.Name, "login", f.Login())
	return nil
}

// SetQuota changes a login's quota (MiB, 0 unlimited), closes its live
// sessions and recounts the bytes below its home directory, as cPanel runs
// pure-quotacheck. Returns EINVALID and ENOTFOUND.
func (s *Service) SetQuota(ctx context.Context, acct *hosting.Account, user, domain string, quotaMB int64) error {
	if quotaMB < 0 {
		return hosting.Errorf(hosting.EINVALID, "The quota must be a number or “unlimited”.")
	}
	f, err := s.Get(ctx, acct, user, domain)
	if err != nil {
		return err
	}
	// Live sessions share a quota loaded at login: closing them makes the
	// new limit apply at once, and ends uploads before the recount, so
	// their bytes are not counted twice.
	s.closeLogin(ctx, acct, f.Login())
	if err := s.store.UpdateFTPAccount(ctx, f.ID, hosting.FTPAccountUpdate{QuotaMB: &quotaMB}); err != nil {
		return err
	}
	s.recount(ctx, acct)
	s.log.InfoContext(ctx, "ftp quota changed", "account", acct.Name, "login", f.Login(), "quota_mb", quotaMB)
	return nil
}

// SetHomedir moves a login's root to rel (relative to the account home,
// cleaned; "" is the home itself), creating it if missing, recounting its
// usage and closing the login's live sessions, which still hold the old
// root. Returns EINVALID and ENOTFOUND.
func (s *Service) SetHomedir(ctx context.Context, acct *hosting.Account, user, domain, rel string) error {
	f, err := s.Get(ctx, acct, user, domain)
	if err != nil {
		return err
	}
	if _, err := s.withNewDir(ctx, acct, rel, func() error {
		return s.store.UpdateFTPAccount(ctx, f.ID, hosting.FTPAccountUpdate{HomeDir: &rel})
	}); err != nil {
		return err
	}
	s.closeLogin(ctx, acct, f.Login())
	s.recount(ctx, acct)
	s.log.InfoContext(ctx, "ftp homedir changed", "account", acct.Name, "login", f.Login(), "homedir", rel)
	return nil
}

// DeleteFTP removes a login and closes its live sessions. With destroy it
// then removes the login's home directory recursively, unless that is the
// home itself or part of the home layout (skipped silently, as cPanel does)
// or another login's root lies in it (skipped with a warning). The row goes
// with an intent in one transaction, so a crash before the directory is
// gone leaves the intent, whose repair removes it. Problems after the
// deletion is committed come back as warnings. Returns ENOTFOUND.
func (s *Service) DeleteFTP(ctx context.Context, acct *hosting.Account, user, domain string, destroy bool) ([]string, error) {
	f, err := s.store.FindFTPAccount(ctx, acct.ID, user, domain)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, hosting.Errorf(hosting.ENOTFOUND, "The FTP account “%s” cannot be removed because it does not exist.", user+"@"+domain)
	} else if err != nil {
		return nil, err
	}
	x, err := s.dirs.BeginDestroy(acct, f.Login(), f.HomeDir, destroy)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	if err := s.deleteRow(ctx, f.ID, x.Intent()); err != nil {
		return nil, err
	}
	s.closeLogin(ctx, acct, f.Login())
	s.log.InfoContext(ctx, "ftp account deleted", "account", acct.Name, "login", f.Login(), "destroy", x.Removes())
	return x.Finish(ctx), nil
}

// deleteRow deletes a login's row, with in when it is not nil.
func (s *Service) deleteRow(ctx context.Context, id int64, in *hosting.Intent) error {
	if in == nil {
		return s.store.DeleteFTPAccount(ctx, id)
	}
	return s.store.DeleteFTPAccountIntent(ctx, id, in)
}
