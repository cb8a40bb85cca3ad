package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// mustSub creates the Subaccount user@domain with a GUID derived from its
// name.
func mustSub(tb testing.TB, db *store.DB, accountID int64, user, domain string) *hosting.Subaccount {
	tb.Helper()
	s := &hosting.Subaccount{AccountID: accountID, GUID: "G:" + user + "@" + domain, User: user, Domain: domain,
		PasswordHash: "$6$s$h", SyncedPassword: true}
	if err := db.CreateSubaccount(context.Background(), s); err != nil {
		tb.Fatalf("CreateSubaccount(%s@%s): %v", user, domain, err)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func TestCreateSubaccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		bob := mustAccount(t, db, "bob", "bob.example")
		mustSub(t, db, alice.ID, "taken", "alice.example")
		expires := time.Unix(1_900_000_000, 0).UTC()
		tests := []struct {
			name     string
			sub      hosting.Subaccount
			wantCode string
		}{
			{"every field, lower-cased", hosting.Subaccount{AccountID: alice.ID, GUID: "G1", User: "Ann", Domain: "Alice.Example",
				RealName: ptr("Ann Example"), AlternateEmail: ptr("ann@example.net"), PhoneNumber: ptr("+15551234567"),
				AvatarURL: ptr("https://img.example/a.jpg"), PasswordHash: "$6$s$h", SyncedPassword: true,
				InviteHash: "abc", InviteExpires: &expires}, ""},
			{"empty contact fields are kept apart from unset ones", hosting.Subaccount{AccountID: alice.ID, GUID: "G2",
				User: "empty", Domain: "alice.example", RealName: ptr(""), PasswordHash: "$6$s$h"}, ""},
			{"same user, other domain", hosting.Subaccount{AccountID: alice.ID, GUID: "G3", User: "taken",
				Domain: "alice.org", PasswordHash: "$6$s$h"}, ""},
			{"name taken", hosting.Subaccount{AccountID: alice.ID, GUID: "G4", User: "TAKEN", Domain: "alice.example",
				PasswordHash: "$6$s$h"}, hosting.ECONFLICT},
			{"guid taken", hosting.Subaccount{AccountID: alice.ID, GUID: "G1", User: "other", Domain: "alice.example",
				PasswordHash: "$6$s$h"}, hosting.ECONFLICT},
			{"domain of another account", hosting.Subaccount{AccountID: alice.ID, GUID: "G5", User: "x",
				Domain: "bob.example", PasswordHash: "$6$s$h"}, hosting.ENOTFOUND},
			{"unknown domain", hosting.Subaccount{AccountID: alice.ID, GUID: "G6", User: "x",
				Domain: "nobody.example", PasswordHash: "$6$s$h"}, hosting.ENOTFOUND},
			{"missing account", hosting.Subaccount{AccountID: bob.ID + 100, GUID: "G7", User: "x",
				Domain: "bob.example", PasswordHash: "$6$s$h"}, hosting.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := tt.sub
				err := db.CreateSubaccount(ctx, &s)
				wantStored(t, err, tt.wantCode, s.ID, s.CreatedAt, &s, func() (any, error) {
					return db.FindSubaccount(ctx, s.AccountID, s.User, s.Domain)
				})
			})
		}
	})
}

func TestFindSubaccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := mustAccount(t, db, "alice", "alice.example"), mustAccount(t, db, "bob", "bob.example")
		ann := mustSub(t, db, alice.ID, "ann", "alice.example")
		if got, err := db.FindSubaccount(ctx, alice.ID, "ANN", "Alice.Example"); err != nil || got.ID != ann.ID {
			t.Fatalf("by name, any case: %+v, %v", got, err)
		}
		if got, err := db.FindSubaccountByGUID(ctx, alice.ID, ann.GUID); err != nil || got.ID != ann.ID {
			t.Fatalf("by guid: %+v, %v", got, err)
		}
		_, err := db.FindSubaccount(ctx, bob.ID, "ann", "alice.example")
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindSubaccountByGUID(ctx, bob.ID, ann.GUID)
		wantCode(t, err, hosting.ENOTFOUND)
		_, err = db.FindSubaccount(ctx, alice.ID, "nobody", "alice.example")
		wantCode(t, err, hosting.ENOTFOUND)
	})
}

