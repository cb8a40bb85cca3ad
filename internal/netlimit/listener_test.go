package netlimit_test

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/uapid/uapid/internal/netlimit"
)

// metricValue returns the value of the sample of name whose labels include
// every "k=v" given, 0 if there is none.
func metricValue(tb testing.TB, reg *prometheus.Registry, name string, labels ...string) float64 {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
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
				return m.Counter.GetValue()
			}
			return m.Gauge.GetValue()
		}
	}
	return 0
}

// server is an HTTP server on a limited listener.
type server struct {
	addr string
	reg  *prometheus.Registry
	ln   *netlimit.Listener
}

func mustServer(tb testing.TB, lim netlimit.Limits, tlsCfg *tls.Config, h http.Handler) *server {
	tb.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	ln := netlimit.Wrap(raw, "https", lim, netlimit.HTTPRefuser(tlsCfg), netlimit.NewMetrics(reg))
	var serveLn net.Listener = ln
	if tlsCfg != nil {
		serveLn = tls.NewListener(ln, tlsCfg)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(serveLn) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return &server{addr: raw.Addr().String(), reg: reg, ln: ln}
}

var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	_, _ = io.WriteString(w, "hello")
})

// mustHold opens a connection from the local address ip that the server
// has admitted (it answered a request on it), and keeps it open.
func mustHold(tb testing.TB, s *server, ip string, tlsCfg *tls.Config) net.Conn {
	tb.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", s.addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	if tlsCfg != nil {
		c = tls.Client(c, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // test certificate
	}
	resp := roundTrip(tb, c)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("held connection from %s: status %d", ip, resp.StatusCode)
	}
	return c
}

// roundTrip sends one keep-alive GET on c and reads the answer.
func roundTrip(tb testing.TB, c net.Conn) *http.Response {
	tb.Helper()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
		tb.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		tb.Fatalf("read answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return resp
}

// dialAndAsk opens a fresh connection from ip and returns the answer to
// one request on it.
func dialAndAsk(tb testing.TB, s *server, ip string, tlsCfg *tls.Config) (int, string, string) {
	tb.Helper()
	c := dialFrom(tb, s, ip)
	defer c.Close()
	if tlsCfg != nil {
		c = tls.Client(c, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // test certificate
	}
	resp := roundTrip(tb, c)
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
}

// A client over the per-IP limit gets 429 while others still get in; once
// the listener is full everyone gets 503; each refusal is counted, and a
// closed connection gives its place back.
func TestListenerRefusesOverLimits(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", secure), func(t *testing.T) {
			var tlsCfg *tls.Config
			if secure {
				ts := httptest.NewUnstartedServer(nil)
				ts.StartTLS()
				tlsCfg = ts.TLS.Clone()
				ts.Close()
			}
			s := mustServer(t, netlimit.Limits{MaxConns: 3, MaxConnsPerIP: 2}, tlsCfg, hello)
			first := mustHold(t, s, "127.0.0.1", tlsCfg)
			mustHold(t, s, "127.0.0.1", tlsCfg)
			code, retry, body := dialAndAsk(t, s, "127.0.0.1", tlsCfg)
			if code != http.StatusTooManyRequests || retry != "5" || !strings.Contains(body, "Too many connections") {
				t.Errorf("third connection from one IP: %d Retry-After %q %q, want 429", code, retry, body)
			}
			mustHold(t, s, "127.0.0.2", tlsCfg)
			if code, _, _ := dialAndAsk(t, s, "127.0.0.3", tlsCfg); code != http.StatusServiceUnavailable {
				t.Errorf("fourth connection: %d, want 503", code)
			}
			if got := metricValue(t, s.reg, "uapid_listener_refused_total", "server=https", "reason=max_conns_per_ip"); got != 1 {
				t.Errorf("refused per IP = %v, want 1", got)
			}
			if got := metricValue(t, s.reg, "uapid_listener_refused_total", "server=https", "reason=max_conns"); got != 1 {
				t.Errorf("refused total = %v, want 1", got)
			}
			_ = first.Close()
			waitFor(t, func() bool { total, _ := s.ln.Open("127.0.0.1"); return total == 2 })
			if code, _, _ := dialAndAsk(t, s, "127.0.0.3", tlsCfg); code != http.StatusOK {
				t.Errorf("after a close: %d, want 200", code)
			}
		})
	}
}

