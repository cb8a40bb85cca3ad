package ftpserver

import (
	"log/slog"
	"net"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// TestPassiveDataConnKeepAlive: a data connection accepted on a shared
// passive listener has Go's default keep-alive, inherited from the
// listener (Go itself sets nothing on it since patch 4; strace shows the
// four setsockopt calls per data connection gone).
func TestPassiveDataConnKeepAlive(t *testing.T) {
	l, err := newSharedPassiveListener(0, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	r, err := l.reserve(net.ParseIP("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	client, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(l.listener.Addr().(*net.TCPAddr).Port))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	conn, err := r.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rc, err := conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	_ = rc.Control(func(fd uintptr) {
		for _, o := range passiveKeepAlive {
			if got, err := unix.GetsockoptInt(int(fd), o.level, o.opt); err != nil || got != o.value {
				t.Errorf("option %d/%d = %d, %v; want %d", o.level, o.opt, got, err, o.value)
			}
		}
	})
}
