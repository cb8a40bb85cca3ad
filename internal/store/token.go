package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// CreateToken inserts t and sets t.ID, and t.CreatedAt when it is zero.
// Returns ECONFLICT if the account already has a token of that name and
// ENOTFOUND if the account does not exist.
func (db *DB) CreateToken(ctx context.Context, t *hosting.Token) error {
	return db.write(ctx, func(tx *tx) error { return createToken(ctx, tx, t) })
}

// FindTokenByHash returns the account's token with that hash, or ENOTFOUND.
func (db *DB) FindTokenByHash(ctx context.Context, accountID int64, hash string) (*hosting.Token, error) {
	return read(ctx, db, func(tx *tx) (*hosting.Token, error) {
		ts, err := findTokens(ctx, tx, tokenFilter{AccountID: accountID, Hash: &hash})
		if err != nil {
			return nil, err
		} else if len(ts) == 0 {
			return nil, notFound("The API token does not exist.")
		}
		return ts[0], nil
	})
}

// ListTokens returns the account's tokens ordered by name.
func (db *DB) ListTokens(ctx context.Context, accountID int64) ([]*hosting.Token, error) {
	return read(ctx, db, func(tx *tx) ([]*hosting.Token, error) { return findTokens(ctx, tx, tokenFilter{AccountID: accountID}) })
}

// RenameToken renames a token. Returns ENOTFOUND if the account has no
// token called name, ECONFLICT if it has one called newName.
func (db *DB) RenameToken(ctx context.Context, accountID int64, name, newName string) error {
	return db.write(ctx, func(tx *tx) error {
		n, err := tx.exec(ctx, `UPDATE api_tokens SET name = ? WHERE account_id = ? AND name = ?`,
			newName, accountID, name)
		if err != nil {
			return convert(err, fmt.Sprintf("rename token %q of account %d", name, accountID),
				on{Conflict: fmt.Sprintf("An API token named “%s” already exists.", newName)})
		} else if n == 0 {
			return tokenNotFound(name)
		}
		return nil
	})
}

// DeleteToken removes a token and reports whether it existed.
func (db *DB) DeleteToken(ctx context.Context, accountID int64, name string) (bool, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.rollback()
	n, err := tx.exec(ctx, `DELETE FROM api_tokens WHERE account_id = ? AND name = ?`, accountID, name)
	if err != nil {
		return false, convert(err, fmt.Sprintf("delete token %q of account %d", name, accountID), on{})
	}
	return n > 0, tx.commit()
}

func tokenNotFound(name string) error {
	return notFound(fmt.Sprintf("The API token “%s” does not exist.", name))
}

// tokenFilter selects tokens of one account; a nil field selects all.
type tokenFilter struct {
	AccountID int64
	Hash      *string
}

func createToken(ctx context.Context, tx *tx, t *hosting.Token) error {
	features, err := joinList("feature", t.Features)
	if err != nil {
		return err
	}
	created := orNow(t.CreatedAt)
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO api_tokens (account_id, name, hash, created_at, expires_at, full_access, features)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		t.AccountID, t.Name, t.Hash, created.Unix(), nullTime(t.ExpiresAt), t.FullAccess, features).Scan(&id)
	if err != nil {
		return convert(err, fmt.Sprintf("create token %q for account %d", t.Name, t.AccountID), on{
			NotFound: accountNotFoundMsg(t.AccountID),
			Conflict: fmt.Sprintf("An API token named “%s” already exists.", t.Name),
		})
	}
	t.ID, t.CreatedAt = id, created
	return nil
}

// findTokens returns the tokens f selects ordered by name.
func findTokens(ctx context.Context, tx *tx, f tokenFilter) ([]*hosting.Token, error) {
	query, args := `SELECT id, account_id, name, hash, created_at, expires_at, full_access, features
		FROM api_tokens WHERE account_id = ?`, []any{f.AccountID}
	if f.Hash != nil {
		query, args = query+` AND hash = ?`, append(args, *f.Hash)
	}
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, convert(err, fmt.Sprintf("find tokens of account %d", f.AccountID), on{})
	}
	defer rows.Close()
	ts := []*hosting.Token{}
	for rows.Next() {
		var t hosting.Token
		var created int64
		var expires sql.NullInt64
		var features string
		if err := rows.Scan(&t.ID, &t.AccountID, &t.Name, &t.Hash, &created, &expires, &t.FullAccess, &features); err != nil {
			return nil, convert(err, "scan token", on{})
		}
		t.CreatedAt, t.ExpiresAt, t.Features = unixTime(created), timePtr(expires), splitList(features)
		ts = append(ts, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, convert(err, fmt.Sprintf("find tokens of account %d", f.AccountID), on{})
	}
	// Byte order in Go: PostgreSQL's collation would otherwise differ from SQLite's.
	slices.SortFunc(ts, func(a, b *hosting.Token) int { return strings.Compare(a.Name, b.Name) })
	return ts, nil
}

// Interface guard.
var _ hosting.TokenStore = (*DB)(nil)
