package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/jlaffaye/ftp"
	"github.com/uapid/uapid/bench/internal/harness"
)

// smallFileSize is the size of each file of the small-files measurement: a
// web site is mostly files of a few KiB.
const smallFileSize = 4 << 10

// measureSmallFiles uploads o.smallFiles files of 4 KiB into a fresh
// directory with one client, lists the directory, then downloads every
// file, each with its own PASV data connection as FTP clients do. It reports
// files per second and the server's CPU time per file (user + system, read
// from /proc/PID/stat of every server process around each step).
func measureSmallFiles(ctx context.Context, s *server, o options, rep *harness.Report) error {
	c, _, err := login(s, 10*time.Minute)
	if err != nil {
		return err
	}
	defer c.Quit()
	dir := "ftpbench-small"
	if err := c.MakeDir(dir); err != nil {
		return fmt.Errorf("MKD: %w", err)
	}
	defer os.RemoveAll(filepath.Join(s.root, dir))
	names := make([]string, o.smallFiles)
	for i := range names {
		names[i] = fmt.Sprintf("%s/f%05d.html", dir, i)
	}
	content := bytes.Repeat([]byte("<p>uapid</p>\n"), smallFileSize/13+1)[:smallFileSize]
	what := fmt.Sprintf("%d × 4 KiB files, one client", o.smallFiles)
	up, err := o.prof.Timed(s.name, "stor4k", s.pids, func() error { return storAll(ctx, c, names, content) })
	if err != nil {
		return fmt.Errorf("STOR: %w", err)
	}
	var lists []time.Duration
	listed, err := o.prof.Timed(s.name, "list", s.pids, func() error {
		lists, err = listRepeated(c, dir, len(names), o.listReps)
		return err
	})
	if err != nil {
		return fmt.Errorf("LIST: %w", err)
	}
	down, err := o.prof.Timed(s.name, "retr4k", s.pids, func() error { return retrAll(ctx, c, names, int64(len(content))) })
	if err != nil {
		return fmt.Errorf("RETR: %w", err)
	}
	n := float64(len(names))
	rep.Set("**STOR "+what+", files/s**", s.name, fmt.Sprintf("%.0f", n/up.Wall.Seconds()))
	rep.Set(fmt.Sprintf("LIST of those files, ms: median (min–max) of %d; server CPU per LIST", o.listReps), s.name,
		fmt.Sprintf("%s; %s", spread(lists), harness.MS(listed.CPU/time.Duration(o.listReps))))
	rep.Set("**RETR "+what+", files/s**", s.name, fmt.Sprintf("%.0f", n/down.Wall.Seconds()))
	rep.Set("server CPU per file, STOR / RETR (ms)", s.name,
		fmt.Sprintf("%.3f / %.3f", up.CPU.Seconds()*1e3/n, down.CPU.Seconds()*1e3/n))
	rep.Set("client CPU per file, STOR / RETR (ms; this process, same client for both)", s.name,
		fmt.Sprintf("%.3f / %.3f", up.Client.Seconds()*1e3/n, down.Client.Seconds()*1e3/n))
	return nil
}

