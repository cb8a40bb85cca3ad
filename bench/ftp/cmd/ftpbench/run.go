package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
	"github.com/uapid/uapid/internal/password"
)

// ftpPassword is the password of the FTP login on both servers. Both get
// the same SHA512-crypt hash of it, so a login costs them the same hashing.
const ftpPassword = "ftp-Bench-Password-1"

// server is one FTP server under test, running as processes of its own.
type server struct {
	name       string
	version    string
	addr       string // control connection, on 127.0.0.1
	user, pass string
	root       string       // the directory the login lands in
	pids       func() []int // the processes whose memory is the server's
	kill       killFunc     // how an operator closes sessions
	killBasic  killFunc     // kill with Basic auth; nil where there is no such thing
	close      func()       // stops every process of the server
}

// killFunc closes the sessions of the server's login (all=false) or every
// session (all=true). start is when the operation began; signal is when the
// server was told: the SIGTERM for Pure-FTPd, the API call (which finds the
// sessions itself) for uapid.
type killFunc func(ctx context.Context, all bool) (start, signal time.Time, err error)

// run starts the servers, runs the measurements and prints the report.
func run(ctx context.Context, o options) error {
	if err := harness.RaiseFileLimit(); err != nil {
		return err
	}
	work, err := os.MkdirTemp(o.workDir, "ftpbench-")
	if err != nil {
		return err
	}
	defer removeAll(work)
	// Pure-FTPd's unprivileged user must be able to reach its home below.
	if err := os.Chmod(work, 0o755); err != nil {
		return err
	}
	hash, err := password.Hash(ftpPassword)
	if err != nil {
		return err
	}
	rep := harness.NewReport()
	servers, err := startServers(ctx, o, work, hash, rep)
	defer func() {
		for _, s := range servers {
			s.close()
		}
	}()
	if err != nil {
		return err
	}
	if err := measureAll(ctx, o, servers, rep); err != nil {
		return err
	}
	versions := make([]string, len(servers))
	for i, s := range servers {
		versions[i] = s.name + ": " + s.version
	}
	rep.Describe(versions...)
	rep.Write(os.Stdout)
	return nil
}

// measureAll runs each measurement for every server, one server after the
// other, so that both see the same load as nearly as possible. A failed
// measurement is noted in the report and the others go on.
func measureAll(ctx context.Context, o options, servers []*server, rep *harness.Report) error {
	for _, phase := range phaseNames {
		if !o.phases[phase] {
			continue
		}
		rep.Load(phase)
		if phase == "loopback" {
			// Not a server's measurement: the ceiling of one download.
			if err := measureLoopback(ctx, o, servers[0].root, rep); err != nil {
				rep.Note("loopback copy: failed: %v", err)
			}
			continue
		}
		for _, s := range servers {
			if err := ctx.Err(); err != nil {
				return err
			}
			harness.Progress("%s: %s", s.name, phase)
			if err := measure(ctx, phase, s, o, rep); err != nil {
				harness.Progress("%s: %s failed: %v", s.name, phase, err)
				rep.Note("%s, %s: failed: %v", s.name, phase, err)
			}
		}
	}
	rep.Load("end")
	return ctx.Err()
}

func measure(ctx context.Context, phase string, s *server, o options, rep *harness.Report) error {
	switch phase {
	case "sessions":
		return measureSessions(ctx, s, o, rep)
	case "kill":
		return measureKill(ctx, s, o, rep)
	case "logins":
		return measureLogins(ctx, s, o, rep)
	case "transfer":
		return measureTransfer(ctx, s, o, rep)
	case "smallfiles":
		return measureSmallFiles(ctx, s, o, rep)
	case "parallel":
		return measureParallel(ctx, s, o, rep)
	}
	return fmt.Errorf("unknown measurement %q", phase)
}

// startServers starts uapid and, when it can run here, Pure-FTPd. The
// servers it returns must be closed even when it fails.
func startServers(ctx context.Context, o options, work, hash string, rep *harness.Report) ([]*server, error) {
	harness.Progress("starting uapid")
	u, err := startUapid(ctx, o, filepath.Join(work, "uapid"), hash)
	if err != nil {
		return nil, fmt.Errorf("uapid: %w", err)
	}
	servers := []*server{u}
	rep.Column(u.name)
	if why := pureSkip(o); why != "" {
		harness.Progress("Pure-FTPd skipped: %s", why)
		rep.Note("Pure-FTPd was not measured: %s.", why)
		return servers, nil
	}
	harness.Progress("starting Pure-FTPd")
	p, err := startPure(ctx, o, filepath.Join(work, "pure-ftpd"), hash)
	if err != nil {
		return servers, fmt.Errorf("pure-ftpd: %w", err)
	}
	rep.Column(p.name)
	return append(servers, p), nil
}

func removeAll(dir string) {
	if err := os.RemoveAll(dir); err != nil {
		harness.Progress("cleanup: %v", err)
	}
}
