package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/uapid/uapid/bench/internal/harness"
	"github.com/uapid/uapid/internal/password"
)

// davPassword is the password of the login on both servers (see
// startApache for how each checks it).
const davPassword = "dav-Bench-Password-1"

// server is one WebDAV server under test, running as processes of its own.
type server struct {
	name, version string
	url           string // https://127.0.0.1:PORT/ of the login's directory
	user          string
	root          string // that directory on disk
	pids          func() []int
	close         func()
}

func run(ctx context.Context, o options) error {
	if err := harness.RaiseFileLimit(); err != nil {
		return err
	}
	work, err := os.MkdirTemp(o.workDir, "davbench-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(work)
	}
	// Apache's www-data must reach its directory below.
	if err := os.Chmod(work, 0o755); err != nil {
		return err
	}
	hash, err := password.Hash(davPassword)
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
	measureAll(ctx, o, servers, rep)
	versions := make([]string, len(servers))
	for i, s := range servers {
		versions[i] = s.name + ": " + s.version
	}
	rep.Describe(versions...)
	rep.Write(os.Stdout)
	return ctx.Err()
}

func startServers(ctx context.Context, o options, work, hash string, rep *harness.Report) ([]*server, error) {
	harness.Progress("starting uapid")
	u, err := startUapid(ctx, o, filepath.Join(work, "uapid"), hash)
	if err != nil {
		return nil, fmt.Errorf("uapid: %w", err)
	}
	servers := []*server{u}
	rep.Column(u.name)
	if why := apacheSkip(o); why != "" {
		harness.Progress("Apache skipped: %s", why)
		rep.Note("Apache was not measured: %s.", why)
		return servers, nil
	}
	harness.Progress("starting Apache")
	a, err := startApache(ctx, o, filepath.Join(work, "apache"), hash)
	if err != nil {
		return servers, fmt.Errorf("apache: %w", err)
	}
	rep.Column(a.name)
	return append(servers, a), nil
}

// measureAll runs each measurement for every server, one server after the
// other; a failed one is noted in the report and the others go on.
func measureAll(ctx context.Context, o options, servers []*server, rep *harness.Report) {
	for _, phase := range phaseNames {
		if !o.phases[phase] {
			continue
		}
		rep.Load(phase)
		for _, s := range servers {
			if ctx.Err() != nil {
				return
			}
			harness.Progress("%s: %s", s.name, phase)
			var err error
			switch phase {
			case "small":
				err = measureSmall(ctx, s, o, rep)
			case "large":
				err = measureLarge(ctx, s, o, rep)
			}
			if err != nil {
				harness.Progress("%s: %s failed: %v", s.name, phase, err)
				rep.Note("%s, %s: failed: %v", s.name, phase, err)
			}
		}
	}
	rep.Load("end")
}
