package plugin_test

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/plugin"
	"github.com/uapid/uapid/internal/sandbox"
	"github.com/uapid/uapid/internal/sandbox/sandboxtest"
)

func TestSandboxHelper(t *testing.T) { sandboxtest.ServeHelper(t) }

// sandboxPkg names this package's uid range: its own, so that its
// accounts' process limits are not shared with other packages testing at
// the same time.
const sandboxPkg = "uapid-test-plugin"

// mustSandboxed builds an env whose programs run in a sandbox configured
// by cfg (Hide, Limits), over the plugin folder dir.
func mustSandboxed(t *testing.T, cfg sandbox.Config, dir string, pcfg plugin.Config) *env {
	t.Helper()
	base := sandboxtest.Config(t, sandboxPkg)
	base.Hide, base.Limits, base.NoNamespaces = cfg.Hide, cfg.Limits, cfg.NoNamespaces
	sb, err := sandbox.New(base, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if !sb.Namespaces() {
		t.Log("the kernel refuses namespaces here: programs run with their own user and limits only")
	}
	// Without namespaces the sandbox user must be able to reach the pages
	// and the sockets through the test's private directories.
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pcfg.Dir, pcfg.Sandbox = dir, sb
	pcfg.LiveAPI.Dir = mustShortDir(t)
	if err := os.Chmod(pcfg.LiveAPI.Dir, 0o711); err != nil {
		t.Fatal(err)
	}
	return mustEnv(t, pcfg)
}

// TestSandboxedLibraries: pages written for cPanel run unchanged in the
// sandbox, where cPanel's library paths exist: PHP's include of
// /usr/local/cpanel/php/cpanel.php finds uapid's class.
func TestSandboxedLibraries(t *testing.T) {
	pages := map[string]string{"live/perl.live.pl": perlLiveAPIPage}
	if _, err := exec.LookPath("php-cgi"); err == nil {
		pages["live/include.live.php"] = strings.Replace(phpLiveAPIPage, "INCLUDE", `include("/usr/local/cpanel/php/cpanel.php");`, 1)
	}
	if exec.Command("perl", "-MTemplate", "-e", "1").Run() == nil {
		pages["live/index.html.tt"] = ttPage
	}
	e := mustSandboxed(t, sandbox.Config{}, mustPluginDir(t, pages), plugin.Config{})
	b := e.login(t, "cpuser", passA)
	for page := range pages {
		t.Run(page, func(t *testing.T) {
			body := b.mustGet(t, "/plugins/"+page)
			if strings.HasSuffix(page, ".tt") {
				mustContain(t, body, `<p id="status">1 0 1</p>`, `<p id="say">cpuser has 3 tokens.</p>`)
			} else {
				mustContain(t, body, `<p id="tokens">alpha`, `<p id="status">1</p>`, `<p id="api2">0 uapid’s LiveAPI runs UAPI calls only`)
			}
			mustContain(t, body, `data-testid="account-name">cpuser<`)
		})
	}
	if logs := e.logs.String(); strings.Contains(logs, "Failed opening") || strings.Contains(logs, "Warning") {
		t.Errorf("a page warned:\n%s", logs)
	}
}

// probePage tries, from inside the sandbox, what a hostile page would:
// read the database and the TLS key, open the admin socket, signal the
// daemon, and talk to another account's LiveAPI socket (named in the
// query string). Every failure goes to standard error, which uapid logs.
const probePage = `#!/usr/bin/perl
use strict;
use warnings;
use Socket;
$SIG{PIPE} = 'IGNORE';
print "Content-Type: text/plain\r\n\r\n";
sub report { my ( $what, $ok, $detail ) = @_; print "$what: ", ( $ok ? "DONE $detail" : "failed ($!)" ), "\n"; print STDERR "probe $what failed: $!\n" if !$ok; }
for my $f ( [ 'db', 'DATA/uapid.db' ], [ 'key', 'DATA/tls/key.pem' ] ) {
    my $ok = open( my $fh, '<', $f->[1] );
    report( $f->[0], $ok, $ok ? scalar <$fh> : '' );
}
socket( my $admin, AF_UNIX, SOCK_STREAM, 0 ) or die $!;
report( 'admin', connect( $admin, pack_sockaddr_un('DATA/uapid.sock') ), '' );
report( 'signal', kill( 0, DAEMON ), '' );
my ($other) = ( $ENV{QUERY_STRING} || '' ) =~ /other=([^&]+)/;
$other =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
socket( my $o, AF_UNIX, SOCK_STREAM, 0 ) or die $!;
if ( connect( $o, pack_sockaddr_un($other) ) ) {
    my $req = '<cpaneljson enable="1">';
    syswrite( $o, length($req) . "\n" . $req );
    my $n = sysread( $o, my $buf, 4096 );
    $! = 0 if $n;
    report( 'other', $n, $buf );
} else {
    report( 'other', 0, '' );
}
`

// TestSandboxAttacks: each attempt of the probe page fails, and each
// failure is logged: with namespaces, because nothing of it is there to
// see; without, because of file permissions: the other account's socket
// belongs to that account's uid, not the probe's.
func TestSandboxAttacks(t *testing.T) {
	for _, tt := range []struct {
		name      string
		noNS      bool
		why       map[string]string
		socketLog string
	}{
		{"namespaces", false, map[string]string{"db": "No such file", "key": "No such file", "admin": "No such file",
			"signal": "No such process", "other": "No such file"}, ""},
		{"user and limits only", true, map[string]string{"db": "Permission denied", "key": "Permission denied",
			"admin": "Permission denied", "signal": "Operation not permitted", "other": "Permission denied"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := mustDataDir(t)
			page := strings.NewReplacer("DATA", data, "DAEMON", strconv.Itoa(os.Getpid())).Replace(probePage)
			dir := mustPluginDir(t, map[string]string{"box/probe.live.pl": page,
				"box/wait.live.pl": "sleep 3;\nprint \"Content-Type: text/plain\\r\\n\\r\\nwaited\\n\";\n"})
			e := mustSandboxed(t, sandbox.Config{Hide: []string{data}, NoNamespaces: tt.noNS}, dir, plugin.Config{})

			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // another account's page, holding its socket while the probe runs
				defer wg.Done()
				e.login(t, "other", passB).mustGet(t, "/plugins/box/wait.live.pl")
			}()
			otherSocket := mustFindSocket(t, e)
			body := e.login(t, "cpuser", passA).mustGet(t, "/plugins/box/probe.live.pl?other="+url.QueryEscape(otherSocket))
			wg.Wait()
			logs := e.logs.String()
			for what, why := range tt.why {
				mustContain(t, body, what+": failed ("+why)
				mustContain(t, logs, "probe "+what+" failed")
			}
			mustContain(t, logs, tt.socketLog)
			mustNotContain(t, body, "DONE", "secret", "json")
		})
	}
}

