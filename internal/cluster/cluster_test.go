package cluster_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/cluster"
	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/ftp"
)

// twoNodes is an installation with nodes a and b, alice logged in on a
// (as herself) and on b (as bob@alice.example), and carol on both. Each
// node lists all four sessions before it returns.
type twoNodes struct {
	*env
	a, b           *node
	aliceA, bobB   *client
	carolA, carolB *client
	pidA, pidB     int64 // alice's session on a, bob's on b
}

func mustTwoNodes(t *testing.T) *twoNodes {
	t.Helper()
	e := mustPostgresEnv(t)
	c := &twoNodes{env: e, a: e.mustNode(t, fast("a")), b: e.mustNode(t, fast("b"))}
	c.aliceA = mustLogin(t, c.a.addr, "alice", "alice-pass")
	c.bobB = mustLogin(t, c.b.addr, "bob@alice.example", "bob-pass")
	c.carolA = mustLogin(t, c.a.addr, "carol", "carol-pass")
	c.carolB = mustLogin(t, c.b.addr, "carol", "carol-pass")
	for _, n := range []*node{c.a, c.b} {
		waitFor(t, "every node's sessions on "+n.Name(), func() bool {
			return len(n.list(t, e.alice.ID)) == 2 && len(n.list(t, e.carol.ID)) == 2
		})
	}
	for _, s := range c.a.list(t, e.alice.ID) {
		switch {
		case s.ID>>32 == c.a.ID() && s.Login == "alice":
			c.pidA = s.ID
		case s.ID>>32 == c.b.ID() && s.Login == "bob@alice.example":
			c.pidB = s.ID
		}
	}
	if c.pidA == 0 || c.pidB == 0 {
		t.Fatalf("alice's sessions as a lists them: %+v", c.a.list(t, e.alice.ID))
	}
	return c
}

