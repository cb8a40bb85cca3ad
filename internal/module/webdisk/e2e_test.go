package webdisk_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/studio-b12/gowebdav"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/tlscert"
	"github.com/uapid/uapid/internal/webdavd"
)

// Interface guard: the Web Disk server is the module's Sessions.
var _ webdisk.Sessions = (*webdavd.Server)(nil)

// server is the real Web Disk server on 127.0.0.1:0, over TLS and plain.
type server struct {
	srv       *webdavd.Server
	tlsAddr   string
	plainAddr string
	tlsConfig *tls.Config // the client's: trusts the server's certificate
}

// mustServer runs a Web Disk server on e's store with the module's realm.
func mustServer(tb testing.TB, e *env) *server {
	tb.Helper()
	certFile, keyFile, err := tlscert.SelfSigned(tb.TempDir(), "localhost", time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := tlscert.Load(certFile, keyFile)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := webdavd.New(webdavd.Config{TLS: cfg, Realm: realm},
		fixture.Authenticator(tb, e.db, limiter.New(limiter.DefaultConfig(), nil), nil), fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	s := &server{srv: srv, tlsAddr: serve(tb, srv.Serve), plainAddr: serve(tb, srv.ServePlain)}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	pem, err := os.ReadFile(certFile)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	s.tlsConfig = &tls.Config{RootCAs: pool}
	return s
}

func serve(tb testing.TB, fn func(net.Listener) error) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = fn(ln) }()
	return ln.Addr().String()
}

func (s *server) client(base, login, pass string) *gowebdav.Client {
	c := gowebdav.NewClient(base, login, pass)
	c.SetTransport(&http.Transport{TLSClientConfig: s.tlsConfig})
	c.SetTimeout(10 * time.Second)
	return c
}

// keepAlive opens a TLS connection, makes one authenticated request on it
// and returns the connection, left open by HTTP keep-alive.
func (s *server) keepAlive(tb testing.TB, login, pass string) *tls.Conn {
	tb.Helper()
	conn, err := tls.Dial("tcp", s.tlsAddr, s.tlsConfig)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	req, _ := http.NewRequest("PROPFIND", "https://"+s.tlsAddr+"/", nil)
	req.SetBasicAuth(login, pass)
	req.Header.Set("Depth", "0")
	if err := req.Write(conn); err != nil {
		tb.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil || res.StatusCode != http.StatusMultiStatus {
		tb.Fatalf("PROPFIND on the kept connection: %v %v", res, err)
	}
	res.Body.Close()
	return conn
}

// closedByServer reports whether the server closes conn within a second.
func closedByServer(conn net.Conn) bool {
	_ = conn.SetReadDeadline(time.Now().Add(time.Second))
	_, err := conn.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

// TestWithServer drives the real Web Disk server through the module: what
// the UAPI functions change is what a WebDAV client gets, and every change
// closes the login's live connections.
func TestWithServer(t *testing.T) {
	t.Parallel()
	var srv *server
	e := mustEnvWith(t, nil, func(e *env) webdisk.Sessions {
		srv = mustServer(t, e)
		return srv.srv
	})
	tlsURL, plainURL := "https://"+srv.tlsAddr+"/", "http://"+srv.plainAddr+"/"

	e.mustOK(t, e.a, "add_user", "user=bob", "password=pw1", "enabledigest=1")
	bob := srv.client(tlsURL, "bob@example.com", "pw1")
	if err := bob.Write("/f.txt", []byte("one"), 0o644); err != nil {
		t.Fatalf("write as a new login: %v", err)
	}
	if b, err := srv.client(plainURL, "bob@example.com", "pw1").Read("/f.txt"); err != nil || string(b) != "one" {
		t.Fatalf("digest read over plain HTTP: %q %v", b, err)
	}

	conn := srv.keepAlive(t, "bob@example.com", "pw1")
	e.mustOK(t, e.a, "set_permissions", "user=bob@example.com", "perms=ro")
	if !closedByServer(conn) {
		t.Error("set_permissions left the live connection open")
	}
	if err := bob.Write("/f.txt", []byte("two"), 0o644); err == nil {
		t.Error("a read-only login could write")
	}

	conn = srv.keepAlive(t, "bob@example.com", "pw1")
	e.mustOK(t, e.a, "set_password", "user=bob@example.com", "password=pw2")
	if !closedByServer(conn) {
		t.Error("set_password left the live connection open")
	}
	if _, err := bob.ReadDir("/"); err == nil {
		t.Error("the old password still works")
	}
	if _, err := srv.client(plainURL, "bob@example.com", "pw2").ReadDir("/"); err == nil {
		t.Error("digest still works after set_password without enabledigest")
	}

	conn = srv.keepAlive(t, "bob@example.com", "pw2")
	e.mustOK(t, e.a, "delete_user", "user=bob@example.com", "destroy=0")
	if !closedByServer(conn) {
		t.Error("delete_user left the live connection open")
	}
	if _, err := srv.client(tlsURL, "bob@example.com", "pw2").ReadDir("/"); err == nil {
		t.Error("a deleted login still works")
	}
}
