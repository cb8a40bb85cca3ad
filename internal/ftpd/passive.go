package ftpd

import (
	"math/rand/v2"
	"net"
	"sync/atomic"

	ftpserver "github.com/fclairamb/ftpserverlib"
)

// passiveAttempts is how many ports of the range one PASV/EPSV tries.
// ftpserverlib makes its whole candidate list (and a map of it) before it
// tries the first port, so the list must stay short: with the library's
// own PortRange a 2,200-port range cost 1,000 crypto/rand draws, big.Int
// allocations and a 1,000-entry map on every transfer, more CPU than the
// transfer of a 4 KiB file (docs/benchmarks.md).
const passiveAttempts = 64

// passivePorts hands out the ports of a passive range round-robin from a
// random start, among the first passiveAttempts ports of the range only.
// The server multiplexes them (ftpserverlib's
// PassiveTransferPortMultiplexing): each port's listener stays open and
// serves every client address, a PASV/EPSV reserving the port for its
// client's IP until the data connection arrives (uapid's copy of the
// library releases a reservation only while it is its own, patch 2 of
// third_party/ftpserverlib/PATCHES.md). A listener made, bound
// and closed per transfer (socket, bind, listen, epoll, close) was a tenth
// of the CPU of a 4 KiB upload (docs/benchmarks.md); the window bounds the
// listeners the server keeps open, and one client address can still wait
// for that many data connections at once. A busy port is skipped at the
// cost of one bind. Data connections are still accepted only from the
// control connection's IP (ftpserverlib's IPMatchRequired, and the
// reservation itself), which is what stops port stealing.
type passivePorts struct {
	start, size int
	next        atomic.Uint64
}

func newPassivePorts(first, last int) *passivePorts {
	p := &passivePorts{start: first, size: min(last-first+1, passiveAttempts)}
	p.next.Store(rand.Uint64N(uint64(p.size)))
	return p
}

// FetchNext returns the next port of the range (exposed and listened on
// are the same: uapid maps no ports).
func (p *passivePorts) FetchNext() (exposed, listened int, ok bool) {
	port := p.start + int((p.next.Add(1)-1)%uint64(p.size))
	return port, port, true
}

// NumberAttempts is the number of ports one PASV tries before it answers
// 425: every port handed out.
func (p *passivePorts) NumberAttempts() int { return p.size }

var _ ftpserver.PasvPortGetter = (*passivePorts)(nil)

// WrapPassiveListener implements ftpserver.MainDriverExtensionPassiveWrapper:
// every passive data connection, on a shared port or a listener of its
// own, is wrapped to gather small writes (see dataConn).
func (d *driver) WrapPassiveListener(l net.Listener) (net.Listener, error) {
	return dataListener{l}, nil
}

var _ ftpserver.MainDriverExtensionPassiveWrapper = (*driver)(nil)
