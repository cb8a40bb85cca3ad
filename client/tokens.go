package client

import (
	"context"
	"time"
)

// TokensModule calls the Tokens module: the account's API tokens.
type TokensModule struct{ c *Client }

// Tokens returns the Tokens module's methods.
func (c *Client) Tokens() TokensModule { return TokensModule{c} }

// NewToken is the data of Tokens::create_full_access. Token is the secret,
// which the server shows only this once.
type NewToken struct {
	CreateTime int64  `json:"create_time"`
	Token      string `json:"token"`
}

// APIToken is one record of Tokens::list; it never holds the secret.
type APIToken struct {
	Name       string `json:"name"`
	CreateTime int64  `json:"create_time"`
	// ExpiresAt is the Unix time the token stops working; nil for never.
	ExpiresAt     *int64   `json:"expires_at"`
	HasFullAccess int      `json:"has_full_access"`
	Features      []string `json:"features"`
}

// CreateFullAccess runs Tokens::create_full_access: a new token with full
// access, named name (letters, digits, "-" and "_"), which stops working at
// expiresAt (the zero time: never). A name in use is an *Error.
func (m TokensModule) CreateFullAccess(ctx context.Context, name string, expiresAt time.Time) (*NewToken, error) {
	f := form{}
	f.always("name", name)
	f.optTime("expires_at", expiresAt)
	var out NewToken
	if err := m.c.CallInto(ctx, "Tokens", "create_full_access", f.values(), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// List runs Tokens::list.
func (m TokensModule) List(ctx context.Context) ([]APIToken, error) {
	var out []APIToken
	err := m.c.CallInto(ctx, "Tokens", "list", nil, &out)
	return out, err
}

// Rename runs Tokens::rename. An unknown name or a newName in use is an
// *Error.
func (m TokensModule) Rename(ctx context.Context, name, newName string) error {
	f := form{}
	f.always("name", name)
	f.always("new_name", newName)
	return m.c.CallInto(ctx, "Tokens", "rename", f.values(), nil)
}

// Revoke runs Tokens::revoke. Revoking a name that no token has succeeds
// too: cPanel documents data 1 for "removed or doesn't exist", and uapid
// answers so (with a note in the result's messages). Some cPanel servers
// are reported to answer 0 for a missing name instead; either is success.
func (m TokensModule) Revoke(ctx context.Context, name string) error {
	f := form{}
	f.always("name", name)
	return m.c.CallInto(ctx, "Tokens", "revoke", f.values(), nil)
}
