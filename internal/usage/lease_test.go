package usage

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/vfs"
)

// writeCounter counts the usage writes that reach the store.
type writeCounter struct {
	*store.DB
	writes atomic.Int64
}

func (w *writeCounter) ChangeUsage(ctx context.Context, c hosting.UsageChange) (hosting.UsageGrant, error) {
	w.writes.Add(1)
	return w.DB.ChangeUsage(ctx, c)
}

// mustKeeperOn returns a keeper over st, closed when the test ends.
func mustKeeperOn(tb testing.TB, st Store, cfg Config) *Keeper {
	tb.Helper()
	k := New(cfg, st, nil)
	tb.Cleanup(func() { _ = k.Close() })
	return k
}

func (e *env) marks(tb testing.TB) []hosting.UsageMark {
	tb.Helper()
	m, err := e.db.StaleUsageMarks(context.Background(), -1, time.Now().Add(time.Hour))
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func (e *env) diskHome(tb testing.TB) int64 {
	tb.Helper()
	n, err := vfs.DiskUsage(e.acct.HomeDir)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// Many small uploads of one login, through two sessions, share one mark
// and one reservation: a handful of store writes instead of three per
// file, and the counts are exact once the lease settles.
func TestLeaseBatchesSmallFiles(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	w := &writeCounter{DB: e.db}
	k := mustKeeperOn(t, w, Config{SettleAfter: time.Hour})
	if _, err := k.Rescan(context.Background(), e.acct); err != nil {
		t.Fatal(err)
	}
	sessions := []*vfs.Fs{mustFs(t, e, k, "", nil), mustFs(t, e, k, "", nil)}
	before := w.writes.Load()
	const files = 200
	for i := range files {
		put(t, sessions[i%2], fmt.Sprintf("f%d.txt", i), 4096)
	}
	if got := w.writes.Load() - before; got > 3 {
		t.Errorf("%d uploads of 4 KiB made %d store writes; want at most 3 (a mark and a reservation)", files, got)
	}
	if len(e.marks(t)) != 1 {
		t.Errorf("marks while the lease is held: %+v; want the one mark", e.marks(t))
	}
	c, err := k.Counts(context.Background(), e.acct)
	must(t, err)
	if want := e.diskHome(t); c.Dirs[hosting.UsageHome] != want || want != 127+files*4096 {
		t.Errorf("home counted %d, on disk %d; want %d", c.Dirs[hosting.UsageHome], want, 127+files*4096)
	}
	if m := e.marks(t); len(m) != 0 {
		t.Errorf("marks after the lease settled: %+v", m)
	}
}

// The lease is marked in the store before the first byte reaches the disk,
// and a process that dies holding it (no settle) leaves the mark: another
// keeper's Repair then makes the counts equal the bytes on disk.
func TestLeaseMarkSurvivesCrash(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	dead := New(Config{SettleAfter: time.Hour, Node: func() int64 { return 1 }}, e.db, nil) // never closed: it "crashes"
	if _, err := dead.Rescan(context.Background(), e.acct); err != nil {
		t.Fatal(err)
	}
	v := mustFs(t, e, dead, "site", e.login)
	f, err := v.Create("cut.bin")
	must(t, err)
	if m := e.marks(t); len(m) != 1 || m[0].Node != 1 {
		t.Fatalf("marks once the file is open and before any write: %+v; want node 1's", m)
	}
	_, err = f.Write(make([]byte, 3000))
	must(t, err)
	put(t, v, "done.bin", 5000) // closed: its reservation stays in the pool, still counted
	if got := e.counts(t).FTP[e.login.ID]; got <= 7+8000 {
		t.Fatalf("login counted %d while the lease holds its pool; want more than on disk", got)
	}

	k := mustKeeperOn(t, e.db, Config{Node: func() int64 { return 2 }})
	if n, err := k.Repair(context.Background()); n != 1 || err != nil {
		t.Fatalf("Repair = %d, %v; want the crashed node's account", n, err)
	}
	c := e.counts(t)
	if want := e.diskHome(t); c.Dirs[hosting.UsageHome] != want || c.FTP[e.login.ID] != 7+8000 {
		t.Errorf("after repair: %+v; want home %d (on disk), login %d", c, want, 7+8000)
	}
	if m := e.marks(t); len(m) != 0 {
		t.Errorf("marks after repair: %+v", m)
	}
}

// A login whose quota leaves less than poolRoom free keeps nothing in the
// pool: the store counts exactly what is on disk as soon as a file
// closes, so that no other session or node is refused bytes it may use.
func TestLeaseKeepsNoPoolNearQuota(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	quota := int64(poolRoom>>20) + 1 // MiB: room for one upload, not for a pool after it
	must(t, e.db.UpdateFTPAccount(context.Background(), e.login.ID, hosting.FTPAccountUpdate{QuotaMB: &quota}))
	e.login.QuotaMB = quota
	k := e.keeper(t, Config{SettleAfter: time.Hour})
	if _, err := k.Rescan(context.Background(), e.acct); err != nil {
		t.Fatal(err)
	}
	v := mustFs(t, e, k, "site", e.login)
	put(t, v, "big.bin", 2<<20)
	put(t, v, "small.bin", 4096)
	if got := e.counts(t).FTP[e.login.ID]; got != 7+2<<20+4096 {
		t.Errorf("login counted %d in the store with the lease held; want %d, what is on disk", got, 7+2<<20+4096)
	}
}

// A lease settles on its own once its login has been idle for SettleAfter.
func TestLeaseSettlesWhenIdle(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	k := e.keeper(t, Config{SettleAfter: 20 * time.Millisecond})
	if _, err := k.Rescan(context.Background(), e.acct); err != nil {
		t.Fatal(err)
	}
	put(t, mustFs(t, e, k, "site", e.login), "a.bin", 4096)
	for deadline := time.Now().Add(10 * time.Second); len(e.marks(t)) != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the lease kept its mark")
		}
	}
	if c := e.counts(t); c.FTP[e.login.ID] != 7+4096 || c.Dirs[hosting.UsageHome] != 127+4096 {
		t.Errorf("counts after the lease settled: %+v", c)
	}
}

// A rescan settles an idle lease at once instead of waiting for it, and
// Close settles what is left.
func TestLeaseSettledByRescanAndClose(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	k := New(Config{SettleAfter: time.Hour}, e.db, nil)
	v := mustFs(t, e, k, "", nil)
	put(t, v, "a.bin", 4096)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c, err := k.Rescan(ctx, e.acct); err != nil || c.Dirs[hosting.UsageHome] != 127+4096 {
		t.Fatalf("Rescan with an idle lease = %+v, %v", c, err)
	}
	put(t, v, "b.bin", 4096)
	must(t, k.Close())
	if c := e.counts(t); c.Dirs[hosting.UsageHome] != 127+8192 || len(e.marks(t)) != 0 {
		t.Errorf("after Close: %+v, marks %+v", c, e.marks(t))
	}
	put(t, v, "c.bin", 4096) // after Close a change settles at once
	if c := e.counts(t); c.Dirs[hosting.UsageHome] != 127+3*4096 || len(e.marks(t)) != 0 {
		t.Errorf("a change after Close: %+v, marks %+v", c, e.marks(t))
	}
}
