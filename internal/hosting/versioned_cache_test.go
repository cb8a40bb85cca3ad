package hosting_test

import (
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// TestVersionedCache checks when a kept value is used: only at the version
// it was read at, within the TTL, for its own key, and only if no change
// committed while it was read.
func TestVersionedCache(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_700_000_000, 0)
	type cache = hosting.VersionedCache[int64, string]
	tests := []struct {
		name    string
		put     func(c *cache)
		key     int64
		version uint64
		now     time.Time
		want    string // "": a miss
	}{
		{"hit", func(c *cache) { c.Put(1, "a", 7, 7, t0) }, 1, 7, t0.Add(time.Second), "a"},
		{"another key", func(c *cache) { c.Put(1, "a", 7, 7, t0) }, 2, 7, t0, ""},
		{"a change since", func(c *cache) { c.Put(1, "a", 7, 7, t0) }, 1, 8, t0, ""},
		{"a change during the read", func(c *cache) { c.Put(1, "a", 7, 8, t0) }, 1, 7, t0, ""},
		{"TTL over", func(c *cache) { c.Put(1, "a", 7, 7, t0) }, 1, 7, t0.Add(time.Minute), ""},
		{"full: starts over", func(c *cache) {
			c.Put(1, "a", 7, 7, t0)
			c.Put(2, "b", 7, 7, t0)
			c.Put(3, "c", 7, 7, t0)
		}, 1, 7, t0, ""},
		{"the last one kept when full", func(c *cache) {
			c.Put(1, "a", 7, 7, t0)
			c.Put(2, "b", 7, 7, t0)
			c.Put(3, "c", 7, 7, t0)
		}, 3, 7, t0, "c"},
		{"entries of an older version are gone", func(c *cache) {
			c.Put(1, "a", 7, 7, t0)
			c.Get(2, 8, t0)
		}, 1, 7, t0, ""},
		{"a late put of an older version empties the newer", func(c *cache) {
			c.Put(2, "b", 8, 8, t0)
			c.Put(1, "a", 7, 7, t0)
		}, 2, 8, t0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := hosting.NewVersionedCache[int64, string](time.Minute, 2)
			tt.put(c)
			got, hit := c.Get(tt.key, tt.version, tt.now)
			if hit != (tt.want != "") || got != tt.want {
				t.Fatalf("Get = %q, %v; want %q", got, hit, tt.want)
			}
		})
	}
}
