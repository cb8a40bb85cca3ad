package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/config"
	"github.com/uapid/uapid/internal/fixture"
)

// limited is a uapid booted with small limits for tests that exceed them.
type limited struct {
	main   *Main
	demo   demoCredentials
	closed bool // the test closed main itself
}

// mustServeLimited boots uapid on 127.0.0.1:0 with the demo account and the
// given options on top of a minimal environment.
func mustServeLimited(t *testing.T, opts map[string]string) *limited {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"UAPID_DATA_DIR": dir, "UAPID_HTTPS_ADDR": "127.0.0.1:0", "UAPID_FTP_ADDR": "127.0.0.1:0",
		"UAPID_WEBDAV_ADDR": "127.0.0.1:0", "UAPID_WHM_ADDR": "127.0.0.1:0", "UAPID_HOSTNAME": "localhost", "UAPID_MAIL_UID": "65534", "UAPID_MAIL_GID": "65534"}
	for k, v := range opts {
		env[k] = v
	}
	cfg, err := config.Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Demo: true, Log: fixture.Logger(t)}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	l := &limited{main: m}
	t.Cleanup(func() {
		if !l.closed {
			_ = m.Close()
		}
	})
	b, err := os.ReadFile(filepath.Join(dir, "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &l.demo); err != nil {
		t.Fatal(err)
	}
	return l
}

// metric returns the sum of the samples of name whose labels include every
// "k=v" given.
func (l *limited) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := l.main.metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for _, kv := range labels {
				k, v, _ := strings.Cut(kv, "=")
				if have[k] != v {
					continue next
				}
			}
			if m.Counter != nil {
				sum += m.Counter.GetValue()
			} else if m.Gauge != nil {
				sum += m.Gauge.GetValue()
			}
		}
	}
	return sum
}

