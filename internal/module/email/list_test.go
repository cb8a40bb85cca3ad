package email_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/uapi"
)

func TestListPops(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	if r := mustOK(t, e.call(e.a, "list_pops", "skip_main=1")); dataJSON(t, r) != "[]" || r.Metadata["transformed"] != 1 {
		t.Fatalf("no mailboxes: %s %v", dataJSON(t, r), r.Metadata)
	}
	e.mustAdd(t, e.a, "sales", "s3cret-pass")
	e.mustAdd(t, e.a, "info%40example.net", "s3cret-pass")
	e.mustAdd(t, e.b, "info%40other.org", "s3cret-pass")
	got := dataJSON(t, mustOK(t, e.call(e.a, "list_pops", "skip_main=1", "no_validate=1")))
	want := `[{"email":"info@example.net","login":"info@example.net","suspended_incoming":0,"suspended_login":0},` +
		`{"email":"sales@example.com","login":"sales@example.com","suspended_incoming":0,"suspended_login":0}]`
	if got != want {
		t.Fatalf("list_pops\n got %s\nwant %s", got, want)
	}
	tests := []struct {
		regex    string
		skipMain string
		want     []string
	}{
		{"sal", "1", []string{"sales@example.com"}},
		{"example%5C.net%24", "1", []string{"info@example.net"}},
		{"%2F%5Einfo%24%2F", "1", []string{"info@example.net"}}, // /^info$/ matches the user name
		{"%2FSALES%2Fi", "1", []string{"sales@example.com"}},
		{"nomatch", "1", []string{}},
		{"cpu", "0", []string{"cpuser"}}, // the main account's record, selected by its name
		{"cpu", "1", []string{}},
		{"sal", "0", []string{"sales@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.regex+" skip_main="+tt.skipMain, func(t *testing.T) {
			r := mustOK(t, e.call(e.a, "list_pops", "regex="+tt.regex, "skip_main="+tt.skipMain))
			if got := emails(t, r); !slices.Equal(got, tt.want) {
				t.Fatalf("emails %v, want %v", got, tt.want)
			}
		})
	}
	wantError(t, e.call(e.a, "list_pops", "regex=%28"), "“regex” parameter is not a valid regular expression")
	wantError(t, e.call(e.a, "list_pops", "skip_main=2"), "“skip_main”")
}

// TestListPopsMainAccount runs list_pops as cPanel's documentation
// describes skip_main=0, the default: the mailboxes, then the cPanel
// account itself with login "Main Account".
func TestListPopsMainAccount(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	main := `{"email":"cpuser","login":"Main Account","suspended_incoming":0,"suspended_login":0}`
	for _, args := range [][]string{nil, {"skip_main=0"}} {
		if got := dataJSON(t, mustOK(t, e.call(e.a, "list_pops", args...))); got != "["+main+"]" {
			t.Errorf("list_pops %v on an account without mailboxes: %s", args, got)
		}
	}
	e.mustAdd(t, e.a, "sales", "s3cret-pass")
	want := `[{"email":"sales@example.com","login":"sales@example.com","suspended_incoming":0,"suspended_login":0},` + main + `]`
	if got := dataJSON(t, mustOK(t, e.call(e.a, "list_pops", "skip_main=0"))); got != want {
		t.Errorf("list_pops skip_main=0\n got %s\nwant %s", got, want)
	}
	// The other account sees its own name, never cpuser.
	if got := dataJSON(t, mustOK(t, e.call(e.b, "list_pops"))); !strings.Contains(got, `"email":"other"`) || strings.Contains(got, "cpuser") {
		t.Errorf("other account: %s", got)
	}
}

// emails returns the email field of every record of a list result.
func emails(tb testing.TB, r *uapi.Result) []string {
	tb.Helper()
	var recs []struct {
		Email string `json:"email"`
	}
	if err := json.Unmarshal([]byte(dataJSON(tb, r)), &recs); err != nil {
		tb.Fatal(err)
	}
	out := []string{}
	for _, rec := range recs {
		out = append(out, rec.Email)
	}
	return out
}

