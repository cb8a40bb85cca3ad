package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
)

// Failure reasons. Callers show the client one generic message for all of
// them; the reason goes to logs and metrics only. Each is a hosting.Error:
// EUNAUTHORIZED when the caller did not prove who they are, EFORBIDDEN
// when they did (or may not try now) and are refused all the same.
var (
	ErrInvalid      error = &hosting.Error{Code: hosting.EUNAUTHORIZED, Message: "invalid credentials"}
	ErrExpired      error = &hosting.Error{Code: hosting.EUNAUTHORIZED, Message: "session expired"}
	ErrTokenExpired error = &hosting.Error{Code: hosting.EUNAUTHORIZED, Message: "api token expired"}
	ErrLimited      error = &hosting.Error{Code: hosting.EFORBIDDEN, Message: "too many failed logins"}
	ErrSuspended    error = &hosting.Error{Code: hosting.EFORBIDDEN, Message: "account suspended"}
	ErrTokenDenied  error = &hosting.Error{Code: hosting.EFORBIDDEN, Message: "security token mismatch"}
)

// Config tunes the authenticator.
type Config struct {
	SessionIdle time.Duration // a session unused this long is gone (cPanel: 15 min)
}

// Stores are where the authenticator finds logins. FTP and WebDisk may be
// nil: then no user@domain logins of that protocol exist. Versions may be
// nil: then API-token checks are not cached.
type Stores struct {
	Accounts hosting.AccountStore
	Tokens   hosting.TokenStore
	Sessions hosting.SessionStore
	FTP      hosting.FTPAccountStore
	WebDisk  hosting.WebDiskAccountStore
	Versions hosting.CredentialsVersioner // tells when accounts and tokens changed
}

// Authenticator checks credentials against the stores, for every protocol.
type Authenticator struct {
	cfg      Config
	accounts hosting.AccountStore
	tokens   hosting.TokenStore
	sessions hosting.SessionStore
	ftp      hosting.FTPAccountStore
	webDisk  hosting.WebDiskAccountStore
	limit    *limiter.Limiter
	log      *slog.Logger
	now      func() time.Time
	verified *verifiedCache
	tokenOK  *tokenCache
	operator *operatorStores // WHM API 1; nil until UseOperator
}

// New returns an authenticator. now may be nil (time.Now).
func New(cfg Config, st Stores, limit *limiter.Limiter, log *slog.Logger, now func() time.Time) *Authenticator {
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 15 * time.Minute
	}
	if now == nil {
		now = time.Now
	}
	return &Authenticator{cfg: cfg, accounts: st.Accounts, tokens: st.Tokens, sessions: st.Sessions,
		ftp: st.FTP, webDisk: st.WebDisk, limit: limit, log: log, now: now,
		verified: newVerifiedCache(time.Minute, 10000), tokenOK: newTokenCache(st.Versions, tokenCacheTTL, tokenCacheMax)}
}

// Password checks a hosting account's name and password over HTTPS (Basic,
// session login) and returns the account.
func (a *Authenticator) Password(ctx context.Context, name, pass, remote string) (*hosting.Account, error) {
	p, err := a.Authenticate(ctx, HTTPS, name, pass, remote)
	if err != nil {
		return nil, err
	}
	return p.Account, nil
}

// Token checks an API token of the named account. A token without full
// access narrows the returned account's features to the token's, so the
// engine's feature gate enforces the token's limits. Bad tokens are counted
// per address, apart from password failures: guessing an account's
// password never refuses its tokens. A successful check is cached while the
// store reports no change of accounts or tokens (see tokenCache).
func (a *Authenticator) Token(ctx context.Context, name, token, remote string) (*hosting.Account, error) {
	name = NormaliseLogin(name)
	if name == "" || len(name) > MaxNameLen {
		return nil, a.tokenFailed(ctx, remote, ErrInvalid)
	}
	if ok, err := a.limit.TokenAllowed(ctx, remote); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	} else if !ok {
		return nil, ErrLimited
	}
	now, key := a.now(), tokenKey{name: name, hash: HashSecret(token)}
	cached, version, cacheable := a.tokenOK.lookup(key, now)
	if cached != nil {
		return cached, nil
	}
	acct, t, err := a.checkToken(ctx, key, remote, now)
	if err != nil {
		return nil, err
	}
	if cacheable {
		a.tokenOK.add(key, version, acct, t.ExpiresAt, now)
	}
	return acct, nil
}

// checkToken checks an API token against the store and returns the account
// as Token does, and the token.
func (a *Authenticator) checkToken(ctx context.Context, key tokenKey, remote string, now time.Time) (*hosting.Account, *hosting.Token, error) {
	acct, err := a.accounts.FindAccountByName(ctx, key.name)
	if err != nil && !isNotFound(err) {
		return nil, nil, fmt.Errorf("auth: find account %q: %w", key.name, err)
	}
	var id int64 // a missing account still costs the token lookup
	if acct != nil {
		id = acct.ID
	}
	t, err := a.tokens.FindTokenByHash(ctx, id, key.hash)
	switch {
	case err != nil && !isNotFound(err):
		return nil, nil, fmt.Errorf("auth: find token: %w", err)
	case acct == nil || err != nil:
		return nil, nil, a.tokenFailed(ctx, remote, ErrInvalid)
	case t.Expired(now):
		return nil, nil, a.tokenFailed(ctx, remote, ErrTokenExpired)
	case acct.Suspended:
		return nil, nil, ErrSuspended
	}
	return narrow(acct, t), t, nil
}

// tokenFailed counts a bad token from remote and returns reason.
func (a *Authenticator) tokenFailed(ctx context.Context, remote string, reason error) error {
	if err := a.limit.TokenFailure(ctx, remote); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return reason
}

// narrow returns acct with only the features a limited token grants.
func narrow(acct *hosting.Account, t *hosting.Token) *hosting.Account {
	if t.FullAccess {
		return acct
	}
	narrowed := *acct
	narrowed.Features = slices.DeleteFunc(slices.Clone(acct.Features), func(f string) bool {
		return !slices.Contains(t.Features, f)
	})
	return &narrowed
}

// dummyHash is verified against when the account does not exist, so that a
// login for a missing name costs what a wrong password costs.
const dummyHash = "$6$uapiddummysalt$jKPNQY092eOA58xGYhY145TTS98rLnZLu0bxjHW3XyMWX/ks3Aaec63HG.SVz2lU1ImcivU4EN3SfsyqncMLz/"

// HashSecret returns the stored form of a high-entropy secret (API token,
// session cookie): hex SHA-256. Such secrets need no slow hash.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// randomString returns n characters drawn uniformly from alphabet.
func randomString(n int, alphabet string) string {
	out := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range out {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		out[i] = alphabet[k.Int64()]
	}
	return string(out)
}

// NewAPIToken returns a fresh token in cPanel's form: 32 characters of A-Z0-9.
func NewAPIToken() string { return randomString(32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") }