func TestListSubaccounts(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "b.example", "a.example")
		bob := mustAccount(t, db, "bob", "bob.example")
		for _, name := range [][2]string{{"zed", "a.example"}, {"Ann", "b.example"}, {"ann", "a.example"}, {"a_b", "a.example"}} {
			mustSub(t, db, alice.ID, name[0], name[1])
		}
		mustSub(t, db, bob.ID, "other", "bob.example")
		subs, err := db.ListSubaccounts(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range subs {
			got = append(got, s.FullUsername())
		}
		want := []string{"a_b@a.example", "ann@a.example", "ann@b.example", "zed@a.example"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ListSubaccounts = %v, want %v", got, want)
		}
		if none, err := db.ListSubaccounts(ctx, bob.ID+100); err != nil || none == nil || len(none) != 0 {
			t.Fatalf("no subaccounts: %v, %v (want an empty, non-nil list)", none, err)
		}
	})
}

func TestUpdateSubaccount(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		s := mustSub(t, db, alice.ID, "ann", "alice.example")
		expires := time.Unix(1_900_000_000, 0).UTC()
		steps := []struct {
			name   string
			upd    hosting.SubaccountUpdate
			change func(s *hosting.Subaccount)
		}{
			{"nothing", hosting.SubaccountUpdate{}, func(*hosting.Subaccount) {}},
			{"contact fields", hosting.SubaccountUpdate{RealName: ptr("Ann"), AlternateEmail: ptr("a@b.example"),
				PhoneNumber: ptr("+1 555"), AvatarURL: ptr("https://x.example/a.png")}, func(s *hosting.Subaccount) {
				s.RealName, s.AlternateEmail, s.PhoneNumber, s.AvatarURL = ptr("Ann"), ptr("a@b.example"), ptr("+1 555"),
					ptr("https://x.example/a.png")
			}},
			{"set empty", hosting.SubaccountUpdate{RealName: ptr("")}, func(s *hosting.Subaccount) { s.RealName = ptr("") }},
			{"password", hosting.SubaccountUpdate{PasswordHash: ptr("$6$t$u"), SyncedPassword: ptr(false)},
				func(s *hosting.Subaccount) { s.PasswordHash, s.SyncedPassword = "$6$t$u", false }},
			{"invite", hosting.SubaccountUpdate{Invite: &hosting.SubaccountInvite{Hash: "h1", Expires: expires}},
				func(s *hosting.Subaccount) { s.InviteHash, s.InviteExpires = "h1", &expires }},
			{"clear invite", hosting.SubaccountUpdate{Invite: &hosting.SubaccountInvite{}},
				func(s *hosting.Subaccount) { s.InviteHash, s.InviteExpires = "", nil }},
		}
		want := *s
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				if err := db.UpdateSubaccount(ctx, s.ID, st.upd); err != nil {
					t.Fatal(err)
				}
				st.change(&want)
				got, err := db.FindSubaccount(ctx, alice.ID, "ann", "alice.example")
				if err != nil || !reflect.DeepEqual(got, &want) {
					t.Fatalf("after update\n%+v, %v\nwant\n%+v", got, err, &want)
				}
			})
		}
		wantCode(t, db.UpdateSubaccount(ctx, s.ID+100, hosting.SubaccountUpdate{}), hosting.ENOTFOUND)
		wantCode(t, db.UpdateSubaccount(ctx, s.ID+100, hosting.SubaccountUpdate{RealName: ptr("x")}), hosting.ENOTFOUND)
	})
}

