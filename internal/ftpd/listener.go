package ftpd

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// listener is the control-connection listener. It keeps every accepted
// connection, keyed by the client's address as ClientContext.RemoteAddr
// reports it, so that a session can be closed from outside its goroutine
// by closing the socket itself, and Close reaches clients that never
// logged in.
type listener struct {
	net.Listener
	loginTimeout   time.Duration
	onLoginTimeout func() // counts a connection cut before its login

	mu    sync.Mutex
	conns map[string]*ctrlConn
}

func newListener(l net.Listener, loginTimeout time.Duration, onLoginTimeout func()) *listener {
	return &listener{Listener: l, loginTimeout: loginTimeout, onLoginTimeout: onLoginTimeout,
		conns: make(map[string]*ctrlConn)}
}

// Accept implements net.Listener. Errors pass unchanged: ftpserverlib
// recognises a closed listener by its error.
func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &ctrlConn{Conn: c, onLoginTimeout: l.onLoginTimeout}
	if l.loginTimeout > 0 {
		cc.loginBy = time.Now().Add(l.loginTimeout)
	}
	l.mu.Lock()
	l.conns[c.RemoteAddr().String()] = cc
	l.mu.Unlock()
	return cc, nil
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

// loggedIn lifts the login timeout of the connection from addr.
func (l *listener) loggedIn(addr string) {
	l.mu.Lock()
	c := l.conns[addr]
	l.mu.Unlock()
	if c != nil {
		c.loggedIn.Store(true)
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

// ctrlConn is a control connection. Until its login succeeds, every
// deadline ftpserverlib sets (its idle timeout, before each command) is
// cut to loginBy, the login timeout after the connection was accepted: a
// connection that never logs in holds its place for a minute, not for the
// logged-in idle time, however many commands it sends meanwhile (as
// ProFTPD's TimeoutLogin; a NOOP every 50 s used to keep it forever). The
// library then answers 421 and closes, as for any idle timeout.
type ctrlConn struct {
	net.Conn
	loginBy        time.Time // zero: no login timeout
	onLoginTimeout func()
	loggedIn       atomic.Bool
}

// replyGrace is how long past loginBy a reply may still take to write:
// the library's 421 after the login timeout goes out, and a client that
// reads nothing holds a write no longer than this.
const replyGrace = 10 * time.Second

// SetDeadline implements net.Conn.
func (c *ctrlConn) SetDeadline(t time.Time) error {
	if c.loggedIn.Load() || c.loginBy.IsZero() {
		return c.Conn.SetDeadline(t) // every command's: one call, not two
	}
	if err := c.Conn.SetReadDeadline(c.cap(t, 0)); err != nil {
		return err
	}
	return c.Conn.SetWriteDeadline(c.cap(t, replyGrace))
}

// SetReadDeadline implements net.Conn.
func (c *ctrlConn) SetReadDeadline(t time.Time) error { return c.Conn.SetReadDeadline(c.cap(t, 0)) }

// SetWriteDeadline implements net.Conn.
func (c *ctrlConn) SetWriteDeadline(t time.Time) error {
	return c.Conn.SetWriteDeadline(c.cap(t, replyGrace))
}

// cap returns t, or loginBy plus grace if that comes first and the
// connection has not logged in.
func (c *ctrlConn) cap(t time.Time, grace time.Duration) time.Time {
	if c.loggedIn.Load() || c.loginBy.IsZero() {
		return t
	}
	if limit := c.loginBy.Add(grace); t.IsZero() || t.After(limit) {
		return limit
	}
	return t
}

// Read implements net.Conn and reports connections the login timeout cut.
func (c *ctrlConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil && !c.loggedIn.Load() && isTimeout(err) && c.onLoginTimeout != nil {
		c.onLoginTimeout()
	}
	return n, err
}

// isTimeout reports whether err is a deadline's; a function of its own so
// that the net.Error errors.As fills is allocated only when a read failed,
// not on every command's read.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
