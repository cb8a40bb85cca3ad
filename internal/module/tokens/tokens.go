// Package tokens is the UAPI Tokens module: an account's API tokens for the
// `Authorization: cpanel USER:TOKEN` header. A token's secret is returned
// once, by create_full_access; only its SHA-256 is stored.
package tokens

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// Module serves the Tokens functions.
type Module struct {
	store hosting.TokenStore
	now   func() time.Time
}

// New returns the module. now may be nil (time.Now).
func New(store hosting.TokenStore, now func() time.Time) *Module {
	if now == nil {
		now = time.Now
	}
	return &Module{store: store, now: now}
}

var tokenNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func checkTokenName(v string) error {
	if !tokenNameRE.MatchString(v) {
		return hosting.Errorf(hosting.EINVALID, "The name “%s” is invalid: use only letters, digits, dashes (-) and underscores (_).", v)
	}
	return nil
}

// Funcs returns the module's declarations for the registry.
func (m *Module) Funcs() []*uapi.Func {
	name := uapi.Param{Name: "name", Type: uapi.String, Required: true, MaxLen: 50, Check: checkTokenName,
		Doc: "The API token's name: letters, digits, dashes and underscores."}
	return []*uapi.Func{
		{Module: "Tokens", Name: "create_full_access", Feature: hosting.FeatureAPITokens, Returns: "object",
			Summary: "Create an API token with full access; the token is shown only here.",
			Params: []uapi.Param{name, {Name: "expires_at", Type: uapi.UnixTime,
				Doc: "When the token stops working (Unix time). Omit for a token that never expires. A time in the past makes a token that is already expired (with a warning)."}},
			Handler: m.createFullAccess},
		{Module: "Tokens", Name: "list", ReadOnly: true, Feature: hosting.FeatureAPITokens, Returns: "list",
			Summary: "List the account's API tokens (never their secrets).", Handler: m.list},
		{Module: "Tokens", Name: "rename", Feature: hosting.FeatureAPITokens, Returns: "null",
			Summary: "Rename an API token.",
			Params: []uapi.Param{{Name: "name", Type: uapi.String, Required: true, Doc: "The API token's name."},
				{Name: "new_name", Type: uapi.String, Required: true, MaxLen: 50, Check: checkTokenName,
					Doc: "The new name: letters, digits, dashes and underscores."}},
			Handler: m.rename},
		{Module: "Tokens", Name: "revoke", Feature: hosting.FeatureAPITokens, Returns: "integer",
			Summary: "Remove an API token; data is 1, also when no token has that name (then messages says so).",
			Params:  []uapi.Param{{Name: "name", Type: uapi.String, Required: true, Doc: "The API token to remove."}},
			Handler: m.revoke},
	}
}

type created struct {
	CreateTime int64  `json:"create_time"`
	Token      string `json:"token"`
}

func (m *Module) createFullAccess(ctx context.Context, c *uapi.Call) (any, error) {
	now := m.now()
	t := &hosting.Token{AccountID: c.Account.ID, Name: c.String("name"), CreatedAt: now, FullAccess: true}
	if c.Has("expires_at") {
		// cPanel's documentation does not refuse a past time, and its own
		// example (1609372800) is one: the token is made, already expired,
		// and stays until revoked, like any expired token. The warning says
		// why it will not authenticate.
		exp := time.Unix(c.Int("expires_at"), 0)
		if !exp.After(now) {
			c.AddWarning(fmt.Sprintf("The API token “%s” has already expired (expires_at %d is in the past): it cannot authenticate.", t.Name, exp.Unix()))
		}
		t.ExpiresAt = &exp
	}
	secret := auth.NewAPIToken()
	t.Hash = auth.HashSecret(secret)
	if err := m.store.CreateToken(ctx, t); err != nil {
		if hosting.ErrorCode(err) == hosting.ECONFLICT {
			return nil, hosting.Errorf(hosting.ECONFLICT, "An API token with the name “%s” already exists.", t.Name)
		}
		return nil, fmt.Errorf("tokens: create %q: %w", t.Name, err)
	}
	return created{CreateTime: now.Unix(), Token: secret}, nil
}

type listed struct {
	CreateTime    int64    `json:"create_time"`
	ExpiresAt     *int64   `json:"expires_at"`
	Features      []string `json:"features"`
	HasFullAccess int      `json:"has_full_access"`
	Name          string   `json:"name"`
}

func (m *Module) list(ctx context.Context, c *uapi.Call) (any, error) {
	ts, err := m.store.ListTokens(ctx, c.Account.ID)
	if err != nil {
		return nil, err
	}
	out := make([]listed, 0, len(ts))
	for _, t := range ts {
		l := listed{CreateTime: t.CreatedAt.Unix(), Features: t.Features, Name: t.Name}
		if l.Features == nil {
			l.Features = []string{}
		}
		if t.FullAccess {
			l.HasFullAccess = 1
		}
		if t.ExpiresAt != nil {
			exp := t.ExpiresAt.Unix()
			l.ExpiresAt = &exp
		}
		out = append(out, l)
	}
	return out, nil
}

func (m *Module) rename(ctx context.Context, c *uapi.Call) (any, error) {
	name, newName := c.String("name"), c.String("new_name")
	if name == newName {
		return nil, hosting.Errorf(hosting.EINVALID, "new_name must be a different value from name")
	}
	err := m.store.RenameToken(ctx, c.Account.ID, name, newName)
	switch hosting.ErrorCode(err) {
	case "":
		return nil, nil
	case hosting.ENOTFOUND:
		return nil, hosting.Errorf(hosting.ENOTFOUND, "The API token “%s” does not exist.", name)
	case hosting.ECONFLICT:
		return nil, hosting.Errorf(hosting.ECONFLICT, "An API token with the name “%s” already exists.", newName)
	}
	return nil, err
}

// revoke answers 1 whether or not a token had the name: cPanel documents
// data 1 for "removed or doesn't exist" and 0 for "not removed", so a
// script checking for 1 must not see a failure when the token is already
// gone. messages tells the two cases apart.
func (m *Module) revoke(ctx context.Context, c *uapi.Call) (any, error) {
	name := c.String("name")
	existed, err := m.store.DeleteToken(ctx, c.Account.ID, name)
	if err != nil {
		return nil, err
	}
	if !existed {
		c.AddMessage(fmt.Sprintf("The API token “%s” does not exist; there was nothing to revoke.", name))
	}
	return 1, nil
}
