// Command soak runs `uapid serve` as a process of its own and drives it,
// for a configurable time, with the load of issue 11 at once: FTP sessions
// (a quarter of them transferring), UAPI requests at a fixed rate
// (Ftp/list_ftp with an API token, latencies recorded), Web Disk clients,
// and a flood of slow-body connections to POST /login/ from another
// address. It reports the errors the well-behaved clients saw, the p50 and
// p99 of list_ftp, the flood's outcomes, the server's refusal and timeout
// metrics, and its RSS over time with whether it stayed flat (within 10 %)
// after the warm-up.
//
// Run it from the module root (as root, or with a hard open-file limit of
// at least 16384):
//
//	go run ./bench/soak/cmd/soak -duration 10m
//
// Clients use source addresses across 127.0.0.0/8 (all loopback on Linux),
// so that the per-IP limits see them as the many addresses they stand for;
// the flood comes from one address of its own, as one attacker would.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// options are the command line's settings.
type options struct {
	build        harness.Build
	duration     time.Duration
	warmup       time.Duration
	sample       time.Duration
	ftpSessions  int
	ftpLogins    int
	transferring float64
	fileKiB      int
	apiRate      int
	davClients   int
	flood        int
	floodIPs     int
	floodEvery   time.Duration
	cpuProfile   string
	apiSamples   string
	serverEnv    envList
	floodNice    int
	floodChild   string // set in the flood process: the HTTPS address to flood
}

// envList is a repeatable KEY=VALUE flag.
type envList []string

func (e *envList) String() string { return strings.Join(*e, " ") }

func (e *envList) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("%q is not KEY=VALUE", v)
	}
	*e = append(*e, v)
	return nil
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.build.Uapid, "uapid", "", "prebuilt uapid binary; empty builds ./cmd/uapid of this module")
	flag.StringVar(&o.build.Rev, "rev", "", "build uapid from this commit instead of the working tree")
	flag.DurationVar(&o.duration, "duration", 10*time.Minute, "how long the load runs")
	flag.DurationVar(&o.warmup, "warmup", 0, "start of the run left out of the RSS flatness check; 0: a fifth of -duration")
	flag.DurationVar(&o.sample, "sample", 5*time.Second, "interval of the RSS samples")
	flag.IntVar(&o.ftpSessions, "ftp-sessions", 1000, "FTP sessions held open")
	flag.IntVar(&o.ftpLogins, "ftp-logins", 250, "FTP accounts the sessions are spread over (and as many source addresses)")
	flag.Float64Var(&o.transferring, "transferring", 0.25, "share of the FTP sessions uploading and downloading in a loop")
	flag.IntVar(&o.fileKiB, "file-kib", 256, "size of each FTP and Web Disk transfer")
	flag.IntVar(&o.apiRate, "api-rate", 200, "Ftp/list_ftp requests per second")
	flag.IntVar(&o.davClients, "webdav-clients", 50, "Web Disk clients, each PUT, GET, PROPFIND in a loop")
	flag.IntVar(&o.flood, "flood", 5000, "slow-body connections the flood tries to hold on POST /login/")
	flag.IntVar(&o.floodIPs, "flood-ips", 1, "source addresses of the flood")
	flag.DurationVar(&o.floodEvery, "flood-every", 5*time.Second, "interval between the flood's body bytes, and its pause after a refusal")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write the load generator's own CPU profile of the run to this file")
	flag.StringVar(&o.apiSamples, "api-samples", "", "write every list_ftp request's phases to this CSV file")
	flag.Var(&o.serverEnv, "server-env", "KEY=VALUE set in uapid's environment only, not the generator's (e.g. GOGC=50); repeatable")
	flag.IntVar(&o.floodNice, "flood-nice", 10, "run the flood as a process of its own at this nice(1) priority; -1: in the generator's process")
	flag.StringVar(&o.floodChild, "flood-child", "", "internal: be the flood process against this HTTPS address")
	flag.Parse()
	if o.warmup <= 0 {
		o.warmup = o.duration / 5
	}
	o.build.Uapi = "-" // not needed
	return o
}

func main() {
	o := parseFlags()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if err := harness.RaiseFileLimit(); err != nil {
		return err
	}
	if o.floodChild != "" {
		return runFloodChild(ctx, o)
	}
	dir, err := os.MkdirTemp("", "uapid-soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(ctx, o, dir)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := srv.prepare(ctx, o); err != nil {
		return err
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	res := drive(ctx, o, srv)
	res.report(os.Stdout, o)
	if o.apiSamples != "" {
		return res.writeAPISamples(o.apiSamples)
	}
	return nil
}
