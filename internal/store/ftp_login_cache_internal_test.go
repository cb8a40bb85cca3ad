package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// TestLoginCache checks when a cached ListFTPLogins answer is used: only at
// the version it was read at, within the TTL, for its own account, and only
// if no write committed while it was read.
func TestLoginCache(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_700_000_000, 0)
	alice := []hosting.FTPLogin{{ID: 1, User: "web", Domain: "alice.example", HomeDir: "web", QuotaMB: 5}}
	tests := []struct {
		name    string
		add     func(c *loginCache)
		account int64
		version uint64
		now     time.Time
		want    []hosting.FTPLogin // nil: a miss
	}{
		{"hit", func(c *loginCache) { c.add(1, 7, 7, alice, t0) }, 1, 7, t0.Add(time.Second), alice},
		{"no logins is an answer too", func(c *loginCache) { c.add(1, 7, 7, []hosting.FTPLogin{}, t0) }, 1, 7, t0,
			[]hosting.FTPLogin{}},
		{"another account", func(c *loginCache) { c.add(1, 7, 7, alice, t0) }, 2, 7, t0, nil},
		{"a write since", func(c *loginCache) { c.add(1, 7, 7, alice, t0) }, 1, 8, t0, nil},
		{"a write during the read", func(c *loginCache) { c.add(1, 7, 8, alice, t0) }, 1, 7, t0, nil},
		{"TTL over", func(c *loginCache) { c.add(1, 7, 7, alice, t0) }, 1, 7, t0.Add(time.Minute), nil},
		{"full: starts over", func(c *loginCache) {
			c.add(1, 7, 7, alice, t0)
			c.add(2, 7, 7, alice, t0)
			c.add(3, 7, 7, alice, t0)
		}, 1, 7, t0, nil},
		{"an entry older than the version is gone", func(c *loginCache) {
			c.add(1, 7, 7, alice, t0)
			c.lookup(2, 8, t0)
		}, 1, 7, t0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newLoginCache(time.Minute, 2)
			tt.add(c)
			got, hit := c.lookup(tt.account, tt.version, tt.now)
			if hit != (tt.want != nil) || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("lookup = %v, %v; want %v", got, hit, tt.want)
			}
		})
	}
}

// TestLoginCacheCopies checks that neither the slice given to add nor the
// one lookup returns shares memory with the cache.
func TestLoginCacheCopies(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_700_000_000, 0)
	c := newLoginCache(time.Minute, 10)
	in := []hosting.FTPLogin{{ID: 1, User: "web", Domain: "alice.example"}}
	c.add(1, 1, 1, in, t0)
	in[0].User = "changed"
	out, _ := c.lookup(1, 1, t0)
	out[0].Domain = "changed"
	if again, _ := c.lookup(1, 1, t0); again[0].User != "web" || again[0].Domain != "alice.example" {
		t.Fatalf("cached login changed through a caller's slice: %+v", again[0])
	}
}
