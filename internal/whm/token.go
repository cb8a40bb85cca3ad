package whm

import (
	"context"
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// apiTokenCreate makes an operator token; the answer is the only place
// its secret ever appears.
func (s *Server) apiTokenCreate(ctx context.Context, a *args) (reply, error) {
	name := a.required("token_name")
	expires := a.unixTime("expires_at")
	for _, acl := range a.numbered("acl") {
		if acl != "all" {
			a.bad("acl", "uapid's operator tokens hold every privilege: leave acl out or use acl=all.")
			break
		}
	}
	if len(a.numbered("whitelist_ip")) > 0 {
		a.bad("whitelist_ip", "uapid does not bind tokens to addresses; restrict port 2087 with a firewall.")
	}
	if err := a.err(); err != nil {
		return reply{}, err
	}
	secret, t, err := s.accounts.CreateOperatorToken(ctx, name, expires)
	if err != nil {
		return reply{}, err
	}
	data := tokenView(t)
	data["token"] = secret
	data["acls"] = []string{"all"}
	return reply{data: data}, nil
}

// apiTokenList lists operator tokens by name (never their secrets).
func (s *Server) apiTokenList(ctx context.Context, _ *args) (reply, error) {
	ts, err := s.accounts.ListOperatorTokens(ctx)
	if err != nil {
		return reply{}, err
	}
	out := map[string]any{}
	for _, t := range ts {
		out[t.Name] = tokenView(t)
	}
	return reply{data: map[string]any{"tokens": out}}, nil
}

func tokenView(t *hosting.OperatorToken) map[string]any {
	v := map[string]any{"name": t.Name, "create_time": t.CreatedAt.Unix(), "expires_at": nil,
		"acls": map[string]int{"all": 1}}
	if t.ExpiresAt != nil {
		v["expires_at"] = t.ExpiresAt.Unix()
	}
	return v
}

// apiTokenRevoke revokes the tokens named token_name (or token_name-1, …).
func (s *Server) apiTokenRevoke(ctx context.Context, a *args) (reply, error) {
	names := a.numbered("token_name")
	if len(names) == 0 || strings.TrimSpace(names[0]) == "" {
		a.required("token_name")
	}
	if err := a.err(); err != nil {
		return reply{}, err
	}
	for _, n := range names {
		if err := s.accounts.RevokeOperatorToken(ctx, n); err != nil {
			return reply{}, err
		}
	}
	return reply{reason: fmt.Sprintf("Revoked %d API token(s).", len(names))}, nil
}
