package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// maxReserveTries bounds the compare-and-set loop of a reservation: on
// PostgreSQL another node may change the count between the read and the
// update; each retry means some other writer made progress.
const maxReserveTries = 100

// ChangeUsage applies c in one transaction and returns what it granted of
// c.Reserve. The FTP login's count grows only while it stays within the
// login's quota, read in the same transaction, so writers on several nodes
// cannot pass it together.
func (db *DB) ChangeUsage(ctx context.Context, c hosting.UsageChange) (hosting.UsageGrant, error) {
	var g hosting.UsageGrant
	err := db.writeData(ctx, func(tx *tx) error {
		if err := fenceMark(ctx, tx, c); err != nil {
			return err
		}
		// Rows are locked in the order SetUsage locks them (generation,
		// marks, counts), so that neither waits for the other forever: a
		// mark taken before the counts change, a mark ended after.
		var epoch int64
		var err error
		if c.Mark > 0 {
			if epoch, err = markUsage(ctx, tx, c.Node, c.Scope.AccountID, c.Mark); err != nil {
				return err
			}
		}
		if g, err = reserveUsage(ctx, tx, c.Scope, c.Reserve); err != nil {
			return err
		}
		g.Epoch = epoch
		if err := releaseUsage(ctx, tx, c.Scope, c.Release); err != nil {
			return err
		}
		for _, r := range c.More {
			if r.Scope.AccountID != c.Scope.AccountID { // the fence and the mark are the account's
				return fmt.Errorf("store: usage change of account %d releases in account %d", c.Scope.AccountID, r.Scope.AccountID)
			}
			if err := releaseUsage(ctx, tx, r.Scope, r.N); err != nil {
				return err
			}
		}
		if c.Mark < 0 {
			if _, err := markUsage(ctx, tx, c.Node, c.Scope.AccountID, c.Mark); err != nil {
				return err
			}
		}
		if err := markTempFile(ctx, tx, c); err != nil {
			return err
		}
		return forgetTempFiles(ctx, tx, c)
	})
	if err != nil {
		return hosting.UsageGrant{}, err
	}
	return g, nil
}

// reserveUsage counts up to n bytes: what the FTP login's quota allows,
// and that much in every directory of the scope.
func reserveUsage(ctx context.Context, tx *tx, s hosting.UsageScope, n int64) (hosting.UsageGrant, error) {
	if n <= 0 {
		return hosting.UsageGrant{}, nil
	}
	g := hosting.UsageGrant{Reserved: n, Room: math.MaxInt64}
	if s.FTPID != 0 {
		var err error
		if g, err = reserveFTP(ctx, tx, s, n); err != nil {
			return g, err
		}
	}
	return g, addDirUsage(ctx, tx, s, g.Reserved)
}

// reserveFTP grows the login's count by what fits under its quota, with a
// compare-and-set so that a concurrent change makes it read again.
func reserveFTP(ctx context.Context, tx *tx, s hosting.UsageScope, n int64) (hosting.UsageGrant, error) {
	none := hosting.UsageGrant{}
	for range maxReserveTries {
		var used, quotaMB int64
		err := tx.queryRow(ctx, `SELECT used_bytes, quota_mb FROM ftp_accounts WHERE id = ? AND account_id = ?`,
			s.FTPID, s.AccountID).Scan(&used, &quotaMB)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				// The login was deleted while writing: nothing to limit.
				return hosting.UsageGrant{Reserved: n, Room: math.MaxInt64}, nil
			}
			return none, convert(err, fmt.Sprintf("read usage of ftp account %d", s.FTPID), on{})
		}
		g := hosting.UsageGrant{Reserved: n, Room: math.MaxInt64}
		if limit := quotaMB << 20; limit > 0 {
			g.Reserved = min(n, max(limit-used, 0))
			g.Room = max(limit-used-g.Reserved, 0)
		}
		if g.Reserved == 0 {
			return g, nil
		}
		k, err := tx.exec(ctx, `UPDATE ftp_accounts SET used_bytes = used_bytes + ? WHERE id = ? AND used_bytes = ?`,
			g.Reserved, s.FTPID, used)
		if err != nil {
			return none, convert(err, fmt.Sprintf("reserve usage of ftp account %d", s.FTPID), on{})
		}
		if k == 1 {
			return g, nil
		}
	}
	return none, fmt.Errorf("store: reserve usage of ftp account %d: too much contention", s.FTPID)
}

