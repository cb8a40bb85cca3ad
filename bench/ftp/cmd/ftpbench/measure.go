package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jlaffaye/ftp"
	"github.com/uapid/uapid/bench/internal/harness"
)

// maxFailures stops a loop that keeps failing: its numbers would mean
// nothing and it would only wait out its timeouts.
const maxFailures = 20

// measureLogins runs o.clients clients that each connect, log in and QUIT
// in a loop, until o.loginTime has passed or o.loginMax logins were made.
func measureLogins(ctx context.Context, s *server, o options, rep *harness.Report) error {
	deadline := time.Now().Add(o.loginTime)
	var count, fails atomic.Int64
	lat := make([][]time.Duration, o.clients)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.clients {
		wg.Go(func() { lat[w] = loginLoop(ctx, s, deadline, int64(o.loginMax), &count, &fails) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	if len(all) == 0 {
		return fmt.Errorf("no login succeeded (%d failed)", fails.Load())
	}
	slices.Sort(all)
	rep.Set(fmt.Sprintf("logins/s, %d concurrent clients (connect, login, QUIT)", o.clients), s.name,
		fmt.Sprintf("%.0f (%d in %.1f s)", float64(len(all))/elapsed.Seconds(), len(all), elapsed.Seconds()))
	rep.Set("time of one connect + login + QUIT under that load, p50 / p99 (ms)", s.name,
		harness.MS(harness.Percentile(all, 50))+" / "+harness.MS(harness.Percentile(all, 99)))
	if f := fails.Load(); f > 0 {
		rep.Note("%s: %d logins failed during the login measurement.", s.name, f)
	}
	return nil
}

func loginLoop(ctx context.Context, s *server, deadline time.Time, max int64, count, fails *atomic.Int64) []time.Duration {
	var lat []time.Duration
	for ctx.Err() == nil && time.Now().Before(deadline) && count.Add(1) <= max {
		t := time.Now()
		c, _, err := login(s, commandTimeout)
		if err == nil {
			err = c.Quit()
		}
		if err != nil {
			if fails.Add(1) >= maxFailures {
				return lat
			}
			continue
		}
		lat = append(lat, time.Since(t))
	}
	return lat
}

// measureTransfer downloads a file of o.fileMiB MiB made in the login's
// directory, then uploads one as large, o.transferReps times each, with one
// client in passive mode. The files are removed as soon as they are done.
func measureTransfer(ctx context.Context, s *server, o options, rep *harness.Report) error {
	size := int64(o.fileMiB) << 20
	free, err := harness.FreeSpace(s.root)
	if err != nil || free < size+(2<<30) {
		return fmt.Errorf("not enough room for a %d MiB file beside %s (free: %d MiB, %v)", o.fileMiB, s.root,
			free>>20, err)
	}
	// 30 s per GiB moved at the slowest, and never less than a minute.
	moved := time.Duration(2*o.transferReps*o.fileMiB) * 30 * time.Second / 1024
	c, _, err := login(s, max(time.Minute, moved))
	if err != nil {
		return err
	}
	defer c.Quit()
	what := fmt.Sprintf("%d MiB file, one client, passive mode, MB/s: median (min–max) of %d", o.fileMiB, o.transferReps)
	if !o.noDownloads {
		down, err := downloads(c, s.root, size, o.transferReps)
		if err != nil {
			return fmt.Errorf("download: %w", err)
		}
		rep.Set("download, "+what, s.name, harness.Rates(size, down))
	}
	var up, cpu, client []time.Duration
	stop := o.prof.Start(s.name, "stor", s.pids())
	defer stop()
	for range o.transferReps {
		cpu0, self0 := harness.CPUTime(s.pids()), harness.SelfCPUTime()
		u, err := upload(ctx, c, s.root, size)
		if err != nil {
			return fmt.Errorf("upload: %w", err)
		}
		up, cpu = append(up, u), append(cpu, harness.CPUTime(s.pids())-cpu0)
		client = append(client, harness.SelfCPUTime()-self0)
	}
	rep.Set("upload, "+what, s.name, harness.Rates(size, up))
	rep.Set("upload, server CPU per GiB (ms): median (min–max)", s.name, spread(perGiB(cpu, size)))
	rep.Set("upload, client CPU per GiB (ms): median (min–max)", s.name, spread(perGiB(client, size)))
	after, _ := harness.FreeSpace(s.root)
	rep.Note("%s: free space beside the files (df): %.1f GiB before the transfers, %.1f GiB after.", s.name,
		float64(free)/(1<<30), float64(after)/(1<<30))
	return nil
}

// perGiB scales CPU times of transfers of size bytes to one GiB.
func perGiB(cpu []time.Duration, size int64) []time.Duration {
	out := make([]time.Duration, len(cpu))
	for i, d := range cpu {
		out[i] = time.Duration(float64(d) * float64(1<<30) / float64(size))
	}
	return out
}

// downloads makes the file once and downloads it reps times.
func downloads(c *ftp.ServerConn, root string, size int64, reps int) ([]time.Duration, error) {
	name := "ftpbench-down.bin"
	path := filepath.Join(root, name)
	if err := harness.WriteFile(path, size); err != nil {
		return nil, err
	}
	defer os.Remove(path)
	var times []time.Duration
	for range reps {
		start := time.Now()
		r, err := c.Retr(name)
		if err != nil {
			return nil, err
		}
		n, err := harness.Drain(r)
		if cerr := r.Close(); err == nil {
			err = cerr // the 226 reply: the server is done
		}
		if err == nil && n != size {
			err = fmt.Errorf("got %d of %d bytes", n, size)
		}
		if err != nil {
			return nil, err
		}
		times = append(times, time.Since(start))
	}
	return times, nil
}

func upload(ctx context.Context, c *ftp.ServerConn, root string, size int64) (time.Duration, error) {
	name := "ftpbench-up.bin"
	path := filepath.Join(root, name)
	defer os.Remove(path)
	start := time.Now()
	err := c.Stor(name, harness.NewPattern(size)) // returns on the 226 reply
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != size {
		return 0, fmt.Errorf("the uploaded file is not %d bytes on disk: %v", size, err)
	}
	// Deleted over FTP, as a user would, so the server's quota is freed.
	if err := c.Delete(name); err != nil {
		return 0, fmt.Errorf("delete: %w", err)
	}
	return elapsed, ctx.Err()
}

// measureSessions measures the server's memory with no session and with
// o.sessions idle logged-in sessions, then kills them all at once and
// measures how long until the last client sees its connection end.
func measureSessions(ctx context.Context, s *server, o options, rep *harness.Report) error {
	before := harness.MeasureMemory(s.pids())
	list, err := openMany(ctx, s, o.sessions, o.clients)
	if err != nil {
		return err
	}
	defer closeIdle(list)
	// Let every session finish its login work (log lines, goroutines
	// parking, forked children settling) before reading the memory.
	time.Sleep(2 * time.Second)
	after := harness.MeasureMemory(s.pids())
	reportMemory(rep, s.name, o.sessions, before, after)
	return killAll(ctx, s, list, o, rep)
}

func reportMemory(rep *harness.Report, name string, n int, before, after harness.Memory) {
	mib := func(b int64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }
	kib := func(b int64) string { return fmt.Sprintf("%.0f", float64(b)/1024/float64(n)) }
	what := fmt.Sprintf("%d idle logged-in sessions", n)
	rep.Set("server processes: none → "+what, name, fmt.Sprintf("%d → %d", before.Procs, after.Procs))
	rep.Set("RSS sum (MiB): none → "+what, name, mib(before.RSS)+" → "+mib(after.RSS))
	rep.Set("PSS sum (MiB): none → "+what, name, mib(before.PSS)+" → "+mib(after.PSS))
	rep.Set("**memory per idle session, RSS (KiB)**", name, kib(after.RSS-before.RSS))
	rep.Set("**memory per idle session, PSS (KiB)**", name, kib(after.PSS-before.PSS))
}

// killAll closes every session with one kill and waits for every client's
// EOF.
func killAll(ctx context.Context, s *server, list []*idle, o options, rep *harness.Report) error {
	start, signal, err := s.kill(ctx, true)
	if err != nil {
		return fmt.Errorf("kill all: %w", err)
	}
	last, missing := waitEOF(list, o.killTimeout)
	if missing > 0 {
		return fmt.Errorf("kill all: %d of %d clients saw no EOF within %s", missing, len(list), o.killTimeout)
	}
	what := fmt.Sprintf("kill all %d sessions, until the last client's EOF (ms)", len(list))
	rep.Set("**"+what+"**", s.name, harness.MS(last.Sub(signal)))
	if signal != start {
		rep.Set(what+", including finding the sessions", s.name, harness.MS(last.Sub(start)))
	}
	return nil
}

// measureKill logs one session in, kills it and times until the client
// sees EOF, o.killReps times for each way the server has to kill.
func measureKill(ctx context.Context, s *server, o options, rep *harness.Report) error {
	from, sig, err := killReps(ctx, s, s.kill, o)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("kill one session, until the client's EOF, p50 / p99 of %d (ms)", o.killReps)
	rep.Set("**"+what+"**", s.name, harness.MS(harness.Percentile(sig, 50))+" / "+harness.MS(harness.Percentile(sig, 99)))
	if !slices.Equal(from, sig) {
		rep.Set(what+", including finding the session", s.name, harness.MS(harness.Percentile(from, 50))+" / "+harness.MS(harness.Percentile(from, 99)))
	}
	if s.killBasic == nil {
		return nil
	}
	_, basic, err := killReps(ctx, s, s.killBasic, o)
	if err != nil {
		return fmt.Errorf("with Basic auth: %w", err)
	}
	rep.Set(what+", API with Basic auth", s.name, harness.MS(harness.Percentile(basic, 50))+" / "+harness.MS(harness.Percentile(basic, 99)))
	return nil
}

// killReps returns, sorted, the times from the start of each kill and from
// its signal to the client's EOF.
func killReps(ctx context.Context, s *server, kill killFunc, o options) (from, sig []time.Duration, err error) {
	var fails int
	for len(from) < o.killReps && ctx.Err() == nil {
		f, g, err := killOnce(ctx, s, kill, o.killTimeout)
		if err != nil {
			if fails++; fails >= maxFailures {
				return nil, nil, fmt.Errorf("%d kills failed, the last: %w", fails, err)
			}
			continue
		}
		from, sig = append(from, f), append(sig, g)
	}
	if fails > 0 {
		harness.Progress("%s: %d kills failed and were repeated", s.name, fails)
	}
	slices.Sort(from)
	slices.Sort(sig)
	return from, sig, ctx.Err()
}

func killOnce(ctx context.Context, s *server, kill killFunc, timeout time.Duration) (from, sig time.Duration, err error) {
	i, err := openIdle(s)
	if err != nil {
		return 0, 0, err
	}
	defer i.conn.Close()
	start, signal, err := kill(ctx, false)
	if err != nil {
		return 0, 0, err
	}
	select {
	case t := <-i.eof:
		return t.Sub(start), t.Sub(signal), nil
	case <-time.After(timeout):
		return 0, 0, errors.New("the client saw no EOF")
	}
}
