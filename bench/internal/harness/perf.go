package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Profiler records a perf profile of a server's processes around one step
// of a measurement when -perf names a directory; the files are named
// SERVER-STEP.data, for `perf report -i FILE`. perf samples the CPU clock,
// which works where hardware counters are not available (virtual machines).
type Profiler struct {
	Dir string // empty: no profiles
}

// Start begins recording pids and returns the function that ends it.
func (p Profiler) Start(server, step string, pids []int) func() {
	if p.Dir == "" || len(pids) == 0 {
		return func() {}
	}
	ids := make([]string, len(pids))
	for i, pid := range pids {
		ids[i] = strconv.Itoa(pid)
	}
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		Progress("perf: %v", err)
		return func() {}
	}
	out := filepath.Join(p.Dir, strings.ReplaceAll(fmt.Sprintf("%s-%s.data", server, step), " ", "_"))
	cmd := exec.Command("perf", "record", "-q", "-e", "cpu-clock", "-F", "1999", "-g", "-p", strings.Join(ids, ","),
		"-o", out)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		Progress("perf: %v", err)
		return func() {}
	}
	time.Sleep(200 * time.Millisecond) // perf attaches before the step starts
	return func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Wait()
		Progress("profile: %s", out)
	}
}

// Timing is one step's wall time, the CPU time the server spent in it and
// the CPU time of this process, the client, meanwhile: with client and
// server on the same cores, their sum per operation bounds the rate.
type Timing struct{ Wall, CPU, Client time.Duration }

// Timed runs step and measures it: wall time, and the CPU time of the
// server's processes (pids is asked before and after, so processes forked
// meanwhile count from their start). With a profile directory, perf records
// those processes during the step.
func (p Profiler) Timed(server, step string, pids func() []int, run func() error) (Timing, error) {
	stop := p.Start(server, step, pids())
	defer stop()
	cpu0, self0 := CPUTime(pids()), SelfCPUTime()
	start := time.Now()
	err := run()
	wall := time.Since(start)
	return Timing{Wall: wall, CPU: CPUTime(pids()) - cpu0, Client: SelfCPUTime() - self0}, err
}

// SelfCPUTime is this process's user and system CPU time from getrusage,
// good to the microsecond (/proc/PID/stat counts 10 ms ticks).
func SelfCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
