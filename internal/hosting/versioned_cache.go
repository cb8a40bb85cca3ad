package hosting

import (
	"sync"
	"time"
)

// VersionedCache keeps values read from a store while the store's
// credentials version (CredentialsVersioner) stays the one they were read
// at: the API-token verdicts of internal/auth and the FTP logins of
// list_ftp. A value is also dropped after the cache's TTL, which bounds what
// a change made behind the store's back can leave visible. When full, the
// cache starts over rather than tracking recency: a miss costs one read.
//
// Values are stored and returned as given: a caller whose values hold
// slices or pointers copies them in and out, outside the cache's mutex.
type VersionedCache[K comparable, V any] struct {
	ttl time.Duration
	max int

	mu      sync.Mutex
	version uint64 // the version the entries were read at
	entries map[K]versionedEntry[V]
}

type versionedEntry[V any] struct {
	value V
	until time.Time // end of the TTL
}

// NewVersionedCache returns an empty cache keeping values for ttl, at most
// max of them.
func NewVersionedCache[K comparable, V any](ttl time.Duration, max int) *VersionedCache[K, V] {
	return &VersionedCache[K, V]{ttl: ttl, max: max, entries: make(map[K]versionedEntry[V])}
}

// Get returns the value kept for k, if it was read at version (the store's
// current one) and its TTL has not run out. Entries of an older version are
// dropped.
func (c *VersionedCache[K, V]) Get(k K, version uint64, now time.Time) (V, bool) {
	c.mu.Lock()
	c.setVersion(version)
	e, hit := c.entries[k]
	c.mu.Unlock()
	if !hit || !now.Before(e.until) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Put keeps v for k. version is the store's version read before v was
// read, current the one read after: if they differ, a change may have
// committed meanwhile and v may predate it, so nothing is kept.
func (c *VersionedCache[K, V]) Put(k K, v V, version, current uint64, now time.Time) {
	if current != version {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setVersion(version)
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[k] = versionedEntry[V]{value: v, until: now.Add(c.ttl)}
}

// setVersion drops every entry when version is not the entries' own.
// Callers hold mu.
func (c *VersionedCache[K, V]) setVersion(version uint64) {
	if version != c.version {
		clear(c.entries)
		c.version = version
	}
}
