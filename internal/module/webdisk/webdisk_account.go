package webdisk

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/svcacct"
)

// AddRequest describes a new Web Disk login.
type AddRequest struct {
	User   string // local part, without "@domain"
	Domain string // one of the account's domains
	// Password is the plain-text password; PassHash a crypt(3) hash.
	// Exactly one of them must be set.
	Password string
	PassHash string
	// DigestHA1 is the Digest hash (hex MD5 of user@domain:realm:password)
	// to store with PassHash when EnableDigest is set; with Password it is
	// computed.
	DigestHA1    string
	EnableDigest bool
	// HomeDir is relative to the account home and already cleaned; "" is
	// the home itself. DefaultHomeDir gives cPanel's default.
	HomeDir string
	Perms   string // hosting.WebDiskReadOnly or WebDiskReadWrite; "" is rw
	Private bool   // the directory gets mode 0700 (else 0755)
}

// credentials is what a login's password turns into in the store.
type credentials struct {
	hash, ha1 string
}

// Add creates a Web Disk login: it validates the request, creates the
// directory if it is missing and sets its mode, and then stores the login;
// if storing fails the directory change is undone. Warnings are for the
// caller (a mode it did not change). Returns EINVALID for a bad request and
// ECONFLICT if the login exists.
func (s *Service) Add(ctx context.Context, acct *hosting.Account, req AddRequest) (*hosting.WebDiskAccount, []string, error) {
	if err := validateNewUser(req.User, req.Domain); err != nil {
		return nil, nil, err
	}
	if !acct.OwnsDomain(req.Domain) {
		return nil, nil, hosting.Errorf(hosting.EINVALID, "You do not own the domain “%s”.", req.Domain)
	}
	if req.Perms == "" {
		req.Perms = hosting.WebDiskReadWrite
	}
	if !hosting.ValidWebDiskPerms(req.Perms) {
		return nil, nil, hosting.Errorf(hosting.EINVALID, "The “perms” parameter must be ro or rw.")
	}
	login := req.User + "@" + req.Domain
	cred, err := s.newCredentials(login, req)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.store.FindWebDiskAccount(ctx, acct.ID, req.User, req.Domain); err == nil {
		return nil, nil, alreadyExists(login)
	} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return nil, nil, err
	}
	w := &hosting.WebDiskAccount{AccountID: acct.ID, User: req.User, Domain: req.Domain, PasswordHash: cred.hash,
		DigestHA1: cred.ha1, EnableDigest: req.EnableDigest, HomeDir: req.HomeDir, Perms: req.Perms, Private: req.Private}
	warnings, err := s.withDir(ctx, acct, req.HomeDir, req.Private, func() error {
		return s.store.CreateWebDiskAccount(ctx, w)
	})
	if hosting.ErrorCode(err) == hosting.ECONFLICT {
		return nil, nil, alreadyExists(login)
	} else if err != nil {
		return nil, nil, err
	}
	s.log.InfoContext(ctx, "web disk account created", "account", acct.Name, "login", login, "homedir", w.HomeDir,
		"perms", w.Perms, "digest", w.EnableDigest)
	return w, warnings, nil
}

// newCredentials turns the request's password or hash into what is stored.
func (s *Service) newCredentials(login string, req AddRequest) (credentials, error) {
	switch {
	case req.Password == "" && req.PassHash == "":
		return credentials{}, hosting.Errorf(hosting.EINVALID, "Provide the “password” parameter (or “password_hash”).")
	case req.Password != "" && req.PassHash != "":
		return credentials{}, hosting.Errorf(hosting.EINVALID, "You must specify either the “password” parameter or the “password_hash” parameter, not both.")
	case req.Password != "":
		return s.hashPassword(login, req.Password, req.EnableDigest)
	}
	if !req.EnableDigest {
		return checkedHashes(req.PassHash, "")
	}
	if req.DigestHA1 == "" {
		return credentials{}, hosting.Errorf(hosting.EINVALID, "Provide the “digest_auth_hash” parameter: Digest Authentication needs it when the password is given as “password_hash”.")
	}
	return checkedHashes(req.PassHash, req.DigestHA1)
}

// hashPassword hashes a plain-text password, and computes its Digest hash
// when Digest is enabled.
func (s *Service) hashPassword(login, plain string, digest bool) (credentials, error) {
	h, err := password.Hash(plain)
	if err != nil {
		return credentials{}, fmt.Errorf("webdisk: hash password: %w", err)
	}
	return s.credentials(login, plain, h, digest), nil
}

