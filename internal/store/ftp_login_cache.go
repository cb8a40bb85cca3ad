package store

import (
	"slices"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// Bounds of the FTP login cache: an answer is used for at most
// loginCacheTTL, and at most loginCacheMax accounts' answers are kept.
const (
	loginCacheTTL = 10 * time.Second
	loginCacheMax = 10000
)

// loginCache remembers ListFTPLogins' answer per account, so that a panel
// polling list_ftp does not step SQLite through every login's columns on
// every call (with 50 API clients that read was a fifth of the server's CPU
// per call and its longest waits, docs/benchmarks.md). It follows the rule
// of the API-token cache (internal/auth): an answer is used only while the
// store's credentials version is the one read before the query that made
// it, and only where that version is trusted (SQLite, where this process
// makes every change). Every write that may create, change or delete an FTP
// login, an account or a domain changes the version (write, not writeData),
// so an answer never outlives such a change once it has returned. The TTL
// bounds what an edit of the database file behind the store's back can
// leave visible. Entries are keyed by account id and copied in and out.
type loginCache struct {
	ttl time.Duration
	max int

	mu      sync.Mutex
	version uint64 // the credentials version the entries were read at
	entries map[int64]loginEntry
}

type loginEntry struct {
	logins []hosting.FTPLogin
	until  time.Time // end of the TTL
}

func newLoginCache(ttl time.Duration, max int) *loginCache {
	return &loginCache{ttl: ttl, max: max, entries: make(map[int64]loginEntry)}
}

// lookup returns a copy of the account's logins read at version, if a
// fresh one is kept. The copy is made after the lock is released (an
// entry's slice is never changed once added), so that 50 API clients do not
// queue behind each other's allocations.
func (c *loginCache) lookup(accountID int64, version uint64, now time.Time) ([]hosting.FTPLogin, bool) {
	c.mu.Lock()
	if version != c.version {
		clear(c.entries)
		c.version = version
	}
	e, hit := c.entries[accountID]
	c.mu.Unlock()
	if !hit || !now.Before(e.until) {
		return nil, false
	}
	return slices.Clone(e.logins), true
}

// add records logins read after lookup saw version; current is the version
// after the read. If they differ, a write may have committed meanwhile and
// the read may predate it, so nothing is recorded. When full, the cache
// starts over rather than tracking recency: a miss costs one query.
func (c *loginCache) add(accountID int64, version, current uint64, logins []hosting.FTPLogin, now time.Time) {
	if current != version {
		return
	}
	e := loginEntry{logins: slices.Clone(logins), until: now.Add(c.ttl)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		clear(c.entries)
		c.version = version
	}
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[accountID] = e
}
