// Package dovecottest runs a private Dovecot for tests: no listeners, its
// sockets and logs in a temporary directory, authenticating from uapid's
// passwd-files with mailauth.DovecotSnippet. `doveadm auth test` needs a
// running auth server, so a test cannot check the files without one.
//
// Start skips the test when Dovecot is not installed (Debian: dovecot-core),
// unless UAPID_DOVECOT_TEST=require, which scripts/dovecot-test.sh sets so
// that a missing Dovecot fails instead. It is imported only by tests.
package dovecottest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/mailauth"
)

// RequireEnv names the variable that turns a skip for a missing Dovecot
// into a failure.
const RequireEnv = "UAPID_DOVECOT_TEST"

// exitAuthFailed is doveadm's exit status for a refused login (EX_NOPERM).
const exitAuthFailed = 77

// Server is a running private Dovecot.
type Server struct {
	tb      testing.TB
	doveadm string
	conf    string
	log     string
	last    time.Time // end of the last doveadm command
	changed bool      // files changed since then
}

// Start runs Dovecot on the passwd-files in dir until the test ends.
func Start(tb testing.TB, dir string) *Server {
	tb.Helper()
	doveadm, dovecot := lookPath("doveadm"), lookPath("dovecot")
	if doveadm == "" || dovecot == "" {
		if os.Getenv(RequireEnv) == "require" {
			tb.Fatalf("%s=require but dovecot or doveadm is not installed (apt-get install dovecot-core)", RequireEnv)
		}
		tb.Skip("Dovecot is not installed (apt-get install dovecot-core); set " + RequireEnv + "=require to fail instead")
	}
	// Unix socket paths are limited to ~108 bytes: keep the base short.
	base, err := os.MkdirTemp("", "uapid-dovecot-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(base) })
	s := &Server{tb: tb, doveadm: doveadm, conf: filepath.Join(base, "dovecot.conf"), log: filepath.Join(base, "dovecot.log")}
	if err := os.WriteFile(s.conf, []byte(config(tb, base, dir)), 0o600); err != nil {
		tb.Fatal(err)
	}
	s.start(dovecot, filepath.Join(base, "run", "auth-client"))
	return s
}

// lookPath finds a program on PATH or in /usr/sbin, where Debian puts
// dovecot but a non-root PATH may not look.
func lookPath(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	p := filepath.Join("/usr/sbin", name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// config is a minimal dovecot.conf: everything under base, every process
// as the current user and unchrooted (so it runs without root too), no
// protocols, no delay or penalty for refused logins, and the snippet uapid
// documents.
func config(tb testing.TB, base, dir string) string {
	tb.Helper()
	u, err := user.Current()
	if err != nil {
		tb.Fatal(err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols =
ssl = no
default_internal_user = %[2]s
default_internal_group = %[3]s
default_login_user = %[2]s
first_valid_uid = 1
# Refused logins are part of the tests: answer them at once.
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
  chroot =
}
# Only root may chroot; these are the helpers that run without protocols.
service ipc {
  chroot =
}
service old-stats {
  chroot =
}
`, base, u.Username, g.Name) + mailauth.DovecotSnippet(dir)
}

// start runs the master in the foreground and waits for the auth socket.
func (s *Server) start(dovecot, socket string) {
	s.tb.Helper()
	cmd := exec.Command(dovecot, "-F", "-c", s.conf)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		s.tb.Fatalf("start dovecot: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	s.tb.Cleanup(func() { stop(s.tb, cmd, done) })
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			done <- err
			s.tb.Fatalf("dovecot exited: %v\n%s\n%s", err, out.String(), s.Log())
		default:
		}
		if _, err := os.Stat(socket); err == nil {
			return
		}
	}
	s.tb.Fatalf("dovecot did not create %s\n%s\n%s", socket, out.String(), s.Log())
}

// stop ends the master (it takes its children with it), killing it if it
// does not finish in time.
func stop(tb testing.TB, cmd *exec.Cmd, done chan error) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		tb.Errorf("dovecot did not stop on SIGTERM")
	}
}

// Log returns Dovecot's log so far, for failure messages.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.log)
	return string(b)
}

// Changed tells the server that the passwd-files changed. Dovecot looks at
// a passwd-file at most once per second of its clock, so the next command
// waits, if it must, until the second of the last one has passed.
func (s *Server) Changed() { s.changed = true }

// AuthTest runs `doveadm auth test user pass` and reports whether Dovecot
// accepted the login, with doveadm's output. Any result other than success
// or a refused login fails the test.
func (s *Server) AuthTest(user, pass string) (ok bool, out string) {
	s.tb.Helper()
	return s.run(true, "auth", "test", user, pass)
}

// User runs `doveadm user user` and returns its output; ok is false when
// the user does not exist.
func (s *Server) User(user string) (ok bool, out string) {
	s.tb.Helper()
	return s.run(false, "user", user)
}

func (s *Server) run(auth bool, args ...string) (bool, string) {
	s.tb.Helper()
	if s.changed {
		time.Sleep(time.Until(s.last.Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
		s.changed = false
	}
	cmd := exec.Command(s.doveadm, append([]string{"-c", s.conf}, args...)...)
	b, err := cmd.CombinedOutput()
	s.last = time.Now()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return true, string(b)
	case errors.As(err, &ee) && auth && ee.ExitCode() == exitAuthFailed:
		return false, string(b)
	case errors.As(err, &ee) && !auth && strings.Contains(string(b), "doesn't exist"):
		return false, string(b)
	}
	s.tb.Fatalf("doveadm %s: %v\n%s\nlog:\n%s", strings.Join(args, " "), err, b, s.Log())
	return false, ""
}
