//go:build !linux

package ftpserver

import "net"

// queuedConns cannot tell the accept queue's length here: drain then
// accepts for drainWait only.
func queuedConns(*net.TCPListener) (uint32, bool) { return 0, false }
