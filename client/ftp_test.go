package client_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/client"
)

// ftpLogin logs in to the server's FTP port, returning the error.
func (s *server) ftpLogin(tb testing.TB, user, pass string) (*ftp.ServerConn, error) {
	tb.Helper()
	conn, err := ftp.Dial(s.ftpAddr, ftp.DialWithTimeout(5*time.Second))
	must(tb, err)
	if err := conn.Login(user, pass); err != nil {
		_ = conn.Quit()
		return nil, err
	}
	tb.Cleanup(func() { _ = conn.Quit() })
	return conn, nil
}

// ftpUsers maps list_ftp's users to their records.
func ftpUsers(tb testing.TB, m client.FTPModule, p client.ListFTPParams) map[string]client.FTPAccount {
	tb.Helper()
	list, err := m.ListFTP(context.Background(), p)
	must(tb, err)
	out := map[string]client.FTPAccount{}
	for _, a := range list {
		out[a.User] = a
	}
	return out
}

func TestFTPAccounts(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).Ftp()
	ctx := context.Background()
	must(t, m.AddFTP(ctx, client.AddFTPParams{User: "bob", Pass: "Bob-pass-1234", Homedir: "files/bob", Quota: 10}))
	must(t, m.AddFTP(ctx, client.AddFTPParams{User: "amy@example.net", Pass: "Amy-pass-1234"}))
	must(t, m.AddFTP(ctx, client.AddFTPParams{User: "j.doe", Pass: "Doe-pass-1234"}))
	must(t, m.AddFTP(ctx, client.AddFTPParams{User: "k.doe", Pass: "Doe-pass-1234", DisallowDot: new(false)}))

	t.Run("list_ftp", func(t *testing.T) {
		users := ftpUsers(t, m, client.ListFTPParams{})
		bob := users["bob@example.com"]
		if bob.Type != client.FTPTypeSub || bob.Homedir != s.home("files/bob") || users[testUser].Type != client.FTPTypeMain {
			t.Errorf("list = %+v", users)
		}
		for _, want := range []string{"amy@example.net", "jdoe@example.com", "k.doe@example.com"} {
			if _, ok := users[want]; !ok {
				t.Errorf("%s missing from %v", want, users)
			}
		}
		if fi, err := os.Stat(s.home("files/bob")); err != nil || !fi.IsDir() {
			t.Errorf("homedir not created: %v", err)
		}
		if subs := ftpUsers(t, m, client.ListFTPParams{IncludeAcctTypes: []string{client.FTPTypeSub}}); len(subs) != 4 {
			t.Errorf("only subs: %v", subs)
		}
		others := ftpUsers(t, m, client.ListFTPParams{SkipAcctTypes: []string{client.FTPTypeSub, client.FTPTypeAnonymous}})
		if _, ok := others["bob@example.com"]; ok || others[testUser].Type != client.FTPTypeMain {
			t.Errorf("without subs: %v", others)
		}
	})
	t.Run("ftp_exists", func(t *testing.T) {
		must(t, m.FTPExists(ctx, "bob", ""))
		must(t, m.FTPExists(ctx, "amy", "example.net"))
		wantUAPIError(t, m.FTPExists(ctx, "nobody", ""), "The FTP account “nobody” at domain “example.com” does not exist.")
	})
	t.Run("quota", func(t *testing.T) {
		if q, err := m.GetQuota(ctx, "bob@example.com", ""); err != nil || q != (client.Quota{Value: 10}) {
			t.Errorf("GetQuota = %v, %v", q, err)
		}
		must(t, m.SetQuota(ctx, client.FTPSetQuotaParams{User: "bob", Quota: 0}))
		if q, err := m.GetQuota(ctx, "bob", ""); err != nil || !q.Unlimited || q.String() != "unlimited" {
			t.Errorf("after SetQuota 0: %v, %v", q, err)
		}
		must(t, m.SetQuota(ctx, client.FTPSetQuotaParams{User: "amy", Domain: "example.net", Quota: 25}))
		if q, err := m.GetQuota(ctx, "amy@example.net", ""); err != nil || q.Value != 25 {
			t.Errorf("amy's quota: %v, %v", q, err)
		}
		must(t, m.SetQuota(ctx, client.FTPSetQuotaParams{User: "nobody", Kill: true}))
	})
	t.Run("passwd", func(t *testing.T) {
		if _, err := s.ftpLogin(t, "bob@example.com", "Bob-pass-1234"); err != nil {
			t.Fatalf("login with the first password: %v", err)
		}
		must(t, m.Passwd(ctx, client.FTPPasswdParams{User: "bob", Pass: "Bob-new-5678"}))
		if _, err := s.ftpLogin(t, "bob@example.com", "Bob-new-5678"); err != nil {
			t.Errorf("login with the new password: %v", err)
		}
		if _, err := s.ftpLogin(t, "bob@example.com", "Bob-pass-1234"); err == nil {
			t.Error("the old password still works")
		}
	})
	t.Run("set_homedir", func(t *testing.T) {
		must(t, m.SetHomedir(ctx, client.FTPSetHomedirParams{User: "bob", Homedir: "moved/bob"}))
		if got := ftpUsers(t, m, client.ListFTPParams{})["bob@example.com"].Homedir; got != s.home("moved/bob") {
			t.Errorf("homedir = %s", got)
		}
	})
	t.Run("delete_ftp", func(t *testing.T) {
		must(t, m.DeleteFTP(ctx, client.DeleteFTPParams{User: "bob", Destroy: true}))
		must(t, m.DeleteFTP(ctx, client.DeleteFTPParams{User: "amy", Domain: "example.net"}))
		users := ftpUsers(t, m, client.ListFTPParams{})
		if _, ok := users["bob@example.com"]; ok {
			t.Error("bob still listed")
		}
		if _, err := os.Stat(s.home("moved/bob")); !os.IsNotExist(err) {
			t.Errorf("destroy kept the directory: %v", err)
		}
		if _, err := os.Stat(s.home("amy@example.net")); err != nil {
			t.Errorf("delete without destroy removed the directory: %v", err)
		}
		err := m.DeleteFTP(ctx, client.DeleteFTPParams{User: "bob"})
		wantUAPIError(t, err, "The FTP account “bob@example.com” cannot be removed because it does not exist.")
	})
}

