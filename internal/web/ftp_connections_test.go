package web_test

import (
	"slices"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// mustSessions gives cpuser two live sessions and other one.
func mustSessions(e *env) {
	at := time.Date(2024, 4, 23, 16, 23, 23, 0, time.UTC)
	e.sessions.add(hosting.FTPSession{ID: 101, AccountID: e.a.ID, Login: "bob@example.com", RemoteAddr: "198.51.100.7",
		LoginTime: at, Status: hosting.FTPUpload, File: "/site/index.html"})
	e.sessions.add(hosting.FTPSession{ID: 102, AccountID: e.a.ID, Login: "cpuser", RemoteAddr: "198.51.100.8",
		LoginTime: at, Status: hosting.FTPIdle})
	e.sessions.add(hosting.FTPSession{ID: 900, AccountID: e.b.ID, Login: "other", RemoteAddr: "203.0.113.9",
		LoginTime: at, Status: hosting.FTPIdle})
}

func TestFTPConnectionsList(t *testing.T) {
	e := mustEnv(t)
	mustSessions(e)
	b := e.login(t, "cpuser", passA)
	page := b.mustPage(t, "/ftp/connections")
	mustContain(t, row(page, "ftp-session-101"), "bob@example.com", "198.51.100.7", "UL", "/site/index.html",
		`name="login" value="101"`)
	mustContain(t, row(page, "ftp-session-102"), ">cpuser<", "IDLE")
	mustContain(t, page, `<meta http-equiv="refresh" content="10; url=/`+b.token+`/ftp/connections">`,
		`id="ftp-kill-all"`, `name="login" value="all"`)
	mustNotContain(t, page, "ftp-session-900", "203.0.113.9")
}

func TestFTPConnectionsEmpty(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	page := b.mustPage(t, "/ftp/connections")
	mustContain(t, page, "No one is connected.")
	mustNotContain(t, page, `id="ftp-kill-all"`)
}

func TestFTPDisconnect(t *testing.T) {
	e := mustEnv(t)
	mustSessions(e)
	b := e.login(t, "cpuser", passA)
	page := b.mustDone(t, "/ftp/connections/kill", "/ftp/connections", "login=101")
	mustContain(t, page, `data-testid="flash">Disconnected FTP session 101.<`, "ftp-session-102")
	mustNotContain(t, page, "ftp-session-101")
	// The redirect's message does not stick to the page's reloads.
	mustContain(t, page, `content="10; url=/`+b.token+`/ftp/connections"`)

	// Another account's pid is not the caller's: nothing happens to it.
	b.mustDone(t, "/ftp/connections/kill", "/ftp/connections", "login=900")
	if got := e.sessions.ids(); !slices.Equal(got, []int64{102, 900}) {
		t.Errorf("sessions %v, want [102 900]", got)
	}

	page = b.mustDone(t, "/ftp/connections/kill", "/ftp/connections", "login=all")
	mustContain(t, page, "Disconnected all FTP sessions.", "No one is connected.")
	if got := e.sessions.ids(); !slices.Equal(got, []int64{900}) {
		t.Errorf("sessions %v, want only other's [900]", got)
	}
}

func TestFTPDisconnectByLogin(t *testing.T) {
	e := mustEnv(t)
	mustSessions(e)
	e.mustCall(t, e.a, "Ftp", "add_ftp", "user=bob", "pass=Bob-Pass-1")
	b := e.login(t, "cpuser", passA)
	// The seed's [% execute('Ftp', 'kill_session', {'login' => 'weeones'}) %]:
	// a login name works as well as a pid.
	b.mustDone(t, "/ftp/connections/kill", "/ftp/connections", "login=bob@example.com")
	if got := e.sessions.ids(); !slices.Equal(got, []int64{102, 900}) {
		t.Errorf("sessions %v", got)
	}
	body := b.mustFail(t, "/ftp/connections/kill", "login=nobody@example.com")
	// No row is that login's: the error is shown at the top of the page.
	mustContain(t, between(body, "<main>", "<section"), "form-errors", "nobody")
}
