package store

import (
	"context"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// The brute-force limiter's counts (hosting.LoginFailureStore), for a
// cluster on PostgreSQL. Each failure is one upsert: the row lock it takes
// makes concurrent failures on several nodes add up exactly.

// LoginBlocked implements hosting.LoginFailureStore.
func (db *DB) LoginBlocked(ctx context.Context, keys []string, now time.Time) (bool, error) {
	if len(keys) == 0 {
		return false, nil
	}
	args := make([]any, 0, len(keys)+1)
	for _, k := range keys {
		args = append(args, k)
	}
	args = append(args, now.Unix())
	q := `SELECT COUNT(*) FROM login_failures WHERE key IN (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ") + `) AND blocked_until > ?`
	return read(ctx, db, func(t *tx) (bool, error) {
		var n int
		if err := t.queryRow(ctx, q, args...).Scan(&n); err != nil {
			return false, convert(err, "check login blocks", on{})
		}
		return n > 0, nil
	})
}

// AddLoginFailures implements hosting.LoginFailureStore: one write
// transaction for every key, so that a failed login (address and
// identity) costs one commit, not one per key.
func (db *DB) AddLoginFailures(ctx context.Context, fails []hosting.LoginFailure, now time.Time) error {
	if len(fails) == 0 {
		return nil
	}
	return db.writeData(ctx, func(t *tx) error {
		for _, f := range fails {
			if err := addLoginFailure(ctx, t, f, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// addLoginFailure counts one failure of f.Key and blocks the key when
// the count reaches f.Max.
func addLoginFailure(ctx context.Context, t *tx, f hosting.LoginFailure, now time.Time) error {
	at, stale := now.Unix(), now.Add(-f.Window).Unix()
	var n int
	err := t.queryRow(ctx, `INSERT INTO login_failures (key, failures, window_start) VALUES (?, 1, ?)
		ON CONFLICT (key) DO UPDATE SET
		failures = CASE WHEN login_failures.window_start < ? THEN 1 ELSE login_failures.failures + 1 END,
		window_start = CASE WHEN login_failures.window_start < ? THEN ? ELSE login_failures.window_start END
		RETURNING failures`, f.Key, at, stale, stale, at).Scan(&n)
	if err != nil {
		return convert(err, "count login failure", on{})
	}
	if f.Max <= 0 || n < f.Max {
		return nil
	}
	_, err = t.exec(ctx, `UPDATE login_failures SET failures = 0, window_start = ?, blocked_until = ? WHERE key = ?`,
		at, now.Add(f.Block).Unix(), f.Key)
	return convert(err, "block login key", on{})
}

// ClearLoginFailures implements hosting.LoginFailureStore. Most successful
// logins have nothing to clear. On PostgreSQL (the cluster's limiter) the
// DELETE runs as one statement outside a transaction: one round trip
// instead of three, and a statement that deletes no row gets no
// transaction id, so nothing is written or flushed. On SQLite it takes the
// writer slot as every write does (looking first with a read cost more
// than the empty DELETE).
func (db *DB) ClearLoginFailures(ctx context.Context, key string, now time.Time) error {
	const q = `DELETE FROM login_failures WHERE key = ? AND blocked_until <= ?`
	if db.dialect == DialectPostgres {
		_, err := db.sql.ExecContext(ctx, rebind(db.dialect, q), key, now.Unix())
		return convert(err, "clear login failures", on{})
	}
	return db.writeData(ctx, func(t *tx) error {
		_, err := t.exec(ctx, q, key, now.Unix())
		return convert(err, "clear login failures", on{})
	})
}

// PruneLoginFailures implements hosting.LoginFailureStore.
func (db *DB) PruneLoginFailures(ctx context.Context, now, windowStart time.Time) (int, error) {
	var n int64
	err := db.writeData(ctx, func(t *tx) error {
		var err error
		n, err = t.exec(ctx, `DELETE FROM login_failures WHERE blocked_until <= ? AND window_start < ?`,
			now.Unix(), windowStart.Unix())
		return convert(err, "prune login failures", on{})
	})
	return int(n), err
}

var _ hosting.LoginFailureStore = (*DB)(nil)
