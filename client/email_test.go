package client_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/uapid/uapid/client"
	"github.com/uapid/uapid/internal/password"
)

// emailAddresses lists list_pops' addresses.
func emailAddresses(tb testing.TB, m client.EmailModule, p client.ListPopsParams) []string {
	tb.Helper()
	list, err := m.ListPops(context.Background(), p)
	must(tb, err)
	var out []string
	for _, e := range list {
		out = append(out, e.Email)
	}
	return out
}

func TestEmailAccounts(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).Email()
	ctx := context.Background()
	for _, p := range []client.AddPopParams{
		{Email: "amy", Password: "Amy-pass-1234", Quota: new(int64(250))},
		{Email: "bob@example.net", Password: "Bob-pass-1234"},
		{Email: "carl", Domain: "example.net", Password: "Carl-pass-1234", Quota: new(int64(0))},
	} {
		if _, err := m.AddPop(ctx, p); err != nil {
			t.Fatalf("AddPop %+v: %v", p, err)
		}
	}
	t.Run("add_pop", func(t *testing.T) {
		got, err := m.AddPop(ctx, client.AddPopParams{Email: "dan", Password: "Dan-pass-1234"})
		if got != "dan+example.com" || err != nil {
			t.Errorf("AddPop = %q, %v", got, err)
		}
		if s.mode(t, "mail/example.com/dan/cur") == 0 {
			t.Error("no maildir")
		}
		_, err = m.AddPop(ctx, client.AddPopParams{Email: "amy", Password: "Amy-pass-1234"})
		wantUAPIError(t, err, "The email account “amy@example.com” already exists.")
		_, err = m.AddPop(ctx, client.AddPopParams{Email: "eve"})
		wantUAPIError(t, err, "You must specify either the “password” or the “password_hash” parameter.")
	})
	t.Run("count_pops and list_pops", func(t *testing.T) {
		if n, err := m.CountPops(ctx); n != 4 || err != nil {
			t.Errorf("CountPops = %d, %v", n, err)
		}
		if got := emailAddresses(t, m, client.ListPopsParams{SkipMain: true}); len(got) != 4 {
			t.Errorf("ListPops = %v", got)
		}
		// By default the cPanel account itself comes last, as cPanel documents.
		if got := emailAddresses(t, m, client.ListPopsParams{}); len(got) != 5 || got[4] != testUser {
			t.Errorf("ListPops with the main account = %v", got)
		}
		if got := emailAddresses(t, m, client.ListPopsParams{Regex: "example\\.net$"}); len(got) != 2 {
			t.Errorf("ListPops regex = %v", got)
		}
	})
	t.Run("quotas", func(t *testing.T) {
		for _, tt := range []struct {
			p    client.GetPopQuotaParams
			want client.Quota
		}{
			{client.GetPopQuotaParams{Email: "amy"}, client.Quota{Value: 250}},
			{client.GetPopQuotaParams{Email: "amy@example.com", AsBytes: true}, client.Quota{Value: 250 << 20}},
			{client.GetPopQuotaParams{Email: "bob", Domain: "example.net"}, client.Quota{Value: 1024}},
			{client.GetPopQuotaParams{Email: "carl@example.net"}, client.Quota{Unlimited: true}},
		} {
			if got, err := m.GetPopQuota(ctx, tt.p); got != tt.want || err != nil {
				t.Errorf("GetPopQuota(%+v) = %v, %v; want %v", tt.p, got, err, tt.want)
			}
		}
		must(t, m.EditPopQuota(ctx, client.EditPopQuotaParams{Email: "amy", Quota: new(int64(500))}))
		if q, err := m.GetPopQuota(ctx, client.GetPopQuotaParams{Email: "amy"}); q.Value != 500 || err != nil {
			t.Errorf("after EditPopQuota: %v, %v", q, err)
		}
		must(t, m.EditPopQuota(ctx, client.EditPopQuotaParams{Email: "amy"}))
		if q, err := m.GetPopQuota(ctx, client.GetPopQuotaParams{Email: "amy"}); q.Value != 1024 || err != nil {
			t.Errorf("EditPopQuota without a quota gives the default: %v, %v", q, err)
		}
	})
	t.Run("passwd_pop", func(t *testing.T) {
		must(t, m.PasswdPop(ctx, client.PasswdPopParams{Email: "bob", Domain: "example.net", Password: "Bob-new-5678"}))
		e, err := s.db.FindEmailAccount(ctx, s.acct.ID, "bob", "example.net")
		must(t, err)
		if !password.Verify(e.PasswordHash, "Bob-new-5678") {
			t.Error("the stored password is not the new one")
		}
		wantUAPIError(t, m.PasswdPop(ctx, client.PasswdPopParams{Email: "zed", Password: "Zed-pass-1234"}),
			"The email account “zed@example.com” does not exist.")
	})
	t.Run("delete_pop", func(t *testing.T) {
		must(t, m.DeletePop(ctx, client.DeletePopParams{Email: "dan", Flags: "passwd"}))
		if _, err := os.Stat(s.home("mail/example.com/dan")); err != nil {
			t.Errorf("flags=passwd removed the mail: %v", err)
		}
		must(t, m.DeletePop(ctx, client.DeletePopParams{Email: "amy@example.com"}))
		if _, err := os.Stat(s.home("mail/example.com/amy")); !os.IsNotExist(err) {
			t.Errorf("the mail was kept: %v", err)
		}
		if got := emailAddresses(t, m, client.ListPopsParams{SkipMain: true}); len(got) != 2 {
			t.Errorf("left: %v", got)
		}
		wantUAPIError(t, m.DeletePop(ctx, client.DeletePopParams{Email: "amy"}), "The email account “amy@example.com” does not exist.")
	})
}

