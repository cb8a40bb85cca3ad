package main

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/jlaffaye/ftp"
)

// commandTimeout bounds every exchange on a control connection that is not
// waiting for a transfer: jlaffaye/ftp sets no deadlines of its own.
const commandTimeout = 30 * time.Second

// login connects to s and logs in. Every connection the client opens,
// control and data, gets the deadline timeout from now; the control
// connection is returned too, for the caller to watch or close.
func login(s *server, timeout time.Duration) (*ftp.ServerConn, net.Conn, error) {
	var ctrl net.Conn
	d := net.Dialer{Timeout: 10 * time.Second}
	dial := func(network, addr string) (net.Conn, error) {
		c, err := d.Dial(network, addr)
		if err != nil {
			return nil, err
		}
		_ = c.SetDeadline(time.Now().Add(timeout))
		if ctrl == nil {
			ctrl = c
		}
		return c, nil
	}
	c, err := ftp.Dial(s.addr, ftp.DialWithDialFunc(dial))
	if err != nil {
		return nil, nil, err
	}
	if err := c.Login(s.user, s.pass); err != nil {
		_ = c.Quit()
		return nil, nil, err
	}
	return c, ctrl, nil
}

// idle is a logged-in client that sends nothing more. eof receives the time
// at which its control connection ended.
type idle struct {
	conn net.Conn
	eof  chan time.Time
}

// openIdle logs in and leaves the session idle, watching the connection.
func openIdle(s *server) (*idle, error) {
	// The ServerConn is dropped: from here on the watcher alone reads the
	// connection, and jlaffaye/ftp has nothing buffered after the login.
	_, conn, err := login(s, commandTimeout)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{}) // idle until killed or closed
	i := &idle{conn: conn, eof: make(chan time.Time, 1)}
	go i.watch()
	return i, nil
}

// watch reads until the server closes the connection (EOF, or a reset when
// unread bytes were pending), which is what a user's client notices.
func (i *idle) watch() {
	buf := make([]byte, 512)
	for {
		if _, err := i.conn.Read(buf); err != nil {
			i.eof <- time.Now()
			return
		}
	}
}

// openMany opens n idle sessions with parallel clients at a time. On error
// it closes the ones it opened.
func openMany(ctx context.Context, s *server, n, parallel int) ([]*idle, error) {
	out := make([]*idle, n)
	next := make(chan int)
	errs := make(chan error, parallel)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for i := range next {
				var err error
				if out[i], err = openIdle(s); err != nil {
					errs <- fmt.Errorf("session %d: %w", i+1, err)
					return
				}
			}
		})
	}
	err := feed(ctx, next, n, errs)
	close(next)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs // a worker failed on one of the last sessions
	}
	if err != nil {
		closeIdle(out)
		return nil, err
	}
	return out, nil
}

// feed hands out 0..n-1 until done, a worker's error or ctx's end.
func feed(ctx context.Context, next chan<- int, n int, errs <-chan error) error {
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case err := <-errs:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func closeIdle(list []*idle) {
	for _, i := range list {
		if i != nil {
			_ = i.conn.Close()
		}
	}
}

// waitEOF waits until every session has seen its connection end, at most
// timeout; it returns the latest EOF and how many sessions saw none.
func waitEOF(list []*idle, timeout time.Duration) (last time.Time, missing int) {
	deadline := time.After(timeout)
	for _, i := range list {
		select {
		case t := <-i.eof:
			if t.After(last) {
				last = t
			}
		case <-deadline:
			missing++
		}
	}
	return last, missing
}
