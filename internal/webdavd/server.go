package webdavd

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/netlimit"
	"github.com/uapid/uapid/internal/vfs"
	"golang.org/x/net/webdav"
)

// Config configures the server.
type Config struct {
	// TLS, when set, is used by Serve for every listener it is given.
	TLS *tls.Config
	// Realm is the authentication realm; "" means
	// hosting.DefaultWebDiskRealm. Stored Digest hashes are bound to it, so
	// the Web Disk module must compute them with the same realm.
	Realm string
	// BasicWithoutTLS accepts Basic credentials on plain-HTTP requests,
	// for a server behind a TLS-terminating proxy. Otherwise plain HTTP
	// offers and accepts Digest only, so no password crosses the network
	// in clear.
	BasicWithoutTLS bool
	// Locks bound the WebDAV locks clients can make the server hold.
	Locks LockLimits
	// LockReapEvery is how often expired locks are removed, even from
	// logins that send no more requests: a lock outlives its timeout by at
	// most this much. 0 means 30 s.
	LockReapEvery time.Duration
	// Metrics, when set, gets the server's Prometheus collectors.
	Metrics prometheus.Registerer
	// Timeouts bound the time a connection may hold the server; zero
	// fields take the defaults of DefaultTimeouts.
	Timeouts Timeouts
	// Usage counts what Web Disk logins store (internal/usage.Keeper);
	// nil counts nothing.
	Usage Usage
	// LoginRecheck is how long a keep-alive connection reuses the Basic
	// login it proved before it asks the stores again (connLogin); any
	// kill ends that at once. 0 means DefaultLoginRecheck; negative checks
	// every request.
	LoginRecheck time.Duration
	// Versions, when set and trusted (SQLite), also ends the reuse at the
	// first committed change of credentials in the store.
	Versions hosting.CredentialsVersioner
}

// Usage hands each request the vfs.Counter of its changes.
type Usage interface {
	// Counter returns the counter of a request of acct rooted at base
	// (relative to the home); Web Disk logins have no quota of their own.
	Counter(acct *hosting.Account, base string, login *hosting.FTPAccount) vfs.Counter
}

// Timeouts are the Web Disk connections' time limits. Web Disk carries
// uploads and downloads of any size, so instead of one deadline for the
// whole request, bodies and answers must keep moving (Rate).
type Timeouts struct {
	// ReadHeader is the longest wait for a request's head.
	ReadHeader time.Duration
	// Idle is how long a keep-alive connection may wait for a request.
	Idle time.Duration
	// Rate is the slowest a body or an answer may flow.
	Rate netlimit.Rate
}

// DefaultTimeouts are the defaults of Config.Timeouts.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 30 * time.Second, Idle: 60 * time.Second,
		Rate: netlimit.Rate{Stall: 30 * time.Second, MinBytesPerSec: 1024}}
}

func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts()
	if t.ReadHeader <= 0 {
		t.ReadHeader = d.ReadHeader
	}
	if t.Idle <= 0 {
		t.Idle = d.Idle
	}
	if t.Rate == (netlimit.Rate{}) {
		t.Rate = d.Rate
	}
	return t
}

// validate fills in the defaults and checks the values.
func (c *Config) validate() error {
	if c.Realm == "" {
		c.Realm = hosting.DefaultWebDiskRealm
	}
	if c.LoginRecheck == 0 {
		c.LoginRecheck = DefaultLoginRecheck
	}
	if c.LockReapEvery < 0 {
		return fmt.Errorf("webdavd: lock reap interval %v is negative", c.LockReapEvery)
	}
	// The realm goes into quoted header values that simple clients split on
	// commas; keep it to printable ASCII without quotes, backslashes or
	// commas.
	for _, r := range c.Realm {
		if r < 0x20 || r > 0x7e || strings.ContainsRune(`"\,`, r) {
			return fmt.Errorf("webdavd: realm %q: use printable ASCII without quotes, backslashes or commas", c.Realm)
		}
	}
	return c.Locks.validate()
}

// Server is the Web Disk server. It is an http.Handler; Serve runs it on a
// listener with connection tracking, so that KillLogin and KillAccount can
// close live connections.
type Server struct {
	cfg     Config
	auth    *auth.Authenticator
	log     *slog.Logger
	nonces  *nonces
	reg     *registry
	metrics *metrics

	mu         sync.Mutex
	servers    []*http.Server
	closed     bool
	stopReaper context.CancelFunc // nil until the first Serve starts the reaper
	reaperDone chan struct{}
}

// lockReapInterval is Config.LockReapEvery's default.
const lockReapInterval = 30 * time.Second

