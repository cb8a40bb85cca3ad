package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/config"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/invite/smtptest"
	"github.com/uapid/uapid/internal/sandbox/sandboxtest"
)

// server is a whole uapid booted on 127.0.0.1:0 with a fresh data directory.
type server struct {
	main  *Main
	smtp  *smtptest.Server // the relay invitations go through
	url   string
	demo  demoCredentials
	http  *http.Client
	env   map[string]string
	uapi  string // path of the built uapi binary
	uapid string // path of the built uapid binary
}

func mustServe(t *testing.T, opts ...func(*Main)) *server {
	t.Helper()
	dir := t.TempDir()
	relay := smtptest.Start(t)
	env := map[string]string{"UAPID_DATA_DIR": dir, "UAPID_SMTP_RELAY": relay.Addr(), "UAPID_INVITE_BASE_URL": "https://uapid.test", "UAPID_HTTPS_ADDR": "127.0.0.1:0", "UAPID_WHM_ADDR": "127.0.0.1:0",
		"UAPID_FTP_ADDR": "127.0.0.1:0", "UAPID_WEBDAV_ADDR": "127.0.0.1:0", "UAPID_HOSTNAME": "localhost",
		"UAPID_MAIL_UID": "65534", "UAPID_MAIL_GID": "65534", "UAPID_PLUGIN_DIR": mustPublicCopy(t, "../../examples/plugins"),
		"UAPID_PLUGIN_EXEC": "true", "UAPID_PLUGIN_UID_BASE": strconv.FormatInt(sandboxtest.UIDBase("uapid-test-cmd"), 10), "UAPID_PLUGIN_UNCONFINED": "true", "UAPID_DEBUG_ADDR": "127.0.0.1:0"}
	cfg, err := config.Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Demo: true, Log: fixture.Logger(t)}
	if os.Geteuid() == 0 { // plugin pages in the sandbox, with this test binary as its helper
		sb := sandboxtest.Config(t, "uapid-test-cmd")
		m.SandboxHelper, m.SandboxHelperEnv = sb.Helper, sb.HelperEnv
	}
	for _, o := range opts {
		o(m)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	s := &server{main: m, smtp: relay, url: m.HTTPSURL(), env: env, http: &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}}
	b, err := os.ReadFile(filepath.Join(dir, "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s.demo); err != nil {
		t.Fatal(err)
	}
	return s
}

// mustBuild builds a command of this module into dir and returns its path.
func mustBuild(t *testing.T, pkg, dir string) string {
	t.Helper()
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// runCmd runs a built binary with the server's environment and returns
// stdout, stderr and the exit status.
func (s *server) runCmd(t *testing.T, bin string, extraEnv map[string]string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range s.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range extraEnv {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

type result struct {
	Status   int             `json:"status"`
	Errors   []string        `json:"errors"`
	Messages []string        `json:"messages"`
	Metadata map[string]any  `json:"metadata"`
	Data     json.RawMessage `json:"data"`
}

func (s *server) do(t *testing.T, req *http.Request) (*http.Response, result) {
	t.Helper()
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r result
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("body %q: %v", b, err)
		}
	}
	return resp, r
}

func (s *server) get(t *testing.T, path string, set func(*http.Request)) (*http.Response, result) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if set != nil {
		set(req)
	}
	return s.do(t, req)
}

