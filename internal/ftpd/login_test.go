package ftpd_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
)

// mustLoginFixture is a server with one account "cpuser" (example.com and
// other.org), FTP accounts bob@example.com and carol@other.org, and
// anonymous FTP on.
func mustLoginFixture(tb testing.TB) (*fixture, *hosting.Account) {
	tb.Helper()
	f := mustServer(tb, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(tb, "cpuser", "main-pass", "example.com", "other.org")
	f.mustFTPAccount(tb, a, "bob", "example.com", "bob-pass", "bob", 0)
	f.mustFTPAccount(tb, a, "carol", "other.org", "carol-pass", "public_html/carol", 0)
	mustChmod(tb, filepath.Join(a.HomeDir, "public_ftp"), 0o755)
	return f, a
}

func TestLoginForms(t *testing.T) {
	t.Parallel()
	f, a := mustLoginFixture(t)
	tests := []struct {
		name, user, pass, root, login string
	}{
		{"main login", "cpuser", "main-pass", "home of cpuser", "cpuser"},
		{"main login any case", "CPUser", "main-pass", "home of cpuser", "cpuser"},
		{"logaccess", "cpuser_logs", "main-pass", "logs of cpuser", "cpuser_logs"},
		{"virtual", "bob@example.com", "bob-pass", "home of bob@example.com", "bob@example.com"},
		{"virtual any case", "BOB@Example.COM", "bob-pass", "home of bob@example.com", "bob@example.com"},
		{"virtual plus form", "bob+example.com", "bob-pass", "home of bob@example.com", "bob@example.com"},
		{"virtual secondary domain", "carol@other.org", "carol-pass", "home of carol@other.org", "carol@other.org"},
		{"anonymous", "anonymous@example.com", "me@client.test", "public_ftp of cpuser", "ftp"},
		{"anonymous ftp", "ftp@other.org", "", "public_ftp of cpuser", "ftp"},
		{"anonymous host name", "anonymous@ftp.example.com", "x", "public_ftp of cpuser", "ftp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLogin(t, f.addr, tt.user, tt.pass)
			if got := mustRetr(t, c, "/marker.txt"); got != tt.root {
				t.Errorf("root holds %q, want %q", got, tt.root)
			}
			if dir, err := c.CurrentDir(); err != nil || dir != "/" {
				t.Errorf("PWD = %q, %v", dir, err)
			}
			s := f.waitSession(t, a.ID, "session of "+tt.login, func(s hosting.FTPSession) bool { return s.Login == tt.login })
			if s.RemoteAddr != "127.0.0.1" || s.Status != hosting.FTPIdle || s.LoginTime.IsZero() {
				t.Errorf("session = %+v", s)
			}
			_ = c.Quit()
		})
	}
}

func TestLoginFailuresAreGeneric(t *testing.T) {
	t.Parallel()
	f, a := mustLoginFixture(t)
	b := f.mustAccount(t, "suspended", "susp-pass", "suspended.test")
	f.mustFTPAccount(t, b, "dave", "suspended.test", "dave-pass", "dave", 0)
	mustChmod(t, filepath.Join(b.HomeDir, "public_ftp"), 0o755)
	suspend := true
	if err := f.db.UpdateAccount(context.Background(), b.ID, hosting.AccountUpdate{Suspended: &suspend}); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, user, pass string }{
		{"wrong main password", "cpuser", "nope"},
		{"wrong virtual password", "bob@example.com", "nope"},
		{"main password for virtual", "bob@example.com", "main-pass"},
		{"virtual on wrong domain", "bob@other.org", "bob-pass"},
		{"unknown user", "nobody", "x"},
		{"unknown domain", "bob@unknown.test", "bob-pass"},
		{"main login with domain", "cpuser@example.com", "main-pass"},
		{"logs of unknown", "nobody_logs", "x"},
		{"bare _logs", "_logs", "x"},
		{"bare anonymous", "anonymous", "x"},
		{"anonymous unknown domain", "anonymous@unknown.test", "x"},
		{"empty", "", ""},
		{"suspended main", "suspended", "susp-pass"},
		{"suspended logs", "suspended_logs", "susp-pass"},
		{"suspended virtual", "dave@suspended.test", "dave-pass"},
		{"suspended anonymous", "anonymous@suspended.test", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := loginErr(t, f.addr, tt.user, tt.pass)
			if replyCode(err) != 530 || !strings.Contains(err.Error(), "Login authentication failed.") {
				t.Errorf("login error = %v, want the generic 530", err)
			}
		})
	}
	if got := f.sessions(t, a.ID); len(got) != 0 {
		t.Errorf("failed logins left sessions %+v", got)
	}
}

