package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// server is the uapid under test and what the clients need to reach it.
type server struct {
	child              *harness.Child
	dir                string
	https, ftp, webdav string // host:port
	user, pass         string // the demo account
	token              string // API token of the demo account
	domain             string
	http               *http.Client // setup and /metrics
}

// startServer builds (unless given) and starts uapid with the demo account,
// every listener on 127.0.0.1 and its default limits.
func startServer(ctx context.Context, o options, dir string) (*server, error) {
	uapid, _, err := harness.UapidBinaries(ctx, o.build, dir)
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, https: harness.FreeAddr(), ftp: harness.FreeAddr(), webdav: harness.FreeAddr(),
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}} //nolint:gosec // self-signed
	env := append(os.Environ(), "UAPID_DATA_DIR="+filepath.Join(dir, "data"), "UAPID_HTTPS_ADDR="+s.https,
		"UAPID_FTP_ADDR="+s.ftp, "UAPID_WEBDAV_ADDR="+s.webdav, "UAPID_FTP_PASSIVE_PORTS=40000-44999",
		"UAPID_WHM_ADDR=off", "UAPID_HOSTNAME=localhost", "UAPID_LOG_LEVEL=warn", "UAPID_MAIL_UID=65534", "UAPID_MAIL_GID=65534")
	env = append(env, o.serverEnv...) // later entries win
	log := filepath.Join(dir, "uapid.log")
	if s.child, err = harness.StartChild(uapid, []string{"serve", "--demo"}, env, log); err != nil {
		return nil, err
	}
	harness.Progress("uapid pid %d, log %s", s.child.PID(), log)
	if err := s.waitReady(ctx); err != nil {
		s.stop()
		b, _ := os.ReadFile(log)
		return nil, fmt.Errorf("%w\n%s", err, b)
	}
	return s, nil
}

func (s *server) stop() { s.child.Stop(30 * time.Second) }

// waitReady waits for /healthz and the demo account's credentials.
func (s *server) waitReady(ctx context.Context) error {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if s.child.Exited() || ctx.Err() != nil {
			return errors.New("uapid exited before it was ready")
		}
		b, err := os.ReadFile(filepath.Join(s.dir, "data", "demo.json"))
		if err != nil {
			continue
		}
		var demo struct{ User, Password, Domain string }
		if json.Unmarshal(b, &demo) != nil {
			continue
		}
		s.user, s.pass, s.domain = demo.User, demo.Password, demo.Domain
		if resp, err := s.http.Get("https://" + s.https + "/healthz"); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("uapid was not ready within 60 s")
}

// call runs a UAPI function with the demo account's password and returns
// its data; a failed result is an error.
func (s *server) call(module, fn string, args url.Values) (json.RawMessage, error) {
	req, err := http.NewRequest("POST", "https://"+s.https+"/execute/"+module+"/"+fn, strings.NewReader(args.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.user, s.pass)
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var res struct {
		Status int             `json:"status"`
		Errors []string        `json:"errors"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, fmt.Errorf("%s::%s: HTTP %d: %w", module, fn, resp.StatusCode, err)
	}
	if res.Status != 1 {
		return nil, fmt.Errorf("%s::%s: %v", module, fn, res.Errors)
	}
	return res.Data, nil
}

// prepare makes the API token and the FTP accounts the clients use.
func (s *server) prepare(ctx context.Context, o options) error {
	data, err := s.call("Tokens", "create_full_access", url.Values{"name": {"soak"}})
	if err != nil {
		return err
	}
	var tok struct{ Token string }
	if err := json.Unmarshal(data, &tok); err != nil || tok.Token == "" {
		return fmt.Errorf("create_full_access: no token in %s", data)
	}
	s.token = tok.Token
	harness.Progress("creating %d FTP accounts", o.ftpLogins)
	for i := range o.ftpLogins {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := s.call("Ftp", "add_ftp", url.Values{"user": {ftpUser(i)}, "pass": {ftpPass},
			"domain": {s.domain}}); err != nil {
			return err
		}
	}
	return nil
}

const ftpPass = "Soak-pass-2026"

func ftpUser(i int) string { return fmt.Sprintf("soak%d", i) }

// metrics returns the server's Prometheus text lines that start with one
// of the prefixes.
func (s *server) metrics(prefixes ...string) []string {
	resp, err := s.http.Get("https://" + s.https + "/metrics")
	if err != nil {
		return []string{"metrics: " + err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(line, p) {
				out = append(out, line)
			}
		}
	}
	return out
}
