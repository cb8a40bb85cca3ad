package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/admin"
	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/catalog"
	"github.com/uapid/uapid/internal/cluster"
	"github.com/uapid/uapid/internal/config"
	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/httpapi"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/module/usermanager"
	"github.com/uapid/uapid/internal/netlimit"
	"github.com/uapid/uapid/internal/plugin"
	"github.com/uapid/uapid/internal/sandbox"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/svcacct"
	"github.com/uapid/uapid/internal/tlscert"
	"github.com/uapid/uapid/internal/uapi"
	diskusage "github.com/uapid/uapid/internal/usage"
	"github.com/uapid/uapid/internal/webdavd"
	"github.com/uapid/uapid/internal/whm"
)

// Main is the daemon: every server of one uapid node, started by Run and
// stopped by Close. End-to-end tests boot it on 127.0.0.1:0.
type Main struct {
	Config *config.Config
	Demo   bool
	Log    *slog.Logger
	// SandboxHelper runs internal/sandbox's helper for plugin pages:
	// uapid's own executable with "sandbox-exec" (serve sets it), or a
	// test binary; SandboxHelperEnv is its environment. Without it,
	// executable plugin pages are off.
	SandboxHelper    []string
	SandboxHelperEnv []string
	// ConfigFile is the configuration file serve read, hidden from
	// plugin pages; "" when there is none.
	ConfigFile string

	db       *store.DB
	tls      *tls.Config
	metrics  *prometheus.Registry
	engine   *uapi.Engine
	auth     *auth.Authenticator
	accounts *account.Service
	admin    *admin.Server
	ftp      *ftpd.Server
	webdav   *webdavd.Server
	cluster  *cluster.Node
	plugins  *plugin.Server
	usage    *diskusage.Keeper
	users    *usermanager.Service
	// dirLocks are the per-account locks the FTP, Web Disk and email
	// services and UserManager share around their directory changes (on
	// PostgreSQL held across nodes too).
	dirLocks *svcacct.Locks
	servers  []*http.Server
	graces   map[*http.Server]time.Duration // shutdown grace of a server, when not the default
	netm     *netlimit.Metrics
	addrs    map[string]net.Addr
	httpLns  map[string]net.Listener // bound by bindHTTP, served by startAll
	limits   *limiter.Config         // tests only: rules other than limiter.DefaultConfig
	cancel   context.CancelFunc
	closing  atomic.Bool // Close has begun: servers stopping now is no failure
	wg       sync.WaitGroup
	errc     chan error
}

