package webdavd_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/studio-b12/gowebdav"
	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/tlscert"
	"github.com/uapid/uapid/internal/usage"
	"github.com/uapid/uapid/internal/webdavd"
)

const realm = "uapid-test"

// Interface guard: the account service closes a suspended or deleted
// account's Web Disk connections through the server.
var _ account.SessionCloser = (*webdavd.Server)(nil)

// env is one test's world: a real store, two tenants with real homes, the
// server on 127.0.0.1:0 over TLS and over plain HTTP, and an HTTPS client
// that trusts the server's certificate.
type env struct {
	db        *store.DB
	accounts  *account.Service
	srv       *webdavd.Server
	a, b      *hosting.Account // "cpuser" (example.com) and "other" (other.org)
	tlsURL    string
	plainURL  string
	transport *http.Transport
	usage     *usage.Keeper // nil unless envOptions.usage
}

// usageOf keeps a nil Keeper a nil interface.
func usageOf(k *usage.Keeper) webdavd.Usage {
	if k == nil {
		return nil
	}
	return k
}

type envOptions struct {
	lim             *limiter.Limiter
	basicWithoutTLS bool
	locks           webdavd.LockLimits
	lockReapEvery   time.Duration
	metrics         prometheus.Registerer
	usage           bool // count through a real usage.Keeper (env.usage)
	loginRecheck    time.Duration
	versions        bool          // give the server the store's credentials version
	lookups         *atomic.Int64 // counts the authenticator's Web Disk login lookups
}

// countingWebDisk counts the lookups of Web Disk logins.
type countingWebDisk struct {
	hosting.WebDiskAccountStore
	n *atomic.Int64
}

func (c countingWebDisk) FindWebDiskAccountByLogin(ctx context.Context, user, domain string) (*hosting.WebDiskAccount, error) {
	c.n.Add(1)
	return c.WebDiskAccountStore.FindWebDiskAccountByLogin(ctx, user, domain)
}

func mustEnv(tb testing.TB) *env { return mustEnvWith(tb, envOptions{}) }

func mustEnvWith(tb testing.TB, o envOptions) *env {
	tb.Helper()
	e := &env{db: fixture.Store(tb)}
	e.accounts = fixture.Accounts(tb, e.db)
	e.a = fixture.Account(tb, e.accounts, "cpuser", "example.com", "cpuser-password")
	e.b = fixture.Account(tb, e.accounts, "other", "other.org", "other-password")
	if o.usage {
		e.usage = usage.New(usage.Config{}, e.db, fixture.Logger(tb))
		tb.Cleanup(func() { _ = e.usage.Close() })
	}
	certFile, keyFile, err := tlscert.SelfSigned(tb.TempDir(), "localhost", time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	tlsCfg, err := tlscert.Load(certFile, keyFile)
	if err != nil {
		tb.Fatal(err)
	}
	if o.lim == nil {
		o.lim = limiter.New(limiter.DefaultConfig(), nil)
	}
	cfg := webdavd.Config{TLS: tlsCfg, Realm: realm, BasicWithoutTLS: o.basicWithoutTLS,
		Locks: o.locks, LockReapEvery: o.lockReapEvery, Metrics: o.metrics, Usage: usageOf(e.usage), LoginRecheck: o.loginRecheck}
	if o.versions {
		cfg.Versions = e.db
	}
	stores := fixture.AuthStores(e.db)
	if o.lookups != nil {
		stores.WebDisk = countingWebDisk{WebDiskAccountStore: e.db, n: o.lookups}
	}
	au := auth.New(auth.Config{SessionIdle: 15 * time.Minute}, stores, o.lim, fixture.Logger(tb), nil)
	e.srv, err = webdavd.New(cfg, au, fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	e.tlsURL = "https://" + e.serve(tb, e.srv.Serve) + "/"
	e.plainURL = "http://" + e.serve(tb, e.srv.ServePlain) + "/"
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != nil {
			tb.Errorf("Shutdown: %v", err)
		}
	})
	e.transport = mustTransport(tb, certFile)
	tb.Cleanup(e.transport.CloseIdleConnections)
	return e
}

// serve runs serve on a fresh 127.0.0.1:0 listener and returns its address.
func (e *env) serve(tb testing.TB, serve func(net.Listener) error) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve(ln) }()
	tb.Cleanup(func() {
		if err := <-done; err != nil {
			tb.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

func mustTransport(tb testing.TB, certFile string) *http.Transport {
	tb.Helper()
	pem, err := os.ReadFile(certFile)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		tb.Fatal("no certificate in " + certFile)
	}
	return &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: false}
}

// diskOptions shape a Web Disk login made by mustDisk.
type diskOptions struct {
	homedir  string // default public_html/USER
	readOnly bool
	digest   bool
}

// mustDisk creates the Web Disk login user@domain of acct with password
// pass and its directory.
func (e *env) mustDisk(tb testing.TB, acct *hosting.Account, user, domain, pass string, o diskOptions) *hosting.WebDiskAccount {
	tb.Helper()
	if o.homedir == "" {
		o.homedir = "public_html/" + user
	}
	hash, err := password.Hash(pass)
	if err != nil {
		tb.Fatal(err)
	}
	w := &hosting.WebDiskAccount{AccountID: acct.ID, User: user, Domain: domain, PasswordHash: hash,
		HomeDir: o.homedir, Perms: hosting.WebDiskReadWrite}
	if o.readOnly {
		w.Perms = hosting.WebDiskReadOnly
	}
	if o.digest {
		w.EnableDigest, w.DigestHA1 = true, hosting.DigestHA1(user+"@"+domain, realm, pass)
	}
	if err := os.MkdirAll(filepath.Join(acct.HomeDir, o.homedir), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := e.db.CreateWebDiskAccount(context.Background(), w); err != nil {
		tb.Fatal(err)
	}
	return w
}

// client returns a gowebdav client on base logged in as login.
func (e *env) client(base, login, pass string) *gowebdav.Client {
	c := gowebdav.NewClient(base, login, pass)
	c.SetTransport(e.transport)
	c.SetTimeout(10 * time.Second)
	return c
}

// mustWrite writes a file below acct's home.
func mustWrite(tb testing.TB, acct *hosting.Account, rel, content string) {
	tb.Helper()
	p := filepath.Join(acct.HomeDir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// mustRead reads a file below acct's home.
func mustRead(tb testing.TB, acct *hosting.Account, rel string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(acct.HomeDir, rel))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// do sends one raw request with Basic credentials over TLS.
func (e *env) do(tb testing.TB, method, rawPath, login, pass string, body string, hdr map[string]string) *http.Response {
	tb.Helper()
	req, err := http.NewRequest(method, strings.TrimSuffix(e.tlsURL, "/")+rawPath, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.URL.Opaque = "//" + req.URL.Host + rawPath // send the path exactly as written
	if login != "" {
		req.SetBasicAuth(login, pass)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := (&http.Client{Transport: e.transport, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, rawPath, err)
	}
	tb.Cleanup(func() { res.Body.Close() })
	return res
}

// statusOf returns the HTTP status a gowebdav error carries, or 0.
func statusOf(err error) int {
	var se gowebdav.StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}