// pinMtime sets the maildir's times (and cur's and new's) to at.
func pinMtime(tb testing.TB, dir string, at time.Time) {
	tb.Helper()
	for _, d := range []string{dir, dir + "/cur", dir + "/new"} {
		if err := os.Chtimes(d, at, at); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestListPopsWithDiskRecords(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.a, "info", "s3cret-pass", "quota=10")
	e.mustAdd(t, e.a, "big", "s3cret-pass", "quota=unlimited")
	dir := maildir(e.a, "info", "example.com")
	mustMail(t, dir+"/cur", "1.mail", 3<<20)
	mustMail(t, dir+"/new", "2.mail", 1000)
	at := time.Unix(1_700_000_000, 0)
	pinMtime(t, dir, at)
	pinMtime(t, maildir(e.a, "big", "example.com"), at)

	r := mustOK(t, e.call(e.a, "list_pops_with_disk"))
	want := `[{"_diskquota":0,"_diskused":0,"diskquota":"unlimited","diskused":0,"diskusedpercent":0,"diskusedpercent20":0,` +
		`"diskusedpercent_float":0,"domain":"example.com","email":"big@example.com","humandiskquota":"None","humandiskused":"None",` +
		`"login":"big@example.com","mtime":1700000000,"suspended_incoming":0,"suspended_login":0,"suspended_outgoing":0,` +
		`"txtdiskquota":"unlimited","user":"big"},` +
		`{"_diskquota":10485760,"_diskused":3146728,"diskquota":10,"diskused":3,"diskusedpercent":31,"diskusedpercent20":20,` +
		`"diskusedpercent_float":30.009536743164062,"domain":"example.com","email":"info@example.com","humandiskquota":"10` + "\u00a0" + `MB",` +
		`"humandiskused":"3` + "\u00a0" + `MB","login":"info@example.com","mtime":1700000000,"suspended_incoming":0,"suspended_login":0,` +
		`"suspended_outgoing":0,"txtdiskquota":10,"user":"info"}]`
	if got := dataJSON(t, r); got != want {
		t.Fatalf("list_pops_with_disk\n got %s\nwant %s", got, want)
	}
	if r.Metadata["transformed"] != 1 {
		t.Errorf("metadata %v", r.Metadata)
	}
}

// record decodes the first record of a list_pops_with_disk result.
func record(tb testing.TB, r *uapi.Result) map[string]any {
	tb.Helper()
	var recs []map[string]any
	if err := json.Unmarshal([]byte(dataJSON(tb, r)), &recs); err != nil || len(recs) == 0 {
		tb.Fatalf("data %s: %v", dataJSON(tb, r), err)
	}
	return recs[0]
}

func TestListPopsWithDiskOptions(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.a, "big", "s3cret-pass", "quota=unlimited")
	mustMail(t, maildir(e.a, "big", "example.com")+"/cur", "1.mail", 483)
	tests := []struct {
		name  string
		args  []string
		field string
		want  any
	}{
		{"bytes", nil, "humandiskused", "483\u00a0bytes"},
		{"no_disk", []string{"no_disk=1"}, "_diskused", 0.0},
		{"infinitylang", []string{"infinitylang=1"}, "diskquota", "∞"},
		{"infinityimg", []string{"infinityimg=img/inf.png%3Fa%3D1%26b"}, "diskquota", `<img src="img/inf.png?a=1&amp;b" alt="∞" />`},
		{"infinityimg wins", []string{"infinityimg=i.png", "infinitylang=1"}, "diskquota", `<img src="i.png" alt="∞" />`},
		{"txtdiskquota stays text", []string{"infinitylang=1"}, "txtdiskquota", "unlimited"},
		{"get_restrictions", []string{"get_restrictions=1"}, "hold_outgoing", 0.0},
		{"no restrictions by default", nil, "hold_outgoing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := record(t, mustOK(t, e.call(e.a, "list_pops_with_disk", tt.args...)))[tt.field]; got != tt.want {
				t.Fatalf("%s = %#v, want %#v", tt.field, got, tt.want)
			}
		})
	}
}

