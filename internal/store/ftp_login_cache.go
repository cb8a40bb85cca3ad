package store

import (
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
// per call, docs/benchmarks.md). It follows the rule of the API-token cache
// (internal/auth), through the same hosting.VersionedCache: an answer is
// used only while the store's credentials version is the one read before
// the query that made it, and only where that version is trusted (SQLite,
// where this process makes every change). Every write that may create,
// change or delete an FTP login, an account or a domain changes the version
// (write, not writeData), so an answer never outlives such a change once it
// has returned. The TTL bounds what an edit of the database file behind the
// store's back can leave visible. Entries are keyed by account id; the
// slices are copied in and out (ListFTPLogins) and never changed once kept.
type loginCache = hosting.VersionedCache[int64, []hosting.FTPLogin]

func newLoginCache(ttl time.Duration, max int) *loginCache {
	return hosting.NewVersionedCache[int64, []hosting.FTPLogin](ttl, max)
}
