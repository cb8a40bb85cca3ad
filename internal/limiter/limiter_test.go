package limiter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/store"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var testConfig = limiter.Config{
	PerAddress: limiter.Rule{MaxFailures: 3, Window: time.Minute, Block: 10 * time.Minute},
	PerAccount: limiter.Rule{MaxFailures: 5, Window: time.Minute, Block: 10 * time.Minute},
	PerToken:   limiter.Rule{MaxFailures: 4, Window: time.Minute, Block: 10 * time.Minute},
}

// backends are the places counts live: memory (one node), and the store
// on PostgreSQL (every node) and on SQLite, which must behave alike.
var backends = []struct {
	name string
	open func(tb testing.TB) hosting.LoginFailureStore // nil: memory
}{
	{"memory", nil},
	{"sqlite", func(tb testing.TB) hosting.LoginFailureStore { return fixture.Store(tb) }},
	{"postgres", func(tb testing.TB) hosting.LoginFailureStore { return mustPostgres(tb) }},
}

func mustPostgres(tb testing.TB) *store.DB {
	tb.Helper()
	dsn := fixture.PostgresDSN(tb, "the shared limiter")
	db, err := store.Open(context.Background(), dsn, fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// forEach runs f on a fresh limiter of every backend.
func forEach(t *testing.T, f func(t *testing.T, l *limiter.Limiter, c *clock)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{t: time.Unix(1_700_000_000, 0)}
			if b.open == nil {
				f(t, limiter.New(testConfig, c.now), c)
				return
			}
			f(t, limiter.Shared(testConfig, b.open(t), c.now), c)
		})
	}
}

var ctx = context.Background()

func allowed(t *testing.T, l *limiter.Limiter, addr, identity string) bool {
	t.Helper()
	ok, err := l.Allowed(ctx, addr, identity)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func fail(t *testing.T, l *limiter.Limiter, addr, identity string) {
	t.Helper()
	if err := l.Failure(ctx, addr, identity); err != nil {
		t.Fatal(err)
	}
}

func TestAddressBlockedAfterFailures(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l *limiter.Limiter, c *clock) {
		for i := 0; i < 3; i++ {
			if !allowed(t, l, "10.0.0.1", "bob") {
				t.Fatalf("blocked after %d failures", i)
			}
			fail(t, l, "10.0.0.1", "bob")
		}
		if allowed(t, l, "10.0.0.1", "alice") {
			t.Error("address not blocked after 3 failures")
		}
		if !allowed(t, l, "10.0.0.2", "bob") {
			t.Error("another address is blocked for an account below its limit")
		}
		c.t = c.t.Add(11 * time.Minute)
		if !allowed(t, l, "10.0.0.1", "alice") {
			t.Error("block did not expire")
		}
	})
}

func TestAccountBlockedAcrossAddresses(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l *limiter.Limiter, _ *clock) {
		for i := 0; i < 5; i++ {
			fail(t, l, fmt.Sprintf("10.0.1.%d", i), "bob")
		}
		if allowed(t, l, "10.0.2.1", "bob") {
			t.Error("account not blocked after failures from many addresses")
		}
		if !allowed(t, l, "10.0.2.1", "alice") {
			t.Error("another account is blocked")
		}
	})
}

func TestWindowExpiresFailures(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l *limiter.Limiter, c *clock) {
		fail(t, l, "10.0.0.1", "")
		fail(t, l, "10.0.0.1", "")
		c.t = c.t.Add(2 * time.Minute)
		fail(t, l, "10.0.0.1", "")
		if !allowed(t, l, "10.0.0.1", "") {
			t.Error("failures outside the window counted")
		}
	})
}

func TestSuccessResetsAccountOnly(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l *limiter.Limiter, _ *clock) {
		for i := 0; i < 4; i++ {
			fail(t, l, fmt.Sprintf("10.0.3.%d", i), "bob")
		}
		if err := l.Success(ctx, "bob"); err != nil {
			t.Fatal(err)
		}
		fail(t, l, "10.0.4.1", "bob")
		if !allowed(t, l, "10.0.4.2", "bob") {
			t.Error("success did not reset the account's count")
		}
		fail(t, l, "10.9.9.9", "x")
		fail(t, l, "10.9.9.9", "y")
		_ = l.Success(ctx, "z")
		fail(t, l, "10.9.9.9", "z")
		if allowed(t, l, "10.9.9.9", "z") {
			t.Error("a success reset the address count")
		}
	})
}

func TestSuccessKeepsBlock(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l *limiter.Limiter, _ *clock) {
		for i := 0; i < 5; i++ {
			fail(t, l, fmt.Sprintf("10.0.5.%d", i), "bob")
		}
		_ = l.Success(ctx, "bob")
		if allowed(t, l, "10.0.6.1", "bob") {
			t.Error("a success lifted a block")
		}
	})
}

