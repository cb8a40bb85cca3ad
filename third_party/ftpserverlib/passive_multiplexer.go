package ftpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"
)

const errStrClosedNetworkConnection = "use of closed network connection"

var errPassiveListenerReservedForIP = errors.New("passive listener already reserved for client ip")

type passiveDeadlineSetter interface {
	SetDeadline(deadline time.Time) error
}

type passivePortCandidate struct {
	exposedPort  int
	listenedPort int
}

type passiveListenersManager struct {
	logger    *slog.Logger
	mu        sync.Mutex
	listeners map[int]*sharedPassiveListener
	closed    bool
}

func newPassiveListenersManager(logger *slog.Logger) *passiveListenersManager {
	return &passiveListenersManager{
		logger:    logger,
		listeners: make(map[int]*sharedPassiveListener),
	}
}

func (m *passiveListenersManager) reserve(
	remoteIP net.IP,
	portRange PasvPortGetter,
) (int, net.Listener, passiveDeadlineSetter, error) {
	for candidate := range passivePortCandidates(portRange) {
		listener, err := m.getOrCreate(candidate.listenedPort)
		if err != nil {
			continue
		}

		reservation, err := listener.reserve(remoteIP)
		if err == nil {
			return candidate.exposedPort, reservation, reservation, nil
		}
		if errors.Is(err, errPassiveListenerReservedForIP) {
			continue
		}
	}

	return 0, nil, nil, ErrNoAvailableListeningPort
}

func (m *passiveListenersManager) close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()

		return nil
	}

	m.closed = true
	listeners := make([]*sharedPassiveListener, 0, len(m.listeners))
	for _, listener := range m.listeners {
		listeners = append(listeners, listener)
	}
	m.mu.Unlock()

	var closeErr error
	for _, listener := range listeners {
		if err := listener.close(); err != nil && closeErr == nil {
			closeErr = err
		}
	}

	return closeErr
}

func (m *passiveListenersManager) getOrCreate(port int) (*sharedPassiveListener, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()

		return nil, net.ErrClosed
	}
	if listener, ok := m.listeners[port]; ok {
		m.mu.Unlock()

		return listener, nil
	}
	m.mu.Unlock()

	listener, err := newSharedPassiveListener(port, m.logger.With("passivePort", port))
	if err != nil {
		return nil, err
	}

	m.mu.Lock()
	defer m.mu.Unlock()

	if m.closed {
		_ = listener.close()

		return nil, net.ErrClosed
	}

	if existing, ok := m.listeners[port]; ok {
		_ = listener.close()

		return existing, nil
	}

	m.listeners[port] = listener

	return listener, nil
}

// sharedPassiveListener is one passive port shared by every client
// address, each holding at most one reservation of it. There is no
// goroutine of its own: the Accept of a waiting reservation accepts on the
// port itself and hands a connection meant for another reservation to
// that one (patch 5 in PATCHES.md). An accept goroutine woke up for every
// data connection and handed it over through a channel, a second wake-up
// per transfer.
type sharedPassiveListener struct {
	logger       *slog.Logger
	listener     *net.TCPListener
	acceptor     chan struct{} // full while a reservation's Accept accepts on listener
	mu           sync.Mutex
	reservations map[netip.Addr]*passiveReservationListener
	accepting    *passiveReservationListener // the reservation accepting on listener, under mu
	closed       bool
}

func newSharedPassiveListener(port int, logger *slog.Logger) (*sharedPassiveListener, error) {
	lc := passiveListenConfig()

	listener, err := lc.Listen(context.Background(), "tcp", fmt.Sprintf("0.0.0.0:%d", port))
	if err != nil {
		return nil, err
	}

	tcpListener, ok := listener.(*net.TCPListener)
	if !ok {
		_ = listener.Close()

		return nil, newNetworkError(fmt.Sprintf("could not listen on port %d", port), net.UnknownNetworkError("tcp"))
	}

	return &sharedPassiveListener{
		logger:       logger,
		listener:     tcpListener,
		acceptor:     make(chan struct{}, 1),
		reservations: make(map[netip.Addr]*passiveReservationListener),
	}, nil
}

