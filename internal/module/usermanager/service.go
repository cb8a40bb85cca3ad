package usermanager

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/invite"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/svcacct"
)

// FTPService is what UserManager needs from the Ftp module: *ftp.Service.
// Deleting a login or changing its password closes its live sessions there.
type FTPService interface {
	AddFTP(ctx context.Context, acct *hosting.Account, req ftp.AddRequest) (*hosting.FTPAccount, error)
	Get(ctx context.Context, acct *hosting.Account, user, domain string) (*hosting.FTPAccount, error)
	List(ctx context.Context, acct *hosting.Account) ([]*hosting.FTPAccount, error)
	SetPassword(ctx context.Context, acct *hosting.Account, user, domain, pass string) error
	SetPasswordHash(ctx context.Context, acct *hosting.Account, user, domain, hash string) error
	SetQuota(ctx context.Context, acct *hosting.Account, user, domain string, quotaMB int64) error
	SetHomedir(ctx context.Context, acct *hosting.Account, user, domain, rel string) error
	DeleteFTP(ctx context.Context, acct *hosting.Account, user, domain string, destroy bool) ([]string, error)
}

// EmailService is what UserManager needs from the Email module:
// *email.Service.
type EmailService interface {
	AddMailbox(ctx context.Context, acct *hosting.Account, req email.AddRequest) (*hosting.EmailAccount, error)
	GetMailbox(ctx context.Context, acct *hosting.Account, user, domain string) (*hosting.EmailAccount, error)
	ListMailboxes(ctx context.Context, acct *hosting.Account) ([]*hosting.EmailAccount, error)
	SetPassword(ctx context.Context, acct *hosting.Account, user, domain, plain string) error
	SetPasswordHash(ctx context.Context, acct *hosting.Account, user, domain, hash string) error
	SetQuota(ctx context.Context, acct *hosting.Account, user, domain string, quotaMB int64) (int64, error)
	AppliedQuota(quotaMB int64) int64
	DeleteMailbox(ctx context.Context, acct *hosting.Account, user, domain string, keepMaildir bool) ([]string, error)
}

// WebDiskService is what UserManager needs from the WebDisk module:
// *webdisk.Service. Deleting a login or changing it closes its live WebDAV
// connections there.
type WebDiskService interface {
	Add(ctx context.Context, acct *hosting.Account, req webdisk.AddRequest) (*hosting.WebDiskAccount, []string, error)
	Get(ctx context.Context, acct *hosting.Account, user, domain string) (*hosting.WebDiskAccount, error)
	List(ctx context.Context, acct *hosting.Account) ([]*hosting.WebDiskAccount, error)
	SetPassword(ctx context.Context, acct *hosting.Account, user, domain, plain string, enableDigest bool) error
	SetPasswordWithHash(ctx context.Context, acct *hosting.Account, user, domain, plain, hash string, enableDigest bool) error
	SetPasswordHash(ctx context.Context, acct *hosting.Account, user, domain, hash, digestHA1 string) error
	SetHomedir(ctx context.Context, acct *hosting.Account, user, domain, rel string, private bool) ([]string, error)
	SetPermissions(ctx context.Context, acct *hosting.Account, user, domain, perms string) error
	Delete(ctx context.Context, acct *hosting.Account, user, domain string, destroy bool) ([]string, error)
}

// PasswordChanger changes the hosting account's own password for
// change_password: *account.Service. It returns EINVALID when oldPass is
// wrong or newPass is refused.
type PasswordChanger interface {
	ChangePassword(ctx context.Context, acct *hosting.Account, oldPass, newPass string) error
}

// AccountFinder finds the hosting account an accepted invitation belongs to:
// *store.DB.
type AccountFinder interface {
	FindAccountByID(ctx context.Context, id int64) (*hosting.Account, error)
}

// DefaultInviteTTL is how long an invitation works: two days, as cPanel's.
const DefaultInviteTTL = 48 * time.Hour

// Config is what the module needs beyond its dependencies.
type Config struct {
	// InviteBaseURL is the address users reach uapid's web interface at
	// ("https://host:2083"); invitation links point below it, at
	// InvitePath. Empty disables send_invite, as cPanel does while its
	// "Account Invites for Subaccounts" setting is off.
	InviteBaseURL string
	// InviteTTL is how long an invitation works; 0 means DefaultInviteTTL.
	InviteTTL time.Duration
	// Hostname goes into generated GUIDs; "" means os.Hostname.
	Hostname string
}

func (c *Config) validate() error {
	if c.InviteTTL == 0 {
		c.InviteTTL = DefaultInviteTTL
	}
	if c.InviteTTL < 0 {
		return fmt.Errorf("usermanager: negative invitation lifetime %v", c.InviteTTL)
	}
	if c.InviteBaseURL != "" {
		u, err := url.Parse(c.InviteBaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("usermanager: invitation base URL %q is not an http(s) URL", c.InviteBaseURL)
		}
	}
	if c.Hostname == "" {
		h, err := os.Hostname()
		if err != nil {
			h = "localhost"
		}
		c.Hostname = h
	}
	return nil
}

// Deps are the services UserManager builds on. Store and FTP are required;
// Email, WebDisk, Passwords and Mailer may be nil when the server runs
// without them: their accounts are then neither listed nor created, and
// change_password or send_invite answer that they are unavailable.
type Deps struct {
	Store     hosting.SubaccountStore
	Accounts  AccountFinder
	FTP       FTPService
	Email     EmailService
	WebDisk   WebDiskService
	Passwords PasswordChanger
	Mailer    invite.Mailer
	Log       *slog.Logger
	// Locks are the per-account locks the FTP, Web Disk and email services
	// share (their Config.Locks): a roll-back removes a directory under
	// them. nil: UserManager's own (tests whose services have their own).
	Locks *svcacct.Locks
	// Now is the clock; nil means time.Now. Tests pin it.
	Now func() time.Time
}

// Service manages Subaccounts and serves the UserManager module.
type Service struct {
	store     hosting.SubaccountStore
	accounts  AccountFinder
	backends  []backend // in record order: email, ftp, webdisk
	passwords PasswordChanger
	mailer    invite.Mailer
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	journal   *intent.Journal // nil: changes are not crash-safe (tests)
	locks     *svcacct.Locks
}

// New returns the service. It returns an error for an invalid cfg or a
// missing store, account finder or FTP service.
func New(cfg Config, deps Deps) (*Service, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if deps.Store == nil || deps.Accounts == nil || deps.FTP == nil {
		return nil, fmt.Errorf("usermanager: New needs a store, an account finder and the FTP service")
	}
	s := &Service{store: deps.Store, accounts: deps.Accounts, passwords: deps.Passwords, mailer: deps.Mailer,
		cfg: cfg, log: deps.Log, now: deps.Now, locks: deps.Locks}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.locks == nil {
		s.locks = svcacct.NewLocks()
	}
	if deps.Email != nil {
		s.backends = append(s.backends, &emailBackend{deps.Email})
	}
	s.backends = append(s.backends, &ftpBackend{deps.FTP})
	if deps.WebDisk != nil {
		s.backends = append(s.backends, &webDiskBackend{deps.WebDisk})
	}
	return s, nil
}

// backend returns the backend of one service, or nil when it is not wired.
func (s *Service) backend(service string) backend {
	for _, b := range s.backends {
		if b.service() == service {
			return b
		}
	}
	return nil
}

// Interface guards: the modules' services are what cmd/uapid passes in.
var (
	_ FTPService     = (*ftp.Service)(nil)
	_ EmailService   = (*email.Service)(nil)
	_ WebDiskService = (*webdisk.Service)(nil)
)
