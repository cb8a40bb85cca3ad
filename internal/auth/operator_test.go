package auth_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
)

// mustOperatorToken stores an operator token and returns its secret.
func mustOperatorToken(t *testing.T, e *env, name string, expires *time.Time) string {
	t.Helper()
	secret := auth.NewAPIToken()
	tok := &hosting.OperatorToken{Name: name, Hash: auth.HashSecret(secret), ExpiresAt: expires}
	if err := e.db.CreateOperatorToken(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestOperator(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.au.UseOperator(e.db, e.db)
	ctx := context.Background()
	good := mustOperatorToken(t, e, "billing", nil)
	past := e.now.Add(-time.Minute)
	expired := mustOperatorToken(t, e, "old", &past)
	accountToken := auth.NewAPIToken()
	if err := e.db.CreateToken(ctx, &hosting.Token{AccountID: e.acct.ID, Name: "t", Hash: auth.HashSecret(accountToken), FullAccess: true}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, token string
		want              error
	}{
		{"operator token", "root", good, nil},
		{"other user name", "carol", good, auth.ErrInvalid},
		{"wrong token", "root", "WRONG", auth.ErrInvalid},
		{"account token", "root", accountToken, auth.ErrInvalid},
		{"account token as the account", "carol", accountToken, auth.ErrInvalid},
		{"account password", "carol", "carol-password", auth.ErrInvalid},
		{"expired", "root", expired, auth.ErrTokenExpired},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := e.au.Operator(ctx, tt.user, tt.token, fmt.Sprintf("10.1.0.%d", i))
			if !errors.Is(err, tt.want) || (err == nil && tok.Name != "billing") {
				t.Fatalf("Operator = %v, %v; want %v", tok, err, tt.want)
			}
		})
	}
	for range 5 {
		_, _ = e.au.Operator(ctx, "root", "WRONG", "10.1.1.1")
	}
	// Five failures block the address, good token or not.
	if _, err := e.au.Operator(ctx, "root", good, "10.1.1.1"); !errors.Is(err, auth.ErrLimited) {
		t.Fatalf("after failures: %v, want ErrLimited", err)
	}
	if _, err := e.au.Operator(ctx, "root", good, "10.1.1.2"); err != nil {
		t.Fatalf("other address: %v", err)
	}
}

func TestTicket(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.au.UseOperator(e.db, e.db)
	ctx := context.Background()
	issue := func() (string, *hosting.LoginTicket) {
		secret, tk, err := e.au.IssueTicket(ctx, e.acct)
		if err != nil {
			t.Fatal(err)
		}
		return secret, tk
	}
	secret, tk := issue()
	if _, _, _, err := e.au.RedeemTicket(ctx, "carol", secret, "/cpsess0000000000", "10.2.0.1"); !errors.Is(err, auth.ErrInvalid) {
		t.Fatalf("wrong cpsess token: %v", err)
	}
	if _, _, _, err := e.au.RedeemTicket(ctx, "carol", secret, "/"+tk.SecurityToken, "10.2.0.1"); !errors.Is(err, auth.ErrInvalid) {
		t.Fatalf("a ticket tried with a wrong token must be spent: %v", err)
	}
	secret, tk = issue()
	acct, s, cookie, err := e.au.RedeemTicket(ctx, "carol", secret, "/"+tk.SecurityToken, "10.2.0.1")
	if err != nil || acct.ID != e.acct.ID || s.SecurityToken != tk.SecurityToken || cookie == "" {
		t.Fatalf("RedeemTicket = %v, %v, %q, %v", acct, s, cookie, err)
	}
	if _, _, err := e.au.Session(ctx, cookie, tk.SecurityToken); err != nil {
		t.Fatalf("session from the ticket: %v", err)
	}
	if _, _, _, err := e.au.RedeemTicket(ctx, "carol", secret, "/"+tk.SecurityToken, "10.2.0.1"); !errors.Is(err, auth.ErrInvalid) {
		t.Fatalf("second use: %v, want ErrInvalid", err)
	}
	secret, tk = issue()
	e.now = e.now.Add(16 * time.Minute)
	if _, _, _, err := e.au.RedeemTicket(ctx, "carol", secret, "/"+tk.SecurityToken, "10.2.0.3"); !errors.Is(err, auth.ErrExpired) {
		t.Fatalf("expired ticket: %v", err)
	}
	if n, err := e.au.ExpireTickets(ctx); n != 0 || err != nil {
		t.Fatalf("ExpireTickets = %d, %v (the expired one was taken already)", n, err)
	}
}
