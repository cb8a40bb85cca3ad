package store_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

func TestChangeUsage(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		web := mustFTPAccount(t, db, alice.ID, "web", "alice.example")
		one := int64(1)
		if err := db.UpdateFTPAccount(ctx, web.ID, hosting.FTPAccountUpdate{QuotaMB: &one}); err != nil {
			t.Fatal(err)
		}
		login := hosting.UsageScope{AccountID: alice.ID, FTPID: web.ID, Dirs: []string{hosting.UsageHome}}
		pub := hosting.UsageScope{AccountID: alice.ID, Dirs: []string{hosting.UsageHome, hosting.UsagePublicFTP}}
		const none = math.MaxInt64
		tests := []struct {
			name      string
			change    hosting.UsageChange
			granted   hosting.UsageGrant
			ftp, home int64
			publicFTP int64
		}{
			{"reserve within quota", hosting.UsageChange{Scope: login, Reserve: 600 << 10}, hosting.UsageGrant{Reserved: 600 << 10, Room: 424 << 10},
				600 << 10, 600 << 10, 0},
			{"reserve past quota gets the rest", hosting.UsageChange{Scope: login, Reserve: 600 << 10}, hosting.UsageGrant{Reserved: 424 << 10},
				1 << 20, 1 << 20, 0},
			{"full quota grants nothing", hosting.UsageChange{Scope: login, Reserve: 1}, hosting.UsageGrant{}, 1 << 20, 1 << 20, 0},
			{"release", hosting.UsageChange{Scope: login, Release: 24 << 10}, hosting.UsageGrant{}, 1000 << 10, 1000 << 10, 0},
			{"no login, no limit", hosting.UsageChange{Scope: pub, Reserve: 5 << 20}, hosting.UsageGrant{Reserved: 5 << 20, Room: none},
				1000 << 10, 1000<<10 + 5<<20, 5 << 20},
			{"release never below zero", hosting.UsageChange{Scope: pub, Release: 100 << 20}, hosting.UsageGrant{}, 1000 << 10, 0, 0},
			{"reserve in two scopes", hosting.UsageChange{Scope: pub, Reserve: 3 << 20}, hosting.UsageGrant{Reserved: 3 << 20, Room: none},
				1000 << 10, 3 << 20, 3 << 20},
			{"release in several scopes at once", hosting.UsageChange{Scope: login, Release: 100 << 10,
				More: []hosting.UsageRelease{{Scope: pub, N: 1 << 20}, {Scope: hosting.UsageScope{AccountID: alice.ID, FTPID: web.ID,
					Dirs: []string{hosting.UsagePublicFTP}}, N: 200 << 10}}},
				hosting.UsageGrant{}, 700 << 10, 2<<20 - 100<<10, 2<<20 - 200<<10},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.ChangeUsage(ctx, tt.change)
				if err != nil || got != tt.granted {
					t.Fatalf("ChangeUsage = %+v, %v; want %+v", got, err, tt.granted)
				}
				c, err := db.UsageCounts(ctx, alice.ID)
				if err != nil {
					t.Fatal(err)
				}
				if c.FTP[web.ID] != tt.ftp || c.Dirs[hosting.UsageHome] != tt.home || c.Dirs[hosting.UsagePublicFTP] != tt.publicFTP {
					t.Errorf("counts %+v; want ftp %d, home %d, public_ftp %d", c, tt.ftp, tt.home, tt.publicFTP)
				}
				if !c.ScannedAt.IsZero() {
					t.Errorf("counts never rescanned have ScannedAt %v", c.ScannedAt)
				}
			})
		}
	})
}

