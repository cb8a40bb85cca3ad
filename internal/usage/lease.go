package usage

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
)

// A lease batches the store writes of one login's changes on this node
// (issue #10): counting every 4 KiB upload with a durable mark, a 1 MiB
// reservation and a release plus unmark was three write transactions per
// file, a third of an FTP STOR's CPU.
//
// The lease takes the durable mark once, before the first change of a run
// of changes (reserving a first chunk for its pool in the same
// transaction), and keeps it until it settles; bytes reserved in the store
// and not written (or freed by a truncation or removal) stay in its pool,
// still counted, and the next writes take their reservations from there.
// The store's counts are thus always the bytes on disk plus what the
// leases hold, never less, so quotas hold across nodes as before; and
// while a lease holds anything, its mark is in the store, so a crash still
// leaves the mark behind and the account is rescanned.
//
// A lease settles (gives its pools back and unmarks, in one transaction)
// once no change has been under way for Config.SettleAfter, when a read of the
// account's counts or a rescan needs them exact, and at Keeper.Close.
const (
	// retrySettle is how long a lease whose settling failed (the store
	// was unavailable) waits before it tries again.
	retrySettle = 10 * time.Second
	// poolCap bounds the bytes a lease keeps counted for no file: a
	// change that leaves more gives the rest back at once.
	poolCap = 4 * vfs.ReserveChunk
	// poolRoom: a login with a quota keeps a pool only while its quota
	// leaves at least this much free after a reservation. The pools of
	// idle leases (at most poolCap per node) can then not refuse another
	// node an upload that the quota allows.
	poolRoom = 16 * poolCap
	// forgetBatch: a lease forgets the records of its finished temporary
	// files (see lease.done) in its next store write once it holds this
	// many, so that a lease kept marked for long by a busy account leaves
	// at most this many stale records, and only one upload in this many
	// pays for the deletes.
	forgetBatch = 64
)

// leaseKey names the lease of one login: an account and its virtual FTP
// login (0 for the logins without a quota of their own).
type leaseKey struct{ account, ftp int64 }

// scopes a lease's pool is kept in: changes in the home outside
// public_ftp, and in public_ftp (which count in both directories).
const (
	scopeHome = iota
	scopePublicFTP
	scopes
)

// lease is the mark and the pool of one login on this node. Its fields are
// guarded by mu; the keeper's map of leases by Keeper.mu, which is never
// held while mu is taken.
type lease struct {
	k    *Keeper
	key  leaseKey
	acct *hosting.Account

	mu     sync.Mutex
	marked bool  // the store holds this lease's mark
	gone   bool  // settled and forgotten: callers look the login's lease up again
	node   int64 // the node the mark belongs to
	epoch  int64 // the mark's epoch, which fences the lease's writes (see write)
	// recount is set once the store refused a write because another
	// node reclaimed the mark: the account is rescanned when the lease
	// settles.
	recount bool
	open    int // changes between Begin and End
	pool    [scopes]int64
	roomy   bool // the quota leaves room for a pool (see poolRoom)
	// done lists the temporary files recorded under the mark whose
	// change ended (renamed into place or removed): their records go
	// with a later write (forgetBatch) or with the settle.
	done  []string
	timer *time.Timer
}

// lease returns the login's lease, making one if it has none.
func (k *Keeper) lease(key leaseKey, acct *hosting.Account) *lease {
	k.mu.Lock()
	defer k.mu.Unlock()
	l := k.leases[key]
	if l == nil {
		// A login without a quota of its own is never refused, so its
		// pool can be kept from the start.
		l = &lease{k: k, key: key, acct: acct, roomy: key.ftp == 0}
		k.leases[key] = l
	}
	return l
}

// held returns the login's lease, if it has one.
func (k *Keeper) held(key leaseKey) *lease {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.leases[key]
}

// forget drops a settled lease from the keeper's map.
func (k *Keeper) forget(l *lease) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.leases[l.key] == l {
		delete(k.leases, l.key)
	}
}

// Settle settles the idle leases of the account's logins on this node:
// what they hold reserved is given back and their marks removed, so that
// the store's counts of the account are the bytes on disk (apart from
// files open for writing, and other nodes' leases).
func (k *Keeper) Settle(accountID int64) {
	k.settleLeases(func(id int64) bool { return id == accountID })
}

// settleLeases settles the idle leases of the accounts for which keep
// returns true, so that the store's counts of those accounts are exact.
func (k *Keeper) settleLeases(keep func(accountID int64) bool) {
	k.mu.Lock()
	var ls []*lease
	for key, l := range k.leases {
		if keep(key.account) {
			ls = append(ls, l)
		}
	}
	k.mu.Unlock()
	for _, l := range ls {
		l.settle()
	}
}

// begin counts a change that begins, marking the lease in the store first
// if it is not marked yet (with a first reservation for the pool of scope
// s). ok is false when the lease was settled meanwhile: the caller takes
// the login's new lease.
func (l *lease) begin(s int, scope hosting.UsageScope) (ok bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.gone {
		return false, nil
	}
	if !l.marked {
		if err := l.mark(s, scope); err != nil {
			l.dropUnmarked()
			return true, err
		}
	}
	l.open++
	if l.timer != nil {
		l.timer.Stop()
	}
	return true, nil
}

