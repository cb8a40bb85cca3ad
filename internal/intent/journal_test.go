package intent_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/store"
)

func mustStore(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "uapid.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// syncBuffer is a log destination the test reads while the journal writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) count(sub string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Count(s.b.String(), sub)
}

func mustJournal(tb testing.TB, db *store.DB, owner string, shared bool, log *syncBuffer) *intent.Journal {
	tb.Helper()
	j, err := intent.New(intent.Config{Owner: owner, Shared: shared}, db, slog.New(slog.NewTextHandler(log, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	return j
}

// mustBegin stores a new intent of kind with data {"n": n}.
func mustBegin(tb testing.TB, j *intent.Journal, kind string, n int) *hosting.Intent {
	tb.Helper()
	in, err := j.Begin(kind, 1, map[string]int{"n": n})
	if err != nil {
		tb.Fatal(err)
	}
	if err := j.Record(context.Background(), in); err != nil {
		tb.Fatal(err)
	}
	return in
}

func TestReconcile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mustStore(t)
	var log syncBuffer
	me := mustJournal(t, db, "me", false, &log)
	var repaired []int
	me.Handle("ok", func(_ context.Context, in *hosting.Intent) (string, error) {
		var d struct{ N int }
		if err := intent.Decode(in, &d); err != nil {
			return "", err
		}
		repaired = append(repaired, d.N)
		return "rolled back", nil
	})
	me.Handle("fails", func(context.Context, *hosting.Intent) (string, error) { return "", errors.New("disk on fire") })

	held := mustBegin(t, me, "ok", 1) // a change still running
	released := mustBegin(t, me, "ok", 2)
	me.Release(released) // a change that stopped without finishing
	other := mustJournal(t, db, "previous-run", false, &log)
	mustBegin(t, other, "ok", 3) // a process that is gone (SQLite: one node)
	failing := mustBegin(t, me, "fails", 4)
	me.Release(failing)
	unknown := mustBegin(t, me, "unknown", 5)
	me.Release(unknown)

	n, left, err := me.Reconcile(ctx)
	if err != nil || n != 2 || left != 3 {
		t.Fatalf("Reconcile: repaired %d, left %d, %v; want 2, 3", n, left, err)
	}
	slices.Sort(repaired) // the same second: the order is the ids'
	if len(repaired) != 2 || repaired[0] != 2 || repaired[1] != 3 {
		t.Errorf("repaired %v, want [2 3]", repaired)
	}
	if got := log.count("intent: repaired interrupted change"); got != 2 {
		t.Errorf("%d repair log lines, want one per repair (2)", got)
	}
	if log.count("disk on fire") != 1 || log.count("no repair for this kind") != 1 {
		t.Errorf("failures not logged:\n%s", log.b.String())
	}
	// The running change finishes: its intent goes, nothing is repaired.
	if err := me.Finish(ctx, held); err != nil {
		t.Fatal(err)
	}
	if n, left, _ := me.Reconcile(ctx); n != 0 || left != 2 {
		t.Errorf("second pass: repaired %d, left %d; want 0, 2 (the failing and the unknown)", n, left)
	}
	list, _ := db.ListIntents(ctx, time.Now(), 10)
	if len(list) != 2 {
		t.Errorf("intents left: %d, want 2", len(list))
	}
}

// TestReconcileShared checks that on a shared database a live node's
// intents are left alone and a dead node's are claimed and repaired once.
func TestReconcileShared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mustStore(t)
	now := time.Now()
	for name, beat := range map[string]time.Time{"alive": now, "dead": now.Add(-time.Hour)} {
		if _, err := db.RegisterNode(ctx, name, beat, now.Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	var log syncBuffer
	var calls int
	repair := func(context.Context, *hosting.Intent) (string, error) { calls++; return "completed", nil }
	for _, owner := range []string{"alive", "dead"} {
		j := mustJournal(t, db, owner, true, &log)
		j.Release(mustBegin(t, j, "k", 0))
	}
	a, b := mustJournal(t, db, "a", true, &log), mustJournal(t, db, "b", true, &log)
	a.Handle("k", repair)
	b.Handle("k", repair)
	if n, left, err := a.Reconcile(ctx); n != 1 || left != 1 || err != nil {
		t.Errorf("a: repaired %d left %d %v; want 1 1", n, left, err)
	}
	if n, _, _ := b.Reconcile(ctx); n != 0 {
		t.Errorf("b repaired %d after a", n)
	}
	if calls != 1 {
		t.Errorf("%d repairs, want 1", calls)
	}
}

// TestRecover checks the start-up loop: it repairs more than one batch.
func TestRecover(t *testing.T) {
	t.Parallel()
	db := mustStore(t)
	var log syncBuffer
	old := mustJournal(t, db, "old", false, &log)
	for i := range 5 {
		mustBegin(t, old, "k", i)
	}
	j, err := intent.New(intent.Config{Owner: "new", Batch: 2}, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	j.Handle("k", func(context.Context, *hosting.Intent) (string, error) { return "completed", nil })
	if left, err := j.Recover(context.Background()); left != 0 || err != nil {
		t.Errorf("Recover: %d left, %v", left, err)
	}
	if list, _ := db.ListIntents(context.Background(), time.Now(), 10); len(list) != 0 {
		t.Errorf("%d intents left", len(list))
	}
}

func TestNilJournal(t *testing.T) {
	t.Parallel()
	var j *intent.Journal
	in, err := j.Begin("k", 1, nil)
	if in != nil || err != nil {
		t.Fatalf("Begin on nil: %v %v", in, err)
	}
	ctx := context.Background()
	if err := errors.Join(j.Record(ctx, in), j.Update(ctx, in, 1), j.Finish(ctx, in)); err != nil {
		t.Error(err)
	}
	if n, left, err := j.Reconcile(ctx); n != 0 || left != 0 || err != nil {
		t.Error("Reconcile on nil did something")
	}
}