// credentials are plain's, whose crypt(3) hash is hash, with its Digest
// hash when Digest is enabled.
func (s *Service) credentials(login, plain, hash string, digest bool) credentials {
	c := credentials{hash: hash}
	if digest {
		c.ha1 = hosting.DigestHA1(login, s.cfg.Realm, plain)
	}
	return c
}

// checkedHashes validates a crypt(3) hash and an optional Digest hash.
func checkedHashes(hash, ha1 string) (credentials, error) {
	if !password.IsHash(hash) {
		return credentials{}, hosting.Errorf(hosting.EINVALID, "The “password_hash” parameter is not a password hash the system can verify (for example “$6$…” SHA-512 crypt).")
	}
	ha1 = strings.ToLower(ha1)
	if b, err := hex.DecodeString(ha1); ha1 != "" && (err != nil || len(b) != 16) {
		return credentials{}, hosting.Errorf(hosting.EINVALID, "The “digest_auth_hash” parameter must be an MD5 hash: 32 hexadecimal digits.")
	}
	return credentials{hash: hash, ha1: ha1}, nil
}

// withDir prepares the login's directory in the account home and runs
// commit; if commit fails, the directory change is undone, so a failed
// change leaves nothing half-made.
func (s *Service) withDir(ctx context.Context, acct *hosting.Account, rel string, private bool, commit func() error) ([]string, error) {
	c, err := s.dirs.WithNewDir(ctx, acct, svcacct.NewDir{Rel: rel, Make: func(root *os.Root) (*svcacct.Change, error) {
		return prepareDir(root, rel, private)
	}}, commit)
	if err != nil {
		return nil, err
	}
	return c.Warnings, nil
}

// Get returns one of the account's Web Disk logins. Returns ENOTFOUND.
func (s *Service) Get(ctx context.Context, acct *hosting.Account, user, domain string) (*hosting.WebDiskAccount, error) {
	w, err := s.store.FindWebDiskAccount(ctx, acct.ID, user, domain)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, notExist(user, domain)
	}
	return w, err
}

// List returns the account's Web Disk logins ordered by login.
func (s *Service) List(ctx context.Context, acct *hosting.Account) ([]*hosting.WebDiskAccount, error) {
	return s.store.ListWebDiskAccounts(ctx, acct.ID)
}

// SetPassword changes a login's password, enables or disables Digest
// authentication with it (storing or clearing its Digest hash) and closes
// the login's live connections. Returns EINVALID for an empty password and
// ENOTFOUND.
func (s *Service) SetPassword(ctx context.Context, acct *hosting.Account, user, domain, plain string, enableDigest bool) error {
	return s.SetPasswordWithHash(ctx, acct, user, domain, plain, "", enableDigest)
}

// SetPasswordWithHash is SetPassword with plain's crypt(3) hash made by
// the caller ("" makes one): UserManager records the hash an edit writes,
// so that a late roll-back can tell whether the password changed since.
// Returns EINVALID for an empty password or a hash that is not plain's,
// and ENOTFOUND.
func (s *Service) SetPasswordWithHash(ctx context.Context, acct *hosting.Account, user, domain, plain, hash string, enableDigest bool) error {
	if plain == "" {
		return hosting.Errorf(hosting.EINVALID, "Provide the “password” parameter.")
	}
	if hash != "" && !password.Verify(hash, plain) {
		return hosting.Errorf(hosting.EINVALID, "The password hash given with the password is not its hash.")
	}
	w, err := s.Get(ctx, acct, user, domain)
	if err != nil {
		return err
	}
	cred := s.credentials(w.Login(), plain, hash, enableDigest)
	if hash == "" {
		if cred, err = s.hashPassword(w.Login(), plain, enableDigest); err != nil {
			return err
		}
	}
	return s.setCredentials(ctx, acct, w, cred)
}

// SetPasswordHash stores a crypt(3) hash as a login's password, with a
// Digest hash that enables Digest authentication ("" disables it), and
// closes the login's live connections: for UserManager, which syncs one
// password across services as hashes. Returns EINVALID and ENOTFOUND.
func (s *Service) SetPasswordHash(ctx context.Context, acct *hosting.Account, user, domain, hash, digestHA1 string) error {
	cred, err := checkedHashes(hash, digestHA1)
	if err != nil {
		return err
	}
	w, err := s.Get(ctx, acct, user, domain)
	if err != nil {
		return err
	}
	return s.setCredentials(ctx, acct, w, cred)
}

