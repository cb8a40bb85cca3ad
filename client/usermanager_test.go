package client_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/uapid/uapid/client"
	"github.com/uapid/uapid/internal/password"
)

// userByName finds full_username of a type in list_users.
func userByName(tb testing.TB, m client.UserManagerModule, flat bool, typ, full string) *client.User {
	tb.Helper()
	list, err := m.ListUsers(context.Background(), flat)
	must(tb, err)
	for i := range list {
		if list[i].FullUsername == full && list[i].Type == typ {
			return &list[i]
		}
	}
	return nil
}

func TestUserManagerCreateAndEdit(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	c := s.client(t)
	m := c.UserManager()
	ctx := context.Background()
	bob, err := m.CreateUser(ctx, client.CreateUserParams{Username: "Bob", Domain: "example.com", Password: "Bob-pass-1234",
		RealName: "Bob Example", AlternateEmail: "bob@elsewhere.org", PhoneNumber: "+15551234567",
		Services: client.UserServicesParams{
			Email:   client.UserEmailParams{Enabled: new(true), Quota: new(int64(100))},
			FTP:     client.UserFTPParams{Enabled: new(true), Homedir: "bob", Quota: new(int64(20))},
			WebDisk: client.UserWebDiskParams{Enabled: new(true), Homedir: "dav/bob", Perms: client.WebDiskReadOnly, Private: new(true)},
		}})
	must(t, err)
	sv := bob.Services
	if bob.Type != client.UserTypeSub || bob.Username != "bob" || *bob.Domain != "example.com" || *bob.RealName != "Bob Example" ||
		bob.GUID == "" || sv.Email.Enabled != 1 || sv.Email.Quota != "100" || sv.FTP.Homedir != "bob" || sv.FTP.Quota != "20.00" ||
		sv.WebDisk.Perms != "ro" || sv.WebDisk.Private != 1 || bob.CanDelete != 1 || bob.SyncedPassword != 1 {
		t.Errorf("CreateUser = %+v", bob)
	}
	t.Run("services exist", func(t *testing.T) {
		if _, err := s.ftpLogin(t, "bob@example.com", "Bob-pass-1234"); err != nil {
			t.Errorf("FTP login: %v", err)
		}
		if got := emailAddresses(t, c.Email(), client.ListPopsParams{SkipMain: true}); !slices.Equal(got, []string{"bob@example.com"}) {
			t.Errorf("email accounts: %v", got)
		}
		if w := webDiskUsers(t, c.WebDisk(), "")["bob@example.com"]; w.RelDir != "dav/bob" || s.mode(t, "dav/bob") != 0o700 {
			t.Errorf("Web Disk: %+v", w)
		}
	})
	t.Run("already exists", func(t *testing.T) {
		_, err := m.CreateUser(ctx, client.CreateUserParams{Username: "bob", Domain: "example.com", Password: "Bob-pass-1234"})
		ue := wantUAPIError(t, err, "The system failed to create the user: The user “bob” at the domain “example.com” already exists.")
		if ue.Type() != client.ErrAlreadyExists {
			t.Errorf("Type() = %q", ue.Type())
		}
	})
	t.Run("list and lookup", func(t *testing.T) {
		list, err := m.ListUsers(ctx, false)
		must(t, err)
		last := list[len(list)-1]
		if list[0].GUID != bob.GUID || last.Type != client.UserTypeCPanel || last.Domain != nil || last.Special != 1 {
			t.Errorf("ListUsers = %+v", list)
		}
		got, err := m.LookupUser(ctx, bob.GUID)
		if err != nil || got.GUID != bob.GUID || got.FullUsername != "bob@example.com" {
			t.Errorf("LookupUser = %+v, %v", got, err)
		}
		_, err = m.LookupUser(ctx, "NOBODY:EXAMPLE.COM:1:00")
		wantUAPIError(t, err, "The user does not exist.")
		svc, err := m.LookupServiceAccount(ctx, "bob@example.com", client.ServiceFTP)
		if err != nil || svc.Type != client.UserTypeService || svc.Services.FTP.Enabled != 1 || svc.Services.Email.Enabled != 0 {
			t.Errorf("LookupServiceAccount = %+v, %v", svc, err)
		}
		conflicts, err := m.CheckAccountConflicts(ctx, "bob@example.com")
		if err != nil || conflicts.Conflict != 1 || conflicts.Accounts != nil {
			t.Errorf("CheckAccountConflicts = %+v, %v", conflicts, err)
		}
	})
	t.Run("edit", func(t *testing.T) {
		edited, err := m.EditUser(ctx, client.EditUserParams{Username: "bob", Domain: "example.com", Password: "Bob-new-5678",
			RealName: new(""), PhoneNumber: new("+15557654321"),
			Services: client.UserServicesParams{FTP: client.UserFTPParams{Enabled: new(false)}}})
		must(t, err)
		if (edited.RealName != nil && *edited.RealName != "") || *edited.PhoneNumber != "+15557654321" || *edited.AlternateEmail != "bob@elsewhere.org" ||
			edited.Services.FTP.Enabled != 0 || edited.Services.Email.Enabled != 1 {
			t.Errorf("EditUser = %+v", edited)
		}
		if _, ok := ftpUsers(t, c.Ftp(), client.ListFTPParams{})["bob@example.com"]; ok {
			t.Error("disabling FTP kept the FTP account")
		}
		e, err := s.db.FindEmailAccount(ctx, s.acct.ID, "bob", "example.com")
		must(t, err)
		if !password.Verify(e.PasswordHash, "Bob-new-5678") {
			t.Error("the new password did not reach the email account")
		}
		_, err = m.EditUser(ctx, client.EditUserParams{Username: "zed", Domain: "example.com"})
		wantUAPIError(t, err, "The user “zed” at domain “example.com” does not exist.")
	})
	t.Run("delete", func(t *testing.T) {
		left, err := m.DeleteUser(ctx, "bob", "example.com")
		if err != nil || left != nil {
			t.Errorf("DeleteUser = %+v, %v", left, err)
		}
		if got := emailAddresses(t, c.Email(), client.ListPopsParams{SkipMain: true}); len(got) != 0 {
			t.Errorf("linked email account kept: %v", got)
		}
		_, err = m.DeleteUser(ctx, "bob", "example.com")
		wantUAPIError(t, err, "The system could not find the “bob” user at the “example.com” domain.")
	})
}

