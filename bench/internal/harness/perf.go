package harness

import (
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
//
// With Events (perf's -e list, e.g. syscall tracepoints) it counts those
// events instead, `perf stat` into SERVER-STEP.txt: syscalls, wake-ups and
// context switches per transfer, counted at almost no cost where strace
// would slow the server several times over.
//
// With Sample it records that event's call graphs instead of the CPU
// clock's: sched:sched_switch shows where the server's threads go to sleep,
// each sleep a context switch that costs far more under a hypervisor than
// on bare metal.
type Profiler struct {
	Dir    string // empty: no profiles
	Events string // empty: sample the CPU clock with call graphs
	Sample string // with Events empty: the event to record; empty: cpu-clock at 1999 Hz
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
	args, out := p.perfArgs(server, step, ids)
	cmd := exec.Command("perf", args...)
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

// perfArgs is perf's command line for one step and the file it writes.
func (p Profiler) perfArgs(server, step string, ids []string) (args []string, out string) {
	name := filepath.Join(p.Dir, strings.ReplaceAll(server+"-"+step, " ", "_"))
	if p.Events != "" {
		return []string{"stat", "-e", p.Events, "-p", strings.Join(ids, ","), "-o", name + ".txt"}, name + ".txt"
	}
	sample := []string{"-e", "cpu-clock", "-F", "1999"}
	if p.Sample != "" {
		sample = []string{"-e", p.Sample} // a tracepoint: every event, no frequency
	}
	args = append([]string{"record", "-q"}, sample...)
	return append(args, "-g", "-p", strings.Join(ids, ","), "-o", name+".data"), name + ".data"
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
