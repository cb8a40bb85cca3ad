package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// The flood as a process of its own. In one process with the well-behaved
// clients, its 5,000 attackers' connects and handshakes (about 900 a second)
// kept the clients' goroutines waiting up to a second for a CPU, and
// list_ftp's requests went out seconds late (docs/benchmarks.md, session 4):
// the spikes were the generator's, not the server's. A real attacker runs on
// machines of its own; here it runs beside the server, so it gets a lower
// priority (nice) and takes the CPU the server and the clients leave. The
// report counts its attempts, so a flood that got less CPU shows as fewer.

// floodReport is what the flood process writes on its standard output.
type floodReport struct {
	Outcomes map[string]int
	MaxHeld  time.Duration
}

// runFloodChild is the flood process: o.flood attackers against the HTTPS
// address o.floodChild for o.duration.
func runFloodChild(ctx context.Context, o options) error {
	r := newResults()
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	driveFlood(ctx, o, &server{https: o.floodChild}, r)
	return json.NewEncoder(os.Stdout).Encode(floodReport{Outcomes: r.flood, MaxHeld: r.floodMax})
}

// floodCommand returns the command that runs this program as the flood
// process under nice(1).
func floodCommand(o options, https string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("nice", "-n", strconv.Itoa(o.floodNice), exe, "-flood-child", https,
		"-duration", o.duration.String(), "-flood", strconv.Itoa(o.flood), "-flood-ips", strconv.Itoa(o.floodIPs),
		"-flood-every", o.floodEvery.String())
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd, nil
}

// driveFloodProcess runs the flood in its own process (or in this one when
// o.floodNice is negative) and adds its outcomes and CPU time to r.
func driveFloodProcess(ctx context.Context, o options, s *server, r *results) {
	if o.floodNice < 0 {
		driveFlood(ctx, o, s, r)
		return
	}
	cmd, err := floodCommand(o, s.https)
	if err != nil {
		r.floodOutcome("flood process: "+err.Error(), 0)
		return
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		r.floodOutcome("flood process: "+err.Error(), 0)
		return
	}
	stop := context.AfterFunc(ctx, func() {
		// Its own timer ends it; this only bounds a late one.
		time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
	})
	defer stop()
	err = cmd.Wait()
	r.addFloodProcess(out.Bytes(), cmd.ProcessState, err)
}

// addFloodProcess adds the flood process's report and CPU time to r.
func (r *results) addFloodProcess(out []byte, ps *os.ProcessState, waitErr error) {
	var rep floodReport
	if err := json.Unmarshal(out, &rep); err != nil {
		r.floodOutcome(fmt.Sprintf("flood process: no report (%v, %v)", waitErr, err), 0)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, n := range rep.Outcomes {
		r.flood[k] += n
	}
	r.floodMax = max(r.floodMax, rep.MaxHeld)
	if ps != nil {
		r.floodCPU = ps.UserTime() + ps.SystemTime()
	}
}
