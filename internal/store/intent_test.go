package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

func newIntent(id, owner string, at time.Time) *hosting.Intent {
	return &hosting.Intent{ID: id, Kind: "test.kind", AccountID: 7, Owner: owner, Data: []byte(`{"a":1}`), CreatedAt: at}
}

func TestIntents(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		mustNode(t, db, "live", now)
		mustNode(t, db, "dead", now.Add(-time.Hour))
		for i, owner := range []string{"live", "dead", "gone"} {
			if err := db.CreateIntent(ctx, newIntent(owner, owner, now.Add(time.Duration(i)*time.Second))); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateIntent(ctx, newIntent("live", "x", now)); hosting.ErrorCode(err) != hosting.ECONFLICT {
			t.Errorf("same id again: %v, want ECONFLICT", err)
		}
		list, err := db.ListIntents(ctx, now.Add(-time.Minute), 10)
		if err != nil || len(list) != 3 {
			t.Fatalf("ListIntents: %d, %v", len(list), err)
		}
		for i, want := range []struct {
			id   string
			live bool
		}{{"live", true}, {"dead", false}, {"gone", false}} {
			in := list[i]
			if in.ID != want.id || in.OwnerLive != want.live || in.Kind != "test.kind" || in.AccountID != 7 ||
				string(in.Data) != `{"a":1}` || in.CreatedAt.Unix() != now.Add(time.Duration(i)*time.Second).Unix() {
				t.Errorf("intent %d: %+v, want id %s live %v", i, in, want.id, want.live)
			}
		}
		if list, _ := db.ListIntents(ctx, now, 1); len(list) != 1 {
			t.Errorf("limit 1 gave %d", len(list))
		}
		if err := db.UpdateIntent(ctx, "dead", []byte(`{"b":2}`)); err != nil {
			t.Error(err)
		}
		if err := db.UpdateIntent(ctx, "nope", nil); hosting.ErrorCode(err) != hosting.ENOTFOUND {
			t.Errorf("update missing: %v", err)
		}
		if ok, err := db.ClaimIntent(ctx, "dead", "dead", "me"); !ok || err != nil {
			t.Errorf("claim: %v %v", ok, err)
		}
		if ok, err := db.ClaimIntent(ctx, "dead", "dead", "other"); ok || err != nil {
			t.Errorf("second claim: %v %v, want false", ok, err)
		}
		for _, id := range []string{"live", "dead", "gone", "gone"} {
			if err := db.DeleteIntent(ctx, id); err != nil {
				t.Errorf("delete %s: %v", id, err)
			}
		}
		if list, _ := db.ListIntents(ctx, now, 10); len(list) != 0 {
			t.Errorf("left: %v", list)
		}
	})
}

// TestIntentCommitsWithItsStep checks that the ...Intent methods store the
// intent with the step, and neither when the step fails.
func TestIntentCommitsWithItsStep(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustAccount(t, db, "cpuser", "example.com")
		f := mustFTPAccount(t, db, a.ID, "bob", "example.com")
		e := mustEmailAccount(t, db, a.ID, "bob", "example.com")
		w := mustWebDisk(t, db, a.ID, "bob", "example.com")
		s := mustSub(t, db, a.ID, "bob", "example.com")
		now := time.Now()
		steps := []struct {
			name string
			do   func(in *hosting.Intent) error
		}{
			{"ftp", func(in *hosting.Intent) error { return db.DeleteFTPAccountIntent(ctx, f.ID, in) }},
			{"email", func(in *hosting.Intent) error { return db.DeleteEmailAccountIntent(ctx, e.ID, in) }},
			{"webdisk", func(in *hosting.Intent) error { return db.DeleteWebDiskAccountIntent(ctx, w.ID, in) }},
			{"subaccount", func(in *hosting.Intent) error { return db.DeleteSubaccountIntent(ctx, s.ID, in) }},
			{"create subaccount", func(in *hosting.Intent) error {
				return db.CreateSubaccountIntent(ctx, &hosting.Subaccount{AccountID: a.ID, GUID: "G2", User: "ann",
					Domain: "example.com", PasswordHash: "$6$s$h"}, in)
			}},
			{"account", func(in *hosting.Intent) error { return db.DeleteAccountIntent(ctx, a.ID, in) }},
		}
		for _, st := range steps {
			if err := st.do(newIntent(st.name, "n", now)); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			// Again: the step fails (the row is gone, or the name is
			// taken), so its intent must not be stored.
			if err := st.do(newIntent(st.name+" again", "n", now)); err == nil {
				t.Errorf("%s twice succeeded", st.name)
			}
		}
		list, err := db.ListIntents(ctx, now, 100)
		if err != nil || len(list) != len(steps) {
			t.Fatalf("intents: %d (%v), want %d", len(list), err, len(steps))
		}
		if _, err := db.FindAccountByName(ctx, "cpuser"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
			t.Errorf("account still there: %v", err)
		}
	})
}

func TestMergeServiceAccounts(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mustAccount(t, db, "cpuser", "example.com")
		f := mustFTPAccount(t, db, a.ID, "bob", "example.com")
		e := mustEmailAccount(t, db, a.ID, "bob", "example.com")
		anns := func(service string) []*hosting.ServiceAnnotation {
			return []*hosting.ServiceAnnotation{
				{AccountID: a.ID, Service: hosting.ServiceFTP, User: "bob", Domain: "example.com", ServiceID: f.ID},
				{AccountID: a.ID, Service: service, User: "bob", Domain: "example.com", ServiceID: e.ID}}
		}
		sub := &hosting.Subaccount{AccountID: a.ID, GUID: "G", User: "bob", Domain: "example.com", PasswordHash: "$6$s$h"}
		// A bad second annotation fails the whole merge: no Subaccount,
		// no first link.
		if err := db.MergeServiceAccounts(ctx, sub, anns("bogus")); hosting.ErrorCode(err) != hosting.EINVALID {
			t.Fatalf("bad merge: %v", err)
		}
		if _, err := db.FindSubaccount(ctx, a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
			t.Errorf("failed merge left the Subaccount: %v", err)
		}
		sub.ID = 0
		if err := db.MergeServiceAccounts(ctx, sub, anns(hosting.ServiceEmail)); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindServiceAnnotations(ctx, a.ID, "bob", "example.com")
		if err != nil || len(got) != 2 || got[0].OwnerGUID != "G" || got[1].OwnerGUID != "G" {
			t.Errorf("annotations %+v %v", got, err)
		}
		sub.SyncedPassword = true
		if err := db.MergeServiceAccounts(ctx, sub, nil); err != nil {
			t.Fatal(err)
		}
		if s, _ := db.FindSubaccount(ctx, a.ID, "bob", "example.com"); s == nil || s.SyncedPassword {
			t.Errorf("merging into an existing user keeps it synced: %+v", s)
		}
	})
}
