package cluster

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// fakeStore is a PostgreSQL-like Store in memory that records the writes.
type fakeStore struct {
	mu     sync.Mutex
	rows   map[int64][]hosting.FTPSession // account id → this node's rows
	writes int
	fail   int // how many of the next writes fail
}

func (s *fakeStore) Dialect() string { return dialectPostgres }
func (s *fakeStore) RegisterNode(context.Context, string, time.Time, time.Time) (int64, error) {
	return 3, nil
}
func (s *fakeStore) HeartbeatNode(context.Context, int64, string, time.Time) (bool, error) {
	return false, nil
}
func (s *fakeStore) DeregisterNode(context.Context, int64) error             { return nil }
func (s *fakeStore) DeleteDeadNodes(context.Context, time.Time) (int, error) { return 0, nil }
func (s *fakeStore) Notify(context.Context, string, string) error            { return nil }
func (s *fakeStore) ListLiveFTPSessions(_ context.Context, account int64, _ time.Time) ([]hosting.FTPSession, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.rows[account]), nil
}

func (s *fakeStore) ReplaceNodeFTPSessions(_ context.Context, _, account int64, list []hosting.FTPSession) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	if s.fail > 0 {
		s.fail--
		return errors.New("database down")
	}
	s.rows[account] = slices.Clone(list)
	return nil
}

// Listen is ready at once and hears nothing.
func (s *fakeStore) Listen(ctx context.Context, _ string, ready func(), _ func(string)) error {
	ready()
	<-ctx.Done()
	return ctx.Err()
}

func (s *fakeStore) state() (writes int, rows map[int64][]hosting.FTPSession) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes, s.rows
}

// fakeRegistry is a local registry holding a fixed list per account.
type fakeRegistry struct {
	mu       sync.Mutex
	sessions map[int64][]hosting.FTPSession
}

func (r *fakeRegistry) ListFTPSessions(_ context.Context, account int64) ([]hosting.FTPSession, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sessions[account]), nil
}

func (r *fakeRegistry) KillFTPSessions(context.Context, int64, hosting.FTPSessionFilter) (int, error) {
	return 0, nil
}

func (r *fakeRegistry) set(account int64, list ...hosting.FTPSession) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions[account] = list
}

// mustFakeNode starts a node over fakes whose status writes wait an hour,
// so that only logins and logouts wake the writer.
func mustFakeNode(t *testing.T) (*Node, *fakeStore, *fakeRegistry) {
	t.Helper()
	st := &fakeStore{rows: map[int64][]hosting.FTPSession{}}
	reg := &fakeRegistry{sessions: map[int64][]hosting.FTPSession{}}
	n, err := New(Config{Name: "fake", StatusDelay: time.Hour}, st, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	return n, st, reg
}

func waitWrites(t *testing.T, st *fakeStore, want int) map[int64][]hosting.FTPSession {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		writes, rows := st.state()
		if writes >= want {
			return rows
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes, want %d", writes, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWriterBatchesStatus: status changes wait for the next write, which
// writes what the registry holds then, with cluster-wide ids.
func TestWriterBatchesStatus(t *testing.T) {
	t.Parallel()
	n, st, reg := mustFakeNode(t)
	s := hosting.FTPSession{ID: 9, AccountID: 5, Login: "bob", Status: hosting.FTPIdle}
	reg.set(5, s)
	n.SessionStarted(s)
	waitWrites(t, st, 1)
	for _, status := range []string{hosting.FTPUpload, hosting.FTPIdle, hosting.FTPDownload} {
		s.Status = status
		reg.set(5, s)
		n.SessionChanged(s)
	}
	if writes, _ := st.state(); writes != 1 {
		t.Fatalf("%d writes after status changes alone, want 1", writes)
	}
	other := hosting.FTPSession{ID: 10, AccountID: 6, Login: "carol", Status: hosting.FTPIdle}
	reg.set(6, other)
	n.SessionStarted(other)
	rows := waitWrites(t, st, 3) // both dirty accounts, once each
	if got := rows[5]; len(got) != 1 || got[0].Status != hosting.FTPDownload || got[0].ID != 3<<32|9 {
		t.Fatalf("account 5's rows: %+v", got)
	}
	if writes, _ := st.state(); writes != 3 {
		t.Fatalf("%d writes, want 3", writes)
	}
}

// TestWriterRetries: a failed write stays due and is done at the next
// wake-up, whichever account caused it.
func TestWriterRetries(t *testing.T) {
	t.Parallel()
	n, st, reg := mustFakeNode(t)
	st.mu.Lock()
	st.fail = 1
	st.mu.Unlock()
	s := hosting.FTPSession{ID: 1, AccountID: 5, Login: "bob", Status: hosting.FTPIdle}
	reg.set(5, s)
	n.SessionStarted(s)
	if rows := waitWrites(t, st, 1); len(rows[5]) != 0 {
		t.Fatalf("a failed write left rows: %+v", rows[5])
	}
	other := hosting.FTPSession{ID: 2, AccountID: 6, Login: "carol", Status: hosting.FTPIdle}
	reg.set(6, other)
	n.SessionStarted(other)
	if rows := waitWrites(t, st, 3); len(rows[5]) != 1 || len(rows[6]) != 1 {
		t.Fatalf("rows after the retry: %+v", rows)
	}
}
