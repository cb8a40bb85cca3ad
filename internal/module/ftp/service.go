package ftp

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/svcacct"
)

// Daemon names as Ftp::server_name reports them.
const (
	DaemonPureFTPd = "pure-ftpd"
	DaemonProFTPD  = "proftpd"
	DaemonDisabled = "disabled"
)

// defaultPort is what Ftp::get_port answers when no port is configured, as
// cPanel does when its helper returns nothing.
const defaultPort = 21

// Config is what the module reports about the FTP server.
type Config struct {
	// Port is the FTP control port get_port reports; 0 means 21.
	Port int
	// Daemon is the daemon name server_name and get_ftp_daemon_info report:
	// DaemonPureFTPd (the default when empty), DaemonProFTPD or
	// DaemonDisabled.
	Daemon string
	// Locks are the per-account locks the process's FTP, Web Disk and
	// email services and UserManager share, so that a login's destroy
	// never removes a directory another service's add made or adopted
	// meanwhile; nil: the service's own (tests).
	Locks *svcacct.Locks
}

// validate fills in the defaults and checks the values.
func (c *Config) validate() error {
	if c.Port == 0 {
		c.Port = defaultPort
	}
	if c.Port < 1 || c.Port > 65535 {
		return fmt.Errorf("ftp: port %d is out of range", c.Port)
	}
	switch c.Daemon {
	case "":
		c.Daemon = DaemonPureFTPd
	case DaemonPureFTPd, DaemonProFTPD, DaemonDisabled:
	default:
		return fmt.Errorf("ftp: unknown daemon %q (want %s, %s or %s)", c.Daemon, DaemonPureFTPd, DaemonProFTPD, DaemonDisabled)
	}
	return nil
}

// Sessions is what the module needs from the FTP server's session registry:
// listing and closing an account's sessions, and closing every session of
// one login when that login is deleted or its password or home changes.
type Sessions interface {
	hosting.FTPSessions
	// KillLogin closes, at once, every live session of the hosting account
	// accountID that logged in as login (normalised: "bob@example.com",
	// "cpuser", "ftp") and returns how many it closed.
	KillLogin(ctx context.Context, accountID int64, login string) (int, error)
}

// Usage is what the module needs from the disk-usage keeper
// (internal/usage.Keeper): counts kept as files change, and the bounded
// rescan that recounts an account's home.
type Usage interface {
	// Counts returns the account's counted usage without walking a tree.
	Counts(ctx context.Context, acct *hosting.Account) (hosting.UsageCounts, error)
	// Rescan sets the account's counts to the bytes on disk.
	Rescan(ctx context.Context, acct *hosting.Account) (hosting.UsageCounts, error)
	// Schedule rescans the account in the background.
	Schedule(acct *hosting.Account)
}

// Service manages FTP logins and serves the Ftp module.
type Service struct {
	store    hosting.FTPAccountStore
	sessions Sessions // nil when no FTP server runs in this process
	usage    Usage
	cfg      Config
	log      *slog.Logger
	loc      *time.Location // list_sessions login times; tests pin it
	dirs     *svcacct.Dirs  // logins' roots: made, destroyed, repaired
}

// New returns the service. sessions may be nil when no FTP server runs: then
// there are no sessions to list or close. It returns an error for an
// invalid cfg or a missing store or usage keeper.
func New(cfg Config, store hosting.FTPAccountStore, sessions Sessions, usage Usage, log *slog.Logger) (*Service, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if store == nil || usage == nil {
		return nil, fmt.Errorf("ftp: New needs a store and a usage keeper")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Destroying a login, or the repair of one's new directory, keeps a
	// directory another FTP, Web Disk or email account uses: it must not
	// take another account's files.
	dirs := svcacct.New(svcacct.Config{Name: "ftp", NewDirKind: kindNewDir, DestroyKind: kindDestroy,
		Users: svcacct.UsersOf(store, svcacct.FTPUsers, svcacct.WebDiskUsers, svcacct.EmailUsers), Rescans: usage, Locks: cfg.Locks, Log: log})
	return &Service{store: store, sessions: sessions, usage: usage, cfg: cfg, log: log, loc: time.Local, dirs: dirs}, nil
}

// recount rescans the account's usage, as cPanel runs pure-quotacheck
// after a quota or directory change. The rescan is bounded: a tree too
// large keeps the counts kept so far, and the change still stands.
func (s *Service) recount(ctx context.Context, acct *hosting.Account) {
	if _, err := s.usage.Rescan(ctx, acct); err != nil {
		s.log.WarnContext(ctx, "ftp usage not recounted", "account", acct.Name, "err", err)
	}
}

// closeLogin ends the live sessions of one login. A failure is logged, not
// returned: the change that asked for it is already committed, and the FTP
// server re-checks credentials on every new login anyway.
func (s *Service) closeLogin(ctx context.Context, acct *hosting.Account, login string) {
	if s.sessions == nil {
		return
	}
	n, err := s.sessions.KillLogin(ctx, acct.ID, login)
	if err != nil {
		s.log.ErrorContext(ctx, "close ftp sessions", "account", acct.Name, "login", login, "err", err)
		return
	}
	if n > 0 {
		s.log.InfoContext(ctx, "ftp sessions closed", "account", acct.Name, "login", login, "count", n)
	}
}
