package liveapi

import (
	"fmt"
	"net"
	"syscall"
)

// checkPeer reports whether the process at the other end of c runs as uid
// and belongs to process group pgid. The kernel records the
// peer's credentials when it connects (SO_PEERCRED), so a client cannot
// claim to be someone else.
func checkPeer(c *net.UnixConn, uid, pgid int) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return fmt.Errorf("liveapi: peer credentials: %w", err)
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return fmt.Errorf("liveapi: peer credentials: %w", err)
	}
	if credErr != nil {
		return fmt.Errorf("liveapi: peer credentials: %w", credErr)
	}
	if int(cred.Uid) != uid {
		return fmt.Errorf("liveapi: peer pid %d runs as uid %d, not %d", cred.Pid, cred.Uid, uid)
	}
	// A peer that has already exited has no group: refused too.
	g, err := syscall.Getpgid(int(cred.Pid))
	if err != nil {
		return fmt.Errorf("liveapi: process group of peer pid %d: %w", cred.Pid, err)
	}
	if g != pgid {
		return fmt.Errorf("liveapi: peer pid %d is in process group %d, not the page's %d", cred.Pid, g, pgid)
	}
	return nil
}
