package auth_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
)

// countingAccounts counts the account lookups a token check makes, to tell
// a cached verdict from a fresh one.
type countingAccounts struct {
	hosting.AccountStore
	reads atomic.Int64
}

func (c *countingAccounts) FindAccountByName(ctx context.Context, name string) (*hosting.Account, error) {
	c.reads.Add(1)
	return c.AccountStore.FindAccountByName(ctx, name)
}

// versions is a CredentialsVersioner whose answer the test sets.
type versions struct {
	v  atomic.Uint64
	ok bool
}

func (v *versions) CredentialsVersion() (uint64, bool) { return v.v.Load(), v.ok }

// newCountingEnv is newEnv with the account lookups counted and, when ver
// is not nil, the store's versions replaced by ver.
func newCountingEnv(t *testing.T, ver hosting.CredentialsVersioner) (*env, *countingAccounts) {
	t.Helper()
	e := newEnv(t)
	st := fixture.AuthStores(e.db)
	counting := &countingAccounts{AccountStore: e.db}
	st.Accounts = counting
	if ver != nil {
		st.Versions = ver
	}
	e.au = auth.New(auth.Config{}, st, limiter.New(limiter.DefaultConfig(), nil), fixture.Logger(t),
		func() time.Time { return e.now })
	return e, counting
}

// mustTokenOK checks the token and returns how many account lookups the
// check made.
func mustTokenOK(t *testing.T, e *env, c *countingAccounts, secret string) int64 {
	t.Helper()
	before := c.reads.Load()
	a, err := e.au.Token(context.Background(), "carol", secret, "10.0.0.1")
	if err != nil || a.ID != e.acct.ID {
		t.Fatalf("good token: %v", err)
	}
	return c.reads.Load() - before
}

// TestTokenCacheFollowsChanges checks that every change that ends or
// narrows a token's access is seen by the very next check, although the
// check before it was served from the cache.
func TestTokenCacheFollowsChanges(t *testing.T) {
	t.Parallel()
	yes := true
	var quota int64 = 5
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, e *env) error
		want   error                                  // the next check's error; nil: success
		check  func(t *testing.T, a *hosting.Account) // of the next check's account, when it succeeds
	}{
		{"revoked", func(t *testing.T, e *env) error {
			_, err := e.db.DeleteToken(context.Background(), e.acct.ID, "live")
			return err
		}, auth.ErrInvalid, nil},
		{"account suspended", func(t *testing.T, e *env) error {
			return e.db.UpdateAccount(context.Background(), e.acct.ID, hosting.AccountUpdate{Suspended: &yes})
		}, auth.ErrSuspended, nil},
		{"account deleted", func(t *testing.T, e *env) error {
			return e.db.DeleteAccount(context.Background(), e.acct.ID)
		}, auth.ErrInvalid, nil},
		{"token expired", func(t *testing.T, e *env) error {
			e.now = e.now.Add(2 * time.Hour) // the token below expires after an hour
			return nil
		}, auth.ErrTokenExpired, nil},
		{"features narrowed", func(t *testing.T, e *env) error {
			return e.db.UpdateAccount(context.Background(), e.acct.ID,
				hosting.AccountUpdate{Features: []string{hosting.FeatureFTPAccounts}})
		}, nil, func(t *testing.T, a *hosting.Account) {
			if len(a.Features) != 1 || a.Features[0] != hosting.FeatureFTPAccounts {
				t.Errorf("features = %v, want only %s", a.Features, hosting.FeatureFTPAccounts)
			}
		}},
		{"quota changed", func(t *testing.T, e *env) error {
			return e.db.UpdateAccount(context.Background(), e.acct.ID, hosting.AccountUpdate{QuotaMB: &quota})
		}, nil, func(t *testing.T, a *hosting.Account) {
			if a.QuotaMB != quota {
				t.Errorf("quota = %d, want %d", a.QuotaMB, quota)
			}
		}},
		{"domain added", func(t *testing.T, e *env) error {
			return e.db.AddDomain(context.Background(), e.acct.ID, "second.example")
		}, nil, func(t *testing.T, a *hosting.Account) {
			if !a.OwnsDomain("second.example") {
				t.Errorf("domains = %v, want second.example among them", a.Domains)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, c := newCountingEnv(t, nil)
			secret := auth.NewAPIToken()
			expires := e.now.Add(time.Hour)
			mustToken(t, e, "live", secret, &expires)
			mustTokenOK(t, e, c, secret)
			if n := mustTokenOK(t, e, c, secret); n != 0 {
				t.Fatalf("second check read the account %d times, want the cached verdict", n)
			}
			if err := tc.change(t, e); err != nil {
				t.Fatal(err)
			}
			a, err := e.au.Token(context.Background(), "carol", secret, "10.0.0.1")
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("after the change: err = %v, want %v", err, tc.want)
			}
			if tc.check != nil {
				tc.check(t, a)
			}
		})
	}
}

// TestTokenCacheKeepsVerdictOverData checks that writes which change no
// credentials (an upload's usage count) keep the cached verdicts, and that
// the TTL ends them.
func TestTokenCacheKeepsVerdictOverData(t *testing.T) {
	t.Parallel()
	e, c := newCountingEnv(t, nil)
	secret := auth.NewAPIToken()
	mustToken(t, e, "live", secret, nil)
	mustTokenOK(t, e, c, secret)
	_, err := e.db.ChangeUsage(context.Background(), hosting.UsageChange{
		Scope: hosting.UsageScope{AccountID: e.acct.ID, Dirs: []string{hosting.UsageHome}}, Reserve: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if n := mustTokenOK(t, e, c, secret); n != 0 {
		t.Errorf("after a usage change the check read the account %d times, want the cached verdict", n)
	}
	e.now = e.now.Add(2 * time.Minute)
	if n := mustTokenOK(t, e, c, secret); n != 1 {
		t.Errorf("after the TTL the check read the account %d times, want 1", n)
	}
}

// TestTokenCacheOff checks that nothing is cached when the store cannot
// see every change (PostgreSQL: another node may revoke a token) or when
// the version changes.
func TestTokenCacheOff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ver  *versions
		bump bool
	}{
		{"store cannot tell", &versions{}, false},
		{"version changes between checks", &versions{ok: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, c := newCountingEnv(t, tc.ver)
			secret := auth.NewAPIToken()
			mustToken(t, e, "live", secret, nil)
			for i := range 3 {
				if tc.bump {
					tc.ver.v.Add(1)
				}
				if n := mustTokenOK(t, e, c, secret); n != 1 {
					t.Errorf("check %d read the account %d times, want 1", i, n)
				}
			}
		})
	}
}
