package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// listedUsers is what ListFTPLogins lists of the account: "user@domain home
// quota" per login.
func listedUsers(t *testing.T, db *store.DB, accountID int64) []string {
	t.Helper()
	fs, err := db.ListFTPLogins(context.Background(), accountID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.Login()+" "+f.HomeDir+" "+strconv.FormatInt(f.QuotaMB, 10))
	}
	return out
}

// TestListFTPLoginsAfterWrites checks that every write that changes what
// ListFTPLogins lists shows in the very next call, though the answer before
// it may be cached.
func TestListFTPLoginsAfterWrites(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "b.example")
		home, quota := "sites/web", int64(7)
		var web *hosting.FTPAccount
		steps := []struct {
			name  string
			write func() error
			want  []string
		}{
			{"none", func() error { return nil }, nil},
			{"create", func() error {
				web = mustFTPAccount(t, db, alice.ID, "web", "alice.example")
				mustFTPAccount(t, db, alice.ID, "web", "b.example")
				return nil
			}, []string{"web@alice.example web 0", "web@b.example web 0"}},
			{"update", func() error {
				return db.UpdateFTPAccount(ctx, web.ID, hosting.FTPAccountUpdate{HomeDir: &home, QuotaMB: &quota})
			}, []string{"web@alice.example sites/web 7", "web@b.example web 0"}},
			{"usage changes nothing listed", func() error { return db.AddFTPUsage(ctx, web.ID, 100) },
				[]string{"web@alice.example sites/web 7", "web@b.example web 0"}},
			{"domain removed", func() error { return db.RemoveDomain(ctx, alice.ID, "b.example") },
				[]string{"web@alice.example sites/web 7"}},
			{"delete", func() error { return db.DeleteFTPAccount(ctx, web.ID) }, nil},
			{"account deleted", func() error {
				mustFTPAccount(t, db, alice.ID, "last", "alice.example")
				if got := listedUsers(t, db, alice.ID); len(got) != 1 {
					t.Fatalf("before the account's deletion: %v", got)
				}
				return db.DeleteAccount(ctx, alice.ID)
			}, nil},
		}
		for _, s := range steps {
			if err := s.write(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got := listedUsers(t, db, alice.ID); !slices.Equal(got, s.want) {
				t.Fatalf("after %s: %v, want %v", s.name, got, s.want)
			}
		}
	})
}

// TestListFTPLoginsCache checks what the cache is allowed to keep: on
// SQLite, a change made behind the store's back (an edit of the file) shows
// only after the next write that may change credentials, and not after a
// usage count; on PostgreSQL, where other nodes write, nothing is cached.
func TestListFTPLoginsCache(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		web := mustFTPAccount(t, db, alice.ID, "web", "alice.example")
		listedUsers(t, db, alice.ID)
		query := `UPDATE ftp_accounts SET home_dir = 'moved' WHERE id = ?`
		if db.Dialect() == store.DialectPostgres {
			query = `UPDATE ftp_accounts SET home_dir = 'moved' WHERE id = $1`
		}
		if _, err := db.SQL().ExecContext(ctx, query, web.ID); err != nil {
			t.Fatal(err)
		}
		cached := db.Dialect() == store.DialectSQLite
		want := map[bool][]string{true: {"web@alice.example web 0"}, false: {"web@alice.example moved 0"}}
		if got := listedUsers(t, db, alice.ID); !slices.Equal(got, want[cached]) {
			t.Fatalf("after an edit behind the store's back: %v, want %v", got, want[cached])
		}
		if err := db.AddFTPUsage(ctx, web.ID, 1); err != nil {
			t.Fatal(err)
		}
		if got := listedUsers(t, db, alice.ID); !slices.Equal(got, want[cached]) {
			t.Fatalf("after a usage count: %v, want %v", got, want[cached])
		}
		mustAccount(t, db, "bob", "bob.example")
		if got := listedUsers(t, db, alice.ID); !slices.Equal(got, want[false]) {
			t.Fatalf("after another account's creation: %v, want %v", got, want[false])
		}
	})
}

// TestListFTPLoginsCancelled checks that a read whose context is already
// done fails with the context's error instead of querying (the read itself
// runs to its end once started, see readOne).
func TestListFTPLoginsCancelled(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		alice := mustAccount(t, db, "alice", "alice.example")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if fs, err := db.ListFTPLogins(ctx, alice.ID); !errors.Is(err, context.Canceled) {
			t.Fatalf("ListFTPLogins with a cancelled context = %v, %v; want context.Canceled", fs, err)
		}
	})
}

// TestListFTPLoginsCopies checks that a caller changing the logins it was
// given does not change what the next caller gets from the cache.
func TestListFTPLoginsCopies(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		alice := mustAccount(t, db, "alice", "alice.example")
		mustFTPAccount(t, db, alice.ID, "web", "alice.example")
		// A read, then two answers from the cache: each copy is checked.
		for range 3 {
			fs, err := db.ListFTPLogins(context.Background(), alice.ID)
			if err != nil || len(fs) != 1 || fs[0].User != "web" {
				t.Fatalf("ListFTPLogins = %v, %v", fs, err)
			}
			fs[0].User = "changed"
		}
	})
}
