package ftpserver

import (
	"errors"
	"io"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestPassiveCloseDrainsQueued: a data connection made for a reservation
// that closes without accepting it (a RETR refused before the transfer
// opened) is closed with the reservation, and the next reservation of the
// same address on the same port gets its own connection, not that one.
func TestPassiveCloseDrainsQueued(t *testing.T) {
	l, addr := newTestSharedListener(t)

	first := reserveFor(t, l, "127.0.0.1", time.Minute)
	stale := dialFrom(t, "127.0.0.1", addr)
	waitQueued(t, l, 1)
	_ = first.Close()

	_ = stale.SetReadDeadline(time.Now().Add(time.Minute))
	if _, err := stale.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("stale data connection: read %v, want EOF (closed by the server)", err)
	}

	second := reserveFor(t, l, "127.0.0.1", time.Minute)
	defer second.Close()
	fresh := dialFrom(t, "127.0.0.1", addr)
	conn, err := second.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if conn.RemoteAddr().String() != fresh.LocalAddr().String() {
		t.Fatalf("second reservation got %s, want its own connection %s", conn.RemoteAddr(), fresh.LocalAddr())
	}
}

// waitQueued waits until n connections wait in the port's accept queue
// (a listening socket's tcpi_unacked is its accept queue's length).
func waitQueued(t *testing.T, l *sharedPassiveListener, n uint32) {
	t.Helper()
	rc, err := l.listener.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	for {
		var queued uint32
		if err := rc.Control(func(fd uintptr) {
			info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
			if err == nil {
				queued = info.Unacked
			}
		}); err != nil {
			t.Fatal(err)
		}
		if queued >= n {
			return
		}
		runtime.Gosched()
	}
}