// addDirUsage adds n bytes to the scope's directory counts, creating them
// as never scanned; an account deleted meanwhile gets none.
func addDirUsage(ctx context.Context, tx *tx, s hosting.UsageScope, n int64) error {
	if n == 0 {
		return nil
	}
	for _, dir := range s.Dirs {
		_, err := tx.exec(ctx, `INSERT INTO disk_usage (account_id, dir, used_bytes)
			SELECT id, CAST(? AS TEXT), CAST(? AS BIGINT) FROM accounts WHERE id = ?
			ON CONFLICT (account_id, dir) DO UPDATE SET used_bytes = disk_usage.used_bytes + excluded.used_bytes`,
			dir, n, s.AccountID)
		if err != nil {
			return convert(err, fmt.Sprintf("add usage of account %d", s.AccountID), on{})
		}
	}
	return nil
}

// releaseUsage uncounts n bytes from the scope's counts, never below zero.
func releaseUsage(ctx context.Context, tx *tx, s hosting.UsageScope, n int64) error {
	if n <= 0 {
		return nil
	}
	if s.FTPID != 0 {
		_, err := tx.exec(ctx, `UPDATE ftp_accounts
			SET used_bytes = CASE WHEN used_bytes < ? THEN 0 ELSE used_bytes - ? END WHERE id = ?`, n, n, s.FTPID)
		if err != nil {
			return convert(err, fmt.Sprintf("release usage of ftp account %d", s.FTPID), on{})
		}
	}
	for _, dir := range s.Dirs {
		_, err := tx.exec(ctx, `UPDATE disk_usage
			SET used_bytes = CASE WHEN used_bytes < ? THEN 0 ELSE used_bytes - ? END
			WHERE account_id = ? AND dir = ?`, n, n, s.AccountID, dir)
		if err != nil {
			return convert(err, fmt.Sprintf("release usage of account %d", s.AccountID), on{})
		}
	}
	return nil
}

// markUsage counts a change begun (+1) or ended (-1) by node in account.
// A change begun moves the account's mark generation on and returns the
// epoch of the node's mark: the generation at which its row was made.
func markUsage(ctx context.Context, tx *tx, node, accountID int64, mark int) (int64, error) {
	var err error
	var epoch int64
	switch {
	case mark > 0:
		epoch, err = addMark(ctx, tx, node, accountID, mark)
	case mark < 0:
		if _, err = tx.exec(ctx, `UPDATE usage_marks SET changes = changes + ? WHERE node_id = ? AND account_id = ?`,
			mark, node, accountID); err == nil {
			_, err = tx.exec(ctx, `DELETE FROM usage_marks WHERE node_id = ? AND account_id = ? AND changes <= 0`,
				node, accountID)
		}
		if err == nil {
			// The temporary files recorded under the mark are renamed or
			// removed once no change of the node is under way.
			_, err = tx.exec(ctx, `DELETE FROM usage_temp_files WHERE node_id = ? AND account_id = ?
				AND NOT EXISTS (SELECT 1 FROM usage_marks WHERE node_id = ? AND account_id = ?)`,
				node, accountID, node, accountID)
		}
	}
	return epoch, convert(err, fmt.Sprintf("mark usage change of account %d", accountID), on{})
}

// UsageCounts returns the account's counters. ScannedAt is the oldest
// rescan of its directories, zero if one was never scanned.
func (db *DB) UsageCounts(ctx context.Context, accountID int64) (hosting.UsageCounts, error) {
	return read(ctx, db, func(tx *tx) (hosting.UsageCounts, error) {
		c := hosting.UsageCounts{Dirs: map[string]int64{}, FTP: map[int64]int64{}}
		scanned, err := dirUsage(ctx, tx, accountID, c.Dirs)
		if err != nil {
			return c, err
		}
		if scanned > 0 {
			c.ScannedAt = time.Unix(scanned, 0)
		}
		return c, ftpUsage(ctx, tx, accountID, c.FTP)
	})
}

