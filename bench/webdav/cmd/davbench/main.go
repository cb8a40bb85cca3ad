// Command davbench measures uapid's Web Disk (WebDAV over TLS with Basic
// authentication) side by side with Debian's Apache 2.4 mod_dav configured
// the same way, in the same run on 127.0.0.1 and with the same Go client:
// one large file PUT and GET, and many 4 KiB files PUT then GET, with the
// servers' CPU time per small file.
//
// Run it from the module root, as root (Apache switches to www-data):
//
//	go run ./bench/webdav/cmd/davbench -apache=/usr/sbin/apache2
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

	"github.com/uapid/uapid/bench/internal/harness"
)

// options are the command line's settings; every loop is bounded by them.
type options struct {
	apache     string // apache2 binary; empty skips Apache
	apacheHash string // "same" (uapid's SHA512-crypt) or "apr1"
	build      harness.Build
	workDir    string
	phases     map[string]bool
	fileMiB    int // size of the large file
	reps       int // PUTs and GETs of the large file per server
	small      int // 4 KiB files
	prof       harness.Profiler
	keep       bool   // leave the temporary directory (logs, configuration) behind
	debugAddr  string // uapid's debug_addr (pprof), empty for none
}

var phaseNames = []string{"small", "large"}

func parseFlags() (options, error) {
	var o options
	var phases string
	flag.StringVar(&o.apache, "apache", "", "path of apache2 (e.g. /usr/sbin/apache2); empty measures uapid alone")
	flag.StringVar(&o.apacheHash, "apache-hash", "same", "Apache's password hash: same (uapid's SHA512-crypt) or apr1 (htpasswd's MD5)")
	flag.StringVar(&o.build.Uapid, "uapid", "", "prebuilt uapid binary; empty builds ./cmd/uapid of this module")
	flag.StringVar(&o.build.Uapi, "uapi", "", "prebuilt uapi binary; empty builds ./cmd/uapi of this module")
	flag.StringVar(&o.build.Rev, "rev", "", "build uapid and uapi from this commit (git archive) instead of the working tree")
	flag.StringVar(&o.workDir, "workdir", os.TempDir(), "parent of the temporary directory (tmpfs such as /dev/shm keeps the disk out)")
	flag.StringVar(&phases, "run", strings.Join(phaseNames, ","), "measurements to run, comma-separated")
	flag.IntVar(&o.fileMiB, "file-mib", 1024, "size of the large file in MiB")
	flag.IntVar(&o.reps, "reps", 3, "PUTs and GETs of the large file per server")
	flag.IntVar(&o.small, "small-files", 1000, "4 KiB files PUT then GET one by one")
	flag.StringVar(&o.prof.Dir, "perf", "", "directory for perf profiles of each server around each step")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory with the servers' logs and configuration")
	flag.StringVar(&o.debugAddr, "debug-addr", "", "loopback address for uapid's pprof listener (debug_addr), e.g. 127.0.0.1:6060, to profile it while a step runs")
	flag.Parse()
	var err error
	if o.phases, err = harness.Phases(phases, phaseNames); err != nil {
		return o, err
	}
	if o.apacheHash != "same" && o.apacheHash != "apr1" {
		return o, fmt.Errorf("-apache-hash: want same or apr1, not %q", o.apacheHash)
	}
	if o.fileMiB < 1 || o.reps < 1 || o.small < 1 {
		return o, fmt.Errorf("-file-mib, -reps and -small-files must be positive")
	}
	return o, nil
}

func main() {
	o, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "davbench:", err)
		os.Exit(2)
	}
	harness.Main("davbench", func(ctx context.Context) error { return run(ctx, o) })
}
