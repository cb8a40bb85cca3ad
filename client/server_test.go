package client_test

import (
	"context"
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
	"github.com/uapid/uapid/internal/vfs"
)

const (
	testUser   = "demo"
	testPass   = "Demo-pass-1234"
	testDomain = "example.com"
)

// server is a real uapid API over HTTPS in this process: a SQLite store, a
// hosting account with a real home, the real modules, the embedded FTP
// server, an SMTP relay for invitations, and the HTTP transport.
type server struct {
	url      string
	http     *http.Client // trusts the test certificate
	db       *store.DB
	accounts *account.Service
	acct     *hosting.Account
	ftpAddr  string
	smtp     *smtptest.Server
}

// serverConfig changes what mustServer builds.
type serverConfig struct {
	failures int // failed logins allowed per address and account
}

// mustServer boots the server; edit may change its configuration.
func mustServer(tb testing.TB, edit ...func(*serverConfig)) *server {
	tb.Helper()
	cfg := serverConfig{failures: 1000}
	for _, e := range edit {
		e(&cfg)
	}
	log := fixture.Logger(tb)
	s := &server{db: fixture.Store(tb), smtp: smtptest.Start(tb)}
	s.accounts = fixture.Accounts(tb, s.db)
	s.acct = fixture.Account(tb, s.accounts, testUser, testDomain, testPass)
	if err := s.accounts.AddDomain(context.Background(), testUser, "example.net"); err != nil {
		tb.Fatal(err)
	}
	rule := limiter.Rule{MaxFailures: cfg.failures, Window: time.Minute, Block: time.Minute}
	lim := limiter.New(limiter.Config{PerAddress: rule, PerAccount: rule}, nil)
	reg := catalog.Registry(s.deps(tb, lim))
	au := auth.New(auth.Config{SessionIdle: 15 * time.Minute}, s.db, s.db, s.db, lim, log, nil)
	api := httpapi.New(httpapi.Config{SecureCookie: true}, uapi.NewEngine(reg, log, nil), au, log, nil)
	ts := httptest.NewTLSServer(api.Handler())
	tb.Cleanup(ts.Close)
	s.url, s.http = ts.URL, ts.Client()
	return s
}

// deps starts the FTP server and builds every module's service over the
// store, as uapid serve does.
func (s *server) deps(tb testing.TB, lim *limiter.Limiter) catalog.Deps {
	tb.Helper()
	log := fixture.Logger(tb)
	fs, err := ftpd.New(ftpd.Config{Addr: "127.0.0.1:0"}, s.db, s.db, lim, log)
	must(tb, err)
	must(tb, fs.Start(context.Background()))
	tb.Cleanup(func() { _ = fs.Close() })
	s.ftpAddr = fs.Addr().String()
	ftpSvc, err := ftp.New(ftp.Config{Port: fs.Addr().(*net.TCPAddr).Port}, s.db, fs.Sessions(), vfs.UsageBelow, log)
	must(tb, err)
	emailSvc, err := email.New(email.Config{}, s.db, nil, log)
	must(tb, err)
	webdiskSvc, err := webdisk.New(webdisk.Config{}, s.db, nil, log)
	must(tb, err)
	mailer, err := invite.NewSMTP(invite.SMTPConfig{Relay: s.smtp.Addr(), From: "noreply@host.example", Timeout: 5 * time.Second})
	must(tb, err)
	um, err := usermanager.New(usermanager.Config{InviteBaseURL: "https://host.example:2083/", Hostname: "test.host"},
		usermanager.Deps{Store: s.db, Accounts: s.db, FTP: ftpSvc, Email: emailSvc, WebDisk: webdiskSvc,
			Passwords: s.accounts, Mailer: mailer, Log: log})
	must(tb, err)
	return catalog.Deps{Tokens: s.db, FTP: ftpSvc, Email: emailSvc, WebDisk: webdiskSvc, UserManager: um}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
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
