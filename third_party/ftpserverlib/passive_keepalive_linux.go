package ftpserver

import (
	"fmt"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// passiveKeepAlive is what Go sets on every accepted TCP connection by
// default (net.KeepAliveConfig's defaults): 15 s idle, 15 s between
// probes, 9 probes.
var passiveKeepAlive = [...]struct{ level, opt, value int }{
	{unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1},
	{unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, 15},
	{unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, 15},
	{unix.IPPROTO_TCP, unix.TCP_KEEPCNT, 9},
}

// passiveListenConfig sets the keep-alive options once on a shared passive
// listener, whose accepted data connections inherit them on Linux, instead
// of four setsockopt calls on every data connection (KeepAlive -1 stops Go
// from setting them per connection). Data connections have no deadline, so
// keep-alive is what notices a client that vanished mid-transfer.
func passiveListenConfig() net.ListenConfig {
	return net.ListenConfig{KeepAlive: -1, Control: setPassiveKeepAlive}
}

func setPassiveKeepAlive(_, _ string, c syscall.RawConn) error {
	var errSet error

	err := c.Control(func(fd uintptr) {
		for _, o := range passiveKeepAlive {
			if errSet = unix.SetsockoptInt(int(fd), o.level, o.opt, o.value); errSet != nil {
				return
			}
		}
	})
	if err == nil {
		err = errSet
	}

	if err != nil {
		return fmt.Errorf("passive listener keep-alive: %w", err)
	}

	return nil
}
