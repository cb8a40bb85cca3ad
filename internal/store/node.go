package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/uapid/uapid/internal/hosting"
)

// Nodes and their live FTP sessions, for internal/cluster. Times are the
// callers' clocks, in Unix seconds like every time in the store: a node is
// live while its heartbeat is recent, so the nodes' clocks must agree
// (NTP) to well within the liveness window.

// RegisterNode records a node called name, started at at, and returns its
// number. A node of that name whose heartbeat is older than deadBefore is
// dead: it is removed first, with its sessions. Returns ECONFLICT while a
// live node holds the name.
func (db *DB) RegisterNode(ctx context.Context, name string, at, deadBefore time.Time) (int64, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.rollback()
	if _, err := tx.exec(ctx, `DELETE FROM nodes WHERE name = ? AND heartbeat < ?`, name, deadBefore.Unix()); err != nil {
		return 0, convert(err, fmt.Sprintf("remove dead node %q", name), on{})
	}
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO nodes (name, started_at, heartbeat) VALUES (?, ?, ?) RETURNING id`,
		name, at.Unix(), at.Unix()).Scan(&id)
	if err != nil {
		return 0, convert(err, fmt.Sprintf("register node %q", name), on{Conflict: nodeNameTaken(name)})
	}
	return id, tx.commit()
}

// HeartbeatNode records that node id is alive at at. A node whose row was
// removed (others took it for dead) is registered again under the same
// number and name, and revived is true: its sessions must be written
// again. Returns ECONFLICT if another live node took the name meanwhile.
func (db *DB) HeartbeatNode(ctx context.Context, id int64, name string, at time.Time) (revived bool, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.rollback()
	n, err := tx.exec(ctx, `UPDATE nodes SET heartbeat = ? WHERE id = ?`, at.Unix(), id)
	if err != nil {
		return false, convert(err, fmt.Sprintf("heartbeat of node %d", id), on{})
	}
	if n == 0 {
		_, err = tx.exec(ctx, `INSERT INTO nodes (id, name, started_at, heartbeat) VALUES (?, ?, ?, ?)`,
			id, name, at.Unix(), at.Unix())
		if err != nil {
			return false, convert(err, fmt.Sprintf("register node %d again", id), on{Conflict: nodeNameTaken(name)})
		}
	}
	return n == 0, tx.commit()
}

// DeregisterNode removes node id and its sessions; a missing node is not an
// error.
func (db *DB) DeregisterNode(ctx context.Context, id int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if _, err := tx.exec(ctx, `DELETE FROM nodes WHERE id = ?`, id); err != nil {
		return convert(err, fmt.Sprintf("deregister node %d", id), on{})
	}
	return tx.commit()
}

// DeleteDeadNodes removes the nodes whose heartbeat is older than before,
// with their sessions, and returns how many it removed.
func (db *DB) DeleteDeadNodes(ctx context.Context, before time.Time) (int, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.rollback()
	n, err := tx.exec(ctx, `DELETE FROM nodes WHERE heartbeat < ?`, before.Unix())
	if err != nil {
		return 0, convert(err, "delete dead nodes", on{})
	}
	return int(n), tx.commit()
}

// ReplaceNodeFTPSessions makes list the sessions of account accountID that
// node nodeID holds, in one transaction. Each session's ID is stored as
// given (the cluster-wide id). Returns ENOTFOUND if the node or the account
// no longer exists, and an internal error for a session of another account.
func (db *DB) ReplaceNodeFTPSessions(ctx context.Context, nodeID, accountID int64, list []hosting.FTPSession) error {
	op := fmt.Sprintf("write ftp sessions of node %d, account %d", nodeID, accountID)
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if _, err := tx.exec(ctx, `DELETE FROM ftp_sessions WHERE node_id = ? AND account_id = ?`, nodeID, accountID); err != nil {
		return convert(err, op, on{})
	}
	for _, s := range list {
		if s.AccountID != accountID {
			return fmt.Errorf("store: %s: session %d belongs to account %d", op, s.ID, s.AccountID)
		}
		_, err := tx.exec(ctx, `INSERT INTO ftp_sessions (node_id, session_id, account_id, login, remote, login_time, status, file)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			nodeID, s.ID, accountID, s.Login, s.RemoteAddr, s.LoginTime.Unix(), s.Status, s.File)
		if err != nil {
			return convert(err, op, on{NotFound: "The node or the account no longer exists."})
		}
	}
	return tx.commit()
}