// acceptFor accepts on the port for r, which holds the acceptor token,
// until r's own connection comes (returned), r's deadline passes, r is
// closed or the listener fails. Connections of other reservations are
// handed to them, others closed.
func (l *sharedPassiveListener) acceptFor(r *passiveReservationListener, deadline time.Time) (net.Conn, error) {
	l.setAccepting(r)
	defer l.setAccepting(nil)

	for {
		// The deadline is set before closedCh is checked: a Close of r
		// closes closedCh, then sets a past deadline to end this Accept.
		if err := l.listener.SetDeadline(deadline); err != nil {
			return nil, err
		}

		select {
		case <-r.closedCh:
			return nil, r.getFailure()
		default:
		}

		conn, err := l.listener.Accept()
		if err == nil {
			if l.dispatch(conn, r) {
				return conn, nil
			}

			continue
		}

		if retry, errAccept := l.acceptError(r, deadline, err); !retry {
			return nil, errAccept
		}
	}
}

// acceptError tells whether the Accept of r that failed with err should
// be tried again, and otherwise what r's Accept returns.
func (l *sharedPassiveListener) acceptError(r *passiveReservationListener, deadline time.Time, err error) (bool, error) {
	if isClosedListenerError(err) {
		l.failAll(net.ErrClosed)

		return false, r.getFailure()
	}

	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		// r's deadline, or its Close (closedCh is checked before the next Accept)
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return false, newPassiveAcceptTimeoutError()
		}

		return true, nil
	}

	if errors.As(err, &netErr) && netErr.Temporary() { //nolint:staticcheck
		l.logger.Warn("Temporary passive accept error", "err", err)

		return true, nil
	}

	l.failAll(err)

	return false, r.getFailure()
}

func (l *sharedPassiveListener) setAccepting(r *passiveReservationListener) {
	l.mu.Lock()
	l.accepting = r
	l.mu.Unlock()
}

// interrupt ends the Accept that r may be making on the port.
func (l *sharedPassiveListener) interrupt(r *passiveReservationListener) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if l.accepting == r {
		_ = l.listener.SetDeadline(time.Unix(1, 0))
	}
}

// drainWait bounds the accept that drain makes where the accept queue's
// length is unknown: connections already queued are accepted at once, and
// nothing waits longer than this.
const drainWait = 50 * time.Microsecond

// drainMax bounds each accept of a connection the queue is known to hold:
// it returns at once; the bound only covers a connection that vanished
// from the queue meanwhile. A deadline as short as drainWait could pass
// before the accept even began (a descheduled goroutine, a loaded
// machine), and Go then fails the accept without trying it, leaving the
// connection queued.
const drainMax = 100 * time.Millisecond

// drain accepts the connections already queued on the port and dispatches
// them, when no reservation is accepting. A reservation that closes
// without its data connection (a RETR answered 550 before the transfer
// opened, a second PASV) calls it, so that a connection its client made
// does not stay queued until a later reservation of the same client
// address takes it for its own. An accept goroutine took every connection
// as it came, and a reservation's close closed it.
func (l *sharedPassiveListener) drain() {
	select {
	case l.acceptor <- struct{}{}:
	default:
		return // the reservation accepting dispatches the queue
	}
	defer func() { <-l.acceptor }()

	for {
		wait := drainWait
		if queued, known := queuedConns(l.listener); known {
			if queued == 0 {
				return
			}

			wait = drainMax
		}

		if err := l.listener.SetDeadline(time.Now().Add(wait)); err != nil {
			return
		}

		conn, err := l.listener.Accept()
		if err != nil {
			if isClosedListenerError(err) {
				l.failAll(net.ErrClosed)
			}

			return
		}

		l.dispatch(conn, nil)
	}
}

