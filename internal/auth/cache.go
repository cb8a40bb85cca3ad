package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// verifiedCache remembers recent successful password checks so that HTTP
// Basic clients, which send the password with every request, do not pay a
// SHA512-crypt verification (milliseconds) each time. An entry is keyed by
// an HMAC, under a per-process random key, of the stored hash and the
// password: a password change alters the stored hash and so misses, and a
// memory dump yields no fast-to-crack digest of the password.
type verifiedCache struct {
	key []byte
	ttl time.Duration
	max int

	mu      sync.Mutex
	entries map[[32]byte]time.Time
}

func newVerifiedCache(ttl time.Duration, max int) *verifiedCache {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return &verifiedCache{key: key, ttl: ttl, max: max, entries: make(map[[32]byte]time.Time)}
}

func (c *verifiedCache) sum(hash, pass string) [32]byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(hash))
	m.Write([]byte{0})
	m.Write([]byte(pass))
	var out [32]byte
	copy(out[:], m.Sum(nil))
	return out
}

// hit reports whether hash and pass were verified within the TTL.
func (c *verifiedCache) hit(hash, pass string, now time.Time) bool {
	k := c.sum(hash, pass)
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.entries[k]
	return ok && now.Before(exp)
}

// add records a successful verification. When full, it starts over rather
// than tracking recency: a miss only costs one slow verification.
func (c *verifiedCache) add(hash, pass string, now time.Time) {
	k := c.sum(hash, pass)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[k] = now.Add(c.ttl)
}
