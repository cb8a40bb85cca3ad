package usermanager

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/uapi"
)

// allServices are create_user arguments enabling every service for bob.
var allServices = []string{"username=Bob", "domain=example.com", "password=s3cret-pass",
	"real_name=Bob Example", "alternate_email=bob@example.net", "phone_number=+15551234567",
	"avatar_url=https://img.example/bob.jpg",
	"services.email.enabled=1", "services.email.quota=500",
	"services.ftp.enabled=1", "services.ftp.homedir=/public_html/bob", "services.ftp.quota=42",
	"services.webdisk.enabled=1", "services.webdisk.homedir=public_html/dav", "services.webdisk.perms=ro",
	"services.webdisk.private=1", "services.webdisk.enabledigest=1"}

func TestListUsersOfANewAccount(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	r := e.mustOK(t, e.a, "list_users")
	want := []string{"service cpuser_logs ftp", "service ftp@example.com ftp", "cpanel cpuser email+ftp+webdisk"}
	if got := summary(t, list(t, r)); !reflect.DeepEqual(got, want) {
		t.Fatalf("list_users = %v, want %v", got, want)
	}
	if r.Metadata["transformed"] != 1 {
		t.Errorf("metadata %v", r.Metadata)
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	rec := obj(t, e.mustOK(t, e.a, "create_user", allServices...))
	want := map[string]any{"type": "sub", "username": "bob", "domain": "example.com", "full_username": "bob@example.com",
		"real_name": "Bob Example", "alternate_email": "bob@example.net", "phone_number": "+15551234567",
		"avatar_url": "https://img.example/bob.jpg", "parent_type": nil, "team_owner": nil, "invite_expiration": nil}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("%s = %v, want %v", k, rec[k], v)
		}
	}
	if !guidRE.MatchString(rec["guid"].(string)) || !strings.HasPrefix(rec["guid"].(string), "BOB:EXAMPLE.COM:") {
		t.Errorf("guid %v", rec["guid"])
	}
	svcs := mustMarshal(t, rec["services"])
	for _, frag := range []string{`"quota": 500`, `"homedir": "public_html/bob"`, `"quota": "42.00"`,
		`"homedir": "public_html/dav"`, `"perms": "ro"`, `"private": 1`, `"enabledigest": 1`} {
		if !strings.Contains(svcs, frag) {
			t.Errorf("services lack %s:\n%s", frag, svcs)
		}
	}
	if num(t, rec, "synced_password") != 1 || num(t, rec, "can_delete") != 1 {
		t.Errorf("flags: %s", mustMarshal(t, rec))
	}
	// Every service exists with the password, and the FTP directory too.
	ctx := context.Background()
	f, err1 := e.db.FindFTPAccount(ctx, e.a.ID, "bob", "example.com")
	m, err2 := e.db.FindEmailAccount(ctx, e.a.ID, "bob", "example.com")
	w, err3 := e.db.FindWebDiskAccount(ctx, e.a.ID, "bob", "example.com")
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	for _, h := range []string{f.PasswordHash, m.PasswordHash, w.PasswordHash} {
		if !password.Verify(h, "s3cret-pass") {
			t.Errorf("a service lacks the password: %s", h)
		}
	}
	if w.DigestHA1 != hosting.DigestHA1("bob@example.com", "test", "s3cret-pass") || f.QuotaMB != 42 || m.QuotaMB != 500 {
		t.Errorf("service details: ftp %+v email %+v webdisk %+v", f, m, w)
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "public_html/bob")); err != nil {
		t.Errorf("ftp directory: %v", err)
	}
	// list_users shows one user with three services, and no duplicates.
	got := summary(t, list(t, e.mustOK(t, e.a, "list_users")))
	if got[0] != "sub bob@example.com email+ftp+webdisk" || got[1] != "service cpuser_logs ftp" || len(got) != 4 {
		t.Errorf("list_users = %v", got)
	}
	// The generic list arguments apply to list_users.
	subs := list(t, e.mustOK(t, e.a, "list_users", "api.filter_column_0=type", "api.filter_term_0=sub",
		"api.filter_type_0=eq"))
	if len(subs) != 1 || subs[0]["username"] != "bob" {
		t.Errorf("filtered list_users = %v", summary(t, subs))
	}
}

