package ftpd_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/hosting"
)

// bigFile is larger than any socket buffer, so a download of it stays in
// progress while the client does not read.
const bigFile = 1 << 30

// mustSessionFixture is a server with account cpuser, FTP account
// bob@example.com and a sparse big.bin in bob's home.
func mustSessionFixture(tb testing.TB) (*fixture, *hosting.Account, *hosting.FTPAccount) {
	tb.Helper()
	f := mustServer(tb, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(tb, "cpuser", "main-pass", "example.com")
	fa := f.mustFTPAccount(tb, a, "bob", "example.com", "bob-pass", "bob", 0)
	if err := os.Truncate(mustCreate(tb, filepath.Join(a.HomeDir, "bob", "big.bin")), bigFile); err != nil {
		tb.Fatal(err)
	}
	return f, a, fa
}

func mustCreate(tb testing.TB, name string) string {
	tb.Helper()
	mustWrite(tb, name, "")
	return name
}

// startDownload begins a download of big.bin that the client does not read.
func startDownload(tb testing.TB, c *ftp.ServerConn) *ftp.Response {
	tb.Helper()
	r, err := c.Retr("big.bin")
	if err != nil {
		tb.Fatal(err)
	}
	_ = r.SetDeadline(time.Now().Add(time.Minute)) // a hang becomes a failure
	return r
}

// upload is an upload fed through a pipe that the test controls.
type upload struct {
	w    *io.PipeWriter
	done chan error
}

func startUpload(tb testing.TB, c *ftp.ServerConn, name string) *upload {
	tb.Helper()
	r, w := io.Pipe()
	u := &upload{w: w, done: make(chan error, 1)}
	go func() { u.done <- c.Stor(name, r) }()
	tb.Cleanup(func() { _ = w.Close() })
	return u
}

func isTransfer(status, file string) func(hosting.FTPSession) bool {
	return func(s hosting.FTPSession) bool { return s.Status == status && s.File == file }
}

func TestSessionsShowTransfers(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	down := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	up := mustLogin(t, f.addr, "cpuser", "main-pass")

	r := startDownload(t, down)
	dl := f.waitSession(t, a.ID, "a download", isTransfer(hosting.FTPDownload, "big.bin"))
	if dl.Login != "bob@example.com" {
		t.Errorf("downloading session = %+v", dl)
	}
	u := startUpload(t, up, "public_html/up.txt")
	if _, err := u.w.Write([]byte("some bytes")); err != nil {
		t.Fatal(err)
	}
	ul := f.waitSession(t, a.ID, "an upload", isTransfer(hosting.FTPUpload, "public_html/up.txt"))
	if ul.Login != "cpuser" {
		t.Errorf("uploading session = %+v", ul)
	}

	_ = u.w.Close()
	if err := <-u.done; err != nil {
		t.Fatal(err)
	}
	f.waitSession(t, a.ID, "the upload to end", func(s hosting.FTPSession) bool {
		return s.ID == ul.ID && s.Status == hosting.FTPIdle && s.File == ""
	})
	_ = r.Close() // abandons the download
	if list := f.sessions(t, a.ID); len(list) != 2 || list[0].ID >= list[1].ID {
		t.Errorf("sessions = %+v, want two ordered by ID", list)
	}
}

func TestKillIdleSession(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	other := mustLogin(t, f.addr, "cpuser", "main-pass")
	s := f.waitSession(t, a.ID, "bob's session", func(s hosting.FTPSession) bool { return s.Login == "bob@example.com" })

	n, err := f.srv.Sessions().KillFTPSessions(context.Background(), a.ID, hosting.FTPSessionFilter{ID: s.ID})
	if n != 1 || err != nil {
		t.Fatalf("KillFTPSessions = %d, %v", n, err)
	}
	if err := c.NoOp(); err == nil {
		t.Error("killed client can still talk")
	}
	if err := other.NoOp(); err != nil {
		t.Errorf("the other session died too: %v", err)
	}
	if list := f.sessions(t, a.ID); len(list) != 1 || list[0].Login != "cpuser" {
		t.Errorf("sessions after kill = %+v", list)
	}
}

func TestKillDuringDownload(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	r := startDownload(t, c)
	s := f.waitSession(t, a.ID, "a download", isTransfer(hosting.FTPDownload, "big.bin"))

	n, err := f.srv.Sessions().KillFTPSessions(context.Background(), a.ID, hosting.FTPSessionFilter{ID: s.ID})
	if n != 1 || err != nil {
		t.Fatalf("KillFTPSessions = %d, %v", n, err)
	}
	got, _ := io.Copy(io.Discard, r) // ends when the server closes the data connection
	if got >= bigFile {
		t.Errorf("the whole file arrived after the kill")
	}
	if err := r.Close(); err == nil {
		t.Error("the transfer ended with a success reply")
	}
	if err := c.NoOp(); err == nil {
		t.Error("killed client can still talk")
	}
}

func TestKillDuringUpload(t *testing.T) {
	t.Parallel()
	f, a, fa := mustSessionFixture(t)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	u := startUpload(t, c, "up.bin")
	if _, err := u.w.Write(make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	f.waitSession(t, a.ID, "an upload", isTransfer(hosting.FTPUpload, "up.bin"))
	onDisk := filepath.Join(a.HomeDir, "bob", "up.bin")
	waitFor(t, "bytes on disk", func() bool { fi, err := os.Stat(onDisk); return err == nil && fi.Size() > 0 })

	n, err := f.srv.Sessions().KillLogin(context.Background(), a.ID, "BOB@example.com")
	if n != 1 || err != nil {
		t.Fatalf("KillLogin = %d, %v", n, err)
	}
	_ = u.w.Close()
	if err := <-u.done; err == nil {
		t.Error("the upload ended with a success reply")
	}
	if err := c.NoOp(); err == nil {
		t.Error("killed client can still talk")
	}
	fi, err := os.Stat(onDisk)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.usage(t, fa); got != fi.Size() {
		t.Errorf("usage = %d, want the %d bytes written", got, fi.Size())
	}
}

func TestKillAllAndKillAccount(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	clients := []*ftp.ServerConn{
		mustLogin(t, f.addr, "bob@example.com", "bob-pass"),
		mustLogin(t, f.addr, "cpuser", "main-pass"),
	}
	waitFor(t, "two sessions", func() bool { return len(f.sessions(t, a.ID)) == 2 })
	n, err := f.srv.Sessions().KillFTPSessions(context.Background(), a.ID, hosting.FTPSessionFilter{})
	if n != 2 || err != nil {
		t.Fatalf("kill all = %d, %v", n, err)
	}
	for _, c := range clients {
		if err := c.NoOp(); err == nil {
			t.Error("a killed client can still talk")
		}
	}
	c := mustLogin(t, f.addr, "cpuser_logs", "main-pass")
	if n, _ := f.srv.Sessions().KillAccount(context.Background(), a.ID); n != 1 {
		t.Errorf("KillAccount = %d, want 1", n)
	}
	if err := c.NoOp(); err == nil {
		t.Error("client of a killed account can still talk")
	}
}

// TestSessionsAreIsolated: an account never sees or kills another's
// sessions, whatever id or login it names.
func TestSessionsAreIsolated(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	b := f.mustAccount(t, "other", "other-pass", "other.test")
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	s := f.waitSession(t, a.ID, "bob's session", func(s hosting.FTPSession) bool { return true })
	mustLogin(t, f.addr, "other", "other-pass")
	waitFor(t, "other's session", func() bool { return len(f.sessions(t, b.ID)) == 1 })

	for _, s := range f.sessions(t, b.ID) {
		if s.AccountID != b.ID || s.Login != "other" {
			t.Errorf("account b sees %+v", s)
		}
	}
	reg := f.srv.Sessions()
	for _, filter := range []hosting.FTPSessionFilter{{ID: s.ID}, {Login: "bob@example.com"}, {ID: s.ID, Login: "bob@example.com"}} {
		if n, _ := reg.KillFTPSessions(context.Background(), b.ID, filter); n != 0 {
			t.Errorf("account b killed %d with %+v", n, filter)
		}
	}
	if n, _ := reg.KillLogin(context.Background(), b.ID, "bob@example.com"); n != 0 {
		t.Errorf("KillLogin from account b killed %d", n)
	}
	if err := c.NoOp(); err != nil {
		t.Errorf("bob's session died: %v", err)
	}
	if n, _ := reg.KillFTPSessions(context.Background(), a.ID, hosting.FTPSessionFilter{ID: s.ID, Login: "cpuser"}); n != 0 {
		t.Errorf("a filter with a non-matching login killed %d", n)
	}
}

func TestCloseEndsEverySession(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	r := startDownload(t, c)
	f.waitSession(t, a.ID, "a download", isTransfer(hosting.FTPDownload, "big.bin"))
	anon := mustDial(t, f.addr) // connected, never logged in
	if err := f.srv.Close(); err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, r)
	if err := c.NoOp(); err == nil {
		t.Error("client still talks after Close")
	}
	if err := anon.NoOp(); err == nil {
		t.Error("client that never logged in still talks after Close")
	}
	if len(f.sessions(t, a.ID)) != 0 {
		t.Error("sessions remain after Close")
	}
	if _, err := ftp.Dial(f.addr, ftp.DialWithTimeout(5*time.Second)); err == nil {
		t.Error("server still accepts after Close")
	}
}

// Shutdown closes idle sessions at once but lets a running transfer finish.
func TestShutdownLetsTransfersFinish(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	const size = 16 << 20 // more than the socket buffers hold, so the transfer waits for the reader
	if err := os.WriteFile(filepath.Join(a.HomeDir, "bob", "mid.bin"), make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	idle := mustLogin(t, f.addr, "cpuser", "main-pass")
	busy := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	r, err := busy.Retr("mid.bin")
	if err != nil {
		t.Fatal(err)
	}
	_ = r.SetDeadline(time.Now().Add(time.Minute))
	f.waitSession(t, a.ID, "a download", isTransfer(hosting.FTPDownload, "mid.bin"))
	done := make(chan error, 1)
	go func() { done <- f.srv.Shutdown(context.Background()) }()
	waitFor(t, "the idle session to close", func() bool { return idle.NoOp() != nil })
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned during a transfer: %v", err)
	default:
	}
	got, _ := io.Copy(io.Discard, r)
	if got != size {
		t.Errorf("the transfer delivered %d of %d bytes", got, size)
	}
	_ = r.Close()
	if err := <-done; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if len(f.sessions(t, a.ID)) != 0 {
		t.Error("sessions remain after Shutdown")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.srv.Shutdown(ctx); err != nil {
		t.Errorf("second Shutdown = %v", err)
	}
}

// A transfer still running when Shutdown's grace ends is cut: Shutdown
// returns the context's error, the client's download ends short, and no
// session is left.
func TestShutdownGraceCutsTransfers(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	busy := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	r, err := busy.Retr("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	_ = r.SetDeadline(time.Now().Add(time.Minute))
	f.waitSession(t, a.ID, "a download", isTransfer(hosting.FTPDownload, "big.bin"))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := f.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want the grace's deadline", err)
	}
	if got, _ := io.Copy(io.Discard, r); got >= bigFile {
		t.Errorf("the cut transfer delivered all %d bytes", got)
	}
	_ = r.Close()
	waitFor(t, "the sessions to go", func() bool { return len(f.sessions(t, a.ID)) == 0 })
}