// dirUsage fills out with the directory counts and returns the oldest
// scan time, 0 if a counted directory has no row or was never scanned.
func dirUsage(ctx context.Context, tx *tx, accountID int64, out map[string]int64) (int64, error) {
	rows, err := tx.query(ctx, `SELECT dir, used_bytes, scanned_at FROM disk_usage WHERE account_id = ?`, accountID)
	if err != nil {
		return 0, convert(err, fmt.Sprintf("read usage of account %d", accountID), on{})
	}
	defer rows.Close()
	oldest := int64(-1)
	for rows.Next() {
		var dir string
		var used, at int64
		if err := rows.Scan(&dir, &used, &at); err != nil {
			return 0, convert(err, fmt.Sprintf("read usage of account %d", accountID), on{})
		}
		out[dir] = used
		if oldest < 0 || at < oldest {
			oldest = at
		}
	}
	if err := rows.Err(); err != nil {
		return 0, convert(err, fmt.Sprintf("read usage of account %d", accountID), on{})
	}
	for _, d := range hosting.UsageDirs() {
		if _, ok := out[d]; !ok {
			return 0, nil
		}
	}
	return max(oldest, 0), nil
}

func ftpUsage(ctx context.Context, tx *tx, accountID int64, out map[int64]int64) error {
	rows, err := tx.query(ctx, `SELECT id, used_bytes FROM ftp_accounts WHERE account_id = ?`, accountID)
	if err != nil {
		return convert(err, fmt.Sprintf("read ftp usage of account %d", accountID), on{})
	}
	defer rows.Close()
	for rows.Next() {
		var id, used int64
		if err := rows.Scan(&id, &used); err != nil {
			return convert(err, fmt.Sprintf("read ftp usage of account %d", accountID), on{})
		}
		out[id] = used
	}
	return convert(rows.Err(), fmt.Sprintf("read ftp usage of account %d", accountID), on{})
}

// SetUsage replaces the account's counts with a rescan's result, at
// c.ScannedAt, and removes the marks in f.Clear, in one transaction, unless
// checkFence refuses it (ErrUsageMoved).
func (db *DB) SetUsage(ctx context.Context, accountID int64, c hosting.UsageCounts, f hosting.UsageFence) error {
	return db.writeData(ctx, func(tx *tx) error {
		if err := checkFence(ctx, tx, accountID, f); err != nil {
			return err
		}
		// The marks go before the counts change: ChangeUsage locks a
		// fenced change's mark before the counts too.
		if err := clearMarks(ctx, tx, f.Clear); err != nil {
			return err
		}
		for dir, used := range c.Dirs {
			_, err := tx.exec(ctx, `INSERT INTO disk_usage (account_id, dir, used_bytes, scanned_at)
				SELECT id, CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT) FROM accounts WHERE id = ?
				ON CONFLICT (account_id, dir) DO UPDATE SET used_bytes = excluded.used_bytes, scanned_at = excluded.scanned_at`,
				dir, max(used, 0), c.ScannedAt.Unix(), accountID)
			if err != nil {
				return convert(err, fmt.Sprintf("set usage of account %d", accountID), on{})
			}
		}
		for id, used := range c.FTP {
			_, err := tx.exec(ctx, `UPDATE ftp_accounts SET used_bytes = ? WHERE id = ? AND account_id = ?`,
				max(used, 0), id, accountID)
			if err != nil {
				return convert(err, fmt.Sprintf("set usage of ftp account %d", id), on{})
			}
		}
		return nil
	})
}