// TestCreateUserNestedJSON: a JSON body with nested services objects works
// like dotted keys.
func TestCreateUserNestedJSON(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	body := `{"username":"carol","domain":"example.net","password":"pw-carol-1",
		"services":{"ftp":{"enabled":true,"homedir":"carol"},"email":{"enabled":1,"quota":"unlimited"}}}`
	args, nested, err := uapi.ArgsFromJSON([]byte(body))
	if err != nil || !nested {
		t.Fatal(err, nested)
	}
	r := e.eng.Execute(context.Background(), uapi.Request{Account: e.a, Module: module, Function: "create_user",
		Args: args, Nested: true, Transport: "test"})
	if r.Status != 1 {
		t.Fatalf("create_user: %v", r.Errors)
	}
	if got := enabled(obj(t, r)); got != "email+ftp" {
		t.Fatalf("services %s", got)
	}
	if q := obj(t, r)["services"].(map[string]any)["email"].(map[string]any)["quota"]; q.(interface{ String() string }).String() != "0" {
		t.Errorf("unlimited quota shows %v", q)
	}
}

func TestCreateUserErrors(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	base := []string{"username=dave", "domain=example.com", "password=pw-dave-1"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no username", []string{"domain=example.com", "password=x"}, "mandatory field: username"},
		{"no domain", []string{"username=x", "password=x"}, "mandatory field: domain"},
		{"no password", []string{"username=x", "domain=example.com"}, "mandatory field: password"},
		{"bad username", []string{"username=a b", "domain=example.com", "password=x"}, "“username”"},
		{"username starting with a dot", []string{"username=.x", "domain=example.com", "password=x"}, "“username”"},
		{"username too long", []string{"username=" + strings.Repeat("a", 65), "domain=example.com", "password=x"}, "“username”"},
		{"domain of another account", []string{"username=x", "domain=other.org", "password=x"}, "You do not own the domain “other.org”"},
		{"real_name", append(base, "real_name=<b>"), "“real_name”"},
		{"alternate_email", append(base, "alternate_email=not-an-address"), "“alternate_email”"},
		{"phone_number", append(base, "phone_number=call me"), "“phone_number”"},
		{"avatar_url", append(base, "avatar_url=http://img.example/a.png"), "“avatar_url”"},
		{"perms", append(base, "services.webdisk.perms=rwx"), "“services.webdisk.perms”"},
		{"quota", append(base, "services.email.quota=lots"), "quota"},
		{"ftp without homedir", append(base, "services.ftp.enabled=1"), "mandatory field: services.ftp.homedir"},
		{"webdisk without homedir", append(base, "services.webdisk.enabled=1"), "mandatory field: services.webdisk.homedir"},
		{"password and hash", append(base, "password_hash=$6$x$y"), "both"},
		{"bad hash", []string{"username=x", "domain=example.com", "password_hash=plain"}, "“password_hash”"},
		{"invite without address", append(base, "send_invite=1"), "mandatory field: alternate_email"},
		{"type", append(base, "type=service"), "“type”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.mustFail(t, e.a, tt.want, "create_user", tt.args...)
			if r.Data != nil {
				t.Errorf("data %v", r.Data)
			}
		})
	}
	if got := summary(t, list(t, e.mustOK(t, e.a, "list_users"))); len(got) != 3 {
		t.Errorf("a failed create left something: %v", got)
	}
}

// TestCreateUserAlreadyExists: cPanel's typed error, with its type in data.
func TestCreateUserAlreadyExists(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "create_user", "username=erin", "domain=example.com", "password=pw-erin-1")
	r := e.mustFail(t, e.a, "already exists", "create_user", "username=ERIN", "domain=example.com", "password=pw-erin-2")
	if d := obj(t, r); d["type"] != "AlreadyExists" {
		t.Errorf("data %v", d)
	}
	if !strings.HasPrefix(r.Errors[0], "The system failed to create the user: ") {
		t.Errorf("error %q", r.Errors[0])
	}
}