// TestTokensCountedApart: password failures never refuse tokens, and bad
// tokens block only token logins from their address.
func TestTokensCountedApart(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l *limiter.Limiter, _ *clock) {
		for i := 0; i < 5; i++ {
			fail(t, l, "10.0.7.1", "bob")
		}
		if ok, err := l.TokenAllowed(ctx, "10.0.7.1"); err != nil || !ok {
			t.Fatalf("password failures refused tokens: %v %v", ok, err)
		}
		for i := 0; i < 4; i++ {
			if err := l.TokenFailure(ctx, "10.0.8.1"); err != nil {
				t.Fatal(err)
			}
		}
		if ok, _ := l.TokenAllowed(ctx, "10.0.8.1"); ok {
			t.Error("address not blocked for tokens after 4 bad ones")
		}
		if ok, _ := l.TokenAllowed(ctx, "10.0.8.2"); !ok {
			t.Error("another address is blocked for tokens")
		}
		if !allowed(t, l, "10.0.8.1", "alice") {
			t.Error("bad tokens blocked password logins")
		}
	})
}

func TestPruneKeepsBlocked(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l *limiter.Limiter, c *clock) {
		for i := 0; i < 3; i++ {
			fail(t, l, "10.0.0.1", "")
		}
		for i := 0; i < 50; i++ {
			fail(t, l, fmt.Sprintf("192.0.2.%d", i), "")
		}
		c.t = c.t.Add(2 * time.Minute)
		fail(t, l, "192.0.2.200", "")
		n, err := l.Prune(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 50 {
			t.Errorf("pruned %d entries, want the 50 stale ones", n)
		}
		if allowed(t, l, "10.0.0.1", "") {
			t.Error("pruning dropped a live block")
		}
		fail(t, l, "192.0.2.200", "")
		fail(t, l, "192.0.2.200", "")
		if allowed(t, l, "192.0.2.200", "") {
			t.Error("pruning dropped a count within its window")
		}
	})
}

// TestMemoryBoundedUnderSpray: a spray of addresses does not grow memory
// without bound between two Prune calls, and keeps live blocks.
func TestMemoryBoundedUnderSpray(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	l := limiter.New(testConfig, c.now)
	for i := 0; i < 3; i++ {
		fail(t, l, "10.0.0.1", "")
	}
	for i := 0; i < 20000; i++ {
		fail(t, l, fmt.Sprintf("198.%d.%d.%d", i>>16, (i>>8)&255, i&255), "")
		c.t = c.t.Add(10 * time.Millisecond)
	}
	if allowed(t, l, "10.0.0.1", "") {
		t.Error("pruning on growth dropped a live block")
	}
	n, _ := l.Prune(ctx)
	if n > 8192 {
		t.Errorf("Prune found %d stale entries: growth was not bounded", n)
	}
}

// TestIPv6CountedPerSlash64: one IPv6 host holds a whole /64, so its
// addresses share one count, for passwords and tokens alike; another /64
// is apart.
func TestIPv6CountedPerSlash64(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l *limiter.Limiter, _ *clock) {
		for i := 0; i < 3; i++ {
			fail(t, l, fmt.Sprintf("2001:db8:1:2::%x", i+1), "")
		}
		if allowed(t, l, "2001:db8:1:2:ffff::9", "alice") {
			t.Error("a /64 not blocked after failures from 3 of its addresses")
		}
		if !allowed(t, l, "2001:db8:1:3::1", "alice") {
			t.Error("the next /64 is blocked")
		}
		for i := 0; i < 4; i++ {
			if err := l.TokenFailure(ctx, fmt.Sprintf("2001:db8:9:9::%x", i+1)); err != nil {
				t.Fatal(err)
			}
		}
		if ok, _ := l.TokenAllowed(ctx, "2001:db8:9:9::abcd"); ok {
			t.Error("a /64 not blocked for tokens after 4 bad ones from its addresses")
		}
	})
}

// TestSuccessWithNothingCounted: the common login, with no failure to
// forget, succeeds on every backend and counts nothing.
func TestSuccessWithNothingCounted(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, l *limiter.Limiter, _ *clock) {
		for range 3 {
			if err := l.Success(ctx, "carol"); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 4; i++ {
			fail(t, l, fmt.Sprintf("10.0.9.%d", i), "carol")
		}
		if !allowed(t, l, "10.0.9.9", "carol") {
			t.Error("blocked below the limit: a success counted as a failure")
		}
		fail(t, l, "10.0.9.5", "carol")
		if allowed(t, l, "10.0.9.9", "carol") {
			t.Error("not blocked at the limit")
		}
	})
}
