package netlimit

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Limits bound the connections of one listener. Zero means no limit.
type Limits struct {
	// MaxConns is the most connections open at once.
	MaxConns int
	// MaxConnsPerIP is the most connections open at once from one client
	// IP address.
	MaxConnsPerIP int
}

// Reasons a connection is refused, the reason label of the refused metric.
const (
	ReasonMaxConns      = "max_conns"
	ReasonMaxConnsPerIP = "max_conns_per_ip"
)

// Refuser answers a connection refused for reason, within the deadline
// already set on c; the listener closes c afterwards.
type Refuser func(c net.Conn, reason string)

// maxRefusing bounds the refusals being written at once: under a flood,
// the connections beyond it are closed without a word rather than each
// holding a goroutine and a descriptor for the refusal's deadline.
const maxRefusing = 64

// refuseTimeout is the longest a refusal may take.
const refuseTimeout = 2 * time.Second

// An address over its own connection limit has its refusals answered at
// most answerBurst at once and then one per answerEvery; the rest are
// closed without a word. An answer over TLS costs the server a handshake
// (about a third of a millisecond of CPU), so an address retrying in a
// loop would otherwise choose how much of the server's CPU it spends; a
// client that is merely over its limit still gets its 429 and Retry-After.
const (
	answerEvery = 200 * time.Millisecond
	answerBurst = 8
)

// placesOf is what the listener keeps for one client address while it has
// connections open.
type placesOf struct {
	open int
	// nextAnswer is when the address's answer budget is full again
	// (generic cell rate: each answer moves it answerEvery on).
	nextAnswer time.Time
}

// mayAnswer reports whether a refusal of this address may be answered at
// now, and takes it from the budget if so.
func (p *placesOf) mayAnswer(now time.Time) bool {
	next := p.nextAnswer
	if next.Before(now) {
		next = now
	}
	if next.Sub(now) > (answerBurst-1)*answerEvery {
		return false
	}
	p.nextAnswer = next.Add(answerEvery)
	return true
}

// Listener is a net.Listener that counts its connections and refuses those
// over its Limits. Its connections release their place when closed.
type Listener struct {
	net.Listener
	name     string
	lim      Limits
	refuse   Refuser
	m        *Metrics
	refusing chan struct{}

	mu    sync.Mutex
	total int
	perIP map[string]*placesOf
}

// Wrap returns ln with lim applied; name is the server label of the
// metrics. refuse may be nil (refused connections are closed at once); m
// may be nil (metrics not kept).
func Wrap(ln net.Listener, name string, lim Limits, refuse Refuser, m *Metrics) *Listener {
	if m == nil {
		m = NewMetrics(nil)
	}
	return &Listener{Listener: ln, name: name, lim: lim, refuse: refuse, m: m,
		refusing: make(chan struct{}, maxRefusing), perIP: make(map[string]*placesOf)}
}

// Accept implements net.Listener: it returns the next connection within
// the limits and refuses the others on the way.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := hostOf(c.RemoteAddr())
		if reason, answer := l.admit(ip); reason != "" {
			l.m.refused.WithLabelValues(l.name, reason).Inc()
			if !answer {
				_ = c.Close()
				continue
			}
			l.refuseConn(c, reason)
			continue
		}
		l.m.conns.WithLabelValues(l.name).Inc()
		return &conn{Conn: c, l: l, ip: ip}, nil
	}
}

// admit takes a place for a connection from ip, or returns why it cannot
// and whether the refusal may be answered.
func (l *Listener) admit(ip string) (reason string, answer bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.perIP[ip]
	if l.lim.MaxConns > 0 && l.total >= l.lim.MaxConns {
		return ReasonMaxConns, true
	}
	if l.lim.MaxConnsPerIP > 0 && p != nil && p.open >= l.lim.MaxConnsPerIP {
		return ReasonMaxConnsPerIP, p.mayAnswer(time.Now())
	}
	if p == nil {
		p = &placesOf{}
		l.perIP[ip] = p
	}
	l.total++
	p.open++
	return "", false
}

func (l *Listener) release(ip string) {
	l.mu.Lock()
	l.total--
	if p := l.perIP[ip]; p != nil {
		if p.open--; p.open <= 0 {
			delete(l.perIP, ip)
		}
	}
	l.mu.Unlock()
	l.m.conns.WithLabelValues(l.name).Dec()
}

