package client_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/uapid/uapid/client"
)

// wantUAPIError fails unless err is a *client.Error with exactly msg.
func wantUAPIError(tb testing.TB, err error, msg string) *client.Error {
	tb.Helper()
	var ue *client.Error
	if !errors.As(err, &ue) || !slices.Equal(ue.Errors, []string{msg}) {
		tb.Fatalf("err = %v, want *client.Error %q", err, msg)
	}
	return ue
}

func TestTokens(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	c := s.client(t)
	tok := c.Tokens()
	ctx := context.Background()
	expires := time.Now().Add(time.Hour).Truncate(time.Second)
	created, err := tok.CreateFullAccess(ctx, "deploy", expires)
	must(t, err)
	if len(created.Token) != 32 || time.Since(time.Unix(created.CreateTime, 0)) > time.Minute {
		t.Errorf("created %+v", created)
	}
	_, err = tok.CreateFullAccess(ctx, "forever", time.Time{})
	must(t, err)

	t.Run("list", func(t *testing.T) {
		list, err := tok.List(ctx)
		must(t, err)
		if len(list) != 2 || list[0].Name != "deploy" || list[0].ExpiresAt == nil || *list[0].ExpiresAt != expires.Unix() ||
			list[0].HasFullAccess != 1 || list[0].Features == nil || list[1].ExpiresAt != nil {
			t.Errorf("list = %+v", list)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		_, err := tok.CreateFullAccess(ctx, "deploy", time.Time{})
		wantUAPIError(t, err, "An API token with the name “deploy” already exists.")
		_, err = tok.CreateFullAccess(ctx, "bad name", time.Time{})
		wantUAPIError(t, err, "The name “bad name” is invalid: use only letters, digits, dashes (-) and underscores (_).")
		wantUAPIError(t, tok.Rename(ctx, "missing", "other"), "The API token “missing” does not exist.")
	})
	t.Run("rename", func(t *testing.T) {
		must(t, tok.Rename(ctx, "forever", "ci"))
		list, err := tok.List(ctx)
		must(t, err)
		if len(list) != 2 || list[0].Name != "ci" {
			t.Errorf("after rename: %+v", list)
		}
	})
	t.Run("revoke", func(t *testing.T) {
		byToken, err := client.New(s.url, client.WithHTTPClient(s.http), client.WithToken(testUser, created.Token))
		must(t, err)
		if _, err := byToken.Tokens().List(ctx); err != nil {
			t.Fatalf("token refused before revoke: %v", err)
		}
		if err := tok.Revoke(ctx, "deploy"); err != nil {
			t.Errorf("Revoke: %v", err)
		}
		// Revoking a token that is gone succeeds, as cPanel documents.
		if err := tok.Revoke(ctx, "deploy"); err != nil {
			t.Errorf("second Revoke: %v", err)
		}
		var he *client.HTTPError
		if _, err := byToken.Tokens().List(ctx); !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized {
			t.Errorf("revoked token: %v", err)
		}
	})
}
