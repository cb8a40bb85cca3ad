package email

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/svcacct"
)

// AddRequest describes a new mailbox.
type AddRequest struct {
	User   string // local part, without "@domain"
	Domain string // one of the account's domains
	// Password is the plain-text password, PasswordHash a crypt(3) hash
	// (e.g. "$6$…"); exactly one of them must be set.
	Password     string
	PasswordHash string
	// QuotaMB is the quota in MiB, 0 for unlimited, or UseDefaultQuota.
	QuotaMB int64
}

// AddMailbox creates a mailbox: it validates the request, creates the
// maildir (or reuses one a deletion kept), stores the mailbox and publishes
// its domain to the mail server. If storing or publishing fails, the record
// and the directories it created are removed again, so nothing is left
// half-made. Returns EINVALID for a bad request and ECONFLICT if the
// address exists.
func (s *Service) AddMailbox(ctx context.Context, acct *hosting.Account, req AddRequest) (*hosting.EmailAccount, error) {
	user, domain := strings.ToLower(req.User), strings.ToLower(req.Domain)
	if err := validateLocalPart(user, domain); err != nil {
		return nil, err
	}
	if !acct.OwnsDomain(domain) {
		return nil, hosting.Errorf(hosting.EINVALID, "You do not own the domain “%s”.", domain)
	}
	hash, err := passwordHash(req.Password, req.PasswordHash)
	if err != nil {
		return nil, err
	}
	quota, err := s.newQuota(req.QuotaMB)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.FindEmailAccount(ctx, acct.ID, user, domain); err == nil {
		return nil, alreadyExists(user, domain)
	} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return nil, err
	}
	e := &hosting.EmailAccount{AccountID: acct.ID, User: user, Domain: domain, PasswordHash: hash, QuotaMB: quota}
	if err := s.create(ctx, acct, e); err != nil {
		if hosting.ErrorCode(err) == hosting.ECONFLICT {
			return nil, alreadyExists(user, domain)
		}
		return nil, err
	}
	s.log.InfoContext(ctx, "email account created", "account", acct.Name, "email", e.Address(), "quota_mb", quota)
	return e, nil
}

// create makes the maildir, then commits, then publishes, undoing the
// earlier steps when a later one fails. An intent stored before the
// maildir is made lets the reconciler finish the change after a crash.
func (s *Service) create(ctx context.Context, acct *hosting.Account, e *hosting.EmailAccount) error {
	uid, gid := s.owner()
	_, err := s.maildirs.WithNewDir(ctx, acct, svcacct.NewDir{Rel: e.Maildir(), Domain: e.Domain,
		Make: func(root *os.Root) (*svcacct.Change, error) {
			created, err := makeMaildir(root, e.Maildir(), uid, gid)
			return &svcacct.Change{Created: created}, err
		}}, func() error {
		if err := s.store.CreateEmailAccount(ctx, e); err != nil {
			return err
		}
		if err := s.publish(ctx, e.Domain); err != nil {
			s.undoCreate(ctx, acct, e)
			return err
		}
		return nil
	})
	return err
}

// undoCreate removes a mailbox whose publishing failed and publishes again,
// in case the failure came after the mail server's file was replaced.
func (s *Service) undoCreate(ctx context.Context, acct *hosting.Account, e *hosting.EmailAccount) {
	if err := s.store.DeleteEmailAccount(ctx, e.ID); err != nil {
		s.log.ErrorContext(ctx, "delete email account after failed publish", "account", acct.Name, "email", e.Address(), "err", err)
		return
	}
	if err := s.publish(ctx, e.Domain); err != nil {
		s.log.ErrorContext(ctx, "publish after failed create", "account", acct.Name, "email", e.Address(), "err", err)
	}
}

// passwordHash returns the hash to store from exactly one of a plain-text
// password and a crypt(3) hash.
func passwordHash(plain, hash string) (string, error) {
	switch {
	case plain == "" && hash == "":
		return "", hosting.Errorf(hosting.EINVALID, "You must specify either the “password” or the “password_hash” parameter.")
	case plain != "" && hash != "":
		return "", hosting.Errorf(hosting.EINVALID, "You may not specify both the “password” and the “password_hash” parameters.")
	case hash != "":
		if !password.IsHash(hash) {
			return "", hosting.Errorf(hosting.EINVALID, "The “password_hash” parameter is not a password hash the system can verify (for example “$6$…” SHA-512 crypt).")
		}
		return hash, nil
	}
	h, err := password.Hash(plain)
	if err != nil {
		return "", fmt.Errorf("email: hash password: %w", err)
	}
	return h, nil
}