func TestFTPBadInput(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).Ftp()
	ctx := context.Background()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no user", m.AddFTP(ctx, client.AddFTPParams{Pass: "x-Pass-1234"}), "You must specify a user name."},
		{"no password", m.AddFTP(ctx, client.AddFTPParams{User: "bob"}), "add_ftp: You must specify either a password or a password hash."},
		{"bad name", m.AddFTP(ctx, client.AddFTPParams{User: "b/b", Pass: "x-Pass-1234"}),
			"“b/b” is not a valid FTP user name: the “user” parameter may contain only letters, digits, periods (.), hyphens (-) and underscores (_), must begin with a letter, digit or underscore, and may have at most 64 characters."},
		{"domain twice", m.AddFTP(ctx, client.AddFTPParams{User: "bob@example.com", Domain: "example.net", Pass: "x-Pass-1234"}),
			"You may not specify a domain both in the user field and in the domain field."},
		{"bad type", func() error {
			_, err := m.ListFTP(ctx, client.ListFTPParams{IncludeAcctTypes: []string{"robot"}})
			return err
		}(), "The “include_acct_types” parameter contains “robot”; the account types are: anonymous, logaccess, main, sub (separated by |)."},
		{"no password for passwd", m.Passwd(ctx, client.FTPPasswdParams{User: "bob"}), "You must specify a password."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantUAPIError(t, tt.err, tt.want) })
	}
}

func TestFTPWithDisk(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).Ftp()
	ctx := context.Background()
	must(t, m.AddFTP(ctx, client.AddFTPParams{User: "bob", Pass: "Bob-pass-1234", Quota: 10}))
	must(t, m.AddFTP(ctx, client.AddFTPParams{User: "amy", Pass: "Amy-pass-1234"}))
	// An upload over FTP is what the usage counts.
	conn, err := s.ftpLogin(t, "bob@example.com", "Bob-pass-1234")
	must(t, err)
	must(t, conn.Stor("f", bytes.NewReader(make([]byte, 3<<20))))
	if fi, err := os.Stat(filepath.Join(s.home("bob@example.com"), "f")); err != nil || fi.Size() != 3<<20 {
		t.Fatalf("upload: %v", err)
	}
	list, err := m.ListFTPWithDisk(ctx, client.ListFTPWithDiskParams{Regex: "^BOB"})
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("regex kept %+v", list)
	}
	bob := list[0]
	if bob.Login != "bob@example.com" || bob.DiskQuota != "10.00" || bob.DiskQuotaMB != "10.00" || bob.HumanDiskQuota != "10 MB" ||
		bob.DiskUsed != "3.00" || bob.DiskUsedPercent != "30" || bob.DiskUsedPercent20 != "20" || bob.Deleteable != 1 ||
		bob.Dir != s.home("bob@example.com") || bob.RelDir != "bob@example.com" || bob.HTMLDir != nil {
		t.Errorf("bob = %+v", bob)
	}
	list, err = m.ListFTPWithDisk(ctx, client.ListFTPWithDiskParams{Regex: "amy", InfinityLang: true,
		ListFTPParams: client.ListFTPParams{IncludeAcctTypes: []string{client.FTPTypeSub}}})
	must(t, err)
	if len(list) != 1 || list[0].DiskQuota != "∞" || list[0].HumanDiskQuota != "None" {
		t.Errorf("amy = %+v", list)
	}
	list, err = m.ListFTPWithDisk(ctx, client.ListFTPWithDiskParams{Regex: "amy", InfinityImg: "/inf.png"})
	must(t, err)
	if len(list) != 1 || list[0].DiskQuota != `<img src="/inf.png" alt="∞" />` {
		t.Errorf("amy with infinityimg = %+v", list)
	}
	_, err = m.ListFTPWithDisk(ctx, client.ListFTPWithDiskParams{Regex: "("})
	wantUAPIError(t, err, "The “regex” parameter is not a valid regular expression: missing closing ).")
}