// TestUserManagerMerge groups service accounts made one by one.
func TestUserManagerMerge(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	c := s.client(t)
	m := c.UserManager()
	ctx := context.Background()
	for _, name := range []string{"carl", "dave"} {
		must(t, c.Ftp().AddFTP(ctx, client.AddFTPParams{User: name, Pass: "Same-pass-1234"}))
		_, err := c.Email().AddPop(ctx, client.AddPopParams{Email: name, Password: "Same-pass-1234"})
		must(t, err)
	}
	carl := userByName(t, m, false, client.UserTypeHypothetical, "carl@example.com")
	if carl == nil || len(carl.MergeCandidates) != 2 || *carl.MergeCandidates[0].ParentType != client.UserTypeHypothetical {
		t.Fatalf("hypothetical carl = %+v", carl)
	}
	if flat := userByName(t, m, true, client.UserTypeHypothetical, "carl@example.com"); flat != nil {
		t.Errorf("flat list has a hypothetical user: %+v", flat)
	}
	conflicts, err := m.CheckAccountConflicts(ctx, "carl@example.com")
	if err != nil || conflicts.Conflict != 0 || conflicts.Accounts == nil || len(conflicts.Accounts.MergeCandidates) != 2 {
		t.Errorf("CheckAccountConflicts = %+v, %v", conflicts, err)
	}

	t.Run("merge", func(t *testing.T) {
		merged, err := m.MergeServiceAccount(ctx, client.ServiceSelection{Username: "carl", Domain: "example.com", Email: true, FTP: true})
		must(t, err)
		if merged.Type != client.UserTypeSub || merged.Services.Email.Enabled != 1 || merged.Services.FTP.Enabled != 1 {
			t.Errorf("MergeServiceAccount = %+v", merged)
		}
		_, err = m.MergeServiceAccount(ctx, client.ServiceSelection{Username: "carl", Domain: "example.com"})
		wantUAPIError(t, err, "You must specify “services.___.merge” to merge a service account.")
	})
	t.Run("unlink", func(t *testing.T) {
		must(t, m.UnlinkServiceAccount(ctx, client.UnlinkServiceAccountParams{Username: "carl", Domain: "example.com",
			Service: client.ServiceEmail}))
		must(t, m.UnlinkServiceAccount(ctx, client.UnlinkServiceAccountParams{Username: "carl", Domain: "example.com",
			Service: client.ServiceFTP, Dismiss: true}))
		sub := userByName(t, m, false, client.UserTypeSub, "carl@example.com")
		if sub == nil || sub.Services.Email.Enabled != 0 || sub.Services.FTP.Enabled != 0 || len(sub.MergeCandidates) != 1 ||
			sub.MergeCandidates[0].Services.Email.Enabled != 1 {
			t.Errorf("after unlink: %+v", sub)
		}
		if looked, err := m.LookupUser(ctx, sub.GUID); err != nil || len(looked.DismissedMergeCandidates) != 1 {
			t.Errorf("LookupUser = %+v, %v", looked, err)
		}
		if got := emailAddresses(t, c.Email(), client.ListPopsParams{Regex: "carl"}); len(got) != 1 {
			t.Errorf("unlink removed the email account: %v", got)
		}
		// The unlinked email account is what is left; the dismissed FTP
		// login does not count.
		left, err := m.DeleteUser(ctx, "carl", "example.com")
		if err != nil || left == nil || left.Type != client.UserTypeService || left.Services.Email.Enabled != 1 {
			t.Errorf("DeleteUser = %+v, %v", left, err)
		}
	})
	t.Run("dismiss", func(t *testing.T) {
		must(t, m.DismissMerge(ctx, client.ServiceSelection{Username: "dave", Domain: "example.com", Email: true, FTP: true}))
		if h := userByName(t, m, false, client.UserTypeHypothetical, "dave@example.com"); h != nil {
			t.Errorf("dismissed accounts still offered: %+v", h)
		}
		svc, err := m.LookupServiceAccount(ctx, "dave@example.com", client.ServiceEmail)
		if err != nil || svc.Dismissed != 1 {
			t.Errorf("LookupServiceAccount = %+v, %v", svc, err)
		}
		_, err = m.LookupServiceAccount(ctx, "nobody@example.com", client.ServiceEmail)
		wantUAPIError(t, err, "The specified service account does not exist.")
	})
}

