package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// mustWebDisk creates the Web Disk login user@domain, read-write, with
// directory public_html/user.
func mustWebDisk(tb testing.TB, db *store.DB, accountID int64, user, domain string) *hosting.WebDiskAccount {
	tb.Helper()
	w := &hosting.WebDiskAccount{AccountID: accountID, User: user, Domain: domain, PasswordHash: "$6$s$h",
		HomeDir: "public_html/" + user, Perms: hosting.WebDiskReadWrite}
	if err := db.CreateWebDiskAccount(context.Background(), w); err != nil {
		tb.Fatalf("CreateWebDiskAccount(%s@%s): %v", user, domain, err)
	}
	return w
}

func TestCreateWebDiskAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		bob := mustAccount(t, db, "bob", "bob.example")
		mustWebDisk(t, db, alice.ID, "taken", "alice.example")
		ha1 := hosting.DigestHA1("dav@alice.example", hosting.DefaultWebDiskRealm, "pw")
		tests := []struct {
			name     string
			disk     hosting.WebDiskAccount
			wantCode string
		}{
			{"every field, lower-cased", hosting.WebDiskAccount{AccountID: alice.ID, User: "Dav", Domain: "Alice.Example",
				PasswordHash: "$6$s$h", DigestHA1: ha1, HomeDir: "public_html/dav", Perms: hosting.WebDiskReadOnly,
				Private: true, EnableDigest: true}, ""},
			{"same user, other domain", hosting.WebDiskAccount{AccountID: alice.ID, User: "taken", Domain: "alice.org",
				Perms: hosting.WebDiskReadWrite}, ""},
			{"login taken", hosting.WebDiskAccount{AccountID: alice.ID, User: "TAKEN", Domain: "alice.example",
				Perms: hosting.WebDiskReadWrite}, hosting.ECONFLICT},
			{"domain of another account", hosting.WebDiskAccount{AccountID: alice.ID, User: "x", Domain: "bob.example",
				Perms: hosting.WebDiskReadWrite}, hosting.ENOTFOUND},
			{"unknown domain", hosting.WebDiskAccount{AccountID: alice.ID, User: "x", Domain: "nobody.example",
				Perms: hosting.WebDiskReadWrite}, hosting.ENOTFOUND},
			{"missing account", hosting.WebDiskAccount{AccountID: bob.ID + 100, User: "x", Domain: "bob.example",
				Perms: hosting.WebDiskReadWrite}, hosting.ENOTFOUND},
			{"bad perms", hosting.WebDiskAccount{AccountID: alice.ID, User: "x", Domain: "alice.example",
				Perms: "rwx"}, hosting.EINVALID},
			{"empty perms", hosting.WebDiskAccount{AccountID: alice.ID, User: "y", Domain: "alice.example"}, hosting.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w := tt.disk
				err := db.CreateWebDiskAccount(ctx, &w)
				wantStored(t, err, tt.wantCode, w.ID, w.CreatedAt, &w, func() (any, error) {
					return db.FindWebDiskAccount(ctx, w.AccountID, w.User, w.Domain)
				})
			})
		}
	})
}

func TestFindWebDiskAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		dav := mustWebDisk(t, db, alice.ID, "dav", "alice.example")
		type find func() (*hosting.WebDiskAccount, error)
		tests := []struct {
			name     string
			find     find
			wantCode string
		}{
			{"own", func() (*hosting.WebDiskAccount, error) {
				return db.FindWebDiskAccount(ctx, alice.ID, "dav", "alice.example")
			}, ""},
			{"own, any case", func() (*hosting.WebDiskAccount, error) {
				return db.FindWebDiskAccount(ctx, alice.ID, "DAV", "Alice.Example")
			}, ""},
			{"another account's", func() (*hosting.WebDiskAccount, error) {
				return db.FindWebDiskAccount(ctx, bob.ID, "dav", "alice.example")
			}, hosting.ENOTFOUND},
			{"missing", func() (*hosting.WebDiskAccount, error) {
				return db.FindWebDiskAccount(ctx, alice.ID, "nope", "alice.example")
			},
				hosting.ENOTFOUND},
			{"by login", func() (*hosting.WebDiskAccount, error) {
				return db.FindWebDiskAccountByLogin(ctx, "Dav", "ALICE.example")
			}, ""},
			{"by login missing", func() (*hosting.WebDiskAccount, error) {
				return db.FindWebDiskAccountByLogin(ctx, "dav", "bob.example")
			},
				hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := tt.find()
				wantCode(t, err, tt.wantCode)
				if err == nil && !reflect.DeepEqual(got, dav) {
					t.Fatalf("got\n%+v\nwant\n%+v", got, dav)
				} else if err != nil && got != nil {
					t.Fatalf("got %+v with error %v", got, err)
				}
			})
		}
	})
}

