package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/password"
)

// Failure reasons. Callers show the client one generic message for all of
// them; the reason goes to logs and metrics only.
var (
	ErrInvalid      = errors.New("invalid credentials")
	ErrLimited      = errors.New("too many failed logins")
	ErrSuspended    = errors.New("account suspended")
	ErrExpired      = errors.New("session expired")
	ErrTokenDenied  = errors.New("security token mismatch")
	ErrTokenExpired = errors.New("api token expired")
)

// Config tunes the authenticator.
type Config struct {
	SessionIdle time.Duration // a session unused this long is gone (cPanel: 15 min)
}

// Authenticator checks credentials against the stores.
type Authenticator struct {
	cfg      Config
	accounts hosting.AccountStore
	tokens   hosting.TokenStore
	sessions hosting.SessionStore
	limit    *limiter.Limiter
	log      *slog.Logger
	now      func() time.Time
	verified *verifiedCache
	operator *operatorStores // WHM API 1; nil until UseOperator
}

// New returns an authenticator. now may be nil (time.Now).
func New(cfg Config, accounts hosting.AccountStore, tokens hosting.TokenStore, sessions hosting.SessionStore,
	limit *limiter.Limiter, log *slog.Logger, now func() time.Time) *Authenticator {
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 15 * time.Minute
	}
	if now == nil {
		now = time.Now
	}
	return &Authenticator{cfg: cfg, accounts: accounts, tokens: tokens, sessions: sessions,
		limit: limit, log: log, now: now, verified: newVerifiedCache(time.Minute, 10000)}
}

// Password checks an account name and password (HTTP Basic, session login).
func (a *Authenticator) Password(ctx context.Context, name, pass, remote string) (*hosting.Account, error) {
	return a.guarded(ctx, name, remote, func(acct *hosting.Account) bool {
		now := a.now()
		if a.verified.hit(acct.PasswordHash, pass, now) {
			return true
		}
		if !password.Verify(acct.PasswordHash, pass) {
			return false
		}
		a.verified.add(acct.PasswordHash, pass, now)
		return true
	})
}

// Token checks an API token of the named account. A token without full
// access narrows the returned account's features to the token's, so the
// engine's feature gate enforces the token's limits.
func (a *Authenticator) Token(ctx context.Context, name, token, remote string) (*hosting.Account, error) {
	var found *hosting.Token
	acct, err := a.guarded(ctx, name, remote, func(acct *hosting.Account) bool {
		t, err := a.tokens.FindTokenByHash(ctx, acct.ID, HashSecret(token))
		if err != nil {
			return false
		}
		found = t
		return !t.Expired(a.now())
	})
	if errors.Is(err, ErrInvalid) && found != nil {
		return nil, ErrTokenExpired
	}
	if err == nil && !found.FullAccess {
		narrowed := *acct
		narrowed.Features = slices.DeleteFunc(slices.Clone(acct.Features), func(f string) bool {
			return !slices.Contains(found.Features, f)
		})
		acct = &narrowed
	}
	return acct, err
}

// guarded runs one credential check under the brute-force limiter. A
// missing account and a wrong secret are the same failure, and the check
// runs against a dummy hash for a missing account so timing tells nothing.
func (a *Authenticator) guarded(ctx context.Context, name, remote string, ok func(*hosting.Account) bool) (*hosting.Account, error) {
	if !a.limit.Allowed(remote, name) {
		return nil, ErrLimited
	}
	acct, err := a.accounts.FindAccountByName(ctx, name)
	if err != nil && hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return nil, fmt.Errorf("auth: find account %q: %w", name, err)
	}
	if acct == nil {
		password.Verify(dummyHash, name)
		a.limit.Failure(remote, name)
		return nil, ErrInvalid
	}
	if !ok(acct) {
		a.limit.Failure(remote, name)
		return nil, ErrInvalid
	}
	if acct.Suspended {
		return nil, ErrSuspended
	}
	a.limit.Success(name)
	return acct, nil
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
