package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uapid/uapid/internal/hosting"
)

// FindProfile returns the account's profile, or an empty one when none is
// stored (the account's existence is not checked).
func (db *DB) FindProfile(ctx context.Context, accountID int64) (*hosting.AccountProfile, error) {
	return read(ctx, db, func(tx *tx) (*hosting.AccountProfile, error) {
		ps, err := findProfiles(ctx, tx, &accountID)
		if err != nil {
			return nil, err
		} else if p, ok := ps[accountID]; ok {
			return p, nil
		}
		return &hosting.AccountProfile{AccountID: accountID}, nil
	})
}

// ListProfiles returns every stored profile keyed by account id.
func (db *DB) ListProfiles(ctx context.Context) (map[int64]*hosting.AccountProfile, error) {
	return read(ctx, db, func(tx *tx) (map[int64]*hosting.AccountProfile, error) { return findProfiles(ctx, tx, nil) })
}

// SaveProfile stores p in place of the account's profile. Returns
// ENOTFOUND if the account does not exist.
func (db *DB) SaveProfile(ctx context.Context, p *hosting.AccountProfile) error {
	return db.write(ctx, func(tx *tx) error {
		_, err := tx.exec(ctx, `INSERT INTO account_profiles (account_id, contact_email, plan, suspend_reason, suspended_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET contact_email = excluded.contact_email, plan = excluded.plan,
				suspend_reason = excluded.suspend_reason, suspended_at = excluded.suspended_at`,
			p.AccountID, p.ContactEmail, p.Plan, p.SuspendReason, nullTime(p.SuspendedAt))
		return convert(err, fmt.Sprintf("save profile of account %d", p.AccountID),
			on{NotFound: accountNotFoundMsg(p.AccountID)})
	})
}

func findProfiles(ctx context.Context, tx *tx, accountID *int64) (map[int64]*hosting.AccountProfile, error) {
	query, args := `SELECT account_id, contact_email, plan, suspend_reason, suspended_at FROM account_profiles`, []any{}
	if accountID != nil {
		query, args = query+` WHERE account_id = ?`, append(args, *accountID)
	}
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, convert(err, "find account profiles", on{})
	}
	defer rows.Close()
	out := map[int64]*hosting.AccountProfile{}
	for rows.Next() {
		var p hosting.AccountProfile
		var suspended sql.NullInt64
		if err := rows.Scan(&p.AccountID, &p.ContactEmail, &p.Plan, &p.SuspendReason, &suspended); err != nil {
			return nil, convert(err, "scan account profile", on{})
		}
		p.SuspendedAt = timePtr(suspended)
		out[p.AccountID] = &p
	}
	return out, convert(rows.Err(), "find account profiles", on{})
}

// Interface guard.
var _ hosting.AccountProfileStore = (*DB)(nil)
