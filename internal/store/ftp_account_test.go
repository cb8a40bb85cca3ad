package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// mustFTPAccount creates the FTP login user@domain with home directory user.
func mustFTPAccount(tb testing.TB, db *store.DB, accountID int64, user, domain string) *hosting.FTPAccount {
	tb.Helper()
	f := &hosting.FTPAccount{AccountID: accountID, User: user, Domain: domain, PasswordHash: "$6$s$h", HomeDir: user}
	if err := db.CreateFTPAccount(context.Background(), f); err != nil {
		tb.Fatalf("CreateFTPAccount(%s@%s): %v", user, domain, err)
	}
	return f
}

func TestCreateFTPAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		bob := mustAccount(t, db, "bob", "bob.example")
		mustFTPAccount(t, db, alice.ID, "taken", "alice.example")
		tests := []struct {
			name     string
			ftp      hosting.FTPAccount
			wantCode string
		}{
			{"lower-cased", hosting.FTPAccount{AccountID: alice.ID, User: "Web", Domain: "Alice.Example",
				PasswordHash: "$6$s$h", HomeDir: "public_html/web", QuotaMB: 50, UsedBytes: 7}, ""},
			{"same user, other domain", hosting.FTPAccount{AccountID: alice.ID, User: "taken", Domain: "alice.org"}, ""},
			{"login taken", hosting.FTPAccount{AccountID: alice.ID, User: "TAKEN", Domain: "alice.example"}, hosting.ECONFLICT},
			{"domain of another account", hosting.FTPAccount{AccountID: alice.ID, User: "x", Domain: "bob.example"}, hosting.ENOTFOUND},
			{"unknown domain", hosting.FTPAccount{AccountID: alice.ID, User: "x", Domain: "nobody.example"}, hosting.ENOTFOUND},
			{"missing account", hosting.FTPAccount{AccountID: bob.ID + 100, User: "x", Domain: "bob.example"}, hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := tt.ftp
				err := db.CreateFTPAccount(ctx, &f)
				wantStored(t, err, tt.wantCode, f.ID, f.CreatedAt, &f, func() (any, error) {
					return db.FindFTPAccount(ctx, f.AccountID, f.User, f.Domain)
				})
			})
		}
	})
}

func TestFindFTPAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		web := mustFTPAccount(t, db, alice.ID, "web", "alice.example")
		tests := []struct {
			name     string
			find     func() (*hosting.FTPAccount, error)
			wantCode string
		}{
			{"own", func() (*hosting.FTPAccount, error) { return db.FindFTPAccount(ctx, alice.ID, "web", "alice.example") }, ""},
			{"own, any case", func() (*hosting.FTPAccount, error) { return db.FindFTPAccount(ctx, alice.ID, "WEB", "Alice.Example") }, ""},
			{"another account's", func() (*hosting.FTPAccount, error) { return db.FindFTPAccount(ctx, bob.ID, "web", "alice.example") }, hosting.ENOTFOUND},
			{"missing", func() (*hosting.FTPAccount, error) { return db.FindFTPAccount(ctx, alice.ID, "nope", "alice.example") }, hosting.ENOTFOUND},
			{"by login", func() (*hosting.FTPAccount, error) { return db.FindFTPAccountByLogin(ctx, "Web", "ALICE.example") }, ""},
			{"by login missing", func() (*hosting.FTPAccount, error) { return db.FindFTPAccountByLogin(ctx, "web", "bob.example") }, hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := tt.find()
				wantCode(t, err, tt.wantCode)
				if err == nil && !reflect.DeepEqual(got, web) {
					t.Fatalf("got\n%+v\nwant\n%+v", got, web)
				} else if err != nil && got != nil {
					t.Fatalf("got %+v with error %v", got, err)
				}
			})
		}
	})
}

func TestListFTPAccounts(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "a.example")
		bob := mustAccount(t, db, "bob", "bob.example")
		if fs, err := db.ListFTPAccounts(ctx, alice.ID); err != nil || fs == nil || len(fs) != 0 {
			t.Fatalf("no FTP accounts: %v, %v", fs, err)
		}
		for _, login := range [][2]string{{"a", "alice.example"}, {"a.b", "alice.example"}, {"a", "a.example"}, {"z", "a.example"}} {
			mustFTPAccount(t, db, alice.ID, login[0], login[1])
		}
		mustFTPAccount(t, db, bob.ID, "b", "bob.example")
		fs, err := db.ListFTPAccounts(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		var logins []string
		for _, f := range fs {
			logins = append(logins, f.Login())
		}
		// By login string: '.' sorts before '@', so a.b@… comes before a@….
		want := []string{"a.b@alice.example", "a@a.example", "a@alice.example", "z@a.example"}
		if !reflect.DeepEqual(logins, want) {
			t.Fatalf("logins %v, want %v", logins, want)
		}
	})
}

