package usage_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/usage"
	"github.com/uapid/uapid/internal/vfs"
)

// nodes is one PostgreSQL database shared by two usage keepers, as two
// uapid nodes share it, over one account whose FTP login "web" (home
// "site") has a 100 MiB quota: enough for a lease to keep a pool.
type nodes struct {
	db    *store.DB
	acct  *hosting.Account
	login *hosting.FTPAccount
	a, b  *usage.Keeper
	idB   int64
}

const nodesQuotaMB = 100

func mustNodes(t *testing.T) *nodes {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, fixture.PostgresDSN(t, "two usage keepers share one database"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	home := filepath.Join(t.TempDir(), "home")
	if err := os.MkdirAll(filepath.Join(home, "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	n := &nodes{db: db, acct: &hosting.Account{Name: "cpuser", PasswordHash: "$6$s$h", Domain: "example.com",
		Domains: []string{"example.com"}, HomeDir: home, Features: hosting.AllFeatures()}}
	must(t, db.CreateAccount(ctx, n.acct))
	n.login = &hosting.FTPAccount{AccountID: n.acct.ID, User: "web", Domain: "example.com", PasswordHash: "$6$s$h",
		HomeDir: "site", QuotaMB: nodesQuotaMB}
	must(t, db.CreateFTPAccount(ctx, n.login))
	n.a = n.keeper(t, "node-a")
	var idB int64
	n.b, idB = n.keeperID(t, "node-b")
	n.idB = idB
	if _, err := n.a.Rescan(ctx, n.acct); err != nil {
		t.Fatal(err)
	}
	return n
}

func (n *nodes) keeper(t *testing.T, name string) *usage.Keeper {
	k, _ := n.keeperID(t, name)
	return k
}

// keeperID registers a live node and returns a keeper that writes as it.
// Its leases never settle by themselves: the tests settle them.
func (n *nodes) keeperID(t *testing.T, name string) (*usage.Keeper, int64) {
	t.Helper()
	now := time.Now()
	id, err := n.db.RegisterNode(context.Background(), name, now, now.Add(-time.Minute))
	must(t, err)
	k := usage.New(usage.Config{Shared: true, Node: func() int64 { return id }, SettleAfter: time.Hour}, n.db, fixture.Logger(t))
	t.Cleanup(func() { _ = k.Close() })
	return k, id
}

// fs is a session of the login on the keeper's node.
func (n *nodes) fs(t *testing.T, k *usage.Keeper) *vfs.Fs {
	t.Helper()
	v, err := vfs.OpenIn(n.acct.HomeDir, "site", vfs.Options{Usage: k.Counter(n.acct, "site", n.login)})
	must(t, err)
	t.Cleanup(func() { _ = v.Close() })
	return v
}

func put(t *testing.T, v *vfs.Fs, name string, size int) {
	t.Helper()
	f, err := v.Create(name)
	must(t, err)
	if _, err := io.Copy(f, strings.NewReader(strings.Repeat("x", size))); err != nil {
		t.Fatal(err)
	}
	must(t, f.Close())
}

// counted returns the login's count in the store.
func (n *nodes) counted(t *testing.T) int64 {
	t.Helper()
	c, err := n.db.UsageCounts(context.Background(), n.acct.ID)
	must(t, err)
	return c.FTP[n.login.ID]
}

// onDisk returns the bytes in the login's home.
func (n *nodes) onDisk(t *testing.T) int64 {
	t.Helper()
	used, err := vfs.DiskUsage(filepath.Join(n.acct.HomeDir, "site"))
	must(t, err)
	return used
}

// poolOnB makes B's lease of the login hold a pool (still counted) and
// returns B's session.
func (n *nodes) poolOnB(t *testing.T) *vfs.Fs {
	t.Helper()
	vb := n.fs(t, n.b)
	put(t, vb, "first.bin", 1<<20)
	put(t, vb, "pool.bin", 4096) // the lease keeps a chunk more, and what this file left of it
	if held := n.counted(t) - n.onDisk(t); held <= 0 {
		t.Fatalf("B's lease holds %d bytes (count %d); the test needs a pool", held, n.counted(t))
	}
	return vb
}

// mustReclaimedB gives nodes where B's lease held a pool when A, taking B
// for dead, reclaimed its mark; B is awake again, and its session is
// returned.
func mustReclaimedB(t *testing.T) (*nodes, *vfs.Fs) {
	t.Helper()
	n := mustNodes(t)
	vb := n.poolOnB(t)
	n.reclaimB(t)
	return n, vb
}

// reclaimB stalls node B past the heartbeat timeout, has A's repair
// reclaim B's mark and recount the account, and wakes B up.
func (n *nodes) reclaimB(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	_, err := n.db.HeartbeatNode(ctx, n.idB, "node-b", time.Now().Add(-time.Hour))
	must(t, err)
	if repaired, err := n.a.Repair(ctx); repaired != 1 || err != nil {
		t.Fatalf("Repair on A = %d, %v; want B's account", repaired, err)
	}
	if got, want := n.counted(t), n.onDisk(t); got != want {
		t.Fatalf("after A's repair the login counts %d; on disk %d", got, want)
	}
	_, err = n.db.HeartbeatNode(ctx, n.idB, "node-b", time.Now())
	must(t, err)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A rescan on node A while node B holds the login's pool waits for B's
// mark: the count it stores can neither drop B's pool (which B then writes
// on top of the quota another writer was granted) nor B's later settle
// take the pool off a count that never held it.
func TestRescanWaitsForOtherNodesMarks(t *testing.T) {
	t.Parallel()
	n := mustNodes(t)
	ctx := context.Background()
	vb := n.poolOnB(t)

	waiting := make(chan []int64, 1)
	n.a.WaitingHook(func(nodes []int64) {
		select {
		case waiting <- nodes:
		default:
		}
	})
	done := make(chan error, 1)
	go func() { _, err := n.a.Rescan(ctx, n.acct); done <- err }()
	select {
	case nodes := <-waiting:
		if len(nodes) != 1 || nodes[0] != n.idB {
			t.Errorf("rescan waits for nodes %v; want [%d]", nodes, n.idB)
		}
	case err := <-done:
		t.Errorf("rescan on A stored its counts (err %v) while B held a pool", err)
		done <- err
	}

	// B writes from its pool, and another writer takes what the quota
	// leaves: together they must stay within the quota.
	put(t, vb, "second.bin", 64<<10)
	g, err := n.db.ChangeUsage(ctx, hosting.UsageChange{Scope: hosting.UsageScope{AccountID: n.acct.ID,
		FTPID: n.login.ID, Dirs: []string{hosting.UsageHome}}, Reserve: nodesQuotaMB << 20})
	must(t, err)
	if total := n.onDisk(t) + g.Reserved; total > nodesQuotaMB<<20 {
		t.Errorf("on disk %d and granted %d: %d bytes over the quota", n.onDisk(t), g.Reserved, total-nodesQuotaMB<<20)
	}
	// Given back before B settles, which lets A's rescan go on: the
	// other writer's reservation holds no mark for the rescan to wait for.
	_, err = n.db.ChangeUsage(ctx, hosting.UsageChange{Scope: hosting.UsageScope{AccountID: n.acct.ID,
		FTPID: n.login.ID, Dirs: []string{hosting.UsageHome}}, Release: g.Reserved})
	must(t, err)
	n.b.Settle(n.acct.ID)
	if err := <-done; err != nil {
		t.Fatalf("rescan on A once B settled: %v", err)
	}
	if got, want := n.counted(t), n.onDisk(t); got != want {
		t.Errorf("login counted %d after B settled and A rescanned; on disk %d", got, want)
	}
}

// Node B, taken for dead while its lease held a mark and a pool, has its
// mark reclaimed by node A's repair. When B wakes up and settles, its
// stale pool must not come off the repaired count: B finds its mark
// fenced, drops the pool and recounts, so that nothing is lost or counted
// twice.
func TestReclaimedNodeIsFenced(t *testing.T) {
	t.Parallel()
	n, vb := mustReclaimedB(t)
	ctx := context.Background()
	put(t, vb, "second.bin", 64<<10)  // from the pool it held
	put(t, vb, "third.bin", 3<<20)    // beyond it: a store write
	put(t, n.fs(t, n.a), "a.bin", 10) // A writes meanwhile
	n.a.Settle(n.acct.ID)
	n.b.Settle(n.acct.ID)
	n.b.WaitRescans(t)
	if got, want := n.counted(t), n.onDisk(t); got != want {
		t.Errorf("login counts %d once B settled; on disk %d (%+d)", got, want, got-want)
	}
	marks, err := n.db.StaleUsageMarks(ctx, -1, time.Now().Add(time.Hour))
	must(t, err)
	if len(marks) != 0 {
		t.Errorf("marks left: %+v", marks)
	}
}

// A node that finds its mark reclaimed only as it shuts down cannot
// recount the account itself: it leaves a mark, and the repair of its
// marks by another node recounts the account once it is gone.
func TestReclaimedNodeClosingLeavesAMark(t *testing.T) {
	t.Parallel()
	n, vb := mustReclaimedB(t)
	ctx := context.Background()
	put(t, vb, "second.bin", 64<<10) // from the pool: B does not know yet
	must(t, n.b.Close())
	marks, err := n.db.StaleUsageMarks(ctx, -1, time.Now().Add(time.Hour))
	must(t, err)
	if len(marks) != 1 || marks[0].Node != n.idB {
		t.Fatalf("marks after B closed: %+v; want B's, left for the repair", marks)
	}
	must(t, n.db.DeregisterNode(ctx, n.idB))
	if repaired, err := n.a.Repair(ctx); repaired != 1 || err != nil {
		t.Fatalf("Repair on A once B is gone = %d, %v", repaired, err)
	}
	if got, want := n.counted(t), n.onDisk(t); got != want {
		t.Errorf("login counts %d after the repair; on disk %d", got, want)
	}
}