func TestListPopsWithDiskFilters(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	for _, addr := range []string{"info", "sales", "info%40example.net", "longname%40example.net"} {
		e.mustAdd(t, e.a, addr, "s3cret-pass")
	}
	e.mustAdd(t, e.b, "info%40other.org", "s3cret-pass")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"all", nil, []string{"info@example.com", "info@example.net", "longname@example.net", "sales@example.com"}},
		{"domain", []string{"domain=example.net"}, []string{"info@example.net", "longname@example.net"}},
		{"user on every domain", []string{"email=info"}, []string{"info@example.com", "info@example.net"}},
		{"user and domain", []string{"email=info", "domain=example.net"}, []string{"info@example.net"}},
		{"address", []string{"email=INFO%40example.com"}, []string{"info@example.com"}},
		{"documented regex", []string{"regex=%2F%5E%5Ba-z0-9_-%5D%7B6%2C18%7D%24%2F"}, []string{"longname@example.net"}},
		{"maxaccounts", []string{"maxaccounts=2"}, []string{"info@example.com", "info@example.net"}},
		{"filters before maxaccounts", []string{"domain=example.net", "maxaccounts=1"}, []string{"info@example.net"}},
		{"nothing", []string{"email=nobody"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := emails(t, mustOK(t, e.call(e.a, "list_pops_with_disk", tt.args...))); !slices.Equal(got, tt.want) {
				t.Fatalf("emails %v, want %v", got, tt.want)
			}
		})
	}
	errs := []struct {
		name, want string
		args       []string
	}{
		{"maxaccounts zero", "“maxaccounts” parameter must be a positive integer", []string{"maxaccounts=0"}},
		{"maxaccounts text", "“maxaccounts”", []string{"maxaccounts=all"}},
		{"another tenant's domain", "You do not own the domain “other.org”", []string{"domain=other.org"}},
		{"another tenant's address", "You do not own the domain “other.org”", []string{"email=info%40other.org"}},
		{"address and other domain", "the “domain” parameter names", []string{"email=info%40example.com", "domain=example.net"}},
		{"bad regex", "“regex”", []string{"regex=%5B"}},
		{"bad no_disk", "“no_disk”", []string{"no_disk=yes%20please"}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) { wantError(t, e.call(e.a, "list_pops_with_disk", tt.args...), tt.want) })
	}
}

// TestListPopsWithDiskSymlink: a maildir a tenant replaced with a link out
// of its home counts as empty; nothing outside the home is measured and
// the listing still works.
func TestListPopsWithDiskSymlink(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.a, "info", "s3cret-pass")
	e.mustAdd(t, e.a, "sales", "s3cret-pass")
	mustMail(t, maildir(e.a, "sales", "example.com")+"/cur", "1.mail", 100)
	dir := maildir(e.a, "info", "example.com")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(e.a.HomeDir), dir); err != nil {
		t.Fatal(err)
	}
	r := mustOK(t, e.call(e.a, "list_pops_with_disk"))
	var recs []struct {
		Email string `json:"email"`
		Used  int64  `json:"_diskused"`
	}
	if err := json.Unmarshal([]byte(dataJSON(t, r)), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Used != 0 || recs[1].Used != 100 {
		t.Fatalf("records %+v", recs)
	}
	// delete_pop removes the link, not what it points to.
	mustOK(t, e.call(e.a, "delete_pop", "email=info"))
	if exists(t, dir) || !exists(t, e.a.HomeDir) {
		t.Fatal("delete_pop followed the link")
	}
}

// TestTenantsAreSeparate: nothing one account does reaches another's
// mailboxes, whatever it names.
func TestTenantsAreSeparate(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustAdd(t, e.a, "info", "s3cret-pass")
	for _, fn := range []string{"list_pops", "list_pops_with_disk"} {
		if got := dataJSON(t, mustOK(t, e.call(e.b, fn, "skip_main=1"))); got != "[]" {
			t.Errorf("%s shows the other tenant's mailboxes: %s", fn, got)
		}
	}
	for _, fn := range []string{"delete_pop", "passwd_pop", "edit_pop_quota", "get_pop_quota"} {
		wantError(t, e.call(e.b, fn, "email=info%40example.com", "password=x", "quota=1"), "You do not own the domain “example.com”")
		wantError(t, e.call(e.b, fn, "email=info", "domain=example.com", "password=x", "quota=1"), "You do not own the domain “example.com”")
	}
	wantError(t, e.call(e.b, "add_pop", "email=info%40example.com", "password=x"), "You do not own the domain")
	if n := dataJSON(t, mustOK(t, e.call(e.b, "count_pops"))); n != "0" {
		t.Errorf("count_pops of the other tenant = %s", n)
	}
	// The other tenant may use the same local part on its own domain.
	mustOK(t, e.call(e.b, "add_pop", "email=info", "password=other-pass"))
	if got := emails(t, mustOK(t, e.call(e.a, "list_pops", "skip_main=1"))); !slices.Equal(got, []string{"info@example.com"}) {
		t.Errorf("after the other tenant's add_pop: %v", got)
	}
}
