package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"path/filepath"

	"github.com/uapid/uapid/internal/cluster"
	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/invite"
	"github.com/uapid/uapid/internal/mailauth"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/usermanager"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/netlimit"
	"github.com/uapid/uapid/internal/store"
	diskusage "github.com/uapid/uapid/internal/usage"
	"github.com/uapid/uapid/internal/webdavd"
)

// startFTP starts the embedded FTP/FTPS server unless ftp_addr is empty,
// registers this node in the cluster, and returns the Ftp module's service
// on top of the cluster's view of the sessions (every live node's, with
// PostgreSQL). The node observes the registry and is started before the
// server accepts its first login, so that no session goes unrecorded.
func (m *Main) startFTP(ctx context.Context) (*ftp.Service, error) {
	cfg := ftp.Config{Daemon: ftp.DaemonDisabled, Locks: m.dirLocks}
	var srv *ftpd.Server
	var local hosting.FTPSessions // stays a nil interface without FTP
	var node *cluster.Node
	// The usage keeper's marks belong to this run of the node, numbered
	// when the node registers below, before any session can count.
	m.usage = diskusage.New(diskusage.Config{Shared: m.db.Dialect() == store.DialectPostgres, DeadAfter: cluster.DefaultDeadAfter,
		Node: func() int64 { return node.ID() }}, m.db, m.Log)
	if m.Config.FTPAddr != "" {
		var err error
		srv, err = ftpd.New(ftpd.Config{Addr: m.Config.FTPAddr, PassivePortRange: m.Config.FTPPassivePorts,
			PublicHost: m.Config.FTPPublicHost, TLS: m.tls, RequireTLS: m.Config.FTPRequireTLS,
			IdleTimeout: m.Config.FTPIdleTimeout, LoginTimeout: m.Config.FTPLoginTimeout,
			Limits:              netlimit.Limits{MaxConns: m.Config.FTPMaxConns, MaxConnsPerIP: m.Config.FTPMaxConnsPerIP},
			MaxSessionsPerLogin: m.Config.FTPMaxSessionsPerLogin, Metrics: m.netm, Usage: m.usage}, m.auth, m.Log)
		if err != nil {
			return nil, err
		}
		local = srv.Sessions()
	}
	node, err := cluster.New(cluster.Config{Name: m.Config.NodeID}, m.db, local, m.Log)
	if err != nil {
		return nil, err
	}
	if srv != nil {
		srv.Sessions().SetObserver(node)
	}
	if err := node.Start(ctx); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	m.cluster = node
	// Usage left wrong by a crash is repaired before any login can write.
	if err := m.usage.Start(ctx); err != nil {
		return nil, fmt.Errorf("usage: %w", err)
	}
	if srv != nil {
		// Listen and serve under Main rather than srv.Start: Start closes
		// every session when ctx ends, and Close must instead give running
		// transfers their grace period through Shutdown.
		if err := srv.Listen(); err != nil {
			return nil, fmt.Errorf("ftp: %w", err)
		}
		m.goServe("ftp", func() error {
			if err := srv.Serve(); err != nil && !m.closing.Load() {
				return err
			}
			return nil
		})
		m.ftp = srv
		m.addrs["ftp"] = srv.Addr()
		cfg = ftp.Config{Port: srv.Addr().(*net.TCPAddr).Port, Locks: m.dirLocks}
		m.Log.Info("listening", "server", "ftp", "addr", srv.Addr().String())
	}
	return ftp.New(cfg, m.db, node, m.usage, m.Log)
}

// email builds the Email module and the Dovecot passwd-file publisher, and
// republishes every domain from the database (so the files are right even
// after a crash mid-write). When the publisher cannot be made (uapid runs
// as root without mail_uid/mail_gid) mailboxes still work but are not
// published; the log says why and what to set.
func (m *Main) email(ctx context.Context) (*email.Service, *mailauth.Publisher, error) {
	pub, err := mailauth.New(mailauth.Config{Dir: filepath.Join(m.Config.DataDir, "mail", "passwd.d"),
		UID: m.Config.MailUID, GID: m.Config.MailGID, FileGID: m.Config.MailFileGID}, m.db, m.Log)
	if err != nil {
		m.Log.Warn("Dovecot publishing is off: set UAPID_MAIL_UID and UAPID_MAIL_GID", "err", err)
		pub = nil
	} else if err := pub.PublishAll(ctx); err != nil {
		return nil, nil, err
	}
	var p email.Publisher
	if pub != nil {
		p = pub
	}
	svc, err := email.New(email.Config{DefaultQuotaMB: m.Config.EmailQuotaMB, MaxQuotaMB: m.Config.EmailMaxQuotaMB,
		Rescans: m.usage, Locks: m.dirLocks}, m.db, p, m.Log)
	return svc, pub, err
}

