package harness

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Child is a server process the benchmark started. It runs in a process
// group of its own, so that stopping it also stops what it forked, and it
// dies with the benchmark should the benchmark be killed.
type Child struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// StartChild starts name with args and env; its output goes to logPath.
func StartChild(name string, args, env []string, logPath string) (*Child, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &Child{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		_ = log.Close()
		close(c.done)
	}()
	return c, nil
}

func (c *Child) PID() int { return c.cmd.Process.Pid }

// Exited reports whether the process has ended.
func (c *Child) Exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Stop ends the process's descendants first, while the process is there
// to reap them (orphans would wait as zombies for init), then the process
// and its group: SIGTERM, and SIGKILL to whatever is left after grace.
func (c *Child) Stop(grace time.Duration) {
	if desc := Descendants(c.PID()); len(desc) > 0 {
		signalAll(0, desc, syscall.SIGTERM)
		for end := time.Now().Add(grace); time.Now().Before(end) && len(Descendants(c.PID())) > 0; {
			time.Sleep(50 * time.Millisecond)
		}
	}
	pids := append(Descendants(c.PID()), c.PID())
	signalAll(c.PID(), pids, syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(grace):
	}
	signalAll(c.PID(), pids, syscall.SIGKILL)
	select {
	case <-c.done:
	case <-time.After(grace):
		Progress("process %d did not end", c.PID())
	}
}

// signalAll signals the process group pgid (none if 0) and pids.
func signalAll(pgid int, pids []int, sig syscall.Signal) {
	if pgid > 0 {
		_ = syscall.Kill(-pgid, sig)
	}
	for _, p := range pids {
		_ = syscall.Kill(p, sig)
	}
}

// ParentOf returns the parent process id of pid, 0 if pid is gone.
func ParentOf(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name in parentheses may hold spaces: the fields that
	// follow it start after the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// Descendants returns every live process below root.
func Descendants(root int) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	children := make(map[int][]int)
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err == nil {
			pp := ParentOf(pid)
			children[pp] = append(children[pp], pid)
		}
	}
	var out []int
	for queue := children[root]; len(queue) > 0; queue = queue[1:] {
		out = append(out, queue[0])
		queue = append(queue, children[queue[0]]...)
	}
	return out
}

// Memory is what a set of processes holds in RAM, in bytes. RSS counts a
// page shared by several processes in each of them; PSS divides it among
// them, which is the honest sum for a daemon that forks per session.
type Memory struct {
	RSS, PSS int64
	Procs    int
}

// MeasureMemory sums /proc/PID/smaps_rollup over pids; processes that end
// meanwhile are skipped.
func MeasureMemory(pids []int) Memory {
	var m Memory
	for _, pid := range pids {
		rss, pss, err := smapsRollup(pid)
		if err != nil {
			continue
		}
		m.RSS, m.PSS, m.Procs = m.RSS+rss, m.PSS+pss, m.Procs+1
	}
	return m
}

func smapsRollup(pid int) (rss, pss int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "Rss:":
			rss = kb << 10
		case "Pss:":
			pss = kb << 10
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no Rss in smaps_rollup")
	}
	return rss, pss, sc.Err()
}

// RaiseFileLimit lifts the open-file limit as far as it goes: a thousand
// idle clients need a descriptor each, here and (the servers inherit the
// limit) in uapid. Root may raise the hard limit too, unless a container
// forbids it.
func RaiseFileLimit() error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return err
	}
	if l.Max < 65536 {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: 65536, Max: 65536}); err == nil {
			return nil
		}
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return fmt.Errorf("raise the open-file limit: %w", err)
	}
	return nil
}

// FreeSpace returns the bytes available to unprivileged users on dir's
// file system.
func FreeSpace(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * st.Bsize, nil
}

// CPUTime sums the user and system CPU time of pids from /proc/PID/stat;
// processes that end meanwhile are skipped. The kernel counts in clock
// ticks (USER_HZ, 100 on Linux), so one reading is good to 10 ms.
func CPUTime(pids []int) time.Duration {
	var ticks int64
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// The command name may hold spaces and parentheses: the fields
		// that follow start after the last ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 13 {
			continue
		}
		// f[0] is field 3 (state): utime and stime are fields 14 and 15.
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	return time.Duration(ticks) * time.Second / 100
}