func TestListWebDiskAccounts(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "a.example")
		bob := mustAccount(t, db, "bob", "bob.example")
		if ws, err := db.ListWebDiskAccounts(ctx, alice.ID); err != nil || ws == nil || len(ws) != 0 {
			t.Fatalf("no Web Disk accounts: %v, %v", ws, err)
		}
		for _, login := range [][2]string{{"a", "alice.example"}, {"a.b", "alice.example"}, {"a", "a.example"}, {"z", "a.example"}} {
			mustWebDisk(t, db, alice.ID, login[0], login[1])
		}
		mustWebDisk(t, db, bob.ID, "b", "bob.example")
		ws, err := db.ListWebDiskAccounts(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		var logins []string
		for _, w := range ws {
			logins = append(logins, w.Login())
		}
		want := []string{"a.b@alice.example", "a@a.example", "a@alice.example", "z@a.example"}
		if !reflect.DeepEqual(logins, want) {
			t.Fatalf("logins %v, want %v", logins, want)
		}
	})
}

func TestUpdateWebDiskAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		w := mustWebDisk(t, db, alice.ID, "dav", "alice.example")
		hash, ha1, home, ro, bad, yes, no := "$6$new$h", "0123456789abcdef0123456789abcdef", "sites/dav",
			hosting.WebDiskReadOnly, "all", true, false
		empty := ""
		tests := []struct {
			name     string
			id       int64
			upd      hosting.WebDiskAccountUpdate
			wantCode string
			check    func(w *hosting.WebDiskAccount) bool
		}{
			{"password and digest", w.ID, hosting.WebDiskAccountUpdate{PasswordHash: &hash, DigestHA1: &ha1, EnableDigest: &yes}, "",
				func(w *hosting.WebDiskAccount) bool { return w.PasswordHash == hash && w.HasDigest() }},
			{"home, perms, private", w.ID, hosting.WebDiskAccountUpdate{HomeDir: &home, Perms: &ro, Private: &yes}, "",
				func(w *hosting.WebDiskAccount) bool { return w.HomeDir == home && w.ReadOnly() && w.Private }},
			{"nothing", w.ID, hosting.WebDiskAccountUpdate{}, "",
				func(w *hosting.WebDiskAccount) bool { return w.PasswordHash == hash && w.HomeDir == home }},
			{"digest off", w.ID, hosting.WebDiskAccountUpdate{DigestHA1: &empty, EnableDigest: &no}, "",
				func(w *hosting.WebDiskAccount) bool { return !w.EnableDigest && w.DigestHA1 == "" }},
			{"bad perms", w.ID, hosting.WebDiskAccountUpdate{Perms: &bad}, hosting.EINVALID,
				func(w *hosting.WebDiskAccount) bool { return w.Perms == ro }},
			{"missing", w.ID + 100, hosting.WebDiskAccountUpdate{Perms: &ro}, hosting.ENOTFOUND, nil},
			{"missing, nothing to change", w.ID + 100, hosting.WebDiskAccountUpdate{}, hosting.ENOTFOUND, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.UpdateWebDiskAccount(ctx, tt.id, tt.upd), tt.wantCode)
				if tt.check == nil {
					return
				}
				got, err := db.FindWebDiskAccountByLogin(ctx, "dav", "alice.example")
				if err != nil || !tt.check(got) {
					t.Fatalf("after update: %+v, %v", got, err)
				}
			})
		}
	})
}

func TestDeleteWebDiskAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		w := mustWebDisk(t, db, alice.ID, "dav", "alice.example")
		other := mustWebDisk(t, db, alice.ID, "other", "alice.example")
		wantCode(t, db.DeleteWebDiskAccount(ctx, w.ID), "")
		wantCode(t, db.DeleteWebDiskAccount(ctx, w.ID), hosting.ENOTFOUND)
		_, err := db.FindWebDiskAccountByLogin(ctx, "dav", "alice.example")
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindWebDiskAccountByLogin(ctx, other.User, other.Domain)
		wantCode(t, err, "")
	})
}

// TestWebDiskAccountsCascade: a Web Disk login goes with its domain and with
// its account, so whoever gets the domain next cannot log in with it.
func TestWebDiskAccountsCascade(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		bob := mustAccount(t, db, "bob", "bob.example")
		mustWebDisk(t, db, alice.ID, "keep", "alice.example")
		mustWebDisk(t, db, alice.ID, "gone", "alice.org")
		mustWebDisk(t, db, bob.ID, "b", "bob.example")
		wantCode(t, db.RemoveDomain(ctx, alice.ID, "alice.org"), "")
		_, err := db.FindWebDiskAccountByLogin(ctx, "gone", "alice.org")
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindWebDiskAccountByLogin(ctx, "keep", "alice.example")
		wantCode(t, err, "")
		wantCode(t, db.DeleteAccount(ctx, alice.ID), "")
		_, err = db.FindWebDiskAccountByLogin(ctx, "keep", "alice.example")
		wantCode(t, err, hosting.ENOTFOUND)
		if ws, err := db.ListWebDiskAccounts(ctx, bob.ID); err != nil || len(ws) != 1 {
			t.Fatalf("bob's logins after alice's deletion: %v, %v", ws, err)
		}
	})
}