// refuseConn answers c in the background, unless too many refusals are
// under way already.
func (l *Listener) refuseConn(c net.Conn, reason string) {
	if l.refuse == nil {
		_ = c.Close()
		return
	}
	select {
	case l.refusing <- struct{}{}:
	default:
		_ = c.Close()
		return
	}
	go func() {
		defer func() { <-l.refusing }()
		_ = c.SetDeadline(time.Now().Add(refuseTimeout))
		l.refuse(c, reason)
		_ = c.Close()
	}()
}

// Open returns the number of connections open now, in total and from ip.
func (l *Listener) Open(ip string) (total, fromIP int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p := l.perIP[ip]; p != nil {
		fromIP = p.open
	}
	return l.total, fromIP
}

// conn is an accepted connection holding its place until closed.
type conn struct {
	net.Conn
	l         *Listener
	ip        string
	closeOnce sync.Once

	mu       sync.Mutex
	deadline time.Time // the read deadline last set
	writeBy  time.Time // the write deadline last set
}

// Close implements net.Conn and gives the connection's place back.
func (c *conn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() { c.l.release(c.ip) })
	return err
}

// Read implements net.Conn and counts reads a deadline cut. Deadlines in
// the distant past are net/http's way of interrupting its own background
// read, not a client being slow, and are not counted.
func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil && isTimeout(err) && c.realDeadline() {
		c.l.m.timeouts.WithLabelValues(c.l.name).Inc()
	}
	return n, err
}

// isTimeout reports whether err is a deadline's. It is a function of its
// own so that the net.Error that errors.As fills escapes only when a read
// failed: declared in Read it was a heap allocation on every read, two per
// FTP command with ftpd's wrapper.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (c *conn) realDeadline() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return isReal(c.deadline)
}

// isReal tells a deadline from a sentinel: anything before 2001 is a way
// to interrupt an operation at once, not a client being slow.
func isReal(t time.Time) bool { return t.After(time.Unix(1e9, 0)) }

// Write implements net.Conn and counts writes a deadline cut: a client
// that stopped reading holds the server's buffers until then.
func (c *conn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err != nil {
		c.countWriteTimeout(err)
	}
	return n, err
}

func (c *conn) countWriteTimeout(err error) {
	c.mu.Lock()
	set := isReal(c.writeBy)
	c.mu.Unlock()
	if set && isTimeout(err) {
		c.l.m.writeTimeouts.WithLabelValues(c.l.name).Inc()
	}
}

// SetDeadline implements net.Conn.
func (c *conn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline, c.writeBy = t, t
	c.mu.Unlock()
	return c.Conn.SetDeadline(t)
}

// SetWriteDeadline implements net.Conn.
func (c *conn) SetWriteDeadline(t time.Time) error {
	c.remember(&c.writeBy, t)
	return c.Conn.SetWriteDeadline(t)
}

// SetReadDeadline implements net.Conn.
func (c *conn) SetReadDeadline(t time.Time) error {
	c.remember(&c.deadline, t)
	return c.Conn.SetReadDeadline(t)
}

// remember records a deadline just set (c.deadline or c.writeBy), for
// telling a client's slowness from a sentinel when an operation fails.
func (c *conn) remember(field *time.Time, t time.Time) {
	c.mu.Lock()
	*field = t
	c.mu.Unlock()
}

// ReadFrom keeps sendfile(2) for plain connections: net/http copies file
// bodies through it when the connection offers it.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	n, err := io.Copy(c.Conn, r)
	if err != nil {
		c.countWriteTimeout(err)
	}
	return n, err
}

// hostOf returns the client address the per-IP limit counts: the IPv4
// address, or the /64 of an IPv6 one (a single host usually holds a whole
// /64, so counting single addresses would let it through 2^64 times).
func hostOf(addr net.Addr) string {
	if ta, ok := addr.(*net.TCPAddr); ok {
		if ta.IP.To4() == nil && len(ta.IP) == net.IPv6len {
			return ta.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
		}
		return ta.IP.String()
	}
	if host, _, err := net.SplitHostPort(addr.String()); err == nil {
		return host
	}
	return addr.String()
}