func (s *Service) setCredentials(ctx context.Context, acct *hosting.Account, w *hosting.WebDiskAccount, cred credentials) error {
	digest := cred.ha1 != ""
	if err := s.store.UpdateWebDiskAccount(ctx, w.ID, hosting.WebDiskAccountUpdate{
		PasswordHash: &cred.hash, DigestHA1: &cred.ha1, EnableDigest: &digest}); err != nil {
		return err
	}
	s.closeLogin(ctx, acct, w.Login())
	s.log.InfoContext(ctx, "web disk password changed", "account", acct.Name, "login", w.Login(), "digest", digest)
	return nil
}

// SetHomedir moves a login's directory to rel (relative to the account
// home, cleaned; "" is the home itself), creating it if missing and giving
// it the mode private asks for, and closes the login's live connections,
// which still hold the old directory. Returns EINVALID and ENOTFOUND.
func (s *Service) SetHomedir(ctx context.Context, acct *hosting.Account, user, domain, rel string, private bool) ([]string, error) {
	w, err := s.Get(ctx, acct, user, domain)
	if err != nil {
		return nil, err
	}
	warnings, err := s.withDir(ctx, acct, rel, private, func() error {
		return s.store.UpdateWebDiskAccount(ctx, w.ID, hosting.WebDiskAccountUpdate{HomeDir: &rel, Private: &private})
	})
	if err != nil {
		return nil, err
	}
	s.closeLogin(ctx, acct, w.Login())
	s.log.InfoContext(ctx, "web disk homedir changed", "account", acct.Name, "login", w.Login(), "homedir", rel, "private", private)
	return warnings, nil
}

// SetPermissions makes a login read-only ("ro") or read-write ("rw") and
// closes its live connections, so a transfer under the old rights stops.
// Returns EINVALID and ENOTFOUND.
func (s *Service) SetPermissions(ctx context.Context, acct *hosting.Account, user, domain, perms string) error {
	if !hosting.ValidWebDiskPerms(perms) {
		return hosting.Errorf(hosting.EINVALID, "The “perms” parameter must be ro or rw.")
	}
	w, err := s.Get(ctx, acct, user, domain)
	if err != nil {
		return err
	}
	if err := s.store.UpdateWebDiskAccount(ctx, w.ID, hosting.WebDiskAccountUpdate{Perms: &perms}); err != nil {
		return err
	}
	s.closeLogin(ctx, acct, w.Login())
	s.log.InfoContext(ctx, "web disk permissions changed", "account", acct.Name, "login", w.Login(), "perms", perms)
	return nil
}

// Delete removes a login and closes its live connections. With destroy it
// then removes the login's directory recursively, unless that is the home
// or part of its layout (skipped silently, as cPanel does) or another Web
// Disk login's directory lies in it (skipped with a warning). The row goes
// with an intent in one transaction, so a crash before the directory is
// gone leaves the intent, whose repair removes it. Problems after the
// deletion is committed come back as warnings. Returns ENOTFOUND.
func (s *Service) Delete(ctx context.Context, acct *hosting.Account, user, domain string, destroy bool) ([]string, error) {
	w, err := s.Get(ctx, acct, user, domain)
	if err != nil {
		return nil, err
	}
	x, err := s.dirs.BeginDestroy(acct, w.Login(), w.HomeDir, destroy)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	if err := s.deleteRow(ctx, w.ID, x.Intent()); hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, notExist(user, domain) // deleted meanwhile by another call
	} else if err != nil {
		return nil, err
	}
	s.closeLogin(ctx, acct, w.Login())
	s.log.InfoContext(ctx, "web disk account deleted", "account", acct.Name, "login", w.Login(), "destroy", x.Removes())
	return x.Finish(ctx), nil
}

// deleteRow deletes a login's row, with in when it is not nil.
func (s *Service) deleteRow(ctx context.Context, id int64, in *hosting.Intent) error {
	if in == nil {
		return s.store.DeleteWebDiskAccount(ctx, id)
	}
	return s.store.DeleteWebDiskAccountIntent(ctx, id, in)
}
