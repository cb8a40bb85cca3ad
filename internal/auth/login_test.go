package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/password"
)

// mustServiceLogins gives carol an FTP account and a Web Disk account,
// both joe@carol.example, with different passwords.
func mustServiceLogins(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	ftpHash, _ := password.Hash("joe-ftp-pass")
	if err := e.db.CreateFTPAccount(ctx, &hosting.FTPAccount{AccountID: e.acct.ID, User: "joe", Domain: "carol.example",
		PasswordHash: ftpHash, HomeDir: "joe"}); err != nil {
		t.Fatal(err)
	}
	davHash, _ := password.Hash("joe-dav-pass")
	if err := e.db.CreateWebDiskAccount(ctx, &hosting.WebDiskAccount{AccountID: e.acct.ID, User: "joe", Domain: "carol.example",
		PasswordHash: davHash, HomeDir: "public_html/joe", Perms: hosting.WebDiskReadWrite}); err != nil {
		t.Fatal(err)
	}
}

// TestAuthenticateKinds: each protocol accepts its own kinds of login name
// and nothing else, and every refusal is ErrInvalid.
func TestAuthenticateKinds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mustServiceLogins(t, e)
	tests := []struct {
		proto      auth.Protocol
		name, pass string
		kind       auth.Kind // "" when refused
		login      string
	}{
		{auth.HTTPS, "carol", "carol-password", auth.KindAccount, "carol"},
		{auth.HTTPS, " Carol ", "carol-password", auth.KindAccount, "carol"},
		{auth.HTTPS, "carol_logs", "carol-password", "", ""},
		{auth.HTTPS, "joe@carol.example", "joe-ftp-pass", "", ""},
		{auth.FTP, "CAROL", "carol-password", auth.KindAccount, "carol"},
		{auth.FTP, "carol_logs", "carol-password", auth.KindLogs, "carol_logs"},
		{auth.FTP, "joe+carol.example", "joe-ftp-pass", auth.KindFTP, "joe@carol.example"},
		{auth.FTP, "joe@carol.example", "joe-dav-pass", "", ""},
		{auth.FTP, "anonymous@www.carol.example", "anything", auth.KindAnonymous, "ftp"},
		{auth.FTP, "ftp@nowhere.example", "anything", "", ""},
		{auth.FTP, "ftp", "anything", "", ""},
		{auth.WebDAV, "carol", "carol-password", auth.KindAccount, "carol"},
		{auth.WebDAV, "Joe@Carol.Example", "joe-dav-pass", auth.KindWebDisk, "joe@carol.example"},
		{auth.WebDAV, "joe@carol.example", "joe-ftp-pass", "", ""},
		{auth.WebDAV, "carol_logs", "carol-password", "", ""},
		{auth.WebDAV, "anonymous@carol.example", "x", "", ""},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%s %s", tt.proto, tt.name), func(t *testing.T) {
			addr := fmt.Sprintf("10.1.0.%d", i) // apart, so that the address limit stays out of the way
			p, err := e.au.Authenticate(context.Background(), tt.proto, tt.name, tt.pass, addr)
			if tt.kind == "" {
				if !errors.Is(err, auth.ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != tt.kind || p.Login != tt.login || p.Account.ID != e.acct.ID {
				t.Errorf("principal %s %q of account %d, want %s %q", p.Kind, p.Login, p.Account.ID, tt.kind, tt.login)
			}
		})
	}
}

// TestOneBudgetPerIdentity: failures in every spelling and protocol of one
// identity add up; another identity keeps its own budget.
func TestOneBudgetPerIdentity(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // 100 failures per identity; 5 per address
	mustServiceLogins(t, e)
	ctx := context.Background()
	spellings := map[string][]struct {
		proto auth.Protocol
		name  string
	}{
		"carol": {{auth.HTTPS, "carol"}, {auth.FTP, "CAROL"}, {auth.FTP, "carol_logs"}, {auth.WebDAV, "Carol"}},
		"joe@carol.example": {{auth.FTP, "joe@carol.example"}, {auth.FTP, "JOE+carol.example"},
			{auth.WebDAV, "joe+tag@carol.example"}, {auth.WebDAV, "joe@CAROL.example"}},
	}
	for id, names := range spellings {
		t.Run(id, func(t *testing.T) {
			for i := 0; i < 100; i++ { // each from its own address, so only the identity counts
				n := names[i%len(names)]
				if _, err := e.au.Authenticate(ctx, n.proto, n.name, "wrong", fmt.Sprintf("10.2.%d.%d", len(id), i)); !errors.Is(err, auth.ErrInvalid) {
					t.Fatalf("failure %d (%s %s): %v", i, n.proto, n.name, err)
				}
			}
			for _, n := range names {
				if _, err := e.au.Authenticate(ctx, n.proto, n.name, "wrong", "10.3.0.1"); !errors.Is(err, auth.ErrLimited) {
					t.Errorf("%s %s after 100 failures of its identity: %v, want ErrLimited", n.proto, n.name, err)
				}
			}
		})
	}
	if _, err := e.au.Authenticate(ctx, auth.FTP, "other@carol.example", "x", "10.3.0.2"); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("another identity: %v, want ErrInvalid", err)
	}
}

