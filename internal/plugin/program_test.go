package plugin_test

import (
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/plugin"
)

// TestPerlLiveAPIPage runs a Perl page whose LiveAPI client speaks the
// protocol as Cpanel::LiveAPI does: its UAPI calls run for the session's
// account, requests naming another account change nothing, API 2 gets an
// error, and the socket is gone once the page is answered.
func TestPerlLiveAPIPage(t *testing.T) {
	e := mustEnv(t, plugin.Config{})
	for _, tt := range []struct {
		user, pass, mine, theirs string
	}{{"cpuser", passA, "alpha", "bravo"}, {"other", passB, "bravo", "alpha"}} {
		t.Run(tt.user, func(t *testing.T) {
			body := e.login(t, tt.user, tt.pass).mustGet(t, "/plugins/probe/tokens.live.pl")
			for _, id := range []string{"tokens", "named", "forged"} {
				list := between(body, `<ul id="`+id+`">`, "</ul>")
				if list != "<li>"+tt.mine+"</li>" {
					t.Errorf("%s: %q, want only %s", id, list, tt.mine)
				}
			}
			mustContain(t, between(body, `<ul id="ftp">`, "</ul>"), "<li>"+tt.user+"</li>")
			mustContain(t, between(body, `<p id="api2">`, "</p>"), "UAPI calls only")
			mustNotContain(t, body, tt.theirs)
			mustSocketGone(t, between(body, `<p id="socket">`, "</p>"))
		})
	}
}

// mustSocketGone checks that a page's socket and its directory no longer
// exist and that nothing answers there.
func mustSocketGone(tb testing.TB, path string) {
	tb.Helper()
	if !strings.HasSuffix(path, "/live.sock") {
		tb.Fatalf("socket path %q", path)
	}
	for _, p := range []string{path, filepath.Dir(path)} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			tb.Errorf("%s after the page: %v", p, err)
		}
	}
	if c, err := net.Dial("unix", path); err == nil {
		_ = c.Close()
		tb.Errorf("connected to %s after the page", path)
	}
}

// TestEnvironment: the CGI variables, the account's name and home, the
// socket under both names cPanel uses; no cookie, no credentials and
// nothing of uapid's own environment.
func TestEnvironment(t *testing.T) {
	t.Setenv("UAPID_DATABASE", "postgres://uapid:db-secret@db/uapid")
	e := mustEnv(t, plugin.Config{})
	b := e.login(t, "cpuser", passA)
	r := b.do(t, http.MethodPost, "/plugins/probe/env.live.pl?x=1&y=2", strings.NewReader("field=value"))
	if r.code != http.StatusOK {
		t.Fatalf("%d\n%s", r.code, r.body)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(r.body, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			vars[k] = v
		}
	}
	want := map[string]string{
		"REMOTE_USER": "cpuser", "USER": "cpuser", "HOME": e.a.HomeDir,
		"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "QUERY_STRING": "x=1&y=2",
		"SCRIPT_NAME": "/" + b.token + "/plugins/probe/env.live.pl", "cp_security_token": "/" + b.token,
		"HTTP_USER_AGENT": "uapid-test", "CONTENT_LENGTH": "11", "BODY": "field=value",
		"PATH": "/usr/local/bin:/usr/bin:/bin",
	}
	for k, v := range want {
		if vars[k] != v {
			t.Errorf("%s=%q, want %q", k, vars[k], v)
		}
	}
	if s := vars["CPANEL_CONNECT_SOCKET"]; s == "" || vars["CPANEL_PHPCONNECT_SOCKET"] != s {
		t.Errorf("sockets %q and %q", s, vars["CPANEL_PHPCONNECT_SOCKET"])
	}
	for _, k := range []string{"HTTP_COOKIE", "HTTP_AUTHORIZATION", "UAPID_DATABASE"} {
		if _, ok := vars[k]; ok {
			t.Errorf("%s passed to the program", k)
		}
	}
	mustNotContain(t, r.body, b.cookie, "SECRETTOKENVALUE", "db-secret")
}

// TestTimeoutKillsProcessGroup: a page that runs too long answers 504 and
// takes everything it started with it.
func TestTimeoutKillsProcessGroup(t *testing.T) {
	dir := mustPluginDir(t, map[string]string{"slow/page.cgi": "#!/bin/sh\n" +
		"sleep 60 &\necho $! > \"$HOME/helper.pid\"\necho $$ > \"$HOME/main.pid\"\nsleep 60\n"})
	e := mustEnv(t, plugin.Config{Dir: dir, Timeout: time.Second})
	start := time.Now()
	r := e.login(t, "cpuser", passA).do(t, http.MethodGet, "/plugins/slow/page.cgi", nil)
	if r.code != http.StatusGatewayTimeout {
		t.Fatalf("%d, want 504\n%s", r.code, r.body)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the page took %v", d)
	}
	for _, f := range []string{"main.pid", "helper.pid"} {
		mustProcessGone(t, filepath.Join(e.a.HomeDir, f))
	}
}

// mustProcessGone fails if the process whose pid the file holds still
// runs (a zombie awaiting its parent counts as gone).
func mustProcessGone(tb testing.TB, pidFile string) {
	tb.Helper()
	b, err := os.ReadFile(pidFile)
	if err != nil {
		tb.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		tb.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(stat), ") Z ") {
			return
		}
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Errorf("process %d from %s still runs", pid, filepath.Base(pidFile))
}

