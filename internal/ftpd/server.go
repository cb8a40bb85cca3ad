package ftpd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/netlimit"
)

// Server is the FTP/FTPS server. Create it with New, then Start it (or
// Listen and Serve); stop it with Shutdown or Close.
type Server struct {
	cfg    Config
	driver *driver
	ftp    *ftpserver.FtpServer
	log    *slog.Logger

	mu sync.Mutex
	ln *listener
}

// New returns a server for cfg that checks logins with au (the daemon's
// one authenticator, so that FTP, HTTPS and Web Disk failures count
// together). It fails on an invalid configuration.
func New(cfg Config, au *auth.Authenticator, log *slog.Logger) (*Server, error) {
	settings, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	if cfg.Addr == "" {
		cfg.Addr = ":2121"
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if au == nil {
		return nil, errors.New("ftpd: New needs the authenticator")
	}
	log = log.With("proto", "ftp")
	d := &driver{settings: settings, tls: cfg.TLS, auth: au,
		log: log, sessions: NewRegistry(), usage: cfg.Usage,
		maxPerLogin: cfg.MaxSessionsPerLogin, metrics: cfg.Metrics}
	ftp := ftpserver.NewFtpServer(d)
	// The library's own log lines below Error are per-command chatter, and
	// it warns about connections that a kill closed on purpose.
	ftp.Logger = slog.New(minLevel{Handler: log.Handler(), min: slog.LevelError})
	return &Server{cfg: cfg, driver: d, ftp: ftp, log: log}, nil
}

// Sessions returns the registry of live sessions, for the Ftp module's
// list_sessions and kill_session and for closing the sessions of a deleted,
// re-passworded or suspended login.
func (s *Server) Sessions() *Registry { return s.driver.sessions }

// Reasons of FTP refusals in the netlimit metric, beside the listener's.
const (
	reasonLoginTimeout        = "login_timeout"
	reasonMaxSessionsPerLogin = "max_sessions_per_login"
)

// refusal is the reply to a connection over the listener's limits, sent
// before any banner (as Pure-FTPd and vsftpd do).
func refusal(reason string) string {
	if reason == netlimit.ReasonMaxConnsPerIP {
		return "421 Too many connections from your IP address. Try again later."
	}
	return "421 Too many connections. Try again later."
}

// Listen binds the control connection's address.
func (s *Server) Listen() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("ftpd: listen: %w", err)
	}
	l = netlimit.Wrap(l, "ftp", s.cfg.Limits, netlimit.LineRefuser(refusal), s.cfg.Metrics)
	loginTimeout := s.cfg.LoginTimeout
	if loginTimeout <= 0 {
		loginTimeout = DefaultLoginTimeout
	}
	s.mu.Lock()
	s.ln = newListener(l, loginTimeout, func() { s.cfg.Metrics.Refused("ftp", reasonLoginTimeout) })
	s.driver.conns = s.ln
	s.mu.Unlock()
	s.driver.settings.Listener = s.ln
	if err := s.ftp.Listen(); err != nil {
		_ = l.Close()
		return fmt.Errorf("ftpd: %w", err)
	}
	s.log.Info("ftp server listening", "addr", l.Addr().String())
	return nil
}

// Serve accepts connections until Close or Shutdown; it then returns nil.
func (s *Server) Serve() error {
	if s.listener() == nil {
		return errors.New("ftpd: Serve before Listen")
	}
	if err := s.ftp.Serve(); err != nil {
		return fmt.Errorf("ftpd: serve: %w", err)
	}
	return nil
}

// Start listens and serves in the background until ctx is done or the
// server is closed.
func (s *Server) Start(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	go func() {
		if err := s.Serve(); err != nil {
			s.log.Error("ftp server stopped", "err", err)
		}
	}()
	context.AfterFunc(ctx, func() { _ = s.Close() })
	return nil
}

// Addr returns the control connection's address, nil before Listen.
func (s *Server) Addr() net.Addr {
	if l := s.listener(); l != nil {
		return l.Addr()
	}
	return nil
}

func (s *Server) listener() *listener {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ln
}

// Close stops accepting and closes every connection and session at once.
func (s *Server) Close() error {
	l := s.listener()
	if l == nil {
		return nil
	}
	err := l.Close()
	s.driver.sessions.killAll()
	l.closeAll()
	if errors.Is(err, net.ErrClosed) {
		return nil // closed twice
	}
	return err
}

// Shutdown stops accepting, closes idle sessions at once and lets running
// transfers finish (a session is closed as soon as its transfer ends); when
// no transfer is left it closes what remains (connections that never
// logged in), and when ctx is done first it closes everything and returns
// ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	l := s.listener()
	if l == nil {
		return nil
	}
	if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("ftpd: shutdown: %w", err)
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for l.count() > 0 {
		if s.driver.sessions.killIdle() == 0 {
			_ = s.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			_ = s.Close()
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// minLevel drops records below min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

// Enabled implements slog.Handler.
func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// WithAttrs implements slog.Handler.
func (h minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return minLevel{Handler: h.Handler.WithAttrs(a), min: h.min}
}

// WithGroup implements slog.Handler.
func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{Handler: h.Handler.WithGroup(name), min: h.min}
}
