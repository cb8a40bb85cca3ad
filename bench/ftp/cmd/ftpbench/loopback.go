package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// measureLoopback times a plain TCP copy of a file of o.fileMiB MiB over
// 127.0.0.1, with no FTP at all: the sender hands the file to the kernel
// (io.Copy from an *os.File to a *net.TCPConn is sendfile) and the receiver
// drains it with the same 1 MiB reads as the FTP client. It is the ceiling a
// download can reach on this machine, reported beside the servers' rates.
func measureLoopback(ctx context.Context, o options, dir string, rep *harness.Report) error {
	size := int64(o.fileMiB) << 20
	path := filepath.Join(dir, "ftpbench-loopback.bin")
	if err := harness.WriteFile(path, size); err != nil {
		return err
	}
	defer os.Remove(path)
	var times []time.Duration
	for range o.transferReps {
		t, err := loopbackOnce(path, size)
		if err != nil {
			return err
		}
		times = append(times, t)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	rep.Note("plain loopback TCP copy of the same %d MiB file (sendfile → 1 MiB reads), MB/s: %s; the downloads "+
		"above are measured the same way, from RETR to the 226.", o.fileMiB, harness.Rates(size, times))
	return nil
}

func loopbackOnce(path string, size int64) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	sent := make(chan error, 1)
	go func() { sent <- sendFile(ln, path) }()
	start := time.Now()
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Minute))
	n, err := harness.Drain(c)
	elapsed := time.Since(start)
	if serr := <-sent; err == nil {
		err = serr
	}
	if err == nil && n != size {
		err = fmt.Errorf("received %d of %d bytes", n, size)
	}
	return elapsed, err
}

func sendFile(ln net.Listener, path string) error {
	c, err := ln.Accept()
	if err != nil {
		return err
	}
	defer c.Close()
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(c, f); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}
