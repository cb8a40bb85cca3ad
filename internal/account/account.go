// Package account is the operator's side of hosting accounts (what WHM does
// for cPanel): create an account with its home directory, change its
// password, suspend it, give it domains, delete it. UAPI never creates
// accounts; the admin socket and `uapid account …` call this service.
package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/password"
)

// SessionCloser closes the live sessions of an account in one protocol
// server (FTP, Web Disk) when it is suspended or deleted.
type SessionCloser interface {
	KillAccount(ctx context.Context, accountID int64) (int, error)
}

// Service creates and changes hosting accounts.
type Service struct {
	store    hosting.AccountStore
	sessions hosting.SessionStore
	homeRoot string // directory that holds one home directory per account
	closers  []SessionCloser
	changed  []func(context.Context) error
	limit    *limiter.Limiter // guesses of the old password in ChangePassword
	log      *slog.Logger
	operator OperatorStore // packages, profiles, operator tokens; see UseOperatorStore
	usage    DiskUsage
	journal  *intent.Journal // nil: Create and Delete are not crash-safe (tests)
}

// UseLimiter makes ChangePassword count wrong old passwords in the shared
// brute-force limiter, so a stolen session or API token cannot be used to
// guess the account password without bound. Call it before the service is
// used.
func (s *Service) UseLimiter(l *limiter.Limiter) { s.limit = l }

// OnChange registers f to run after an account is suspended, unsuspended
// or deleted, or loses a domain: state other daemons read from published
// files (Dovecot's passwd-files) must follow such changes. Call it before
// the service is used.
func (s *Service) OnChange(f func(context.Context) error) { s.changed = append(s.changed, f) }

// notifyChanged runs the OnChange functions; a failure is logged, not
// returned, since the change itself is committed.
func (s *Service) notifyChanged(ctx context.Context, name string) {
	for _, f := range s.changed {
		if err := f(ctx); err != nil {
			s.log.Error("publish after account change", "account", name, "err", err)
		}
	}
}

// New returns a service that puts homes below homeRoot.
func New(store hosting.AccountStore, sessions hosting.SessionStore, homeRoot string, log *slog.Logger, closers ...SessionCloser) *Service {
	return &Service{store: store, sessions: sessions, homeRoot: homeRoot, closers: closers, log: log}
}

// CreateRequest holds what an operator gives for a new account.
type CreateRequest struct {
	Name     string
	Password string
	Domain   string
	QuotaMB  int64    // 0: unlimited
	Features []string // nil: every feature
}

// Create validates the request, makes the home directory and then stores
// the account; if storing fails the new home is removed again, so nothing
// is left half-made. An intent stored before the home is made lets the
// reconciler remove the home if the process dies before the commit.
func (s *Service) Create(ctx context.Context, req CreateRequest) (*hosting.Account, error) {
	return s.create(ctx, req, nil)
}

// create is Create with a last step: then runs after the account is
// committed, and if it fails the account is removed again. The intent
// stays until then has succeeded, so a crash before leaves nothing either.
func (s *Service) create(ctx context.Context, req CreateRequest, then func(*hosting.Account) error) (*hosting.Account, error) {
	acct, err := s.newAccount(req)
	if err != nil {
		return nil, err
	}
	if _, err := os.Lstat(acct.HomeDir); err == nil {
		return nil, homeExists(acct.HomeDir)
	}
	in, err := s.journal.Begin(kindCreate, 0, homeIntent{Name: acct.Name, Home: acct.HomeDir, Profile: then != nil})
	if err != nil {
		return nil, err
	}
	defer s.journal.Release(in)
	if err := s.journal.Record(ctx, in); err != nil {
		return nil, err
	}
	if err := s.makeHome(acct.HomeDir); err != nil {
		s.finish(ctx, in)
		return nil, err
	}
	if err := s.commit(ctx, acct, then); err != nil {
		if rmErr := os.RemoveAll(acct.HomeDir); rmErr != nil {
			s.log.Error("remove home after failed create", "account", acct.Name, "err", rmErr)
			return nil, err // the intent stays: the reconciler retries
		}
		// The intent stays for the reconciler only while the account this
		// create committed is still there. One of the same name that
		// another create made (the name was taken, its home missing) is
		// not ours: the repair would delete it.
		if found, ferr := s.store.FindAccountByName(ctx, acct.Name); hosting.ErrorCode(ferr) == hosting.ENOTFOUND ||
			(ferr == nil && (acct.ID == 0 || found.ID != acct.ID)) {
			s.finish(ctx, in)
		}
		return nil, err
	}
	s.finish(ctx, in)
	s.log.Info("account created", "account", acct.Name, "domain", acct.Domain)
	return acct, nil
}