func (l *sharedPassiveListener) reserve(remoteIP net.IP) (*passiveReservationListener, error) {
	key := reservationKey(remoteIP)

	l.mu.Lock()
	defer l.mu.Unlock()

	if l.closed {
		return nil, net.ErrClosed
	}
	if _, ok := l.reservations[key]; ok {
		return nil, errPassiveListenerReservedForIP
	}

	reservation := &passiveReservationListener{
		parent:   l,
		remoteIP: key,
		connCh:   make(chan net.Conn, 1),
		closedCh: make(chan struct{}),
	}
	l.reservations[key] = reservation

	return reservation, nil
}

// dispatch hands conn to the reservation of its client address and
// reports whether that is self (then conn is returned to self's Accept,
// not sent); a connection without a reservation is closed.
func (l *sharedPassiveListener) dispatch(conn net.Conn, self *passiveReservationListener) bool {
	ipAddress, err := getIPFromRemoteAddr(conn.RemoteAddr())
	if err != nil {
		l.logger.Warn("Could not parse passive data connection IP", "err", err)
		_ = conn.Close()

		return false
	}

	key := reservationKey(ipAddress)

	l.mu.Lock()
	reservation := l.reservations[key]
	if reservation != nil {
		delete(l.reservations, key)
	}
	l.mu.Unlock()

	if reservation != nil && reservation == self {
		self.markReleased()

		return true
	}

	if reservation == nil || !reservation.deliver(conn) {
		_ = conn.Close()
	}

	return false
}

// release removes reservation from the port's table if it is still there.
// It must compare the entry, not only the client IP: once a reservation's
// data connection has come, dispatch has removed it and the same IP may
// hold a new reservation of the port (another session behind the same
// address), which closing the first one must leave alone.
// reservationKey is the key of a client address in a port's reservations:
// an IPv4 address and its IPv4-mapped IPv6 form are one client, as their
// IP.String keys were (a netip.Addr key is made without allocating).
func reservationKey(ip net.IP) netip.Addr {
	addr, _ := netip.AddrFromSlice(ip)

	return addr.Unmap()
}

func (l *sharedPassiveListener) release(reservation *passiveReservationListener) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if l.reservations[reservation.remoteIP] == reservation {
		delete(l.reservations, reservation.remoteIP)
	}
}

func (l *sharedPassiveListener) failAll(err error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()

		return
	}

	l.closed = true
	reservations := make([]*passiveReservationListener, 0, len(l.reservations))
	for _, reservation := range l.reservations {
		reservations = append(reservations, reservation)
	}
	l.reservations = nil
	l.mu.Unlock()

	for _, reservation := range reservations {
		reservation.fail(err)
	}
}

func (l *sharedPassiveListener) close() error {
	err := l.listener.Close()
	l.failAll(net.ErrClosed)

	return err
}

type passiveReservationListener struct {
	parent     *sharedPassiveListener
	remoteIP   netip.Addr
	connCh     chan net.Conn
	closedCh   chan struct{}
	closeOnce  sync.Once
	stateMu    sync.Mutex
	deadline   time.Time
	released   bool
	failureErr error
}

// Accept returns the reservation's data connection: it accepts on the
// port itself when no other reservation does, and otherwise waits for the
// accepting one to hand the connection over or to finish.
func (l *passiveReservationListener) Accept() (net.Conn, error) {
	deadline := l.getDeadline()
	var timer *time.Timer
	var timerCh <-chan time.Time

	for {
		// a connection handed over, or a close, first
		select {
		case conn := <-l.connCh:
			return l.received(conn)
		case <-l.closedCh:
			return nil, l.getFailure()
		default:
		}

		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return nil, newPassiveAcceptTimeoutError()
		}

		select {
		case l.parent.acceptor <- struct{}{}:
			conn, err := l.acceptAsAcceptor(deadline)
			if conn != nil || err != nil {
				return conn, err
			}

			continue
		default:
		}

		if timer == nil && !deadline.IsZero() {
			timer = time.NewTimer(time.Until(deadline))
			timerCh = timer.C
			defer timer.Stop()
		}

		select {
		case conn := <-l.connCh:
			return l.received(conn)
		case <-l.closedCh:
			return nil, l.getFailure()
		case <-timerCh:
			return nil, newPassiveAcceptTimeoutError()
		case l.parent.acceptor <- struct{}{}:
			conn, err := l.acceptAsAcceptor(deadline)
			if conn != nil || err != nil {
				return conn, err
			}
		}
	}
}