// TestCreateUserIsAllOrNothing: when the last service cannot be created,
// the services created before it and the Subaccount are gone again.
func TestCreateUserIsAllOrNothing(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	// A Web Disk login of the same name makes the third service fail.
	e.mustOK(t, e.a, "WebDisk::add_user", "user=bob", "domain=example.com", "password=other-pw-1", "homedir=public_html/x")
	before := summary(t, list(t, e.mustOK(t, e.a, "list_users")))
	r := e.mustFail(t, e.a, "The system failed to set up services for the user “bob” at the domain “example.com”: The Web Disk account “bob@example.com” already exists.",
		"create_user", allServices...)
	if r.Data != nil {
		t.Errorf("data %v", r.Data)
	}
	if after := summary(t, list(t, e.mustOK(t, e.a, "list_users"))); !reflect.DeepEqual(after, before) {
		t.Errorf("list_users after a failed create\n%v\nwant\n%v", after, before)
	}
	ctx := context.Background()
	if _, err := e.db.FindFTPAccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("FTP account left: %v", err)
	}
	if _, err := e.db.FindEmailAccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("email account left: %v", err)
	}
	if _, err := e.db.FindSubaccount(ctx, e.a.ID, "bob", "example.com"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("subaccount left: %v", err)
	}
	if notes, _ := e.db.ListServiceAnnotations(ctx, e.a.ID); len(notes) != 0 {
		t.Errorf("annotations left: %v", notes)
	}
}

// TestCreateUserWithHash: the services get the hash itself.
func TestCreateUserWithHash(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	hash, err := password.Hash("from-a-hash")
	if err != nil {
		t.Fatal(err)
	}
	e.mustOK(t, e.a, "create_user", "username=hal", "domain=example.com", "password_hash="+hash,
		"services.ftp.enabled=1", "services.ftp.homedir=hal", "services.email.enabled=1")
	f, _ := e.db.FindFTPAccount(context.Background(), e.a.ID, "hal", "example.com")
	m, _ := e.db.FindEmailAccount(context.Background(), e.a.ID, "hal", "example.com")
	if f.PasswordHash != hash || m.PasswordHash != hash {
		t.Errorf("hashes %q %q, want %q", f.PasswordHash, m.PasswordHash, hash)
	}
	e.mustFail(t, e.a, "Digest", "create_user", "username=hal2", "domain=example.com", "password_hash="+hash,
		"services.webdisk.enabled=1", "services.webdisk.homedir=x", "services.webdisk.enabledigest=1")
}

// TestCreateUserNeedsServiceFeature: giving a user a service needs the
// feature that gates the service's own functions.
func TestCreateUserNeedsServiceFeature(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	features := []string{hosting.FeatureUserManager, hosting.FeatureEmail}
	if err := e.db.UpdateAccount(context.Background(), e.a.ID, hosting.AccountUpdate{Features: features}); err != nil {
		t.Fatal(err)
	}
	a := e.mustAccount(t, "cpuser")
	e.mustFail(t, a, "You do not have the feature “ftpaccts”.", "create_user", "username=x", "domain=example.com",
		"password=x-pw-1", "services.ftp.enabled=1", "services.ftp.homedir=x")
	e.mustOK(t, a, "create_user", "username=x", "domain=example.com", "password=x-pw-1", "services.email.enabled=1",
		"services.email.send_welcome_email=1")
	if err := e.db.UpdateAccount(context.Background(), e.a.ID, hosting.AccountUpdate{Features: []string{}}); err != nil {
		t.Fatal(err)
	}
	e.mustFail(t, e.mustAccount(t, "cpuser"), "user_manager", "list_users")
}

// An account that loses a service's feature cannot change, delete or link
// that kind of service account through UserManager either.
func TestLostServiceFeatureGuardsExistingAccounts(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustOK(t, e.a, "create_user", "username=kept", "domain=example.com", "password=kept-pw-1",
		"services.ftp.enabled=1", "services.ftp.homedir=kept")
	if err := e.db.UpdateAccount(context.Background(), e.a.ID, hosting.AccountUpdate{
		Features: []string{hosting.FeatureUserManager, hosting.FeatureEmail}}); err != nil {
		t.Fatal(err)
	}
	a := e.mustAccount(t, "cpuser")
	e.mustFail(t, a, "You do not have the feature “ftpaccts”.", "edit_user", "username=kept", "domain=example.com",
		"services.ftp.quota=5")
	e.mustFail(t, a, "You do not have the feature “ftpaccts”.", "delete_user", "username=kept", "domain=example.com")
	if _, err := e.db.FindFTPAccount(context.Background(), a.ID, "kept", "example.com"); err != nil {
		t.Errorf("a refused delete_user removed the FTP account: %v", err)
	}
	e.mustFail(t, a, "You do not have the feature “ftpaccts”.", "merge_service_account", "username=kept",
		"domain=example.com", "services.ftp.merge=1")
}