func storAll(ctx context.Context, c *ftp.ServerConn, names []string, content []byte) error {
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := c.Stor(name, bytes.NewReader(content)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func retrAll(ctx context.Context, c *ftp.ServerConn, names []string, size int64) error {
	buf := make([]byte, 64<<10)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := c.Retr(name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		n, err := io.CopyBuffer(io.Discard, r, buf)
		if cerr := r.Close(); err == nil {
			err = cerr
		}
		if err == nil && n != size {
			err = fmt.Errorf("got %d of %d bytes", n, size)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// listRepeated lists dir reps times and returns each LIST's wall time,
// from the command to the end of the data connection and the 226.
func listRepeated(c *ftp.ServerConn, dir string, want, reps int) ([]time.Duration, error) {
	times := make([]time.Duration, 0, reps)
	for range reps {
		start := time.Now()
		if err := listCount(c, dir, want); err != nil {
			return nil, err
		}
		times = append(times, time.Since(start))
	}
	return times, nil
}

// spread formats durations as their median (min–max) in ms.
func spread(times []time.Duration) string {
	slices.Sort(times)
	if len(times) == 1 {
		return harness.MS(times[0])
	}
	return fmt.Sprintf("%s (%s–%s)", harness.MS(harness.Percentile(times, 50)), harness.MS(times[0]),
		harness.MS(times[len(times)-1]))
}

func listCount(c *ftp.ServerConn, dir string, want int) error {
	entries, err := c.List(dir)
	if err != nil {
		return err
	}
	got := 0
	for _, e := range entries {
		if e.Type == ftp.EntryTypeFile {
			got++
		}
	}
	if got != want {
		return fmt.Errorf("listed %d files, want %d", got, want)
	}
	return nil
}

// measureParallel uploads o.parallel files of o.parallelMiB MiB at once, one
// client each, and reports the aggregate rate from the first STOR to the
// last 226.
func measureParallel(ctx context.Context, s *server, o options, rep *harness.Report) error {
	size := int64(o.parallelMiB) << 20
	free, err := harness.FreeSpace(s.root)
	if err != nil || free < int64(o.parallel)*size+(2<<30) {
		return fmt.Errorf("not enough room for %d files of %d MiB beside %s", o.parallel, o.parallelMiB, s.root)
	}
	clients := make([]*ftp.ServerConn, o.parallel)
	for i := range clients {
		c, _, err := login(s, max(time.Minute, time.Duration(o.parallel*o.parallelMiB)*60*time.Second/1024))
		if err != nil {
			return err
		}
		defer c.Quit()
		clients[i] = c
	}
	var times, cpu, client []time.Duration
	for range o.transferReps {
		cpu0, self0 := harness.CPUTime(s.pids()), harness.SelfCPUTime()
		t, err := parallelUploads(ctx, s, o.prof, clients, size)
		if err != nil {
			return err
		}
		times, cpu = append(times, t), append(cpu, harness.CPUTime(s.pids())-cpu0)
		client = append(client, harness.SelfCPUTime()-self0)
	}
	what := fmt.Sprintf("**%d parallel uploads of %d MiB, aggregate MB/s: median (min–max) of %d**", o.parallel,
		o.parallelMiB, o.transferReps)
	total := size * int64(o.parallel)
	rep.Set(what, s.name, harness.Rates(total, times))
	rep.Set("parallel uploads, server CPU per GiB (ms): median (min–max)", s.name, spread(perGiB(cpu, total)))
	rep.Set("parallel uploads, client CPU per GiB (ms): median (min–max)", s.name, spread(perGiB(client, total)))
	return nil
}

// parallelUploads runs one STOR per client at once and removes the files.
func parallelUploads(ctx context.Context, s *server, prof harness.Profiler, clients []*ftp.ServerConn, size int64) (time.Duration, error) {
	defer prof.Start(s.name, "parallel", s.pids())()
	errs := make([]error, len(clients))
	var wg sync.WaitGroup
	start := time.Now()
	for i, c := range clients {
		wg.Go(func() { errs[i] = c.Stor(fmt.Sprintf("ftpbench-par%d.bin", i), harness.NewPattern(size)) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	for i, c := range clients {
		name := fmt.Sprintf("ftpbench-par%d.bin", i)
		if fi, err := os.Stat(filepath.Join(s.root, name)); errs[i] == nil && (err != nil || fi.Size() != size) {
			errs[i] = fmt.Errorf("%s is not %d bytes on disk: %v", name, size, err)
		}
		if err := c.Delete(name); errs[i] == nil && err != nil {
			errs[i] = fmt.Errorf("delete %s: %w", name, err)
		}
	}
	if err := errorsJoin(errs); err != nil {
		return 0, err
	}
	return elapsed, ctx.Err()
}

func errorsJoin(errs []error) error {
	errs = slices.DeleteFunc(errs, func(e error) bool { return e == nil })
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%d of the uploads failed, the first: %w", len(errs), errs[0])
}
