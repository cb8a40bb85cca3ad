//go:build !linux

package ftpserver

import "net"

// passiveListenConfig leaves keep-alive to Go's per-connection default
// where inheritance from the listener is not checked (see the Linux file).
func passiveListenConfig() net.ListenConfig { return net.ListenConfig{} }
