// Command ftpbench measures uapid's FTP server side by side with Pure-FTPd,
// the daemon cPanel runs by default, in the same run on 127.0.0.1 and with
// the same client (github.com/jlaffaye/ftp): logins per second with
// concurrent clients, download and upload speed of one large file, memory
// per idle logged-in session, and how long a kill takes until the client
// sees its connection close. Both servers run as processes of their own, so
// their memory is measured as the kernel sees it.
//
// Run it from the module root, as root (Pure-FTPd needs root to drop to its
// users; without root or without -pureftpd only uapid is measured):
//
//	go run ./bench/ftp/cmd/ftpbench -pureftpd=/usr/sbin/pure-ftpd
//
// It prints a Markdown report on standard output and its progress on
// standard error. Every process it starts is stopped and every file it
// makes is removed when it ends, also on Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// options are the command line's settings; every loop is bounded by them.
type options struct {
	pureFTPd string        // pure-ftpd binary; empty skips Pure-FTPd
	build    harness.Build // where uapid and uapi come from
	workDir  string        // where the temporary directory goes

	phases       map[string]bool
	clients      int              // concurrent clients of the login phase
	loginTime    time.Duration    // how long the login phase runs at most
	loginMax     int              // how many logins it makes at most
	fileMiB      int              // size of the transferred file
	transferReps int              // downloads and uploads per server
	noDownloads  bool             // the transfer measurement uploads only
	sessions     int              // idle sessions of the memory phase
	killReps     int              // single-session kills per server and method
	killTimeout  time.Duration    // longest wait for a killed client's EOF
	smallFiles   int              // files of the small-files measurement
	listReps     int              // LISTs of the small-files directory
	parallel     int              // concurrent uploads of the parallel measurement
	parallelMiB  int              // size of each of them
	prof         harness.Profiler // perf profiles of the servers around each step
}

// phaseNames are the measurements, in the order they run: the memory
// phase first, so that each server's baseline is the fresh process.
var phaseNames = []string{"sessions", "kill", "logins", "smallfiles", "loopback", "transfer", "parallel"}

func parseFlags() (options, error) {
	var o options
	var phases string
	flag.StringVar(&o.pureFTPd, "pureftpd", "", "path of pure-ftpd (e.g. /usr/sbin/pure-ftpd); empty measures uapid alone")
	flag.StringVar(&o.build.Uapid, "uapid", "", "prebuilt uapid binary; empty builds ./cmd/uapid of this module")
	flag.StringVar(&o.build.Uapi, "uapi", "", "prebuilt uapi binary; empty builds ./cmd/uapi of this module")
	flag.StringVar(&o.build.Rev, "rev", "", "build uapid and uapi from this commit (git archive) instead of the working tree")
	flag.StringVar(&o.workDir, "workdir", os.TempDir(), "parent of the temporary directory (needs room for the file)")
	flag.StringVar(&phases, "run", strings.Join(phaseNames, ","), "measurements to run, comma-separated")
	flag.IntVar(&o.clients, "clients", 16, "concurrent clients in the login measurement")
	flag.DurationVar(&o.loginTime, "login-time", 10*time.Second, "duration of the login measurement per server")
	flag.IntVar(&o.loginMax, "login-max", 100000, "most logins per server")
	flag.IntVar(&o.fileMiB, "file-mib", 1024, "size of the transferred file in MiB")
	flag.IntVar(&o.transferReps, "transfer-reps", 3, "downloads and uploads of the file per server")
	flag.BoolVar(&o.noDownloads, "uploads-only", false, "the transfer measurement skips the downloads")
	flag.IntVar(&o.sessions, "sessions", 1000, "idle logged-in sessions for memory and kill-all")
	flag.IntVar(&o.killReps, "kill-reps", 200, "repetitions of the single-session kill")
	flag.IntVar(&o.smallFiles, "small-files", 1000, "4 KiB files uploaded, listed and downloaded one by one")
	flag.IntVar(&o.listReps, "list-reps", 1, "LISTs of the small-files directory (median reported)")
	flag.IntVar(&o.parallel, "parallel", 8, "concurrent uploads of -parallel-mib MiB each")
	flag.IntVar(&o.parallelMiB, "parallel-mib", 384, "size of each parallel upload (all of them must fit the logins' 4 GiB quotas)")
	flag.StringVar(&o.prof.Dir, "perf", "", "directory for perf profiles of each server around each small-file and transfer step")
	flag.StringVar(&o.prof.Sample, "perf-sample", "", "with -perf: record this event's call graphs instead of the CPU clock's (e.g. sched:sched_switch: where the server's threads sleep)")
	flag.StringVar(&o.prof.Events, "perf-events", "", "with -perf: count these perf events (perf stat -e, e.g. 'syscalls:sys_enter_splice,context-switches') instead of sampling")
	flag.DurationVar(&o.killTimeout, "kill-timeout", 30*time.Second, "longest wait for the clients' EOF after a kill")
	flag.Parse()
	var err error
	if o.phases, err = harness.Phases(phases, phaseNames); err != nil {
		return o, err
	}
	if o.clients < 1 || o.sessions < 1 || o.killReps < 1 || o.fileMiB < 1 || o.loginMax < 1 || o.transferReps < 1 ||
		o.smallFiles < 1 || o.listReps < 1 || o.parallel < 1 || o.parallelMiB < 1 {
		return o, fmt.Errorf("-clients, -sessions, -kill-reps, -file-mib, -transfer-reps, -login-max, -small-files, -list-reps and -parallel must be positive")
	}
	return o, nil
}

func main() {
	o, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ftpbench:", err)
		os.Exit(2)
	}
	harness.Main("ftpbench", func(ctx context.Context) error { return run(ctx, o) })
}
