package email_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/mailauth/dovecottest"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/uapi"
)

func TestNewConfig(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	tests := []struct {
		name        string
		cfg         email.Config
		wantDefault int64
		wantErr     bool
	}{
		{"zero value", email.Config{}, email.DefaultQuotaMB, false},
		{"unlimited default", email.Config{DefaultQuotaMB: email.UnlimitedQuota}, 0, false},
		{"explicit", email.Config{DefaultQuotaMB: 50, MaxQuotaMB: 100}, 50, false},
		{"negative default", email.Config{DefaultQuotaMB: -2}, 0, true},
		{"negative maximum", email.Config{MaxQuotaMB: -1}, 0, true},
		{"default above maximum", email.Config{DefaultQuotaMB: 200, MaxQuotaMB: 100}, 0, true},
		{"unlimited default with a maximum", email.Config{DefaultQuotaMB: email.UnlimitedQuota, MaxQuotaMB: 100}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, err := email.New(tt.cfg, db, nil, nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New: %v, want error %v", err, tt.wantErr)
			}
			if err == nil && svc.DefaultQuota() != tt.wantDefault {
				t.Fatalf("default quota %d, want %d", svc.DefaultQuota(), tt.wantDefault)
			}
		})
	}
	if _, err := email.New(email.Config{}, nil, nil, nil); err == nil {
		t.Error("New without a store succeeded")
	}
}

// TestFuncsWithoutService: the uapi command line builds the registry from
// a nil service for its help.
func TestFuncsWithoutService(t *testing.T) {
	t.Parallel()
	var svc *email.Service
	reg := uapi.NewRegistry()
	reg.Add(svc.Funcs()...)
	var names []string
	for _, f := range reg.Funcs("Email") {
		names = append(names, f.Name)
	}
	want := "add_pop count_pops delete_pop edit_pop_quota get_pop_quota list_pops list_pops_with_disk passwd_pop"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("functions %s, want %s", got, want)
	}
}

// TestServiceForUserManager exercises the methods UserManager calls.
func TestServiceForUserManager(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, email.Config{DefaultQuotaMB: 300, MaxQuotaMB: 1000}, nil)
	ctx := context.Background()
	m, err := e.svc.AddMailbox(ctx, e.a, email.AddRequest{User: "Sub", Domain: "EXAMPLE.net", Password: "first-pass", QuotaMB: email.UseDefaultQuota})
	if err != nil || m.Address() != "sub@example.net" || m.QuotaMB != 300 {
		t.Fatalf("AddMailbox: %+v, %v", m, err)
	}
	if _, err := e.svc.AddMailbox(ctx, e.a, email.AddRequest{User: "sub", Domain: "example.net", Password: "x", QuotaMB: email.UseDefaultQuota}); hosting.ErrorCode(err) != hosting.ECONFLICT {
		t.Fatalf("second AddMailbox: %v, want a conflict", err)
	}
	hash, _ := password.Hash("synced-pass")
	if err := e.svc.SetPasswordHash(ctx, e.a, "sub", "example.net", hash); err != nil {
		t.Fatal(err)
	}
	if e.publishedHash(t, "sub@example.net") != hash {
		t.Error("SetPasswordHash was not published")
	}
	if err := e.svc.SetPasswordHash(ctx, e.a, "sub", "example.net", "not-a-hash"); hosting.ErrorCode(err) != hosting.EINVALID {
		t.Errorf("SetPasswordHash with a bad hash: %v", err)
	}
	if err := e.svc.SetPassword(ctx, e.a, "sub", "example.net", ""); hosting.ErrorCode(err) != hosting.EINVALID {
		t.Errorf("SetPassword with an empty password: %v", err)
	}
	if got, err := e.svc.SetQuota(ctx, e.a, "sub", "example.net", 5000); err != nil || got != 1000 {
		t.Errorf("SetQuota above the maximum applied %d, %v; want 1000", got, err)
	}
	mustMail(t, maildir(e.a, "sub", "example.net")+"/new", "1.mail", 1234)
	if used, err := e.svc.DiskUsage(context.Background(), e.a, m); err != nil || used != 1234 {
		t.Errorf("DiskUsage = %d, %v; want 1234", used, err)
	}
	if ms, err := e.svc.ListMailboxes(ctx, e.a); err != nil || len(ms) != 1 {
		t.Errorf("ListMailboxes: %v, %v", ms, err)
	}
	if _, err := e.svc.GetMailbox(ctx, e.b, "sub", "example.net"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("another account's GetMailbox: %v", err)
	}
	if _, err := e.svc.DeleteMailbox(ctx, e.a, "sub", "example.net", false); err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.CountMailboxes(ctx, e.a); err != nil || n != 0 {
		t.Errorf("CountMailboxes = %d, %v", n, err)
	}
}

// TestWithoutPublisher: with no mail server wired, mailboxes still work in
// the store and on disk.
func TestWithoutPublisher(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	svc, err := email.New(email.Config{}, e.db, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddMailbox(context.Background(), e.a, email.AddRequest{User: "solo", Domain: "example.com", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	if !exists(t, maildir(e.a, "solo", "example.com")+"/cur") {
		t.Error("no maildir")
	}
}

// TestDovecotEndToEnd drives the functions through the engine and logs in
// to a real Dovecot after each change.
func TestDovecotEndToEnd(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	dv := dovecottest.Start(t, e.mailDir)
	e.mustAdd(t, e.a, "info", "first-pass", "quota=100")
	e.mustAdd(t, e.b, "info%40other.org", "other-pass")
	dv.Changed()
	check := func(user, pass string, want bool) {
		t.Helper()
		if ok, out := dv.AuthTest(user, pass); ok != want {
			t.Errorf("auth %s with %q: %v, want %v\n%s", user, pass, ok, want, out)
		}
	}
	check("info@example.com", "first-pass", true)
	check("info@other.org", "first-pass", false)
	check("info@other.org", "other-pass", true)

	mustOK(t, e.call(e.a, "passwd_pop", "email=info", "password=second-pass"))
	dv.Changed()
	check("info@example.com", "first-pass", false)
	check("info@example.com", "second-pass", true)

	mustOK(t, e.call(e.a, "edit_pop_quota", "email=info", "quota=42"))
	dv.Changed()
	if ok, out := dv.User("info@example.com"); !ok || !strings.Contains(out, "*:storage=42M") {
		t.Errorf("userdb after edit_pop_quota:\n%s", out)
	}

	mustOK(t, e.call(e.a, "delete_pop", "email=info"))
	dv.Changed()
	check("info@example.com", "second-pass", false)
	check("info@other.org", "other-pass", true)
}
