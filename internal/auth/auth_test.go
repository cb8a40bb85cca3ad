package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/store"
)

type env struct {
	db   *store.DB
	au   *auth.Authenticator
	acct *hosting.Account
	now  time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := fixture.Store(t)
	e := &env{db: db, now: time.Unix(1_750_000_000, 0)}
	e.acct = fixture.Account(t, fixture.Accounts(t, db), "carol", "carol.example", "carol-password")
	lim := limiter.New(limiter.Config{
		PerAddress: limiter.Rule{MaxFailures: 5, Window: time.Hour, Block: time.Hour},
		PerAccount: limiter.Rule{MaxFailures: 100, Window: time.Hour, Block: time.Hour},
		PerToken:   limiter.Rule{MaxFailures: 5, Window: time.Hour, Block: time.Hour},
	}, func() time.Time { return e.now })
	e.au = auth.New(auth.Config{SessionIdle: 15 * time.Minute}, fixture.AuthStores(db), lim, fixture.Logger(t), func() time.Time { return e.now })
	return e
}

func TestPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if a, err := e.au.Password(ctx, "carol", "carol-password", "10.0.0.1"); err != nil || a.ID != e.acct.ID {
		t.Fatalf("good password: %v", err)
	}
	for _, tc := range []struct{ user, pass string }{{"carol", "wrong"}, {"nobody", "carol-password"}, {"carol", ""}} {
		if _, err := e.au.Password(ctx, tc.user, tc.pass, "10.0.0.2"); !errors.Is(err, auth.ErrInvalid) {
			t.Errorf("%s/%s: err = %v, want ErrInvalid", tc.user, tc.pass, err)
		}
	}
}

func TestLimiterBlocksAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		_, _ = e.au.Password(ctx, "carol", "wrong", "10.0.0.9")
	}
	if _, err := e.au.Password(ctx, "carol", "carol-password", "10.0.0.9"); !errors.Is(err, auth.ErrLimited) {
		t.Fatalf("after 5 failures err = %v, want ErrLimited", err)
	}
	if _, err := e.au.Password(ctx, "carol", "carol-password", "10.0.0.10"); err != nil {
		t.Fatalf("another address was blocked: %v", err)
	}
}

func TestSuspendedAccountRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	yes := true
	if err := e.db.UpdateAccount(context.Background(), e.acct.ID, hosting.AccountUpdate{Suspended: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.au.Password(context.Background(), "carol", "carol-password", "10.0.0.1"); !errors.Is(err, auth.ErrSuspended) {
		t.Fatalf("err = %v, want ErrSuspended", err)
	}
}

func TestToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	secret := auth.NewAPIToken()
	past := e.now.Add(-time.Second)
	expired := auth.NewAPIToken()
	mustToken(t, e, "live", secret, nil)
	mustToken(t, e, "old", expired, &past)
	if _, err := e.au.Token(ctx, "carol", secret, "10.0.0.1"); err != nil {
		t.Fatalf("good token: %v", err)
	}
	if _, err := e.au.Token(ctx, "carol", strings.ToLower(secret), "10.0.0.1"); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("wrong token: %v", err)
	}
	if _, err := e.au.Token(ctx, "carol", expired, "10.0.0.1"); !errors.Is(err, auth.ErrTokenExpired) {
		t.Errorf("expired token: %v", err)
	}
	if _, err := e.au.Token(ctx, "other", secret, "10.0.0.1"); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("token of another account: %v", err)
	}
}

func TestLimitedTokenNarrowsFeatures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	secret := auth.NewAPIToken()
	err := e.db.CreateToken(context.Background(), &hosting.Token{AccountID: e.acct.ID, Name: "ftp-only",
		Hash: auth.HashSecret(secret), CreatedAt: e.now, Features: []string{hosting.FeatureFTPAccounts, "not-granted"}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.au.Token(context.Background(), "carol", secret, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Features) != 1 || a.Features[0] != hosting.FeatureFTPAccounts {
		t.Errorf("features = %v, want only %s", a.Features, hosting.FeatureFTPAccounts)
	}
}

func mustToken(t *testing.T, e *env, name, secret string, exp *time.Time) {
	t.Helper()
	err := e.db.CreateToken(context.Background(), &hosting.Token{AccountID: e.acct.ID, Name: name,
		Hash: auth.HashSecret(secret), CreatedAt: e.now, ExpiresAt: exp, FullAccess: true})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, s, cookie, err := e.au.Login(ctx, "carol", "carol-password", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.SecurityToken) != 16 || !strings.HasPrefix(s.SecurityToken, "cpsess") || s.IDHash == cookie {
		t.Fatalf("session %+v", s)
	}
	if a, _, err := e.au.Session(ctx, cookie, "/"+s.SecurityToken); err != nil || a.Name != "carol" {
		t.Fatalf("valid session: %v", err)
	}
	if _, _, err := e.au.Session(ctx, cookie, "cpsess0000000000"); !errors.Is(err, auth.ErrTokenDenied) {
		t.Errorf("wrong token: %v", err)
	}
	if _, _, err := e.au.Session(ctx, "nope", s.SecurityToken); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("wrong cookie: %v", err)
	}
	e.now = e.now.Add(14 * time.Minute)
	if _, _, err := e.au.Session(ctx, cookie, s.SecurityToken); err != nil {
		t.Fatalf("activity within the idle time: %v", err)
	}
	e.now = e.now.Add(16 * time.Minute)
	if _, _, err := e.au.Session(ctx, cookie, s.SecurityToken); !errors.Is(err, auth.ErrExpired) {
		t.Errorf("idle session: %v", err)
	}
}

func TestLogoutAndExpireIdle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, s1, c1, _ := e.au.Login(ctx, "carol", "carol-password", "10.0.0.1")
	if err := e.au.Logout(ctx, c1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.au.Session(ctx, c1, s1.SecurityToken); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("session after logout: %v", err)
	}
	_, _, _, _ = e.au.Login(ctx, "carol", "carol-password", "10.0.0.1")
	e.now = e.now.Add(time.Hour)
	if n, err := e.au.ExpireIdle(ctx); err != nil || n != 1 {
		t.Errorf("ExpireIdle = %d, %v; want 1", n, err)
	}
}

func TestPasswordCacheFollowsPasswordChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ { // the second check is served by the cache
		if _, err := e.au.Password(ctx, "carol", "carol-password", "10.0.0.1"); err != nil {
			t.Fatalf("check %d: %v", i, err)
		}
	}
	svc := fixture.Accounts(t, e.db)
	if err := svc.SetPassword(ctx, "carol", "another-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.au.Password(ctx, "carol", "carol-password", "10.0.0.1"); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("old password after a change: %v", err)
	}
	if _, err := e.au.Password(ctx, "carol", "another-password", "10.0.0.1"); err != nil {
		t.Errorf("new password: %v", err)
	}
	e.now = e.now.Add(2 * time.Minute)
	if _, err := e.au.Password(ctx, "carol", "wrong", "10.0.0.1"); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("wrong password: %v", err)
	}
}