// mark writes the lease's durable mark and, in the same transaction,
// reserves a chunk for the pool of scope s, within the login's quota: the
// change that begins is most often a file written, whose first
// reservation the pool then serves, and the grant tells whether the quota
// leaves room for a pool at all (a truncation's freed bytes then stay in
// it). So a login's first upload after its lease settled costs the mark
// and the settle, not also a refill and a trim (issue #11). l.mu is held.
func (l *lease) mark(s int, scope hosting.UsageScope) error {
	l.k.changeBegan(l.acct.ID)
	g, err := l.takeMark(scope, vfs.ReserveChunk)
	if err != nil {
		l.k.changeEnded(l.acct.ID)
		return err
	}
	l.marked = true
	l.roomy = g.Room >= poolRoom
	l.pool[s] += g.Reserved
	return nil
}

// takeMark marks the account in the store for this node, reserving up to
// reserve bytes in scope in the same transaction, and keeps the mark's
// epoch. l.mu is held.
func (l *lease) takeMark(scope hosting.UsageScope, reserve int64) (hosting.UsageGrant, error) {
	node := l.k.cfg.Node()
	g, err := l.change(hosting.UsageChange{Scope: scope, Reserve: reserve, Node: node, Mark: 1})
	if err != nil {
		return g, err
	}
	l.node, l.epoch = node, g.Epoch
	return g, nil
}

// write applies a change under the lease's mark, fenced by its epoch: the
// store refuses it (hosting.ErrMarkReclaimed) once another node, taking
// this one for dead, has rescanned the account and removed the mark.
// l.mu is held.
func (l *lease) write(ch hosting.UsageChange) (hosting.UsageGrant, error) {
	ch.Node, ch.Epoch = l.node, l.epoch
	if len(l.done) >= forgetBatch || ch.Mark < 0 {
		ch.ForgetTempFiles = l.done
	}
	g, err := l.change(ch)
	if err == nil && len(ch.ForgetTempFiles) > 0 || errors.Is(err, hosting.ErrMarkReclaimed) {
		l.done = nil // forgotten, or cleared with the reclaimed mark
	}
	return g, err
}

// reclaimed handles a write refused because the mark was reclaimed. The
// rescan that reclaimed it counted the bytes on disk, not this pool: the
// pool is dropped without being given back, and the account is recounted
// once the lease settles, for what this node wrote since that rescan
// walked. With again set the lease marks itself anew (its changes go on)
// and reports whether the caller may retry its write. l.mu is held.
func (l *lease) reclaimed(err error, again bool) (retry bool, _ error) {
	if !errors.Is(err, hosting.ErrMarkReclaimed) {
		return false, err
	}
	if !l.recount {
		l.k.log.Warn("usage: another node reclaimed this node's mark on the account (it took this node for dead); "+
			"the lease's pool is dropped and the account will be rescanned", "account", l.acct.Name,
			"pool", l.pool[scopeHome]+l.pool[scopePublicFTP])
	}
	l.pool, l.recount = [scopes]int64{}, true
	if !again {
		return false, nil
	}
	if _, err := l.takeMark(l.scope(scopeHome), 0); err != nil {
		return false, err
	}
	return true, nil
}

// dropUnmarked forgets a lease that holds nothing. l.mu is held.
func (l *lease) dropUnmarked() {
	if !l.marked && l.open == 0 && !l.gone {
		l.gone = true
		l.k.forget(l)
	}
}

// reserve grants up to n bytes in scope s from the pool, refilling it from
// the store when it holds too few. ok is false when the lease holds no
// mark: the caller then counts the change on its own.
func (l *lease) reserve(s int, scope hosting.UsageScope, n int64) (granted int64, ok bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.gone || !l.marked {
		return 0, false, nil
	}
	p := l.pool[s]
	if p >= n {
		l.pool[s] -= n
		return n, true, nil
	}
	g, err := l.refill(scope, n-p)
	if retry, rerr := l.reclaimed(err, true); retry {
		p = 0 // dropped
		g, err = l.refill(scope, n)
	} else {
		err = rerr
	}
	if err != nil {
		return 0, true, err
	}
	l.roomy = g.Room >= poolRoom
	avail := p + g.Reserved
	granted = min(n, avail)
	l.pool[s] = avail - granted
	return granted, true, nil
}

// refill reserves n bytes in the store, and a chunk more when the quota
// leaves room for a pool. l.mu is held.
func (l *lease) refill(scope hosting.UsageScope, n int64) (hosting.UsageGrant, error) {
	if l.roomy {
		n += vfs.ReserveChunk // a chunk more serves the next files
	}
	return l.write(hosting.UsageChange{Scope: scope, Reserve: n})
}

