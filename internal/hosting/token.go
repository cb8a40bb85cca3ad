package hosting

import (
	"context"
	"time"
)

// Token is an API token. Only a hash of the secret is ever stored.
type Token struct {
	ID         int64
	AccountID  int64
	Name       string
	Hash       string // hex SHA-256 of the secret
	CreatedAt  time.Time
	ExpiresAt  *time.Time // nil: never expires
	FullAccess bool
	Features   []string // limited tokens only; empty for full access
}

// Expired reports whether the token has an expiry that lies before now.
func (t *Token) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// TokenStore persists API tokens of hosting accounts.
type TokenStore interface {
	// CreateToken inserts t and sets t.ID. Returns ECONFLICT if the account
	// already has a token of that name.
	CreateToken(ctx context.Context, t *Token) error
	// FindTokenByHash returns the account's token with that hash, or ENOTFOUND.
	FindTokenByHash(ctx context.Context, accountID int64, hash string) (*Token, error)
	// ListTokens returns the account's tokens ordered by name.
	ListTokens(ctx context.Context, accountID int64) ([]*Token, error)
	// RenameToken renames a token. Returns ENOTFOUND or ECONFLICT.
	RenameToken(ctx context.Context, accountID int64, name, newName string) error
	// DeleteToken removes a token and reports whether it existed.
	DeleteToken(ctx context.Context, accountID int64, name string) (bool, error)
}
