package ftpd

import (
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// dataBufferSize is the most a data connection holds back before it sends:
// a directory listing of about a thousand entries.
const dataBufferSize = 64 << 10

// dataBuffers recycles the buffers of data connections that listed a
// directory; transfers of files never take one.
var dataBuffers = sync.Pool{New: func() any { return new([dataBufferSize]byte) }}

// dataConn is a passive data connection that gathers small writes into
// one send. ftpserverlib v0.32.0 writes a LIST, MLSD or NLST reply with
// one fmt.Fprintf per entry straight to the connection: one write syscall
// and one TCP segment per file, a third of the CPU of listing 1,000 files
// (docs/benchmarks.md). Writes of at least the buffer's size (file
// transfers through io.Copy) go out at once, and whatever is held back is
// sent before the connection reads (a TLS handshake writes, then waits for
// the answer), before it hands its socket to the kernel (sendfile, splice),
// before its write deadline changes and when it closes.
type dataConn struct {
	net.Conn
	raw    syscall.Conn
	closed atomic.Bool

	mu  sync.Mutex // guards buf; held while it is sent
	buf []byte     // held-back bytes, in a pooled array; nil when none was taken
}

// newDataConn wraps c when it is a plain TCP connection (whose socket the
// kernel can splice); other connections are returned as they are.
func newDataConn(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	return &dataConn{Conn: tc, raw: tc}
}

// Write holds p back while it fits the buffer beside what is held.
func (c *dataConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed.Load() {
		return 0, net.ErrClosed
	}
	if len(c.buf)+len(p) <= dataBufferSize {
		if c.buf == nil {
			c.buf = dataBuffers.Get().(*[dataBufferSize]byte)[:0]
		}
		c.buf = append(c.buf, p...)
		return len(p), nil
	}
	if err := c.flushLocked(); err != nil {
		return 0, err
	}
	if len(p) >= dataBufferSize/2 {
		return c.Conn.Write(p)
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}

// Read sends what is held back first: the peer may wait for it.
func (c *dataConn) Read(p []byte) (int, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

// SyscallConn sends what is held back, then lets the caller use the socket
// itself: os.File's sendfile and splice write to it directly.
func (c *dataConn) SyscallConn() (syscall.RawConn, error) {
	if err := c.flush(); err != nil {
		return nil, err
	}
	return c.raw.SyscallConn()
}

// SetWriteDeadline sends what is held back under the deadline it was
// written under, then sets the new one. crypto/tls sends its close_notify
// and at once sets a write deadline in the past before it closes: without
// this the alert and the listing's last bytes would be lost. While a send
// is blocked the deadline is set at once: it may be meant to end that send.
func (c *dataConn) SetWriteDeadline(t time.Time) error {
	c.flushUnlessBusy()
	return c.Conn.SetWriteDeadline(t)
}

// SetDeadline sends what is held back, as SetWriteDeadline does.
func (c *dataConn) SetDeadline(t time.Time) error {
	c.flushUnlessBusy()
	return c.Conn.SetDeadline(t)
}

// flushUnlessBusy sends what is held back unless a send is under way. A
// failure is the connection's: the next write or the close reports it.
func (c *dataConn) flushUnlessBusy() {
	if c.mu.TryLock() {
		_ = c.flushLocked()
		c.mu.Unlock()
	}
}

// Close sends what is held back and closes the connection. A Close while
// a send is blocked (a kill, while the client does not read) closes at
// once, which ends that send.
func (c *dataConn) Close() error {
	c.closed.Store(true)
	if !c.mu.TryLock() {
		return c.Conn.Close()
	}
	err := c.flushLocked()
	if c.buf != nil {
		dataBuffers.Put((*[dataBufferSize]byte)(c.buf[:dataBufferSize]))
		c.buf = nil
	}
	c.mu.Unlock()
	if cerr := c.Conn.Close(); err == nil {
		err = cerr
	}
	return err
}

func (c *dataConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.flushLocked()
}

// flushLocked sends the held-back bytes. c.mu is held.
func (c *dataConn) flushLocked() error {
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.buf)
	c.buf = c.buf[:0]
	return err
}

// dataListener wraps the data connections a passive listener accepts,
// whether it is a shared port's reservation or a listener of its own.
type dataListener struct{ net.Listener }

// Accept returns the next data connection, wrapped.
func (l dataListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newDataConn(c), nil
}

var _ syscall.Conn = (*dataConn)(nil)
