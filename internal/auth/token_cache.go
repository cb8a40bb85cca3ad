package auth

import (
	"slices"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// Bounds of the token cache: a verdict is used for at most tokenCacheTTL,
// and at most tokenCacheMax of them are kept (a few hundred bytes each).
const (
	tokenCacheTTL = time.Minute
	tokenCacheMax = 10000
)

// tokenCache remembers recent successful API-token checks, so that a client
// sending its token with every request does not cost two database reads
// (the account, the token) per request. It only works over a store that
// sees every change of accounts, domains and tokens
// (hosting.CredentialsVersioner): a verdict is used only while the store's
// version is the one read before the check that made it, so a revoked or
// renamed token, a suspended, changed or deleted account is checked against
// the database again from the moment the change returns. The TTL bounds
// what a change made behind the store's back (an edit of the database file)
// can leave valid. Failures are never cached: they are counted by the
// limiter each time.
type tokenCache struct {
	versions hosting.CredentialsVersioner // nil: no caching
	entries  *hosting.VersionedCache[tokenKey, tokenEntry]
}

// tokenKey is an account name and the hash of a token secret; the secret
// itself is not kept.
type tokenKey struct{ name, hash string }

type tokenEntry struct {
	acct    *hosting.Account // as Token returns it, narrowed to the token's features; never changed once kept
	expires *time.Time       // the token's own expiry; nil: never
}

func newTokenCache(versions hosting.CredentialsVersioner, ttl time.Duration, max int) *tokenCache {
	return &tokenCache{versions: versions, entries: hosting.NewVersionedCache[tokenKey, tokenEntry](ttl, max)}
}

// lookup returns a copy of the account a cached check of k found, or nil,
// and the store's version to pass to add after a check against the store.
// ok is false when nothing may be cached.
func (c *tokenCache) lookup(k tokenKey, now time.Time) (acct *hosting.Account, version uint64, ok bool) {
	if c.versions == nil {
		return nil, 0, false
	}
	version, ok = c.versions.CredentialsVersion()
	if !ok {
		return nil, 0, false
	}
	e, hit := c.entries.Get(k, version, now)
	if !hit || (e.expires != nil && !now.Before(*e.expires)) {
		return nil, version, true
	}
	return copyAccount(e.acct), version, true
}

// add records a successful check of k made after lookup returned version.
// If the store changed meanwhile, the check may have read the state before
// the change, and nothing is recorded.
func (c *tokenCache) add(k tokenKey, version uint64, acct *hosting.Account, expires *time.Time, now time.Time) {
	current, ok := c.versions.CredentialsVersion()
	if !ok {
		return
	}
	c.entries.Put(k, tokenEntry{acct: copyAccount(acct), expires: expires}, version, current, now)
}

// copyAccount returns a copy of a whose lists the caller may change without
// changing the cached account.
func copyAccount(a *hosting.Account) *hosting.Account {
	out := *a
	out.Domains, out.Features = slices.Clone(a.Domains), slices.Clone(a.Features)
	return &out
}
