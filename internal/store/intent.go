package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateIntent stores in and sets in.CreatedAt. Returns ECONFLICT if the id
// is taken.
func (db *DB) CreateIntent(ctx context.Context, in *hosting.Intent) error {
	return db.write(ctx, func(tx *tx) error { return insertIntent(ctx, tx, in) })
}

// UpdateIntent replaces the data of intent id. Returns ENOTFOUND.
func (db *DB) UpdateIntent(ctx context.Context, id string, data []byte) error {
	return db.write(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `UPDATE intents SET data = ? WHERE id = ?`, string(data), id)
		if err != nil {
			return convert(err, fmt.Sprintf("update intent %s", id), on{})
		} else if n == 0 {
			return intentNotFound(id)
		}
		return nil
	})
}

// DeleteIntent removes intent id; a missing one is no error, so that a
// repair and the change it repairs may both finish it.
func (db *DB) DeleteIntent(ctx context.Context, id string) error {
	return db.write(ctx, func(tx *tx) error { return deleteIntent(ctx, tx, id) })
}

// ClaimIntent makes to the owner of intent id if from owns it, and reports
// whether it did.
func (db *DB) ClaimIntent(ctx context.Context, id, from, to string) (bool, error) {
	var n int64
	err := db.write(ctx, func(tx *tx) error {
		var err error
		n, err = tx.exec(ctx, `UPDATE intents SET owner = ? WHERE id = ? AND owner = ?`, to, id, from)
		return convert(err, fmt.Sprintf("claim intent %s", id), on{})
	})
	return n == 1, err
}

// ListIntents returns at most limit intents, oldest first, with OwnerLive
// set when a node of the owner's name has a heartbeat at or after
// liveSince.
func (db *DB) ListIntents(ctx context.Context, liveSince time.Time, limit int) ([]*hosting.Intent, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.Intent, error) {
		rows, err := tx.query(ctx, `SELECT i.id, i.kind, i.account_id, i.owner, i.data, i.created_at,
			EXISTS (SELECT 1 FROM nodes n WHERE n.name = i.owner AND n.heartbeat >= ?)
			FROM intents i ORDER BY i.created_at, i.id LIMIT ?`, liveSince.Unix(), limit)
		if err != nil {
			return nil, convert(err, "list intents", on{})
		}
		defer rows.Close()
		var out []*hosting.Intent
		for rows.Next() {
			var in hosting.Intent
			var data string
			var created int64
			if err := rows.Scan(&in.ID, &in.Kind, &in.AccountID, &in.Owner, &data, &created, &in.OwnerLive); err != nil {
				return nil, convert(err, "list intents", on{})
			}
			in.Data, in.CreatedAt = []byte(data), time.Unix(created, 0).UTC()
			out = append(out, &in)
		}
		return out, convert(rows.Err(), "list intents", on{})
	})
}

// withIntent runs f and, when in is not nil, stores in, in one
// transaction: the first step of a change and its intent commit together.
func (db *DB) withIntent(ctx context.Context, in *hosting.Intent, f func(*tx) error) error {
	return db.write(ctx, func(tx *tx) error {
		if err := f(tx); err != nil {
			return err
		}
		if in == nil {
			return nil
		}
		return insertIntent(ctx, tx, in)
	})
}

func insertIntent(ctx context.Context, tx *tx, in *hosting.Intent) error {
	created := orNow(in.CreatedAt)
	_, err := tx.exec(ctx, `INSERT INTO intents (id, kind, account_id, owner, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		in.ID, in.Kind, in.AccountID, in.Owner, string(in.Data), created.Unix())
	if err != nil {
		return convert(err, fmt.Sprintf("create intent %s", in.Kind), on{Conflict: fmt.Sprintf("The intent %s exists.", in.ID)})
	}
	in.CreatedAt = created
	return nil
}

func deleteIntent(ctx context.Context, tx *tx, id string) error {
	_, err := tx.exec(ctx, `DELETE FROM intents WHERE id = ?`, id)
	return convert(err, fmt.Sprintf("delete intent %s", id), on{})
}

func intentNotFound(id string) error {
	return notFound(fmt.Sprintf("The intent %s does not exist.", id))
}

// deleteByID deletes the row id of table and returns missing when there
// was none.
func deleteByID(ctx context.Context, tx *tx, table string, id int64, missing error) error {
	n, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE id = ?`, id)
	if err != nil {
		return convert(err, fmt.Sprintf("delete %s %d", table, id), on{})
	} else if n == 0 {
		return missing
	}
	return nil
}

// CreateSubaccountIntent is CreateSubaccount that stores in (nil: none) in
// the same transaction.
func (db *DB) CreateSubaccountIntent(ctx context.Context, s *hosting.Subaccount, in *hosting.Intent) error {
	return db.withIntent(ctx, in, func(tx *tx) error { return createSubaccount(ctx, tx, s) })
}

// DeleteSubaccountIntent is DeleteSubaccount that stores in (nil: none) in
// the same transaction.
func (db *DB) DeleteSubaccountIntent(ctx context.Context, id int64, in *hosting.Intent) error {
	return db.withIntent(ctx, in, func(tx *tx) error { return deleteByID(ctx, tx, "subaccounts", id, subNotFoundByID(id)) })
}

// DeleteFTPAccountIntent is DeleteFTPAccount that stores in (nil: none) in
// the same transaction.
func (db *DB) DeleteFTPAccountIntent(ctx context.Context, id int64, in *hosting.Intent) error {
	return db.withIntent(ctx, in, func(tx *tx) error { return deleteByID(ctx, tx, "ftp_accounts", id, ftpNotFoundByID(id)) })
}

// DeleteEmailAccountIntent is DeleteEmailAccount that stores in (nil: none)
// in the same transaction.
func (db *DB) DeleteEmailAccountIntent(ctx context.Context, id int64, in *hosting.Intent) error {
	return db.withIntent(ctx, in, func(tx *tx) error { return deleteByID(ctx, tx, "email_accounts", id, emailNotFoundByID(id)) })
}

// DeleteWebDiskAccountIntent is DeleteWebDiskAccount that stores in (nil:
// none) in the same transaction.
func (db *DB) DeleteWebDiskAccountIntent(ctx context.Context, id int64, in *hosting.Intent) error {
	return db.withIntent(ctx, in, func(tx *tx) error {
		return deleteByID(ctx, tx, "webdisk_accounts", id, webDiskNotFoundByID(id))
	})
}

// DeleteAccountIntent is DeleteAccount that stores in (nil: none) in the
// same transaction.
func (db *DB) DeleteAccountIntent(ctx context.Context, id int64, in *hosting.Intent) error {
	return db.withIntent(ctx, in, func(tx *tx) error { return deleteByID(ctx, tx, "accounts", id, accountNotFound(id)) })
}

// Interface guard.
var _ hosting.IntentStore = (*DB)(nil)
