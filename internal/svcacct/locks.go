package svcacct

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// DefaultLockWait is how long Lock waits for an account's lock before it
// gives up with "busy": a change holds it for a few queries and file
// operations, or a destroy's removal of a large tree.
const DefaultLockWait = 30 * time.Second

// Locks holds one lock per hosting account, shared by the FTP, Web Disk
// and email services and UserManager: every change that decides from the
// accounts' rows whether a directory is in use and then acts on it (makes
// or adopts it and commits a row; removes it) runs under the account's
// lock, so that no removal can take a directory that a concurrent add in
// another service has just made or adopted.
//
// The lock is a leaf: whoever holds it calls no service method that takes
// it again (it is not reentrant), and takes no other lock of ours but the
// store's and the mail publisher's, which never wait for it. With Shared
// locks (PostgreSQL), it holds across every node: after the process's own
// lock, a lock in the database (ClusterLocker) is taken, so at most one
// change per account and node waits for another node's.
//
// The zero value is ready to use, in this process only.
type Locks struct {
	mu     sync.Mutex
	held   map[int64]*accountLock
	shared ClusterLocker // nil: this process only
	wait   time.Duration // 0: DefaultLockWait
}

// ClusterLocker holds a hosting account's lock across every node that
// shares the database: *store.DB on PostgreSQL (an advisory lock held on a
// connection of its own, which dies with the connection, so no crashed
// node keeps it). LockAccount waits at most until ctx is done.
type ClusterLocker interface {
	LockAccount(ctx context.Context, id int64) (unlock func(), err error)
}

// accountLock is one account's lock (held while its slot is full) and how
// many callers hold it or wait for it, so that it is forgotten once nobody
// does.
type accountLock struct {
	slot chan struct{}
	refs int
}

// NewLocks returns a set of per-account locks for the services of one
// process to share (SQLite: the only process).
func NewLocks() *Locks { return &Locks{} }

// Shared returns a set of per-account locks that also holds each account's
// lock in c, across every node; Lock waits at most wait for it (0:
// DefaultLockWait).
func Shared(c ClusterLocker, wait time.Duration) *Locks {
	return &Locks{shared: c, wait: wait}
}

// Lock holds the lock of the hosting account acct until the returned func
// runs. It waits at most the Locks' wait (or until ctx is done), then
// returns ECONFLICT naming the account as busy.
func (l *Locks) Lock(ctx context.Context, acct *hosting.Account) (unlock func(), err error) {
	wait := l.wait
	if wait <= 0 {
		wait = DefaultLockWait
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	a := l.ref(acct.ID)
	select {
	case a.slot <- struct{}{}:
	case <-ctx.Done():
		l.unref(acct.ID, a)
		return nil, busy(acct, ctx.Err())
	}
	release := func() {}
	if l.shared != nil {
		if release, err = l.shared.LockAccount(ctx, acct.ID); err != nil {
			<-a.slot
			l.unref(acct.ID, a)
			if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
				return nil, busy(acct, err)
			}
			return nil, err
		}
	}
	return func() {
		release()
		<-a.slot
		l.unref(acct.ID, a)
	}, nil
}

// busy is the error of a lock not had in time: another change of the
// account holds it (or, on PostgreSQL, the node's lock connections are all
// taken). It wraps why, for the log.
func busy(acct *hosting.Account, why error) error {
	return fmt.Errorf("%w (%w)", hosting.Errorf(hosting.ECONFLICT,
		"The account “%s” is busy with another change to its FTP, Web Disk or email accounts. Try again in a moment.", acct.Name), why)
}

// ref returns account id's lock, counting the caller in.
func (l *Locks) ref(id int64) *accountLock {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = map[int64]*accountLock{}
	}
	a := l.held[id]
	if a == nil {
		a = &accountLock{slot: make(chan struct{}, 1)}
		l.held[id] = a
	}
	a.refs++
	return a
}

// unref counts the caller out of a, and forgets it once nobody holds it or
// waits for it.
func (l *Locks) unref(id int64, a *accountLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a.refs--; a.refs == 0 {
		delete(l.held, id)
	}
}