func TestEmailWithDisk(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).Email()
	ctx := context.Background()
	_, err := m.AddPop(ctx, client.AddPopParams{Email: "amy", Password: "Amy-pass-1234", Quota: new(int64(4))})
	must(t, err)
	_, err = m.AddPop(ctx, client.AddPopParams{Email: "bob", Domain: "example.net", Password: "Bob-pass-1234", Quota: new(int64(0))})
	must(t, err)
	must(t, os.WriteFile(filepath.Join(s.home("mail/example.com/amy/cur"), "1.msg"), make([]byte, 1<<20), 0o600))

	list, err := m.ListPopsWithDisk(ctx, client.ListPopsWithDiskParams{Domain: "example.com", GetRestrictions: true})
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("domain filter: %+v", list)
	}
	amy := list[0]
	if amy.Email != "amy@example.com" || amy.User != "amy" || amy.Domain != "example.com" || amy.DiskQuota != "4" ||
		amy.TxtDiskQuota != "4" || amy.DiskQuotaBytes != "4194304" || amy.DiskUsedBytes != "1048576" || amy.DiskUsed != "1" ||
		amy.DiskUsedPercent != "25" || amy.DiskUsedPercent20 != "20" || amy.HasSuspended == nil || amy.HoldOutgoing == nil {
		t.Errorf("amy = %+v", amy)
	}
	list, err = m.ListPopsWithDisk(ctx, client.ListPopsWithDiskParams{Email: "bob@example.net", NoDisk: true, InfinityLang: true})
	must(t, err)
	if len(list) != 1 || list[0].DiskQuota != "∞" || list[0].TxtDiskQuota != "unlimited" || list[0].HasSuspended != nil {
		t.Errorf("bob = %+v", list)
	}
	list, err = m.ListPopsWithDisk(ctx, client.ListPopsWithDiskParams{Regex: "^amy", NoDisk: true})
	must(t, err)
	if len(list) != 1 || list[0].DiskUsedBytes != "0" {
		t.Errorf("no_disk: %+v", list)
	}
	if list, err = m.ListPopsWithDisk(ctx, client.ListPopsWithDiskParams{MaxAccounts: 1}); len(list) != 1 || err != nil {
		t.Errorf("maxaccounts: %+v, %v", list, err)
	}
}