// newQuota resolves a new mailbox's quota and checks it against the
// maximum, which an unlimited quota always exceeds.
func (s *Service) newQuota(mb int64) (int64, error) {
	switch {
	case mb == UseDefaultQuota:
		return s.cfg.DefaultQuotaMB, nil
	case mb < 0:
		return 0, hosting.Errorf(hosting.EINVALID, "The quota must be a number or “unlimited”.")
	case s.cfg.MaxQuotaMB > 0 && mb == 0:
		return 0, hosting.Errorf(hosting.EINVALID, "The “quota” parameter cannot be unlimited: the maximum email account quota is %d MB.", s.cfg.MaxQuotaMB)
	case s.cfg.MaxQuotaMB > 0 && mb > s.cfg.MaxQuotaMB:
		return 0, hosting.Errorf(hosting.EINVALID, "The “quota” parameter (%d MB) exceeds the maximum email account quota of %d MB.", mb, s.cfg.MaxQuotaMB)
	}
	return mb, nil
}

func alreadyExists(user, domain string) error {
	return hosting.Errorf(hosting.ECONFLICT, "The email account “%s@%s” already exists.", user, domain)
}

// notExist is the error of every function that names a mailbox the
// account does not have.
func notExist(user, domain string) error {
	return hosting.Errorf(hosting.ENOTFOUND, "The email account “%s@%s” does not exist.", user, domain)
}

// GetMailbox returns one of the account's mailboxes. Returns ENOTFOUND.
func (s *Service) GetMailbox(ctx context.Context, acct *hosting.Account, user, domain string) (*hosting.EmailAccount, error) {
	e, err := s.store.FindEmailAccount(ctx, acct.ID, user, domain)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, notExist(strings.ToLower(user), strings.ToLower(domain))
	}
	return e, err
}

// ListMailboxes returns the account's mailboxes ordered by address.
func (s *Service) ListMailboxes(ctx context.Context, acct *hosting.Account) ([]*hosting.EmailAccount, error) {
	return s.store.ListEmailAccounts(ctx, acct.ID)
}

// CountMailboxes returns how many mailboxes the account has.
func (s *Service) CountMailboxes(ctx context.Context, acct *hosting.Account) (int, error) {
	return s.store.CountEmailAccounts(ctx, acct.ID)
}

// DiskUsage returns the bytes stored in a mailbox's maildir (0 if it is
// missing), for quota reports.
func (s *Service) DiskUsage(ctx context.Context, acct *hosting.Account, e *hosting.EmailAccount) (int64, error) {
	root, err := homedir.Open(acct)
	if err != nil {
		return 0, err
	}
	defer root.Close()
	used, _, err := usage(ctx, root, e.Maildir())
	return used, err
}

// DeleteMailbox removes a mailbox and publishes its domain; then, unless
// keepMaildir (delete_pop's flags=passwd), it removes the maildir. The row
// goes with an intent in one transaction, so a crash before the domain is
// published and the maildir removed leaves the intent, whose repair does
// both. The maildir stays while an FTP, Web Disk or email account uses
// it (svcacct's rule), which a warning says, as it says a failure to
// remove it after the deletion is committed. Returns ENOTFOUND.
func (s *Service) DeleteMailbox(ctx context.Context, acct *hosting.Account, user, domain string, keepMaildir bool) (warnings []string, err error) {
	e, err := s.GetMailbox(ctx, acct, user, domain)
	if err != nil {
		return nil, err
	}
	in, err := s.journal.Begin(kindDelete, acct.ID, deleteIntent{User: e.User, Domain: e.Domain, KeepMaildir: keepMaildir})
	if err != nil {
		return nil, err
	}
	defer s.journal.Release(in)
	if in == nil {
		err = s.store.DeleteEmailAccount(ctx, e.ID)
	} else {
		err = s.store.DeleteEmailAccountIntent(ctx, e.ID, in)
	}
	if err != nil {
		return nil, err
	}
	// Publish before removing the maildir, so the mail server stops using
	// it first; a failed publish is reported after the directory is gone.
	pubErr := s.publish(ctx, e.Domain)
	var rmErr error
	if !keepMaildir {
		var w string
		if w, rmErr = s.removeMaildir(ctx, acct, e); w != "" {
			warnings = append(warnings, w)
		}
	}
	if pubErr == nil && rmErr == nil {
		if err := s.journal.Finish(ctx, in); err != nil {
			s.log.ErrorContext(ctx, "finish email deletion", "account", acct.Name, "email", e.Address(), "err", err)
		}
	}
	s.log.InfoContext(ctx, "email account deleted", "account", acct.Name, "email", e.Address(), "keep_maildir", keepMaildir)
	return warnings, pubErr
}

