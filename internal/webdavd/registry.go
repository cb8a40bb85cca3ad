package webdavd

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uapid/uapid/internal/vfs"
)

// loginKey names one login of one hosting account.
type loginKey struct {
	accountID int64
	login     string // normalised
}

// liveConn is one client connection. HTTP lets one connection carry
// requests of several logins, so it remembers every login that used it and
// is closed when any of them is killed.
type liveConn struct {
	id     int64
	raw    net.Conn // below TLS, so that closing it never waits on a write
	remote string
	logins map[loginKey]struct{}
	login  atomic.Pointer[connLogin] // the Basic login its last requests proved
}

// activeRequest is a request being served: its file system is closed when
// its login is killed, so that work not waiting on the network (a large
// COPY) stops as well.
type activeRequest struct {
	key loginKey
	fs  *vfs.Fs
	lc  *liveConn // nil when served by a server other than Serve's
}

// space is what a login's requests share between connections: WebDAV
// locks and dead properties, both kept in memory.
type space struct {
	locks *lockTable
	props *propStore
}

// registry tracks live connections and requests per login and the logins'
// spaces. Kills bump gen, so that a request authenticated before a kill
// and attached after it is noticed and re-authenticated.
type registry struct {
	mu     sync.Mutex
	nextID int64
	gen    uint64
	conns  map[net.Conn]*liveConn
	active map[*activeRequest]struct{}
	spaces map[loginKey]*space

	lockLimits *LockLimits
	locks      atomic.Int64 // client locks of every space
}

func newRegistry(lockLimits *LockLimits) *registry {
	return &registry{conns: make(map[net.Conn]*liveConn), active: make(map[*activeRequest]struct{}),
		spaces: make(map[loginKey]*space), lockLimits: lockLimits}
}

type connKey struct{}

// connContext is http.Server.ConnContext: it registers a new connection
// and puts it into the context of the requests it carries.
func (r *registry) connContext(ctx context.Context, c net.Conn) context.Context {
	raw := c
	if tc, ok := c.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nextID++
	lc := &liveConn{id: r.nextID, raw: raw, remote: c.RemoteAddr().String(), logins: make(map[loginKey]struct{})}
	r.conns[c] = lc
	return context.WithValue(ctx, connKey{}, lc)
}

// connState is http.Server.ConnState: it forgets closed connections.
func (r *registry) connState(c net.Conn, state http.ConnState) {
	if state == http.StateClosed || state == http.StateHijacked {
		r.mu.Lock()
		delete(r.conns, c)
		r.mu.Unlock()
	}
}

// connFrom returns the connection a request arrived on, or nil when the
// handler is served by a server other than Serve's.
func connFrom(ctx context.Context) *liveConn {
	lc, _ := ctx.Value(connKey{}).(*liveConn)
	return lc
}

// generation returns the kill counter, read before authenticating.
func (r *registry) generation() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gen
}

// attach records a request of key on lc (which may be nil) with its file
// system, unless a kill happened since gen: then the caller must
// authenticate again, because what it checked may have changed.
func (r *registry) attach(lc *liveConn, key loginKey, fs *vfs.Fs, gen uint64) (*activeRequest, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gen != gen {
		return nil, false
	}
	if lc != nil {
		lc.logins[key] = struct{}{}
	}
	a := &activeRequest{key: key, fs: fs, lc: lc}
	r.active[a] = struct{}{}
	return a, true
}

// detach forgets a finished request.
func (r *registry) detach(a *activeRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.active, a)
}

// space returns the login's space, creating it on first use.
func (r *registry) space(key loginKey) *space {
	r.mu.Lock()
	defer r.mu.Unlock()
	sp := r.spaces[key]
	if sp == nil {
		sp = &space{locks: newLockTable(r.lockLimits, &r.locks), props: newPropStore()}
		r.spaces[key] = sp
	}
	return sp
}

// kill closes every connection and request of the logins match selects
// and forgets their spaces, whose locks and properties belong to sessions
// that no longer exist. It returns the number of connections closed, plus
// requests that arrived on no tracked connection.
func (r *registry) kill(match func(loginKey) bool) int {
	r.mu.Lock()
	r.gen++
	var conns []net.Conn
	for _, lc := range r.conns {
		for k := range lc.logins {
			if match(k) {
				conns = append(conns, lc.raw)
				break
			}
		}
	}
	var fss []*vfs.Fs
	untracked := 0
	for a := range r.active {
		if match(a.key) {
			fss = append(fss, a.fs)
			if a.lc == nil {
				untracked++
			}
		}
	}
	for k, sp := range r.spaces {
		if match(k) {
			sp.locks.drop()
			delete(r.spaces, k)
		}
	}
	r.mu.Unlock()
	for _, c := range conns {
		_ = c.Close() // the request on it fails with its own error
	}
	for _, fs := range fss {
		_ = fs.Close()
	}
	return len(conns) + untracked
}

// reapLocks removes the locks that expired by now from every space and
// returns how many client locks are left.
func (r *registry) reapLocks(now time.Time) int {
	r.mu.Lock()
	tables := make([]*lockTable, 0, len(r.spaces))
	for _, sp := range r.spaces {
		tables = append(tables, sp.locks)
	}
	r.mu.Unlock()
	n := 0
	for _, t := range tables {
		n += t.reap(now)
	}
	return n
}

// closeAll closes every connection, for Shutdown's deadline.
func (r *registry) closeAll() {
	r.kill(func(loginKey) bool { return true })
	r.mu.Lock()
	conns := make([]net.Conn, 0, len(r.conns))
	for _, lc := range r.conns {
		conns = append(conns, lc.raw)
	}
	r.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}
