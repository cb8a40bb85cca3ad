package sandbox_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/sandbox"
	"github.com/uapid/uapid/internal/sandbox/sandboxtest"
)

func TestSandboxHelper(t *testing.T) { sandboxtest.ServeHelper(t) }

// run runs a shell script confined as account 7 and returns what it printed.
func run(t *testing.T, sb *sandbox.Sandbox, script, dir string, binds []sandbox.Bind) (string, string, error) {
	t.Helper()
	return runAs(t, sb, 7, script, dir, binds)
}

// runAs runs a shell script confined as account id.
func runAs(t *testing.T, sb *sandbox.Sandbox, id int64, script, dir string, binds []sandbox.Bind) (string, string, error) {
	t.Helper()
	who, err := sb.Identity(id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sb.Command(context.Background(), who, []string{"sh", "-c", script}, dir,
		[]string{"PATH=/usr/bin:/bin", "HOME=/nonexistent"}, binds)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	r.Cmd.Stdout, r.Cmd.Stderr = &out, &errOut
	if err := r.Cmd.Start(); err != nil {
		r.Abort()
		t.Fatal(err)
	}
	r.Started()
	err = r.Cmd.Wait()
	return out.String(), errOut.String(), err
}

// TestConfined: the program runs as the sandbox user with no groups, no
// new privileges and the limits; it sees neither the hidden directory nor
// the host's temporary files or processes, only its binds.
func TestConfined(t *testing.T) {
	cfg := sandboxtest.Config(t, "uapid-test-sandbox")
	secret := t.TempDir()
	if err := os.WriteFile(filepath.Join(secret, "uapid.db"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Hide = []string{secret}
	cfg.Limits = sandbox.Limits{CPUSeconds: 7, Processes: 33, FileSize: 1 << 20, OpenFiles: 50, Memory: 512 << 20}
	sb, err := sandbox.New(cfg, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	shared := t.TempDir()
	if err := os.Chmod(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shared, "page"), []byte("visible"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `id -u; id -G; ulimit -t; awk '/^Max processes/ {print $3}' /proc/self/limits; ulimit -f; ulimit -n; ulimit -v
grep NoNewPrivs /proc/self/status
grep -E '^Cap(Inh|Prm|Eff|Amb)' /proc/self/status | awk '{print $2}' | sort -u
cat ` + filepath.Join(secret, "uapid.db") + ` 2>/dev/null || echo no-secret
cat page; echo; touch page 2>/dev/null || echo read-only
ls /proc | grep -c '^[0-9]'
ls -A /tmp | wc -l`
	out, errOut, err := run(t, sb, script, shared, []sandbox.Bind{{Src: shared, Dst: shared}})
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	uid := strconv.FormatInt(cfg.UIDBase+7, 10)
	want := []string{uid, "", "7", "33", "2048", "50", "524288", "NoNewPrivs:\t1", "0000000000000000", "no-secret", "visible"}
	if sb.Namespaces() {
		// sh, ls and grep are the only processes; /tmp holds only the way to the bind.
		want = append(want, "read-only", "3", "1")
	}
	got := strings.Split(strings.TrimSpace(out), "\n")
	got[1] = "" // the group list: checked below
	for i, w := range want {
		if i >= len(got) || strings.TrimSpace(got[i]) != w {
			t.Errorf("line %d: got %q, want %q\n%s", i, at(got, i), w, out)
		}
	}
	if groups := strings.Fields(strings.Split(out, "\n")[1]); len(groups) != 1 || groups[0] == "0" {
		t.Errorf("groups %v, want only the user's own", groups)
	}
}

// TestRefusesBadUsers: a uid base out of range, a missing helper, and
// account uids that are not the account's alone (a system user's, out of
// range) are refused.
func TestRefusesBadUsers(t *testing.T) {
	cfg := sandboxtest.Config(t, "uapid-test-sandbox")
	for _, base := range []int64{-1, 1 << 32} {
		cfg.UIDBase = base
		if _, err := sandbox.New(cfg, fixture.Logger(t)); err == nil {
			t.Errorf("uid base %d accepted", base)
		}
	}
	if _, err := sandbox.New(sandbox.Config{}, fixture.Logger(t)); err == nil {
		t.Error("no helper accepted")
	}
	cfg.UIDBase = 1 // account 1 would be uid 2, bin on Debian
	sb, err := sandbox.New(cfg, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{0, -5, 1, 1 << 32} {
		if who, err := sb.Identity(id); err == nil {
			t.Errorf("account %d runs as %+v", id, who)
		}
	}
}

// TestAccountsApart: without namespaces, where nothing else separates
// them, one account's page can neither kill another account's running
// page (kill -9 -1 reaches every process of the caller's uid) nor take
// its processes: the process limit is per account.
func TestAccountsApart(t *testing.T) {
	cfg := sandboxtest.Config(t, "uapid-test-sandbox")
	cfg.NoNamespaces = true
	cfg.Limits = sandbox.Limits{Processes: 8}
	sb, err := sandbox.New(cfg, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	shared, err := os.MkdirTemp("", "uapid-apart-") // reachable by both accounts' uids
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(shared) })
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	ready := filepath.Join(shared, "ready")
	victim := make(chan string, 1)
	go func() { // account 1: holds its process limit, then says whether it lived
		out, errOut, err := runAs(t, sb, 1, `for i in 1 2 3 4 5; do sleep 4 & done; touch `+ready+`; wait; echo alive`, "/", nil)
		victim <- fmt.Sprint(out, errOut, err)
	}()
	for i := 0; i < 500; i++ {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	out, errOut, err := runAs(t, sb, 2, `kill -9 -1; for i in 1 2 3 4 5; do sleep 0 & done; wait; echo forked`, "/", nil)
	if err != nil || out != "forked\n" {
		t.Errorf("account 2: %q %s %v: want it to fork beside account 1's processes", out, errOut, err)
	}
	if got := <-victim; got != "alive\n<nil>" {
		t.Errorf("account 1's page: %q, want it alive after account 2's kill -9 -1", got)
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// TestLimitsHold: a program that goes past a limit fails there: memory,
// file size, temporary space, processes.
func TestLimitsHold(t *testing.T) {
	cfg := sandboxtest.Config(t, "uapid-test-sandbox")
	cfg.Limits = sandbox.Limits{Memory: 256 << 20, FileSize: 1 << 20, Processes: 8}
	cfg.TmpSize = 2 << 20
	sb, err := sandbox.New(cfg, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, script, want string
		nsOnly             bool
	}{
		{"memory", `perl -e '$x = "x" x (512 * 1024 * 1024); print "allocated\n"'`, "Out of memory", false},
		{"file size", `head -c 2000000 /dev/zero > /tmp/big; ls -l /tmp/big | awk '{print "size", $5}'`, "size 1048576", false},
		{"temporary space", `head -c 1000000 /dev/zero > /tmp/a; head -c 1000000 /dev/zero > /tmp/b; head -c 1000000 /dev/zero > /tmp/c || echo full`, "full", true},
		{"processes", `for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 & done 2>&1; wait`, "fork", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.nsOnly && !sb.Namespaces() {
				t.Skip("without namespaces /tmp is the host's")
			}
			out, errOut, _ := run(t, sb, tt.script, "/", nil)
			if !strings.Contains(out+errOut, tt.want) || strings.Contains(out, "allocated") {
				t.Errorf("want %q in:\n%s%s", tt.want, out, errOut)
			}
		})
	}
}

// TestHostReadOnly: the host's file system is read-only to a program, even
// where its permissions let anyone write (/run/lock, PHP's session
// directory): all pages run as one user, so a file left there would
// outlive the run, take disk space no limit counts, and be read by another
// account's page. Its private temporary directories stay writable.
func TestHostReadOnly(t *testing.T) {
	cfg := sandboxtest.Config(t, "uapid-test-sandbox")
	sb, err := sandbox.New(cfg, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if !sb.Namespaces() {
		t.Skip("without namespaces only file permissions apply")
	}
	open, err := os.MkdirTemp("/run", "uapid-sandbox-test-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(open) })
	if err := os.Chmod(open, 0o1777); err != nil {
		t.Fatal(err)
	}
	script := `touch ` + filepath.Join(open, "left") + ` 2>/dev/null && echo wrote-host || echo host-read-only
touch /tmp/x && echo tmp-writable; head -c 4 /dev/zero > /dev/null && echo dev-null`
	out, errOut, err := run(t, sb, script, "/", nil)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	if want := "host-read-only\ntmp-writable\ndev-null\n"; out != want {
		t.Errorf("got %q, want %q (%s)", out, want, errOut)
	}
	if _, err := os.Stat(filepath.Join(open, "left")); err == nil {
		t.Error("the program left a file on the host")
	}
}
