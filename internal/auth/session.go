package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// CookieName is the session cookie's name, as cPanel names it.
const CookieName = "cpsession"

// Login checks a name and password and opens a session. It returns the
// cookie secret (only its hash is stored) and the session with its cpsess
// security token.
func (a *Authenticator) Login(ctx context.Context, name, pass, remote string) (*hosting.Account, *hosting.WebSession, string, error) {
	acct, err := a.Password(ctx, name, pass, remote)
	if err != nil {
		return nil, nil, "", err
	}
	s, secret, err := a.openSession(ctx, acct, newSecurityToken(), remote, "password")
	if err != nil {
		return nil, nil, "", err
	}
	return acct, s, secret, nil
}

// newSecurityToken returns a fresh cpsess token, as cPanel forms it.
func newSecurityToken() string { return "cpsess" + randomString(10, "0123456789") }

// Session resolves a cookie secret and the cpsess token from the URL. The
// token must match the session's, so a page on another site cannot make the
// browser act (the token is the CSRF guard). It records the activity.
func (a *Authenticator) Session(ctx context.Context, cookie, securityToken string) (*hosting.Account, *hosting.WebSession, error) {
	if cookie == "" {
		return nil, nil, ErrInvalid
	}
	s, err := a.sessions.FindSession(ctx, HashSecret(cookie))
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, nil, ErrInvalid
	} else if err != nil {
		return nil, nil, fmt.Errorf("auth: find session: %w", err)
	}
	now := a.now()
	if now.Sub(s.LastSeen) > a.cfg.SessionIdle {
		_ = a.sessions.DeleteSession(ctx, s.IDHash)
		return nil, nil, ErrExpired
	}
	if !password.Equal(strings.TrimPrefix(securityToken, "/"), s.SecurityToken) {
		return nil, nil, ErrTokenDenied
	}
	acct, err := a.accounts.FindAccountByID(ctx, s.AccountID)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: session account: %w", err)
	}
	if acct.Suspended {
		return nil, nil, ErrSuspended
	}
	if err := a.sessions.TouchSession(ctx, s.IDHash, now); err != nil {
		return nil, nil, fmt.Errorf("auth: touch session: %w", err)
	}
	return acct, s, nil
}

// Logout ends the session of a cookie; an unknown cookie is not an error.
func (a *Authenticator) Logout(ctx context.Context, cookie string) error {
	if cookie == "" {
		return nil
	}
	return a.sessions.DeleteSession(ctx, HashSecret(cookie))
}

// ExpireIdle deletes sessions idle longer than the configured timeout; the
// server runs it periodically so the table does not grow without bound.
func (a *Authenticator) ExpireIdle(ctx context.Context) (int, error) {
	return a.sessions.DeleteIdleSessions(ctx, a.now().Add(-a.cfg.SessionIdle))
}