// pids returns the ids of a list.
func pids(list []hosting.FTPSession) []int64 {
	ids := []int64{}
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

// TestListEveryNode: each node lists the account's sessions on both nodes,
// with the same cluster-wide ids, and no other account's.
func TestListEveryNode(t *testing.T) {
	t.Parallel()
	c := mustTwoNodes(t)
	fromA, fromB := c.a.list(t, c.alice.ID), c.b.list(t, c.alice.ID)
	if !slices.Equal(pids(fromA), pids(fromB)) || !slices.Equal(pids(fromA), []int64{c.pidA, c.pidB}) {
		t.Fatalf("a lists %v, b lists %v; want %v", pids(fromA), pids(fromB), []int64{c.pidA, c.pidB})
	}
	for _, s := range fromA {
		if s.Status != hosting.FTPIdle || s.RemoteAddr != "127.0.0.1" || s.LoginTime.IsZero() {
			t.Errorf("session %+v", s)
		}
	}
	for _, s := range c.a.list(t, c.carol.ID) {
		if s.Login != "carol" || slices.Contains(pids(fromA), s.ID) {
			t.Errorf("carol's list holds %+v", s)
		}
	}
}

// TestKillRemoteSession: kill_session on a with the pid of a session on b
// closes that client, and only it; the kill returns once no node lists it.
func TestKillRemoteSession(t *testing.T) {
	t.Parallel()
	c := mustTwoNodes(t)
	if k := c.a.kill(t, c.alice.ID, hosting.FTPSessionFilter{ID: c.pidB}); k != 1 {
		t.Fatalf("killed %d, want 1", k)
	}
	c.bobB.mustBeClosed(t, "bob's session on b")
	if got := pids(c.a.list(t, c.alice.ID)); !slices.Equal(got, []int64{c.pidA}) {
		t.Fatalf("a lists %v after the kill, want %v", got, []int64{c.pidA})
	}
	c.aliceA.mustBeAlive(t, "alice's session on a")
	c.carolB.mustBeAlive(t, "carol's session on b")
	// The same pid again is gone: nothing to kill, and no error.
	if k := c.a.kill(t, c.alice.ID, hosting.FTPSessionFilter{ID: c.pidB}); k != 0 {
		t.Fatalf("killed %d sessions by a stale pid", k)
	}
}

// TestKillAll: login=all closes the account's sessions on both nodes, and
// no other account's.
func TestKillAll(t *testing.T) {
	t.Parallel()
	c := mustTwoNodes(t)
	if k := c.a.kill(t, c.alice.ID, hosting.FTPSessionFilter{}); k != 2 {
		t.Fatalf("killed %d, want 2", k)
	}
	c.aliceA.mustBeClosed(t, "alice's session on a")
	c.bobB.mustBeClosed(t, "bob's session on b")
	for _, n := range []*node{c.a, c.b} {
		if got := n.list(t, c.alice.ID); len(got) != 0 {
			t.Fatalf("%s lists %+v after the kill", n.Name(), got)
		}
	}
	c.carolA.mustBeAlive(t, "carol's session on a")
	c.carolB.mustBeAlive(t, "carol's session on b")
	if got := c.b.list(t, c.carol.ID); len(got) != 2 {
		t.Fatalf("carol's sessions after alice's kill: %+v", got)
	}
}

// TestKillLogin: deleting an FTP login closes its sessions on every node
// (the Ftp module's KillLogin), and suspending an account closes all of
// them (account.SessionCloser's KillAccount).
func TestKillLogin(t *testing.T) {
	t.Parallel()
	c := mustTwoNodes(t)
	bobA := mustLogin(t, c.a.addr, "bob@alice.example", "bob-pass")
	waitFor(t, "bob's second session", func() bool { return len(c.b.list(t, c.alice.ID)) == 3 })
	k, err := c.a.KillLogin(context.Background(), c.alice.ID, "bob@alice.example")
	if err != nil || k != 2 {
		t.Fatalf("KillLogin = %d, %v; want 2", k, err)
	}
	bobA.mustBeClosed(t, "bob's session on a")
	c.bobB.mustBeClosed(t, "bob's session on b")
	c.aliceA.mustBeAlive(t, "alice's own session")
	// From b this time: alice's session lives on a.
	if k, err := c.b.KillAccount(context.Background(), c.alice.ID); err != nil || k != 1 {
		t.Fatalf("KillAccount = %d, %v; want 1", k, err)
	}
	c.aliceA.mustBeClosed(t, "alice's session on a")
	c.carolA.mustBeAlive(t, "carol's session on a")
}

// TestOtherTenantUnreachable: a pid of another account selects nothing,
// and a kill message that names an account reaches only that account's
// sessions, whatever session id it carries.
func TestOtherTenantUnreachable(t *testing.T) {
	t.Parallel()
	c := mustTwoNodes(t)
	var carolB int64
	for _, s := range c.a.list(t, c.carol.ID) {
		if s.ID>>32 == c.b.ID() {
			carolB = s.ID
		}
	}
	for _, pid := range []int64{carolB, carolB &^ (1<<32 - 1), -1} {
		if k := c.a.kill(t, c.alice.ID, hosting.FTPSessionFilter{ID: pid}); k != 0 {
			t.Fatalf("alice killed %d sessions by pid %d", k, pid)
		}
	}
	// A forged message: carol's account, bob's session id on b.
	forged := fmt.Sprintf(`{"node":%d,"account":%d,"session":%d}`, c.b.ID(), c.carol.ID, c.pidB&(1<<32-1))
	if err := c.a.db.Notify(context.Background(), cluster.KillChannel, forged); err != nil {
		t.Fatal(err)
	}
	// b handles messages in order: once carol's own kill is done, the
	// forged one has been handled too.
	if k := c.a.kill(t, c.carol.ID, hosting.FTPSessionFilter{ID: carolB}); k != 1 {
		t.Fatalf("carol killed %d of her sessions, want 1", k)
	}
	c.carolB.mustBeClosed(t, "carol's session on b")
	c.bobB.mustBeAlive(t, "bob's session on b")
	c.carolA.mustBeAlive(t, "carol's session on a")
	if got := pids(c.a.list(t, c.alice.ID)); !slices.Equal(got, []int64{c.pidA, c.pidB}) {
		t.Fatalf("alice's sessions after the forged kill: %v", got)
	}
}

// TestDeadNodeIgnored: when b stops beating, a stops listing (and killing)
// b's sessions; when b closes, its rows go at once.
func TestDeadNodeIgnored(t *testing.T) {
	t.Parallel()
	c := mustTwoNodes(t)
	c.b.stop()
	waitFor(t, "b taken for dead", func() bool {
		return slices.Equal(pids(c.a.list(t, c.alice.ID)), []int64{c.pidA})
	})
	if k := c.a.kill(t, c.alice.ID, hosting.FTPSessionFilter{ID: c.pidB}); k != 0 {
		t.Fatalf("killed %d sessions of a dead node", k)
	}
	c.bobB.mustBeAlive(t, "bob's session on the silent node")

	// A node that closes deregisters: no wait for the others.
	other := c.mustNode(t, fast("c"))
	carolC := mustLogin(t, other.addr, "carol", "carol-pass")
	waitFor(t, "carol's session on c", func() bool { return len(c.a.list(t, c.carol.ID)) == 2 })
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if got := c.a.list(t, c.carol.ID); len(got) != 1 || got[0].ID>>32 != c.a.ID() {
		t.Fatalf("carol's sessions after c closed: %+v", got)
	}
	carolC.mustBeAlive(t, "a session on a closed node") // Close leaves the FTP server to its owner
}

// TestRevivedNode: a node whose row others removed (it stalled) registers
// again under its number and writes its sessions again.
func TestRevivedNode(t *testing.T) {
	t.Parallel()
	c := mustTwoNodes(t)
	if _, err := c.db.SQL().Exec(`DELETE FROM nodes WHERE id = $1`, c.b.ID()); err != nil {
		t.Fatal(err)
	}
	if got := pids(c.a.list(t, c.alice.ID)); !slices.Equal(got, []int64{c.pidA}) {
		t.Fatalf("a lists %v with b's row gone", got)
	}
	waitFor(t, "b's sessions back", func() bool {
		return slices.Equal(pids(c.a.list(t, c.alice.ID)), []int64{c.pidA, c.pidB})
	})
}

// TestStatusReachesOtherNodes: a download on b shows on a as DL with its
// file.
func TestStatusReachesOtherNodes(t *testing.T) {
	t.Parallel()
	c := mustTwoNodes(t)
	big := filepath.Join(c.alice.HomeDir, "bob", "big.bin")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 1<<30); err != nil { // larger than any socket buffer: stays in progress
		t.Fatal(err)
	}
	r, err := c.bobB.Retr("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	waitFor(t, "the download listed on a", func() bool {
		for _, s := range c.a.list(t, c.alice.ID) {
			if s.ID == c.pidB && s.Status == hosting.FTPDownload && s.File == "big.bin" {
				return true
			}
		}
		return false
	})
	if k := c.a.kill(t, c.alice.ID, hosting.FTPSessionFilter{ID: c.pidB}); k != 1 {
		t.Fatalf("killed %d mid-transfer, want 1", k)
	}
	c.bobB.mustBeClosed(t, "bob's downloading session")
}