// Run opens the database, builds the services and starts every listener.
// It returns once all of them accept connections.
func (m *Main) Run(ctx context.Context) error {
	ctx, m.cancel = context.WithCancel(ctx)
	m.errc = make(chan error, 8)
	m.addrs = make(map[string]net.Addr)
	if err := os.MkdirAll(m.Config.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	db, err := store.Open(ctx, m.Config.Database, m.Log)
	if err != nil {
		return err
	}
	m.db = db
	if m.tls, err = m.loadTLS(); err != nil {
		return err
	}
	// Bind the HTTP listeners first: services such as invitations need
	// the address users reach this node at.
	if err := m.bindHTTP(); err != nil {
		return err
	}
	if err := m.build(ctx); err != nil {
		return err
	}
	if err := m.startAll(); err != nil {
		return err
	}
	if m.Demo {
		if err := m.ensureDemo(ctx); err != nil {
			return err
		}
	}
	m.goBackground(ctx, func(ctx context.Context) { m.expireSessions(ctx) })
	return nil
}

func (m *Main) loadTLS() (*tls.Config, error) {
	if m.Config.TLSCert != "" {
		return tlscert.Load(m.Config.TLSCert, m.Config.TLSKey)
	}
	cert, key, err := tlscert.SelfSigned(filepath.Join(m.Config.DataDir, "tls"), m.Config.Hostname, time.Now())
	if err != nil {
		return nil, err
	}
	return tlscert.Load(cert, key)
}

// build wires the services and starts the FTP server (the Ftp module needs
// its session registry and port). The registry is built here, explicitly,
// rather than by init-time side effects.
func (m *Main) build(ctx context.Context) error {
	m.metrics = prometheus.NewRegistry()
	// The pool's connections (go_sql_open_connections and its waits): with
	// SQLite each holds its own page cache, schema and statements outside
	// the Go heap, so their number is part of the server's memory.
	m.metrics.MustRegister(newGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(m.db.SQL(), m.db.Dialect()))
	m.netm = netlimit.NewMetrics(m.metrics)
	lim := m.limiter(ctx)
	m.auth = auth.New(auth.Config{SessionIdle: m.Config.SessionIdle},
		auth.Stores{Accounts: m.db, Tokens: m.db, Sessions: m.db, FTP: m.db, WebDisk: m.db, Versions: m.db}, lim, m.Log, nil)
	m.auth.UseOperator(m.db, m.db)
	m.dirLocks = svcacct.NewLocks()
	if m.db.Dialect() == store.DialectPostgres {
		// Every node's services take the account's lock in PostgreSQL
		// too, so that a destroy here never takes a directory an add on
		// another node has just made or adopted.
		m.dirLocks = svcacct.Shared(m.db, svcacct.DefaultLockWait)
	}
	ftpSvc, err := m.startFTP(ctx)
	if err != nil {
		return err
	}
	webdiskSvc, err := m.startWebDAV()
	if err != nil {
		return err
	}
	emailSvc, pub, err := m.email(ctx)
	if err != nil {
		return err
	}
	// The cluster closes the account's FTP sessions and Web Disk
	// connections on every node.
	closers := []account.SessionCloser{m.cluster, m.cluster.WebDisk()}
	m.accounts = account.New(m.db, m.db, filepath.Join(m.Config.DataDir, "home"), m.Log, closers...)
	m.accounts.UseLimiter(lim)
	m.accounts.UseOperatorStore(m.db, m.usage)
	if pub != nil {
		m.accounts.OnChange(pub.PublishAll)
	}
	if m.users, err = m.userManager(ftpSvc, emailSvc, webdiskSvc); err != nil {
		return err
	}
	if err := m.intents(ctx, ftpSvc, emailSvc, webdiskSvc); err != nil {
		return err
	}
	reg := catalog.Registry(catalog.Deps{Tokens: m.db, FTP: ftpSvc, Email: emailSvc, WebDisk: webdiskSvc, UserManager: m.users})
	m.engine = uapi.NewEngine(reg, m.Log, engineObserver(reg, m.metrics))
	m.admin = admin.New(m.engine, m.accounts, m.Log)
	return nil
}

func (m *Main) startAll() error {
	if err := m.admin.Listen(m.Config.AdminSocket); err != nil {
		return err
	}
	m.goServe("admin", m.admin.Serve)
	if err := m.serveDebug(); err != nil {
		return fmt.Errorf("debug: %w", err)
	}
	ui, err := m.webUI()
	if err != nil {
		return err
	}
	// One API server per listener: the session cookie is Secure only where
	// the listener speaks TLS, or browsers on plain HTTP would never send it.
	api := func(secure bool) http.Handler {
		return httpapi.New(httpapi.Config{
			Metrics:      promhttp.HandlerFor(m.metrics, promhttp.HandlerOpts{}),
			Health:       m.db.Ping,
			SecureCookie: secure,
			Web:          ui,
			Version:      version,
		}, m.engine, m.auth, m.Log, m.metrics).Handler()
	}
	if ln := m.httpLns["https"]; ln != nil {
		m.serveHTTP("https", m.limitHTTP("https", ln, m.tls), api(true))
	}
	if ln := m.httpLns["http"]; ln != nil {
		m.serveHTTP("http", m.limitHTTP("http", ln, nil), api(false))
	}
	if ln := m.httpLns["whm"]; ln != nil {
		srv := whm.New(whm.Config{Hostname: m.Config.Hostname, CPanelURL: m.publicURL, Version: version}, m.accounts, m.auth, m.Log)
		m.serveHTTP("whm", m.limitHTTP("whm", ln, m.tls), srv.Handler())
	}
	return nil
}

// bindHTTP opens the HTTPS and plain HTTP listeners that are configured.
func (m *Main) bindHTTP() error {
	m.httpLns = make(map[string]net.Listener)
	for name, addr := range map[string]string{"https": m.Config.HTTPSAddr, "http": m.Config.HTTPAddr, "whm": m.Config.WHMAddr} {
		if addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		m.httpLns[name], m.addrs[name] = ln, ln.Addr()
	}
	return nil
}

func (m *Main) serveHTTP(name string, ln net.Listener, h http.Handler) {
	c := m.Config
	srv := &http.Server{Handler: h, ReadHeaderTimeout: c.HTTPReadHeaderTimeout, ReadTimeout: c.HTTPReadTimeout,
		WriteTimeout: c.HTTPWriteTimeout, IdleTimeout: c.HTTPIdleTimeout,
		ErrorLog: slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn)}
	m.servers = append(m.servers, srv)
	m.setGrace(srv, c.HTTPShutdownGrace)
	m.goServe(name, func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	m.Log.Info("listening", "server", name, "addr", ln.Addr().String())
}

func (m *Main) goServe(name string, serve func() error) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := serve(); err != nil {
			m.errc <- fmt.Errorf("%s: %w", name, err)
		}
	}()
}

