package webdavd_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// keepAlive is a client that sends every request on one TLS connection,
// and counts the connections it had to open.
type keepAlive struct {
	e     *env
	http  *http.Client
	dials atomic.Int64
}

func (e *env) keepAlive(tb testing.TB) *keepAlive {
	tb.Helper()
	k := &keepAlive{e: e}
	var d net.Dialer
	tr := &http.Transport{
		TLSClientConfig: e.transport.TLSClientConfig.Clone(), MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1,
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			k.dials.Add(1)
			return d.DialContext(ctx, network, addr)
		},
	}
	tb.Cleanup(tr.CloseIdleConnections)
	k.http = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	return k
}

// put uploads body to path as login and returns the status.
func (k *keepAlive) put(tb testing.TB, path, login, pass, body string) int {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPut, k.e.tlsURL+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	return k.do(tb, req, login, pass)
}

// status GETs path as login and returns the status, reading the whole
// answer so that the connection is used again.
func (k *keepAlive) status(tb testing.TB, path, login, pass string) int {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, k.e.tlsURL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return k.do(tb, req, login, pass)
}

// do sends req as login and returns the status, reading the whole answer
// so that the connection is used again.
func (k *keepAlive) do(tb testing.TB, req *http.Request, login, pass string) int {
	tb.Helper()
	req.SetBasicAuth(login, pass)
	res, err := k.http.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// changePassword changes bob's password in the store only, as a change
// whose kill never reached this server would (another node down).
func (e *env) changePassword(tb testing.TB, w *hosting.WebDiskAccount, pass string) {
	tb.Helper()
	hash, err := password.Hash(pass)
	if err != nil {
		tb.Fatal(err)
	}
	if err := e.db.UpdateWebDiskAccount(context.Background(), w.ID, hosting.WebDiskAccountUpdate{PasswordHash: &hash}); err != nil {
		tb.Fatal(err)
	}
}

// TestLoginReuse: a keep-alive connection reuses the Basic login it proved
// until any kill, a change of the store's credentials version (when the
// server has one it trusts) or LoginRecheck, and a new connection always
// checks the stores. Each case changes bob's password behind the server's
// back (no kill), so the old password still working shows a reused login.
// Without versions the server is as on PostgreSQL, whose version is not
// trusted.
func TestLoginReuse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		recheck  time.Duration
		versions bool
		between  func(t *testing.T, e *env) // after the change, before the old password is tried again
		want     int                        // for the old password on the same connection
	}{
		{"reused until recheck", time.Hour, false, func(*testing.T, *env) {}, http.StatusOK},
		{"any kill ends it", time.Hour, false, func(t *testing.T, e *env) {
			// Another account's login: the kill counter is the server's.
			if _, err := e.srv.KillLogin(context.Background(), e.b.ID, "eve@other.org"); err != nil {
				t.Fatal(err)
			}
		}, http.StatusUnauthorized},
		{"recheck ends it", 50 * time.Millisecond, false, func(*testing.T, *env) { time.Sleep(100 * time.Millisecond) }, http.StatusUnauthorized},
		{"never reused", -1, false, func(*testing.T, *env) {}, http.StatusUnauthorized},
		{"credentials version ends it", time.Hour, true, func(*testing.T, *env) {}, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnvWith(t, envOptions{loginRecheck: tc.recheck, versions: tc.versions})
			w := e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
			mustWrite(t, e.a, "public_html/bob/f.txt", "x")
			k := e.keepAlive(t)
			if s := k.status(t, "f.txt", "bob@example.com", "bob-pass"); s != http.StatusOK {
				t.Fatalf("first GET: %d", s)
			}
			e.changePassword(t, w, "new-pass")
			tc.between(t, e)
			if s := k.status(t, "f.txt", "bob@example.com", "bob-pass"); s != tc.want {
				t.Errorf("old password on the same connection: %d, want %d", s, tc.want)
			}
			if s := k.status(t, "f.txt", "bob@example.com", "new-pass"); s != http.StatusOK {
				t.Errorf("new password on the same connection: %d", s)
			}
			if s := k.status(t, "f.txt", "bob@example.com", "wrong"); s != http.StatusUnauthorized {
				t.Errorf("a wrong password on a connection that proved a login: %d", s)
			}
			if d := k.dials.Load(); d != 1 {
				t.Fatalf("%d connections: the case did not test one keep-alive connection", d)
			}
			if s := e.do(t, "GET", "/f.txt", "bob@example.com", "bob-pass", "", nil).StatusCode; s != http.StatusUnauthorized {
				t.Errorf("old password on a new connection: %d", s)
			}
		})
	}
}

// TestLoginReuseKilledBySuspension: suspending the account kills its
// connections, and a client that connects again is refused, even though
// its previous connection had proved the login.
func TestLoginReuseKilledBySuspension(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{loginRecheck: time.Hour})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/bob/f.txt", "x")
	k := e.keepAlive(t)
	if s := k.status(t, "f.txt", "bob@example.com", "bob-pass"); s != http.StatusOK {
		t.Fatalf("before suspension: %d", s)
	}
	yes := true
	if err := e.db.UpdateAccount(context.Background(), e.a.ID, hosting.AccountUpdate{Suspended: &yes}); err != nil {
		t.Fatal(err)
	}
	if n, err := e.srv.KillAccount(context.Background(), e.a.ID); err != nil || n != 1 {
		t.Fatalf("KillAccount = %d, %v; want the idle keep-alive connection", n, err)
	}
	if s := k.status(t, "f.txt", "bob@example.com", "bob-pass"); s != http.StatusUnauthorized {
		t.Errorf("after suspension: %d", s)
	}
	if d := k.dials.Load(); d != 2 {
		t.Errorf("%d connections; the kill must have closed the first", d)
	}
}

// TestLoginReuseWithVersions: with the store's credentials version, a
// connection looks its login up once for many requests, also across
// uploads (which count their usage in the store without changing the
// version), and again after a change of credentials.
func TestLoginReuseWithVersions(t *testing.T) {
	t.Parallel()
	var lookups atomic.Int64
	e := mustEnvWith(t, envOptions{loginRecheck: time.Hour, versions: true, usage: true, lookups: &lookups})
	w := e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/bob/f.txt", "x")
	k := e.keepAlive(t)
	for i := range 3 {
		if s := k.status(t, "f.txt", "bob@example.com", "bob-pass"); s != http.StatusOK {
			t.Fatalf("GET: %d", s)
		}
		if s := k.put(t, fmt.Sprintf("up%d.txt", i), "bob@example.com", "bob-pass", "uploaded"); s != http.StatusCreated {
			t.Fatalf("PUT: %d", s)
		}
	}
	if n := lookups.Load(); n != 1 {
		t.Errorf("%d lookups of the login for 6 requests on one connection, want 1", n)
	}
	e.changePassword(t, w, "new-pass")
	if s := k.status(t, "f.txt", "bob@example.com", "bob-pass"); s != http.StatusUnauthorized {
		t.Errorf("old password after a change of credentials: %d", s)
	}
	if s := k.status(t, "f.txt", "bob@example.com", "new-pass"); s != http.StatusOK {
		t.Errorf("new password: %d", s)
	}
	if n := lookups.Load(); n != 3 {
		t.Errorf("%d lookups; want 3 (once, then for each password after the change)", n)
	}
	if d := k.dials.Load(); d != 1 {
		t.Fatalf("%d connections", d)
	}
}
