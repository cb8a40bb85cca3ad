package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// accountLockConns is the most connections one node holds for account
// locks (LockAccount), held or waiting: a quarter of the pool, so that the
// holders' own queries (and everybody else's) always find connections.
const accountLockConns = postgresConns / 4

// accountLockTag names the key space of account locks: the first key of
// the two-key advisory lock is hashtext(tag || schema), so that two
// installations (schemas) sharing a database never share a lock, and the
// two-key form never meets the one-key migration lock (migrateLockKey).
const accountLockTag = "uapid.account@"

// unlockWait bounds the release of an account lock: past it the
// connection is closed instead, which releases the lock as well.
const unlockWait = 5 * time.Second

// LockAccount holds the advisory lock of hosting account id, across every
// node of the database, until unlock runs. It waits at most until ctx is
// done, then fails with an error that wraps context.DeadlineExceeded (or
// ctx's error); so does waiting for one of the node's accountLockConns
// connections. The lock is a session lock held on a connection of its own:
// it dies with that connection, so a node that crashes (or whose
// connection breaks) never keeps it. PostgreSQL only.
func (db *DB) LockAccount(ctx context.Context, id int64) (unlock func(), err error) {
	if db.dialect != DialectPostgres {
		return nil, fmt.Errorf("store: lock account %d: advisory locks need PostgreSQL", id)
	}
	select {
	case db.lockConns <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("store: lock account %d: all %d lock connections in use: %w", id, accountLockConns, ctx.Err())
	}
	conn, err := db.lockAccount(ctx, id)
	if err != nil {
		<-db.lockConns
		return nil, err
	}
	return func() {
		db.unlockAccount(conn, id)
		<-db.lockConns
	}, nil
}

// lockAccount takes the lock on a connection of the pool. lock_timeout
// makes the server itself give up when ctx does: a waiter whose client went
// away does not linger on the server for the lock. On any failure the
// connection is closed, not pooled, so that no lock it may hold outlives
// the call.
func (db *DB) lockAccount(ctx context.Context, id int64) (*sql.Conn, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: lock account %d: %w", id, err)
	}
	wait := "0" // no deadline: wait as long as ctx
	if d, ok := ctx.Deadline(); ok {
		wait = fmt.Sprint(max(time.Until(d).Milliseconds(), 1))
	}
	_, err = conn.ExecContext(ctx, `SELECT set_config('lock_timeout', $1, false)`, wait)
	if err == nil {
		// The second key is an int4: ids past 2^31 wrap onto smaller
		// ones, whose changes they then wait for; nothing worse.
		_, err = conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext($1 || coalesce(current_schema(), '')), $2)`,
			accountLockTag, int32(id))
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, `RESET lock_timeout`)
	}
	if err != nil {
		discard(conn)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available: lock_timeout passed
			err = context.DeadlineExceeded
		}
		return nil, fmt.Errorf("store: lock account %d: %w", id, err)
	}
	return conn, nil
}

// unlockAccount releases the lock and returns the connection to the pool;
// when that fails, it closes the connection, which releases the lock too.
func (db *DB) unlockAccount(conn *sql.Conn, id int64) {
	ctx, cancel := context.WithTimeout(context.Background(), unlockWait)
	defer cancel()
	var released bool
	err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock(hashtext($1 || coalesce(current_schema(), '')), $2)`,
		accountLockTag, int32(id)).Scan(&released)
	if err != nil || !released {
		db.log.Error("store: release account lock: closing its connection", "account_id", id, "released", released, "err", err)
		discard(conn)
		return
	}
	_ = conn.Close()
}

// discard closes conn's connection instead of pooling it again.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
