package usermanager

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/password"
)

// mustSiblings creates the email and FTP accounts dana@example.com, each
// with its own password.
func (e *env) mustSiblings(tb testing.TB) {
	tb.Helper()
	e.mustOK(tb, e.a, "Email::add_pop", "email=dana@example.com", "password=dana-mail-1")
	e.mustOK(tb, e.a, "Ftp::add_ftp", "user=dana", "domain=example.com", "pass=dana-ftp-1")
}

func TestMergeOneService(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustSiblings(t)
	r := obj(t, e.mustOK(t, e.a, "merge_service_account", "username=Dana", "domain=example.com", "services.email.merge=1"))
	if got := summary(t, []map[string]any{r}); !reflect.DeepEqual(got, []string{"sub dana@example.com email < ftp/sub"}) {
		t.Fatalf("record %v", got)
	}
	// One service key passed: the new Subaccount takes that password.
	if num(t, r, "synced_password") != 1 {
		t.Errorf("synced %v", r["synced_password"])
	}
	sub, err := e.db.FindSubaccount(context.Background(), e.a.ID, "dana", "example.com")
	if err != nil || !password.Verify(sub.PasswordHash, "dana-mail-1") || sub.GUID != r["guid"] {
		t.Fatalf("subaccount %+v, %v", sub, err)
	}
	// Merging into the existing Subaccount: no longer synced.
	r = obj(t, e.mustOK(t, e.a, "merge_service_account", "username=dana", "domain=example.com", "services.ftp.merge=1"))
	if enabled(r) != "email+ftp" || num(t, r, "synced_password") != 0 || len(r["merge_candidates"].([]any)) != 0 {
		t.Errorf("after second merge %s", mustMarshal(t, r))
	}
	// The service accounts keep their own passwords.
	if f, m, _ := e.hashes(t, "dana", "example.com"); !password.Verify(f, "dana-ftp-1") || !password.Verify(m, "dana-mail-1") {
		t.Error("merging changed a service password")
	}
	got := summary(t, named(list(t, e.mustOK(t, e.a, "list_users")), "dana@example.com"))
	if !reflect.DeepEqual(got, []string{"sub dana@example.com email+ftp"}) {
		t.Errorf("list_users %v", got)
	}
}

func TestMergeTwoServices(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustSiblings(t)
	r := obj(t, e.mustOK(t, e.a, "merge_service_account", "username=dana", "domain=example.com",
		"services.email.merge=1", "services.ftp.merge=1", "services.webdisk.merge=0"))
	// Several keys passed: a random password, not synced.
	if enabled(r) != "email+ftp" || num(t, r, "synced_password") != 0 {
		t.Errorf("record %s", mustMarshal(t, r))
	}
	sub, _ := e.db.FindSubaccount(context.Background(), e.a.ID, "dana", "example.com")
	if password.Verify(sub.PasswordHash, "dana-mail-1") || password.Verify(sub.PasswordHash, "dana-ftp-1") {
		t.Error("the new Subaccount took a service's password")
	}
}

func TestMergeErrors(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustSiblings(t)
	tests := []struct {
		want string
		args []string
	}{
		{"You must specify “services.___.merge” to merge a service account.", []string{"username=dana", "domain=example.com"}},
		{"You must specify at least one service account to merge.", []string{"username=dana", "domain=example.com", "services.ftp.merge=0"}},
		{"The Web Disk account “dana@example.com” does not exist.", []string{"username=dana", "domain=example.com", "services.webdisk.merge=1"}},
		{"managed by the system", []string{"username=ftp", "domain=example.com", "services.ftp.merge=1"}},
		{"You must specify “username” to merge a service account.", []string{"domain=example.com", "services.ftp.merge=1"}},
		{"You must specify “domain” to merge a service account.", []string{"username=dana", "services.ftp.merge=1"}},
		{"“username”", []string{"username=da na", "domain=example.com", "services.ftp.merge=1"}},
		{"You do not own the domain", []string{"username=dana", "domain=other.org", "services.ftp.merge=1"}},
	}
	for _, tt := range tests {
		e.mustFail(t, e.a, tt.want, "merge_service_account", tt.args...)
	}
	if _, err := e.db.FindSubaccount(context.Background(), e.a.ID, "dana", "example.com"); err == nil {
		t.Error("a failed merge created the Subaccount")
	}
}

