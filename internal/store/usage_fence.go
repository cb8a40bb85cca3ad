package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// The usage counts of an account are shared by every node's leases and
// rescans (docs/cluster.md, "The shared FTP quota"). Two rules keep them
// right, both checked inside the transaction that writes:
//
//   - A rescan stores its counts only if no mark was taken on the account
//     since it read the mark generation before its walk, and no live node
//     but its own holds a mark (checkFence). Every mark moves the
//     generation on under the same row lock (addMark), so no lease can
//     have reserved, written or settled while the rescan walked.
//   - A change made under a mark carries the mark's epoch and applies only
//     while that very mark row is still there (fenceMark): a node taken
//     for dead, whose mark a repair removed, cannot settle stale pools
//     against the repaired counts.

// fenceMark checks, first in a change's transaction, that the change's
// mark is still the one taken at c.Epoch, and on PostgreSQL locks it until
// the change commits: a rescan that reclaims it either waits for this
// change or has removed it, and then the change is refused.
func fenceMark(ctx context.Context, tx *tx, c hosting.UsageChange) error {
	if c.Epoch == 0 {
		return nil
	}
	q := `SELECT epoch FROM usage_marks WHERE node_id = ? AND account_id = ?`
	if tx.dialect == DialectPostgres {
		q += ` FOR UPDATE`
	}
	var epoch int64
	err := tx.queryRow(ctx, q, c.Node, c.Scope.AccountID).Scan(&epoch)
	if errors.Is(err, sql.ErrNoRows) || err == nil && epoch != c.Epoch {
		return fmt.Errorf("store: usage change of account %d by node %d: %w", c.Scope.AccountID, c.Node, hosting.ErrMarkReclaimed)
	}
	return convert(err, fmt.Sprintf("check usage mark of account %d", c.Scope.AccountID), on{})
}

// addMark counts n changes begun by node on the account, moving the
// account's generation on, and returns the epoch of the node's mark (the
// generation its row was made at); 0 for a deleted account.
func addMark(ctx context.Context, tx *tx, node, accountID int64, n int) (int64, error) {
	var gen int64
	err := tx.queryRow(ctx, `INSERT INTO usage_generations (account_id, generation)
		SELECT id, 1 FROM accounts WHERE id = ?
		ON CONFLICT (account_id) DO UPDATE SET generation = usage_generations.generation + 1
		RETURNING generation`, accountID).Scan(&gen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // the account is gone
	} else if err != nil {
		return 0, err
	}
	var epoch int64
	err = tx.queryRow(ctx, `INSERT INTO usage_marks (node_id, account_id, changes, epoch)
		SELECT CAST(? AS BIGINT), id, CAST(? AS INTEGER), CAST(? AS BIGINT) FROM accounts WHERE id = ?
		ON CONFLICT (node_id, account_id) DO UPDATE SET changes = usage_marks.changes + excluded.changes
		RETURNING epoch`, node, n, gen, accountID).Scan(&epoch)
	return epoch, err
}

// checkFence refuses a rescan's counts (ErrUsageMoved) when the account's
// generation moved since f.Generation or a live node other than f.Self
// holds a mark on it. It locks the generation row first (making it if
// need be), so that no mark can be taken until the counts are stored.
func checkFence(ctx context.Context, tx *tx, accountID int64, f hosting.UsageFence) error {
	var gen int64
	err := tx.queryRow(ctx, `INSERT INTO usage_generations (account_id, generation)
		SELECT id, 0 FROM accounts WHERE id = ?
		ON CONFLICT (account_id) DO UPDATE SET generation = usage_generations.generation
		RETURNING generation`, accountID).Scan(&gen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // the account is gone: nothing will be stored
	} else if err != nil {
		return convert(err, fmt.Sprintf("lock usage generation of account %d", accountID), on{})
	}
	if gen != f.Generation {
		return fmt.Errorf("store: set usage of account %d: generation %d, walked at %d: %w", accountID, gen, f.Generation, hosting.ErrUsageMoved)
	}
	held, err := heldElsewhere(ctx, tx, accountID, f.Self, f.LiveSince)
	if err != nil {
		return err
	}
	if len(held) > 0 {
		return fmt.Errorf("store: set usage of account %d: nodes %v hold marks: %w", accountID, held, hosting.ErrUsageMoved)
	}
	return nil
}

// UsageHolders returns the account's mark generation and then the live
// nodes other than self with a mark on it. The generation is read first:
// on PostgreSQL each statement sees what was committed before it, so a
// mark missing from the list was either taken after the generation was
// read (and moved it) or was gone before the list was read.
func (db *DB) UsageHolders(ctx context.Context, accountID, self int64, liveSince time.Time) (int64, []int64, error) {
	type point struct {
		gen  int64
		held []int64
	}
	p, err := read(ctx, db, func(tx *tx) (point, error) {
		var p point
		err := tx.queryRow(ctx, `SELECT generation FROM usage_generations WHERE account_id = ?`, accountID).Scan(&p.gen)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return p, convert(err, fmt.Sprintf("read usage generation of account %d", accountID), on{})
		}
		p.held, err = heldElsewhere(ctx, tx, accountID, self, liveSince)
		return p, err
	})
	return p.gen, p.held, err
}

// heldElsewhere returns the live nodes other than self with a mark on the
// account, in order.
func heldElsewhere(ctx context.Context, tx *tx, accountID, self int64, liveSince time.Time) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT m.node_id FROM usage_marks m JOIN nodes n ON n.id = m.node_id
		WHERE m.account_id = ? AND m.node_id <> ? AND n.heartbeat >= ? ORDER BY m.node_id`,
		accountID, self, liveSince.Unix())
	if err != nil {
		return nil, convert(err, fmt.Sprintf("list usage marks of account %d", accountID), on{})
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, convert(err, fmt.Sprintf("list usage marks of account %d", accountID), on{})
		}
		out = append(out, id)
	}
	return out, convert(rows.Err(), fmt.Sprintf("list usage marks of account %d", accountID), on{})
}
