package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

func TestOperatorTokens(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		expires := time.Unix(2_000_000_000, 0).UTC()
		tests := []struct {
			name     string
			token    hosting.OperatorToken
			wantCode string
		}{
			{"new", hosting.OperatorToken{Name: "billing", Hash: "h1"}, ""},
			{"expiring", hosting.OperatorToken{Name: "ci", Hash: "h2", ExpiresAt: &expires}, ""},
			{"name taken", hosting.OperatorToken{Name: "billing", Hash: "h3"}, hosting.ECONFLICT},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok := tt.token
				err := db.CreateOperatorToken(ctx, &tok)
				if got := hosting.ErrorCode(err); got != tt.wantCode {
					t.Fatalf("CreateOperatorToken: code %q (%v), want %q", got, err, tt.wantCode)
				}
				if err != nil {
					return
				}
				got, err := db.FindOperatorTokenByHash(ctx, tok.Hash)
				if err != nil || !reflect.DeepEqual(*got, tok) {
					t.Fatalf("FindOperatorTokenByHash = %+v, %v; want %+v", got, err, tok)
				}
			})
		}
		list, err := db.ListOperatorTokens(ctx)
		if err != nil || len(list) != 2 || list[0].Name != "billing" || list[1].Name != "ci" {
			t.Fatalf("ListOperatorTokens = %v, %v", list, err)
		}
		if ok, err := db.DeleteOperatorToken(ctx, "billing"); !ok || err != nil {
			t.Fatalf("DeleteOperatorToken = %v, %v", ok, err)
		}
		if ok, err := db.DeleteOperatorToken(ctx, "billing"); ok || err != nil {
			t.Fatalf("second DeleteOperatorToken = %v, %v", ok, err)
		}
		if _, err := db.FindOperatorTokenByHash(ctx, "h1"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
			t.Fatalf("revoked token found: %v", err)
		}
	})
}

func TestPackages(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		gold := hosting.Package{Name: "gold", QuotaMB: 500, Features: []string{hosting.FeatureFTPAccounts}}
		if err := db.CreatePackage(ctx, &gold); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePackage(ctx, &hosting.Package{Name: "gold"}); hosting.ErrorCode(err) != hosting.ECONFLICT {
			t.Fatalf("duplicate package: %v", err)
		}
		got, err := db.FindPackage(ctx, "gold")
		if err != nil || !reflect.DeepEqual(*got, gold) {
			t.Fatalf("FindPackage = %+v, %v; want %+v", got, err, gold)
		}
		if list, err := db.ListPackages(ctx); err != nil || len(list) != 1 {
			t.Fatalf("ListPackages = %v, %v", list, err)
		}
		if err := db.DeletePackage(ctx, "gold"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeletePackage(ctx, "gold"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
			t.Fatalf("second DeletePackage: %v", err)
		}
	})
}

func TestProfiles(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		if p, err := db.FindProfile(ctx, alice.ID); err != nil || *p != (hosting.AccountProfile{AccountID: alice.ID}) {
			t.Fatalf("FindProfile before any = %+v, %v", p, err)
		}
		at := time.Unix(1_800_000_000, 0).UTC()
		want := hosting.AccountProfile{AccountID: alice.ID, ContactEmail: "a@b.example", Plan: "gold",
			SuspendReason: "Nonpayment", SuspendedAt: &at}
		for range 2 { // the second save replaces the first
			if err := db.SaveProfile(ctx, &want); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.FindProfile(ctx, alice.ID)
		if err != nil || !reflect.DeepEqual(*got, want) {
			t.Fatalf("FindProfile = %+v, %v; want %+v", got, err, want)
		}
		if all, err := db.ListProfiles(ctx); err != nil || len(all) != 1 || all[alice.ID].Plan != "gold" {
			t.Fatalf("ListProfiles = %v, %v", all, err)
		}
		if err := db.SaveProfile(ctx, &hosting.AccountProfile{AccountID: 9999}); hosting.ErrorCode(err) != hosting.ENOTFOUND {
			t.Fatalf("profile of a missing account: %v", err)
		}
		if err := db.DeleteAccount(ctx, alice.ID); err != nil {
			t.Fatal(err)
		}
		if all, err := db.ListProfiles(ctx); err != nil || len(all) != 0 {
			t.Fatalf("profile outlived its account: %v, %v", all, err)
		}
	})
}

func TestLoginTickets(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		now := time.Unix(1_800_000_000, 0).UTC()
		fresh := hosting.LoginTicket{Hash: "fresh", AccountID: alice.ID, SecurityToken: "cpsess0123456789", ExpiresAt: now.Add(time.Minute)}
		old := hosting.LoginTicket{Hash: "old", AccountID: alice.ID, SecurityToken: "cpsess1", ExpiresAt: now.Add(-time.Minute)}
		for _, tk := range []hosting.LoginTicket{fresh, old} {
			if err := db.CreateLoginTicket(ctx, &tk); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateLoginTicket(ctx, &hosting.LoginTicket{Hash: "x", AccountID: 9999, ExpiresAt: now}); hosting.ErrorCode(err) != hosting.ENOTFOUND {
			t.Fatalf("ticket for a missing account: %v", err)
		}
		got, err := db.TakeLoginTicket(ctx, "fresh")
		if err != nil || !reflect.DeepEqual(*got, fresh) {
			t.Fatalf("TakeLoginTicket = %+v, %v; want %+v", got, err, fresh)
		}
		if _, err := db.TakeLoginTicket(ctx, "fresh"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
			t.Fatalf("ticket taken twice: %v", err)
		}
		if n, err := db.DeleteExpiredLoginTickets(ctx, now); n != 1 || err != nil {
			t.Fatalf("DeleteExpiredLoginTickets = %d, %v", n, err)
		}
	})
}
