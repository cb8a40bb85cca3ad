package client_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/client"
)

// alive reports whether the FTP server still answers on conn; a killed
// session's connection closes at once, but the client may need a moment
// to notice.
func alive(conn *ftp.ServerConn) bool {
	for range 20 {
		if err := conn.NoOp(); err != nil {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// sessionsByUser lists the live sessions' PIDs by FTP user.
func sessionsByUser(tb testing.TB, m client.FTPModule) map[string][]string {
	tb.Helper()
	list, err := m.ListSessions(context.Background())
	must(tb, err)
	out := map[string][]string{}
	for _, s := range list {
		out[s.User] = append(out[s.User], s.PID.String())
	}
	return out
}

func TestFTPSessions(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).Ftp()
	ctx := context.Background()
	must(t, m.AddFTP(ctx, client.AddFTPParams{User: "bob", Pass: "Bob-pass-1234"}))
	must(t, m.AddFTP(ctx, client.AddFTPParams{User: "amy", Pass: "Amy-pass-1234"}))
	login := func(user, pass string) *ftp.ServerConn {
		conn, err := s.ftpLogin(t, user, pass)
		must(t, err)
		return conn
	}
	bob1, bob2 := login("bob@example.com", "Bob-pass-1234"), login("bob@example.com", "Bob-pass-1234")
	amy, main := login("amy@example.com", "Amy-pass-1234"), login(testUser, testPass)

	list, err := m.ListSessions(ctx)
	must(t, err)
	if len(list) != 4 {
		t.Fatalf("sessions = %+v", list)
	}
	for _, sess := range list {
		at, err := time.ParseInLocation(time.ANSIC, sess.Login, time.Local)
		if pid, _ := sess.PID.Int64(); pid <= 0 || sess.Host != "127.0.0.1" || sess.Status != "IDLE" ||
			sess.Cmdline != "pure-ftpd (IDLE)" || err != nil || time.Since(at) > time.Hour {
			t.Errorf("session %+v (%v)", sess, err)
		}
	}
	must(t, m.KillSession(ctx, sessionsByUser(t, m)["amy@example.com"][0]))
	if alive(amy) || !alive(bob1) {
		t.Error("kill by PID closed the wrong sessions")
	}
	must(t, m.KillSession(ctx, "bob@example.com"))
	if alive(bob1) || alive(bob2) || !alive(main) {
		t.Error("kill by login closed the wrong sessions")
	}
	wantUAPIError(t, m.KillSession(ctx, "nobody@example.com"), "The FTP account “nobody” at domain “example.com” does not exist.")
	must(t, m.KillSession(ctx, ""))
	if alive(main) {
		t.Error("kill all left a session")
	}
	if left := sessionsByUser(t, m); len(left) != 0 {
		t.Errorf("sessions left: %v", left)
	}
}

func TestFTPServerInfo(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).Ftp()
	ctx := context.Background()
	if name, err := m.ServerName(ctx); name != "pure-ftpd" || err != nil {
		t.Errorf("ServerName = %q, %v", name, err)
	}
	info, err := m.GetFTPDaemonInfo(ctx)
	must(t, err)
	if info.Name != "pure-ftpd" || info.Enabled != 1 || info.Supports.Quota != 1 || info.Supports.LoginWithoutDomain != 0 {
		t.Errorf("daemon info = %+v", info)
	}
	_, port, _ := net.SplitHostPort(s.ftpAddr)
	if got, err := m.GetPort(ctx); err != nil || strconv.Itoa(got) != port {
		t.Errorf("GetPort = %d, %v; want %s", got, err, port)
	}
}

func TestFTPWelcomeMessage(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	m := s.client(t).Ftp()
	ctx := context.Background()
	must(t, m.SetWelcomeMessage(ctx, "Welcome to example.com\n"))
	if b, err := os.ReadFile(s.home("public_ftp/welcome.msg")); err != nil || string(b) != "Welcome to example.com\n" {
		t.Errorf("welcome.msg = %q, %v", b, err)
	}
	if msg, err := m.GetWelcomeMessage(ctx); msg != "Welcome to example.com\n" || err != nil {
		t.Errorf("GetWelcomeMessage = %q, %v", msg, err)
	}
	must(t, m.SetWelcomeMessage(ctx, ""))
	if msg, err := m.GetWelcomeMessage(ctx); msg != "" || err != nil {
		t.Errorf("after clearing: %q, %v", msg, err)
	}
}

func TestFTPAnonymous(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	c := s.client(t)
	m := c.Ftp()
	ctx := context.Background()
	// A missing directory is cPanel's status-0-without-a-message answer:
	// the generic call reports it, the typed method reads it as false.
	must(t, os.RemoveAll(s.home("public_ftp")))
	_, err := c.Call(ctx, "Ftp", "allows_anonymous_ftp", nil)
	var ue *client.Error
	if !errors.As(err, &ue) || len(ue.Errors) != 0 || string(ue.Result.Data) != `{"allows":0}` {
		t.Fatalf("Call = %v, want a failure without a message", err)
	}
	must(t, os.RemoveAll(s.home("public_ftp")))
	if ok, err := m.AllowsAnonymousFTP(ctx); ok || err != nil {
		t.Errorf("missing public_ftp: %v, %v", ok, err)
	}
	steps := []struct {
		set, incoming bool
		want          bool
		dir           string
		mode          os.FileMode
	}{
		{set: true, want: true, dir: "public_ftp", mode: 0o755},
		{set: false, want: false, dir: "public_ftp", mode: 0o750},
		{set: true, incoming: true, want: true, dir: "public_ftp/incoming", mode: 0o753},
		{set: false, incoming: true, want: false, dir: "public_ftp/incoming", mode: 0o700},
	}
	for _, st := range steps {
		setter, getter := m.SetAnonymousFTP, m.AllowsAnonymousFTP
		if st.incoming {
			setter, getter = m.SetAnonymousFTPIncoming, m.AllowsAnonymousFTPIncoming
		}
		must(t, setter(ctx, st.set))
		if got, err := getter(ctx); got != st.want || err != nil || s.mode(t, st.dir) != st.mode {
			t.Errorf("set %v (incoming %v): allows %v, %v; mode %o", st.set, st.incoming, got, err, s.mode(t, st.dir))
		}
	}
}
