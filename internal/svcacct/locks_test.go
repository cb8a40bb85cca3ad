package svcacct

import (
	"sync"
	"testing"
)

// TestLocks checks that one account's lock excludes its holders (the race
// detector sees the unguarded counters otherwise), that another account's
// does not wait for it, and that no lock is kept once nobody holds it.
func TestLocks(t *testing.T) {
	var l Locks // the zero value is ready
	counts := map[int64]*int{1: new(int), 2: new(int)}
	var wg sync.WaitGroup
	for i := range 40 {
		id := int64(1 + i%2)
		wg.Go(func() {
			defer l.Lock(id)()
			*counts[id]++
		})
	}
	wg.Wait()
	if *counts[1] != 20 || *counts[2] != 20 {
		t.Errorf("counts %d, %d; want 20, 20", *counts[1], *counts[2])
	}
	unlock := l.Lock(1)
	l.Lock(2)() // account 2 is free while 1 is held
	unlock()
	if n := len(l.held); n != 0 {
		t.Errorf("%d locks kept after every holder left", n)
	}
}