// commit stores the account and runs then; when then fails, the account
// is deleted again.
func (s *Service) commit(ctx context.Context, acct *hosting.Account, then func(*hosting.Account) error) error {
	if err := s.store.CreateAccount(ctx, acct); err != nil || then == nil {
		return err
	}
	if err := then(acct); err != nil {
		if derr := s.store.DeleteAccount(context.WithoutCancel(ctx), acct.ID); derr != nil {
			s.log.Error("delete account after failed create", "account", acct.Name, "err", derr)
		}
		return err
	}
	return nil
}

// finish deletes the intent of a change that is done; if that fails, the
// reconciler finds the change done and deletes it later.
func (s *Service) finish(ctx context.Context, in *hosting.Intent) {
	if err := s.journal.Finish(ctx, in); err != nil {
		s.log.Error("finish account change", "err", err)
	}
}

func homeExists(home string) error {
	return hosting.Errorf(hosting.ECONFLICT, "The home directory %s exists already.", home)
}

func (s *Service) newAccount(req CreateRequest) (*hosting.Account, error) {
	if err := hosting.ValidateAccountName(req.Name); err != nil {
		return nil, err
	}
	domain, err := hosting.NormalizeDomain(req.Domain)
	if err != nil {
		return nil, err
	}
	if err := validatePassword(req.Password); err != nil {
		return nil, err
	}
	if req.QuotaMB < 0 {
		return nil, hosting.Errorf(hosting.EINVALID, "The quota must not be negative.")
	}
	features, err := checkFeatures(req.Features)
	if err != nil {
		return nil, err
	}
	hash, err := password.Hash(req.Password)
	if err != nil {
		return nil, fmt.Errorf("account: hash password: %w", err)
	}
	return &hosting.Account{Name: req.Name, PasswordHash: hash, Domain: domain,
		Domains: []string{domain}, HomeDir: filepath.Join(s.homeRoot, req.Name),
		QuotaMB: req.QuotaMB, Features: features}, nil
}

func checkFeatures(features []string) ([]string, error) {
	if features == nil {
		return hosting.AllFeatures(), nil
	}
	for _, f := range features {
		if !slices.Contains(hosting.AllFeatures(), f) {
			return nil, hosting.Errorf(hosting.EINVALID, "Unknown feature “%s”; known features: %v.", f, hosting.AllFeatures())
		}
	}
	return features, nil
}

// validatePassword refuses passwords that are trivially weak. Strength
// policy beyond a minimum length is the operator's concern.
func validatePassword(p string) error {
	if len(p) < 8 {
		return hosting.Errorf(hosting.EINVALID, "The password must be at least 8 characters long.")
	}
	return nil
}

func (s *Service) makeHome(home string) error {
	if err := os.MkdirAll(s.homeRoot, 0o711); err != nil {
		return fmt.Errorf("account: create home root: %w", err)
	}
	if err := os.Mkdir(home, 0o711); errors.Is(err, os.ErrExist) {
		return homeExists(home)
	} else if err != nil {
		return fmt.Errorf("account: create home: %w", err)
	}
	if err := makeLayout(home); err != nil {
		// A half-made home would block the name for every later try.
		_ = os.RemoveAll(home)
		return err
	}
	return nil
}

func makeLayout(home string) error {
	for _, d := range homedir.Layout() {
		p := filepath.Join(home, d.Name)
		if err := os.Mkdir(p, d.Mode); err != nil {
			return fmt.Errorf("account: create %s: %w", p, err)
		}
		// Mkdir's mode is filtered by the umask; the layout's modes matter
		// (anonymous FTP reads them), so set them exactly.
		if err := os.Chmod(p, d.Mode); err != nil {
			return fmt.Errorf("account: chmod %s: %w", p, err)
		}
	}
	return nil
}