func TestDismissAndUnlink(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustSiblings(t)
	e.mustFail(t, e.a, "You must specify “services.___.merge” to dismiss a service account merge.", "dismiss_merge",
		"username=dana", "domain=example.com")
	if r := e.mustOK(t, e.a, "dismiss_merge", "username=dana", "domain=example.com", "services.email.dismiss=1"); r.Data != nil {
		t.Errorf("data %v", r.Data)
	}
	rs := named(list(t, e.mustOK(t, e.a, "list_users")), "dana@example.com")
	if got := summary(t, rs); !reflect.DeepEqual(got, []string{"service dana@example.com email", "service dana@example.com ftp"}) {
		t.Fatalf("after dismiss %v", got)
	}
	if num(t, rs[0], "dismissed") != 1 || num(t, rs[1], "dismissed") != 0 || num(t, rs[0], "has_siblings") != 1 {
		t.Errorf("flags %v / %v", rs[0], rs[1])
	}
	// Link the FTP account, then unlink it: it becomes a candidate again;
	// unlinked with dismiss=1 it is listed on its own, dismissed.
	e.mustOK(t, e.a, "merge_service_account", "username=dana", "domain=example.com", "services.ftp.merge=1")
	e.mustOK(t, e.a, "unlink_service_account", "username=dana", "domain=example.com", "service=ftp")
	got := summary(t, named(list(t, e.mustOK(t, e.a, "list_users")), "dana@example.com"))
	if !reflect.DeepEqual(got, []string{"sub dana@example.com - < ftp/sub", "service dana@example.com email"}) {
		t.Fatalf("after unlink %v", got)
	}
	e.mustOK(t, e.a, "merge_service_account", "username=dana", "domain=example.com", "services.ftp.merge=1")
	e.mustOK(t, e.a, "unlink_service_account", "username=dana", "domain=example.com", "service=ftp", "dismiss=1")
	got = summary(t, named(list(t, e.mustOK(t, e.a, "list_users")), "dana@example.com"))
	if !reflect.DeepEqual(got, []string{"sub dana@example.com -", "service dana@example.com email", "service dana@example.com ftp"}) {
		t.Fatalf("after unlink with dismiss %v", got)
	}
	e.mustFail(t, e.a, "The system failed to delete the annotation record for the ftp account “dana@example.com”.",
		"unlink_service_account", "username=dana", "domain=example.com", "service=ftp")
	e.mustFail(t, e.a, "The user does not exist.", "unlink_service_account", "username=nobody", "domain=example.com", "service=ftp")
	e.mustFail(t, e.a, "“service”", "unlink_service_account", "username=dana", "domain=example.com", "service=mysql")
}

func TestLookupUser(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	bob := e.mustBob(t)
	e.mustOK(t, e.a, "WebDisk::add_user", "user=bob", "domain=example.com", "password=dav-pw-1", "homedir=x")
	guid := bob["guid"].(string)
	for _, g := range []string{guid, strings.ToLower(guid), url.QueryEscape(guid)} {
		r := obj(t, e.mustOK(t, e.a, "lookup_user", "guid="+g))
		if got := summary(t, []map[string]any{r}); got[0] != "sub bob@example.com email+ftp < webdisk/sub" {
			t.Errorf("lookup_user(%s) = %v", g, got)
		}
	}
	// A dismissed account shows in dismissed_merge_candidates.
	e.mustOK(t, e.a, "dismiss_merge", "username=bob", "domain=example.com", "services.webdisk.dismiss=1")
	r := obj(t, e.mustOK(t, e.a, "lookup_user", "guid="+guid))
	dmc := r["dismissed_merge_candidates"].([]any)
	if len(r["merge_candidates"].([]any)) != 0 || len(dmc) != 1 || num(t, dmc[0].(map[string]any), "dismissed") != 1 {
		t.Errorf("after dismiss %s", mustMarshal(t, r))
	}
	e.mustFail(t, e.a, "The user does not exist.", "lookup_user", "guid=BOB:EXAMPLE.COM:0:00")
	e.mustFail(t, e.a, "You must specify the guid attribute.", "lookup_user")
}