// mustDataDir makes a directory laid out as uapid's data directory, with
// the modes uapid gives it: a database, a TLS key, a listening admin
// socket.
func mustDataDir(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	if err := os.Mkdir(filepath.Join(data, "tls"), 0o700); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"uapid.db": "SQLite format 3 secret", "tls/key.pem": "-----BEGIN PRIVATE KEY----- secret"} {
		if err := os.WriteFile(filepath.Join(data, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("unix", filepath.Join(data, "uapid.sock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("secret admin\n"))
			_ = c.Close()
		}
	}()
	return data
}

// mustFindSocket waits for the one LiveAPI socket of the env to appear.
func mustFindSocket(t *testing.T, e *env) string {
	t.Helper()
	for range 200 {
		if m, _ := filepath.Glob(filepath.Join(e.liveDir, "uapid-live-*", "live.sock")); len(m) == 1 {
			return m[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the other page's socket never appeared")
	return ""
}

// TestSandboxForkBomb: a page that forks without end is stopped by the
// process limit, and nothing it started survives it.
func TestSandboxForkBomb(t *testing.T) {
	page := `use POSIX ();
$| = 1;
my ( $n, $err ) = ( 0, '' );
while ( $n < 100000 ) {
    my $pid = fork;
    if ( !defined $pid ) { $err = "$!"; last }
    if ( $pid == 0 ) { sleep 60; POSIX::_exit(0) }
    $n++;
}
print STDERR "fork bomb stopped after $n forks: $err\n";
print "Content-Type: text/plain\r\n\r\nforks: $n\n";
`
	dir := mustPluginDir(t, map[string]string{"box/bomb.live.pl": page})
	e := mustSandboxed(t, sandbox.Config{Limits: sandbox.Limits{Processes: 20}}, dir, plugin.Config{Timeout: 20 * time.Second})
	body := e.login(t, "cpuser", passA).mustGet(t, "/plugins/box/bomb.live.pl")
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(body, "forks: ")))
	if err != nil || n >= 20 {
		t.Errorf("forked %q times, want fewer than the limit of 20", body)
	}
	mustContain(t, e.logs.String(), "fork bomb stopped after", "Resource temporarily unavailable")
	mustNoProcesses(t, strconv.FormatInt(sandboxtest.UIDBase(sandboxPkg)+e.a.ID, 10))
}

// mustNoProcesses waits until no process runs as uid.
func mustNoProcesses(t *testing.T, uid string) {
	t.Helper()
	var left []string
	for range 100 {
		left = left[:0]
		procs, _ := filepath.Glob("/proc/[0-9]*/status")
		for _, p := range procs {
			b, err := os.ReadFile(p)
			if err == nil && strings.Contains(string(b), "\nUid:\t"+uid+"\t") && !strings.Contains(string(b), "State:\tZ") {
				left = append(left, p)
			}
		}
		if len(left) == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("processes of uid %s left behind: %v", uid, left)
}

// TestSandboxCPULimit: a page that spins is killed by its CPU limit long
// before its time is up, and the kill is logged.
func TestSandboxCPULimit(t *testing.T) {
	dir := mustPluginDir(t, map[string]string{"box/spin.live.pl": "1 while 1;\n"})
	e := mustSandboxed(t, sandbox.Config{Limits: sandbox.Limits{CPUSeconds: 1}}, dir, plugin.Config{Timeout: time.Minute})
	r := e.login(t, "cpuser", passA).do(t, http.MethodGet, "/plugins/box/spin.live.pl", nil)
	if r.code != http.StatusInternalServerError {
		t.Errorf("%d, want 500 (killed by the CPU limit, not the page timeout)\n%s", r.code, r.body)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "signal: killed") && !strings.Contains(logs, "CPU time limit exceeded") {
		t.Errorf("the kill is not logged:\n%s", logs)
	}
	mustContain(t, logs, "timed_out=false")
}

// TestSandboxUserPerAccount: each account's pages run as that account's
// own uid and gid, and its LiveAPI socket answers that uid.
func TestSandboxUserPerAccount(t *testing.T) {
	page := "print \"Content-Type: text/plain\\r\\n\\r\\n$< $(\\n\";\n"
	e := mustSandboxed(t, sandbox.Config{}, mustPluginDir(t, map[string]string{"box/who.live.pl": page,
		"live/perl.live.pl": perlLiveAPIPage}), plugin.Config{})
	base := sandboxtest.UIDBase(sandboxPkg)
	for _, a := range []struct {
		name, pass string
		id         int64
	}{{"cpuser", passA, e.a.ID}, {"other", passB, e.b.ID}} {
		b := e.login(t, a.name, a.pass)
		uid := strconv.FormatInt(base+a.id, 10)
		if got := strings.TrimSpace(b.mustGet(t, "/plugins/box/who.live.pl")); got != uid+" "+uid {
			t.Errorf("%s's page runs as %q, want uid and gid %s", a.name, got, uid)
		}
		mustContain(t, b.mustGet(t, "/plugins/live/perl.live.pl"), `<p id="status">1</p>`)
	}
}