func TestUserManagerInvite(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).UserManager()
	erin, err := m.CreateUser(context.Background(), client.CreateUserParams{Username: "erin", Domain: "example.net",
		AlternateEmail: "erin@elsewhere.org", SendInvite: true})
	must(t, err)
	if erin.HasInvite != 1 || erin.InviteExpiration == nil {
		t.Errorf("CreateUser = %+v", erin)
	}
	if mails := s.smtp.Mails(); len(mails) != 1 || !slices.Equal(mails[0].To, []string{"erin@elsewhere.org"}) {
		t.Errorf("mails = %+v", mails)
	}
}

func TestUserManagerChangePassword(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	c := s.client(t)
	ctx := context.Background()
	tok, err := c.Tokens().CreateFullAccess(ctx, "keep", time.Time{})
	must(t, err)
	m := c.UserManager()
	wantUAPIError(t, m.ChangePassword(ctx, client.ChangePasswordParams{OldPass: "wrong", NewPass: "New-pass-5678"}),
		"Failed to change password: The current password is incorrect.")
	must(t, m.ChangePassword(ctx, client.ChangePasswordParams{OldPass: testPass, NewPass: "New-pass-5678"}))
	var he *client.HTTPError
	if _, err := c.Tokens().List(ctx); !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password still works: %v", err)
	}
	byToken, err := client.New(s.url, client.WithHTTPClient(s.http), client.WithToken(testUser, tok.Token))
	must(t, err)
	if _, err := byToken.Tokens().List(ctx); err != nil {
		t.Errorf("the token stopped working: %v", err)
	}
	if _, err := client.Login(ctx, s.url, testUser, "New-pass-5678", client.WithHTTPClient(s.http)); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
}
