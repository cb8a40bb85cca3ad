package ftpd_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/usage"
)

// fixture is a running FTP server on 127.0.0.1:0 over a SQLite store in a
// temporary directory that holds the account homes and, beside them, a
// secret no login may reach.
type fixture struct {
	db     *store.DB
	keeper *usage.Keeper
	srv    *ftpd.Server
	addr   string
	base   string
	secret string
}

const secretText = "TOP SECRET"

// lenientLimits keep the limiter out of the way of tests that fail logins
// on purpose.
func lenientLimits() limiter.Config {
	r := limiter.Rule{MaxFailures: 1000, Window: time.Minute, Block: time.Minute}
	return limiter.Config{PerAddress: r, PerAccount: r}
}

func mustServer(tb testing.TB, cfg ftpd.Config, limits limiter.Config) *fixture {
	tb.Helper()
	base := tb.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(base, "uapid.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	cfg.Addr = "127.0.0.1:0"
	keeper := usage.New(usage.Config{}, db, nil)
	tb.Cleanup(func() { _ = keeper.Close() })
	cfg.Usage = keeper
	au := auth.New(auth.Config{}, auth.Stores{Accounts: db, FTP: db}, limiter.New(limits, nil), slog.New(slog.DiscardHandler), nil)
	srv, err := ftpd.New(cfg, au, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	f := &fixture{db: db, keeper: keeper, srv: srv, addr: srv.Addr().String(), base: base, secret: filepath.Join(base, "secret.txt")}
	mustWrite(tb, f.secret, secretText)
	return f
}

// mustAccount creates a hosting account with the home layout the account
// service makes, anonymous FTP off, and a marker file naming the root.
func (f *fixture) mustAccount(tb testing.TB, name, pass string, domains ...string) *hosting.Account {
	tb.Helper()
	home := filepath.Join(f.base, "home", name)
	for dir, mode := range map[string]os.FileMode{"public_html": 0o755, "public_ftp": 0o750,
		"public_ftp/incoming": 0o700, "logs": 0o700, "etc": 0o750, "mail": 0o750, "tmp": 0o755} {
		mustMkdir(tb, filepath.Join(home, dir), mode)
	}
	mustWrite(tb, filepath.Join(home, "marker.txt"), "home of "+name)
	mustWrite(tb, filepath.Join(home, "logs", "marker.txt"), "logs of "+name)
	mustWrite(tb, filepath.Join(home, "public_ftp", "marker.txt"), "public_ftp of "+name)
	a := &hosting.Account{Name: name, PasswordHash: mustHash(tb, pass), Domain: domains[0], Domains: domains,
		HomeDir: home, Features: hosting.AllFeatures()}
	if err := f.db.CreateAccount(context.Background(), a); err != nil {
		tb.Fatal(err)
	}
	return a
}

// mustFTPAccount creates user@domain with its home dir (relative to the
// account's home) and a marker file there.
func (f *fixture) mustFTPAccount(tb testing.TB, a *hosting.Account, user, domain, pass, dir string, quotaMB int64) *hosting.FTPAccount {
	tb.Helper()
	mustMkdir(tb, filepath.Join(a.HomeDir, dir), 0o755)
	mustWrite(tb, filepath.Join(a.HomeDir, dir, "marker.txt"), "home of "+user+"@"+domain)
	fa := &hosting.FTPAccount{AccountID: a.ID, User: user, Domain: domain, PasswordHash: mustHash(tb, pass),
		HomeDir: dir, QuotaMB: quotaMB}
	if err := f.db.CreateFTPAccount(context.Background(), fa); err != nil {
		tb.Fatal(err)
	}
	return fa
}

// usage returns the bytes the store counts for an FTP account once the
// idle sessions' leases are settled (as the API's reads settle them).
func (f *fixture) usage(tb testing.TB, fa *hosting.FTPAccount) int64 {
	tb.Helper()
	f.keeper.Settle(fa.AccountID)
	got, err := f.db.FindFTPAccount(context.Background(), fa.AccountID, fa.User, fa.Domain)
	if err != nil {
		tb.Fatal(err)
	}
	return got.UsedBytes
}

// sessions lists the account's sessions.
func (f *fixture) sessions(tb testing.TB, accountID int64) []hosting.FTPSession {
	tb.Helper()
	list, err := f.srv.Sessions().ListFTPSessions(context.Background(), accountID)
	if err != nil {
		tb.Fatal(err)
	}
	return list
}

// waitSession polls until the account has a session that ok accepts.
func (f *fixture) waitSession(tb testing.TB, accountID int64, what string, ok func(hosting.FTPSession) bool) hosting.FTPSession {
	tb.Helper()
	var found hosting.FTPSession
	waitFor(tb, what, func() bool {
		for _, s := range f.sessions(tb, accountID) {
			if ok(s) {
				found = s
				return true
			}
		}
		return false
	})
	return found
}

func mustDial(tb testing.TB, addr string, opts ...ftp.DialOption) *ftp.ServerConn {
	tb.Helper()
	c, err := ftp.Dial(addr, append([]ftp.DialOption{ftp.DialWithTimeout(10 * time.Second)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Quit() })
	return c
}

func mustLogin(tb testing.TB, addr, user, pass string, opts ...ftp.DialOption) *ftp.ServerConn {
	tb.Helper()
	c := mustDial(tb, addr, opts...)
	if err := c.Login(user, pass); err != nil {
		tb.Fatalf("login %s: %v", user, err)
	}
	return c
}

// loginErr returns the failure of a login, nil on success.
func loginErr(tb testing.TB, addr, user, pass string, opts ...ftp.DialOption) error {
	tb.Helper()
	return mustDial(tb, addr, opts...).Login(user, pass)
}

// replyCode returns the FTP reply code in err, 0 if there is none.
func replyCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func mustRetr(tb testing.TB, c *ftp.ServerConn, name string) string {
	tb.Helper()
	r, err := c.Retr(name)
	if err != nil {
		tb.Fatalf("RETR %s: %v", name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func mustStor(tb testing.TB, c *ftp.ServerConn, name, content string) {
	tb.Helper()
	if err := c.Stor(name, bytes.NewBufferString(content)); err != nil {
		tb.Fatalf("STOR %s: %v", name, err)
	}
}

// waitFor polls cond until it holds; the deadline only turns a hang into a
// failure.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func mustWrite(tb testing.TB, name, content string) {
	tb.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func mustMkdir(tb testing.TB, dir string, mode os.FileMode) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	mustChmod(tb, dir, mode)
}

func mustChmod(tb testing.TB, name string, mode os.FileMode) {
	tb.Helper()
	if err := os.Chmod(name, mode); err != nil {
		tb.Fatal(err)
	}
}

func mustHash(tb testing.TB, pass string) string {
	tb.Helper()
	h, err := password.Hash(pass)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// mustTLS returns a server configuration with a fresh self-signed
// certificate for 127.0.0.1, and the client configuration that accepts it.
func mustTLS(tb testing.TB) (server, client *tls.Config) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "uapid test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		&tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12} //nolint:gosec // self-signed test cert
}

// syncBuffer is a bytes.Buffer safe for the client's debug output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
