package ftpd

import (
	"errors"
	"net"
	"sync"
)

// listener is the control-connection listener. It keeps every accepted
// connection, keyed by the client's address as ClientContext.RemoteAddr
// reports it, so that a session can be closed from outside its goroutine
// by closing the socket itself, and Close reaches clients that never
// logged in.
type listener struct {
	net.Listener

	mu    sync.Mutex
	conns map[string]net.Conn
}

func newListener(l net.Listener) *listener {
	return &listener{Listener: l, conns: make(map[string]net.Conn)}
}

// Accept implements net.Listener. Errors pass unchanged: ftpserverlib
// recognises a closed listener by its error.
func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.conns[c.RemoteAddr().String()] = c
	l.mu.Unlock()
	return c, nil
}

// closer returns a func that closes the connection from addr.
func (l *listener) closer(addr string) func() error {
	return func() error {
		l.mu.Lock()
		c := l.conns[addr]
		l.mu.Unlock()
		if c == nil {
			return errors.New("connection already gone")
		}
		return c.Close()
	}
}

func (l *listener) forget(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns, addr)
}

// count returns how many connections are open.
func (l *listener) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

// closeAll closes every open connection.
func (l *listener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		_ = c.Close()
	}
}
