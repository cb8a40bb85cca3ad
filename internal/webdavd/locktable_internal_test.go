package webdavd

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/webdav"
)

func mustLimits(tb testing.TB, l LockLimits) *LockLimits {
	tb.Helper()
	if err := l.validate(); err != nil {
		tb.Fatal(err)
	}
	return &l
}

func lockAt(root string, d time.Duration) webdav.LockDetails {
	return webdav.LockDetails{Root: root, Duration: d, OwnerXML: "<D:href>me</D:href>"}
}

// TestLockTableBounds: the per-login and server-wide caps, the owner cap,
// the longest timeout, reaping by time, and places given back by unlock,
// reap and drop.
func TestLockTableBounds(t *testing.T) {
	limits := mustLimits(t, LockLimits{PerLogin: 3, Total: 4, OwnerBytes: 32, MaxTimeout: time.Minute})
	var total atomic.Int64
	a, b := newLockTable(limits, &total), newLockTable(limits, &total)
	t0 := time.Unix(1_800_000_000, 0)
	steps := []struct {
		name  string
		table *lockTable
		at    time.Duration
		d     webdav.LockDetails
		want  error
	}{
		{"first", a, 0, lockAt("/1", -1), nil},
		{"second", a, 0, lockAt("/2", 10*time.Second), nil},
		{"third", a, 0, lockAt("/3", time.Hour), nil},
		{"past the login's cap", a, 0, lockAt("/4", time.Second), errTooManyLocks},
		{"other login", b, 0, lockAt("/1", time.Second), nil},
		{"past the server's cap", b, 0, lockAt("/2", time.Second), errTooManyLocksTotal},
		{"owner too large", b, 0, webdav.LockDetails{Root: "/x", OwnerXML: string(make([]byte, 33))}, errOwnerTooLarge},
		{"after /2 of a and b's lock expired", b, 11 * time.Second, lockAt("/2", time.Second), nil},
		{"conflict", a, 11 * time.Second, lockAt("/1", time.Second), webdav.ErrLocked},
	}
	for _, s := range steps {
		if _, err := s.table.create(t0.Add(s.at), s.d); !errors.Is(err, s.want) {
			t.Fatalf("%s: %v, want %v", s.name, err, s.want)
		}
	}
	// "Infinite" and an hour both became a minute.
	if n := a.reap(t0.Add(59 * time.Second)); n != 2 {
		t.Errorf("a holds %d locks before their minute is up, want 2", n)
	}
	if n := a.reap(t0.Add(time.Minute)); n != 0 {
		t.Errorf("a holds %d locks after the longest timeout", n)
	}
	if got := total.Load(); got != 1 {
		t.Errorf("server count %d, want b's one lock", got)
	}
	b.drop()
	if got := total.Load(); got != 0 {
		t.Errorf("server count %d after drop", got)
	}
	if _, err := b.create(t0, lockAt("/9", time.Second)); !errors.Is(err, errDropped) {
		t.Errorf("a dropped table took a lock: %v", err)
	}
}

// TestLockTableRefresh: a refresh is clamped to the longest timeout and
// moves the reaping time; unlock forgets the lock.
func TestLockTableRefresh(t *testing.T) {
	limits := mustLimits(t, LockLimits{MaxTimeout: time.Minute})
	var total atomic.Int64
	lt := newLockTable(limits, &total)
	t0 := time.Unix(1_800_000_000, 0)
	token, err := lt.create(t0, lockAt("/f", 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ld, err := lt.refresh(t0.Add(20*time.Second), token, -1)
	if err != nil || ld.Duration != time.Minute {
		t.Fatalf("refresh: %v %v, want a minute", ld.Duration, err)
	}
	if n := lt.reap(t0.Add(79 * time.Second)); n != 1 {
		t.Errorf("a refreshed lock was reaped at its old expiry")
	}
	if err := lt.unlock(t0.Add(79*time.Second), token); err != nil {
		t.Fatal(err)
	}
	if n := lt.reap(t0.Add(79 * time.Second)); n != 0 || total.Load() != 0 {
		t.Errorf("%d locks (server %d) after unlock", n, total.Load())
	}
}

// TestLockTableRequestLocks: the zero-depth locks a write request takes
// for its own length do not count, so a login at its cap can still write.
func TestLockTableRequestLocks(t *testing.T) {
	limits := mustLimits(t, LockLimits{PerLogin: 1})
	var total atomic.Int64
	lt := newLockTable(limits, &total)
	now := time.Now()
	if _, err := lt.create(now, lockAt("/held", -1)); err != nil {
		t.Fatal(err)
	}
	l := &condLocks{LockSystem: lt.mem, table: lt}
	for i := range 3 {
		token, err := l.Create(now, webdav.LockDetails{Root: fmt.Sprintf("/w%d", i), Duration: -1, ZeroDepth: true})
		if err != nil {
			t.Fatalf("request lock %d at the cap: %v", i, err)
		}
		if err := l.Unlock(now, token); err != nil {
			t.Fatal(err)
		}
	}
	if total.Load() != 1 {
		t.Errorf("server count %d, want 1", total.Load())
	}
}

func TestLockLimitsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    LockLimits
		ok   bool
	}{
		{"defaults", LockLimits{}, true},
		{"negative", LockLimits{PerLogin: -1}, false},
		{"under a second", LockLimits{MaxTimeout: time.Millisecond}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.l
			if err := l.validate(); (err == nil) != tc.ok {
				t.Fatalf("validate: %v", err)
			}
			if tc.ok && (l.PerLogin != DefaultMaxLocks || l.MaxTimeout != DefaultMaxLockTimeout) {
				t.Errorf("defaults not filled in: %+v", l)
			}
		})
	}
}
