package client_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/uapid/uapid/client"
	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/catalog"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/httpapi"
	"github.com/uapid/uapid/internal/invite"
	"github.com/uapid/uapid/internal/invite/smtptest"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/usermanager"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/uapi"
	diskusage "github.com/uapid/uapid/internal/usage"
)

const (
	testUser   = "demo"
	testPass   = "Demo-pass-1234"
	testDomain = "example.com"
)

// server is a real uapid API over HTTPS in this process: a SQLite store, a
// hosting account with a real home, the real modules, the embedded FTP
// server, and the HTTP transport.
type server struct {
	url      string
	http     *http.Client // trusts the test certificate
	db       *store.DB
	accounts *account.Service
	acct     *hosting.Account
	ftpAddr  string
	smtp     *smtptest.Server // nil in examples
}

// harness is what building a server needs from a test, or from an example,
// which has no testing.TB.
type harness interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
	TempDir() string
}

// serverConfig changes what a server is built with.
type serverConfig struct {
	failures  int    // failed logins allowed per address and per account
	smtpRelay string // invitations are off when empty
	log       *slog.Logger
}

// mustServer boots a server for a test; edit may change its configuration.
func mustServer(tb testing.TB, edit ...func(*serverConfig)) *server {
	tb.Helper()
	relay := smtptest.Start(tb)
	cfg := serverConfig{failures: 1000, smtpRelay: relay.Addr(), log: fixture.Logger(tb)}
	for _, e := range edit {
		e(&cfg)
	}
	s := buildServer(tb, cfg)
	s.smtp = relay
	return s
}

// buildServer opens the store, creates the account demo (example.com and
// example.net) and serves the API, as uapid serve wires it.
func buildServer(h harness, cfg serverConfig) *server {
	h.Helper()
	ctx := context.Background()
	dir := h.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "uapid.db"), cfg.log)
	must(h, err)
	h.Cleanup(func() { _ = db.Close() })
	s := &server{db: db, accounts: account.New(db, db, filepath.Join(dir, "home"), cfg.log)}
	s.acct, err = s.accounts.Create(ctx, account.CreateRequest{Name: testUser, Password: testPass, Domain: testDomain})
	must(h, err)
	must(h, s.accounts.AddDomain(ctx, testUser, "example.net"))
	rule := limiter.Rule{MaxFailures: cfg.failures, Window: time.Minute, Block: time.Minute}
	lim := limiter.New(limiter.Config{PerAddress: rule, PerAccount: rule}, nil)
	reg := catalog.Registry(s.deps(h, cfg, lim))
	au := auth.New(auth.Config{SessionIdle: 15 * time.Minute}, fixture.AuthStores(db), lim, cfg.log, nil)
	api := httpapi.New(httpapi.Config{SecureCookie: true}, uapi.NewEngine(reg, cfg.log, nil), au, cfg.log, nil)
	ts := httptest.NewTLSServer(api.Handler())
	h.Cleanup(ts.Close)
	s.url, s.http = ts.URL, ts.Client()
	return s
}

// deps starts the FTP server and builds every module's service over the
// store.
func (s *server) deps(h harness, cfg serverConfig, lim *limiter.Limiter) catalog.Deps {
	h.Helper()
	keeper := diskusage.New(diskusage.Config{}, s.db, cfg.log)
	h.Cleanup(func() { _ = keeper.Close() })
	fs, err := ftpd.New(ftpd.Config{Addr: "127.0.0.1:0", Usage: keeper},
		auth.New(auth.Config{}, fixture.AuthStores(s.db), lim, cfg.log, nil), cfg.log)
	must(h, err)
	must(h, fs.Start(context.Background()))
	h.Cleanup(func() { _ = fs.Close() })
	s.ftpAddr = fs.Addr().String()
	ftpSvc, err := ftp.New(ftp.Config{Port: fs.Addr().(*net.TCPAddr).Port}, s.db, fs.Sessions(), keeper, cfg.log)
	must(h, err)
	emailSvc, err := email.New(email.Config{}, s.db, nil, cfg.log)
	must(h, err)
	webdiskSvc, err := webdisk.New(webdisk.Config{}, s.db, nil, cfg.log)
	must(h, err)
	umCfg := usermanager.Config{Hostname: "test.host"}
	umDeps := usermanager.Deps{Store: s.db, Accounts: s.db, FTP: ftpSvc, Email: emailSvc, WebDisk: webdiskSvc,
		Passwords: s.accounts, Log: cfg.log}
	if cfg.smtpRelay != "" {
		umDeps.Mailer, err = invite.NewSMTP(invite.SMTPConfig{Relay: cfg.smtpRelay, From: "noreply@host.example", Timeout: 5 * time.Second})
		must(h, err)
		umCfg.InviteBaseURL = "https://host.example:2083/"
	}
	um, err := usermanager.New(umCfg, umDeps)
	must(h, err)
	return catalog.Deps{Tokens: s.db, FTP: ftpSvc, Email: emailSvc, WebDisk: webdiskSvc, UserManager: um}
}

func must(h interface {
	Helper()
	Fatal(args ...any)
}, err error) {
	h.Helper()
	if err != nil {
		h.Fatal(err)
	}
}

// client returns a Client of the server's account using HTTP Basic.
func (s *server) client(tb testing.TB, opts ...client.Option) *client.Client {
	tb.Helper()
	opts = append([]client.Option{client.WithHTTPClient(s.http), client.WithBasicAuth(testUser, testPass)}, opts...)
	c, err := client.New(s.url, opts...)
	must(tb, err)
	return c
}

// home returns a path inside the account's home directory.
func (s *server) home(rel string) string { return filepath.Join(s.acct.HomeDir, rel) }

// mode returns the permission bits of a path in the home, failing when it
// is missing.
func (s *server) mode(tb testing.TB, rel string) os.FileMode {
	tb.Helper()
	fi, err := os.Stat(s.home(rel))
	must(tb, err)
	return fi.Mode().Perm()
}
