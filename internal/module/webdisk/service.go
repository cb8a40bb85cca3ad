package webdisk

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/svcacct"
)

// Default ports list_users reports, cPanel's Web Disk ports.
const (
	DefaultMainPort = 2077 // plain HTTP
	DefaultSSLPort  = 2078 // TLS
)

// Config is what the module needs to know about the Web Disk server.
type Config struct {
	// Realm is the Web Disk server's authentication realm, which every
	// Digest hash is computed with; "" means hosting.DefaultWebDiskRealm.
	// It must be the realm the server is configured with.
	Realm string
	// MainPort and SSLPort are the plain and TLS ports list_users reports;
	// 0 means cPanel's 2077 and 2078.
	MainPort int
	SSLPort  int
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
	if c.Realm == "" {
		c.Realm = hosting.DefaultWebDiskRealm
	}
	if c.MainPort == 0 {
		c.MainPort = DefaultMainPort
	}
	if c.SSLPort == 0 {
		c.SSLPort = DefaultSSLPort
	}
	for _, p := range []int{c.MainPort, c.SSLPort} {
		if p < 1 || p > 65535 {
			return fmt.Errorf("webdisk: port %d is out of range", p)
		}
	}
	return nil
}

// Sessions is what the module needs from the Web Disk server: closing, at
// once, every live connection of one login of a hosting account.
type Sessions interface {
	// KillLogin closes the connections of the hosting account accountID
	// that logged in as login ("bob@example.com") and returns how many.
	KillLogin(ctx context.Context, accountID int64, login string) (int, error)
}

// Service manages Web Disk logins and serves the WebDisk module.
type Service struct {
	store    hosting.WebDiskAccountStore
	sessions Sessions // nil when no Web Disk server runs in this process
	cfg      Config
	log      *slog.Logger
	dirs     *svcacct.Dirs // logins' directories: made, destroyed, repaired
}

// New returns the service. sessions may be nil when no Web Disk server runs
// in this process, and log may be nil. It returns an error for an invalid
// cfg or a missing store.
func New(cfg Config, store hosting.WebDiskAccountStore, sessions Sessions, log *slog.Logger) (*Service, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if store == nil {
		return nil, fmt.Errorf("webdisk: New needs a store")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Destroying a login, or the repair of one's new directory, keeps a
	// directory another Web Disk, FTP or email account uses: it must not
	// take another account's files.
	dirs := svcacct.New(svcacct.Config{Name: "web disk", NewDirKind: kindNewDir, DestroyKind: kindDestroy,
		Users: svcacct.UsersOf(store, svcacct.WebDiskUsers, svcacct.FTPUsers, svcacct.EmailUsers), Rescans: cfg.Rescans, Locks: cfg.Locks, Log: log})
	return &Service{store: store, sessions: sessions, cfg: cfg, log: log, dirs: dirs}, nil
}

// closeLogin ends the live connections of one login. A failure is logged,
// not returned: the change that asked for it is already committed, and the
// server checks credentials and rights again on every new connection, and
// on an open one within a second (webdavd.Config.LoginRecheck).
func (s *Service) closeLogin(ctx context.Context, acct *hosting.Account, login string) {
	if s.sessions == nil {
		return
	}
	n, err := s.sessions.KillLogin(ctx, acct.ID, login)
	if err != nil {
		s.log.ErrorContext(ctx, "close web disk connections", "account", acct.Name, "login", login, "err", err)
		return
	}
	if n > 0 {
		s.log.InfoContext(ctx, "web disk connections closed", "account", acct.Name, "login", login, "count", n)
	}
}
