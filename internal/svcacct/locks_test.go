package svcacct

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// TestLocks checks that one account's lock excludes its holders (the race
// detector sees the unguarded counters otherwise), that another account's
// does not wait for it, and that no lock is kept once nobody holds it.
func TestLocks(t *testing.T) {
	var l Locks // the zero value is ready
	ctx := context.Background()
	accts := map[int64]*hosting.Account{1: {ID: 1, Name: "one"}, 2: {ID: 2, Name: "two"}}
	counts := map[int64]*int{1: new(int), 2: new(int)}
	var wg sync.WaitGroup
	for i := range 40 {
		id := int64(1 + i%2)
		wg.Go(func() {
			unlock, err := l.Lock(ctx, accts[id])
			if err != nil {
				t.Error(err)
				return
			}
			defer unlock()
			*counts[id]++
		})
	}
	wg.Wait()
	if *counts[1] != 20 || *counts[2] != 20 {
		t.Errorf("counts %d, %d; want 20, 20", *counts[1], *counts[2])
	}
	unlock := mustLock(t, &l, ctx, accts[1])
	mustLock(t, &l, ctx, accts[2])() // account 2 is free while 1 is held
	unlock()
	if n := len(l.held); n != 0 {
		t.Errorf("%d locks kept after every holder left", n)
	}
}

// TestLockBusy: a waiter gives up when its context (or the Locks' wait)
// ends first, with ECONFLICT naming the account, and leaves nothing
// behind.
func TestLockBusy(t *testing.T) {
	acct := &hosting.Account{ID: 7, Name: "cpuser"}
	for _, tt := range []struct {
		name string
		l    *Locks
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{name: "caller's deadline", l: NewLocks(),
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), time.Millisecond)
			}},
		{name: "the Locks' wait", l: &Locks{wait: time.Millisecond},
			ctx: func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			unlock := mustLock(t, tt.l, context.Background(), acct)
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := tt.l.Lock(ctx, acct)
			if hosting.ErrorCode(err) != hosting.ECONFLICT || !strings.Contains(hosting.ErrorMessage(err), "“cpuser” is busy") {
				t.Errorf("Lock while held: %v (code %q); want ECONFLICT naming cpuser as busy", err, hosting.ErrorCode(err))
			}
			unlock()
			mustLock(t, tt.l, context.Background(), acct)()
			if n := len(tt.l.held); n != 0 {
				t.Errorf("%d locks kept after every holder left", n)
			}
		})
	}
}

func mustLock(tb testing.TB, l *Locks, ctx context.Context, acct *hosting.Account) func() {
	tb.Helper()
	unlock, err := l.Lock(ctx, acct)
	if err != nil {
		tb.Fatalf("lock %s: %v", acct.Name, err)
	}
	return unlock
}