func TestLimiterBlocksAfterFailures(t *testing.T) {
	t.Parallel()
	strict := limiter.Rule{MaxFailures: 3, Window: time.Hour, Block: time.Hour}
	f := mustServer(t, ftpd.Config{}, limiter.Config{PerAddress: strict, PerAccount: strict})
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	mustChmod(t, filepath.Join(a.HomeDir, "public_ftp"), 0o755) // anonymous would be let in
	for range 3 {
		if err := loginErr(t, f.addr, "cpuser", "wrong"); replyCode(err) != 530 {
			t.Fatalf("wrong password: %v", err)
		}
	}
	for _, user := range []string{"cpuser", "anonymous@example.com"} {
		err := loginErr(t, f.addr, user, "main-pass")
		if replyCode(err) != 530 || !strings.Contains(err.Error(), "Login authentication failed.") {
			t.Errorf("%s after 3 failures: %v, want the generic 530", user, err)
		}
	}
}

func TestWelcomeMessage(t *testing.T) {
	t.Parallel()
	f, a := mustLoginFixture(t)
	mustWrite(t, filepath.Join(a.HomeDir, "public_ftp", "welcome.msg"), "Welcome to example.com!\r\nBe nice.\x07\n")
	for _, user := range []string{"bob@example.com", "anonymous@example.com"} {
		var out syncBuffer
		mustLogin(t, f.addr, user, "bob-pass", ftp.DialWithDebugOutput(&out))
		for _, line := range []string{"230-Welcome to example.com!\r\n", "230-Be nice.\r\n", "230 Login successful."} {
			if !strings.Contains(out.String(), line) {
				t.Errorf("%s: reply lacks %q:\n%s", user, line, out.String())
			}
		}
	}
}

func TestFTPS(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := mustTLS(t)
	f := mustServer(t, ftpd.Config{TLS: serverTLS}, lenientLimits())
	a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
	f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)

	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass", ftp.DialWithExplicitTLS(clientTLS))
	mustStor(t, c, "secure.txt", "over TLS")
	if got := mustRetr(t, c, "secure.txt"); got != "over TLS" {
		t.Errorf("read back %q", got)
	}
	// TLS is offered, not required: plain FTP still works.
	plain := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	if got := mustRetr(t, plain, "secure.txt"); got != "over TLS" {
		t.Errorf("plain read %q", got)
	}
}

func TestRequireTLS(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := mustTLS(t)
	f := mustServer(t, ftpd.Config{TLS: serverTLS, RequireTLS: true}, lenientLimits())
	f.mustAccount(t, "cpuser", "main-pass", "example.com")
	if err := loginErr(t, f.addr, "cpuser", "main-pass"); err == nil || !strings.Contains(err.Error(), "TLS is required") {
		t.Fatalf("plain login on a server that requires TLS: %v", err)
	}
	c := mustLogin(t, f.addr, "cpuser", "main-pass", ftp.DialWithExplicitTLS(clientTLS))
	if got := mustRetr(t, c, "marker.txt"); got != "home of cpuser" {
		t.Errorf("read %q", got)
	}
}

func TestNoTLSConfigured(t *testing.T) {
	t.Parallel()
	_, clientTLS := mustTLS(t)
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	if _, err := ftp.Dial(f.addr, ftp.DialWithExplicitTLS(clientTLS), ftp.DialWithTimeout(10*time.Second)); err == nil {
		t.Error("AUTH TLS succeeded without a TLS configuration")
	}
}