// ListLiveFTPSessions returns the sessions of account accountID held by
// nodes whose heartbeat is at or after liveSince, ordered by ID.
func (db *DB) ListLiveFTPSessions(ctx context.Context, accountID int64, liveSince time.Time) ([]hosting.FTPSession, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	rows, err := tx.query(ctx, `SELECT s.session_id, s.login, s.remote, s.login_time, s.status, s.file
		FROM ftp_sessions s JOIN nodes n ON n.id = s.node_id
		WHERE s.account_id = ? AND n.heartbeat >= ? ORDER BY s.session_id`, accountID, liveSince.Unix())
	if err != nil {
		return nil, convert(err, "list ftp sessions", on{})
	}
	defer rows.Close()
	list := []hosting.FTPSession{}
	for rows.Next() {
		s := hosting.FTPSession{AccountID: accountID}
		var login int64
		if err := rows.Scan(&s.ID, &s.Login, &s.RemoteAddr, &login, &s.Status, &s.File); err != nil {
			return nil, convert(err, "list ftp sessions", on{})
		}
		s.LoginTime = unixTime(login)
		list = append(list, s)
	}
	return list, convert(rows.Err(), "list ftp sessions", on{})
}

// Notify sends payload to every node that listens on channel, when the
// transaction commits. Channels are per schema (see pgChannel), so two
// installations sharing one database never hear each other. PostgreSQL
// only.
func (db *DB) Notify(ctx context.Context, channel, payload string) error {
	if db.dialect != DialectPostgres {
		return fmt.Errorf("store: notify %s: notifications need PostgreSQL", channel)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	ch, err := schemaChannel(ctx, tx.tx, channel)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `SELECT pg_notify(?, ?)`, ch, payload); err != nil {
		return convert(err, "notify "+ch, on{})
	}
	return tx.commit()
}

// Listen listens on channel on a connection of its own and calls fn with
// the payload of each notification, in order, until ctx is done or the
// connection fails; it then returns why. ready, if not nil, is called once
// the LISTEN is in effect: a Notify after that reaches fn. PostgreSQL only.
func (db *DB) Listen(ctx context.Context, channel string, ready func(), fn func(payload string)) error {
	if db.dialect != DialectPostgres {
		return fmt.Errorf("store: listen on %s: notifications need PostgreSQL", channel)
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: listen on %s: %w", channel, err)
	}
	defer conn.Close()
	var lerr error
	_ = conn.Raw(func(dc any) error {
		lerr = listen(ctx, dc.(*stdlib.Conn).Conn(), channel, ready, fn)
		// The connection still listens, or is broken: never pool it again.
		return driver.ErrBadConn
	})
	return lerr
}

func listen(ctx context.Context, c *pgx.Conn, channel string, ready func(), fn func(string)) error {
	var schema sql.NullString
	if err := c.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("store: listen on %s: %w", channel, err)
	}
	ch := pgChannel(channel, schema.String)
	if _, err := c.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
		return fmt.Errorf("store: listen on %s: %w", ch, err)
	}
	if ready != nil {
		ready()
	}
	for {
		n, err := c.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("store: listen on %s: %w", ch, err)
		}
		fn(n.Payload)
	}
}

// schemaChannel returns channel as the current schema names it.
func schemaChannel(ctx context.Context, tx *sql.Tx, channel string) (string, error) {
	var schema sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", convert(err, "read current schema", on{})
	}
	return pgChannel(channel, schema.String), nil
}

// pgChannel scopes a channel to a schema: notifications are database-wide,
// but an installation is a schema. The default schema keeps the plain name
// (NOTIFY uapid_kill); others get name@schema, or a hash of the schema
// where that would pass PostgreSQL's 63-byte limit on names.
func pgChannel(name, schema string) string {
	if schema == "" || schema == "public" {
		return name
	}
	if ch := name + "@" + schema; len(ch) <= 63 {
		return ch
	}
	sum := sha256.Sum256([]byte(schema))
	return name + "@" + hex.EncodeToString(sum[:8])
}

func nodeNameTaken(name string) string {
	return fmt.Sprintf("The node name “%s” is in use by a live node.", name)
}