// New returns a server that checks logins with au (the daemon's one
// authenticator, so that Web Disk, HTTPS and FTP failures count together).
// log may be nil. It returns an error for an invalid cfg or a missing
// authenticator.
func New(cfg Config, au *auth.Authenticator, log *slog.Logger) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if au == nil {
		return nil, errors.New("webdavd: New needs the authenticator")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(cfg.Metrics)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, auth: au, log: log.With("proto", "webdav"), nonces: newNonces(time.Now), metrics: m}
	s.reg = newRegistry(&s.cfg.Locks)
	return s, nil
}

// Handler returns the server as an http.Handler, for tests and embedding.
// Connections served by another http.Server are not tracked: a kill then
// closes only the file systems of the login's running requests.
func (s *Server) Handler() http.Handler { return s }

// Serve accepts connections on ln, over TLS when Config.TLS is set, until
// Shutdown; it then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	if s.cfg.TLS != nil {
		cfg := s.cfg.TLS.Clone()
		// WebDAV clients speak HTTP/1.1; one request per connection keeps
		// a killed login from taking other logins' streams along.
		cfg.NextProtos = []string{"http/1.1"}
		ln = tls.NewListener(ln, cfg)
	}
	return s.ServePlain(ln)
}

// ServePlain accepts connections on ln as they are (plain HTTP, or a
// listener that does TLS itself) until Shutdown; it then returns nil.
func (s *Server) ServePlain(ln net.Listener) error {
	t := s.cfg.Timeouts.withDefaults()
	srv := &http.Server{
		Handler:           netlimit.MinRate(s, t.Rate),
		ReadHeaderTimeout: t.ReadHeader,
		IdleTimeout:       t.Idle,
		ConnContext:       s.reg.connContext,
		ConnState:         s.reg.connState,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ln.Close()
	}
	s.servers = append(s.servers, srv)
	s.startReaperLocked()
	s.mu.Unlock()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("webdavd: serve: %w", err)
	}
	return nil
}

// Shutdown stops accepting connections and waits for running requests
// until ctx ends; then it closes whatever is left.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.closed = true
	if s.stopReaper != nil {
		s.stopReaper()
		<-s.reaperDone
		s.stopReaper = nil
	}
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		s.reg.closeAll()
		for _, srv := range servers {
			_ = srv.Close()
		}
	}
	return errors.Join(errs...)
}

// startReaperLocked starts, once, the goroutine that removes expired
// locks even from logins that send no more requests. s.mu is held.
func (s *Server) startReaperLocked() {
	if s.stopReaper != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stopReaper, s.reaperDone = cancel, make(chan struct{})
	go func() {
		defer close(s.reaperDone)
		t := time.NewTicker(cmp.Or(s.cfg.LockReapEvery, lockReapInterval))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				s.reg.reapLocks(now)
			}
		}
	}()
}

// ReapLocks removes the locks that expired by now, as the server does on
// its own every Config.LockReapEvery, and returns how many client locks are
// left (for tests and operators' tools).
func (s *Server) ReapLocks(now time.Time) int { return s.reg.reapLocks(now) }

// KillLogin closes, at once, every live connection and request of the
// hosting account's login (normalised: "bob@example.com", or the account
// name for its own login) and returns how many connections it closed. The
// login's in-memory locks and dead properties go with them. It never fails;
// the error is for the interface UserManager and the Web Disk module use.
func (s *Server) KillLogin(_ context.Context, accountID int64, login string) (int, error) {
	login = auth.NormaliseLogin(login)
	n := s.reg.kill(func(k loginKey) bool { return k.accountID == accountID && k.login == login })
	if n > 0 {
		s.log.Info("webdav connections closed", "account_id", accountID, "login", login, "count", n)
	}
	return n, nil
}

// KillAccount closes, at once, every live connection of every login of the
// hosting account (for suspension and deletion) and returns how many.
func (s *Server) KillAccount(_ context.Context, accountID int64) (int, error) {
	n := s.reg.kill(func(k loginKey) bool { return k.accountID == accountID })
	if n > 0 {
		s.log.Info("webdav connections closed", "account_id", accountID, "count", n)
	}
	return n, nil
}

// ServeHTTP authenticates the request, applies the login's permissions and
// serves WebDAV on the login's directory.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start, sw := time.Now(), &statusWriter{ResponseWriter: w}
	log := s.requestLog(r)
	p, fsys, done, err := s.login(r)
	if err != nil {
		s.refuse(sw, r, log, err)
		return
	}
	defer done()
	log = log.With("account", p.account.Name, "login", p.login)
	switch {
	case p.readOnly && !readMethod(r.Method):
		http.Error(sw, "This Web Disk account is read-only.", http.StatusForbidden)
	case copiesIntoItself(r):
		http.Error(sw, "A collection cannot be copied into itself.", http.StatusForbidden)
	default:
		s.serveDAV(sw, r, p, fsys, log)
	}
	log.Debug("webdav request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
		"duration", time.Since(start).Round(time.Microsecond))
}