func TestEndToEnd(t *testing.T) {
	s := mustServe(t)
	bin := t.TempDir()
	s.uapi = mustBuild(t, "github.com/uapid/uapid/cmd/uapi", bin)
	s.uapid = mustBuild(t, "github.com/uapid/uapid/cmd/uapid", bin)
	t.Run("demo credentials", s.testDemoFile)
	t.Run("basic auth", s.testBasic)
	t.Run("uapi creates a token that then authenticates", s.testUAPIAndToken)
	t.Run("session login", s.testSession)
	t.Run("uapi formats and exit status", s.testUAPIFormats)
	t.Run("operator commands", s.testOperator)
	t.Run("seed: Ftp kill_session by every invocation", s.testKillSessionSeed)
	t.Run("health and metrics", s.testHealthMetrics)
	t.Run("profiler on the loopback debug listener only", s.testDebug)
	t.Run("web UI login page and pages", s.testWebUI)
	t.Run("Web Disk account over WebDAV", s.testWebDisk)
	t.Run("Email mailbox published for Dovecot", s.testEmail)
	t.Run("seed: UserManager delete_user leaves a hypothetical Subaccount", s.testDeleteUserSeed)
	t.Run("plugin pages: template and LiveAPI program", s.testPlugins)
	t.Run("seeds as plugin pages: LiveAPI PHP, LiveAPI Perl, Template Toolkit", s.testSeedPages)
	t.Run("Subaccount invitation by mail sets the FTP password", s.testInvitation)
}

