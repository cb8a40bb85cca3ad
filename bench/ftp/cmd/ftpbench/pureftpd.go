package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jlaffaye/ftp"
	"github.com/uapid/uapid/bench/internal/harness"
)

const (
	// pureUser is the PureDB virtual user; it maps to pureUID, nobody, a
	// system user with no rights of its own, as a hosting account has.
	pureUser = "ftpbench"
	pureUID  = 65534
	// purePassivePorts is where Pure-FTPd's passive range starts: below
	// Linux's ephemeral ports (32768 up), so that the clients' own ports
	// never take them.
	purePassivePorts = 24000
)

// pureSkip says why Pure-FTPd cannot be measured here, or "" if it can.
func pureSkip(o options) string {
	if o.pureFTPd == "" {
		return "no -pureftpd given"
	}
	if _, err := exec.LookPath(o.pureFTPd); err != nil {
		return fmt.Sprintf("%s is not installed (%v); on Debian: apt-get install pure-ftpd", o.pureFTPd, err)
	}
	if os.Geteuid() != 0 {
		return "it must be started as root, to switch to its virtual user"
	}
	for _, tool := range []string{"pure-pw", "pure-ftpwho"} {
		if _, err := pureTool(o, tool); err != nil {
			return err.Error()
		}
	}
	return ""
}

// pureTool finds one of Pure-FTPd's programs: on PATH or beside the daemon.
func pureTool(o options, name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{filepath.Dir(o.pureFTPd), "/usr/sbin", "/usr/bin"} {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is not installed", name)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// startPure starts pure-ftpd in the foreground on 127.0.0.1, with a PureDB
// virtual user chrooted to its home and enough clients, per IP too, and
// passive ports for the sessions.
func startPure(ctx context.Context, o options, dir, hash string) (*server, error) {
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	if err := os.Chown(home, pureUID, pureUID); err != nil {
		return nil, err
	}
	pdb := filepath.Join(dir, "pureftpd.pdb")
	if err := pureVirtualUser(ctx, o, dir, home, pdb, hash); err != nil {
		return nil, err
	}
	addr := harness.FreeAddr()
	ch, err := harness.StartChild(o.pureFTPd, pureArgs(addr, pdb, max(1100, o.sessions+100)), os.Environ(),
		filepath.Join(dir, "pure-ftpd.log"))
	if err != nil {
		return nil, err
	}
	who, _ := pureTool(o, "pure-ftpwho")
	sess := &pureSessions{who: who, master: ch.PID()}
	s := &server{name: "pure-ftpd", addr: addr, user: pureUser, pass: ftpPassword, root: home,
		pids:  func() []int { return append(harness.Descendants(ch.PID()), ch.PID()) },
		kill:  sess.kill,
		close: func() { ch.Stop(10 * time.Second) }}
	if err := waitBanner(ctx, ch, addr); err != nil {
		s.close()
		return nil, err
	}
	s.version = pureVersion(ctx, o)
	return s, nil
}

// pureArgs are the daemon's options, as cPanel sets them where they matter
// here: no anonymous FTP, every user chrooted, no reverse DNS; clients
// clients at most, all from one IP. Each session may need two passive
// ports (Pure-FTPd caps -c at half the range), hence 2×clients of them.
func pureArgs(addr, pdb string, clients int) []string {
	host, port, _ := net.SplitHostPort(addr)
	return []string{
		"-S", host + "," + port,
		"-l", "puredb:" + pdb,
		"-E", "-A", "-H",
		"-c", strconv.Itoa(clients), "-C", strconv.Itoa(clients),
		"-p", fmt.Sprintf("%d:%d", purePassivePorts, purePassivePorts+2*clients-1),
		"-I", "15",
	}
}

// pureVirtualUser makes the PureDB user with pure-pw, 4 GiB quota, then
// gives it the same SHA512-crypt hash as uapid's login. pure-pw itself
// hashes with argon2id tuned to take seconds per login; cPanel writes crypt
// hashes, and the same hash makes both servers do the same work.
func pureVirtualUser(ctx context.Context, o options, dir, home, pdb, hash string) error {
	pw, err := pureTool(o, "pure-pw")
	if err != nil {
		return err
	}
	passwd := filepath.Join(dir, "pureftpd.passwd")
	add := exec.CommandContext(ctx, pw, "useradd", pureUser, "-u", strconv.Itoa(pureUID), "-g", strconv.Itoa(pureUID),
		"-d", home, "-N", "4096", "-f", passwd, "-F", pdb, "-m")
	add.Stdin = strings.NewReader(ftpPassword + "\n" + ftpPassword + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		return fmt.Errorf("pure-pw useradd: %w\n%s", err, out)
	}
	b, err := os.ReadFile(passwd)
	if err != nil {
		return err
	}
	fields := strings.Split(string(b), ":")
	if len(fields) < 3 || fields[0] != pureUser {
		return fmt.Errorf("unexpected %s: %q", passwd, b)
	}
	fields[1] = hash
	if err := os.WriteFile(passwd, []byte(strings.Join(fields, ":")), 0o600); err != nil {
		return err
	}
	if out, err := exec.CommandContext(ctx, pw, "mkdb", pdb, "-f", passwd).CombinedOutput(); err != nil {
		return fmt.Errorf("pure-pw mkdb: %w\n%s", err, out)
	}
	return nil
}

// waitBanner waits until the server greets a client, at most 30 seconds.
func waitBanner(ctx context.Context, ch *harness.Child, addr string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil && !ch.Exited() {
		if c, err := ftp.Dial(addr, ftp.DialWithTimeout(time.Second)); err == nil {
			return c.Quit()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("no FTP greeting on %s (exited: %t)", addr, ch.Exited())
}

func pureVersion(ctx context.Context, o options) string {
	v := harness.CommandOutput(ctx, nil, o.pureFTPd, "--help")
	if pkg := harness.CommandOutput(ctx, nil, "dpkg-query", "-W", "-f", "${Version}", "pure-ftpd"); !strings.Contains(pkg, " ") {
		v += ", Debian package " + pkg
	}
	return v
}

// pureSessions kills Pure-FTPd sessions the way cPanel's kill_session does:
// find the session processes in pure-ftpwho's list and send them SIGTERM.
type pureSessions struct {
	who    string
	master int
}

func (p *pureSessions) kill(ctx context.Context, all bool) (start, signal time.Time, err error) {
	start = time.Now()
	out, err := exec.CommandContext(ctx, p.who, "-s", "-H").Output()
	if err != nil {
		return start, start, fmt.Errorf("pure-ftpwho: %w", err)
	}
	pids := whoPIDs(out, pureUser, all)
	// Only our daemon's children: another Pure-FTPd may share the
	// scoreboard, and a pid that ended may have been reused.
	pids = slices.DeleteFunc(pids, func(pid int) bool { return harness.ParentOf(pid) != p.master })
	if len(pids) == 0 {
		return start, start, errors.New("pure-ftpwho lists no session of this server")
	}
	signal = time.Now()
	for _, pid := range pids {
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
			return start, signal, fmt.Errorf("SIGTERM %d: %w", pid, err)
		}
	}
	return start, signal, nil
}

// whoPIDs reads `pure-ftpwho -s` (pid|account|time|state|file|peer|…) for
// the sessions of user, or of everyone when all is set.
func whoPIDs(out []byte, user string, all bool) []int {
	var pids []int
	for _, line := range bytes.Split(out, []byte("\n")) {
		f := strings.Split(string(line), "|")
		if len(f) < 2 || (!all && f[1] != user) {
			continue
		}
		if pid, err := strconv.Atoi(f[0]); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	return pids
}
