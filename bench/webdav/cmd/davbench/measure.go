package main

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// measureSmall PUTs o.small files of 4 KiB into a new collection, then
// GETs each, one request at a time on one keep-alive connection, and
// reports files per second and the server's CPU time per file.
func measureSmall(ctx context.Context, s *server, o options, rep *harness.Report) error {
	c := newClient(s, time.Minute)
	defer c.close()
	if err := c.mkcol(ctx, "small/"); err != nil {
		return err
	}
	defer c.delete(context.Background(), "small/")
	body := bytes.Repeat([]byte("<p>uapid</p>\n"), 4096/13+1)[:4096]
	name := func(i int) string { return fmt.Sprintf("small/f%05d.html", i) }
	put, err := o.prof.Timed(s.name, "put4k", s.pids, func() error {
		for i := range o.small {
			if err := c.put(ctx, name(i), bytes.NewReader(body), int64(len(body))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	get, err := o.prof.Timed(s.name, "get4k", s.pids, func() error {
		for i := range o.small {
			if err := c.get(ctx, name(i), int64(len(body))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if d := c.dials.Load(); d != 1 {
		rep.Note("%s: the small-file requests needed %d connections (keep-alive broke)", s.name, d)
	}
	n := float64(o.small)
	what := fmt.Sprintf("%d × 4 KiB files, one keep-alive connection", o.small)
	rep.Set("**PUT "+what+", files/s**", s.name, fmt.Sprintf("%.0f", n/put.Wall.Seconds()))
	rep.Set("**GET "+what+", files/s**", s.name, fmt.Sprintf("%.0f", n/get.Wall.Seconds()))
	rep.Set("server CPU per file, PUT / GET (ms)", s.name,
		fmt.Sprintf("%.3f / %.3f", put.CPU.Seconds()*1e3/n, get.CPU.Seconds()*1e3/n))
	return nil
}

// measureLarge PUTs a file of o.fileMiB MiB o.reps times, then GETs it
// o.reps times.
func measureLarge(ctx context.Context, s *server, o options, rep *harness.Report) error {
	size := int64(o.fileMiB) << 20
	if free, err := harness.FreeSpace(s.root); err != nil || free < size+(2<<30) {
		return fmt.Errorf("not enough room for a %d MiB file beside %s", o.fileMiB, s.root)
	}
	c := newClient(s, max(time.Minute, time.Duration(o.fileMiB)*30*time.Second/1024))
	defer c.close()
	defer c.delete(context.Background(), "large.bin")
	var puts, gets []time.Duration
	for range o.reps {
		t, err := o.prof.Timed(s.name, "put-large", s.pids, func() error {
			return c.put(ctx, "large.bin", harness.NewPattern(size), size)
		})
		if err != nil {
			return err
		}
		puts = append(puts, t.Wall)
	}
	for range o.reps {
		t, err := o.prof.Timed(s.name, "get-large", s.pids, func() error { return c.get(ctx, "large.bin", size) })
		if err != nil {
			return err
		}
		gets = append(gets, t.Wall)
	}
	what := fmt.Sprintf("%d MiB file, MB/s: median (min–max) of %d", o.fileMiB, o.reps)
	rep.Set("**PUT "+what+"**", s.name, harness.Rates(size, puts))
	rep.Set("**GET "+what+"**", s.name, harness.Rates(size, gets))
	return nil
}
