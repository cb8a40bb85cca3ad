package ftpserver

import (
	"net"

	"golang.org/x/sys/unix"
)

// queuedConns returns how many connections wait in ln's accept queue (a
// listening socket's tcpi_unacked is its accept queue's length), and
// whether it could tell.
func queuedConns(ln *net.TCPListener) (uint32, bool) {
	rc, err := ln.SyscallConn()
	if err != nil {
		return 0, false
	}

	var (
		queued uint32
		ok     bool
	)

	if err := rc.Control(func(fd uintptr) {
		info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
		if err == nil {
			queued, ok = info.Unacked, true
		}
	}); err != nil {
		return 0, false
	}

	return queued, ok
}
