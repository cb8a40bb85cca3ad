package ftp

import (
	"slices"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// mustSessions gives cpuser five live sessions and the other tenant two.
func mustSessions(tb testing.TB) *env {
	tb.Helper()
	e := mustEnv(tb)
	e.mustOK(tb, e.a, "add_ftp", "user=bob", "pass=x")
	e.mustOK(tb, e.a, "add_ftp", "user=amy@example.net", "pass=x")
	e.mustOK(tb, e.b, "add_ftp", "user=bob", "pass=x")
	at := time.Date(2026, 4, 3, 16, 23, 23, 0, time.UTC)
	for _, s := range []hosting.FTPSession{
		{ID: 9, AccountID: e.a.ID, Login: "bob@example.com", RemoteAddr: "192.0.2.7", LoginTime: at, Status: hosting.FTPIdle},
		{ID: 10, AccountID: e.a.ID, Login: "bob@example.com", RemoteAddr: "192.0.2.7:50123", LoginTime: at.Add(time.Minute), Status: hosting.FTPUpload, File: "/site/big.zip"},
		{ID: 11, AccountID: e.a.ID, Login: "amy@example.net", RemoteAddr: "2001:db8::1", LoginTime: at.Add(time.Hour), Status: hosting.FTPDownload, File: "/a.txt"},
		{ID: 12, AccountID: e.a.ID, Login: "cpuser", RemoteAddr: "198.51.100.2", LoginTime: at, Status: hosting.FTPIdle},
		{ID: 13, AccountID: e.a.ID, Login: "ftp", RemoteAddr: "198.51.100.3", LoginTime: at, Status: hosting.FTPIdle},
		{ID: 20, AccountID: e.b.ID, Login: "bob@other.org", RemoteAddr: "203.0.113.9", LoginTime: at, Status: hosting.FTPIdle},
		{ID: 21, AccountID: e.b.ID, Login: "other", RemoteAddr: "203.0.113.9", LoginTime: at, Status: hosting.FTPIdle},
	} {
		e.sessions.add(s)
	}
	return e
}

func TestListSessions(t *testing.T) {
	t.Parallel()
	e := mustSessions(t)
	e.checkGolden(t, "list_sessions", e.mustOK(t, e.a, "list_sessions"))
	e.checkGolden(t, "list_sessions_other", e.mustOK(t, e.b, "list_sessions"))

	pro := mustEnvWith(t, Config{Daemon: DaemonProFTPD}, nil)
	pro.sessions.add(hosting.FTPSession{ID: 3, AccountID: pro.a.ID, Login: "cpuser", RemoteAddr: "192.0.2.1",
		LoginTime: time.Date(2026, 4, 3, 6, 5, 4, 0, time.UTC), Status: hosting.FTPIdle})
	pro.checkGolden(t, "list_sessions_proftpd", pro.mustOK(t, pro.a, "list_sessions"))

	none, err := New(Config{}, e.db, nil, e.usage, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := none.listSessions(t.Context(), nil); len(got.([]sessionRecord)) != 0 {
		t.Errorf("without a registry: %v", got)
	}
}

func TestKillSession(t *testing.T) {
	t.Parallel()
	all := []int64{9, 10, 11, 12, 13, 20, 21}
	tests := []struct {
		name string
		acct string // "a" or "b"
		args []string
		want string  // result JSON
		left []int64 // live session ids afterwards
	}{
		{"default is all", "a", nil, nullOK, []int64{20, 21}},
		{"all", "a", []string{"login=all"}, nullOK, []int64{20, 21}},
		{"ALL", "a", []string{"login=ALL"}, nullOK, []int64{20, 21}},
		{"user@domain", "a", []string{"login=bob@example.com"}, nullOK, []int64{11, 12, 13, 20, 21}},
		{"user alias", "a", []string{"user=bob@example.com"}, nullOK, []int64{11, 12, 13, 20, 21}},
		{"bare user", "a", []string{"login=bob"}, nullOK, []int64{11, 12, 13, 20, 21}},
		{"other domain", "a", []string{"login=amy@Example.NET"}, nullOK, []int64{9, 10, 12, 13, 20, 21}},
		{"main login", "a", []string{"login=cpuser"}, nullOK, []int64{9, 10, 11, 13, 20, 21}},
		{"anonymous", "a", []string{"login=anonymous"}, nullOK, []int64{9, 10, 11, 12, 20, 21}},
		{"pid", "a", []string{"login=10"}, nullOK, []int64{9, 11, 12, 13, 20, 21}},
		{"logs login without sessions", "a", []string{"login=cpuser_logs"}, nullOK, all},
		{"account without sessions", "a", []string{"login=amy"}, failure("The FTP account “amy” at domain “example.com” does not exist."), all},
		{"gone pid", "a", []string{"login=99"}, nullOK, all},
		{"another tenant's pid", "a", []string{"login=20"}, nullOK, all},
		{"another tenant's login", "a", []string{"login=bob@other.org"}, failure("The FTP account “bob” at domain “other.org” does not exist."), all},
		{"another tenant's main login", "a", []string{"login=other"}, failure("The FTP account “other” at domain “example.com” does not exist."), all},
		{"unknown login", "a", []string{"login=nobody@example.com"}, failure("The FTP account “nobody” at domain “example.com” does not exist."), all},
		{"other tenant all", "b", nil, nullOK, []int64{9, 10, 11, 12, 13}},
		{"other tenant bare", "b", []string{"login=bob"}, nullOK, []int64{9, 10, 11, 12, 13, 21}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustSessions(t)
			acct := e.a
			if tt.acct == "b" {
				acct = e.b
			}
			e.checkResult(t, e.call(acct, "kill_session", tt.args...), tt.want)
			if got := e.sessions.ids(); !slices.Equal(got, tt.left) {
				t.Errorf("sessions left %v, want %v", got, tt.left)
			}
		})
	}
}

func TestSessionFunctionsNeedFtpsetup(t *testing.T) {
	t.Parallel()
	e := mustSessions(t)
	e.a.Features = []string{hosting.FeatureFTPAccounts}
	for _, fn := range []string{"list_sessions", "kill_session", "set_welcome_message", "set_anonymous_ftp", "set_anonymous_ftp_incoming"} {
		t.Run(fn, func(t *testing.T) {
			e.checkResult(t, e.call(e.a, fn, "message=x"), failure("You do not have the feature “ftpsetup”."))
		})
	}
	if len(e.sessions.ids()) != 7 {
		t.Error("a refused kill_session closed sessions")
	}
}