// serveDAV serves WebDAV to an authenticated request, within the limits.
func (s *Server) serveDAV(w http.ResponseWriter, r *http.Request, p *principal, fsys *fileSystem, log *slog.Logger) {
	table := s.reg.space(p.key()).locks
	if e := s.checkLimits(r, fsys, table); e != nil {
		s.metrics.hit(e)
		log.Info("webdav request refused", "method", r.Method, "path", r.URL.Path, "limit", e.limit)
		refuseLimit(w, e)
		return
	}
	if status := checkXMLBody(r); status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	if r.Method == http.MethodPut {
		u := &upload{ReadCloser: r.Body}
		r.Body, fsys.put = u, u
		fsys.cleanup = func(rel string) { s.removeLeftover(p, rel, log) }
	}
	fsys.statOnly = r.Method == "PROPFIND"
	locks := newCondLocks(r, table, fsys)
	if locks.client {
		w = &lockWriter{ResponseWriter: w, locks: locks}
	}
	h := &webdav.Handler{FileSystem: fsys, LockSystem: locks, Logger: func(r *http.Request, err error) {
		if err != nil {
			log.Debug("webdav error", "method", r.Method, "path", r.URL.Path, "err", err)
		}
	}}
	h.ServeHTTP(w, r)
	if locks.refused != nil {
		s.metrics.hit(locks.refused)
		log.Info("webdav request refused", "method", r.Method, "path", r.URL.Path, "limit", locks.refused.limit)
	}
}

// removeLeftover removes a PUT's temporary file through a fresh file
// system, when its request's was closed by a kill.
func (s *Server) removeLeftover(p *principal, rel string, log *slog.Logger) {
	v, err := s.open(p)
	if err == nil {
		err = v.Remove(rel)
		_ = v.Close()
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Warn("webdav upload's temporary file left behind", "path", rel, "err", err)
	}
}

// requestLog returns the logger of one request with its connection.
func (s *Server) requestLog(r *http.Request) *slog.Logger {
	if lc := connFrom(r.Context()); lc != nil {
		return s.log.With("conn_id", lc.id, "remote", lc.remote)
	}
	return s.log.With("remote", r.RemoteAddr)
}

// login authenticates the request, opens the login's directory and
// attaches the request to the registry; done releases both. A kill
// between the check and the attachment makes it check again, so a request
// never runs on credentials or rights that a kill has revoked.
func (s *Server) login(r *http.Request) (*principal, *fileSystem, func(), error) {
	lc := connFrom(r.Context())
	for range maxAttach {
		gen := s.reg.generation()
		p, err := s.authenticate(r.Context(), r, lc, gen)
		if err != nil {
			return nil, nil, nil, err
		}
		v, err := s.open(p)
		if err != nil {
			return nil, nil, nil, &dirError{err: err}
		}
		a, ok := s.reg.attach(lc, p.key(), v, gen)
		if !ok {
			_ = v.Close()
			continue
		}
		fsys := &fileSystem{v: v, props: s.reg.space(p.key()).props, readOnly: p.readOnly}
		return p, fsys, func() { s.reg.detach(a); _ = v.Close() }, nil
	}
	return nil, nil, nil, errBusy
}

// maxAttach bounds login's retries; kills are rare, so only a storm of
// them makes a request give up (503) rather than spin.
const maxAttach = 3

// open opens the login's directory as a jailed file system: the whole home
// for the account's own login, else the Web Disk directory, resolved
// inside the home so that even a symlink there cannot lead out.
func (s *Server) open(p *principal) (*vfs.Fs, error) {
	opts := vfs.Options{ReadOnly: p.readOnly}
	base := ""
	if p.disk != nil {
		base = p.disk.HomeDir
	}
	if s.cfg.Usage != nil {
		opts.Usage = s.cfg.Usage.Counter(p.account, base, nil)
	}
	opts.Protected = homedir.ProtectedBelow(base)
	return vfs.OpenIn(p.account.HomeDir, base, opts)
}

// dirError is a login's directory that cannot be opened: removed, replaced
// by a file, or a symlink out of the home, which os.Root refuses.
type dirError struct{ err error }

func (e *dirError) Error() string { return "webdavd: open directory: " + e.err.Error() }
func (e *dirError) Unwrap() error { return e.err }

// Interface guard.
var _ http.Handler = (*Server)(nil)
