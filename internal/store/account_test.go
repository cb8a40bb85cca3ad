package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

func TestCreateAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		mustAccount(t, db, "alice", "alice.example")
		tests := []struct {
			name        string
			account     hosting.Account
			wantCode    string
			wantDomains []string
		}{
			{"primary and others", hosting.Account{Name: "bob", Domain: "Bob.Example",
				Domains: []string{"bob.example", "z.example", "A.example"}}, "", []string{"bob.example", "a.example", "z.example"}},
			{"primary from Domains", hosting.Account{Name: "carol", Domains: []string{"carol.example", "c2.example"}},
				"", []string{"carol.example", "c2.example"}},
			{"name taken", hosting.Account{Name: "alice", Domain: "other.example"}, hosting.ECONFLICT, nil},
			{"domain taken", hosting.Account{Name: "dave", Domain: "dave.example", Domains: []string{"ALICE.example"}}, hosting.ECONFLICT, nil},
			{"no domain", hosting.Account{Name: "erin"}, hosting.EINVALID, nil},
			{"feature with comma", hosting.Account{Name: "frank", Domain: "frank.example", Features: []string{"ftpaccts,webdisk"}}, hosting.EINVALID, nil},
			{"empty feature", hosting.Account{Name: "grace", Domain: "grace.example", Features: []string{""}}, hosting.EINVALID, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				a := tt.account
				err := db.CreateAccount(ctx, &a)
				wantCode(t, err, tt.wantCode)
				if err != nil {
					// Nothing of a failed create is left behind.
					_, err := db.FindAccountByName(ctx, a.Name)
					if a.Name != "alice" {
						wantCode(t, err, hosting.ENOTFOUND)
					}
					return
				}
				if a.ID == 0 || time.Since(a.CreatedAt) > time.Minute || !reflect.DeepEqual(a.Domains, tt.wantDomains) || a.Domain != tt.wantDomains[0] {
					t.Fatalf("after create: id %d, created %v, domain %q, domains %v", a.ID, a.CreatedAt, a.Domain, a.Domains)
				}
				got, err := db.FindAccountByID(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if a.Features == nil {
					a.Features = []string{} // stored as an empty list
				}
				if !reflect.DeepEqual(got, &a) {
					t.Fatalf("read back\n%+v\nwant\n%+v", got, &a)
				}
			})
		}
	})
}

func TestFindAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		tests := []struct {
			name     string
			find     func() (*hosting.Account, error)
			wantCode string
		}{
			{"by name", func() (*hosting.Account, error) { return db.FindAccountByName(ctx, "alice") }, ""},
			{"by name missing", func() (*hosting.Account, error) { return db.FindAccountByName(ctx, "nobody") }, hosting.ENOTFOUND},
			{"by primary domain", func() (*hosting.Account, error) { return db.FindAccountByDomain(ctx, "alice.example") }, ""},
			{"by other domain, any case", func() (*hosting.Account, error) { return db.FindAccountByDomain(ctx, "Alice.ORG") }, ""},
			{"by domain missing", func() (*hosting.Account, error) { return db.FindAccountByDomain(ctx, "nobody.example") }, hosting.ENOTFOUND},
			{"by id", func() (*hosting.Account, error) { return db.FindAccountByID(ctx, alice.ID) }, ""},
			{"by id missing", func() (*hosting.Account, error) { return db.FindAccountByID(ctx, alice.ID+100) }, hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := tt.find()
				wantCode(t, err, tt.wantCode)
				if err == nil && !reflect.DeepEqual(got, alice) {
					t.Fatalf("got\n%+v\nwant\n%+v", got, alice)
				} else if err != nil && got != nil {
					t.Fatalf("got %+v with error %v", got, err)
				}
			})
		}
	})
}

func TestListAccounts(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if as, err := db.ListAccounts(ctx); err != nil || as == nil || len(as) != 0 {
			t.Fatalf("empty store: %v, %v", as, err)
		}
		// Byte order on both databases: "Zed" < "al_x" < "alice" < "bob".
		for _, name := range []string{"bob", "alice", "Zed", "al_x"} {
			mustAccount(t, db, name, name+".example", "x-"+name+".example")
		}
		as, err := db.ListAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range as {
			names = append(names, a.Name)
			if len(a.Domains) != 2 || a.Domains[0] != a.Domain {
				t.Errorf("%s: domain %q, domains %v", a.Name, a.Domain, a.Domains)
			}
		}
		if want := []string{"Zed", "al_x", "alice", "bob"}; !reflect.DeepEqual(names, want) {
			t.Fatalf("order %v, want %v", names, want)
		}
	})
}

func TestUpdateAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustAccount(t, db, "alice", "alice.example")
		hash, quota, yes := "$6$new$hash", int64(5), true
		tests := []struct {
			name     string
			id       int64
			upd      hosting.AccountUpdate
			wantCode string
			check    func(a *hosting.Account) bool
		}{
			{"password", a.ID, hosting.AccountUpdate{PasswordHash: &hash}, "",
				func(a *hosting.Account) bool { return a.PasswordHash == hash }},
			{"quota and suspended", a.ID, hosting.AccountUpdate{QuotaMB: &quota, Suspended: &yes}, "",
				func(a *hosting.Account) bool { return a.QuotaMB == 5 && a.Suspended }},
			{"nil features kept", a.ID, hosting.AccountUpdate{}, "",
				func(a *hosting.Account) bool { return len(a.Features) == len(hosting.AllFeatures()) }},
			{"features replaced", a.ID, hosting.AccountUpdate{Features: []string{hosting.FeatureWebDisk}}, "",
				func(a *hosting.Account) bool { return reflect.DeepEqual(a.Features, []string{hosting.FeatureWebDisk}) }},
			{"empty features clear", a.ID, hosting.AccountUpdate{Features: []string{}}, "",
				func(a *hosting.Account) bool { return len(a.Features) == 0 }},
			{"bad feature", a.ID, hosting.AccountUpdate{Features: []string{"a,b"}}, hosting.EINVALID, nil},
			{"missing", a.ID + 100, hosting.AccountUpdate{QuotaMB: &quota}, hosting.ENOTFOUND, nil},
			{"missing, nothing to change", a.ID + 100, hosting.AccountUpdate{}, hosting.ENOTFOUND, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.UpdateAccount(ctx, tt.id, tt.upd), tt.wantCode)
				if tt.check == nil {
					return
				}
				got, err := db.FindAccountByID(ctx, tt.id)
				if err != nil || !tt.check(got) {
					t.Fatalf("after update: %+v, %v", got, err)
				}
			})
		}
	})
}

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustAccount(t, db, "alice", "alice.example")
		wantCode(t, db.DeleteAccount(ctx, a.ID), "")
		wantCode(t, db.DeleteAccount(ctx, a.ID), hosting.ENOTFOUND)
		_, err := db.FindAccountByName(ctx, "alice")
		wantCode(t, err, hosting.ENOTFOUND)
		// Ids are not reused: a stale id must never name a new account.
		if b := mustAccount(t, db, "bob", "bob.example"); b.ID == a.ID {
			t.Fatalf("id %d reused", a.ID)
		}
	})
}

// TestDeleteAccountCascades: deleting an account removes everything it owns
// and frees its domains, but touches no other account.
func TestDeleteAccountCascades(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example", "alice.org"), mustAccount(t, db, "bob", "bob.example")
		for _, a := range []*hosting.Account{alice, bob} {
			mustToken(t, db, a.ID, "t1")
			mustSession(t, db, a.Name+"-session", a.ID, time.Now())
			mustFTPAccount(t, db, a.ID, "ftp", a.Domain)
		}
		wantCode(t, db.DeleteAccount(ctx, alice.ID), "")

		_, err := db.FindTokenByHash(ctx, alice.ID, "hash-t1")
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindSession(ctx, "alice-session")
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindFTPAccountByLogin(ctx, "ftp", "alice.example")
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindAccountByDomain(ctx, "alice.org")
		wantCode(t, err, hosting.ENOTFOUND)
		wantCode(t, db.AddDomain(ctx, bob.ID, "alice.org"), "")

		_, err = db.FindTokenByHash(ctx, bob.ID, "hash-t1")
		wantCode(t, err, "")
		_, err = db.FindSession(ctx, "bob-session")
		wantCode(t, err, "")
		_, err = db.FindFTPAccountByLogin(ctx, "ftp", "bob.example")
		wantCode(t, err, "")
	})
}

func TestAddDomain(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		mustAccount(t, db, "bob", "bob.example")
		tests := []struct {
			name, domain string
			id           int64
			wantCode     string
		}{
			{"new, any case", "New.Example", alice.ID, ""},
			{"owned already", "alice.example", alice.ID, hosting.ECONFLICT},
			{"owned already, other case", "NEW.example", alice.ID, hosting.ECONFLICT},
			{"another account's", "bob.example", alice.ID, hosting.ECONFLICT},
			{"missing account", "free.example", alice.ID + 100, hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.AddDomain(ctx, tt.id, tt.domain), tt.wantCode)
			})
		}
		got, err := db.FindAccountByDomain(ctx, "new.example")
		if err != nil || got.ID != alice.ID || !reflect.DeepEqual(got.Domains, []string{"alice.example", "new.example"}) {
			t.Fatalf("after AddDomain: %+v, %v", got, err)
		}
	})
}

func TestRemoveDomain(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org", "alice.net")
		mustAccount(t, db, "bob", "bob.example", "bob.org")
		tests := []struct {
			name, domain string
			wantCode     string
		}{
			{"secondary, any case", "Alice.ORG", ""},
			{"removed already", "alice.org", hosting.ENOTFOUND},
			{"primary", "alice.example", hosting.EINVALID},
			{"another account's", "bob.org", hosting.ENOTFOUND},
			{"unknown", "nobody.example", hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, db.RemoveDomain(ctx, alice.ID, tt.domain), tt.wantCode)
			})
		}
		got, err := db.FindAccountByID(ctx, alice.ID)
		if err != nil || !reflect.DeepEqual(got.Domains, []string{"alice.example", "alice.net"}) {
			t.Fatalf("after RemoveDomain: %+v, %v", got, err)
		}
		if b, err := db.FindAccountByDomain(ctx, "bob.org"); err != nil || b.Name != "bob" {
			t.Fatalf("bob.org: %+v, %v", b, err)
		}
	})
}

// TestRemoveDomainCascades: the FTP logins on a removed domain go with it,
// so whoever adds the domain next cannot inherit them.
func TestRemoveDomainCascades(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		mustFTPAccount(t, db, alice.ID, "web", "alice.org")
		mustFTPAccount(t, db, alice.ID, "web", "alice.example")
		wantCode(t, db.RemoveDomain(ctx, alice.ID, "alice.org"), "")
		_, err := db.FindFTPAccountByLogin(ctx, "web", "alice.org")
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindFTPAccountByLogin(ctx, "web", "alice.example")
		wantCode(t, err, "")
	})
}
