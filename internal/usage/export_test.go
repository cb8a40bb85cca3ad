package usage

import (
	"testing"
	"time"
)

// WaitingHook makes f see the other nodes a rescan of this keeper waits
// for (their marks on the account), each time it looks.
func (k *Keeper) WaitingHook(f func(nodes []int64)) { k.onWait = f }

// WaitRescans waits until no rescan is queued or running in the
// background, such as the recount of a lease whose mark was reclaimed; it
// fails the test after a minute.
func (k *Keeper) WaitRescans(tb testing.TB) {
	tb.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		k.mu.Lock()
		n := len(k.queued)
		k.mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d background rescans still queued", n)
		}
	}
}