// give takes n bytes counted in the store and no longer on disk (freed, or
// reserved and not written) into the pool of scope s, and ends a change
// when end is set: that of the temporary file temp, if not "", whose
// record may then go. ok is false when the lease holds no mark.
func (l *lease) give(s int, scope hosting.UsageScope, n int64, end bool, temp string) (ok bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.gone || !l.marked {
		return false, nil
	}
	if end && temp != "" {
		l.done = append(l.done, temp)
	}
	l.pool[s] += max(n, 0)
	if end {
		l.open--
	}
	err = l.trim(s, scope)
	if end && l.open == 0 {
		l.idle()
	}
	return true, err
}

// trim gives back to the store what the pool of scope s holds beyond what
// it may keep: poolCap, and a chunk more for each change still under way,
// which will likely take one soon (many Web Disk PUTs at once would
// otherwise trim and refill the pool every few files); nothing near the
// quota. A failure leaves it in the pool, to be given back when the lease
// settles. l.mu is held.
func (l *lease) trim(s int, scope hosting.UsageScope) error {
	keep := int64(poolCap) + int64(l.open)*vfs.ReserveChunk
	if !l.roomy {
		keep = 0
	}
	extra := l.pool[s] - keep
	if extra <= 0 {
		return nil
	}
	if _, err := l.write(hosting.UsageChange{Scope: scope, Release: extra}); err != nil {
		_, err = l.reclaimed(err, true) // the pool went with the mark
		return err
	}
	l.pool[s] -= extra
	return nil
}

// idle starts the wait before the lease settles, or settles it at once
// when the keeper is closing. l.mu is held.
func (l *lease) idle() {
	if l.k.bg.Err() != nil {
		l.settleLocked()
		return
	}
	l.after(l.k.cfg.SettleAfter)
}

func (l *lease) after(d time.Duration) {
	if l.timer == nil {
		l.timer = time.AfterFunc(d, l.settle)
		return
	}
	l.timer.Reset(d)
}

// settle gives the pool back and unmarks the lease, unless a change is
// under way.
func (l *lease) settle() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.settleLocked()
}

// settleLocked is settle with l.mu held. One store write gives back the
// pool of each scope and unmarks the lease, in one transaction; a failure
// keeps the mark and the pools, and tries again later.
func (l *lease) settleLocked() {
	if l.gone || l.open > 0 {
		return
	}
	if !l.marked {
		l.dropUnmarked()
		return
	}
	ch := hosting.UsageChange{Scope: l.scope(scopeHome), Release: l.pool[scopeHome], Node: l.node, Mark: -1,
		More: []hosting.UsageRelease{{Scope: l.scope(scopePublicFTP), N: l.pool[scopePublicFTP]}}}
	_, err := l.write(ch)
	if errors.Is(err, hosting.ErrMarkReclaimed) {
		_, _ = l.reclaimed(err, false) // the mark and the pools went with the reclaim
	} else if err != nil {
		// The mark stays: should this process end first, the account
		// is rescanned as after a crash.
		if l.k.bg.Err() == nil {
			l.after(retrySettle)
		}
		return
	}
	l.pool = [scopes]int64{}
	l.marked, l.gone = false, true
	if l.timer != nil {
		l.timer.Stop()
	}
	l.k.changeEnded(l.acct.ID)
	l.k.forget(l)
	if l.recount {
		l.recountLater()
	}
}

// recountLater rescans the account of a lease whose mark was reclaimed,
// in the background. A keeper that is closing runs no more rescans: it
// leaves a mark instead, so that the repair of this process's marks
// (another node's, or the next start's) recounts the account. l.mu is
// held.
func (l *lease) recountLater() {
	if l.k.bg.Err() == nil {
		l.k.Schedule(l.acct)
		return
	}
	if _, err := l.takeMark(l.scope(scopeHome), 0); err != nil {
		l.k.log.Error("usage: the account needs a rescan and no mark could be left for it", "account", l.acct.Name, "err", err)
	}
}

// record records an upload's temporary file under the lease's mark,
// marking the lease anew if its mark was reclaimed.
func (l *lease) record(temp string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := hosting.UsageChange{Scope: hosting.UsageScope{AccountID: l.acct.ID}, TempFile: temp}
	_, err := l.write(ch)
	if retry, rerr := l.reclaimed(err, true); retry {
		_, err = l.write(ch)
	} else {
		err = rerr
	}
	return err
}

// scope returns the counters that the pool of scope s is counted in.
func (l *lease) scope(s int) hosting.UsageScope {
	dirs := []string{hosting.UsageHome}
	if s == scopePublicFTP {
		dirs = append(dirs, hosting.UsagePublicFTP)
	}
	return hosting.UsageScope{AccountID: l.acct.ID, FTPID: l.key.ftp, Dirs: dirs}
}

// change applies one change to the store.
func (l *lease) change(ch hosting.UsageChange) (hosting.UsageGrant, error) {
	return l.k.change(l.acct, ch)
}

// change applies one change to the store, bounded by storeTimeout, and
// logs a failure.
func (k *Keeper) change(acct *hosting.Account, ch hosting.UsageChange) (hosting.UsageGrant, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	g, err := k.store.ChangeUsage(ctx, ch)
	if err != nil && !errors.Is(err, hosting.ErrMarkReclaimed) { // the lease logs that one
		k.log.Error("usage: count change", "account", acct.Name, "err", err)
	}
	return g, err
}
