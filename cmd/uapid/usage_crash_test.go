package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/vfs"
)

// child is `uapid serve --demo` run as a separate process, so that a test
// can SIGKILL it.
type child struct {
	bin, dir       string
	https, ftpAddr string
	cmd            *exec.Cmd
	log            *os.File
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs the server and waits (bounded) until its HTTPS port answers.
func (c *child) start(t *testing.T) {
	t.Helper()
	c.cmd = exec.Command(c.bin, "serve", "--demo")
	c.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "UAPID_DATA_DIR=" + c.dir,
		"UAPID_HTTPS_ADDR=" + c.https, "UAPID_FTP_ADDR=" + c.ftpAddr, "UAPID_WEBDAV_ADDR=off", "UAPID_WHM_ADDR=off",
		"UAPID_HOSTNAME=localhost", "UAPID_MAIL_UID=65534", "UAPID_MAIL_GID=65534"}
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := hc.Get("https://" + c.https + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("uapid serve did not come up; log in %s", c.log.Name())
		}
	}
}

func (c *child) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
}

// counts reads the account's usage counters from the stopped server's
// database.
func (c *child) counts(t *testing.T, name string) (hosting.UsageCounts, []hosting.UsageMark, *hosting.Account) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(c.dir, "uapid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acct, err := db.FindAccountByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := db.UsageCounts(context.Background(), acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	marks, err := db.StaleUsageMarks(context.Background(), -1, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return counts, marks, acct
}

// TestUsageRepairedAfterKill kills `uapid serve` with SIGKILL in the middle
// of an FTP upload, restarts it, and checks that the usage counters equal
// the bytes on disk, and that deleting the cut file then leaves exactly
// what is still stored (issue 12).
func TestUsageRepairedAfterKill(t *testing.T) {
	dir := t.TempDir()
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	c := &child{bin: mustBuild(t, "github.com/uapid/uapid/cmd/uapid", t.TempDir()), dir: filepath.Join(dir, "data"),
		https: freeAddr(t), ftpAddr: freeAddr(t), log: logf}
	c.start(t)
	waitFor(t, func() bool { _, err := os.Stat(filepath.Join(c.dir, "demo.json")); return err == nil }, "demo.json")
	var demo demoCredentials
	b, err := os.ReadFile(filepath.Join(c.dir, "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &demo); err != nil {
		t.Fatal(err)
	}
	api := func(fn string) result {
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		return getResult(t, hc, "https://"+c.https+"/execute/Ftp/"+fn, func(r *http.Request) { r.SetBasicAuth(demo.User, demo.Password) })
	}
	if r := api("add_ftp?user=up&pass=Up-pass-12345&homedir=up"); r.Status != 1 {
		t.Fatalf("add_ftp: %+v", r)
	}
	// set_quota recounts the account: from here on only the counters and
	// the repair keep it right.
	if r := api("set_quota?user=up&quota=0"); r.Status != 1 {
		t.Fatalf("set_quota: %+v", r)
	}
	login := "up@" + demo.Domain
	conn := mustDial(t, c.ftpAddr, login, "Up-pass-12345")
	if err := conn.Stor("kept.bin", io.LimitReader(zeros{}, 1<<20)); err != nil {
		t.Fatal(err)
	}
	// The cut upload: 12 MiB sent, then the client waits; the server is
	// killed while the file is open.
	pr, pw := io.Pipe()
	go func() { _ = conn.Stor("cut.bin", pr) }()
	if _, err := io.CopyN(pw, zeros{}, 12<<20); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(c.dir, "home", demo.User)
	cut := filepath.Join(home, "up", "cut.bin")
	waitFor(t, func() bool { fi, err := os.Stat(cut); return err == nil && fi.Size() == 12<<20 }, "12 MiB of the upload on disk")
	c.signal(t, syscall.SIGKILL)
	_ = pw.Close()
	if _, marks, _ := c.counts(t, demo.User); len(marks) == 0 {
		t.Fatal("the killed upload left no mark")
	}

	c.start(t)
	c.signal(t, syscall.SIGTERM)
	counts, marks, acct := c.counts(t, demo.User)
	wantHome, _ := vfs.DiskUsage(home)
	wantUp, _ := vfs.DiskUsage(filepath.Join(home, "up"))
	if len(marks) != 0 || counts.Dirs[hosting.UsageHome] != wantHome || loginUsage(t, c, acct, counts) != wantUp || wantUp != 13<<20 {
		t.Errorf("after the restart: counts %+v, marks %+v; want home %d, up %d = 13 MiB", counts, marks, wantHome, wantUp)
	}

	c.start(t)
	defer c.signal(t, syscall.SIGTERM)
	if err := mustDial(t, c.ftpAddr, login, "Up-pass-12345").Delete("cut.bin"); err != nil {
		t.Fatal(err)
	}
	r := api("list_ftp_with_disk?regex=^up@")
	var rows []struct {
		DiskUsed string `json:"diskused"`
	}
	if err := json.Unmarshal(r.Data, &rows); err != nil || len(rows) != 1 || rows[0].DiskUsed != "1.00" {
		t.Errorf("after deleting the cut file: %s (%v); want 1.00 MB still stored", r.Data, err)
	}
}

func loginUsage(t *testing.T, c *child, acct *hosting.Account, counts hosting.UsageCounts) int64 {
	t.Helper()
	for _, n := range counts.FTP {
		return n // the account's one login
	}
	t.Fatalf("no FTP login counted for %s", acct.Name)
	return 0
}

func mustDial(t *testing.T, addr, user, pass string) *ftp.ServerConn {
	t.Helper()
	conn, err := ftp.Dial(addr, ftp.DialWithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Login(user, pass); err != nil {
		t.Fatal(err)
	}
	return conn
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