// TestNodeNameTaken: a second live node cannot take a live node's name; it
// waits for the first to time out, then gives up.
func TestNodeNameTaken(t *testing.T) {
	t.Parallel()
	e := mustPostgresEnv(t)
	e.mustNode(t, fast("same"))
	n, err := cluster.New(fast("same"), e.db, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = n.Start(context.Background())
	if hosting.ErrorCode(err) != hosting.ECONFLICT {
		t.Fatalf("Start = %v, want a conflict", err)
	}
}

// TestNodeWithoutFTP: a node that runs no FTP server lists and kills the
// other nodes' sessions.
func TestNodeWithoutFTP(t *testing.T) {
	t.Parallel()
	c := mustTwoNodes(t)
	api, err := cluster.New(fast("api"), c.db, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := api.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	list, err := api.ListFTPSessions(ctx, c.alice.ID)
	if err != nil || !slices.Equal(pids(list), []int64{c.pidA, c.pidB}) {
		t.Fatalf("api lists %+v, %v", list, err)
	}
	if k, err := api.KillFTPSessions(ctx, c.alice.ID, hosting.FTPSessionFilter{Login: "alice"}); err != nil || k != 1 {
		t.Fatalf("api killed %d, %v; want 1", k, err)
	}
	c.aliceA.mustBeClosed(t, "alice's session on a")
	c.bobB.mustBeAlive(t, "bob's session on b")
}

var (
	_ ftpd.Observer         = (*cluster.Node)(nil)
	_ ftp.Sessions          = (*cluster.Node)(nil)
	_ account.SessionCloser = (*cluster.Node)(nil)
)

// TestSQLiteSingleNode: on SQLite the node registers, but lists and kills
// go straight to the registry, ids stay local and no session is written.
func TestSQLiteSingleNode(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "uapid.db"))
	n := e.mustNode(t, cluster.Config{})
	one := mustLogin(t, n.addr, "alice", "alice-pass")
	two := mustLogin(t, n.addr, "bob@alice.example", "bob-pass")
	local, err := n.srv.Sessions().ListFTPSessions(context.Background(), e.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := n.list(t, e.alice.ID); len(local) != 2 || !slices.Equal(pids(got), pids(local)) {
		t.Fatalf("node lists %v, registry %v", pids(got), pids(local))
	}
	var nodes, rows int
	if err := e.db.SQL().QueryRow(`SELECT (SELECT COUNT(*) FROM nodes), (SELECT COUNT(*) FROM ftp_sessions)`).Scan(&nodes, &rows); err != nil {
		t.Fatal(err)
	}
	if nodes != 1 || rows != 0 {
		t.Fatalf("%d nodes and %d session rows, want 1 and 0", nodes, rows)
	}
	if k := n.kill(t, e.alice.ID, hosting.FTPSessionFilter{ID: local[1].ID}); k != 1 {
		t.Fatalf("killed %d, want 1", k)
	}
	two.mustBeClosed(t, "the killed session")
	one.mustBeAlive(t, "the other session")
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM nodes`).Scan(&nodes); err != nil || nodes != 0 {
		t.Fatalf("%d nodes after Close, %v", nodes, err)
	}
}
