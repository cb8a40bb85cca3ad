package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// OperatorUser is the one WHM user uapid knows: the server's operator,
// named as WHM names its administrator.
const OperatorUser = "root"

// ErrNoOperator means the authenticator was built without operator stores.
var ErrNoOperator = errors.New("operator authentication is not configured")

// operatorStores are what operator tokens and login tickets need; they are
// set by UseOperator so that New keeps its signature.
type operatorStores struct {
	tokens  hosting.OperatorTokenStore
	tickets hosting.LoginTicketStore
}

// UseOperator gives the authenticator the operator-token and login-ticket
// stores WHM API 1 needs. Call it before the authenticator is used.
func (a *Authenticator) UseOperator(tokens hosting.OperatorTokenStore, tickets hosting.LoginTicketStore) {
	a.operator = &operatorStores{tokens: tokens, tickets: tickets}
}

// Operator checks the credentials of `Authorization: whm USER:TOKEN`. Only
// an operator token of OperatorUser passes: account tokens and passwords
// are never looked at. Failures are counted as bad tokens, per remote
// address only: the secret has 186 bits, so guessing is hopeless, counting
// them against the name "root" would let anyone lock the billing system
// out, and password failures from the address must not either.
func (a *Authenticator) Operator(ctx context.Context, user, token, remote string) (*hosting.OperatorToken, error) {
	if a.operator == nil {
		return nil, ErrNoOperator
	}
	if ok, err := a.limit.TokenAllowed(ctx, remote); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	} else if !ok {
		return nil, ErrLimited
	}
	t, err := a.operator.tokens.FindOperatorTokenByHash(ctx, HashSecret(token))
	if err != nil && hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return nil, fmt.Errorf("auth: find operator token: %w", err)
	}
	switch {
	case t == nil || user != OperatorUser:
		return nil, a.tokenFailed(ctx, remote, ErrInvalid)
	case t.Expired(a.now()):
		return nil, a.tokenFailed(ctx, remote, ErrTokenExpired)
	}
	return t, nil
}

// IssueTicket makes a one-time login into acct's web session, valid for
// the session idle time. It returns the ticket secret (only its hash is
// stored) and the ticket, whose SecurityToken the session will carry.
func (a *Authenticator) IssueTicket(ctx context.Context, acct *hosting.Account) (string, *hosting.LoginTicket, error) {
	if a.operator == nil {
		return "", nil, ErrNoOperator
	}
	secret := randomString(64, sessionAlphabet)
	t := &hosting.LoginTicket{Hash: HashSecret(secret), AccountID: acct.ID,
		SecurityToken: newSecurityToken(), ExpiresAt: a.now().Add(a.cfg.SessionIdle)}
	if err := a.operator.tickets.CreateLoginTicket(ctx, t); err != nil {
		return "", nil, fmt.Errorf("auth: create login ticket: %w", err)
	}
	return secret, t, nil
}

// RedeemTicket takes the ticket that secret names, once, and opens the web
// session it promised: the account must be the one named, the URL's cpsess
// token the ticket's, and the account not suspended. It returns the new
// session and its cookie secret.
func (a *Authenticator) RedeemTicket(ctx context.Context, name, secret, securityToken, remote string) (*hosting.Account, *hosting.WebSession, string, error) {
	if a.operator == nil {
		return nil, nil, "", ErrNoOperator
	}
	if ok, err := a.limit.TokenAllowed(ctx, remote); err != nil {
		return nil, nil, "", fmt.Errorf("auth: %w", err)
	} else if !ok {
		return nil, nil, "", ErrLimited
	}
	t, err := a.operator.tickets.TakeLoginTicket(ctx, HashSecret(secret))
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, nil, "", a.tokenFailed(ctx, remote, ErrInvalid)
	} else if err != nil {
		return nil, nil, "", fmt.Errorf("auth: take login ticket: %w", err)
	}
	acct, err := a.accounts.FindAccountByID(ctx, t.AccountID)
	if err != nil {
		return nil, nil, "", fmt.Errorf("auth: ticket account: %w", err)
	}
	switch {
	case acct.Name != name || !password.Equal(strings.TrimPrefix(securityToken, "/"), t.SecurityToken):
		return nil, nil, "", a.tokenFailed(ctx, remote, ErrInvalid)
	case !a.now().Before(t.ExpiresAt):
		return nil, nil, "", ErrExpired
	case acct.Suspended:
		return nil, nil, "", ErrSuspended
	}
	s, cookie, err := a.openSession(ctx, acct, t.SecurityToken, remote, "login ticket")
	return acct, s, cookie, err
}

// sessionAlphabet is what cookie and ticket secrets are drawn from.
const sessionAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// openSession stores a web session for acct with the given cpsess token
// and returns it with its cookie secret. via names, in the log, how the
// account proved itself (a password, a login ticket).
func (a *Authenticator) openSession(ctx context.Context, acct *hosting.Account, securityToken, remote, via string) (*hosting.WebSession, string, error) {
	secret := randomString(40, sessionAlphabet)
	now := a.now()
	s := &hosting.WebSession{IDHash: HashSecret(secret), AccountID: acct.ID, SecurityToken: securityToken,
		CreatedAt: now, LastSeen: now, RemoteAddr: remote}
	if err := a.sessions.CreateSession(ctx, s); err != nil {
		return nil, "", fmt.Errorf("auth: create session: %w", err)
	}
	a.log.InfoContext(ctx, "session opened", "account", acct.Name, "remote", remote, "via", via)
	return s, secret, nil
}

// ExpireTickets deletes login tickets that were never used; the server
// runs it with ExpireIdle so the table does not grow without bound.
func (a *Authenticator) ExpireTickets(ctx context.Context) (int, error) {
	if a.operator == nil {
		return 0, nil
	}
	return a.operator.tickets.DeleteExpiredLoginTickets(ctx, a.now().Add(-time.Second))
}
