package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// mustToken creates a full-access token called name with hash "hash-"+name.
func mustToken(tb testing.TB, db *store.DB, accountID int64, name string) *hosting.Token {
	tb.Helper()
	tok := &hosting.Token{AccountID: accountID, Name: name, Hash: "hash-" + name, FullAccess: true}
	if err := db.CreateToken(context.Background(), tok); err != nil {
		tb.Fatalf("CreateToken(%s): %v", name, err)
	}
	return tok
}

func TestCreateToken(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		mustToken(t, db, alice.ID, "taken")
		expires := time.Unix(2_000_000_000, 0).UTC()
		created := time.Unix(1_700_000_000, 0).UTC()
		tests := []struct {
			name     string
			token    hosting.Token
			wantCode string
		}{
			{"limited, expiring", hosting.Token{AccountID: alice.ID, Name: "deploy", Hash: "h1", ExpiresAt: &expires,
				Features: []string{hosting.FeatureFTPAccounts, hosting.FeatureWebDisk}}, ""},
			{"full access, created at", hosting.Token{AccountID: alice.ID, Name: "ci", Hash: "h2", FullAccess: true, CreatedAt: created}, ""},
			{"same name, other account", hosting.Token{AccountID: bob.ID, Name: "taken", Hash: "h3", FullAccess: true}, ""},
			{"name taken", hosting.Token{AccountID: alice.ID, Name: "taken", Hash: "h4"}, hosting.ECONFLICT},
			{"missing account", hosting.Token{AccountID: bob.ID + 100, Name: "x", Hash: "h5"}, hosting.ENOTFOUND},
			{"bad feature", hosting.Token{AccountID: alice.ID, Name: "bad", Hash: "h6", Features: []string{"a,b"}}, hosting.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok := tt.token
				err := db.CreateToken(ctx, &tok)
				wantCode(t, err, tt.wantCode)
				if err != nil {
					return
				}
				if tok.ID == 0 || tok.CreatedAt.IsZero() || (!tt.token.CreatedAt.IsZero() && !tok.CreatedAt.Equal(created)) {
					t.Fatalf("after create: id %d, created %v", tok.ID, tok.CreatedAt)
				}
				got, err := db.FindTokenByHash(ctx, tok.AccountID, tok.Hash)
				if tok.Features == nil {
					tok.Features = []string{}
				}
				if err != nil || !reflect.DeepEqual(got, &tok) {
					t.Fatalf("read back\n%+v, %v\nwant\n%+v", got, err, &tok)
				}
			})
		}
	})
}

func TestFindTokenByHash(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		mustToken(t, db, alice.ID, "a")
		tests := []struct {
			name      string
			accountID int64
			hash      string
			wantCode  string
		}{
			{"own", alice.ID, "hash-a", ""},
			{"another account's", bob.ID, "hash-a", hosting.ENOTFOUND},
			{"unknown", alice.ID, "hash-zz", hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.FindTokenByHash(ctx, tt.accountID, tt.hash)
				wantCode(t, err, tt.wantCode)
				if (err == nil) != (got != nil) {
					t.Fatalf("got %+v with error %v", got, err)
				}
			})
		}
	})
}

func TestListTokens(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		if ts, err := db.ListTokens(ctx, alice.ID); err != nil || ts == nil || len(ts) != 0 {
			t.Fatalf("no tokens: %v, %v", ts, err)
		}
		for _, name := range []string{"b", "a", "B", "a_1"} {
			mustToken(t, db, alice.ID, name)
		}
		mustToken(t, db, bob.ID, "bobs")
		ts, err := db.ListTokens(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tok := range ts {
			names = append(names, tok.Name)
		}
		if want := []string{"B", "a", "a_1", "b"}; !reflect.DeepEqual(names, want) {
			t.Fatalf("names %v, want %v", names, want)
		}
	})
}

func TestRenameToken(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		mustToken(t, db, alice.ID, "old")
		mustToken(t, db, alice.ID, "other")
		mustToken(t, db, bob.ID, "bobs")
		tests := []struct {
			name, from, to string
			accountID      int64
			wantCode       string
		}{
			{"rename", "old", "new", alice.ID, ""},
			{"to itself", "new", "new", alice.ID, ""},
			{"to a taken name", "new", "other", alice.ID, hosting.ECONFLICT},
			{"missing", "old", "x", alice.ID, hosting.ENOTFOUND},
			{"another account's", "bobs", "mine", alice.ID, hosting.ENOTFOUND},
			{"to a name another account uses", "new", "bobs", alice.ID, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.RenameToken(ctx, tt.accountID, tt.from, tt.to), tt.wantCode)
			})
		}
		got, err := db.FindTokenByHash(ctx, alice.ID, "hash-old")
		if err != nil || got.Name != "bobs" {
			t.Fatalf("after renames: %+v, %v", got, err)
		}
	})
}

func TestDeleteToken(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		mustToken(t, db, alice.ID, "t")
		mustToken(t, db, bob.ID, "t")
		tests := []struct {
			name      string
			accountID int64
			wantFound bool
		}{
			{"existing", alice.ID, true},
			{"deleted already", alice.ID, false},
			{"other account's untouched", bob.ID, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				found, err := db.DeleteToken(ctx, tt.accountID, "t")
				if err != nil || found != tt.wantFound {
					t.Fatalf("DeleteToken = %v, %v; want %v", found, err, tt.wantFound)
				}
			})
		}
	})
}

// TestCredentialsVersion checks which writes change CredentialsVersion:
// every change of accounts, domains and tokens does, usage counts and web
// sessions (written all the time) do not, and only SQLite vouches for it.
func TestCredentialsVersion(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		acct := mustAccount(t, db, "alice", "alice.example")
		mustToken(t, db, acct.ID, "ci")
		yes := true
		tests := []struct {
			name    string
			write   func() error
			changes bool
		}{
			{"token renamed", func() error { return db.RenameToken(ctx, acct.ID, "ci", "deploy") }, true},
			{"token revoked", func() error { _, err := db.DeleteToken(ctx, acct.ID, "deploy"); return err }, true},
			{"token created", func() error { mustToken(t, db, acct.ID, "ci"); return nil }, true},
			{"account suspended", func() error {
				return db.UpdateAccount(ctx, acct.ID, hosting.AccountUpdate{Suspended: &yes})
			}, true},
			{"domain added", func() error { return db.AddDomain(ctx, acct.ID, "second.example") }, true},
			{"usage counted", func() error {
				_, err := db.ChangeUsage(ctx, hosting.UsageChange{Scope: hosting.UsageScope{AccountID: acct.ID,
					Dirs: []string{hosting.UsageHome}}, Reserve: 10})
				return err
			}, false},
			{"web session", func() error {
				return db.CreateSession(ctx, &hosting.WebSession{IDHash: "s1", AccountID: acct.ID, SecurityToken: "cpsess1"})
			}, false},
			{"rolled back", func() error { return db.RenameToken(ctx, acct.ID, "missing", "other") }, false},
		}
		for _, tc := range tests {
			before, ok := db.CredentialsVersion()
			if ok != (db.Dialect() == store.DialectSQLite) {
				t.Fatalf("vouched = %v on %s", ok, db.Dialect())
			}
			err := tc.write()
			if tc.name != "rolled back" && err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			after, _ := db.CredentialsVersion()
			if changed := after != before; changed != tc.changes {
				t.Errorf("%s: version %d → %d, want changed = %v", tc.name, before, after, tc.changes)
			}
		}
	})
}
