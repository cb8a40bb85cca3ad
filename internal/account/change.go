package account

import (
	"context"
	"fmt"
	"os"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// Get returns an account by name.
func (s *Service) Get(ctx context.Context, name string) (*hosting.Account, error) {
	return s.store.FindAccountByName(ctx, name)
}

// List returns every account.
func (s *Service) List(ctx context.Context) ([]*hosting.Account, error) {
	return s.store.ListAccounts(ctx)
}

// SetPassword changes an account's password and ends its login sessions.
func (s *Service) SetPassword(ctx context.Context, name, pass string) error {
	acct, err := s.store.FindAccountByName(ctx, name)
	if err != nil {
		return err
	}
	if err := validatePassword(pass); err != nil {
		return err
	}
	hash, err := password.Hash(pass)
	if err != nil {
		return fmt.Errorf("account: hash password: %w", err)
	}
	if err := s.store.UpdateAccount(ctx, acct.ID, hosting.AccountUpdate{PasswordHash: &hash}); err != nil {
		return err
	}
	// Whoever knew the old password must not keep a session open: login
	// sessions, and the FTP sessions of the main and _logs logins.
	s.closeSessions(ctx, acct)
	return nil
}

// ChangePassword is the account holder's own change: the old password must
// match (UserManager::change_password).
func (s *Service) ChangePassword(ctx context.Context, acct *hosting.Account, oldPass, newPass string) error {
	if s.limit != nil {
		if ok, err := s.limit.Allowed(ctx, "", acct.Name); err != nil {
			return err
		} else if !ok {
			return hosting.Errorf(hosting.EFORBIDDEN, "Too many failed attempts. Try again later.")
		}
	}
	if !password.Verify(acct.PasswordHash, oldPass) {
		if s.limit != nil {
			if err := s.limit.Failure(ctx, "", acct.Name); err != nil {
				return err
			}
		}
		return hosting.Errorf(hosting.EINVALID, "The current password is incorrect.")
	}
	return s.SetPassword(ctx, acct.Name, newPass)
}

// SetSuspended suspends or unsuspends an account. Suspension ends every
// login session and closes every live FTP and Web Disk connection at once.
func (s *Service) SetSuspended(ctx context.Context, name string, suspended bool) error {
	acct, err := s.store.FindAccountByName(ctx, name)
	if err != nil {
		return err
	}
	if err := s.store.UpdateAccount(ctx, acct.ID, hosting.AccountUpdate{Suspended: &suspended}); err != nil {
		return err
	}
	if suspended {
		s.closeSessions(ctx, acct)
	}
	s.notifyChanged(ctx, name)
	s.log.Info("account suspension changed", "account", name, "suspended", suspended)
	return nil
}

func (s *Service) closeSessions(ctx context.Context, acct *hosting.Account) {
	if err := s.sessions.DeleteAccountSessions(ctx, acct.ID); err != nil {
		s.log.Error("end login sessions", "account", acct.Name, "err", err)
	}
	for _, c := range s.closers {
		if _, err := c.KillAccount(ctx, acct.ID); err != nil {
			s.log.Error("close live sessions", "account", acct.Name, "err", err)
		}
	}
}

// SetQuota changes the account's disk quota in MiB (0: unlimited).
func (s *Service) SetQuota(ctx context.Context, name string, quotaMB int64) error {
	if quotaMB < 0 {
		return hosting.Errorf(hosting.EINVALID, "The quota must not be negative.")
	}
	acct, err := s.store.FindAccountByName(ctx, name)
	if err != nil {
		return err
	}
	return s.store.UpdateAccount(ctx, acct.ID, hosting.AccountUpdate{QuotaMB: &quotaMB})
}

// Delete removes an account: sessions are closed, the store forgets it (and
// everything it owned) together with an intent, the mail server's files
// are republished, and only then is the home directory removed. A crash
// in between leaves the intent, whose repair republishes and removes the
// home: the deletion completes.
func (s *Service) Delete(ctx context.Context, name string) error {
	acct, err := s.store.FindAccountByName(ctx, name)
	if err != nil {
		return err
	}
	s.closeSessions(ctx, acct)
	in, err := s.journal.Begin(kindDelete, acct.ID, homeIntent{Name: acct.Name, Home: acct.HomeDir})
	if err != nil {
		return err
	}
	defer s.journal.Release(in)
	if in == nil {
		err = s.store.DeleteAccount(ctx, acct.ID)
	} else {
		err = s.store.DeleteAccountIntent(ctx, acct.ID, in)
	}
	if err != nil {
		return err
	}
	s.notifyChanged(ctx, name)
	if err := os.RemoveAll(acct.HomeDir); err != nil {
		return fmt.Errorf("account: remove home of %q: %w", name, err)
	}
	s.finish(ctx, in)
	s.log.Info("account deleted", "account", name)
	return nil
}

// AddDomain gives an account another domain.
func (s *Service) AddDomain(ctx context.Context, name, domain string) error {
	d, err := hosting.NormalizeDomain(domain)
	if err != nil {
		return err
	}
	acct, err := s.store.FindAccountByName(ctx, name)
	if err != nil {
		return err
	}
	return s.store.AddDomain(ctx, acct.ID, d)
}

// RemoveDomain takes a secondary domain away from an account.
func (s *Service) RemoveDomain(ctx context.Context, name, domain string) error {
	d, err := hosting.NormalizeDomain(domain)
	if err != nil {
		return err
	}
	acct, err := s.store.FindAccountByName(ctx, name)
	if err != nil {
		return err
	}
	if err := s.store.RemoveDomain(ctx, acct.ID, d); err != nil {
		return err
	}
	// The store dropped the logins on that domain; their live sessions must
	// not outlive them. Closing all of the account's sessions is the one
	// way that needs no list of what the cascade removed.
	s.closeSessions(ctx, acct)
	s.notifyChanged(ctx, name)
	return nil
}

// FindByDomain returns the account that owns domain.
func (s *Service) FindByDomain(ctx context.Context, domain string) (*hosting.Account, error) {
	d, err := hosting.NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	return s.store.FindAccountByDomain(ctx, d)
}