// clearMarks removes marks with the temporary files recorded under them.
func clearMarks(ctx context.Context, tx *tx, marks []hosting.UsageMark) error {
	for _, m := range marks {
		for _, table := range []string{"usage_marks", "usage_temp_files"} {
			_, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE node_id = ? AND account_id = ?`, m.Node, m.AccountID)
			if err != nil {
				return convert(err, fmt.Sprintf("clear usage mark of account %d", m.AccountID), on{})
			}
		}
	}
	return nil
}

// StaleUsageMarks returns the marks of the nodes other than self that are
// not live: no row in nodes, or a heartbeat older than liveSince.
func (db *DB) StaleUsageMarks(ctx context.Context, self int64, liveSince time.Time) ([]hosting.UsageMark, error) {
	return read(ctx, db, func(tx *tx) ([]hosting.UsageMark, error) {
		rows, err := tx.query(ctx, `SELECT m.node_id, m.account_id FROM usage_marks m
			WHERE m.node_id <> ? AND NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id = m.node_id AND n.heartbeat >= ?)
			ORDER BY m.account_id, m.node_id`, self, liveSince.Unix())
		if err != nil {
			return nil, convert(err, "list usage marks", on{})
		}
		defer rows.Close()
		var out []hosting.UsageMark
		for rows.Next() {
			var m hosting.UsageMark
			if err := rows.Scan(&m.Node, &m.AccountID); err != nil {
				return nil, convert(err, "list usage marks", on{})
			}
			out = append(out, m)
		}
		return out, convert(rows.Err(), "list usage marks", on{})
	})
}

// markTempFile records the change's temporary file under its node's
// mark.
func markTempFile(ctx context.Context, tx *tx, c hosting.UsageChange) error {
	if c.TempFile == "" {
		return nil
	}
	_, err := tx.exec(ctx, `INSERT INTO usage_temp_files (node_id, account_id, path)
		SELECT CAST(? AS BIGINT), id, CAST(? AS TEXT) FROM accounts WHERE id = ?
		ON CONFLICT (node_id, account_id, path) DO NOTHING`, c.Node, c.TempFile, c.Scope.AccountID)
	return convert(err, fmt.Sprintf("record temporary file of account %d", c.Scope.AccountID), on{})
}

// forgetTempFiles removes the records of the change's finished temporary
// files, one prepared statement each.
func forgetTempFiles(ctx context.Context, tx *tx, c hosting.UsageChange) error {
	for _, p := range c.ForgetTempFiles {
		_, err := tx.exec(ctx, `DELETE FROM usage_temp_files WHERE node_id = ? AND account_id = ? AND path = ?`,
			c.Node, c.Scope.AccountID, p)
		if err != nil {
			return convert(err, fmt.Sprintf("forget temporary file of account %d", c.Scope.AccountID), on{})
		}
	}
	return nil
}

// UsageTempFiles returns the temporary files recorded with marks, in
// path order.
func (db *DB) UsageTempFiles(ctx context.Context, marks []hosting.UsageMark) ([]string, error) {
	return read(ctx, db, func(tx *tx) ([]string, error) {
		var out []string
		for _, m := range marks {
			rows, err := tx.query(ctx, `SELECT path FROM usage_temp_files WHERE node_id = ? AND account_id = ?
				ORDER BY path`, m.Node, m.AccountID)
			if err != nil {
				return nil, convert(err, "list temporary files", on{})
			}
			for rows.Next() {
				var p string
				if err := rows.Scan(&p); err != nil {
					rows.Close()
					return nil, convert(err, "list temporary files", on{})
				}
				out = append(out, p)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, convert(err, "list temporary files", on{})
			}
		}
		return out, nil
	})
}

// UnscannedAccounts returns the ids of the accounts whose home count was
// never set by a rescan, in id order.
func (db *DB) UnscannedAccounts(ctx context.Context) ([]int64, error) {
	return read(ctx, db, func(tx *tx) ([]int64, error) {
		rows, err := tx.query(ctx, `SELECT a.id FROM accounts a WHERE NOT EXISTS
			(SELECT 1 FROM disk_usage d WHERE d.account_id = a.id AND d.dir = '' AND d.scanned_at > 0) ORDER BY a.id`)
		if err != nil {
			return nil, convert(err, "list unscanned accounts", on{})
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, convert(err, "list unscanned accounts", on{})
			}
			out = append(out, id)
		}
		return out, convert(rows.Err(), "list unscanned accounts", on{})
	})
}

// HomeUsage returns the home counts of the accounts in ids in one query:
// by id for one account, else every home's count filtered here, so that
// the query holds no list of ids as long as the number of accounts.
func (db *DB) HomeUsage(ctx context.Context, ids []int64) (map[int64]hosting.HomeUsage, error) {
	return read(ctx, db, func(tx *tx) (map[int64]hosting.HomeUsage, error) {
		q, args := `SELECT account_id, used_bytes, scanned_at FROM disk_usage WHERE dir = ?`, []any{hosting.UsageHome}
		if len(ids) == 1 {
			q, args = q+` AND account_id = ?`, append(args, ids[0])
		}
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return nil, convert(err, "read home usage", on{})
		}
		defer rows.Close()
		want := make(map[int64]bool, len(ids))
		for _, id := range ids {
			want[id] = true
		}
		out := make(map[int64]hosting.HomeUsage, len(ids))
		for rows.Next() {
			var id, used, at int64
			if err := rows.Scan(&id, &used, &at); err != nil {
				return nil, convert(err, "read home usage", on{})
			}
			if want[id] {
				out[id] = hosting.HomeUsage{Used: used, Scanned: at > 0}
			}
		}
		return out, convert(rows.Err(), "read home usage", on{})
	})
}

var _ hosting.UsageStore = (*DB)(nil)