// startWebDAV starts the Web Disk server on its TLS and plain listeners
// (each unless empty) and returns the WebDisk module's service on top of it.
func (m *Main) startWebDAV() (*webdisk.Service, error) {
	cfg := webdisk.Config{Realm: hosting.DefaultWebDiskRealm, Rescans: m.usage, Locks: m.dirLocks}
	if m.Config.WebDAVAddr == "" && m.Config.WebDAVPlainAddr == "" {
		return webdisk.New(cfg, m.db, m.cluster.WebDisk(), m.Log) // kills still reach other nodes
	}
	c := m.Config
	srv, err := webdavd.New(webdavd.Config{TLS: m.tls, Realm: cfg.Realm, Metrics: m.metrics, Usage: m.usage, Versions: m.db, Locks: webdavd.LockLimits{
		PerLogin: c.WebDAVMaxLocks, Total: c.WebDAVMaxLocksTotal,
		OwnerBytes: c.WebDAVLockOwnerMax, MaxTimeout: c.WebDAVLockTimeoutMax}, Timeouts: webdavd.Timeouts{
		ReadHeader: c.WebDAVStallTimeout, Idle: c.WebDAVIdleTimeout,
		Rate: netlimit.Rate{Stall: c.WebDAVStallTimeout, MinBytesPerSec: c.WebDAVMinRate}}}, m.auth, m.Log)
	if err != nil {
		return nil, err
	}
	m.webdav = srv
	m.cluster.SetWebDisk(srv)
	for _, l := range []struct {
		name, addr string
		port       *int
		serve      func(net.Listener) error
		tls        *tls.Config // what the listener speaks, for refusals
	}{{"webdav", m.Config.WebDAVAddr, &cfg.SSLPort, srv.Serve, m.tls},
		{"webdav-plain", m.Config.WebDAVPlainAddr, &cfg.MainPort, srv.ServePlain, nil}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.name, err)
		}
		m.addrs[l.name] = ln.Addr()
		*l.port = ln.Addr().(*net.TCPAddr).Port
		serve, limited := l.serve, m.limitWebDAV(l.name, ln, l.tls)
		m.goServe(l.name, func() error { return serve(limited) })
		m.Log.Info("listening", "server", l.name, "addr", ln.Addr().String())
	}
	return webdisk.New(cfg, m.db, m.cluster.WebDisk(), m.Log)
}

// userManager builds the UserManager module over the three service modules.
// Invitations are on when an SMTP relay is configured; their links point at
// invite_base_url, or at this server's HTTPS address.
func (m *Main) userManager(ftpSvc *ftp.Service, emailSvc *email.Service, webdiskSvc *webdisk.Service) (*usermanager.Service, error) {
	deps := usermanager.Deps{Store: m.db, Accounts: m.db, FTP: ftpSvc, Email: emailSvc, WebDisk: webdiskSvc,
		Passwords: m.accounts, Log: m.Log, Locks: m.dirLocks}
	cfg := usermanager.Config{Hostname: m.Config.Hostname}
	if m.Config.SMTPRelay != "" {
		mailer, err := invite.NewSMTP(invite.SMTPConfig{Relay: m.Config.SMTPRelay, From: m.Config.SMTPFrom, Hello: m.Config.Hostname})
		if err != nil {
			return nil, err
		}
		deps.Mailer = mailer
		cfg.InviteBaseURL = m.Config.InviteBaseURL
		if cfg.InviteBaseURL == "" {
			cfg.InviteBaseURL = m.publicURL()
		}
	}
	return usermanager.New(cfg, deps)
}

// publicURL is the HTTPS address users reach this server at by its name.
func (m *Main) publicURL() string {
	if a, ok := m.addrs["https"].(*net.TCPAddr); ok {
		return fmt.Sprintf("https://%s", net.JoinHostPort(m.Config.Hostname, fmt.Sprint(a.Port)))
	}
	return "https://" + m.Config.Hostname + ":2083"
}
