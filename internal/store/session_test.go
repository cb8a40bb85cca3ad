package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// mustSession creates a session with id hash id, created and last seen at.
func mustSession(tb testing.TB, db *store.DB, id string, accountID int64, at time.Time) *hosting.WebSession {
	tb.Helper()
	s := &hosting.WebSession{IDHash: id, AccountID: accountID, SecurityToken: "cpsess0123456789",
		CreatedAt: at, LastSeen: at, RemoteAddr: "192.0.2.1"}
	if err := db.CreateSession(context.Background(), s); err != nil {
		tb.Fatalf("CreateSession(%s): %v", id, err)
	}
	return s
}

func TestCreateSession(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		mustSession(t, db, "taken", alice.ID, time.Now())
		at := time.Unix(1_700_000_000, 0).UTC()
		tests := []struct {
			name     string
			session  hosting.WebSession
			wantCode string
		}{
			{"with times", hosting.WebSession{IDHash: "s1", AccountID: alice.ID, SecurityToken: "cpsess1111111111",
				CreatedAt: at, LastSeen: at.Add(time.Minute), RemoteAddr: "2001:db8::1"}, ""},
			{"zero times are now", hosting.WebSession{IDHash: "s2", AccountID: alice.ID, SecurityToken: "cpsess2222222222"}, ""},
			{"id taken", hosting.WebSession{IDHash: "taken", AccountID: alice.ID}, hosting.ECONFLICT},
			{"missing account", hosting.WebSession{IDHash: "s3", AccountID: alice.ID + 100}, hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := tt.session
				err := db.CreateSession(ctx, &s)
				wantCode(t, err, tt.wantCode)
				if err != nil {
					return
				}
				if tt.session.CreatedAt.IsZero() && (time.Since(s.CreatedAt) > time.Minute || time.Since(s.LastSeen) > time.Minute) {
					t.Fatalf("zero times not set to now: %+v", s)
				}
				got, err := db.FindSession(ctx, s.IDHash)
				if err != nil || !reflect.DeepEqual(got, &s) {
					t.Fatalf("read back\n%+v, %v\nwant\n%+v", got, err, &s)
				}
			})
		}
	})
}

func TestFindSession(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		want := mustSession(t, db, "s", alice.ID, time.Unix(1_700_000_000, 0).UTC())
		got, err := db.FindSession(ctx, "s")
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("FindSession = %+v, %v; want %+v", got, err, want)
		}
		got, err = db.FindSession(ctx, "nope")
		wantCode(t, err, hosting.ENOTFOUND)
		if got != nil {
			t.Fatalf("got %+v with error", got)
		}
	})
}

func TestTouchSession(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		start := time.Unix(1_700_000_000, 0).UTC()
		mustSession(t, db, "s", alice.ID, start)
		later := start.Add(90 * time.Second)
		tests := []struct {
			name, id string
			wantCode string
		}{
			{"existing", "s", ""},
			{"missing", "nope", hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.TouchSession(ctx, tt.id, later), tt.wantCode)
			})
		}
		got, err := db.FindSession(ctx, "s")
		if err != nil || !got.LastSeen.Equal(later) || !got.CreatedAt.Equal(start) {
			t.Fatalf("after touch: %+v, %v", got, err)
		}
	})
}

func TestDeleteSessions(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		base := time.Unix(1_700_000_000, 0)
		for i, id := range []string{"a0", "a1", "a2"} {
			mustSession(t, db, id, alice.ID, base.Add(time.Duration(i)*time.Hour))
		}
		mustSession(t, db, "b0", bob.ID, base)
		mustSession(t, db, "b9", bob.ID, base.Add(9*time.Hour))

		wantCode(t, db.DeleteSession(ctx, "a1"), "")
		wantCode(t, db.DeleteSession(ctx, "a1"), "") // missing is not an error
		// Sessions last seen before base+2h: a0 and b0 (a1 is gone, a2 is at the cut-off).
		if n, err := db.DeleteIdleSessions(ctx, base.Add(2*time.Hour)); n != 2 || err != nil {
			t.Fatalf("DeleteIdleSessions = %d, %v; want 2", n, err)
		}
		if n, err := db.DeleteIdleSessions(ctx, base.Add(2*time.Hour)); n != 0 || err != nil {
			t.Fatalf("DeleteIdleSessions again = %d, %v; want 0", n, err)
		}
		wantCode(t, db.DeleteAccountSessions(ctx, alice.ID), "")
		wantCode(t, db.DeleteAccountSessions(ctx, alice.ID+100), "")
		for id, want := range map[string]string{"a0": hosting.ENOTFOUND, "a1": hosting.ENOTFOUND,
			"a2": hosting.ENOTFOUND, "b0": hosting.ENOTFOUND, "b9": ""} {
			_, err := db.FindSession(ctx, id)
			wantCode(t, err, want)
		}
	})
}
