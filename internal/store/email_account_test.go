package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// mustEmailAccount creates the mailbox user@domain with a 100 MB quota.
func mustEmailAccount(tb testing.TB, db *store.DB, accountID int64, user, domain string) *hosting.EmailAccount {
	tb.Helper()
	e := &hosting.EmailAccount{AccountID: accountID, User: user, Domain: domain, PasswordHash: "$6$s$h", QuotaMB: 100}
	if err := db.CreateEmailAccount(context.Background(), e); err != nil {
		tb.Fatalf("CreateEmailAccount(%s@%s): %v", user, domain, err)
	}
	return e
}

func addresses(es []*hosting.EmailAccount) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Address())
	}
	return out
}

func TestCreateEmailAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		bob := mustAccount(t, db, "bob", "bob.example")
		mustEmailAccount(t, db, alice.ID, "taken", "alice.example")
		tests := []struct {
			name     string
			mailbox  hosting.EmailAccount
			wantCode string
		}{
			{"lower-cased", hosting.EmailAccount{AccountID: alice.ID, User: "Info", Domain: "Alice.Example",
				PasswordHash: "$6$s$h", QuotaMB: 250}, ""},
			{"unlimited", hosting.EmailAccount{AccountID: alice.ID, User: "big", Domain: "alice.example", PasswordHash: "x"}, ""},
			{"same user, other domain", hosting.EmailAccount{AccountID: alice.ID, User: "taken", Domain: "alice.org"}, ""},
			{"address taken", hosting.EmailAccount{AccountID: alice.ID, User: "TAKEN", Domain: "alice.example"}, hosting.ECONFLICT},
			{"domain of another account", hosting.EmailAccount{AccountID: alice.ID, User: "x", Domain: "bob.example"}, hosting.ENOTFOUND},
			{"unknown domain", hosting.EmailAccount{AccountID: alice.ID, User: "x", Domain: "nobody.example"}, hosting.ENOTFOUND},
			{"missing account", hosting.EmailAccount{AccountID: bob.ID + 100, User: "x", Domain: "bob.example"}, hosting.ENOTFOUND},
			{"negative quota", hosting.EmailAccount{AccountID: alice.ID, User: "neg", Domain: "alice.example", QuotaMB: -1}, hosting.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := tt.mailbox
				err := db.CreateEmailAccount(ctx, &e)
				wantStored(t, err, tt.wantCode, e.ID, e.CreatedAt, &e, func() (any, error) {
					return db.FindEmailAccount(ctx, e.AccountID, e.User, e.Domain)
				})
			})
		}
	})
}

func TestFindEmailAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		info := mustEmailAccount(t, db, alice.ID, "info", "alice.example")
		tests := []struct {
			name      string
			accountID int64
			user      string
			domain    string
			wantCode  string
		}{
			{"own", alice.ID, "info", "alice.example", ""},
			{"own, any case", alice.ID, "INFO", "Alice.Example", ""},
			{"another account's", bob.ID, "info", "alice.example", hosting.ENOTFOUND},
			{"missing", alice.ID, "nope", "alice.example", hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.FindEmailAccount(ctx, tt.accountID, tt.user, tt.domain)
				wantCode(t, err, tt.wantCode)
				if err == nil && !reflect.DeepEqual(got, info) {
					t.Fatalf("got\n%+v\nwant\n%+v", got, info)
				} else if err != nil && got != nil {
					t.Fatalf("got %+v with error %v", got, err)
				}
			})
		}
	})
}

func TestListEmailAccounts(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "a.example")
		bob := mustAccount(t, db, "bob", "bob.example")
		if es, err := db.ListEmailAccounts(ctx, alice.ID); err != nil || es == nil || len(es) != 0 {
			t.Fatalf("no mailboxes: %v, %v", es, err)
		}
		for _, addr := range [][2]string{{"a", "alice.example"}, {"a.b", "alice.example"}, {"a", "a.example"}, {"z", "a.example"}} {
			mustEmailAccount(t, db, alice.ID, addr[0], addr[1])
		}
		mustEmailAccount(t, db, bob.ID, "b", "bob.example")
		tests := []struct {
			name string
			list func() ([]*hosting.EmailAccount, error)
			want []string
		}{
			// By address string: '.' sorts before '@', so a.b@… comes before a@….
			{"account", func() ([]*hosting.EmailAccount, error) { return db.ListEmailAccounts(ctx, alice.ID) },
				[]string{"a.b@alice.example", "a@a.example", "a@alice.example", "z@a.example"}},
			{"other account", func() ([]*hosting.EmailAccount, error) { return db.ListEmailAccounts(ctx, bob.ID) },
				[]string{"b@bob.example"}},
			{"domain", func() ([]*hosting.EmailAccount, error) { return db.ListDomainEmailAccounts(ctx, "A.example") },
				[]string{"a@a.example", "z@a.example"}},
			{"domain without mailboxes", func() ([]*hosting.EmailAccount, error) { return db.ListDomainEmailAccounts(ctx, "none.example") },
				[]string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				es, err := tt.list()
				if err != nil || es == nil {
					t.Fatalf("list: %v, %v", es, err)
				}
				if got := addresses(es); !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("addresses %v, want %v", got, tt.want)
				}
			})
		}
	})
}

