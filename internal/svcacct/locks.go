package svcacct

import "sync"

// Locks holds one lock per hosting account, shared by the FTP, Web Disk
// and email services and UserManager: every change that decides from the
// accounts' rows whether a directory is in use and then acts on it (makes
// or adopts it and commits a row; removes it) runs under the account's
// lock, so that no removal can take a directory that a concurrent add in
// another service has just made or adopted.
//
// The lock is a leaf: whoever holds it calls no service method that takes
// it again (it is not reentrant), and takes no other lock of ours but the
// store's and the mail publisher's, which never wait for it. It is held
// only in this process: on PostgreSQL another node's change is not
// serialised with it (see DESIGN.md).
//
// The zero value is ready to use.
type Locks struct {
	mu   sync.Mutex
	held map[int64]*accountLock
}

// accountLock is one account's lock and how many callers hold it or wait
// for it, so that it is forgotten once nobody does.
type accountLock struct {
	mu   sync.Mutex
	refs int
}

// NewLocks returns a set of per-account locks for the services of one
// process to share.
func NewLocks() *Locks { return &Locks{} }

// Lock holds the lock of the hosting account id until the returned func
// runs.
func (l *Locks) Lock(id int64) (unlock func()) {
	l.mu.Lock()
	if l.held == nil {
		l.held = map[int64]*accountLock{}
	}
	a := l.held[id]
	if a == nil {
		a = &accountLock{}
		l.held[id] = a
	}
	a.refs++
	l.mu.Unlock()
	a.mu.Lock()
	return func() {
		a.mu.Unlock()
		l.mu.Lock()
		if a.refs--; a.refs == 0 {
			delete(l.held, id)
		}
		l.mu.Unlock()
	}
}
