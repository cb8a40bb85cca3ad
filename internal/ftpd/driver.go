package ftpd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/netlimit"
	"github.com/uapid/uapid/internal/vfs"
)

// Replies that do not depend on the login.
const (
	msgBanner      = "uapid FTP server ready."
	msgLoginFailed = "Login authentication failed." // every failure, whatever the reason
	msgLoginOK     = "Login successful."
	msgGoodbye     = "Goodbye."
	// msgTooManySessions follows a correct password only, so it tells
	// nothing to someone guessing.
	msgTooManySessions = "Too many sessions for this login (at most %d at once). Close one and try again."
	lookupTimeout      = 10 * time.Second // a login's store lookups
	welcomeMaxBytes    = 4096
)

// driver is ftpserverlib's MainDriver: it authenticates logins and opens
// each session's file system.
type driver struct {
	settings    *ftpserver.Settings
	tls         *tls.Config
	auth        *auth.Authenticator
	log         *slog.Logger
	sessions    *Registry
	usage       Usage
	conns       *listener // set by Listen, before any client arrives
	maxPerLogin int       // sessions of one login at once; 0: no limit
	metrics     *netlimit.Metrics
}

// GetSettings implements ftpserver.MainDriver.
func (d *driver) GetSettings() (*ftpserver.Settings, error) { return d.settings, nil }

// GetTLSConfig implements ftpserver.MainDriver; without TLS, AUTH TLS fails.
func (d *driver) GetTLSConfig() (*tls.Config, error) {
	if d.tls == nil {
		return nil, errors.New("TLS is not enabled on this server")
	}
	return d.tls, nil
}

// ClientConnected implements ftpserver.MainDriver.
func (d *driver) ClientConnected(cc ftpserver.ClientContext) (string, error) {
	d.connLog(cc).Debug("ftp connection")
	return msgBanner, nil
}

// ClientDisconnected implements ftpserver.MainDriver.
func (d *driver) ClientDisconnected(cc ftpserver.ClientContext) {
	if s, ok := cc.Extra().(*session); ok {
		d.sessions.remove(s)
		s.end()
		s.log.Info("ftp logout")
	}
	d.conns.forget(cc.RemoteAddr().String())
}

// QuitMessage implements ftpserver.MainDriverExtensionQuitMessage.
func (d *driver) QuitMessage() string { return msgGoodbye }

// PostAuthMessage implements ftpserver.MainDriverExtensionPostAuthMessage:
// one message for every failure, and the account's welcome message, if
// any, before the success line.
func (d *driver) PostAuthMessage(cc ftpserver.ClientContext, _ string, authErr error) string {
	if errors.Is(authErr, errTooManySessions) {
		return fmt.Sprintf(msgTooManySessions, d.maxPerLogin)
	}
	if authErr != nil {
		return msgLoginFailed
	}
	if s, ok := cc.Extra().(*session); ok && s.welcome != "" {
		return s.welcome + "\n" + msgLoginOK
	}
	return msgLoginOK
}

// AuthUser implements ftpserver.MainDriver: every attempt goes through
// internal/auth's one login path, and every failure gets the same reply.
func (d *driver) AuthUser(cc ftpserver.ClientContext, user, pass string) (ftpserver.ClientDriver, error) {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	ip, login := remoteIP(cc.RemoteAddr()), normaliseLogin(user)
	log := d.connLog(cc).With("login", login)
	p, err := d.login(ctx, ip, login, pass)
	if err != nil {
		d.logFailure(log, err)
		return nil, auth.ErrInvalid
	}
	c, err := d.startSession(cc, p, log.With("account", p.account.Name))
	if errors.Is(err, errTooManySessions) {
		log.Warn("ftp login refused", "reason", err.Error(), "max", d.maxPerLogin)
		return nil, err
	}
	if err != nil {
		log.Error("ftp: start session", "err", err)
		return nil, auth.ErrInvalid
	}
	return c, nil
}

// logFailure logs a refused login: a credential failure at Warn with its
// reason (the client saw only the generic reply), anything else (a store
// outage) at Error.
func (d *driver) logFailure(log *slog.Logger, err error) {
	if reason := loginFailure(err); reason != "" {
		log.Warn("ftp login failed", "reason", reason)
		return
	}
	log.Error("ftp login failed", "err", err)
}

// startSession opens the principal's jailed file system and registers the
// session.
func (d *driver) startSession(cc ftpserver.ClientContext, p *principal, log *slog.Logger) (ftpserver.ClientDriver, error) {
	s := &session{id: int64(cc.ID()), accountID: p.account.ID, login: p.login, remote: remoteIP(cc.RemoteAddr()),
		loginTime: time.Now(), log: log, status: hosting.FTPIdle, reg: d.sessions}
	var counter vfs.Counter
	if d.usage != nil {
		counter = d.usage.Counter(p.account, p.dir, p.ftp)
	}
	fsys, err := vfs.OpenIn(p.account.HomeDir, p.dir, vfs.Options{ReadOnly: p.readOnly, DropBoxes: p.dropBoxes,
		Usage: counter, Hooks: vfs.Hooks{Transfer: s.transfer}, Protected: homedir.ProtectedBelow(p.dir),
		Reserved: hosting.UploadTempPrefix})
	if err != nil {
		return nil, err
	}
	s.fs = fsys
	s.closeConn = d.conns.closer(cc.RemoteAddr().String())
	s.welcome = welcomeMessage(p.account.HomeDir)
	if !d.sessions.addWithin(s, d.maxPerLogin) {
		s.end()
		d.metrics.Refused("ftp", reasonMaxSessionsPerLogin)
		return nil, errTooManySessions
	}
	cc.SetExtra(s)
	d.conns.loggedIn(cc.RemoteAddr().String())
	log.Info("ftp login", "type", p.kind)
	return &clientDriver{Fs: fsys}, nil
}

// connLog returns the logger for one connection.
func (d *driver) connLog(cc ftpserver.ClientContext) *slog.Logger {
	return d.log.With("conn_id", cc.ID(), "remote", remoteIP(cc.RemoteAddr()))
}

// remoteIP returns the IP address of addr without the port.
func remoteIP(addr net.Addr) string {
	if host, _, err := net.SplitHostPort(addr.String()); err == nil {
		return host
	}
	return addr.String()
}

var (
	_ ftpserver.MainDriver                         = (*driver)(nil)
	_ ftpserver.MainDriverExtensionPostAuthMessage = (*driver)(nil)
	_ ftpserver.MainDriverExtensionQuitMessage     = (*driver)(nil)
)
