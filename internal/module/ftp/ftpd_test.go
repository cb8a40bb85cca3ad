package ftp

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/limiter"
)

// mustFTPServer starts the real FTP server on 127.0.0.1:0 over the env's
// store and rewires the module to its session registry.
func mustFTPServer(tb testing.TB, e *env) string {
	tb.Helper()
	r := limiter.Rule{MaxFailures: 1000, Window: time.Minute, Block: time.Minute}
	lim := limiter.New(limiter.Config{PerAddress: r, PerAccount: r}, nil)
	srv, err := ftpd.New(ftpd.Config{Addr: "127.0.0.1:0", Usage: e.usage}, fixture.Authenticator(tb, e.db, lim, nil), fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	e.wire(tb, Config{Port: srv.Addr().(*net.TCPAddr).Port}, e.db, srv.Sessions())
	return srv.Addr().String()
}

// mustLogin opens a client session.
func mustLogin(tb testing.TB, addr, user, pass string) *ftp.ServerConn {
	tb.Helper()
	c, err := ftp.Dial(addr, ftp.DialWithTimeout(5*time.Second))
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.Login(user, pass); err != nil {
		tb.Fatalf("login %s: %v", user, err)
	}
	tb.Cleanup(func() { _ = c.Quit() })
	return c
}

// alive reports whether the server still answers on c. A killed session's
// connection closes at once, but the client may need a moment to notice.
func alive(c *ftp.ServerConn) bool {
	for range 20 {
		if err := c.NoOp(); err != nil {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// sessionPIDs lists a tenant's sessions through Ftp::list_sessions, by user.
func (e *env) sessionPIDs(tb testing.TB, acct string) map[string][]int64 {
	tb.Helper()
	a := e.a
	if acct == "b" {
		a = e.b
	}
	out := map[string][]int64{}
	for _, s := range e.mustOK(tb, a, "list_sessions").Data.([]sessionRecord) {
		out[s.User] = append(out[s.User], s.PID)
	}
	return out
}

func TestSessionsOfTheRealFTPServer(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	addr := mustFTPServer(t, e)
	e.mustOK(t, e.a, "add_ftp", "user=bob", "pass=bob-pass")
	e.mustOK(t, e.a, "add_ftp", "user=amy@example.net", "pass=amy-pass")
	e.mustOK(t, e.b, "add_ftp", "user=bob", "pass=other-bob")
	bob1 := mustLogin(t, addr, "bob@example.com", "bob-pass")
	bob2 := mustLogin(t, addr, "bob@example.com", "bob-pass")
	amy := mustLogin(t, addr, "amy@example.net", "amy-pass")
	main := mustLogin(t, addr, "cpuser", "cpuser-password")
	foreign := mustLogin(t, addr, "bob@other.org", "other-bob")

	t.Run("list_sessions", func(t *testing.T) {
		r := e.mustOK(t, e.a, "list_sessions")
		list := r.Data.([]sessionRecord)
		if len(list) != 4 || r.Metadata["transformed"] != 1 {
			t.Fatalf("sessions %+v", r)
		}
		for _, s := range list {
			at, err := time.ParseInLocation(time.ANSIC, s.Login, time.UTC)
			if s.PID <= 0 || s.Host != "127.0.0.1" || s.Status != "IDLE" || s.File != "" ||
				s.Cmdline != "pure-ftpd (IDLE)" || err != nil || time.Since(at) > time.Minute {
				t.Errorf("session %+v (%v)", s, err)
			}
		}
		if got := e.sessionPIDs(t, "b"); len(got["bob@other.org"]) != 1 || len(got) != 1 {
			t.Errorf("other tenant sees %v", got)
		}
	})
	t.Run("kill by pid", func(t *testing.T) {
		pid := e.sessionPIDs(t, "a")["amy@example.net"][0]
		e.checkResult(t, e.call(e.a, "kill_session", "login="+strconv.FormatInt(pid, 10)), nullOK)
		if alive(amy) || !alive(bob1) || !alive(main) {
			t.Error("killed the wrong sessions")
		}
	})
	t.Run("kill by login", func(t *testing.T) {
		e.checkResult(t, e.call(e.a, "kill_session", "login=bob@example.com"), nullOK)
		if alive(bob1) || alive(bob2) || !alive(main) || !alive(foreign) {
			t.Error("killed the wrong sessions")
		}
	})
	t.Run("other tenant cannot kill", func(t *testing.T) {
		pid := e.sessionPIDs(t, "a")["cpuser"][0]
		e.checkResult(t, e.call(e.b, "kill_session", "login=cpuser"),
			failure("The FTP account “cpuser” at domain “other.org” does not exist."))
		e.checkResult(t, e.call(e.b, "kill_session", "login="+strconv.FormatInt(pid, 10)), nullOK)
		e.checkResult(t, e.call(e.b, "kill_session", "login=bob@example.com"),
			failure("The FTP account “bob” at domain “example.com” does not exist."))
		if !alive(main) {
			t.Error("another tenant killed a session")
		}
	})
	t.Run("passwd closes sessions", func(t *testing.T) {
		again := mustLogin(t, addr, "bob@example.com", "bob-pass")
		e.mustOK(t, e.a, "passwd", "user=bob", "pass=new-pass")
		if alive(again) {
			t.Error("the session survived the password change")
		}
	})
	t.Run("delete closes sessions", func(t *testing.T) {
		c := mustLogin(t, addr, "amy@example.net", "amy-pass")
		e.mustOK(t, e.a, "delete_ftp", "user=amy@example.net")
		if alive(c) {
			t.Error("the session survived the deletion")
		}
	})
	t.Run("kill all", func(t *testing.T) {
		e.checkResult(t, e.call(e.a, "kill_session", "login=all"), nullOK)
		if alive(main) || !alive(foreign) {
			t.Error("kill all reached the wrong sessions")
		}
		if got := e.sessionPIDs(t, "a"); len(got) != 0 {
			t.Errorf("sessions left: %v", got)
		}
	})
}

// The FTP server's registry is what cmd/uapid hands to New.
var _ Sessions = (*ftpd.Registry)(nil)
