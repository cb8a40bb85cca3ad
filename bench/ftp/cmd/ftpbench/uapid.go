package main

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// The hosting account and FTP login on uapid. Account names follow cPanel's
// rules (lower-case letters and digits, not starting with "test").
const (
	uapidAccount  = "ftpbench"
	uapidDomain   = "ftpbench.example"
	uapidPassword = "acct-Bench-Password-1"
	uapidFTPUser  = "up"
	uapidFTPLogin = uapidFTPUser + "@" + uapidDomain
)

// startUapid starts `uapid serve` with a data directory in dir and creates
// the account, its FTP login (with the shared password hash, a 4 GiB quota
// so that quota accounting runs as it does for cPanel's FTP accounts) and
// an API token, the way an operator does: with `uapid account create` and
// `uapi`.
func startUapid(ctx context.Context, o options, dir, hash string) (*server, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	uapid, uapi, err := harness.UapidBinaries(ctx, o.build, filepath.Join(dir, "bin"))
	if err != nil {
		return nil, err
	}
	ftpAddr, httpsAddr := harness.FreeAddr(), harness.FreeAddr()
	data := filepath.Join(dir, "data")
	env, err := uapidEnv(dir, data, ftpAddr, httpsAddr)
	if err != nil {
		return nil, err
	}
	ch, err := harness.StartChild(uapid, []string{"serve"}, env, filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	s := &server{name: "uapid", addr: ftpAddr, user: uapidFTPLogin, pass: ftpPassword,
		root: filepath.Join(data, "home", uapidAccount, "ftpbench"),
		pids: func() []int { return []int{ch.PID()} }, close: func() { ch.Stop(10 * time.Second) }}
	if err := waitReady(ctx, ch, ftpAddr, filepath.Join(data, "uapid.sock"), filepath.Join(dir, "serve.log")); err != nil {
		s.close()
		return nil, err
	}
	if err := setupUapid(ctx, s, uapid, uapi, env, hash, httpsAddr); err != nil {
		s.close()
		return nil, err
	}
	s.version = strings.TrimSpace(harness.CommandOutput(ctx, env, uapid, "version")) + ", " + harness.UapidSource(ctx, o.build)
	return s, nil
}

// uapidEnv is the environment of every uapid and uapi command: ours without
// any UAPID_ or UAPI_ setting, plus the server's. An empty UAPID_WEBDAV_ADDR
// counts as unset, so Web Disk is turned off in a configuration file.
func uapidEnv(dir, data, ftpAddr, httpsAddr string) ([]string, error) {
	cfg := filepath.Join(dir, "uapid.yaml")
	// The same size of passive range as Pure-FTPd's (pureArgs), as a
	// production server behind a firewall has one.
	// Every client comes from 127.0.0.1 and logs in as one login: lift the
	// per-IP, per-login and total limits, as pureArgs lifts Pure-FTPd's
	// (-c, -C).
	conf := "webdav_addr: \"\"\nftp_passive_ports: 30000-32199\n" +
		"ftp_max_conns: \"0\"\nftp_max_conns_per_ip: \"0\"\nftp_max_sessions_per_login: \"0\"\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "UAPID_") && !strings.HasPrefix(kv, "UAPI_") {
			env = append(env, kv)
		}
	}
	return append(env, "UAPID_CONFIG="+cfg, "UAPID_DATA_DIR="+data, "UAPID_FTP_ADDR="+ftpAddr,
		"UAPID_HTTPS_ADDR="+httpsAddr, "UAPID_WEBDAV_ADDR=", "UAPID_WHM_ADDR=off", "UAPID_HOSTNAME=localhost"), nil
}

// waitReady waits until the FTP port answers and the admin socket exists,
// at most 60 seconds.
func waitReady(ctx context.Context, ch *harness.Child, ftpAddr, socket, logPath string) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil && !ch.Exited() {
		if c, err := net.DialTimeout("tcp", ftpAddr, time.Second); err == nil {
			_ = c.Close()
			if _, err := os.Stat(socket); err == nil {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(logPath)
	return fmt.Errorf("server not ready on %s (exited: %t); its log:\n%s", ftpAddr, ch.Exited(), log)
}

// setupUapid creates the account, the FTP login and a token, and opens the
// API client's connection.
func setupUapid(ctx context.Context, s *server, uapid, uapi string, env []string, hash, httpsAddr string) error {
	steps := [][]string{
		{uapid, "account", "create", uapidAccount, "--domain", uapidDomain, "--password", uapidPassword},
		{uapi, "--user=" + uapidAccount, "Ftp", "add_ftp", "user=" + uapidFTPUser, "domain=" + uapidDomain,
			"pass_hash=" + hash, "homedir=ftpbench", "quota=4096"},
		{uapi, "--output=json", "--user=" + uapidAccount, "Tokens", "create_full_access", "name=ftpbench"},
	}
	var out []byte
	for _, argv := range steps {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Env = env
		var err error
		if out, err = cmd.Output(); err != nil {
			return fmt.Errorf("%s %s: %w\n%s", filepath.Base(argv[0]), strings.Join(argv[1:3], " "), err, out)
		}
	}
	var created struct {
		Result struct {
			Data struct{ Token string } `json:"data"`
		} `json:"result"`
	}
	if err := json.Unmarshal(out, &created); err != nil || created.Result.Data.Token == "" {
		return fmt.Errorf("no token in %s (%v)", out, err)
	}
	api := newUapiClient("https://" + httpsAddr)
	s.kill = api.killer("cpanel " + uapidAccount + ":" + created.Result.Data.Token)
	basic := base64.StdEncoding.EncodeToString([]byte(uapidAccount + ":" + uapidPassword))
	s.killBasic = api.killer("Basic " + basic)
	// One call first, so that the TLS handshake is not in the first kill.
	return api.execute(ctx, "Basic "+basic, "Ftp", "list_sessions", nil)
}

// uapiClient calls uapid's UAPI over HTTPS, as a script or the web UI does.
type uapiClient struct {
	base   string
	client *http.Client
}

func newUapiClient(base string) *uapiClient {
	// The server's certificate is the self-signed one it made at its first
	// start, for 127.0.0.1; there is nothing to verify it against.
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, MaxIdleConnsPerHost: 2}
	return &uapiClient{base: base, client: &http.Client{Transport: tr, Timeout: time.Minute}}
}

// execute calls Module/function and fails unless the result's status is 1.
func (a *uapiClient) execute(ctx context.Context, auth, module, fn string, args url.Values) error {
	u := a.base + "/execute/" + module + "/" + fn + "?" + args.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", auth)
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Status int      `json:"status"`
		Errors []string `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("%s::%s: HTTP %d: %w", module, fn, resp.StatusCode, err)
	}
	if r.Status != 1 {
		return fmt.Errorf("%s::%s: HTTP %d: %s", module, fn, resp.StatusCode, strings.Join(r.Errors, "; "))
	}
	return nil
}

// killer is Ftp::kill_session with the given Authorization header, for the
// FTP login or for "all". The call finds the sessions itself, so its start
// is also its signal.
func (a *uapiClient) killer(auth string) killFunc {
	return func(ctx context.Context, all bool) (time.Time, time.Time, error) {
		login := uapidFTPLogin
		if all {
			login = "all"
		}
		start := time.Now()
		err := a.execute(ctx, auth, "Ftp", "kill_session", url.Values{"login": {login}})
		return start, start, err
	}
}