func TestLookupServiceAccount(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustSiblings(t)
	r := obj(t, e.mustOK(t, e.a, "lookup_service_account", "full_username=Dana@Example.com", "type=ftp"))
	if r["type"] != "service" || enabled(r) != "ftp" || num(t, r, "has_siblings") != 1 || num(t, r, "sub_account_exists") != 0 {
		t.Errorf("record %s", mustMarshal(t, r))
	}
	if r := obj(t, e.mustOK(t, e.a, "lookup_service_account", "full_username=cpuser_logs", "type=ftp")); num(t, r, "special") != 1 {
		t.Errorf("logs %s", mustMarshal(t, r))
	}
	e.mustFail(t, e.a, "You must specify the full_username attribute.", "lookup_service_account", "type=ftp")
	e.mustFail(t, e.a, "You must specify a service type.", "lookup_service_account", "full_username=dana@example.com")
	e.mustFail(t, e.a, "Unsupported service type. You must specify email, ftp, or webdisk.", "lookup_service_account",
		"full_username=dana@example.com", "type=mysql")
	e.mustFail(t, e.a, "The specified service account does not exist.", "lookup_service_account",
		"full_username=dana@example.com", "type=webdisk")
}

func TestCheckAccountConflicts(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustSiblings(t)
	e.mustBob(t)
	if r := obj(t, e.mustOK(t, e.a, "check_account_conflicts", "full_username=bob@example.com")); num(t, r, "conflict") != 1 || r["accounts"] != nil {
		t.Errorf("existing subaccount: %v", r)
	}
	if r := obj(t, e.mustOK(t, e.a, "check_account_conflicts", "full_username=nobody@example.com")); num(t, r, "conflict") != 0 || len(r) != 1 {
		t.Errorf("free name: %v", r)
	}
	e.mustOK(t, e.a, "dismiss_merge", "username=dana", "domain=example.com", "services.email.dismiss=1")
	r := obj(t, e.mustOK(t, e.a, "check_account_conflicts", "full_username=dana@example.com"))
	acc := r["accounts"].(map[string]any)
	if num(t, r, "conflict") != 0 || acc["type"] != "hypothetical" || len(acc["merge_candidates"].([]any)) != 1 ||
		len(acc["dismissed_merge_candidates"].([]any)) != 1 {
		t.Errorf("service accounts: %s", mustMarshal(t, r))
	}
}

// named keeps the records of one full_username.
func named(records []map[string]any, name string) []map[string]any {
	var out []map[string]any
	for _, r := range records {
		if r["full_username"] == name {
			out = append(out, r)
		}
	}
	return out
}

// TestDismissAsTheDocsExample runs dismiss_merge as cPanel's documentation
// shows it, all three services at once, for a name that has an email and
// an FTP account but no Web Disk account: both are dismissed, and the
// missing one is named in messages. A name with no account at all fails.
func TestDismissAsTheDocsExample(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustSiblings(t)
	all := []string{"services.email.dismiss=1", "services.ftp.dismiss=1", "services.webdisk.dismiss=1"}
	r := e.mustOK(t, e.a, "dismiss_merge", append([]string{"username=dana", "domain=example.com"}, all...)...)
	if r.Data != nil || !reflect.DeepEqual(r.Messages, []string{"There is no Web Disk account “dana@example.com” to dismiss."}) {
		t.Errorf("data %v messages %q", r.Data, r.Messages)
	}
	rs := named(list(t, e.mustOK(t, e.a, "list_users")), "dana@example.com")
	if len(rs) != 2 || num(t, rs[0], "dismissed") != 1 || num(t, rs[1], "dismissed") != 1 {
		t.Errorf("after dismiss: %v", rs)
	}
	e.mustFail(t, e.a, "No service account “nobody@example.com” exists to dismiss.", "dismiss_merge",
		append([]string{"username=nobody", "domain=example.com"}, all...)...)
}
