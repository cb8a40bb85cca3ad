package store_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// mustNode registers a node called name, alive at at.
func mustNode(tb testing.TB, db *store.DB, name string, at time.Time) int64 {
	tb.Helper()
	id, err := db.RegisterNode(context.Background(), name, at, at.Add(-20*time.Second))
	if err != nil {
		tb.Fatalf("RegisterNode(%s): %v", name, err)
	}
	return id
}

// mustReplace writes an account's sessions of a node.
func mustReplace(tb testing.TB, db *store.DB, node, account int64, list ...hosting.FTPSession) {
	tb.Helper()
	if err := db.ReplaceNodeFTPSessions(context.Background(), node, account, list); err != nil {
		tb.Fatalf("ReplaceNodeFTPSessions(%d, %d): %v", node, account, err)
	}
}

// liveIDs lists the ids of an account's sessions on nodes live since since.
func liveIDs(tb testing.TB, db *store.DB, account int64, since time.Time) []int64 {
	tb.Helper()
	list, err := db.ListLiveFTPSessions(context.Background(), account, since)
	if err != nil {
		tb.Fatal(err)
	}
	ids := []int64{}
	for _, s := range list {
		if s.AccountID != account {
			tb.Fatalf("session %+v listed for account %d", s, account)
		}
		ids = append(ids, s.ID)
	}
	return ids
}

func session(id, account int64, login string) hosting.FTPSession {
	return hosting.FTPSession{ID: id, AccountID: account, Login: login, RemoteAddr: "192.0.2.7",
		LoginTime: time.Unix(1700000000, 0).UTC(), Status: hosting.FTPIdle}
}

func TestRegisterNode(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Unix(1800000000, 0)
		a := mustNode(t, db, "a", t0)
		if b := mustNode(t, db, "b", t0); a <= 0 || b <= a {
			t.Fatalf("node numbers %d, %d", a, b)
		}
		// A live node keeps its name.
		_, err := db.RegisterNode(ctx, "a", t0.Add(10*time.Second), t0.Add(-10*time.Second))
		wantCode(t, err, hosting.ECONFLICT)
		// A dead one gives it up, with its sessions; the new run gets a new number.
		acct := mustAccount(t, db, "alice", "alice.example")
		mustReplace(t, db, a, acct.ID, session(a<<32|1, acct.ID, "alice"))
		again, err := db.RegisterNode(ctx, "a", t0.Add(30*time.Second), t0.Add(10*time.Second))
		if err != nil || again <= a {
			t.Fatalf("RegisterNode after death = %d, %v; want a number above %d", again, err, a)
		}
		if ids := liveIDs(t, db, acct.ID, t0.Add(-time.Hour)); len(ids) != 0 {
			t.Fatalf("sessions of the dead run still listed: %v", ids)
		}
	})
}

func TestHeartbeatNode(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Unix(1800000000, 0)
		a := mustNode(t, db, "a", t0)
		if revived, err := db.HeartbeatNode(ctx, a, "a", t0.Add(5*time.Second)); err != nil || revived {
			t.Fatalf("HeartbeatNode = %v, %v", revived, err)
		}
		// Taken for dead and removed by another node: back under its number.
		if n, err := db.DeleteDeadNodes(ctx, t0.Add(time.Minute)); err != nil || n != 1 {
			t.Fatalf("DeleteDeadNodes = %d, %v", n, err)
		}
		if revived, err := db.HeartbeatNode(ctx, a, "a", t0.Add(time.Minute)); err != nil || !revived {
			t.Fatalf("HeartbeatNode of a removed node = %v, %v", revived, err)
		}
		acct := mustAccount(t, db, "alice", "alice.example")
		mustReplace(t, db, a, acct.ID, session(a<<32|1, acct.ID, "alice"))
		if ids := liveIDs(t, db, acct.ID, t0.Add(time.Minute)); !slices.Equal(ids, []int64{a<<32 | 1}) {
			t.Fatalf("revived node's sessions: %v", ids)
		}
		// Its name went to another node meanwhile: it cannot come back.
		if err := db.DeregisterNode(ctx, a); err != nil {
			t.Fatal(err)
		}
		mustNode(t, db, "a", t0.Add(2*time.Minute))
		_, err := db.HeartbeatNode(ctx, a, "a", t0.Add(2*time.Minute))
		wantCode(t, err, hosting.ECONFLICT)
	})
}

