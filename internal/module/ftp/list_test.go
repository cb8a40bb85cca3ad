package ftp

import (
	"context"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

// mustListFixture gives cpuser three virtual logins with files and quotas,
// and the other tenant one login that must never show up.
func mustListFixture(tb testing.TB) *env {
	tb.Helper()
	e := mustEnv(tb)
	e.mustOK(tb, e.a, "add_ftp", "user=bob", "pass=x", "quota=10")
	e.mustOK(tb, e.a, "add_ftp", "user=amy@example.net", "pass=x", "homedir=public_html/amy")
	e.mustOK(tb, e.a, "add_ftp", "user=cy", "pass=x", "homedir=cy", "quota=2")
	e.mustOK(tb, e.b, "add_ftp", "user=spy", "pass=x", "homedir=public_html")
	// bob's upload is on disk; cy's file is counted by the rescan that
	// set_quota runs, as pure-quotacheck would; pub.txt, stored behind
	// uapid's back, by the rescan the fixture runs last.
	mustWrite(tb, e.a, "bob@example.com/up.bin", 2_453_667)
	mustWrite(tb, e.a, "cy/big.bin", 2*bytesPerMB+1)
	e.mustOK(tb, e.a, "set_quota", "user=cy", "quota=2")
	mustWrite(tb, e.a, "public_ftp/pub.txt", 5*bytesPerMB)
	if _, err := e.usage.Rescan(context.Background(), e.a); err != nil {
		tb.Fatal(err)
	}
	return e
}

func TestListFTP(t *testing.T) {
	t.Parallel()
	e := mustListFixture(t)
	tests := []struct {
		name string
		args []string
	}{
		{"list_ftp", nil},
		{"list_ftp_subs", []string{"include_acct_types=sub"}},
		{"list_ftp_special", []string{"skip_acct_types=sub|main"}},
		{"list_ftp_include_skip", []string{"include_acct_types=main|sub", "skip_acct_types=sub"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.checkGolden(t, tt.name, e.mustOK(t, e.a, "list_ftp", tt.args...))
		})
	}
	t.Run("bad type", func(t *testing.T) {
		e.checkResult(t, e.call(e.a, "list_ftp", "include_acct_types=main|robots"),
			failure("The “include_acct_types” parameter contains “robots”; the account types are: anonymous, logaccess, main, sub (separated by |)."))
	})
	t.Run("other tenant", func(t *testing.T) {
		e.checkGolden(t, "list_ftp_other", e.mustOK(t, e.b, "list_ftp"))
	})
}

func TestListFTPWithDisk(t *testing.T) {
	t.Parallel()
	e := mustListFixture(t)
	if err := e.accounts.SetQuota(context.Background(), "cpuser", 100); err != nil {
		t.Fatal(err)
	}
	e.a.QuotaMB = 100 // the engine gets the account fresh for every request
	tests := []struct {
		name string
		args []string
	}{
		{"list_ftp_with_disk", nil},
		{"list_ftp_with_disk_regex", []string{"regex=^(BOB|amy)@", "infinitylang=1"}},
		{"list_ftp_with_disk_infinityimg", []string{"include_acct_types=anonymous", "infinityimg=/img/inf.png?a=1&b=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.checkGolden(t, tt.name, e.mustOK(t, e.a, "list_ftp_with_disk", tt.args...))
		})
	}
	t.Run("bad regex", func(t *testing.T) {
		e.checkResult(t, e.call(e.a, "list_ftp_with_disk", "regex=("),
			failure("The “regex” parameter is not a valid regular expression: missing closing )."))
	})
	t.Run("post-processing", func(t *testing.T) {
		r := e.mustOK(t, e.a, "list_ftp_with_disk", "api.filter_column=accttype", "api.filter_term=sub",
			"api.filter_type=eq", "api.columns_1=login", "api.columns_2=diskusedpercent")
		e.checkGolden(t, "list_ftp_with_disk_filtered", r)
	})
}

func TestDiskRecord(t *testing.T) {
	t.Parallel()
	acct := &hosting.Account{HomeDir: "/home/u"}
	tests := []struct {
		name                  string
		used, quotaMB         int64
		quota, human, percent string
		pct, pct20            int64
	}{
		{"unlimited", 3 * bytesPerMB / 2, 0, "unlimited", "None", "2 MB", 0, 0},
		{"quarter", 25 * bytesPerMB / 10, 10, "10.00", "10 MB", "3 MB", 25, 20},
		{"a byte over", 2*bytesPerMB + 1, 2, "2.00", "2 MB", "2 MB", 101, 100},
		{"empty", 0, 5, "5.00", "5 MB", "0 MB", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diskRecord(acct, entry{login: "x@y.z", typ: typeSub, rel: "x", quotaMB: tt.quotaMB}, tt.used, "unlimited")
			if r.DiskQuota != tt.quota || r.HumanDiskQuota != tt.human || r.HumanDiskUsed != tt.percent ||
				r.DiskUsedPercent != tt.pct || r.DiskUsedPercent20 != tt.pct20 || r.DiskUsed != r.DiskUsedMB {
				t.Errorf("%+v", r)
			}
		})
	}
}