// TestCGIAnswers: what a program prints becomes the answer, within limits.
func TestCGIAnswers(t *testing.T) {
	dir := mustPluginDir(t, map[string]string{
		"cgi/status.cgi":     "#!/bin/sh\nprintf 'Status: 404 Not Found\\nContent-Type: text/plain\\nSet-Cookie: cpsession=evil\\nX-Frame-Options: ALLOWALL\\n\\ngone\\n'\n",
		"cgi/redirect.cgi":   "#!/bin/sh\nprintf 'Location: /elsewhere\\r\\n\\r\\n'\n",
		"cgi/cache.cgi":      "#!/bin/sh\nprintf 'Content-Type: text/css\\r\\nCache-Control: max-age=60\\r\\n\\r\\nbody{}'\n",
		"cgi/noheader.cgi":   "#!/bin/sh\necho '<html>no headers</html>'\n",
		"cgi/notype.cgi":     "#!/bin/sh\nprintf 'X-Thing: 1\\n\\nbody'\n",
		"cgi/fail.cgi":       "#!/bin/sh\nexit 3\n",
		"cgi/loud.cgi":       "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nwhile :; do echo 0123456789abcdef0123456789abcdef; done\n",
		"cgi/plain.live.cgi": "#!/bin/sh\necho never\n",
	})
	if err := os.Chmod(filepath.Join(dir, "cgi/plain.live.cgi"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := mustEnv(t, plugin.Config{Dir: dir, MaxOutput: 64 << 10})
	b := e.login(t, "cpuser", passA)
	tests := []struct {
		page   string
		code   int
		header map[string]string
		body   string
	}{
		{"status.cgi", 404, map[string]string{"Set-Cookie": "", "X-Frame-Options": "DENY", "Cache-Control": "no-store"}, "gone\n"},
		{"redirect.cgi", 302, map[string]string{"Location": "/elsewhere"}, ""},
		{"cache.cgi", 200, map[string]string{"Content-Type": "text/css", "Cache-Control": "max-age=60"}, "body{}"},
		{"noheader.cgi", 502, nil, "did not answer properly"},
		{"notype.cgi", 502, nil, "did not answer properly"},
		{"fail.cgi", 500, nil, "request id"},
		{"loud.cgi", 502, nil, "printed more than allowed"},
		{"plain.live.cgi", 500, nil, "request id"},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			r := b.do(t, http.MethodGet, "/plugins/cgi/"+tt.page, nil)
			if r.code != tt.code {
				t.Fatalf("%d, want %d\n%s", r.code, tt.code, r.body)
			}
			for k, v := range tt.header {
				if got := r.header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if !strings.Contains(r.body, tt.body) {
				t.Errorf("body %q does not contain %q", r.body, tt.body)
			}
		})
	}
}

// TestMethodsAndBodies: executable pages take GET, HEAD and POST with a
// body of known length within the limit.
func TestMethodsAndBodies(t *testing.T) {
	e := mustEnv(t, plugin.Config{MaxBody: 16})
	b := e.login(t, "cpuser", passA)
	if r := b.do(t, http.MethodPut, "/plugins/probe/env.live.pl", nil); r.code != http.StatusMethodNotAllowed ||
		r.header.Get("Allow") != "GET, HEAD, POST" {
		t.Errorf("PUT: %d, Allow %q", r.code, r.header.Get("Allow"))
	}
	if r := b.do(t, http.MethodPost, "/plugins/probe/env.live.pl", strings.NewReader(strings.Repeat("x", 17))); r.code != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d", r.code)
	}
	if r := b.do(t, http.MethodHead, "/plugins/probe/env.live.pl", nil); r.code != http.StatusOK {
		t.Errorf("HEAD: %d", r.code)
	}
}

// TestNotLoggedIn: without a session the program never runs.
func TestNotLoggedIn(t *testing.T) {
	dir := mustPluginDir(t, map[string]string{"p/touch.cgi": "#!/bin/sh\ntouch \"$HOME/ran\"\nprintf 'Content-Type: text/plain\\n\\nran'\n"})
	e := mustEnv(t, plugin.Config{Dir: dir})
	b := e.login(t, "cpuser", passA)
	stranger := &browser{e: e, token: b.token}
	r := stranger.do(t, http.MethodGet, "/plugins/p/touch.cgi", nil)
	if r.code != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login/") {
		t.Fatalf("%d %s", r.code, r.header.Get("Location"))
	}
	other := e.login(t, "other", passB)
	other.token = b.token // another session's URL
	if r := other.do(t, http.MethodGet, "/plugins/p/touch.cgi", nil); r.code != http.StatusForbidden {
		t.Errorf("another session's token: %d", r.code)
	}
	for _, acct := range []string{e.a.HomeDir, e.b.HomeDir} {
		if _, err := os.Stat(filepath.Join(acct, "ran")); err == nil {
			t.Errorf("the program ran for %s", acct)
		}
	}
	b.mustGet(t, "/plugins/p/touch.cgi")
}

// TestMaxRunning: past the limit of running pages, a page answers 503
// at once instead of queueing.
func TestMaxRunning(t *testing.T) {
	dir := mustPluginDir(t, map[string]string{"p/wait.cgi": "#!/bin/sh\nsleep 2\nprintf 'Content-Type: text/plain\\n\\nok'\n"})
	e := mustEnv(t, plugin.Config{Dir: dir, MaxRunning: 1})
	b := e.login(t, "cpuser", passA)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if r := b.do(t, http.MethodGet, "/plugins/p/wait.cgi", nil); r.code != http.StatusOK {
			t.Errorf("first: %d", r.code)
		}
	}()
	time.Sleep(500 * time.Millisecond)
	if r := b.do(t, http.MethodGet, "/plugins/p/wait.cgi", nil); r.code != http.StatusServiceUnavailable {
		t.Errorf("second: %d, want 503", r.code)
	}
	wg.Wait()
}
