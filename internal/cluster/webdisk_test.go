package cluster_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// killLog records the kills a node's Web Disk server is asked for. The
// end-to-end test with real Web Disk servers is TestTwoNodesWebDiskKills
// in cmd/uapid; this one checks who receives which kill.
type killLog struct {
	mu    sync.Mutex
	kills []string
}

func (k *killLog) KillLogin(_ context.Context, accountID int64, login string) (int, error) {
	k.add(fmt.Sprintf("login %d %s", accountID, login))
	return 1, nil
}

func (k *killLog) KillAccount(_ context.Context, accountID int64) (int, error) {
	k.add(fmt.Sprintf("account %d", accountID))
	return 2, nil
}

func (k *killLog) add(s string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.kills = append(k.kills, s)
}

func (k *killLog) list() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.kills)
}

// TestWebDiskKillsReachEveryNode: a Web Disk kill on one node closes that
// node's connections at once and reaches every other node's server once,
// for the account and login it names; the sender does not act on its own
// notification.
func TestWebDiskKillsReachEveryNode(t *testing.T) {
	t.Parallel()
	e := mustPostgresEnv(t)
	nodes := []*node{e.mustNode(t, fast("wd-a")), e.mustNode(t, fast("wd-b")), e.mustNode(t, fast("wd-c"))}
	logs := make([]*killLog, len(nodes))
	for i, n := range nodes {
		logs[i] = &killLog{}
		n.SetWebDisk(logs[i])
	}
	ctx := context.Background()
	if k, err := nodes[0].WebDisk().KillLogin(ctx, e.alice.ID, " Bob@Alice.Example "); err != nil || k != 1 {
		t.Fatalf("KillLogin = %d, %v; want this node's 1", k, err)
	}
	if k, err := nodes[1].WebDisk().KillAccount(ctx, e.carol.ID); err != nil || k != 2 {
		t.Fatalf("KillAccount = %d, %v", k, err)
	}
	if k, _ := nodes[2].WebDisk().KillLogin(ctx, e.carol.ID, "  "); k != 0 {
		t.Errorf("an empty login killed %d", k)
	}
	login := fmt.Sprintf("login %d bob@alice.example", e.alice.ID)
	account := fmt.Sprintf("account %d", e.carol.ID)
	for i := range nodes {
		waitFor(t, fmt.Sprintf("node %d's kills", i), func() bool { return len(logs[i].list()) >= 2 })
	}
	time.Sleep(200 * time.Millisecond) // a duplicate, if any, would arrive by now
	for i, l := range logs {
		got := l.list()
		slices.Sort(got)
		if want := []string{account, login}; !slices.Equal(got, want) {
			t.Errorf("node %d's server was asked %q, want %q once each", i, got, want)
		}
	}
}

// TestWebDiskKillsOnSQLite: with one node there is nothing to notify; the
// kill reaches the local server only.
func TestWebDiskKillsOnSQLite(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, t.TempDir()+"/uapid.db")
	n := e.mustNode(t, fast("solo"))
	log := &killLog{}
	n.SetWebDisk(log)
	if k, err := n.WebDisk().KillAccount(context.Background(), e.alice.ID); err != nil || k != 2 {
		t.Fatalf("KillAccount = %d, %v", k, err)
	}
	if got := log.list(); len(got) != 1 {
		t.Errorf("local server asked %q", got)
	}
}
