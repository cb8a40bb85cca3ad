package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/bench/internal/harness"
)

// driveFTP holds o.ftpSessions sessions until ctx ends, logging them in
// over the first 20 seconds. Session i logs in as login i%ftpLogins from
// that login's own address; every fourth (by -transferring) uploads and
// downloads a file in a loop, the others send NOOP once a minute.
func driveFTP(ctx context.Context, o options, s *server, r *results) {
	var wg sync.WaitGroup
	every := max(1, int(1/o.transferring+0.5))
	stagger := 20 * time.Second / time.Duration(max(1, o.ftpSessions))
	for i := range o.ftpSessions {
		wg.Go(func() {
			if !sleep(ctx, time.Duration(i)*stagger) {
				return
			}
			ftpSession(ctx, o, s, r, i, o.transferring > 0 && i%every == 0)
		})
	}
	wg.Wait()
}

// ftpSession keeps one session alive, logging in again after an error.
func ftpSession(ctx context.Context, o options, s *server, r *results, i int, transfer bool) {
	login := ftpUser(i%o.ftpLogins) + "@" + s.domain
	ip := sourceIP(1, i%o.ftpLogins)
	for ctx.Err() == nil {
		c, err := ftpLogin(s.ftp, ip, login)
		if err != nil {
			if ctx.Err() == nil {
				r.fail("ftp login", err)
			}
			sleep(ctx, time.Second)
			continue
		}
		r.ok("ftp login")
		stop := context.AfterFunc(ctx, func() { _ = c.Quit() })
		err = ftpLoop(ctx, o, c, r, i, transfer)
		stop()
		_ = c.Quit()
		if err != nil && ctx.Err() == nil {
			r.fail("ftp command", err)
			sleep(ctx, time.Second)
		}
	}
}

func ftpLogin(addr, ip, login string) (*ftp.ServerConn, error) {
	c, err := ftp.Dial(addr, ftp.DialWithTimeout(30*time.Second), ftp.DialWithDialFunc(func(network, address string) (net.Conn, error) {
		return dialerFrom(ip).Dial(network, address)
	}))
	if err != nil {
		return nil, err
	}
	if err := c.Login(login, ftpPass); err != nil {
		_ = c.Quit()
		return nil, err
	}
	return c, nil
}

// ftpLoop runs one session's work until ctx ends or a command fails.
func ftpLoop(ctx context.Context, o options, c *ftp.ServerConn, r *results, i int, transfer bool) error {
	name, size := fmt.Sprintf("soak-%d.bin", i), int64(o.fileKiB)<<10
	for ctx.Err() == nil {
		if !transfer {
			if !sleep(ctx, time.Minute) {
				return nil
			}
			if err := c.NoOp(); err != nil {
				return err
			}
			r.ok("ftp noop")
			continue
		}
		if err := c.Stor(name, harness.NewPattern(size)); err != nil {
			return err
		}
		resp, err := c.Retr(name)
		if err != nil {
			return err
		}
		n, err := io.Copy(io.Discard, resp)
		_ = resp.Close()
		if err != nil || n != size {
			return fmt.Errorf("RETR %s: %d bytes of %d: %v", name, n, size, err)
		}
		r.ok("ftp transfer")
		sleep(ctx, time.Second)
	}
	return nil
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
