// Package crash_test is the crash suite: it builds uapid, runs `uapid serve`
// as a child process with a data directory of its own, drives UserManager
// create/edit/delete/merge loops (with email, FTP and Web Disk), FTP
// logins deleted with destroy, FTP uploads and Web Disk PUTs through the
// real HTTPS API, FTP and WebDAV servers, kills the child with SIGKILL at random instants, restarts it, and
// after the last crash checks that nothing is half-made or orphaned.
//
// The number of crashes is 6 by default, so that CI stays fast; ask for
// more with -crash.count=50 or UAPID_CRASH_COUNT=50:
//
//	go test ./e2e/crash -crash.count=50 -v
package crash_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var crashCount = flag.Int("crash.count", 0, "crashes the suite causes (default 6, or UAPID_CRASH_COUNT)")

const (
	acctName = "crash"
	acctPass = "crash-password-1"
	domain   = "crash.example"
	userPass = "User-password-1"
)

// crashes returns how many times the suite kills uapid.
func crashes(t *testing.T) int {
	if *crashCount > 0 {
		return *crashCount
	}
	if v := os.Getenv("UAPID_CRASH_COUNT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("UAPID_CRASH_COUNT=%q is not a positive number", v)
		}
		return n
	}
	return 6
}

func TestCrashSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash suite runs uapid as a child process")
	}
	n := crashes(t)
	h := newHarness(t)
	h.start(t)
	h.mustCLI(t, "account", "create", acctName, "--domain", domain, "--password", acctPass)
	h.mustCall(t, "Ftp", "add_ftp", "user", "up", "domain", domain, "pass", userPass, "homedir", "uploads")
	h.mustCall(t, "WebDisk", "add_user", "user", "dav", "domain", domain, "password", userPass, "homedir", "davup",
		"perms", "rw")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 12))
	for i := range n {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(3)
		go func() { defer wg.Done(); h.drive(ctx) }()
		go func() { defer wg.Done(); h.upload(ctx) }()
		go func() { defer wg.Done(); h.put(ctx) }()
		time.Sleep(time.Duration(150+rng.IntN(1500)) * time.Millisecond)
		h.kill(t)
		cancel()
		wg.Wait()
		t.Logf("crash %d/%d after %d operations", i+1, n, h.ops())
		h.start(t)
	}
	h.stop(t)
	h.check(t)
}

// harness runs the child and remembers what the driver asked for.
type harness struct {
	bin, dir string
	env      []string
	cmd      *exec.Cmd
	done     chan error
	api      string // https://127.0.0.1:PORT
	ftpAddr  string
	davAddr  string
	http     *http.Client
	repairs  int // "repaired" log lines seen

	mu      sync.Mutex
	next    int             // names are unique across restarts
	deleted map[string]bool // delete_user or delete_ftp was sent
	count   int
}

func newHarness(t *testing.T) *harness {
	dir := t.TempDir()
	bin := filepath.Join(dir, "uapid")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/uapid")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	env := append(os.Environ(), "UAPID_DATA_DIR="+data, "UAPID_HTTPS_ADDR=127.0.0.1:0", "UAPID_FTP_ADDR=127.0.0.1:0",
		"UAPID_WEBDAV_ADDR=127.0.0.1:0", "UAPID_HTTP_ADDR=off", "UAPID_WEBDAV_PLAIN_ADDR=off", "UAPID_WHM_ADDR=off",
		"UAPID_ADMIN_SOCKET="+filepath.Join(data, "uapid.sock"), "UAPID_HOSTNAME=localhost", "UAPID_NODE_ID=",
		"UAPID_DATABASE=", "UAPID_CONFIG=")
	if os.Geteuid() == 0 {
		// Dovecot refuses uid 0: publishing needs a mail user.
		env = append(env, "UAPID_MAIL_UID=65534", "UAPID_MAIL_GID=65534")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the child's self-signed certificate
	return &harness{bin: bin, dir: data, env: env, deleted: map[string]bool{},
		http: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
}

var (
	servingRE = regexp.MustCompile(`serving (https://\S+)`)
	ftpRE     = regexp.MustCompile(`msg=listening server=ftp addr=(\S+)`)
	davRE     = regexp.MustCompile(`msg=listening server=webdav addr=(\S+)`)
)

// start runs `uapid serve` and waits until it serves HTTPS and FTP.
func (h *harness) start(t *testing.T) {
	t.Helper()
	h.cmd = exec.Command(h.bin, "serve")
	h.cmd.Env = h.env
	stdout, _ := h.cmd.StdoutPipe()
	stderr, _ := h.cmd.StderrPipe()
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ftpc, apic, davc := make(chan string, 1), make(chan string, 1), make(chan string, 1)
	var logs sync.WaitGroup
	logs.Add(2)
	go func() {
		defer logs.Done()
		h.scan(stderr, func(line string) {
			if m := ftpRE.FindStringSubmatch(line); m != nil {
				ftpc <- m[1]
			}
			if m := davRE.FindStringSubmatch(line); m != nil {
				davc <- m[1]
			}
			if strings.Contains(line, "intent: repaired interrupted change") {
				h.mu.Lock()
				h.repairs++
				h.mu.Unlock()
			}
			if strings.Contains(line, "level=ERROR") && testing.Verbose() {
				t.Log("uapid:", line)
			}
		})
	}()
	go func() {
		defer logs.Done()
		h.scan(stdout, func(line string) {
			if m := servingRE.FindStringSubmatch(line); m != nil {
				apic <- m[1]
			}
		})
	}()
	h.done = make(chan error, 1)
	go func() { logs.Wait(); h.done <- h.cmd.Wait() }()
	select {
	case h.ftpAddr = <-ftpc:
	case err := <-h.done:
		t.Fatalf("uapid serve exited: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("uapid serve did not start FTP")
	}
	select {
	case h.davAddr = <-davc:
	case err := <-h.done:
		t.Fatalf("uapid serve exited: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("uapid serve did not start Web Disk")
	}
	select {
	case h.api = <-apic:
	case err := <-h.done:
		t.Fatalf("uapid serve exited: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("uapid serve did not start HTTPS")
	}
}

func (h *harness) scan(r io.Reader, f func(string)) {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for s.Scan() {
		f(s.Text())
	}
}

// kill sends SIGKILL: no deferred function, no shutdown, no flush.
func (h *harness) kill(t *testing.T) {
	t.Helper()
	if err := h.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-h.done
}

// stop ends the last run gracefully, so its database can be read.
func (h *harness) stop(t *testing.T) {
	t.Helper()
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("uapid serve after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("uapid serve did not stop")
	}
}

func (h *harness) mustCLI(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(h.bin, args...)
	cmd.Env = h.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("uapid %v: %v\n%s", args, err, out)
	}
}

// result is the part of a UAPI answer the suite reads.
type result struct {
	Status int             `json:"status"`
	Errors []string        `json:"errors"`
	Data   json.RawMessage `json:"data"`
}

// call runs Module::function over HTTPS with the account's password.
func (h *harness) call(ctx context.Context, module, fn string, kv ...string) (*result, error) {
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.api+"/execute/"+module+"/"+fn, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(acctName, acctPass)
	resp, err := h.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r result
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("%s::%s: HTTP %d: %w", module, fn, resp.StatusCode, err)
	}
	return &r, nil
}

func (h *harness) mustCall(t *testing.T, module, fn string, kv ...string) *result {
	t.Helper()
	r, err := h.call(context.Background(), module, fn, kv...)
	if err != nil || r.Status != 1 {
		t.Fatalf("%s::%s: %v %+v", module, fn, err, r)
	}
	return r
}
