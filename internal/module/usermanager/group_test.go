package usermanager

import (
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

var testAcct = &hosting.Account{ID: 1, Name: "cpuser", Domain: "example.com", Domains: []string{"example.com", "example.net"}, QuotaMB: 100}

func em(name string, id int64) *serviceAccount {
	user, domain, _ := strings.Cut(name, "@")
	return emailAccount(&hosting.EmailAccount{ID: id, User: user, Domain: domain, PasswordHash: "$6$e", QuotaMB: 250})
}

func fa(name string, id int64) *serviceAccount {
	user, domain, _ := strings.Cut(name, "@")
	return ftpAccount(&hosting.FTPAccount{ID: id, User: user, Domain: domain, PasswordHash: "$6$f", HomeDir: user})
}

func wd(name string, id int64) *serviceAccount {
	user, domain, _ := strings.Cut(name, "@")
	return webDiskAccount(&hosting.WebDiskAccount{ID: id, User: user, Domain: domain, PasswordHash: "$6$w",
		HomeDir: "public_html/" + user, Perms: hosting.WebDiskReadWrite})
}

func sb(name string) *hosting.Subaccount {
	user, domain, _ := strings.Cut(name, "@")
	return &hosting.Subaccount{ID: 1, AccountID: 1, GUID: strings.ToUpper(name) + ":0:GUID", User: user, Domain: domain,
		PasswordHash: "$6$s", SyncedPassword: true}
}

func linkNote(sa *serviceAccount, sub *hosting.Subaccount) *hosting.ServiceAnnotation {
	return &hosting.ServiceAnnotation{AccountID: 1, Service: sa.service, User: sa.user, Domain: sa.domain,
		ServiceID: sa.id, OwnerGUID: sub.GUID}
}

func dismissNote(sa *serviceAccount) *hosting.ServiceAnnotation {
	return &hosting.ServiceAnnotation{AccountID: 1, Service: sa.service, User: sa.user, Domain: sa.domain,
		ServiceID: sa.id, Dismissed: true}
}

func testBuilder() *builder {
	return newBuilder(testAcct, time.Unix(1_800_000_000, 0), "test.host")
}

// TestGrouping covers every rule of SPEC 3.1 on hand-made snapshots.
func TestGrouping(t *testing.T) {
	t.Parallel()
	bobSub, carolSub := sb("bob@example.com"), sb("carol@example.com")
	bobEmail, bobFTP, bobDisk := em("bob@example.com", 1), fa("bob@example.com", 2), wd("bob@example.com", 3)
	carolEmail, carolFTP := em("carol@example.com", 4), fa("carol@example.com", 5)
	const cp = "cpanel cpuser email+ftp+webdisk"
	tests := []struct {
		name     string
		subs     []*hosting.Subaccount
		services []*serviceAccount
		notes    []*hosting.ServiceAnnotation
		flat     bool
		want     []string
	}{
		{name: "nothing", want: []string{cp}},
		{name: "one service account", services: []*serviceAccount{bobEmail},
			want: []string{"service bob@example.com email", cp}},
		{name: "two share a name", services: []*serviceAccount{bobEmail, bobFTP},
			want: []string{"hypothetical bob@example.com - < email/hypothetical ftp/hypothetical", cp}},
		{name: "three share a name", services: []*serviceAccount{bobEmail, bobFTP, bobDisk},
			want: []string{"hypothetical bob@example.com - < email/hypothetical ftp/hypothetical webdisk/hypothetical", cp}},
		{name: "dismissed is listed alone", services: []*serviceAccount{bobEmail, bobFTP},
			notes: []*hosting.ServiceAnnotation{dismissNote(bobEmail)},
			want:  []string{"service bob@example.com email", "service bob@example.com ftp", cp}},
		{name: "dismissed beside two candidates", services: []*serviceAccount{bobEmail, bobFTP, bobDisk},
			notes: []*hosting.ServiceAnnotation{dismissNote(bobEmail)},
			want:  []string{"hypothetical bob@example.com - < ftp/hypothetical webdisk/hypothetical", "service bob@example.com email", cp}},
		{name: "linked is absorbed", subs: []*hosting.Subaccount{bobSub}, services: []*serviceAccount{bobFTP},
			notes: []*hosting.ServiceAnnotation{linkNote(bobFTP, bobSub)},
			want:  []string{"sub bob@example.com ftp", cp}},
		{name: "linked and a candidate", subs: []*hosting.Subaccount{bobSub}, services: []*serviceAccount{bobEmail, bobFTP},
			notes: []*hosting.ServiceAnnotation{linkNote(bobFTP, bobSub)},
			want:  []string{"sub bob@example.com ftp < email/sub", cp}},
		{name: "subaccount with candidates", subs: []*hosting.Subaccount{bobSub}, services: []*serviceAccount{bobEmail, bobDisk},
			want: []string{"sub bob@example.com - < email/sub webdisk/sub", cp}},
		{name: "one candidate of a subaccount", subs: []*hosting.Subaccount{bobSub}, services: []*serviceAccount{bobEmail},
			want: []string{"sub bob@example.com - < email/sub", cp}},
		{name: "special accounts are listed alone", services: append([]*serviceAccount{em("ftp@example.com", 9)}, specialFTP(testAcct)...),
			want: []string{"service cpuser_logs ftp", "service ftp@example.com email", "service ftp@example.com ftp", cp}},
		{name: "flat", subs: []*hosting.Subaccount{carolSub}, services: []*serviceAccount{bobEmail, bobFTP, carolEmail, carolFTP},
			notes: []*hosting.ServiceAnnotation{linkNote(carolFTP, carolSub)}, flat: true,
			want: []string{"service bob@example.com email", "service bob@example.com ftp", "sub carol@example.com ftp",
				"service carol@example.com email", cp}},
		{name: "a link made on an older account of the name", subs: []*hosting.Subaccount{bobSub}, services: []*serviceAccount{bobFTP},
			notes: []*hosting.ServiceAnnotation{{AccountID: 1, Service: "ftp", User: "bob", Domain: "example.com", ServiceID: 1, OwnerGUID: bobSub.GUID}},
			want:  []string{"sub bob@example.com - < ftp/sub", cp}},
		{name: "ordered by name", subs: []*hosting.Subaccount{sb("zed@example.com")}, services: []*serviceAccount{em("alice@example.net", 7), em("alice@example.com", 8)},
			want: []string{"service alice@example.com email", "service alice@example.net email", "sub zed@example.com -", cp}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			records := testBuilder().listUsers(newSnapshot(tt.subs, tt.services, tt.notes), tt.flat)
			got := summary(t, toMaps(t, records))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("records\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestGroupingFlags checks the per-record flags each rule sets.
func TestGroupingFlags(t *testing.T) {
	t.Parallel()
	bobSub := sb("bob@example.com")
	bobEmail, bobFTP, bobDisk := em("bob@example.com", 1), fa("bob@example.com", 2), wd("bob@example.com", 3)
	snap := newSnapshot([]*hosting.Subaccount{bobSub}, []*serviceAccount{bobEmail, bobFTP, bobDisk, em("solo@example.com", 4)},
		[]*hosting.ServiceAnnotation{linkNote(bobFTP, bobSub), dismissNote(bobDisk)})
	rs := toMaps(t, testBuilder().listUsers(snap, false))
	// sub bob (ftp, candidate email), service bob webdisk (dismissed), service solo, cpanel
	if len(rs) != 4 {
		t.Fatalf("records: %v", summary(t, rs))
	}
	sub, cand, disk, solo, cp := rs[0], rs[0]["merge_candidates"].([]any)[0].(map[string]any), rs[1], rs[2], rs[3]
	checks := []struct {
		name string
		r    map[string]any
		want map[string]int64
	}{
		{"sub", sub, map[string]int64{"can_delete": 1, "can_set_password": 1, "can_set_quota": 0, "special": 0, "synced_password": 1,
			"sub_account_exists": 0, "has_siblings": 0, "dismissed": 0}},
		{"candidate", cand, map[string]int64{"can_delete": 1, "can_set_password": 1, "can_set_quota": 1, "sub_account_exists": 1,
			"has_siblings": 1, "dismissed": 0, "synced_password": 0}},
		{"dismissed", disk, map[string]int64{"dismissed": 1, "sub_account_exists": 1, "has_siblings": 1}},
		{"alone", solo, map[string]int64{"sub_account_exists": 0, "has_siblings": 0, "dismissed": 0}},
		{"cpanel", cp, map[string]int64{"special": 1, "can_delete": 0, "can_set_password": 0, "can_set_quota": 0}},
	}
	for _, c := range checks {
		for k, v := range c.want {
			if got := num(t, c.r, k); got != v {
				t.Errorf("%s: %s = %d, want %d", c.name, k, got, v)
			}
		}
	}
	if cand["parent_type"] != "sub" || disk["parent_type"] != nil || sub["guid"] != bobSub.GUID || cp["domain"] != nil {
		t.Errorf("parent types %v %v, guid %v, cpanel domain %v", cand["parent_type"], disk["parent_type"], sub["guid"], cp["domain"])
	}
	for _, r := range []map[string]any{cand, disk, solo, cp} {
		if !guidRE.MatchString(r["guid"].(string)) {
			t.Errorf("guid %q", r["guid"])
		}
	}
}

// TestSpecialAccounts: NAME_logs and anonymous FTP are special; only the
// anonymous login's quota can be set.
func TestSpecialAccounts(t *testing.T) {
	t.Parallel()
	rs := toMaps(t, testBuilder().listUsers(newSnapshot(nil, specialFTP(testAcct), nil), false))
	logs, anon := rs[0], rs[1]
	if logs["full_username"] != "cpuser_logs" || logs["domain"] != nil || !strings.HasPrefix(logs["guid"].(string), "CPUSER_LOGS::") {
		t.Errorf("logs record %v", logs)
	}
	if anon["full_username"] != "ftp@example.com" {
		t.Errorf("anonymous record %v", anon)
	}
	for _, c := range []struct {
		r     map[string]any
		quota int64
	}{{logs, 0}, {anon, 1}} {
		if num(t, c.r, "special") != 1 || num(t, c.r, "can_delete") != 0 || num(t, c.r, "can_set_password") != 0 ||
			num(t, c.r, "can_set_quota") != c.quota {
			t.Errorf("%v: flags", c.r["full_username"])
		}
	}
	ftp := logs["services"].(map[string]any)["ftp"].(map[string]any)
	if ftp["homedir"] != "logs" || ftp["quota"] != "100.00" {
		t.Errorf("logs ftp %v", ftp)
	}
}

// TestRecordFields: every record type carries every field of SPEC 3.2 (and
// team_owner), with cPanel's types, and nothing else.
func TestRecordFields(t *testing.T) {
	t.Parallel()
	want := strings.Fields(`alternate_email avatar_url can_delete can_set_password can_set_quota dismissed
		dismissed_merge_candidates domain full_username guid has_expired_invite has_invite has_siblings
		invite_expiration issues merge_candidates parent_type phone_number real_name services special
		sub_account_exists synced_password team_owner type username`)
	bob := sb("bob@example.com")
	snap := newSnapshot([]*hosting.Subaccount{bob}, []*serviceAccount{em("bob@example.com", 1), fa("x@example.com", 2),
		wd("x@example.com", 3)}, nil)
	rs := toMaps(t, testBuilder().listUsers(snap, false))
	all := append(rs, rs[0]["merge_candidates"].([]any)[0].(map[string]any), rs[1]["merge_candidates"].([]any)[0].(map[string]any))
	for _, r := range all {
		var keys []string
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !slices.Equal(keys, want) {
			t.Errorf("%v %v keys\n%v\nwant\n%v", r["type"], r["full_username"], keys, want)
		}
		svcs := r["services"].(map[string]any)
		for _, s := range hosting.SubaccountServices() {
			if _, ok := svcs[s].(map[string]any)["enabled"]; !ok {
				t.Errorf("%v: services.%s has no enabled", r["full_username"], s)
			}
		}
	}
	disk := rs[1]["merge_candidates"].([]any)[1].(map[string]any)["services"].(map[string]any)["webdisk"].(map[string]any)
	if len(disk) != 5 || disk["perms"] != "rw" || disk["homedir"] != "public_html/x" {
		t.Errorf("webdisk service %v", disk)
	}
	if f := rs[1]["merge_candidates"].([]any)[0].(map[string]any)["services"].(map[string]any)["ftp"].(map[string]any); f["quota"] != "0.00" {
		t.Errorf("ftp service %v", f)
	}
}

func TestFTPIssues(t *testing.T) {
	t.Parallel()
	const mb = 1 << 20
	tests := []struct {
		used, quota int64
		want        string
	}{
		{0, 0, ""}, {500 * mb, 0, ""}, {79 * mb, 100, ""}, {80 * mb, 100, "warning 80/100"},
		{99 * mb, 100, "warning 99/100"}, {100 * mb, 100, "error 100/100"}, {250 * mb, 100, "error 250/100"},
	}
	for _, tt := range tests {
		var got []string
		for _, i := range ftpIssues(tt.used, tt.quota) {
			if i.Area != "quota" || i.Service != "ftp" || i.Message == "" {
				t.Errorf("issue %+v", i)
			}
			got = append(got, i.Type+" "+itoa(i.Used)+"/"+itoa(i.Limit))
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("ftpIssues(%d MB of %d) = %v, want %q", tt.used/mb, tt.quota, got, tt.want)
		}
	}
	// A Subaccount shows the issues of its linked services.
	bob := sb("bob@example.com")
	full := ftpAccount(&hosting.FTPAccount{ID: 2, User: "bob", Domain: "example.com", QuotaMB: 10, UsedBytes: 9 * mb})
	rs := toMaps(t, testBuilder().listUsers(newSnapshot([]*hosting.Subaccount{bob}, []*serviceAccount{full},
		[]*hosting.ServiceAnnotation{linkNote(full, bob)}), false))
	if issues := rs[0]["issues"].([]any); len(issues) != 1 || issues[0].(map[string]any)["type"] != "warning" {
		t.Errorf("sub issues %v", issues)
	}
}

// TestGroupingScales runs the grouping on 30,000 accounts in 10,000 names
// and checks the shape, as a guard for the one-pass algorithm.
func TestGroupingScales(t *testing.T) {
	t.Parallel()
	snap := tripleSnapshot(10_000)
	rs := testBuilder().listUsers(snap, false)
	counts := map[string]int{}
	for _, r := range rs {
		counts[r.Type]++
	}
	if counts[TypeHypothetical] != 10_000 || counts[TypeCPanel] != 1 || len(rs) != 10_001 {
		t.Fatalf("records by type %v (%d)", counts, len(rs))
	}
}

func toMaps(tb testing.TB, records []*Record) []map[string]any {
	tb.Helper()
	out := make([]map[string]any, len(records))
	for i, r := range records {
		out[i] = obj(tb, r)
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