func waitFor(tb testing.TB, ok func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	tb.Fatal("condition not reached in 10 s")
}

// The FTP refusal is one reply line before any banner.
func TestLineRefuser(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := netlimit.Wrap(raw, "ftp", netlimit.Limits{MaxConnsPerIP: 1},
		netlimit.LineRefuser(func(r string) string { return "421 refused: " + r }), nil)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, "220 hello\r\n")
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	read := func() string {
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return line
	}
	if got := read(); got != "220 hello\r\n" {
		t.Fatalf("first: %q", got)
	}
	if got := read(); got != "421 refused: max_conns_per_ip\r\n" {
		t.Errorf("second: %q", got)
	}
}

// An address that keeps retrying over its own limit gets its first refusals
// answered and the rest closed unanswered: answers cost a TLS handshake
// each, and a flood must not decide how many the server makes. Another
// address over its limit still gets its own answers.
func TestListenerAnswersARetryingAddressSparingly(t *testing.T) {
	s := mustServer(t, netlimit.Limits{MaxConnsPerIP: 1}, nil, hello)
	mustHold(t, s, "127.0.0.1", nil)
	answered, closed := 0, 0
	const tries = 100 // answered one per 200 ms after a burst: far fewer than 100 in the test's time
	for range tries {
		if askOrClosed(t, s, "127.0.0.1") == http.StatusTooManyRequests {
			answered++
		} else {
			closed++
		}
	}
	if answered == 0 || closed == 0 {
		t.Fatalf("%d tries over the limit: %d answered 429, %d closed unanswered; want both", tries, answered, closed)
	}
	mustHold(t, s, "127.0.0.2", nil)
	if code := askOrClosed(t, s, "127.0.0.2"); code != http.StatusTooManyRequests {
		t.Errorf("another address over its limit: %d, want 429", code)
	}
	if got := metricValue(t, s.reg, "uapid_listener_refused_total", "reason=max_conns_per_ip"); got != tries+1 {
		t.Errorf("refused per IP = %v, want %d (answered or not, each refusal counts)", got, tries+1)
	}
}

// askOrClosed opens a connection from ip and sends a request: the answer's
// status, or 0 when the server closed the connection without one.
func askOrClosed(tb testing.TB, s *server, ip string) int {
	tb.Helper()
	c := dialFrom(tb, s, ip)
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: test\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// TestConnReadNoAlloc: a read that succeeds allocates nothing (the
// net.Error its timeout count fills escaped to the heap on every read).
func TestConnReadNoAlloc(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := netlimit.Wrap(raw, "ftp", netlimit.Limits{}, nil, netlimit.NewMetrics(prometheus.NewRegistry()))
	t.Cleanup(func() { _ = ln.Close() })
	client, err := net.Dial("tcp", raw.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Close() })
	const runs = 100
	if _, err := client.Write([]byte(strings.Repeat("x", runs+1))); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1)
	allocs := testing.AllocsPerRun(runs, func() {
		if _, err := server.Read(buf); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per read, want 0", allocs)
	}
}

// dialFrom opens a connection to s from the local address ip.
func dialFrom(tb testing.TB, s *server, ip string) net.Conn {
	tb.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", s.addr)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestWriteTimeoutCounted: a write that a deadline cuts, because the
// client stopped reading, is counted by server; a write cut by a sentinel
// deadline (an interruption) is not.
func TestWriteTimeoutCounted(t *testing.T) {
	t.Parallel()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	ln := netlimit.Wrap(raw, "webdav", netlimit.Limits{}, nil, netlimit.NewMetrics(reg))
	t.Cleanup(func() { _ = ln.Close() })
	client, err := net.Dial("tcp", raw.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() }) // never reads
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	big := make([]byte, 64<<20) // more than the socket buffers hold
	for _, step := range []struct {
		deadline time.Time
		want     float64
	}{
		{time.Unix(1, 0), 0}, // a sentinel: an interruption, not a slow client
		{time.Now().Add(100 * time.Millisecond), 1},
	} {
		if err := c.SetWriteDeadline(step.deadline); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(big); err == nil {
			t.Fatal("a 64 MiB write to a client that reads nothing succeeded")
		}
		if got := metricValue(t, reg, "uapid_listener_write_timeouts_total", "server=webdav"); got != step.want {
			t.Errorf("write timeouts = %v, want %v", got, step.want)
		}
	}
}
