package webdavd

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/webdav"
)

// lockTable is one login's WebDAV locks: x/net/webdav's in-memory lock
// system, which has RFC 4918's semantics but no bounds, behind a ledger of
// the locks clients asked for. The ledger caps their number (per login and,
// through total, per server), their owner XML and their lifetime, and
// removes expired locks on a timer (reap) rather than only when the login
// next sends a request, so memory stays bounded whatever clients do.
//
// The zero-depth, timeout-less locks x/net/webdav takes for the length of
// one write request (and condLocks.unlocked takes likewise) are not
// clients' locks: they go straight to the memory lock system, uncounted,
// and are released when the request ends.
type lockTable struct {
	mem    webdav.LockSystem
	limits *LockLimits
	total  *atomic.Int64 // client locks of every login of the server

	mu      sync.Mutex
	held    map[string]time.Time // token of each client lock → its expiry
	dropped bool                 // the login was killed: the table takes no more locks
}

// errDropped refuses a lock to a request whose login was killed meanwhile;
// its connection is being closed, so the client never sees the answer.
var errDropped = errors.New("webdavd: the login's sessions were closed")

func newLockTable(limits *LockLimits, total *atomic.Int64) *lockTable {
	return &lockTable{mem: webdav.NewMemLS(), limits: limits, total: total, held: make(map[string]time.Time)}
}

// clamp turns a requested timeout into one the server grants: at most
// MaxTimeout, which is also what "Infinite" (negative) becomes.
func (t *lockTable) clamp(d time.Duration) time.Duration {
	if d < 0 || d > t.limits.MaxTimeout {
		return t.limits.MaxTimeout
	}
	return d
}

// full reports whether the login or the server is at its lock limit, for
// refusing a LOCK before its body is read.
func (t *lockTable) full(now time.Time) *limitError {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reapLocked(now)
	return t.roomLocked()
}

func (t *lockTable) roomLocked() *limitError {
	switch {
	case len(t.held) >= t.limits.PerLogin:
		return errTooManyLocks
	case t.total.Load() >= int64(t.limits.Total):
		return errTooManyLocksTotal
	}
	return nil
}

// create takes a client's lock within the limits. The error is a
// *limitError, or the memory lock system's (webdav.ErrLocked).
func (t *lockTable) create(now time.Time, d webdav.LockDetails) (string, error) {
	if len(d.OwnerXML) > t.limits.OwnerBytes {
		return "", errOwnerTooLarge
	}
	d.Duration = t.clamp(d.Duration)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dropped {
		return "", errDropped
	}
	t.reapLocked(now)
	if e := t.roomLocked(); e != nil {
		return "", e
	}
	if t.total.Add(1) > int64(t.limits.Total) {
		t.total.Add(-1) // another login took the last place meanwhile
		return "", errTooManyLocksTotal
	}
	token, err := t.mem.Create(now, d)
	if err != nil {
		t.total.Add(-1)
		return "", err
	}
	t.held[token] = now.Add(d.Duration)
	return token, nil
}

// refresh renews a lock for at most MaxTimeout.
func (t *lockTable) refresh(now time.Time, token string, d time.Duration) (webdav.LockDetails, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ld, err := t.mem.Refresh(now, token, t.clamp(d))
	if _, ok := t.held[token]; ok && err == nil {
		t.held[token] = now.Add(ld.Duration)
	}
	return ld, err
}

// unlock removes a lock, a client's or a request's.
func (t *lockTable) unlock(now time.Time, token string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	err := t.mem.Unlock(now, token)
	if err == nil || err == webdav.ErrNoSuchLock {
		t.forgetLocked(token)
	}
	return err
}

// reap removes the locks that expired by now and returns how many client
// locks the login still holds.
func (t *lockTable) reap(now time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reapLocked(now)
	return len(t.held)
}

// reapLocked forgets expired client locks. Unlocking one of them makes the
// memory lock system drop every expired lock it has (it reaps on each
// call) and then answer ErrNoSuchLock.
func (t *lockTable) reapLocked(now time.Time) {
	for token, expiry := range t.held {
		if !now.Before(expiry) {
			_ = t.mem.Unlock(now, token)
			t.forgetLocked(token)
		}
	}
}

func (t *lockTable) forgetLocked(token string) {
	if _, ok := t.held[token]; ok {
		delete(t.held, token)
		t.total.Add(-1)
	}
}

// drop forgets every lock, when the login's sessions are killed, and gives
// their places back to the server's total.
func (t *lockTable) drop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total.Add(-int64(len(t.held)))
	clear(t.held)
	t.dropped = true
}