// TestListFTPLogins checks that ListFTPLogins lists what ListFTPAccounts
// does, field for field, in the same order, and nothing of other accounts.
func TestListFTPLogins(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "a.example", "ab.example")
		bob := mustAccount(t, db, "bob", "bob.example")
		if fs, err := db.ListFTPLogins(ctx, alice.ID); err != nil || fs == nil || len(fs) != 0 {
			t.Fatalf("no FTP accounts: %v, %v", fs, err)
		}
		// Users that are prefixes of each other, and '.', '-' and '0'
		// around '@' (0x40): the order is the joined strings' bytes.
		for _, login := range [][2]string{{"a", "alice.example"}, {"a.b", "alice.example"}, {"a", "a.example"},
			{"z", "a.example"}, {"ab", "a.example"}, {"a-", "ab.example"}, {"a0", "a.example"}, {"a", "ab.example"}} {
			mustFTPAccount(t, db, alice.ID, login[0], login[1])
		}
		mustFTPAccount(t, db, bob.ID, "b", "bob.example")
		quota := int64(50)
		fs, err := db.ListFTPAccounts(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateFTPAccount(ctx, fs[0].ID, hosting.FTPAccountUpdate{QuotaMB: &quota}); err != nil {
			t.Fatal(err)
		}
		if fs, err = db.ListFTPAccounts(ctx, alice.ID); err != nil {
			t.Fatal(err)
		}
		var want []hosting.FTPLogin
		for _, f := range fs {
			want = append(want, hosting.FTPLogin{ID: f.ID, User: f.User, Domain: f.Domain, HomeDir: f.HomeDir,
				QuotaMB: f.QuotaMB})
		}
		got, err := db.ListFTPLogins(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ListFTPLogins\n%v\nwant (as ListFTPAccounts)\n%v", got, want)
		}
	})
}

func TestUpdateFTPAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		f := mustFTPAccount(t, db, alice.ID, "web", "alice.example")
		hash, home, quota, used, negative := "$6$new$h", "sites/web", int64(20), int64(1234), int64(-5)
		tests := []struct {
			name     string
			id       int64
			upd      hosting.FTPAccountUpdate
			wantCode string
			check    func(f *hosting.FTPAccount) bool
		}{
			{"password", f.ID, hosting.FTPAccountUpdate{PasswordHash: &hash}, "",
				func(f *hosting.FTPAccount) bool { return f.PasswordHash == hash }},
			{"home, quota, usage", f.ID, hosting.FTPAccountUpdate{HomeDir: &home, QuotaMB: &quota, UsedBytes: &used}, "",
				func(f *hosting.FTPAccount) bool {
					return f.HomeDir == home && f.QuotaMB == quota && f.UsedBytes == used
				}},
			{"nothing", f.ID, hosting.FTPAccountUpdate{}, "",
				func(f *hosting.FTPAccount) bool { return f.PasswordHash == hash && f.HomeDir == home }},
			{"negative usage is zero", f.ID, hosting.FTPAccountUpdate{UsedBytes: &negative}, "",
				func(f *hosting.FTPAccount) bool { return f.UsedBytes == 0 }},
			{"missing", f.ID + 100, hosting.FTPAccountUpdate{QuotaMB: &quota}, hosting.ENOTFOUND, nil},
			{"missing, nothing to change", f.ID + 100, hosting.FTPAccountUpdate{}, hosting.ENOTFOUND, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.UpdateFTPAccount(ctx, tt.id, tt.upd), tt.wantCode)
				if tt.check == nil {
					return
				}
				got, err := db.FindFTPAccountByLogin(ctx, "web", "alice.example")
				if err != nil || !tt.check(got) {
					t.Fatalf("after update: %+v, %v", got, err)
				}
			})
		}
	})
}

func TestAddFTPUsage(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		f := mustFTPAccount(t, db, alice.ID, "web", "alice.example")
		tests := []struct {
			name     string
			id       int64
			delta    int64
			wantCode string
			want     int64
		}{
			{"add", f.ID, 100, "", 100},
			{"subtract", f.ID, -40, "", 60},
			{"never below zero", f.ID, -1000, "", 0},
			{"large", f.ID, 5 << 40, "", 5 << 40},
			{"missing", f.ID + 100, 1, hosting.ENOTFOUND, 5 << 40},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.AddFTPUsage(ctx, tt.id, tt.delta), tt.wantCode)
				got, err := db.FindFTPAccountByLogin(ctx, "web", "alice.example")
				if err != nil || got.UsedBytes != tt.want {
					t.Fatalf("used bytes %d, %v; want %d", got.UsedBytes, err, tt.want)
				}
			})
		}
	})
}

func TestDeleteFTPAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		f := mustFTPAccount(t, db, alice.ID, "web", "alice.example")
		other := mustFTPAccount(t, db, alice.ID, "other", "alice.example")
		wantCode(t, db.DeleteFTPAccount(ctx, f.ID), "")
		wantCode(t, db.DeleteFTPAccount(ctx, f.ID), hosting.ENOTFOUND)
		_, err := db.FindFTPAccountByLogin(ctx, "web", "alice.example")
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindFTPAccountByLogin(ctx, other.User, other.Domain)
		wantCode(t, err, "")
	})
}