func (m *Main) goBackground(ctx context.Context, f func(context.Context)) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		f(ctx)
	}()
}

// expireSessions removes idle login sessions once a minute.
func (m *Main) expireSessions(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := m.auth.ExpireIdle(ctx); err != nil {
				m.Log.Error("expire sessions", "err", err)
			} else if n > 0 {
				m.Log.Info("expired idle sessions", "count", n)
			}
			if _, err := m.auth.ExpireTickets(ctx); err != nil {
				m.Log.Error("expire login tickets", "err", err)
			}
		}
	}
}

// Addr returns the address a server ("https", "http", "whm") listens on.
func (m *Main) Addr(name string) net.Addr { return m.addrs[name] }

// HTTPSURL returns a URL clients on this machine can reach the API at.
func (m *Main) HTTPSURL() string {
	a, ok := m.addrs["https"].(*net.TCPAddr)
	if !ok {
		return ""
	}
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "https://" + net.JoinHostPort(host, fmt.Sprint(a.Port))
}

// Errors reports a server that stopped on its own.
func (m *Main) Errors() <-chan error { return m.errc }

// Close stops every server gracefully, all at once, each within its own
// shutdown grace (running requests and transfers may finish), and closes
// the database.
func (m *Main) Close() error {
	m.closing.Store(true)
	if m.cancel != nil {
		m.cancel()
	}
	if len(m.servers) == 0 {
		for _, ln := range m.httpLns {
			_ = ln.Close() // bound but never served: Run failed before startAll
		}
	}
	errs := m.shutdownServers()
	m.wg.Wait()
	if m.usage != nil {
		errs = append(errs, m.usage.Close())
	}
	if m.cluster != nil {
		errs = append(errs, m.cluster.Close()) // deregisters: its sessions leave every list at once
	}
	if m.plugins != nil {
		m.plugins.Close()
	}
	if m.db != nil {
		errs = append(errs, m.db.Close())
	}
	return errors.Join(errs...)
}

func newLogger(c *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", os.Getenv("UAPID_CONFIG"), "YAML configuration file")
	demo := fs.Bool("demo", false, "create the demo account and write DATA_DIR/demo.json")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := config.Load(*cfgPath, os.Getenv)
	if err != nil {
		return err
	}
	m := &Main{Config: cfg, Demo: *demo, Log: newLogger(cfg, stderr), ConfigFile: *cfgPath}
	if exe, err := os.Executable(); err == nil {
		m.SandboxHelper = []string{exe, sandbox.HelperCommand}
	}
	if err := m.Run(ctx); err != nil {
		_ = m.Close()
		return err
	}
	fmt.Fprintf(stdout, "uapid %s serving %s (admin socket %s)\n", version, m.HTTPSURL(), cfg.AdminSocket)
	if m.Demo {
		fmt.Fprintf(stdout, "demo account: see %s\n", filepath.Join(cfg.DataDir, "demo.json"))
	}
	select {
	case <-ctx.Done():
	case err = <-m.Errors():
	}
	m.Log.Info("shutting down")
	return errors.Join(err, m.Close())
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfgPath := fs.String("config", os.Getenv("UAPID_CONFIG"), "YAML configuration file")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := config.Load(*cfgPath, os.Getenv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.Database, newLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "database is up to date:", redactDSN(cfg.Database))
	return db.Close()
}

// redactDSN hides a password in a postgres:// DSN before printing it.
func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if j := strings.Index(dsn[i+3:], "@"); j >= 0 {
			cred := dsn[i+3 : i+3+j]
			if user, _, ok := strings.Cut(cred, ":"); ok {
				return dsn[:i+3] + user + ":***" + dsn[i+3+j:]
			}
		}
	}
	return dsn
}

func configTable() string { return config.Markdown() }
