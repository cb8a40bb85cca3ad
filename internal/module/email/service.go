package email

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/svcacct"
)

// DefaultQuotaMB is the quota a new mailbox gets when neither the caller
// nor the configuration names one: cPanel's default of 1 GiB.
const DefaultQuotaMB = 1024

// UnlimitedQuota, as Config.DefaultQuotaMB, makes new mailboxes unlimited
// by default.
const UnlimitedQuota = -1

// UseDefaultQuota, as AddRequest.QuotaMB, asks for the configured default.
const UseDefaultQuota = -1

// Config holds the installation's mailbox limits (WHM's settings in cPanel).
type Config struct {
	// DefaultQuotaMB is the quota add_pop and edit_pop_quota apply when the
	// caller names none: 0 means DefaultQuotaMB (1024), UnlimitedQuota
	// means unlimited.
	DefaultQuotaMB int64
	// MaxQuotaMB is the largest quota a mailbox may have; 0 means no
	// maximum. With a maximum, unlimited mailboxes cannot be created.
	MaxQuotaMB int64
	// Rescans, if set, recounts an account's disk usage in the background
	// after the service removed a directory behind the file layer's back
	// (internal/usage.Keeper).
	Rescans svcacct.Rescans
	// Locks are the per-account locks shared with the process's other
	// services (see ftp.Config.Locks); nil: the service's own (tests).
	Locks *svcacct.Locks
}

// validate fills in the defaults and checks the values.
func (c *Config) validate() error {
	switch {
	case c.DefaultQuotaMB == 0:
		c.DefaultQuotaMB = DefaultQuotaMB
	case c.DefaultQuotaMB == UnlimitedQuota:
		c.DefaultQuotaMB = 0
	case c.DefaultQuotaMB < 0:
		return fmt.Errorf("email: default quota %d MB is negative", c.DefaultQuotaMB)
	}
	if c.MaxQuotaMB < 0 {
		return fmt.Errorf("email: maximum quota %d MB is negative", c.MaxQuotaMB)
	}
	if c.MaxQuotaMB > 0 && (c.DefaultQuotaMB == 0 || c.DefaultQuotaMB > c.MaxQuotaMB) {
		return fmt.Errorf("email: the default quota (%d MB, 0 unlimited) exceeds the maximum of %d MB", c.DefaultQuotaMB, c.MaxQuotaMB)
	}
	return nil
}

// Publisher tells the mail server about mailboxes. *mailauth.Publisher
// implements it.
type Publisher interface {
	// PublishDomain makes the mail server's view of domain match the store.
	PublishDomain(ctx context.Context, domain string) error
	// Owner returns the uid and gid the mail server accesses maildirs as.
	Owner() (uid, gid int)
}

// Service manages mailboxes and serves the Email module.
type Service struct {
	store hosting.EmailAccountStore
	pub   Publisher // nil: no mail server is told anything
	cfg   Config
	log   *slog.Logger
	// maildirs makes new maildirs, removes deleted ones, and repairs
	// both, under the account's lock (Config.Locks): an add_pop undoing
	// its directories, or a delete_pop removing its maildir, never
	// removes a maildir a concurrent call made or adopted in between.
	maildirs *svcacct.Dirs
	// journal makes deletions crash-safe (nil in tests without it);
	// accounts finds the account of an intent its repairs finish.
	journal  *intent.Journal
	accounts svcacct.AccountFinder
}

// New returns the service. pub may be nil when no mail server is wired (the
// mailboxes then exist only in the store and on disk). It returns an error
// for an invalid cfg or a missing store.
//
// Funcs may be called on a nil *Service to obtain the declarations alone,
// for help and documentation.
func New(cfg Config, store hosting.EmailAccountStore, pub Publisher, log *slog.Logger) (*Service, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if store == nil {
		return nil, fmt.Errorf("email: New needs a store")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{store: store, pub: pub, cfg: cfg, log: log}
	// The repair of a new maildir keeps a directory any FTP, Web Disk or
	// email account uses (an FTP login's root may be mail/DOMAIN).
	s.maildirs = svcacct.New(svcacct.Config{Name: "email", NewDirKind: kindCreate,
		Users: svcacct.UsersOf(store, svcacct.EmailUsers, svcacct.FTPUsers, svcacct.WebDiskUsers), Rescans: cfg.Rescans, Locks: cfg.Locks,
		Repaired: s.publish, Log: log})
	return s, nil
}

// DefaultQuota returns the quota in MB (0 unlimited) a mailbox gets when
// none is named.
func (s *Service) DefaultQuota() int64 { return s.cfg.DefaultQuotaMB }

// MaxQuota returns the largest quota in MB a mailbox may have (0: none).
func (s *Service) MaxQuota() int64 { return s.cfg.MaxQuotaMB }

// publish tells the mail server about domain after a committed change.
func (s *Service) publish(ctx context.Context, domain string) error {
	if s.pub == nil {
		return nil
	}
	if err := s.pub.PublishDomain(ctx, domain); err != nil {
		return fmt.Errorf("email: publish %s to the mail server: %w", domain, err)
	}
	return nil
}

// owner returns who the maildirs must belong to, or -1s when they stay
// with the uapid process.
func (s *Service) owner() (uid, gid int) {
	if s.pub == nil {
		return -1, -1
	}
	return s.pub.Owner()
}