func TestAcceptInvite(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example")
		now := time.Unix(1_800_000_000, 0).UTC()
		s := mustSub(t, db, alice.ID, "ann", "alice.example")
		old := mustSub(t, db, alice.ID, "old", "alice.example")
		for sub, inv := range map[*hosting.Subaccount]hosting.SubaccountInvite{
			s: {Hash: "fresh", Expires: now.Add(time.Hour)}, old: {Hash: "stale", Expires: now}} {
			if err := db.UpdateSubaccount(ctx, sub.ID, hosting.SubaccountUpdate{Invite: &inv, SyncedPassword: ptr(false)}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := db.AcceptInvite(ctx, "stale", now, "$6$n$n")
		wantCode(t, err, hosting.EINVALID)
		_, err = db.AcceptInvite(ctx, "unknown", now, "$6$n$n")
		wantCode(t, err, hosting.ENOTFOUND)
		if err := db.UpdateAccount(ctx, alice.ID, hosting.AccountUpdate{Suspended: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		_, err = db.AcceptInvite(ctx, "fresh", now, "$6$n$n")
		wantCode(t, err, hosting.EFORBIDDEN) // suspended: refused, and the invitation is kept
		if err := db.UpdateAccount(ctx, alice.ID, hosting.AccountUpdate{Suspended: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		got, err := db.AcceptInvite(ctx, "fresh", now, "$6$n$n")
		if err != nil || got.ID != s.ID || got.PasswordHash != "$6$n$n" || !got.SyncedPassword || got.InviteHash != "" {
			t.Fatalf("AcceptInvite = %+v, %v", got, err)
		}
		if back, _ := db.FindSubaccount(ctx, alice.ID, "ann", "alice.example"); !reflect.DeepEqual(back, got) {
			t.Fatalf("stored %+v, returned %+v", back, got)
		}
		_, err = db.AcceptInvite(ctx, "fresh", now, "$6$again$x")
		wantCode(t, err, hosting.ENOTFOUND) // single use
		if back, _ := db.FindSubaccount(ctx, alice.ID, "old", "alice.example"); back.InviteHash != "stale" {
			t.Fatalf("an expired invitation stays visible: %+v", back)
		}
	})
}

func TestServiceAnnotations(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		bob := mustAccount(t, db, "bob", "bob.example")
		ann := mustSub(t, db, alice.ID, "ann", "alice.example")
		bobSub := mustSub(t, db, bob.ID, "bo", "bob.example")
		put := func(a hosting.ServiceAnnotation) error { return db.PutServiceAnnotation(ctx, &a) }
		wantCode(t, put(hosting.ServiceAnnotation{AccountID: alice.ID, Service: "ftp", User: "Ann", Domain: "alice.example",
			ServiceID: 7, OwnerGUID: ann.GUID}), "")
		wantCode(t, put(hosting.ServiceAnnotation{AccountID: alice.ID, Service: "email", User: "ann", Domain: "alice.example",
			ServiceID: 3, Dismissed: true}), "")
		wantCode(t, put(hosting.ServiceAnnotation{AccountID: alice.ID, Service: "webdisk", User: "x", Domain: "alice.org",
			ServiceID: 9, Dismissed: true}), "")
		// Replacing: the email account becomes linked instead of dismissed.
		wantCode(t, put(hosting.ServiceAnnotation{AccountID: alice.ID, Service: "email", User: "ann", Domain: "alice.example",
			ServiceID: 4, OwnerGUID: ann.GUID}), "")
		bad := []struct {
			name string
			a    hosting.ServiceAnnotation
			code string
		}{
			{"unknown service", hosting.ServiceAnnotation{AccountID: alice.ID, Service: "mysql", User: "a", Domain: "alice.example"}, hosting.EINVALID},
			{"domain of another account", hosting.ServiceAnnotation{AccountID: alice.ID, Service: "ftp", User: "a", Domain: "bob.example"}, hosting.ENOTFOUND},
			{"owner of another account", hosting.ServiceAnnotation{AccountID: alice.ID, Service: "ftp", User: "bo", Domain: "alice.example", OwnerGUID: bobSub.GUID}, hosting.ENOTFOUND},
			{"unknown owner", hosting.ServiceAnnotation{AccountID: alice.ID, Service: "ftp", User: "a", Domain: "alice.example", OwnerGUID: "nope"}, hosting.ENOTFOUND},
		}
		for _, b := range bad {
			t.Run(b.name, func(t *testing.T) { wantCode(t, put(b.a), b.code) })
		}
		want := []hosting.ServiceAnnotation{
			{AccountID: alice.ID, Service: "email", User: "ann", Domain: "alice.example", ServiceID: 4, OwnerGUID: ann.GUID},
			{AccountID: alice.ID, Service: "ftp", User: "ann", Domain: "alice.example", ServiceID: 7, OwnerGUID: ann.GUID},
			{AccountID: alice.ID, Service: "webdisk", User: "x", Domain: "alice.org", ServiceID: 9, Dismissed: true},
		}
		checkAnnotations(t, db, alice.ID, want)
		named, err := db.FindServiceAnnotations(ctx, alice.ID, "ANN", "alice.example")
		if err != nil || len(named) != 2 || *named[0] != want[0] || *named[1] != want[1] {
			t.Fatalf("FindServiceAnnotations = %v, %v", named, err)
		}
		if other, _ := db.ListServiceAnnotations(ctx, bob.ID); len(other) != 0 {
			t.Fatalf("bob sees %v", other)
		}
		if ok, err := db.DeleteServiceAnnotation(ctx, alice.ID, "webdisk", "X", "alice.org"); !ok || err != nil {
			t.Fatalf("delete: %v, %v", ok, err)
		}
		if ok, err := db.DeleteServiceAnnotation(ctx, alice.ID, "webdisk", "x", "alice.org"); ok || err != nil {
			t.Fatalf("delete again: %v, %v", ok, err)
		}
		checkAnnotations(t, db, alice.ID, want[:2])
		// Deleting the Subaccount removes its links.
		if err := db.DeleteSubaccount(ctx, ann.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.DeleteSubaccount(ctx, ann.ID), hosting.ENOTFOUND)
		checkAnnotations(t, db, alice.ID, nil)
	})
}

// TestSubaccountsGoWithTheDomain: removing a domain removes the Subaccounts
// and annotations on it, so whoever gets the domain next inherits nothing.
func TestSubaccountsGoWithTheDomain(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice := mustAccount(t, db, "alice", "alice.example", "alice.org")
		mustSub(t, db, alice.ID, "ann", "alice.org")
		keep := mustSub(t, db, alice.ID, "ann", "alice.example")
		for _, d := range []string{"alice.org", "alice.example"} {
			a := hosting.ServiceAnnotation{AccountID: alice.ID, Service: "ftp", User: "ann", Domain: d, ServiceID: 1, Dismissed: true}
			if err := db.PutServiceAnnotation(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RemoveDomain(ctx, alice.ID, "alice.org"); err != nil {
			t.Fatal(err)
		}
		subs, err := db.ListSubaccounts(ctx, alice.ID)
		if err != nil || len(subs) != 1 || subs[0].ID != keep.ID {
			t.Fatalf("subaccounts left: %v, %v", subs, err)
		}
		checkAnnotations(t, db, alice.ID, []hosting.ServiceAnnotation{
			{AccountID: alice.ID, Service: "ftp", User: "ann", Domain: "alice.example", ServiceID: 1, Dismissed: true}})
		if err := db.DeleteAccount(ctx, alice.ID); err != nil {
			t.Fatal(err)
		}
		if subs, _ := db.ListSubaccounts(ctx, alice.ID); len(subs) != 0 {
			t.Fatalf("subaccounts outlive their account: %v", subs)
		}
	})
}

func checkAnnotations(tb testing.TB, db *store.DB, accountID int64, want []hosting.ServiceAnnotation) {
	tb.Helper()
	got, err := db.ListServiceAnnotations(context.Background(), accountID)
	if err != nil {
		tb.Fatal(err)
	}
	var vals []hosting.ServiceAnnotation
	for _, a := range got {
		vals = append(vals, *a)
	}
	if !reflect.DeepEqual(vals, want) {
		tb.Fatalf("annotations\n%+v\nwant\n%+v", vals, want)
	}
}
