package svcacct_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/svcacct"
)

// nodes opens two stores over one PostgreSQL schema, as two uapid nodes
// sharing a database do, and returns their shared Locks.
func nodes(t *testing.T) (a, b *svcacct.Locks, dbA, dbB *store.DB) {
	t.Helper()
	dsn := fixture.PostgresDSN(t, "account locks across nodes")
	dbA, dbB = fixture.StoreAt(t, dsn), fixture.StoreAt(t, dsn)
	return svcacct.Shared(dbA, 0), svcacct.Shared(dbB, 0), dbA, dbB
}

func acct(id int64) *hosting.Account {
	return &hosting.Account{ID: id, Name: fmt.Sprintf("user%d", id)}
}

// mustLock takes acct's lock in l within a minute.
func mustLock(t *testing.T, l *svcacct.Locks, a *hosting.Account) func() {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	unlock, err := l.Lock(ctx, a)
	if err != nil {
		t.Fatalf("lock %s: %v", a.Name, err)
	}
	return unlock
}

// accountLocks counts the advisory locks of account id in db's schema,
// granted or waited for.
func accountLocks(t *testing.T, db *store.DB, id int64, granted bool) int {
	t.Helper()
	var n int
	err := db.SQL().QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid = hashtext('uapid.account@' || current_schema())::oid AND objid = $1 AND granted = $2`,
		id, granted).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds, for at most a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(time.Minute); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("still waiting for %s", what)
		}
	}
}

// TestSharedLocksAcrossNodes: an account's lock held on one node makes
// the other node's Lock of that account wait (PostgreSQL shows it
// waiting) until it is released, and not another account's.
func TestSharedLocksAcrossNodes(t *testing.T) {
	t.Parallel()
	a, b, dbA, _ := nodes(t)
	unlockA := mustLock(t, a, acct(1))
	mustLock(t, b, acct(2))() // another account: no wait
	got := make(chan func())
	go func() {
		unlock, err := b.Lock(context.Background(), acct(1))
		if err != nil {
			t.Error(err)
			unlock = func() {}
		}
		got <- unlock
	}()
	waitFor(t, "node B to wait for account 1's lock", func() bool { return accountLocks(t, dbA, 1, false) == 1 })
	select {
	case <-got:
		t.Fatal("node B took account 1's lock while node A held it")
	default:
	}
	unlockA()
	(<-got)()
	if n := accountLocks(t, dbA, 1, true) + accountLocks(t, dbA, 1, false); n != 0 {
		t.Errorf("%d locks of account 1 left", n)
	}
}

// TestSharedLockDeadline: a waiter whose context ends first gets ECONFLICT
// naming the account as busy; the holder's release then lets others in.
func TestSharedLockDeadline(t *testing.T) {
	t.Parallel()
	a, b, _, _ := nodes(t)
	unlock := mustLock(t, a, acct(1))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := b.Lock(ctx, acct(1)); hosting.ErrorCode(err) != hosting.ECONFLICT {
		t.Errorf("Lock past its deadline: %v (code %q), want ECONFLICT", err, hosting.ErrorCode(err))
	}
	unlock()
	mustLock(t, b, acct(1))()
}

// TestSharedLockConnectionCap: a node holds at most 8 connections for
// account locks; the 9th account waits (here until its deadline) while
// another node is not limited by it, and every connection goes back to
// the pool once released.
func TestSharedLockConnectionCap(t *testing.T) {
	t.Parallel()
	a, b, dbA, _ := nodes(t)
	var unlocks []func()
	for id := range int64(8) {
		unlocks = append(unlocks, mustLock(t, a, acct(100+id)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := a.Lock(ctx, acct(200)); hosting.ErrorCode(err) != hosting.ECONFLICT {
		t.Errorf("a 9th lock on one node: %v, want ECONFLICT", err)
	}
	mustLock(t, b, acct(200))() // node B has connections of its own
	unlocks[0]()
	mustLock(t, a, acct(200))()
	for _, u := range unlocks[1:] {
		u()
	}
	if s := dbA.SQL().Stats(); s.InUse != 0 {
		t.Errorf("%d connections still in use after every lock was released", s.InUse)
	}
}

// TestSharedLockDiesWithItsConnection: a node that dies (its connection
// is gone) does not keep the lock: the other node gets it, and the dead
// holder's release does not fail.
func TestSharedLockDiesWithItsConnection(t *testing.T) {
	t.Parallel()
	a, b, dbA, dbB := nodes(t)
	unlock := mustLock(t, a, acct(1))
	var pid int
	if err := dbB.SQL().QueryRow(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted
		AND classid = hashtext('uapid.account@' || current_schema())::oid AND objid = 1`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := dbB.SQL().Exec(`SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	mustLock(t, b, acct(1))()
	unlock() // closes the broken connection
	if s := dbA.SQL().Stats(); s.InUse != 0 {
		t.Errorf("%d connections still in use", s.InUse)
	}
}
