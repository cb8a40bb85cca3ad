package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

const (
	uapidAccount = "davbench"
	uapidDomain  = "davbench.example"
	uapidDAVUser = "dav"
)

// startUapid builds and starts `uapid serve` with Web Disk over TLS on a
// free port (FTP off), then makes the account and its Web Disk login.
func startUapid(ctx context.Context, o options, dir, hash string) (*server, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	uapid, uapi, err := harness.UapidBinaries(ctx, o.build, filepath.Join(dir, "bin"))
	if err != nil {
		return nil, err
	}
	davAddr, data := harness.FreeAddr(), filepath.Join(dir, "data")
	env := uapidEnv(data, davAddr)
	if o.debugAddr != "" {
		env = append(env, "UAPID_DEBUG_ADDR="+o.debugAddr)
	}
	ch, err := harness.StartChild(uapid, []string{"serve"}, env, filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	s := &server{name: "uapid", url: "https://" + davAddr + "/", user: uapidDAVUser + "@" + uapidDomain,
		root: filepath.Join(data, "home", uapidAccount, "davbench"),
		pids: func() []int { return []int{ch.PID()} }, close: func() { ch.Stop(10 * time.Second) }}
	if err := waitUapid(ctx, ch, davAddr, filepath.Join(data, "uapid.sock"), filepath.Join(dir, "serve.log")); err != nil {
		s.close()
		return nil, err
	}
	steps := [][]string{
		{uapid, "account", "create", uapidAccount, "--domain", uapidDomain, "--password", davPassword + "-main"},
		{uapi, "--user=" + uapidAccount, "WebDisk", "add_user", "user=" + uapidDAVUser, "domain=" + uapidDomain,
			"password_hash=" + hash, "homedir=davbench", "perms=rw"},
	}
	for _, argv := range steps {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil { // uapi exits non-zero when the function fails
			s.close()
			return nil, fmt.Errorf("%s %s: %v\n%s", filepath.Base(argv[0]), strings.Join(argv[1:3], " "), err, out)
		}
	}
	s.version = strings.TrimSpace(harness.CommandOutput(ctx, env, uapid, "version")) + ", " +
		harness.UapidSource(ctx, o.build)
	return s, nil
}

// uapidEnv is ours without any UAPID_ or UAPI_ setting, plus the server's.
func uapidEnv(data, davAddr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "UAPID_") && !strings.HasPrefix(kv, "UAPI_") {
			env = append(env, kv)
		}
	}
	return append(env, "UAPID_DATA_DIR="+data, "UAPID_WEBDAV_ADDR="+davAddr, "UAPID_FTP_ADDR=off", "UAPID_WHM_ADDR=off",
		"UAPID_HTTPS_ADDR="+harness.FreeAddr(), "UAPID_HOSTNAME=localhost")
}

// waitUapid waits until the Web Disk port answers and the admin socket
// exists, at most a minute.
func waitUapid(ctx context.Context, ch *harness.Child, addr, socket, logPath string) error {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && ctx.Err() == nil && !ch.Exited(); {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = c.Close()
			if _, err := os.Stat(socket); err == nil {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(logPath)
	return fmt.Errorf("server not ready on %s (exited: %t); its log:\n%s", addr, ch.Exited(), log)
}