func TestCountEmailAccounts(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "a.example")
		bob := mustAccount(t, db, "bob", "bob.example")
		mustEmailAccount(t, db, alice.ID, "a", "alice.example")
		mustEmailAccount(t, db, alice.ID, "a", "a.example")
		mustEmailAccount(t, db, bob.ID, "b", "bob.example")
		for _, tt := range []struct {
			name string
			id   int64
			want int
		}{{"alice", alice.ID, 2}, {"bob", bob.ID, 1}, {"nobody", bob.ID + 100, 0}} {
			t.Run(tt.name, func(t *testing.T) {
				if n, err := db.CountEmailAccounts(ctx, tt.id); err != nil || n != tt.want {
					t.Fatalf("count %d, %v; want %d", n, err, tt.want)
				}
			})
		}
	})
}

func TestUpdateEmailAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		e := mustEmailAccount(t, db, alice.ID, "info", "alice.example")
		hash, quota, unlimited, negative := "$6$new$h", int64(20), int64(0), int64(-5)
		tests := []struct {
			name     string
			id       int64
			upd      hosting.EmailAccountUpdate
			wantCode string
			check    func(e *hosting.EmailAccount) bool
		}{
			{"password", e.ID, hosting.EmailAccountUpdate{PasswordHash: &hash}, "",
				func(e *hosting.EmailAccount) bool { return e.PasswordHash == hash && e.QuotaMB == 100 }},
			{"quota", e.ID, hosting.EmailAccountUpdate{QuotaMB: &quota}, "",
				func(e *hosting.EmailAccount) bool { return e.QuotaMB == quota && e.PasswordHash == hash }},
			{"unlimited", e.ID, hosting.EmailAccountUpdate{QuotaMB: &unlimited}, "",
				func(e *hosting.EmailAccount) bool { return e.QuotaMB == 0 }},
			{"nothing", e.ID, hosting.EmailAccountUpdate{}, "",
				func(e *hosting.EmailAccount) bool { return e.PasswordHash == hash && e.QuotaMB == 0 }},
			{"negative quota", e.ID, hosting.EmailAccountUpdate{QuotaMB: &negative}, hosting.EINVALID,
				func(e *hosting.EmailAccount) bool { return e.QuotaMB == 0 }},
			{"missing", e.ID + 100, hosting.EmailAccountUpdate{QuotaMB: &quota}, hosting.ENOTFOUND, nil},
			{"missing, nothing to change", e.ID + 100, hosting.EmailAccountUpdate{}, hosting.ENOTFOUND, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.UpdateEmailAccount(ctx, tt.id, tt.upd), tt.wantCode)
				if tt.check == nil {
					return
				}
				got, err := db.FindEmailAccount(ctx, alice.ID, "info", "alice.example")
				if err != nil || !tt.check(got) {
					t.Fatalf("after update: %+v, %v", got, err)
				}
			})
		}
	})
}

func TestDeleteEmailAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		e := mustEmailAccount(t, db, alice.ID, "info", "alice.example")
		other := mustEmailAccount(t, db, alice.ID, "other", "alice.example")
		wantCode(t, db.DeleteEmailAccount(ctx, e.ID), "")
		wantCode(t, db.DeleteEmailAccount(ctx, e.ID), hosting.ENOTFOUND)
		_, err := db.FindEmailAccount(ctx, alice.ID, "info", "alice.example")
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindEmailAccount(ctx, alice.ID, other.User, other.Domain)
		wantCode(t, err, "")
	})
}

// TestEmailAccountsFollowDomain: removing a domain or the account removes
// its mailboxes, so whoever is given the domain next cannot inherit them.
func TestEmailAccountsFollowDomain(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		bob := mustAccount(t, db, "bob", "bob.example")
		mustEmailAccount(t, db, alice.ID, "info", "alice.example")
		mustEmailAccount(t, db, alice.ID, "info", "alice.org")
		mustEmailAccount(t, db, bob.ID, "info", "bob.example")
		if err := db.RemoveDomain(ctx, alice.ID, "alice.org"); err != nil {
			t.Fatal(err)
		}
		if err := db.AddDomain(ctx, bob.ID, "alice.org"); err != nil {
			t.Fatal(err)
		}
		if es, _ := db.ListDomainEmailAccounts(ctx, "alice.org"); len(es) != 0 {
			t.Fatalf("the new owner of alice.org inherited %v", addresses(es))
		}
		if err := db.DeleteAccount(ctx, alice.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountEmailAccounts(ctx, alice.ID); n != 0 {
			t.Fatalf("%d mailboxes left after the account was deleted", n)
		}
		if n, _ := db.CountEmailAccounts(ctx, bob.ID); n != 1 {
			t.Fatalf("bob has %d mailboxes, want 1", n)
		}
	})
}
