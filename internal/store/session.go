package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateSession inserts s; a zero CreatedAt or LastSeen is set to now.
// Returns ENOTFOUND if the account does not exist and ECONFLICT if a session
// with that id hash exists.
func (db *DB) CreateSession(ctx context.Context, s *hosting.WebSession) error {
	return db.writeData(ctx, func(tx *tx) error {
		s.CreatedAt, s.LastSeen = orNow(s.CreatedAt), orNow(s.LastSeen)
		_, err := tx.exec(ctx, `INSERT INTO web_sessions (id_hash, account_id, security_token, created_at, last_seen, remote_addr)
			VALUES (?, ?, ?, ?, ?, ?)`,
			s.IDHash, s.AccountID, s.SecurityToken, s.CreatedAt.Unix(), s.LastSeen.Unix(), s.RemoteAddr)
		if err != nil {
			return convert(err, fmt.Sprintf("create session for account %d", s.AccountID), on{
				NotFound: accountNotFoundMsg(s.AccountID),
				Conflict: "The session exists already.",
			})
		}
		return nil
	})
}

// FindSession returns the session with that id hash, or ENOTFOUND.
func (db *DB) FindSession(ctx context.Context, idHash string) (*hosting.WebSession, error) {
	return read(ctx, db, func(tx *tx) (*hosting.WebSession, error) { return findSession(ctx, tx, idHash) })
}

// TouchSession records activity at time at. Returns ENOTFOUND.
func (db *DB) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	return db.writeData(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `UPDATE web_sessions SET last_seen = ? WHERE id_hash = ?`, at.Unix(), idHash)
		if err != nil {
			return convert(err, "touch session", on{})
		} else if n == 0 {
			return sessionNotFound()
		}
		return nil
	})
}

// DeleteSession removes a session; a missing one is not an error.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	return db.deleteSessions(ctx, "delete session", `id_hash = ?`, idHash)
}

// DeleteIdleSessions removes sessions last seen before the cut-off and
// returns how many it removed.
func (db *DB) DeleteIdleSessions(ctx context.Context, before time.Time) (int, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	tx.data = true
	defer tx.rollback()
	n, err := tx.exec(ctx, `DELETE FROM web_sessions WHERE last_seen < ?`, before.Unix())
	if err != nil {
		return 0, convert(err, "delete idle sessions", on{})
	}
	return int(n), tx.commit()
}

// DeleteAccountSessions removes every session of an account.
func (db *DB) DeleteAccountSessions(ctx context.Context, accountID int64) error {
	return db.deleteSessions(ctx, fmt.Sprintf("delete sessions of account %d", accountID), `account_id = ?`, accountID)
}

// deleteSessions is the transaction of the two deletions that cannot fail
// for a missing row.
func (db *DB) deleteSessions(ctx context.Context, op, where string, arg any) error {
	return db.writeData(ctx, func(tx *tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM web_sessions WHERE `+where, arg); err != nil {
			return convert(err, op, on{})
		}
		return nil
	})
}

// sessionNotFound does not echo the id hash: it is derived from a secret.
func sessionNotFound() error { return notFound("The session does not exist or has expired.") }

func findSession(ctx context.Context, tx *tx, idHash string) (*hosting.WebSession, error) {
	s := hosting.WebSession{IDHash: idHash}
	var created, seen int64
	err := tx.queryRow(ctx, `SELECT account_id, security_token, created_at, last_seen, remote_addr
		FROM web_sessions WHERE id_hash = ?`, idHash).
		Scan(&s.AccountID, &s.SecurityToken, &created, &seen, &s.RemoteAddr)
	if err != nil {
		return nil, convert(err, "find session", on{NotFound: sessionNotFound().Error()})
	}
	s.CreatedAt, s.LastSeen = unixTime(created), unixTime(seen)
	return &s, nil
}

// Interface guard.
var _ hosting.SessionStore = (*DB)(nil)
