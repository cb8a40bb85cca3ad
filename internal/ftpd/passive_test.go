package ftpd_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/ftpd"
)

// TestPassiveRangeSkipsBusyPorts runs transfers through a three-port
// passive range of which one port is taken by another program: every
// transfer must find one of the two free ports.
func TestPassiveRangeSkipsBusyPorts(t *testing.T) {
	t.Parallel()
	ports := freeConsecutivePorts(t, 3)
	busy, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", ports[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	f := mustServer(t, ftpd.Config{PassivePortRange: fmt.Sprintf("%d-%d", ports[0], ports[2])}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	for i := range 12 {
		name := fmt.Sprintf("f%d.txt", i)
		mustStor(t, c, name, strings.Repeat("x", i))
		if got := mustRetr(t, c, name); got != strings.Repeat("x", i) {
			t.Fatalf("%s: read %q", name, got)
		}
	}
}

// freeConsecutivePorts finds n consecutive ports that are free now, from a
// random start, so that tests running in parallel (whose servers bind
// their passive ports later) do not pick the same ones. The ports lie
// below the kernel's ephemeral range: inside it, any test's outgoing
// connection could take one as its local port before the server binds it.
func freeConsecutivePorts(tb testing.TB, n int) []int {
	tb.Helper()
	low, high := 10000, ephemeralStart()-n
	if high-low < 100*n { // an unusual range: fall back to above 10000
		high = 60000
	}
	span, start := high-low, rand.IntN(high-low)
	for i := range 200 {
		if ports, ok := listenConsecutive(low+(start+i*97)%span, n); ok {
			return ports
		}
	}
	tb.Fatal("no free consecutive ports")
	return nil
}

// listenConsecutive reports whether ports base..base+n-1 can all be
// listened on now, and returns them.
func listenConsecutive(base, n int) ([]int, bool) {
	var ports []int
	for p := base; p < base+n; p++ {
		ln, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", p))
		if err != nil {
			break
		}
		defer ln.Close()
		ports = append(ports, p)
	}
	return ports, len(ports) == n
}

// ephemeralStart is the first port of the kernel's ephemeral range (Linux's
// default when it cannot be read).
func ephemeralStart() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	var lo, hi int
	if _, err := fmt.Sscan(string(b), &lo, &hi); err != nil {
		return 32768
	}
	return lo
}

// TestPassivePortsShared runs transfers of four sessions from one address at
// once through a four-port range: the ports' listeners are shared
// (multiplexed), each PASV reserves its port for its client's address
// until the data connection comes (so one address needs a port per
// session), and the sessions never get each other's data.
func TestPassivePortsShared(t *testing.T) {
	t.Parallel()
	ports := freeConsecutivePorts(t, 4)
	f := mustServer(t, ftpd.Config{PassivePortRange: fmt.Sprintf("%d-%d", ports[0], ports[3])}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
	var wg sync.WaitGroup
	for s := range 4 {
		c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
		wg.Go(func() {
			for i := range 15 {
				name, body := fmt.Sprintf("s%d-%d.txt", s, i), strings.Repeat(string(rune('a'+s)), 100+i)
				if err := c.Stor(name, strings.NewReader(body)); err != nil {
					t.Errorf("%s: %v", name, err)
					return
				}
				r, err := c.Retr(name)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					return
				}
				got, err := io.ReadAll(r)
				_ = r.Close()
				if err != nil || string(got) != body {
					t.Errorf("%s: read %q, %v", name, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestPassivePortRefusesOtherAddress connects to a session's passive port
// from another address before the client does: the stranger gets nothing
// and the client's transfer goes through.
func TestPassivePortRefusesOtherAddress(t *testing.T) {
	t.Parallel()
	ports := freeConsecutivePorts(t, 2)
	f := mustServer(t, ftpd.Config{PassivePortRange: fmt.Sprintf("%d-%d", ports[0], ports[1])}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
	ctrl := mustRawLogin(t, f.addr, "bob@example.com", "bob-pass")
	port := epsvPort(t, ctrl)
	stranger := dialPortFrom(t, "127.0.0.2", port)
	stranger.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := stranger.Read(make([]byte, 1)); err == nil || n > 0 {
		t.Errorf("a stranger's connection to the passive port read %d bytes, %v; want it closed", n, err)
	}
	data := dialPortFrom(t, "127.0.0.1", port)
	ctrl.cmd(t, 150, "RETR marker.txt")
	got, err := io.ReadAll(data)
	if err != nil || string(got) != "home of bob@example.com" {
		t.Errorf("the client read %q, %v", got, err)
	}
	ctrl.cmd(t, 226, "")
}

// rawConn is a control connection driven line by line.
type rawConn struct{ *textproto.Conn }

func mustRawLogin(tb testing.TB, addr, user, pass string) rawConn {
	tb.Helper()
	c, err := textproto.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	r := rawConn{c}
	r.cmd(tb, 220, "")
	r.cmd(tb, 331, "USER "+user)
	r.cmd(tb, 230, "PASS "+pass)
	return r
}

// cmd sends line (none if empty) and reads a reply, which must have code.
func (r rawConn) cmd(tb testing.TB, code int, line string) string {
	tb.Helper()
	if line != "" {
		if err := r.PrintfLine("%s", line); err != nil {
			tb.Fatal(err)
		}
	}
	_, msg, err := r.ReadResponse(code)
	if err != nil {
		tb.Fatalf("%q: %v", line, err)
	}
	return msg
}

// dialPortFrom connects to port on 127.0.0.1 from the local address from.
func dialPortFrom(tb testing.TB, from string, port int) net.Conn {
	tb.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}
