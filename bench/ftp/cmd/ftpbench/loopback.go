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
	return measureLoopbackUpload(ctx, o, dir, rep)
}

// measureLoopbackUpload is the ceiling of an upload: the FTP client's own
// writes (io.Copy of the pattern) over 127.0.0.1 to a receiver that splices
// the socket into a file beside the homes (os.File.ReadFrom), with no FTP
// and no quota. The CPU is this process's, sender and receiver together:
// the sum to compare with an upload's server plus client CPU per GiB, which
// on 2 CPUs bounds the rate.
func measureLoopbackUpload(ctx context.Context, o options, dir string, rep *harness.Report) error {
	size := int64(o.fileMiB) << 20
	path := filepath.Join(dir, "ftpbench-loopback-up.bin")
	defer os.Remove(path)
	var times, cpu []time.Duration
	for range o.transferReps {
		cpu0 := harness.SelfCPUTime()
		t, err := loopbackUploadOnce(path, size)
		if err != nil {
			return err
		}
		times, cpu = append(times, t), append(cpu, harness.SelfCPUTime()-cpu0)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	rep.Note("plain loopback TCP upload of %d MiB into a file (the FTP client's writes → splice), MB/s: %s; "+
		"CPU per GiB of sender and receiver together (ms): %s.", o.fileMiB, harness.Rates(size, times),
		spread(perGiB(cpu, size)))
	return nil
}

func loopbackUploadOnce(path string, size int64) (time.Duration, error) {
	return acrossLoopback(func(c net.Conn) error { return receiveFile(c, path, size) }, func(c net.Conn) error {
		_, err := io.Copy(c, harness.NewPattern(size)) // as ftp.ServerConn.Stor does
		if cerr := c.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// receiveFile splices c into a new file at path.
func receiveFile(c net.Conn, path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	n, err := f.ReadFrom(c)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("received %d of %d bytes", n, size)
	}
	return err
}

func loopbackOnce(path string, size int64) (time.Duration, error) {
	return acrossLoopback(func(c net.Conn) error { return sendFile(c, path) }, func(c net.Conn) error {
		n, err := harness.Drain(c)
		if err == nil && n != size {
			err = fmt.Errorf("received %d of %d bytes", n, size)
		}
		return err
	})
}

// acrossLoopback times one connection over 127.0.0.1, from the dial until
// both ends are done: serve runs on the accepted side, client on the dialled
// one. Each side's first error is returned.
func acrossLoopback(serve, client func(net.Conn) error) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		served <- serve(c)
	}()
	start := time.Now()
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Minute))
	err = client(c)
	if serr := <-served; err == nil {
		err = serr
	}
	return time.Since(start), err
}

func sendFile(c net.Conn, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(c, f); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return c.Close() // the end of the file: the client's Drain sees EOF
}
