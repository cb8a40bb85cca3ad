package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateOperatorToken inserts t and sets t.ID, and t.CreatedAt when it is
// zero. Returns ECONFLICT if a token of that name exists.
func (db *DB) CreateOperatorToken(ctx context.Context, t *hosting.OperatorToken) error {
	return db.write(ctx, func(tx *tx) error {
		created := orNow(t.CreatedAt)
		err := tx.queryRow(ctx, `INSERT INTO operator_tokens (name, hash, created_at, expires_at)
			VALUES (?, ?, ?, ?) RETURNING id`, t.Name, t.Hash, created.Unix(), nullTime(t.ExpiresAt)).Scan(&t.ID)
		if err != nil {
			return convert(err, fmt.Sprintf("create operator token %q", t.Name),
				on{Conflict: fmt.Sprintf("An API token named “%s” already exists.", t.Name)})
		}
		t.CreatedAt = created
		return nil
	})
}

// FindOperatorTokenByHash returns the token with that hash, or ENOTFOUND.
func (db *DB) FindOperatorTokenByHash(ctx context.Context, hash string) (*hosting.OperatorToken, error) {
	return read(ctx, db, func(tx *tx) (*hosting.OperatorToken, error) {
		ts, err := findOperatorTokens(ctx, tx, &hash)
		if err != nil {
			return nil, err
		} else if len(ts) == 0 {
			return nil, notFound("The API token does not exist.")
		}
		return ts[0], nil
	})
}

// ListOperatorTokens returns every operator token ordered by name.
func (db *DB) ListOperatorTokens(ctx context.Context) ([]*hosting.OperatorToken, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.OperatorToken, error) { return findOperatorTokens(ctx, tx, nil) })
}

// DeleteOperatorToken removes a token and reports whether it existed.
func (db *DB) DeleteOperatorToken(ctx context.Context, name string) (bool, error) {
	var existed bool
	err := db.write(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `DELETE FROM operator_tokens WHERE name = ?`, name)
		existed = n > 0
		return convert(err, fmt.Sprintf("delete operator token %q", name), on{})
	})
	return existed, err
}

// findOperatorTokens returns the token with hash, or every token when hash
// is nil, ordered by name.
func findOperatorTokens(ctx context.Context, tx *tx, hash *string) ([]*hosting.OperatorToken, error) {
	query, args := `SELECT id, name, hash, created_at, expires_at FROM operator_tokens`, []any{}
	if hash != nil {
		query, args = query+` WHERE hash = ?`, append(args, *hash)
	}
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, convert(err, "find operator tokens", on{})
	}
	defer rows.Close()
	ts := []*hosting.OperatorToken{}
	for rows.Next() {
		var t hosting.OperatorToken
		var created int64
		var expires sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Name, &t.Hash, &created, &expires); err != nil {
			return nil, convert(err, "scan operator token", on{})
		}
		t.CreatedAt, t.ExpiresAt = unixTime(created), timePtr(expires)
		ts = append(ts, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, convert(err, "find operator tokens", on{})
	}
	sortByKey(ts, func(t *hosting.OperatorToken) string { return t.Name })
	return ts, nil
}

// Interface guard.
var _ hosting.OperatorTokenStore = (*DB)(nil)