// removeMaildir removes a deleted mailbox's maildir unless an account uses
// it (a mailbox of the address made again, an FTP or Web Disk login rooted
// in it), under the account's lock, and returns a warning for the caller
// when it did not remove it, with the error when trying again may help.
func (s *Service) removeMaildir(ctx context.Context, acct *hosting.Account, e *hosting.EmailAccount) (string, error) {
	w, err := s.maildirs.RemoveUnlessUsed(ctx, acct, e.Maildir())
	if err != nil {
		s.log.ErrorContext(ctx, "remove maildir", "account", acct.Name, "email", e.Address(), "err", err)
	}
	return w, err
}

// SetPassword changes a mailbox's password. Returns EINVALID for an empty
// password and ENOTFOUND.
func (s *Service) SetPassword(ctx context.Context, acct *hosting.Account, user, domain, plain string) error {
	if plain == "" {
		return hosting.Errorf(hosting.EINVALID, "You must specify the “password” parameter.")
	}
	hash, err := password.Hash(plain)
	if err != nil {
		return fmt.Errorf("email: hash password: %w", err)
	}
	return s.update(ctx, acct, user, domain, hosting.EmailAccountUpdate{PasswordHash: &hash}, "email password changed")
}

// SetPasswordHash gives a mailbox a crypt(3) hash as its password, for
// callers that hold a hash already (UserManager's synchronised passwords).
// Returns EINVALID for a hash the system cannot verify and ENOTFOUND.
func (s *Service) SetPasswordHash(ctx context.Context, acct *hosting.Account, user, domain, hash string) error {
	if !password.IsHash(hash) {
		return hosting.Errorf(hosting.EINVALID, "The “password_hash” parameter is not a password hash the system can verify (for example “$6$…” SHA-512 crypt).")
	}
	return s.update(ctx, acct, user, domain, hosting.EmailAccountUpdate{PasswordHash: &hash}, "email password changed")
}

// SetQuota changes a mailbox's quota (MiB, 0 unlimited, UseDefaultQuota for
// the configured default) and returns the quota applied: above the maximum
// or unlimited when there is one, the maximum applies, as cPanel's
// edit_pop_quota does. Returns EINVALID and ENOTFOUND.
func (s *Service) SetQuota(ctx context.Context, acct *hosting.Account, user, domain string, quotaMB int64) (int64, error) {
	if quotaMB = s.AppliedQuota(quotaMB); quotaMB < 0 {
		return 0, hosting.Errorf(hosting.EINVALID, "The quota must be a number or “unlimited”.")
	}
	return quotaMB, s.update(ctx, acct, user, domain, hosting.EmailAccountUpdate{QuotaMB: &quotaMB}, "email quota changed")
}

// AppliedQuota returns the quota SetQuota stores when asked for quotaMB:
// the configured default for UseDefaultQuota, the maximum (when there is
// one) for unlimited or more. A negative quota, which SetQuota refuses,
// comes back unchanged.
func (s *Service) AppliedQuota(quotaMB int64) int64 {
	if quotaMB == UseDefaultQuota {
		quotaMB = s.cfg.DefaultQuotaMB
	}
	if max := s.cfg.MaxQuotaMB; max > 0 && quotaMB >= 0 && (quotaMB == 0 || quotaMB > max) {
		quotaMB = max
	}
	return quotaMB
}

// update applies upd to one mailbox, commits and publishes its domain.
func (s *Service) update(ctx context.Context, acct *hosting.Account, user, domain string, upd hosting.EmailAccountUpdate, what string) error {
	e, err := s.GetMailbox(ctx, acct, user, domain)
	if err != nil {
		return err
	}
	if err := s.store.UpdateEmailAccount(ctx, e.ID, upd); err != nil {
		return err
	}
	if err := s.publish(ctx, e.Domain); err != nil {
		return err
	}
	s.log.InfoContext(ctx, what, "account", acct.Name, "email", e.Address())
	return nil
}