// Concurrent reservations on one login never pass its quota together: the
// shape of two nodes uploading for one login.
func TestChangeUsageConcurrentQuota(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		web := mustFTPAccount(t, db, alice.ID, "web", "alice.example")
		two := int64(2)
		if err := db.UpdateFTPAccount(ctx, web.ID, hosting.FTPAccountUpdate{QuotaMB: &two}); err != nil {
			t.Fatal(err)
		}
		s := hosting.UsageScope{AccountID: alice.ID, FTPID: web.ID}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var total int64
		for range 8 {
			wg.Go(func() {
				for range 10 {
					n, err := db.ChangeUsage(ctx, hosting.UsageChange{Scope: s, Reserve: 100 << 10})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					total += n.Reserved
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		c, err := db.UsageCounts(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if total != 2<<20 || c.FTP[web.ID] != 2<<20 {
			t.Errorf("granted %d, counted %d; want exactly the 2 MiB quota", total, c.FTP[web.ID])
		}
	})
}

func TestUsageMarks(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		now := time.Now()
		live, err := db.RegisterNode(ctx, "live", now, now.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		mark := func(node int64, acct *hosting.Account, m int) {
			t.Helper()
			if _, err := db.ChangeUsage(ctx, hosting.UsageChange{Scope: hosting.UsageScope{AccountID: acct.ID}, Node: node, Mark: m}); err != nil {
				t.Fatal(err)
			}
		}
		const dead, self = 9999, 8888
		mark(dead, alice, 1)
		mark(dead, alice, 1)
		mark(live, bob, 1)
		mark(self, bob, 1)
		mark(self, alice, 1)
		mark(self, alice, -1) // ended cleanly: no mark left
		got, err := db.StaleUsageMarks(ctx, self, now.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if want := []hosting.UsageMark{{Node: dead, AccountID: alice.ID}}; len(got) != 1 || got[0] != want[0] {
			t.Errorf("stale marks %+v, want %+v", got, want)
		}
		// A node whose heartbeat is too old is dead too.
		if got, _ := db.StaleUsageMarks(ctx, self, now.Add(time.Minute)); len(got) != 2 {
			t.Errorf("with the live node taken for dead: %+v", got)
		}
		scanned := hosting.UsageCounts{Dirs: map[string]int64{hosting.UsageHome: 7, hosting.UsagePublicFTP: 2}, ScannedAt: now}
		gen, held, err := db.UsageHolders(ctx, alice.ID, self, now.Add(-time.Minute))
		if err != nil || gen != 3 || len(held) != 0 {
			t.Fatalf("alice's generation %d, held by %v, %v; want 3 (three marks taken), no live node", gen, held, err)
		}
		fence := hosting.UsageFence{Generation: gen, Self: self, LiveSince: now.Add(-time.Minute), Clear: got[:1]}
		if err := db.SetUsage(ctx, alice.ID, scanned, fence); err != nil {
			t.Fatal(err)
		}
		if left, _ := db.StaleUsageMarks(ctx, self, now.Add(-time.Minute)); len(left) != 0 {
			t.Errorf("marks left after SetUsage: %+v", left)
		}
		c, err := db.UsageCounts(ctx, alice.ID)
		if err != nil || c.Dirs[hosting.UsageHome] != 7 || c.ScannedAt.Unix() != now.Unix() {
			t.Errorf("counts %+v, %v", c, err)
		}
		if ids, err := db.UnscannedAccounts(ctx); err != nil || len(ids) != 1 || ids[0] != bob.ID {
			t.Errorf("unscanned %v, %v; want bob only", ids, err)
		}
	})
}

// TestUsageTempFiles: a temporary file is recorded under its node's mark
// and forgotten when the mark goes, by the node's last unmark or by
// SetUsage, or before, when a change of its node names it finished.
func TestUsageTempFiles(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		change := func(node int64, acct *hosting.Account, m int, file string) {
			t.Helper()
			c := hosting.UsageChange{Scope: hosting.UsageScope{AccountID: acct.ID}, Node: node, Mark: m, TempFile: file}
			if _, err := db.ChangeUsage(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		const dead, self = 9999, 8888
		change(dead, alice, 1, "")
		change(dead, alice, 0, "a/.uapid-put-1")
		change(dead, alice, 0, "b/.uapid-put-2")
		change(dead, alice, 0, "b/.uapid-put-5")
		// A finished file's record goes with a later change; only its
		// node's and account's.
		for _, f := range []struct {
			node int64
			acct *hosting.Account
		}{{self, alice}, {dead, bob}, {dead, alice}} {
			forget := hosting.UsageChange{Scope: hosting.UsageScope{AccountID: f.acct.ID}, Node: f.node, ForgetTempFiles: []string{"b/.uapid-put-5"}}
			if _, err := db.ChangeUsage(ctx, forget); err != nil {
				t.Fatal(err)
			}
			want := 3
			if f.node == dead && f.acct == alice {
				want = 2
			}
			if got, _ := db.UsageTempFiles(ctx, []hosting.UsageMark{{Node: dead, AccountID: alice.ID}}); len(got) != want {
				t.Errorf("after forgetting node %d's in %s: %q, want %d", f.node, f.acct.Name, got, want)
			}
		}
		change(dead, bob, 1, ".uapid-put-3")
		change(self, alice, 1, "")
		change(self, alice, 1, ".uapid-put-4")
		change(self, alice, -1, "") // another change still holds the mark
		marks := []hosting.UsageMark{{Node: dead, AccountID: alice.ID}, {Node: self, AccountID: alice.ID}}
		got, err := db.UsageTempFiles(ctx, marks)
		if err != nil || strings.Join(got, " ") != "a/.uapid-put-1 b/.uapid-put-2 .uapid-put-4" {
			t.Errorf("temporary files %q, %v", got, err)
		}
		change(self, alice, -1, "") // the mark goes, and its records
		if got, _ := db.UsageTempFiles(ctx, marks[1:]); len(got) != 0 {
			t.Errorf("left after the last unmark: %q", got)
		}
		fence := hosting.UsageFence{Generation: 3, Self: self, LiveSince: time.Now(), Clear: marks[:1]}
		if err := db.SetUsage(ctx, alice.ID, hosting.UsageCounts{ScannedAt: time.Now()}, fence); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.UsageTempFiles(ctx, marks); len(got) != 0 {
			t.Errorf("left after SetUsage: %q", got)
		}
		if got, _ := db.UsageTempFiles(ctx, []hosting.UsageMark{{Node: dead, AccountID: bob.ID}}); len(got) != 1 {
			t.Errorf("another account's: %q, want its one file", got)
		}
	})
}

// TestUsageFence: a rescan's counts are refused while a live node other
// than the rescanning one holds a mark on the account, or when a mark was
// taken since the walk began; a change under a mark that a rescan removed,
// or that was taken again since, is refused whole.
func TestUsageFence(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		now := time.Now()
		other, err := db.RegisterNode(ctx, "other", now, now.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		const self = 8888
		home := hosting.UsageScope{AccountID: alice.ID, Dirs: []string{hosting.UsageHome}}
		change := func(c hosting.UsageChange) (hosting.UsageGrant, error) {
			t.Helper()
			c.Scope.AccountID = alice.ID
			return db.ChangeUsage(ctx, c)
		}
		scanned := hosting.UsageCounts{Dirs: map[string]int64{hosting.UsageHome: 50, hosting.UsagePublicFTP: 0}, ScannedAt: now}
		set := func(gen int64, liveSince time.Time, clear ...hosting.UsageMark) error {
			return db.SetUsage(ctx, alice.ID, scanned, hosting.UsageFence{Generation: gen, Self: self, LiveSince: liveSince, Clear: clear})
		}

		g, err := change(hosting.UsageChange{Node: other, Mark: 1})
		if err != nil || g.Epoch == 0 {
			t.Fatalf("mark: %+v, %v; want an epoch", g, err)
		}
		if _, err := change(hosting.UsageChange{Scope: home, Node: other, Epoch: g.Epoch, Reserve: 1000}); err != nil {
			t.Fatalf("a change under a held mark: %v", err)
		}
		gen, held, err := db.UsageHolders(ctx, alice.ID, self, now.Add(-time.Minute))
		if err != nil || len(held) != 1 || held[0] != other {
			t.Fatalf("holders %v, %v; want [%d]", held, err, other)
		}
		if err := set(gen, now.Add(-time.Minute)); !errors.Is(err, hosting.ErrUsageMoved) {
			t.Errorf("SetUsage while a live node holds a mark: %v; want ErrUsageMoved", err)
		}
		if _, err := change(hosting.UsageChange{Node: self, Mark: 1}); err != nil {
			t.Fatal(err)
		}
		if err := set(gen, now.Add(time.Minute), hosting.UsageMark{Node: other, AccountID: alice.ID}); !errors.Is(err, hosting.ErrUsageMoved) {
			t.Errorf("SetUsage after a mark was taken since the walk: %v; want ErrUsageMoved", err)
		}
		gen, _, _ = db.UsageHolders(ctx, alice.ID, self, now.Add(time.Minute))
		if err := set(gen, now.Add(time.Minute), hosting.UsageMark{Node: other, AccountID: alice.ID}); err != nil {
			t.Fatalf("SetUsage reclaiming the dead node's mark: %v", err)
		}

		stale := hosting.UsageChange{Scope: home, Node: other, Epoch: g.Epoch, Release: 1000}
		if _, err := change(stale); !errors.Is(err, hosting.ErrMarkReclaimed) {
			t.Errorf("a change under the reclaimed mark: %v; want ErrMarkReclaimed", err)
		}
		again, err := change(hosting.UsageChange{Node: other, Mark: 1})
		if err != nil || again.Epoch == g.Epoch {
			t.Fatalf("marked again: %+v, %v; want a new epoch", again, err)
		}
		if _, err := change(stale); !errors.Is(err, hosting.ErrMarkReclaimed) {
			t.Errorf("a change under the old epoch of a mark taken again: %v; want ErrMarkReclaimed", err)
		}
		if c, err := db.UsageCounts(ctx, alice.ID); err != nil || c.Dirs[hosting.UsageHome] != 50 {
			t.Errorf("counts %+v, %v; want the rescan's 50, untouched by the refused changes", c, err)
		}
	})
}

// A change releases only in its own account: its fence and its mark are
// that account's.
func TestChangeUsageMoreStaysInAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		bob := mustAccount(t, db, "bob", "bob.example")
		home := func(id int64) hosting.UsageScope {
			return hosting.UsageScope{AccountID: id, Dirs: []string{hosting.UsageHome}}
		}
		if _, err := db.ChangeUsage(ctx, hosting.UsageChange{Scope: home(bob.ID), Reserve: 1000}); err != nil {
			t.Fatal(err)
		}
		_, err := db.ChangeUsage(ctx, hosting.UsageChange{Scope: home(alice.ID), More: []hosting.UsageRelease{{Scope: home(bob.ID), N: 1000}}})
		if err == nil {
			t.Fatal("a change of alice's usage released bob's")
		}
		if c, err := db.UsageCounts(ctx, bob.ID); err != nil || c.Dirs[hosting.UsageHome] != 1000 {
			t.Errorf("bob's counts %+v, %v; want 1000 in the home", c, err)
		}
	})
}
