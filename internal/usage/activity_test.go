package usage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// A rescan does not store counts while an upload of the account is open:
// the upload's End would later give back a reservation the walk never
// counted. Once the upload is closed the rescan stores the bytes on disk.
func TestRescanWaitsForOpenChanges(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	k := e.keeper(t, Config{})
	if _, err := k.Rescan(context.Background(), e.acct); err != nil {
		t.Fatal(err)
	}
	base := e.counts(t).Dirs[hosting.UsageHome]
	v := mustFs(t, e, k, "", nil)
	f, err := v.Create("open.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(make([]byte, 5000)); err != nil {
		t.Fatal(err)
	}
	walks := e.walks.Load()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, err = k.Rescan(ctx, e.acct)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || e.walks.Load() != walks {
		t.Fatalf("rescan during an open upload = %v after %d walks; want it to wait without walking", err, e.walks.Load()-walks)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Rescan(context.Background(), e.acct); err != nil {
		t.Fatal(err)
	}
	if got := e.counts(t).Dirs[hosting.UsageHome]; got != base+5000 {
		t.Errorf("home counted %d after the rescan, want %d", got, base+5000)
	}
}

// A change that begins while the walk runs makes the rescan walk again,
// and a change that begins while the counts are stored waits for them.
func TestRescanWalksAgainAfterAChange(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	var k *Keeper
	first := true
	k = e.keeper(t, Config{OnWalk: func(id int64) {
		if first {
			first = false
			k.changeBegan(id) // another session's change, begun and ended during the walk
			k.changeEnded(id)
		}
	}})
	walks := e.walks.Load()
	if _, err := k.Rescan(context.Background(), e.acct); err != nil {
		t.Fatal(err)
	}
	if got := e.walks.Load() - walks; got != 2 {
		t.Errorf("%d walks, want 2 (the first was spoiled by a change)", got)
	}
	release, ok := k.holdChanges(e.acct.ID, 1)
	if !ok {
		t.Fatal("holdChanges refused a quiet account")
	}
	began := make(chan struct{})
	go func() { k.changeBegan(e.acct.ID); close(began) }()
	select {
	case <-began:
		t.Fatal("a change began while the counts were being stored")
	case <-time.After(100 * time.Millisecond):
	}
	release()
	<-began
	k.changeEnded(e.acct.ID)
}

// Asking for a background rescan of one account again and again, as
// repeated API calls do, queues it once and one more after it: never a
// goroutine per call.
func TestScheduleQueuesOnce(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	hold := make(chan struct{})
	k := e.keeper(t, Config{OnWalk: func(int64) { <-hold }})
	walks := e.walks.Load()
	for range 100 {
		k.Schedule(e.acct)
	}
	k.mu.Lock()
	queued := len(k.queued)
	k.mu.Unlock()
	close(hold)
	k.wg.Wait()
	if got := e.walks.Load() - walks; queued != 1 || got > 2 || got < 1 {
		t.Errorf("100 Schedules: %d accounts queued, %d walks; want 1 queued and 1 or 2 walks", queued, got)
	}
}