// acceptAsAcceptor accepts on the port while holding the acceptor token
// (taken by the caller). A connection handed over before the token was
// taken comes first. It returns nil, nil when Accept should look again.
func (l *passiveReservationListener) acceptAsAcceptor(deadline time.Time) (net.Conn, error) {
	defer func() { <-l.parent.acceptor }()

	select {
	case conn := <-l.connCh:
		return l.received(conn)
	default:
	}

	return l.parent.acceptFor(l, deadline)
}

// received returns a connection handed over by dispatch; nil is a
// failure of the port.
func (l *passiveReservationListener) received(conn net.Conn) (net.Conn, error) {
	if conn == nil {
		return nil, l.getFailure()
	}

	return conn, nil
}

func (l *passiveReservationListener) Close() error {
	l.closeOnce.Do(func() {
		l.parent.release(l)
		delivered := l.isReleased()
		l.markReleased()

		select {
		case conn := <-l.connCh:
			if conn != nil {
				_ = conn.Close()
			}
		default:
		}

		close(l.closedCh)
		l.parent.interrupt(l)

		if !delivered {
			l.parent.drain()
		}
	})

	return nil
}

func (l *passiveReservationListener) Addr() net.Addr {
	return l.parent.listener.Addr()
}

func (l *passiveReservationListener) SetDeadline(deadline time.Time) error {
	l.stateMu.Lock()
	defer l.stateMu.Unlock()

	l.deadline = deadline

	return nil
}

func (l *passiveReservationListener) deliver(conn net.Conn) bool {
	select {
	case <-l.closedCh:
		return false
	default:
	}

	select {
	case l.connCh <- conn:
		l.markReleased()

		return true
	case <-l.closedCh:
		return false
	}
}

func (l *passiveReservationListener) fail(err error) {
	l.stateMu.Lock()
	if l.failureErr == nil {
		l.failureErr = err
	}
	l.stateMu.Unlock()

	_ = l.Close()
}

func (l *passiveReservationListener) markReleased() {
	l.stateMu.Lock()
	defer l.stateMu.Unlock()

	l.released = true
}

func (l *passiveReservationListener) isReleased() bool {
	l.stateMu.Lock()
	defer l.stateMu.Unlock()

	return l.released
}

func (l *passiveReservationListener) getDeadline() time.Time {
	l.stateMu.Lock()
	defer l.stateMu.Unlock()

	return l.deadline
}

func (l *passiveReservationListener) getFailure() error {
	l.stateMu.Lock()
	defer l.stateMu.Unlock()

	if l.failureErr != nil {
		return l.failureErr
	}

	return net.ErrClosed
}

type passiveAcceptTimeoutError struct{}

func (passiveAcceptTimeoutError) Error() string   { return "i/o timeout" }
func (passiveAcceptTimeoutError) Timeout() bool   { return true }
func (passiveAcceptTimeoutError) Temporary() bool { return true }

func newPassiveAcceptTimeoutError() error {
	return &net.OpError{
		Op:  "accept",
		Net: "tcp",
		Err: passiveAcceptTimeoutError{},
	}
}

func isClosedListenerError(err error) bool {
	if errors.Is(err, net.ErrClosed) {
		return true
	}

	errOp := &net.OpError{}
	if errors.As(err, &errOp) && errOp.Err != nil {
		return errOp.Err.Error() == errStrClosedNetworkConnection
	}

	return false
}