func TestNodeFTPSessions(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		t0 := time.Unix(1800000000, 0)
		a, b := mustNode(t, db, "a", t0), mustNode(t, db, "b", t0)
		alice := mustAccount(t, db, "alice", "alice.example")
		bob := mustAccount(t, db, "bob", "bob.example")
		want := session(b<<32|7, alice.ID, "ann@alice.example")
		want.Status, want.File = hosting.FTPDownload, "dir/big file.bin"
		mustReplace(t, db, a, alice.ID, session(a<<32|2, alice.ID, "alice"), session(a<<32|1, alice.ID, "alice"))
		mustReplace(t, db, b, alice.ID, want)
		mustReplace(t, db, b, bob.ID, session(b<<32|8, bob.ID, "bob"))

		got, err := db.ListLiveFTPSessions(context.Background(), alice.ID, t0)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, s := range got {
			ids = append(ids, s.ID)
		}
		if !slices.Equal(ids, []int64{a<<32 | 1, a<<32 | 2, b<<32 | 7}) {
			t.Fatalf("alice's sessions: %+v", got)
		}
		if got[2] != want {
			t.Fatalf("round trip: got %+v, want %+v", got[2], want)
		}
		// A rewrite replaces that node's rows of that account only.
		mustReplace(t, db, a, alice.ID, session(a<<32|2, alice.ID, "alice"))
		if ids := liveIDs(t, db, alice.ID, t0); !slices.Equal(ids, []int64{a<<32 | 2, b<<32 | 7}) {
			t.Fatalf("after rewrite: %v", ids)
		}
		if ids := liveIDs(t, db, bob.ID, t0); !slices.Equal(ids, []int64{b<<32 | 8}) {
			t.Fatalf("bob's sessions: %v", ids)
		}
		// Node b falls silent: its rows are ignored, then removed.
		if _, err := db.HeartbeatNode(context.Background(), a, "a", t0.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if ids := liveIDs(t, db, alice.ID, t0.Add(10*time.Second)); !slices.Equal(ids, []int64{a<<32 | 2}) {
			t.Fatalf("with b dead: %v", ids)
		}
		if n, err := db.DeleteDeadNodes(context.Background(), t0.Add(10*time.Second)); err != nil || n != 1 {
			t.Fatalf("DeleteDeadNodes = %d, %v", n, err)
		}
		if ids := liveIDs(t, db, bob.ID, time.Unix(0, 0)); len(ids) != 0 {
			t.Fatalf("rows of a removed node: %v", ids)
		}
	})
}

// TestNodeFTPSessionsGoWithOwners: deregistering a node or deleting an
// account removes their rows; writing for a missing one is ENOTFOUND.
func TestNodeFTPSessionsGoWithOwners(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Unix(1800000000, 0)
		a, b := mustNode(t, db, "a", t0), mustNode(t, db, "b", t0)
		alice := mustAccount(t, db, "alice", "alice.example")
		bob := mustAccount(t, db, "bob", "bob.example")
		mustReplace(t, db, a, alice.ID, session(a<<32|1, alice.ID, "alice"))
		mustReplace(t, db, b, alice.ID, session(b<<32|1, alice.ID, "alice"))
		mustReplace(t, db, b, bob.ID, session(b<<32|2, bob.ID, "bob"))
		if err := db.DeregisterNode(ctx, b); err != nil {
			t.Fatal(err)
		}
		if err := db.DeregisterNode(ctx, b); err != nil {
			t.Fatalf("second DeregisterNode: %v", err)
		}
		if ids := liveIDs(t, db, alice.ID, t0); !slices.Equal(ids, []int64{a<<32 | 1}) {
			t.Fatalf("after deregistering b: %v", ids)
		}
		if err := db.DeleteAccount(ctx, alice.ID); err != nil {
			t.Fatal(err)
		}
		if ids := liveIDs(t, db, alice.ID, t0); len(ids) != 0 {
			t.Fatalf("rows of a deleted account: %v", ids)
		}
		err := db.ReplaceNodeFTPSessions(ctx, a, alice.ID, []hosting.FTPSession{session(a<<32|3, alice.ID, "alice")})
		wantCode(t, err, hosting.ENOTFOUND)
		err = db.ReplaceNodeFTPSessions(ctx, b, bob.ID, []hosting.FTPSession{session(b<<32|3, bob.ID, "bob")})
		wantCode(t, err, hosting.ENOTFOUND)
		// A session of another account is a bug of the caller's.
		err = db.ReplaceNodeFTPSessions(ctx, a, bob.ID, []hosting.FTPSession{session(a<<32|4, alice.ID, "alice")})
		wantCode(t, err, hosting.EINTERNAL)
	})
}

// TestNotify: a notification reaches a listener of the same schema and no
// other. Listeners get notifications in commit order, so one that leaked
// from the other schema would arrive before the one sent after it.
func TestNotify(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if db.Dialect() == store.DialectSQLite {
			if err := db.Notify(ctx, "uapid_test", "x"); err == nil {
				t.Fatal("Notify on SQLite succeeded")
			}
			if err := db.Listen(ctx, "uapid_test", nil, func(string) {}); err == nil {
				t.Fatal("Listen on SQLite succeeded")
			}
			return
		}
		got := make(chan string, 4)
		ready := make(chan struct{})
		done := make(chan error, 1)
		go func() { done <- db.Listen(ctx, "uapid_test", func() { close(ready) }, func(p string) { got <- p }) }()
		<-ready
		other := mustOpen(t, mustPostgresSchema(t, os.Getenv(postgresEnv)))
		for _, n := range []struct {
			db      *store.DB
			payload string
		}{{other, "other schema"}, {db, "first"}, {db, "second"}} {
			if err := n.db.Notify(ctx, "uapid_test", n.payload); err != nil {
				t.Fatal(err)
			}
		}
		if first, second := <-got, <-got; first != "first" || second != "second" {
			t.Fatalf("received %q, %q", first, second)
		}
		cancel()
		if err := <-done; err == nil {
			t.Fatal("Listen returned nil after its context ended")
		}
		// The listening connection is not handed to the next query.
		if err := db.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}