// TestPasswordLockoutSparesTokens: with the default rules, 30 failed
// password guesses from many addresses lock the account's password logins
// but not its API tokens, even from an address that guessed.
func TestPasswordLockoutSparesTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := func() time.Time { return e.now }
	au := fixture.Authenticator(t, e.db, limiter.New(limiter.DefaultConfig(), now), now)
	ctx := context.Background()
	secret := auth.NewAPIToken()
	mustToken(t, e, "automation", secret, nil)
	for i := 0; i < 30; i++ {
		_, _ = au.Password(ctx, "carol", "guess", fmt.Sprintf("10.4.0.%d", i%3))
	}
	if _, err := au.Password(ctx, "carol", "carol-password", "10.4.1.1"); !errors.Is(err, auth.ErrLimited) {
		t.Fatalf("password after 30 failures: %v, want ErrLimited", err)
	}
	for _, addr := range []string{"10.4.0.1", "10.4.1.1"} {
		if _, err := au.Token(ctx, "carol", secret, addr); err != nil {
			t.Errorf("token from %s while passwords are locked: %v", addr, err)
		}
	}
}

// TestBadTokensCountedPerAddress: bad tokens block token logins from
// their address only, and never the account's password logins.
func TestBadTokensCountedPerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := func() time.Time { return e.now }
	rule := limiter.Rule{MaxFailures: 3, Window: time.Hour, Block: time.Hour}
	au := fixture.Authenticator(t, e.db, limiter.New(limiter.Config{PerToken: rule}, now), now)
	ctx := context.Background()
	secret := auth.NewAPIToken()
	mustToken(t, e, "automation", secret, nil)
	for i := 0; i < 3; i++ {
		if _, err := au.Token(ctx, "carol", auth.NewAPIToken(), "10.5.0.1"); !errors.Is(err, auth.ErrInvalid) {
			t.Fatalf("bad token %d: %v", i, err)
		}
	}
	if _, err := au.Token(ctx, "carol", secret, "10.5.0.1"); !errors.Is(err, auth.ErrLimited) {
		t.Errorf("good token from the address after 3 bad ones: %v, want ErrLimited", err)
	}
	if _, err := au.Token(ctx, "carol", secret, "10.5.0.2"); err != nil {
		t.Errorf("good token from another address: %v", err)
	}
	if _, err := au.Password(ctx, "carol", "carol-password", "10.5.0.1"); err != nil {
		t.Errorf("password login from the address: %v", err)
	}
}

// TestLongNameCountsAgainstAddressOnly: a name over MaxNameLen is refused
// before any lookup and counted against its address, on every protocol and
// for tokens.
func TestLongNameCountsAgainstAddressOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // 5 failures per address
	ctx := context.Background()
	long := strings.Repeat("a", auth.MaxNameLen+1)
	for _, proto := range []auth.Protocol{auth.HTTPS, auth.FTP, auth.WebDAV} {
		if _, err := e.au.Authenticate(ctx, proto, long, "x", "10.6.0.1"); !errors.Is(err, auth.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", proto, err)
		}
	}
	if _, err := e.au.Token(ctx, long, "x", "10.6.0.1"); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("token: %v, want ErrInvalid", err)
	}
	e.au.Password(ctx, long, "x", "10.6.0.1")
	e.au.Password(ctx, long, "x", "10.6.0.1")
	if _, err := e.au.Password(ctx, "carol", "carol-password", "10.6.0.1"); !errors.Is(err, auth.ErrLimited) {
		t.Errorf("address after 5 long names: %v, want ErrLimited", err)
	}
}
