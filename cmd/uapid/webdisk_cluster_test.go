package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
)

// davConn is a Web Disk connection kept open by HTTP keep-alive after one
// authenticated request.
type davConn struct {
	conn net.Conn
	r    *bufio.Reader
}

// mustDAVConn opens a TLS connection to s's Web Disk listener and makes one
// PROPFIND on it as login.
func mustDAVConn(t *testing.T, s *server, login, pass string) *davConn {
	t.Helper()
	addr := s.main.Addr("webdav").String()
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &davConn{conn: conn, r: bufio.NewReader(conn)}
	if code := c.propfind(t, addr, login, pass); code != http.StatusMultiStatus {
		t.Fatalf("PROPFIND as %s on node B: %d", login, code)
	}
	return c
}

func (c *davConn) propfind(t *testing.T, addr, login, pass string) int {
	t.Helper()
	req, _ := http.NewRequest("PROPFIND", "https://"+addr+"/", nil)
	req.SetBasicAuth(login, pass)
	req.Header.Set("Depth", "0")
	if err := req.Write(c.conn); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(c.r, req)
	if err != nil {
		t.Fatalf("PROPFIND as %s: %v", login, err)
	}
	res.Body.Close()
	return res.StatusCode
}

// closed reports whether the server closes the connection within wait.
func (c *davConn) closed(wait time.Duration) bool {
	_ = c.conn.SetReadDeadline(time.Now().Add(wait))
	_, err := c.r.ReadByte()
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

// TestTwoNodesWebDiskKills: Web Disk connections held by node B are closed
// when node A changes what they were allowed under — a Web Disk login's
// password or its deletion, the account's password, suspension or
// deletion — through the PostgreSQL LISTEN/NOTIFY path FTP kills use.
// Node A runs no Web Disk server of its own.
func TestTwoNodesWebDiskKills(t *testing.T) {
	dsn := fixture.PostgresDSN(t, "running several nodes")
	a := mustNode(t, dsn, "node-a", true)
	b := mustNodeWith(t, dsn, "node-b", false, map[string]string{"UAPID_WEBDAV_ADDR": "127.0.0.1:0"})
	a.demo = mustDemo(t, a)
	demoPass := a.demo.Password
	api := func(fn string, args url.Values) {
		t.Helper()
		r := getResult(t, a.http, a.url+"/execute/WebDisk/"+fn+"?"+args.Encode(),
			func(q *http.Request) { q.SetBasicAuth("demo", demoPass) })
		if r.Status != 1 {
			t.Fatalf("WebDisk::%s on node A: %+v", fn, r)
		}
	}
	ctx := context.Background()
	mustAlive := func(c *davConn, what string) {
		t.Helper()
		if c.closed(300 * time.Millisecond) {
			t.Fatalf("%s: a connection that should stay open was closed", what)
		}
	}
	mustClosed := func(c *davConn, what string) {
		t.Helper()
		if !c.closed(10 * time.Second) {
			t.Fatalf("%s: node B's Web Disk connection is still open", what)
		}
	}

	api("add_user", url.Values{"user": {"roamer"}, "password": {"Roamer-pass-1"}, "perms": {"rw"}})
	roamer := mustDAVConn(t, b, "roamer@demo.example", "Roamer-pass-1")
	main := mustDAVConn(t, b, "demo", demoPass)
	api("set_password", url.Values{"user": {"roamer"}, "password": {"Roamer-pass-2"}})
	mustClosed(roamer, "WebDisk::set_password on node A")
	mustAlive(main, "another login of the account after set_password")

	roamer = mustDAVConn(t, b, "roamer@demo.example", "Roamer-pass-2")
	api("delete_user", url.Values{"user": {"roamer"}, "destroy": {"0"}})
	mustClosed(roamer, "WebDisk::delete_user on node A")

	demoPass = "Demo-pass-new-1"
	if err := a.main.accounts.SetPassword(ctx, "demo", demoPass); err != nil {
		t.Fatal(err)
	}
	mustClosed(main, "the account's password changed on node A")

	main = mustDAVConn(t, b, "demo", demoPass)
	if err := a.main.accounts.SetSuspended(ctx, "demo", true); err != nil {
		t.Fatal(err)
	}
	mustClosed(main, "the account suspended on node A")
	again := &davConn{}
	conn, err := tls.Dial("tcp", b.main.Addr("webdav").String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	again.conn, again.r = conn, bufio.NewReader(conn)
	if code := again.propfind(t, b.main.Addr("webdav").String(), "demo", demoPass); code != http.StatusUnauthorized {
		t.Errorf("a suspended account logs in on node B: %d", code)
	}

	if err := a.main.accounts.SetSuspended(ctx, "demo", false); err != nil {
		t.Fatal(err)
	}
	main = mustDAVConn(t, b, "demo", demoPass)
	if err := a.main.accounts.Delete(ctx, "demo"); err != nil {
		t.Fatal(err)
	}
	mustClosed(main, "the account deleted on node A")
}
