package ftpd_test

import (
	"bufio"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/netlimit"
)

// refusedCount returns uapid_listener_refused_total{server="ftp",reason}.
func refusedCount(tb testing.TB, reg *prometheus.Registry, reason string) float64 {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "uapid_listener_refused_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			if labels["server"] == "ftp" && labels["reason"] == reason {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// dialFrom dials the server from the local address ip with jlaffaye/ftp.
func dialFrom(ip string) ftp.DialOption {
	return ftp.DialWithDialFunc(func(network, address string) (net.Conn, error) {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
		return d.Dial(network, address)
	})
}

// One login may hold MaxSessionsPerLogin sessions: one more gets a clear
// 530 after its correct password, other logins still get in, and a closed
// session frees its place.
func TestMaxSessionsPerLogin(t *testing.T) {
	reg := prometheus.NewRegistry()
	f := mustServer(t, ftpd.Config{MaxSessionsPerLogin: 2, Metrics: netlimit.NewMetrics(reg)}, lenientLimits())
	a := f.mustAccount(t, "alice", "alice-pass", "alice.example")
	f.mustFTPAccount(t, a, "bob", "alice.example", "bob-pass", "public_html/bob", 0)
	first := mustLogin(t, f.addr, "alice", "alice-pass")
	mustLogin(t, f.addr, "alice", "alice-pass")
	err := loginErr(t, f.addr, "alice", "alice-pass")
	if replyCode(err) != ftp.StatusNotLoggedIn || !strings.Contains(err.Error(), "Too many sessions for this login") {
		t.Fatalf("third session: %v, want 530 Too many sessions", err)
	}
	if got := refusedCount(t, reg, "max_sessions_per_login"); got != 1 {
		t.Errorf("refused max_sessions_per_login = %v, want 1", got)
	}
	if err := loginErr(t, f.addr, "alice", "wrong"); err == nil || strings.Contains(err.Error(), "Too many") {
		t.Errorf("a wrong password learned about the sessions: %v", err)
	}
	mustLogin(t, f.addr, "bob@alice.example", "bob-pass") // another login of the same account
	if err := first.Quit(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return len(f.sessions(t, a.ID)) == 2 })
	mustLogin(t, f.addr, "alice", "alice-pass")
}

// Control connections over the per-IP and total limits get 421 before
// the banner; connections that never log in count too.
func TestConnectionLimits(t *testing.T) {
	reg := prometheus.NewRegistry()
	f := mustServer(t, ftpd.Config{Limits: netlimit.Limits{MaxConns: 3, MaxConnsPerIP: 2},
		Metrics: netlimit.NewMetrics(reg)}, lenientLimits())
	mustDial(t, f.addr, dialFrom("127.0.0.1"))
	mustDial(t, f.addr, dialFrom("127.0.0.1"))
	_, err := ftp.Dial(f.addr, ftp.DialWithTimeout(10*time.Second), dialFrom("127.0.0.1"))
	if replyCode(err) != ftp.StatusNotAvailable || !strings.Contains(err.Error(), "your IP address") {
		t.Errorf("third from one IP: %v, want 421", err)
	}
	mustDial(t, f.addr, dialFrom("127.0.0.2"))
	_, err = ftp.Dial(f.addr, ftp.DialWithTimeout(10*time.Second), dialFrom("127.0.0.3"))
	if replyCode(err) != ftp.StatusNotAvailable {
		t.Errorf("over the total: %v, want 421", err)
	}
	if got := refusedCount(t, reg, netlimit.ReasonMaxConnsPerIP); got != 1 {
		t.Errorf("refused per IP = %v, want 1", got)
	}
	if got := refusedCount(t, reg, netlimit.ReasonMaxConns); got != 1 {
		t.Errorf("refused total = %v, want 1", got)
	}
}

// A connection that does not log in is closed after the login timeout
// with 421, although the logged-in idle timeout is far longer; a session
// that logged in outlives the login timeout.
func TestLoginTimeout(t *testing.T) {
	reg := prometheus.NewRegistry()
	f := mustServer(t, ftpd.Config{LoginTimeout: 500 * time.Millisecond, IdleTimeout: time.Hour,
		Metrics: netlimit.NewMetrics(reg)}, lenientLimits())
	f.mustAccount(t, "alice", "alice-pass", "alice.example")
	in := mustLogin(t, f.addr, "alice", "alice-pass")
	c, err := net.Dial("tcp", f.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	banner, _ := r.ReadString('\n')
	if !strings.HasPrefix(banner, "220") {
		t.Fatalf("banner %q", banner)
	}
	_, _ = c.Write([]byte("USER alice\r\n"))
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "331") {
		t.Fatalf("USER: %q", line)
	}
	line, err := r.ReadString('\n') // nothing more is sent: the timeout answers
	if !strings.HasPrefix(line, "421") {
		t.Fatalf("after the login timeout: %q %v, want 421", line, err)
	}
	if _, err := r.ReadString('\n'); err == nil {
		t.Error("connection still open after the 421")
	}
	if got := refusedCount(t, reg, "login_timeout"); got != 1 {
		t.Errorf("refused login_timeout = %v, want 1", got)
	}
	time.Sleep(time.Second) // past the login timeout: the logged-in session must not care
	if err := in.NoOp(); err != nil {
		t.Errorf("logged-in session cut by the login timeout: %v", err)
	}
}

// The login timeout runs from the connection's accept: commands sent
// meanwhile (USER, then a NOOP every 100 ms) do not extend it.
func TestLoginTimeoutIsNotExtendedByCommands(t *testing.T) {
	t.Parallel()
	f := mustServer(t, ftpd.Config{LoginTimeout: 700 * time.Millisecond, IdleTimeout: time.Hour}, lenientLimits())
	f.mustAccount(t, "alice", "alice-pass", "alice.example")
	c, err := textproto.Dial("tcp", f.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if code, msg, err := c.ReadResponse(220); err != nil {
		t.Fatalf("banner: %d %s %v", code, msg, err)
	}
	steps := []string{"USER alice"}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		cmd := "NOOP"
		if len(steps) > 0 {
			cmd, steps = steps[0], steps[1:]
		}
		if err := c.PrintfLine("%s", cmd); err != nil {
			return // closed after its 421
		}
		code, _, err := c.ReadResponse(0)
		if code == 421 || err != nil {
			if _, _, err := c.ReadResponse(0); err == nil {
				t.Error("connection still open after the 421")
			}
			return
		}
	}
	t.Fatal("a connection that never logged in outlived its login timeout by sending commands")
}

func waitUntil(tb testing.TB, ok func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	tb.Fatal("condition not reached in 10 s")
}