// dialTLS opens a TLS connection to server from the local address ip.
func (l *limited) dialTLS(t *testing.T, server, ip string) *tls.Conn {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", l.main.Addr(server).String(), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // self-signed
	if err != nil {
		t.Fatalf("dial %s from %s: %v", server, ip, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// ask sends a request head (and body) on c and reads the answer.
func ask(t *testing.T, c net.Conn, head string) *http.Response {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp
}

// waitCut waits until the server closes c (a read ends in EOF or reset)
// while trickle keeps sending a byte every interval.
func waitCut(t *testing.T, c net.Conn, every time.Duration) {
	t.Helper()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(every):
				if _, err := c.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.ReadAll(c); err != nil && isTimeout(err) {
		t.Fatal("a slow body still held its connection after 30 s")
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// HTTPS: connections over the per-IP and total limits are refused with 429
// and 503, a slow login body is cut by the read timeout, and each is
// counted.
func TestHTTPSLimits(t *testing.T) {
	l := mustServeLimited(t, map[string]string{"UAPID_HTTP_MAX_CONNS": "3", "UAPID_HTTP_MAX_CONNS_PER_IP": "2",
		"UAPID_HTTP_READ_TIMEOUT": "1s"})
	const health = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
	t.Run("per IP", func(t *testing.T) {
		for range 2 {
			if r := ask(t, l.dialTLS(t, "https", "127.0.0.1"), health); r.StatusCode != http.StatusOK {
				t.Fatalf("held connection: %d", r.StatusCode)
			}
		}
		if r := ask(t, l.dialTLS(t, "https", "127.0.0.1"), health); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("third from one IP: %d, want 429", r.StatusCode)
		}
		if r := ask(t, l.dialTLS(t, "https", "127.0.0.2"), health); r.StatusCode != http.StatusOK {
			t.Errorf("another IP: %d, want 200", r.StatusCode)
		}
		if r := ask(t, l.dialTLS(t, "https", "127.0.0.3"), health); r.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("over the total: %d, want 503", r.StatusCode)
		}
		if got := l.metric(t, "uapid_listener_refused_total", "server=https", "reason=max_conns_per_ip"); got != 1 {
			t.Errorf("refused per IP = %v, want 1", got)
		}
		if got := l.metric(t, "uapid_listener_refused_total", "server=https", "reason=max_conns"); got != 1 {
			t.Errorf("refused total = %v, want 1", got)
		}
	})
	t.Run("slow login body", func(t *testing.T) {
		waitFor(t, func() bool { return l.metric(t, "uapid_listener_connections", "server=https") == 0 }, "held connections to close")
		before := l.metric(t, "uapid_listener_timeouts_total", "server=https")
		c := l.dialTLS(t, "https", "127.0.0.4")
		fmt.Fprintf(c, "POST /login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
		waitCut(t, c, 200*time.Millisecond)
		if after := l.metric(t, "uapid_listener_timeouts_total", "server=https"); after <= before {
			t.Errorf("timeouts %v → %v, want an increase", before, after)
		}
	})
}

func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("waited 15 s for %s", what)
}

// Web Disk: the per-IP limit answers 429 over TLS, and a PUT body that
// trickles is cut once it falls below the minimum rate.
func TestWebDAVLimits(t *testing.T) {
	l := mustServeLimited(t, map[string]string{"UAPID_WEBDAV_MAX_CONNS_PER_IP": "1",
		"UAPID_WEBDAV_STALL_TIMEOUT": "500ms", "UAPID_WEBDAV_MIN_RATE": "1000"})
	const options = "OPTIONS / HTTP/1.1\r\nHost: localhost\r\n\r\n"
	held := l.dialTLS(t, "webdav", "127.0.0.1")
	if r := ask(t, held, options); r.StatusCode >= 500 {
		t.Fatalf("held connection: %d", r.StatusCode)
	}
	if r := ask(t, l.dialTLS(t, "webdav", "127.0.0.1"), options); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("second from one IP: %d, want 429", r.StatusCode)
	}
	if got := l.metric(t, "uapid_listener_refused_total", "server=webdav", "reason=max_conns_per_ip"); got != 1 {
		t.Errorf("refused per IP = %v, want 1", got)
	}
	before := l.metric(t, "uapid_listener_timeouts_total", "server=webdav")
	c := l.dialTLS(t, "webdav", "127.0.0.2")
	fmt.Fprintf(c, "PUT /slow.txt HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic %s\r\nContent-Length: 100000\r\n\r\n",
		basicAuth(l.demo.User, l.demo.Password))
	waitCut(t, c, 200*time.Millisecond)
	if after := l.metric(t, "uapid_listener_timeouts_total", "server=webdav"); after <= before {
		t.Errorf("timeouts %v → %v, want an increase", before, after)
	}
}

func basicAuth(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}

// Each server stops within its own grace: when HTTPS's grace ends its slow
// request is cut, while a Web Disk upload with a longer grace finishes.
func TestShutdownGracePerServer(t *testing.T) {
	l := mustServeLimited(t, map[string]string{"UAPID_HTTP_SHUTDOWN_GRACE": "500ms", "UAPID_WEBDAV_SHUTDOWN_GRACE": "30s"})
	slow := l.dialTLS(t, "https", "127.0.0.1")
	fmt.Fprintf(slow, "POST /login/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n")
	put := l.dialTLS(t, "webdav", "127.0.0.1")
	const size = 20 * 4096
	fmt.Fprintf(put, "PUT /graceful.txt HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic %s\r\nContent-Length: %d\r\n\r\n",
		basicAuth(l.demo.User, l.demo.Password), size)
	if _, err := put.Write(make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // both requests are in their handlers
	l.closed = true
	closed := make(chan error, 1)
	go func() { closed <- l.main.Close() }()
	_ = slow.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.ReadAll(slow); isTimeout(err) {
		t.Fatal("HTTPS request outlived its shutdown grace")
	}
	// The HTTPS grace is over; the upload goes on.
	for range 19 {
		if _, err := put.Write(make([]byte, 4096)); err != nil {
			t.Fatalf("upload cut before the Web Disk grace ended: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.ReadResponse(bufio.NewReader(put), nil)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT during shutdown: %v %v", resp, err)
	}
	if err := <-closed; err != nil {
		t.Logf("close: %v", err) // the HTTPS server's grace ran out, as intended
	}
	st, err := os.Stat(filepath.Join(l.main.Config.DataDir, "home", "demo", "graceful.txt"))
	if err != nil || st.Size() != size {
		t.Errorf("uploaded file: %v %v", st, err)
	}
}

// HTTPS, WHM, Web Disk and FTPS (AUTH TLS) all refuse a client that offers only
// CBC-SHA1 suites and accept one with ECDHE and AES-GCM.
func TestTLSSuitesOnEveryListener(t *testing.T) {
	l := mustServeLimited(t, nil)
	cbc := []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA}
	gcm := []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}
	handshake := func(t *testing.T, server string, suites []uint16) error {
		c, err := net.DialTimeout("tcp", l.main.Addr(server).String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if server == "ftp" {
			r := bufio.NewReader(c)
			if banner, _ := r.ReadString('\n'); !strings.HasPrefix(banner, "220") {
				t.Fatalf("banner %q", banner)
			}
			_, _ = io.WriteString(c, "AUTH TLS\r\n")
			if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "234") {
				t.Fatalf("AUTH TLS: %q", line)
			}
		}
		return tls.Client(c, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, //nolint:gosec // self-signed
			CipherSuites: suites}).Handshake()
	}
	for _, server := range []string{"https", "whm", "webdav", "ftp"} {
		t.Run(server, func(t *testing.T) {
			if err := handshake(t, server, cbc); err == nil {
				t.Error("CBC-SHA1 handshake succeeded")
			}
			if err := handshake(t, server, gcm); err != nil {
				t.Errorf("ECDHE-AES-GCM handshake: %v", err)
			}
		})
	}
}

// The FTP options reach the server: a connection that does not log in is
// cut after ftp_login_timeout with 421, and counted.
func TestFTPLoginTimeoutOption(t *testing.T) {
	l := mustServeLimited(t, map[string]string{"UAPID_FTP_LOGIN_TIMEOUT": "300ms"})
	c, err := net.DialTimeout("tcp", l.main.Addr("ftp").String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	if banner, _ := r.ReadString('\n'); !strings.HasPrefix(banner, "220") {
		t.Fatalf("banner %q", banner)
	}
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "421") {
		t.Fatalf("after the login timeout: %q, want 421", line)
	}
	if got := l.metric(t, "uapid_listener_refused_total", "server=ftp", "reason=login_timeout"); got != 1 {
		t.Errorf("refused login_timeout = %v, want 1", got)
	}
}
