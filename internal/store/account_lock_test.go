package store_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/store"
)

// TestLockAccount: PostgreSQL only; an account's lock excludes a second
// holder (who gives up at its deadline with context.DeadlineExceeded), not
// another account's nor the same account of another installation
// (schema), and its connection goes back to the pool on release.
func TestLockAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if db.Dialect() == store.DialectSQLite {
			if _, err := db.LockAccount(ctx, 1); err == nil {
				t.Fatal("LockAccount on SQLite succeeded")
			}
			return
		}
		unlock := mustLockAccount(t, db, 1)
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if _, err := db.LockAccount(short, 1); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a second lock of account 1: %v, want context.DeadlineExceeded", err)
		}
		mustLockAccount(t, db, 2)()
		other := mustOpen(t, mustPostgresSchema(t, os.Getenv(postgresEnv)))
		mustLockAccount(t, other, 1)() // another installation's account 1
		unlock()
		mustLockAccount(t, db, 1)()
		if n := db.SQL().Stats().InUse; n != 0 {
			t.Errorf("%d connections in use after every release", n)
		}
	})
}

func mustLockAccount(t *testing.T, db *store.DB, id int64) func() {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	unlock, err := db.LockAccount(ctx, id)
	if err != nil {
		t.Fatalf("lock account %d: %v", id, err)
	}
	return unlock
}
