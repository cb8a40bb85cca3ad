package webdavd_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
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

// status GETs path as login and returns the status, reading the whole
// answer so that the connection is used again.
func (k *keepAlive) status(tb testing.TB, path, login, pass string) int {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, k.e.tlsURL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
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
// until any kill or LoginRecheck, and a new connection always checks the
// stores. Each case changes bob's password behind the server's back, so
// the old password still working shows a reused login.
func TestLoginReuse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		recheck time.Duration
		between func(t *testing.T, e *env) // after the change, before the old password is tried again
		want    int                        // for the old password on the same connection
	}{
		{"reused until recheck", time.Hour, func(*testing.T, *env) {}, http.StatusOK},
		{"any kill ends it", time.Hour, func(t *testing.T, e *env) {
			// Another account's login: the kill counter is the server's.
			if _, err := e.srv.KillLogin(context.Background(), e.b.ID, "eve@other.org"); err != nil {
				t.Fatal(err)
			}
		}, http.StatusUnauthorized},
		{"recheck ends it", 50 * time.Millisecond, func(*testing.T, *env) { time.Sleep(100 * time.Millisecond) }, http.StatusUnauthorized},
		{"never reused", -1, func(*testing.T, *env) {}, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnvWith(t, envOptions{loginRecheck: tc.recheck})
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