func (s *server) testDemoFile(t *testing.T) {
	st, err := os.Stat(filepath.Join(s.env["UAPID_DATA_DIR"], "demo.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("demo.json: %v mode %v", err, st.Mode())
	}
	if s.demo.User != "demo" || s.demo.Domain != "demo.example" || len(s.demo.Password) < 16 || s.demo.HTTPSURL != s.url {
		t.Errorf("demo.json = %+v", s.demo)
	}
}

func (s *server) testBasic(t *testing.T) {
	resp, r := s.get(t, "/execute/Tokens/list", func(q *http.Request) { q.SetBasicAuth("demo", s.demo.Password) })
	if resp.StatusCode != 200 || r.Status != 1 || string(r.Data) != "[]" {
		t.Fatalf("HTTP %d result %+v", resp.StatusCode, r)
	}
	resp, _ = s.get(t, "/execute/Tokens/list", func(q *http.Request) { q.SetBasicAuth("demo", "wrong") })
	if resp.StatusCode != 401 {
		t.Errorf("wrong password: HTTP %d, want 401", resp.StatusCode)
	}
	resp, _ = s.get(t, "/execute/Tokens/list", nil)
	if resp.StatusCode != 401 {
		t.Errorf("no credentials: HTTP %d, want 401", resp.StatusCode)
	}
}

func (s *server) testUAPIAndToken(t *testing.T) {
	out, errOut, code := s.runCmd(t, s.uapi, nil, "--user=demo", "--output=json", "Tokens", "create_full_access", "name=ci")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var w struct {
		APIVersion int    `json:"apiversion"`
		Func       string `json:"func"`
		Module     string `json:"module"`
		Result     result `json:"result"`
	}
	if err := json.Unmarshal([]byte(out), &w); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	var data struct{ Token string }
	_ = json.Unmarshal(w.Result.Data, &data)
	if w.APIVersion != 3 || w.Func != "create_full_access" || w.Module != "Tokens" || w.Result.Status != 1 || len(data.Token) != 32 {
		t.Fatalf("wrapped result %s", out)
	}
	withToken := func(tok string) func(*http.Request) {
		return func(q *http.Request) { q.Header.Set("Authorization", "cpanel demo:"+tok) }
	}
	resp, r := s.get(t, "/execute/Tokens/list", withToken(data.Token))
	if resp.StatusCode != 200 || r.Status != 1 || !strings.Contains(string(r.Data), `"name":"ci"`) {
		t.Fatalf("token call: HTTP %d %+v", resp.StatusCode, r)
	}
	if resp, _ := s.get(t, "/execute/Tokens/list", withToken(strings.Repeat("A", 32))); resp.StatusCode != 401 {
		t.Errorf("wrong token: HTTP %d, want 401", resp.StatusCode)
	}
	remote := map[string]string{"UAPI_TOKEN": data.Token, "UAPI_INSECURE": "1"}
	out, errOut, code = s.runCmd(t, s.uapi, remote, "--url", s.url, "--user", "demo", "--output=json", "Tokens", "list")
	if code != 0 || !strings.Contains(out, `"name":"ci"`) {
		t.Errorf("remote uapi: exit %d %s %s", code, out, errOut)
	}
}

func (s *server) testSession(t *testing.T) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: s.http.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"user": {"demo"}, "pass": {s.demo.Password}}
	resp, err := client.PostForm(s.url+"/login/?login_only=1", form)
	if err != nil {
		t.Fatal(err)
	}
	var login struct {
		Status        int    `json:"status"`
		SecurityToken string `json:"security_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if login.Status != 1 || !strings.HasPrefix(login.SecurityToken, "/cpsess") {
		t.Fatalf("login: HTTP %d %+v", resp.StatusCode, login)
	}
	call := func(prefix string, c *http.Client) int {
		resp, err := c.Get(s.url + prefix + "/execute/Tokens/list")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := call(login.SecurityToken, client); code != 200 {
		t.Errorf("session call: HTTP %d", code)
	}
	if code := call("/cpsess0000000000", client); code != 403 {
		t.Errorf("wrong security token: HTTP %d, want 403", code)
	}
	if code := call(login.SecurityToken, s.http); code != 401 {
		t.Errorf("missing cookie: HTTP %d, want 401", code)
	}
	resp, err = client.Get(s.url + "/logout/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := call(login.SecurityToken, client); code != 401 {
		t.Errorf("after logout: HTTP %d, want 401", code)
	}
}

func (s *server) testUAPIFormats(t *testing.T) {
	out, _, code := s.runCmd(t, s.uapi, nil, "--user=demo", "Tokens", "list")
	if code != 0 || !strings.HasPrefix(out, "---\n") || !strings.Contains(out, "apiversion: 3") || !strings.Contains(out, "status: 1") {
		t.Errorf("default YAML: exit %d\n%s", code, out)
	}
	out, _, code = s.runCmd(t, s.uapi, nil, "Tokens", "rename", "--user", "demo", "name=missing", "new_name=x", "--output=jsonpretty")
	if code != 1 || !strings.Contains(out, "does not exist") || !strings.Contains(out, "\n   ") {
		t.Errorf("failed call: exit %d (want 1)\n%s", code, out)
	}
	if _, _, code = s.runCmd(t, s.uapi, nil, "Tokens"); code != 2 {
		t.Errorf("usage error: exit %d, want 2", code)
	}
	if _, _, code = s.runCmd(t, s.uapi, nil, "--socket=/nonexistent.sock", "--user=demo", "Tokens", "list"); code != 3 {
		t.Errorf("no daemon: exit %d, want 3", code)
	}
	out, _, code = s.runCmd(t, s.uapi, nil, "Tokens", "create_full_access", "--help")
	if code != 0 || !strings.Contains(out, "expires_at") {
		t.Errorf("function help: exit %d\n%s", code, out)
	}
	out, _, _ = s.runCmd(t, s.uapi, nil, "--output=xml", "--user=demo", "Tokens", "list")
	if !strings.HasPrefix(strings.TrimSpace(out), "<") {
		t.Errorf("xml output: %s", out)
	}
}

func (s *server) testOperator(t *testing.T) {
	out, errOut, code := s.runCmd(t, s.uapid, nil, "account", "create", "opbob", "--domain", "opbob.example", "--password", "opbob-password")
	if code != 0 || !strings.Contains(out, "opbob.example") {
		t.Fatalf("account create: exit %d %s %s", code, out, errOut)
	}
	if _, errOut, code = s.runCmd(t, s.uapid, nil, "account", "create", "opbob", "--domain", "x.example", "--password", "opbob-password"); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("duplicate create: exit %d %s", code, errOut)
	}
	if out, _, code = s.runCmd(t, s.uapid, nil, "domain", "add", "opbob", "shop.example"); code != 0 || !strings.Contains(out, "shop.example") {
		t.Errorf("domain add: exit %d %s", code, out)
	}
	if out, _, _ = s.runCmd(t, s.uapid, nil, "account", "list"); !strings.Contains(out, "opbob") || !strings.Contains(out, "demo") {
		t.Errorf("account list:\n%s", out)
	}
	if _, _, code = s.runCmd(t, s.uapid, nil, "account", "suspend", "opbob"); code != 0 {
		t.Errorf("suspend: exit %d", code)
	}
	resp, _ := s.get(t, "/execute/Tokens/list", func(q *http.Request) { q.SetBasicAuth("opbob", "opbob-password") })
	if resp.StatusCode != 403 {
		t.Errorf("suspended account: HTTP %d, want 403", resp.StatusCode)
	}
	if _, _, code = s.runCmd(t, s.uapid, nil, "account", "delete", "opbob"); code != 0 {
		t.Errorf("delete: exit %d", code)
	}
	if _, _, code = s.runCmd(t, s.uapid, nil, "account", "show", "opbob"); code != 1 {
		t.Errorf("show deleted: exit %d, want 1", code)
	}
}

func (s *server) testHealthMetrics(t *testing.T) {
	if resp, _ := s.get(t, "/healthz", nil); resp.StatusCode != 200 {
		t.Errorf("healthz: HTTP %d", resp.StatusCode)
	}
	resp, err := s.http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `uapid_uapi_calls_total{function="list",module="Tokens",status="1"}`) {
		t.Errorf("metrics lack the engine counter:\n%.2000s", b)
	}
	if !strings.Contains(string(b), `uapid_webdav_limit_hits_total{limit="locks_per_login"}`) {
		t.Errorf("metrics lack the Web Disk limit counter")
	}
	for _, want := range []string{"go_sched_latencies_seconds_bucket{le=", "go_memstats_heap_inuse_bytes ",
		"go_memory_classes_total_bytes ", "go_memory_classes_heap_released_bytes ", "go_memory_classes_heap_free_bytes ",
		`go_sql_open_connections{db_name="sqlite"} `} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func (s *server) testWebUI(t *testing.T) {
	resp, err := s.http.Get(s.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `name="pass"`) {
		t.Fatalf("login page: HTTP %d\n%.500s", resp.StatusCode, b)
	}
	c, prefix := s.sessionLogin(t)
	for _, page := range []string{"/", "/ftp/accounts", "/ftp/connections", "/tokens"} {
		resp, err := c.Get(s.url + prefix + page)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), "demo") {
			t.Errorf("%s: HTTP %d", page, resp.StatusCode)
		}
	}
}

func (s *server) testEmail(t *testing.T) {
	out, errOut, code := s.runCmd(t, s.uapi, nil, "--user=demo", "--output=json", "Email", "add_pop", "email=sales", "password=Sales-pass-123", "quota=250")
	if code != 0 || !strings.Contains(out, `"data":"sales+demo.example"`) {
		t.Fatalf("add_pop: exit %d\n%s%s", code, out, errOut)
	}
	file := filepath.Join(s.env["UAPID_DATA_DIR"], "mail", "passwd.d", "demo.example")
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), "sales@demo.example:{SHA512-CRYPT}$6$") || !strings.Contains(string(b), ":65534:65534:") {
		t.Fatalf("passwd-file %s: %v\n%s", file, err, b)
	}
	if _, _, code = s.runCmd(t, s.uapi, nil, "--user=demo", "Email", "delete_pop", "email=sales"); code != 0 {
		t.Fatalf("delete_pop: exit %d", code)
	}
	if b, _ = os.ReadFile(file); strings.Contains(string(b), "sales@") {
		t.Errorf("deleted mailbox still published:\n%s", b)
	}
}

// testPlugins serves the example plugin: its template page through the
// template execute, and its Perl page through the LiveAPI socket.
func (s *server) testPlugins(t *testing.T) {
	c, prefix := s.sessionLogin(t)
	for _, page := range []string{"index.html", "hello.live.pl"} {
		resp, err := c.Get(s.url + prefix + "/plugins/hello/" + page)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `id="hello-tokens"`) || !strings.Contains(string(b), "demo_logs") {
			t.Errorf("%s: HTTP %d\n%.800s", page, resp.StatusCode, b)
		}
	}
}

func TestSandboxHelper(t *testing.T) { sandboxtest.ServeHelper(t) }
